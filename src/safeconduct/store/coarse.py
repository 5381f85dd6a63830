"""Times cut down before they reach the disk, so a seized server cannot date one person's activity.

Each stored time is kept only as precisely as the server needs it: expiries are rounded up (a session may
outlive its nominal length by less than one step, never fall short of it), and the modification times of
encrypted files and their folders are set back to the start of their UTC day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def round_up(at: dt.datetime, step: dt.timedelta) -> dt.datetime:
    """`at` rounded up to a whole `step` since the epoch, in UTC (already whole: unchanged)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    remainder = (at - _EPOCH) % step
    return at if not remainder else at + (step - remainder)


def day_start(at: dt.datetime | None = None) -> dt.datetime:
    """Midnight UTC of the day of `at` (now by default)."""
    at = at or dt.datetime.now(dt.UTC)
    return at.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def day_mtimes(*paths: Path) -> None:
    """Set access and modification times of each existing path to the start of today (UTC).

    The inode's change time (ctime) cannot be set from user space and keeps the exact time of this call:
    only full-disk encryption hides it (see docs/operations.md).
    """
    stamp = day_start().timestamp()
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.utime(path, (stamp, stamp))
