"""The caseworker's inbox: the cases sealed to them, what is new in each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safeconduct.cases import keys
from safeconduct.cases.content import get_case, latest_message_id
from safeconduct.cases.models import Case, CaseKeySeal, Message, ReadMark
from safeconduct.staff.service import StaffAccess


@dataclass(frozen=True)
class CaseSummary:
    id: str
    label: str
    state: str
    created_on: dt.date
    last_activity_on: dt.date
    unread: int


def list_cases(db: Session, staff_id: int) -> list[CaseSummary]:
    """Cases this staff member can open, most recently active first, with their unread counts."""
    mark = select(ReadMark.last_message_id).where(
        ReadMark.staff_id == staff_id, ReadMark.case_id == Case.id
    ).scalar_subquery()
    unread = (
        select(func.count(Message.id))
        .where(Message.case_id == Case.id, Message.id > func.coalesce(mark, 0))
        .scalar_subquery()
    )
    rows = db.execute(
        select(Case, unread)
        .join(CaseKeySeal, CaseKeySeal.case_id == Case.id)
        .where(CaseKeySeal.staff_id == staff_id, Case.opened_on.is_not(None))
        .order_by(Case.last_activity_on.desc(), Case.created_on.desc(), Case.label)
    )
    return [
        CaseSummary(id=c.id, label=c.label, state=c.state, created_on=c.created_on,
                    last_activity_on=c.last_activity_on, unread=int(n or 0))
        for c, n in rows
    ]


def open_case(db: Session, staff: StaffAccess, case_id: str) -> tuple[Case, bytes]:
    """The case and its key, if it was sealed to this staff member."""
    case = get_case(db, case_id)
    return case, keys.unseal_for_staff(db, case_id, staff.staff_id, staff.private_key)


def mark_read(db: Session, staff_id: int, case_id: str) -> None:
    """Remember that this staff member has seen everything in the case so far."""
    latest = latest_message_id(db, case_id)
    mark = db.get(ReadMark, (staff_id, case_id))
    if mark is None:
        db.add(ReadMark(staff_id=staff_id, case_id=case_id, last_message_id=latest))
    else:
        mark.last_message_id = max(mark.last_message_id, latest)
    db.commit()
