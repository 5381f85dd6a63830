"""Forgetting what is no longer needed: expired log-in sessions, abandoned uploads and upload debris.

Nothing here touches case content: only session rows (whose secrets are useless without the client's
token anyway), unfinished uploads past their expiry, and partial files no live request owns.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.cases import partial_uploads, upload_lease
from safeconduct.cases.content import part_path
from safeconduct.cases.models import Upload
from safeconduct.config import Settings
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
        partial_uploads.remove(part_path(settings, upload_id))
        purged += 1
    db.commit()
    return purged


#: How long a file in the uploads folder must have stayed unchanged before it may be swept as debris: covers
#: the instant between a live request creating its file and locking it (or recording its upload row).
ORPHAN_GRACE = dt.timedelta(minutes=10)


def sweep_orphan_partials(db: Session, settings: Settings, now: dt.datetime | None = None) -> int:
    """Remove what dead requests left in the uploads folder; returns how many uploads' files went.

    That is the files of an upload with no row (a one-request upload whose process was killed mid-way, a
    resumable one created but never recorded) and stale temporary tails (a checkpoint that met a full disk).
    A file a live writer holds locked, or changed within `ORPHAN_GRACE`, is left alone.
    """
    if not settings.uploads_dir.is_dir():
        return 0
    now = now or dt.datetime.now(dt.UTC)
    recorded = set(db.scalars(select(Upload.id)))
    swept: set[str] = set()
    for path in sorted(settings.uploads_dir.iterdir()):
        upload_id = partial_uploads.upload_id_of(path)
        if upload_id is None or upload_id in swept:
            continue
        temporary = path.name.endswith(".tail.tmp")
        if upload_id in recorded and not temporary:
            continue
        try:
            changed = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        except FileNotFoundError:
            continue
        part = settings.uploads_dir / f"{upload_id}.part"
        if now - changed < ORPHAN_GRACE or partial_uploads.is_being_written(part):
            continue
        if temporary and upload_id in recorded:
            path.unlink(missing_ok=True)
        else:
            partial_uploads.remove(part)
            swept.add(upload_id)
    return len(swept)


def sequence_ledger(db: Session) -> int:
    """Give new case events their place in the org-wide Merkle log (see ``ledger.service.sequence_pending``)."""
    count = 0
    while added := ledger.sequence_pending(db):
        db.commit()
        count += added
    db.commit()
    return count


def run(db: Session, settings: Settings) -> tuple[int, int]:
    """One round of housekeeping: (sessions purged, uploads purged or swept as debris)."""
    swept = sweep_orphan_partials(db, settings)  # first: it writes nothing, so it frees room even on a full disk
    return sessions.purge_expired(db), purge_abandoned_uploads(db, settings) + swept
