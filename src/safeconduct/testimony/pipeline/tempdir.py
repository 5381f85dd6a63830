"""Keep every temporary file of a run inside the output folder the user chose.

Libraries write to the system's temporary folder on their own (importing onnxruntime leaves a `.ses`
session file there): on a seized machine that is a trace of the work, so during a run TMPDIR and
Python's `tempfile` point into a private folder that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_VARIABLES = ("TMPDIR", "TEMP", "TMP")


@contextmanager
def private_tempdir(folder: Path) -> Iterator[Path]:
    """Point TMPDIR/TEMP/TMP and `tempfile` at a new folder inside `folder`; remove it on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".safeconduct-tmp-", dir=folder))
    saved = {name: os.environ.get(name) for name in _VARIABLES}
    saved_tempdir = tempfile.tempdir
    for name in _VARIABLES:
        os.environ[name] = str(private)
    tempfile.tempdir = str(private)
    try:
        yield private
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(private, ignore_errors=True)
