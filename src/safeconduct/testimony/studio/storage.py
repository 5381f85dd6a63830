"""Where a testimony's encrypted bodies live: `testimonies/` in the data folder, one file per random id."""

from __future__ import annotations

import secrets
from pathlib import Path

from safeconduct.config import Settings


def folder(settings: Settings) -> Path:
    return settings.data_dir / "testimonies"


def new_id() -> str:
    return secrets.token_hex(16)


def path(settings: Settings, file_id: str) -> Path:
    if not file_id.isalnum():
        raise ValueError("not a stored file id")
    return folder(settings) / f"{file_id}.enc"
