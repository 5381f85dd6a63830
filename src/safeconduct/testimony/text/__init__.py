"""Finding and hiding the details in a testimony's text that give a person away.

Public surface: `redact_text` (find and replace), `RedactionResult`, `Finding`, `Kind` and the errors.
Heavy libraries (spaCy, Presidio, the gazetteer) load on the first call, not at import.
"""

from __future__ import annotations

from safeconduct.testimony.text.errors import RedactionError, UnsupportedLanguageError
from safeconduct.testimony.text.model import Finding, Kind, RedactionResult
from safeconduct.testimony.text.redact import redact_text, replace_spans

__all__ = [
    "Finding",
    "Kind",
    "RedactionError",
    "RedactionResult",
    "UnsupportedLanguageError",
    "redact_text",
    "replace_spans",
]
