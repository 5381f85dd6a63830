"""A conversation reaches the intake team with the contact's first message or file, not before.

Starting a conversation is anonymous and free of content, so anyone can start thousands. Until the contact
writes, the case is sealed only to the contact and the recovery key: it is in no caseworker's inbox, in no
statistics and has no ledger, and housekeeping forgets it after a while. The first words seal the case key
to the intake team of that moment and open the case's ledger with `case_opened`.
"""

from __future__ import annotations

import datetime as dt

from nacl.signing import SigningKey
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from safeconduct.auth.models import AuthSession
from safeconduct.cases import events, keys
from safeconduct.cases.models import Case, CaseKeySeal, Upload
from safeconduct.config import Settings
from safeconduct.crypto import filestream
from safeconduct.staff import service as staff_service


def deliver(db: Session, *, case: Case, case_key: bytes, signing_key: SigningKey, at: dt.datetime) -> None:
    """On the contact's first message or file: put the case in the intake team's inboxes (caller commits).

    The conditional update makes this happen once even when two first messages race: only the one that
    turns `opened_on` from empty to a date seals and records.
    """
    if case.opened_on is not None:
        return
    won = db.execute(
        update(Case).where(Case.id == case.id, Case.opened_on.is_(None)).values(opened_on=at.date())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    db.refresh(case, ["opened_on"])
    if not won:
        return
    for member in staff_service.intake_team(db):
        keys.seal_to_staff(db, case.id, case_key, member)
    events.record(db, case_id=case.id, case_key=case_key, signing_key=signing_key, kind="case_opened",
                  plaintext=b"conversation started", at=at)


def purge_empty(db: Session, settings: Settings, today: dt.date | None = None) -> int:
    """Forget conversations started more than `empty_conversation_days` ago in which nothing was ever sent."""
    today = today or dt.datetime.now(dt.UTC).date()
    cutoff = today - dt.timedelta(days=settings.empty_conversation_days)
    ids = list(db.scalars(select(Case.id).where(Case.opened_on.is_(None), Case.created_on < cutoff)))
    if not ids:
        return 0
    from safeconduct.cases.content import part_path  # content imports this module

    for upload_id in db.scalars(select(Upload.id).where(Upload.case_id.in_(ids))):
        filestream.discard(part_path(settings, upload_id))
    db.execute(delete(AuthSession).where(AuthSession.kind == "contact", AuthSession.subject.in_(ids)))
    db.execute(delete(Upload).where(Upload.case_id.in_(ids)))
    db.execute(delete(CaseKeySeal).where(CaseKeySeal.case_id.in_(ids)))
    db.execute(delete(Case).where(Case.id.in_(ids)))
    db.commit()
    return len(ids)
