"""One caseworker responsible for a case; the others who hold its key share it.

The assignee must hold a seal of the case key (be able to read it). Assigning and unassigning are recorded
twice, like sharing: an audit row (who, which case, whom, which day) and an "assign" event in the case's
ledger, so the signed record shows who was responsible when.
"""

from __future__ import annotations

import datetime as dt
import json

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.cases.transitions import Actor, locked_case
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.staff.models import StaffMember


def holders(db: Session, case_id: str) -> list[str]:
    """Usernames of the active caseworkers who hold the case's key: those it can be assigned to."""
    return list(db.scalars(
        select(StaffMember.username).join(CaseKeySeal, CaseKeySeal.staff_id == StaffMember.id)
        .where(CaseKeySeal.case_id == case_id, StaffMember.active.is_(True)).order_by(StaffMember.username)))


def assignee(db: Session, case_id: str) -> str | None:
    """The username of the caseworker responsible, if any."""
    return db.scalar(select(StaffMember.username).join(Case, Case.assignee_id == StaffMember.id)
                     .where(Case.id == case_id))


def assign(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
           username: object) -> None:
    """Make `username` (a caseworker holding the case) responsible; an empty name unassigns."""
    if username is not None and not isinstance(username, str):
        raise InvalidInput("Say which caseworker should be responsible.")
    name = (username or "").strip().lower()
    case = locked_case(db, case_id)
    if not name:
        if case.assignee_id is None:
            db.rollback()
            raise Conflict("Nobody is responsible for this case.")
        previous = db.get(StaffMember, case.assignee_id)
        case.assignee_id = None
        _record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor, action="unassign",
                username=previous.username if previous else "")
        db.commit()
        return
    member = db.scalar(select(StaffMember).where(StaffMember.username == name))
    if member is None:
        db.rollback()
        raise NotFound("There is no staff member called %(username)s.", username=name[:64])
    if not member.active:
        db.rollback()
        raise InvalidInput("The account %(username)s is deactivated; it cannot receive cases.",
                           username=member.username)
    if db.scalar(select(CaseKeySeal.id).where(CaseKeySeal.case_id == case_id,
                                              CaseKeySeal.staff_id == member.id)) is None:
        db.rollback()
        raise Conflict("The case is not shared with %(username)s; share it first.", username=member.username)
    if case.assignee_id == member.id:
        db.rollback()
        raise Conflict("%(username)s is already responsible for this case.", username=member.username)
    case.assignee_id = member.id
    _record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor, action="assign",
            username=member.username)
    db.commit()


def _record(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor, action: str,
            username: str) -> None:
    at = dt.datetime.now(dt.UTC)
    plaintext = json.dumps({"action": action, "by": actor.username, "who": username}, sort_keys=True)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="assign",
                  plaintext=plaintext.encode(), at=at)
    audit.record(db, staff_id=actor.staff_id, action=action, case_id=case_id, target=username or None,
                 on=at.date())
