"""Giving a reset account its cases again, and finding cases no caseworker can open.

An administrator's reset gives an account a new key pair: the seals of its cases, made to the old public
key, open with nothing any more and are deleted (`staff.accounts.reset`). Each such case is remembered
here until someone who can open it seals it to the new key: a colleague who holds the case, from the
console, or an administrator with the recovery key (`safeconduct recover CASE --grant USER`). No server
key can do it: that is the promise that a seized server opens no case.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl.signing import SigningKey
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from safeconduct.cases import sharing
from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cases.retention_models import CaseRetention
from safeconduct.cases.transitions import Actor
from safeconduct.errors import NotFound
from safeconduct.staff.models import StaffMember


@dataclass(frozen=True)
class Pending:
    """A case `username` held before their reset, and the active colleagues who can give it back."""

    case_id: str
    label: str
    staff_id: int
    username: str
    holders: tuple[str, ...]


def _holders(db: Session, case_id: str) -> tuple[str, ...]:
    rows = db.scalars(select(StaffMember.username).join(CaseKeySeal, CaseKeySeal.staff_id == StaffMember.id)
                      .where(CaseKeySeal.case_id == case_id, StaffMember.active.is_(True))
                      .order_by(StaffMember.username))
    return tuple(rows)


def pending(db: Session, *, holder_id: int | None = None) -> list[Pending]:
    """Every case waiting to be given back (for administrators), or those `holder_id` can give back."""
    query = (select(PendingReshare.case_id, Case.label, PendingReshare.staff_id, StaffMember.username)
             .join(Case, Case.id == PendingReshare.case_id)
             .join(StaffMember, StaffMember.id == PendingReshare.staff_id)
             .order_by(StaffMember.username, Case.label))
    if holder_id is not None:
        held = select(CaseKeySeal.case_id).where(CaseKeySeal.staff_id == holder_id)
        query = query.where(PendingReshare.case_id.in_(held))
    return [Pending(case_id=c, label=label, staff_id=s, username=name, holders=_holders(db, c))
            for c, label, s, name in db.execute(query)]


def remember(db: Session, *, staff_id: int, case_ids: list[str]) -> None:
    """Note the cases a reset account held (in the caller's transaction)."""
    for case_id in case_ids:
        if db.get(PendingReshare, (staff_id, case_id)) is None:
            db.add(PendingReshare(staff_id=staff_id, case_id=case_id))


def clear(db: Session, *, staff_id: int, case_id: str | None = None) -> None:
    """The case (or every case) has been given back to the account, or the account is gone."""
    query = delete(PendingReshare).where(PendingReshare.staff_id == staff_id)
    if case_id is not None:
        query = query.where(PendingReshare.case_id == case_id)
    db.execute(query)


def give_back(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
              staff_id: int) -> None:
    """Seal the case, opened by `actor`, to the reset account's new key (a "share" in ledger and audit)."""
    row = db.get(PendingReshare, (staff_id, case_id))
    member = db.get(StaffMember, staff_id)
    if row is None or member is None:
        raise NotFound("This case is not waiting to be shared again.")
    sharing.share(db, case_id=case_id, case_key=case_key, signing_key=signing_key, actor=actor,
                  username=member.username)


def unheld(db: Session) -> list[tuple[str, str]]:
    """(case id, label) of live cases no active caseworker holds: only the recovery key opens them now."""
    held = (select(func.count(CaseKeySeal.id)).join(StaffMember, StaffMember.id == CaseKeySeal.staff_id)
            .where(CaseKeySeal.case_id == Case.id, StaffMember.active.is_(True)).scalar_subquery())
    shredded = select(CaseRetention.case_id).where(CaseRetention.shredded_on.is_not(None))
    rows = db.execute(select(Case.id, Case.label).where(held == 0, Case.id.not_in(shredded),
                                                        Case.opened_on.is_not(None)).order_by(Case.label))
    return [(str(i), str(label)) for i, label in rows]
