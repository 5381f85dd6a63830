"""Files of uploads still arriving: written with room to spare, gone for good when given up, swept after a crash.

A file sent in one request (the multipart form) is written by a `OneRequestWriter`: it is never resumed, so
giving it up writes nothing (no checkpoint, no tail) and still works on a full disk. While it is written
it holds an exclusive `flock`, which the kernel drops when the process ends however it ends (kill -9
included): housekeeping uses that to tell a live upload in another server process from the debris of a
dead one (`is_being_written`).
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import cast

from safeconduct.config import Settings
from safeconduct.crypto import filestream
from safeconduct.store import diskspace

#: What an unfinished upload `<id>.part` may leave beside it (tails, temporary copies, a format rewrite).
COMPANIONS = filestream.COMPANIONS


def upload_id_of(path: Path) -> str | None:
    """The upload id a file in the uploads folder belongs to, or None for a file that is none of ours."""
    name = path.name
    for suffix in ("", *COMPANIONS):
        if name.endswith(".part" + suffix):
            return name[: -len(".part" + suffix)] or None
    return None


def remove(part: Path) -> None:
    """Delete an unfinished upload with every companion file (unlinking needs no free space)."""
    filestream.discard(part)


def is_being_written(part: Path) -> bool:
    """Whether some process (this one included) holds the writer's lock on `part` right now."""
    try:
        fh = open(part, "rb")  # noqa: SIM115 - closed below; a separate open file description tests the lock
    except FileNotFoundError:
        return False
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


class OneRequestWriter(filestream.EncryptedFileWriter):
    """An encrypted upload that arrives in one request: room checked as it grows, nothing written to stop it."""

    _settings: Settings

    @classmethod
    def start(cls, settings: Settings, part: Path, file_id: bytes, key: bytes) -> OneRequestWriter:
        """Create `part` and lock it, or refuse (out of space) leaving no file behind."""
        diskspace.require_room(settings)
        try:
            with diskspace.refused_when_full():
                writer = cast(OneRequestWriter, cls.create(part, file_id, key))  # create() builds a `cls`
                fcntl.flock(writer._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            remove(part)
            raise
        writer._settings = settings
        return writer

    def write(self, data: bytes) -> None:
        # Room for this piece and for the encrypted block it may complete.
        diskspace.require_room(self._settings, len(data) + filestream.RECORD)
        with diskspace.refused_when_full():
            super().write(data)

    def checkpoint(self) -> None:
        """Never resumed: nothing to keep for a later request."""

    def abandon(self) -> None:
        """Close (releasing the lock) and delete the file, even when the disk is too full to flush."""
        with contextlib.suppress(OSError):  # the unflushed bytes are unwanted; the handle is closed anyway
            self.close()
        remove(self.path)
