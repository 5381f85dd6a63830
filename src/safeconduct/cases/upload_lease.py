"""Who may write to an unfinished upload: a lease on its `uploads` row, shared by every process and machine.

A tus client on a slow circuit retries while its first PATCH still streams, and the retry may reach
another server process. Only one request may append to an upload's file at a time, or two of them would
resume from the same block and write over each other. A lock in one process cannot see the others, so the
lease lives in the database: one conditional UPDATE takes it when it is free or expired (atomic on
SQLite and PostgreSQL alike), the holder renews it while bytes flow, and a holder that was killed simply
stops renewing: its lease expires and the next request takes over. A holder that finds its lease gone
(it stalled past expiry and another request took over) stops writing at once.

The clock is the servers' (UTC): machines sharing a database must agree on the time to well within
`RENEW_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from safeconduct.cases.models import Upload
from safeconduct.errors import Conflict, NotFound

Clock = Callable[[], dt.datetime]

#: How long a lease lasts without renewal: a request whose client sends nothing for this long loses it.
LEASE = dt.timedelta(seconds=60)
#: A holder renews once this much of its lease has passed, so it never writes on an expired one.
RENEW_AFTER = LEASE / 4


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def unleased(now: dt.datetime) -> ColumnElement[bool]:
    """Uploads nobody may be writing to at `now`: never leased, released, or whose holder stopped renewing."""
    return or_(Upload.lease_holder.is_(None), Upload.lease_expires_at <= now)


def _busy() -> Conflict:
    return Conflict("This upload is already receiving data from another request.")


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


class UploadLease:
    """The right to write one upload's file, held by one request; `take` it, `keep` it, `release` it."""

    def __init__(self, db: Session, upload_id: str, holder: str, clock: Clock, renewed_at: dt.datetime) -> None:
        self._db, self.upload_id, self.holder, self._clock = db, upload_id, holder, clock
        self._renewed_at = renewed_at
        self.held = True

    @classmethod
    def take(cls, db: Session, *, case_id: str, upload_id: str, clock: Clock = utc_now) -> UploadLease:
        """Take the lease if nobody holds it or its holder stopped renewing; else a clear 409."""
        now, holder = clock(), secrets.token_hex(16)
        result = db.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.case_id == case_id, unleased(now))
            .values(lease_holder=holder, lease_expires_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        db.commit()
        if _rowcount(result) != 1:
            exists = db.scalar(select(Upload.id).where(Upload.id == upload_id, Upload.case_id == case_id))
            if exists is None:
                raise NotFound("No such upload.")
            raise _busy()
        return cls(db, upload_id, holder, clock, now)

    def due(self) -> bool:
        """Whether the next write must renew first (cheap: no database)."""
        return not self.held or self._clock() - self._renewed_at >= RENEW_AFTER

    def renew(self) -> None:
        """Extend the lease; raises a 409 `Conflict` once another request has taken it over."""
        if not self.held:
            raise _busy()
        now = self._clock()
        result = self._db.execute(
            update(Upload)
            .where(Upload.id == self.upload_id, Upload.lease_holder == self.holder)
            .values(lease_expires_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        self._db.commit()
        if _rowcount(result) != 1:
            self.held = False
            raise _busy()
        self._renewed_at = now

    def keep(self) -> None:
        """Renew when due; call before every write."""
        if self.due():
            self.renew()

    def release(self) -> None:
        """Let the next request in at once (a no-op when the lease was already taken over)."""
        if not self.held:
            return
        self._db.execute(
            update(Upload)
            .where(Upload.id == self.upload_id, Upload.lease_holder == self.holder)
            .values(lease_holder=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )
        self._db.commit()
        self.held = False

    def claim_finished(self) -> None:
        """Delete the upload row in the caller's open transaction, only while still holding the lease."""
        result = self._db.execute(
            delete(Upload)
            .where(Upload.id == self.upload_id, Upload.lease_holder == self.holder)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            self._db.rollback()
            self.held = False
            raise _busy()


def delete_unleased(db: Session, *, case_id: str, upload_id: str, now: dt.datetime) -> None:
    """Delete an upload's row unless a request holds its lease (then a 409: it is receiving bytes)."""
    result = db.execute(
        delete(Upload)
        .where(Upload.id == upload_id, Upload.case_id == case_id, unleased(now))
        .execution_options(synchronize_session=False)
    )
    db.commit()
    if _rowcount(result) != 1:
        if db.scalar(select(Upload.id).where(Upload.id == upload_id, Upload.case_id == case_id)) is None:
            raise NotFound("No such upload.")
        raise _busy()
