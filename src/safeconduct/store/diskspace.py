"""Room on the data disk: a reserve that keeps the database writable, and a full disk told apart from a bug.

Uploads are the only thing that can fill the disk quickly, so they are refused (out of space) as soon as they
would eat into the reserve (``Settings.space_reserve_bytes``); what is left belongs to the database, so
that log-ins, reading and messages keep working. If the disk fills anyway (another program, a reserve set
too small), the failed write is recognised here and becomes the same clear refusal instead of a crash,
with the transaction rolled back so nothing is half-stored.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.errors import OutOfSpace, Refusal

OUT_OF_SPACE = "The server is out of space; nothing you sent before is lost."

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"
_POSTGRES_DISK_FULL = "53100"  # SQLSTATE disk_full


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged writer can still use on the filesystem holding `path` (or its nearest parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def require_room(settings: Settings, incoming: int = 0) -> None:
    """Refuse a write of `incoming` bytes into the uploads folder that would leave less than the reserve."""
    if free_bytes(settings.uploads_dir) - incoming < settings.space_reserve_bytes:
        raise OutOfSpace(OUT_OF_SPACE)


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it wraps or was raised from, says the disk (or quota) is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == _SQLITE_FULL:
            return True
        if getattr(exc, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return True
        wrapped = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError carries the driver's error here
        exc = wrapped if isinstance(wrapped, BaseException) and id(wrapped) not in seen else (
            exc.__cause__ or exc.__context__)
    return False


@contextmanager
def refused_when_full(db: Session | None = None) -> Iterator[None]:
    """Turn a full disk met inside the block into `OutOfSpace`, rolling `db` back first."""
    try:
        yield
    except Refusal:
        raise
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        if db is not None:
            db.rollback()
        raise OutOfSpace(OUT_OF_SPACE) from exc


def commit_unless_full(db: Session) -> bool:
    """Commit a write that is only a convenience (a session's sliding expiry): on a full disk, drop it."""
    try:
        db.commit()
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        db.rollback()
        return False
    return True
