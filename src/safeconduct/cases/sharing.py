"""Sharing a case with another caseworker, and taking it back.

Access to a case *is* holding a seal of its key: sharing seals the key to the colleague's public key,
unsharing deletes that seal (and the colleague's read mark). The recovery key's seal is never touched, so
no unsharing can make a case unreadable for the organisation. Both are "share" events in the ledger.
"""

from __future__ import annotations

import datetime as dt
import json

from nacl.signing import SigningKey
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events, keys
from safeconduct.cases.models import Case, CaseKeySeal, ReadMark
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cases.transitions import Actor
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.staff.models import StaffMember


def _member(db: Session, username: str) -> StaffMember:
    member = db.scalar(select(StaffMember).where(StaffMember.username == username.strip().lower()))
    if member is None:
        raise NotFound("There is no staff member called %(username)s.", username=username)
    return member


def _record(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor, action: str,
            member: StaffMember) -> None:
    at = dt.datetime.now(dt.UTC)
    plaintext = json.dumps({"action": action, "by": actor.username, "with": member.username}, sort_keys=True)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="share",
                  plaintext=plaintext.encode(), at=at)
    audit.record(db, staff_id=actor.staff_id, action=action, case_id=case_id, target=member.username, on=at.date())


def share(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
          username: str) -> None:
    """Give an active colleague access to the case (the caller already opened it, so may share it)."""
    member = _member(db, username)
    if not member.active:
        raise InvalidInput("The account %(username)s is deactivated; it cannot receive cases.",
                           username=member.username)
    already = db.scalar(select(CaseKeySeal.id).where(CaseKeySeal.case_id == case_id,
                                                     CaseKeySeal.staff_id == member.id))
    if already is not None:
        raise Conflict("The case is already shared with %(username)s.", username=member.username)
    keys.seal_to_staff(db, case_id, case_key, member)
    # a reset account waiting for this case has it again
    db.execute(delete(PendingReshare).where(PendingReshare.case_id == case_id, PendingReshare.staff_id == member.id))
    _record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor, action="share",
            member=member)
    db.commit()


def unshare(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
            username: str) -> None:
    """Take a colleague's access away; refuses to leave the case without any caseworker."""
    member = _member(db, username)
    seal = db.scalar(select(CaseKeySeal).where(CaseKeySeal.case_id == case_id, CaseKeySeal.staff_id == member.id))
    if seal is None:
        raise NotFound("The case is not shared with %(username)s.", username=member.username)
    holders = db.scalar(select(func.count(CaseKeySeal.id)).where(CaseKeySeal.case_id == case_id,
                                                                 CaseKeySeal.recipient == "staff"))
    if (holders or 0) <= 1:
        raise Conflict("%(username)s is the only caseworker on this case; share it with someone else first.",
                       username=member.username)
    db.delete(seal)
    case = db.get(Case, case_id)
    if case is not None and case.assignee_id == member.id:  # who cannot read a case is not responsible for it
        case.assignee_id = None
    mark = db.get(ReadMark, (member.id, case_id))
    if mark is not None:
        db.delete(mark)
    _record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor, action="unshare",
            member=member)
    db.commit()
