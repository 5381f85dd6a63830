"""Resumable stages: a working folder inside the output folder, and a record of the stages done.

Each stage's key covers the input, its own options and the key of the stage before, so a change anywhere
re-runs that stage and every stage after it; a stage whose key matches and whose files exist is skipped.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

WORK = ".safeconduct-work"


def fingerprint(path: Path) -> str:
    """Size and a hash of the file: enough to tell one recording from another, cheap on hour-long files."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with path.open("rb") as f:
        h.update(f.read(4 << 20))
        if size > 8 << 20:
            f.seek(-(4 << 20), 2)
            h.update(f.read())
    return f"{size}:{h.hexdigest()[:32]}"


class StageLog:
    """The working folder and `state.json` in it."""

    def __init__(self, outdir: Path) -> None:
        self.folder = outdir / WORK
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path = self.folder / "state.json"
        self._state: dict[str, Any] = json.loads(self._path.read_text()) if self._path.is_file() else {}
        self.previous = ""

    def key(self, stage: str, **options: Any) -> str:
        raw = json.dumps([self.previous, stage, options], sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def done(self, stage: str, key: str) -> dict[str, Any] | None:
        """The stage's saved result when its key matches and its files are all still there."""
        entry = self._state.get(stage)
        if not entry or entry.get("key") != key:
            return None
        if not all((self.folder / name).exists() for name in entry.get("files", [])):
            return None
        return entry.get("result", {})

    def record(self, stage: str, key: str, result: dict[str, Any], files: list[str]) -> None:
        self._state[stage] = {"key": key, "result": result, "files": files}
        partial = self._path.with_name("state.json.partial")
        partial.write_text(json.dumps(self._state, indent=1, default=str))
        partial.replace(self._path)
        self.previous = key

    def path(self, name: str) -> Path:
        return self.folder / name

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
