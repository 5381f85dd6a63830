"""Forgetting what is no longer needed: expired log-in sessions and abandoned uploads.

Nothing here touches case content: only session rows (whose secrets are useless without the client's
token anyway) and unfinished uploads past their expiry.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.cases import upload_lease
from safeconduct.cases.content import part_path
from safeconduct.cases.models import Upload
from safeconduct.config import Settings
from safeconduct.crypto import filestream
from safeconduct.errors import Refusal
from safeconduct.ledger import service as ledger


def purge_abandoned_uploads(db: Session, settings: Settings, now: dt.datetime | None = None) -> int:
    """Delete unfinished uploads whose expiry has passed, with their encrypted partial bodies."""
    now = now or dt.datetime.now(dt.UTC)
    # An upload still receiving bytes keeps its file until its request ends or its lease runs out.
    expired = db.execute(select(Upload.id, Upload.case_id)
                         .where(Upload.expires_at <= now, upload_lease.unleased(now))).all()
    purged = 0
    for upload_id, case_id in expired:
        try:
            upload_lease.delete_unleased(db, case_id=case_id, upload_id=upload_id, now=now)
        except Refusal:  # a request took it in the meantime, or another process purged it
            continue
        filestream.discard(part_path(settings, upload_id))
        purged += 1
    db.commit()
    return purged


def sequence_ledger(db: Session) -> int:
    """Give new case events their place in the org-wide Merkle log (see ``ledger.service.sequence_pending``)."""
    count = 0
    while added := ledger.sequence_pending(db):
        db.commit()
        count += added
    db.commit()
    return count


def run(db: Session, settings: Settings) -> tuple[int, int]:
    """One round of housekeeping: (sessions purged, uploads purged)."""
    return sessions.purge_expired(db), purge_abandoned_uploads(db, settings)
