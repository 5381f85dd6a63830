"""The inbox for triage: filter, sort, search and page the cases sealed to one caseworker.

Everything here runs on clear columns (state, coarse days, assignee, the contact's interface language, read
marks) except one thing: who proposed a pending four-eyes decision is sealed, so the few pending proposals
of this caseworker's cases are opened in memory with their key. "Waiting for me" is:

- a four-eyes proposal by a colleague, waiting for my confirmation;
- unread: a message after my read mark (replying or "Mark as read" moves it; who wrote is sealed, so a
  colleague's reply counts as unread for me too);
- overdue (a subset shown first): such a message has waited `inbox_overdue_days` days or more;
- a follow-up task on the case that is due today or overdue (``referrals/tasks.py``: the due day and the
  done flag are clear, so no case is opened for it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, text
from sqlalchemy.orm import Session

from safeconduct.cases import transitions
from safeconduct.cases.casework_models import TransitionProposal
from safeconduct.cases.models import Case, CaseKeySeal, Message, ReadMark
from safeconduct.crypto import sealing
from safeconduct.errors import InvalidInput
from safeconduct.referrals.models import CaseTask
from safeconduct.staff.models import StaffMember
from safeconduct.staff.service import StaffAccess

SORTS = ("activity", "created", "state")
WAITING = ("me",)
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
_STATE = re.compile(r"^[a-z_]{1,32}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_LABEL_CHARS = re.compile(r"[^A-Z0-9-]")


@dataclass(frozen=True)
class InboxQuery:
    """What the caseworker asked for; `parse` turns request parameters into one, refusing nonsense."""

    waiting: bool = False
    state: str | None = None
    assignee: str | None = None  # "me", "none" or a username
    language: str | None = None
    q: str = ""
    sort: str = "activity"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def parse(cls, params: dict[str, str]) -> InboxQuery:
        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        waiting = text("waiting")
        if waiting and waiting not in WAITING:
            raise InvalidInput("Unknown inbox filter %(value)s.", value=waiting[:32])
        state = text("state") or None
        if state is not None and not _STATE.match(state):
            raise InvalidInput("Unknown state %(value)s.", value=state[:32])
        language = text("language") or None
        if language is not None and not _LANGUAGE.match(language):
            raise InvalidInput("Unknown language %(value)s.", value=language[:8])
        sort = text("sort") or "activity"
        if sort not in SORTS:
            raise InvalidInput("Unknown sort order %(value)s.", value=sort[:32])
        page, per_page = _number(text("page"), 1, 1, 1_000_000), _number(text("per_page"), DEFAULT_PER_PAGE, 1,
                                                                          MAX_PER_PAGE)
        return cls(waiting=waiting == "me", state=state, assignee=text("assignee")[:64] or None,
                   language=language, q=_LABEL_CHARS.sub("", text("q").upper())[:9], sort=sort, page=page,
                   per_page=per_page)


def _number(value: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput("Ask for a number between %(low)s and %(high)s.", low=low, high=high)
    return int(value)


@dataclass(frozen=True)
class InboxRow:
    id: str
    label: str
    state: str
    created_on: dt.date
    last_activity_on: dt.date
    unread: int
    overdue: bool
    proposal: bool  # a colleague's four-eyes proposal waits for my confirmation
    assignee: str | None
    language: str | None
    task_due: bool = False  # an open follow-up task is due today or overdue


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    per_page: int
    query: InboxQuery
    assignees: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def proposals_for(db: Session, staff: StaffAccess) -> set[str]:
    """Cases of mine with a pending proposal made by someone else (opened in memory: the proposer is sealed)."""
    rows = db.execute(
        select(TransitionProposal, CaseKeySeal.sealed)
        .join(CaseKeySeal, and_(CaseKeySeal.case_id == TransitionProposal.case_id,
                                CaseKeySeal.staff_id == staff.staff_id))
    ).all()
    keys: dict[str, bytes] = {}
    out: set[str] = set()
    for proposal, sealed in rows:
        if proposal.case_id not in keys:
            keys[proposal.case_id] = sealing.unseal(staff.private_key, sealed)
        if transitions.proposer_id(proposal, keys[proposal.case_id]) != staff.staff_id:
            out.add(proposal.case_id)
    return out


def _mark(staff_id: int) -> ColumnElement[int]:
    """My read mark on the case of the enclosing query (explicitly correlated: it sits two levels deep)."""
    return func.coalesce(select(ReadMark.last_message_id).where(
        ReadMark.staff_id == staff_id, ReadMark.case_id == Case.id).correlate(Case).scalar_subquery(), 0)


def _after_mark(staff_id: int, cutoff: dt.date | None = None) -> ColumnElement[bool]:
    """A message after my read mark (and, with `cutoff`, one that arrived on or before that day).

    Without a cutoff this compares the case's latest message id (kept with each message) with the mark:
    no probe into `messages` for each of 10,000 cases. The cutoff (overdue) still looks, for the few
    cases that wait.
    """
    if cutoff is None:
        return Case.last_message_id > _mark(staff_id)
    cond = [Message.case_id == Case.id, Message.id > _mark(staff_id), Message.created_on <= cutoff]
    return and_(Case.last_message_id > _mark(staff_id), select(Message.id).where(*cond).correlate(Case).exists())


def _task_due(today: dt.date) -> ColumnElement[bool]:
    """An open follow-up task of the enclosing query's case, due on or before `today`."""
    return select(CaseTask.id).where(CaseTask.case_id == Case.id, CaseTask.done.is_(False),
                                     CaseTask.due_on <= today).correlate(Case).exists()


def _filtered(db: Session, staff: StaffAccess, query: InboxQuery, proposals: set[str],
              today: dt.date) -> Select[Case]:
    stmt = (select(Case).join(CaseKeySeal, CaseKeySeal.case_id == Case.id)
            .where(CaseKeySeal.staff_id == staff.staff_id, Case.opened_on.is_not(None)))
    if query.state:
        stmt = stmt.where(or_(Case.state == query.state, Case.state.like(query.state + "/%")))
    if query.assignee == "me":
        stmt = stmt.where(Case.assignee_id == staff.staff_id)
    elif query.assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif query.assignee:
        member = db.scalar(select(StaffMember.id).where(StaffMember.username == query.assignee.lower()))
        if member is None:
            raise InvalidInput("There is no staff member called %(username)s.", username=query.assignee)
        stmt = stmt.where(Case.assignee_id == member)
    if query.language:
        stmt = stmt.where(Case.contact_language == query.language)
    if query.q:
        stmt = stmt.where(Case.label.contains(query.q, autoescape=True))
    if query.waiting:
        # my read marks joined once (a hash join), not looked up case by case
        stmt = stmt.outerjoin(ReadMark, and_(ReadMark.case_id == Case.id, ReadMark.staff_id == staff.staff_id))
        stmt = stmt.where(or_(Case.id.in_(proposals) if proposals else false(), Case.last_message_id > _JOINED_MARK,
                              _task_due(today)))
    return stmt


_JOINED_MARK = func.coalesce(ReadMark.last_message_id, 0)


def _waited_since(cutoff: dt.date) -> ColumnElement[bool]:
    """In a query joined with my read marks (`_filtered` with `waiting`): an unread message from `cutoff` or before."""
    older = select(Message.id).where(Message.case_id == Case.id, Message.id > _JOINED_MARK,
                                     Message.created_on <= cutoff).correlate(Case, ReadMark).exists()
    return and_(Case.last_message_id > _JOINED_MARK, older)


def search(db: Session, staff: StaffAccess, query: InboxQuery, *, overdue_days: int,
           today: dt.date | None = None) -> InboxPage:
    """One page of my cases; unread counts and flags are computed for that page only."""
    today = today or dt.datetime.now(dt.UTC).date()
    cutoff = today - dt.timedelta(days=overdue_days)
    if db.get_bind().dialect.name == "postgresql":
        # 10,000 cheap index probes look costly to the planner, which then spends ~20 ms compiling them
        # (JIT) for a query that runs in less: never worth it here (docs/benchmarks.md)
        db.execute(text("SET LOCAL jit = off"))
    proposals = proposals_for(db, staff)
    base = _filtered(db, staff, query, proposals, today)
    order: tuple[Any, ...] = {
        "activity": (Case.last_activity_on.desc(), Case.created_on.desc(), Case.id),
        "created": (Case.created_on.desc(), Case.id),
        "state": (Case.state, Case.last_activity_on.desc(), Case.id),
    }[query.sort]
    if query.waiting:  # within "waiting for me": what waits longest comes first
        order = (_waited_since(cutoff).desc(), _task_due(today).desc(), *order)
    # the total comes with the page (a window count): the filter runs once, not once more for a COUNT
    found = db.execute(base.add_columns(func.count().over()).order_by(*order)
                       .offset((query.page - 1) * query.per_page).limit(query.per_page)).all()
    cases = [case for case, _ in found]
    total = found[0][1] if found else \
        db.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    ids = [c.id for c in cases]
    unread = dict(db.execute(
        select(Message.case_id, func.count(Message.id))
        .outerjoin(ReadMark, and_(ReadMark.case_id == Message.case_id, ReadMark.staff_id == staff.staff_id))
        .where(Message.case_id.in_(ids), Message.id > func.coalesce(ReadMark.last_message_id, 0))
        .group_by(Message.case_id)).all()) if ids else {}
    overdue = set(db.scalars(select(Case.id).where(Case.id.in_(ids), _after_mark(staff.staff_id, cutoff)))) \
        if ids else set()
    due = set(db.scalars(select(Case.id).where(Case.id.in_(ids), _task_due(today)))) if ids else set()
    names = dict(db.execute(select(StaffMember.id, StaffMember.username).where(
        StaffMember.id.in_({c.assignee_id for c in cases if c.assignee_id is not None}))).all())
    rows = [InboxRow(id=c.id, label=c.label, state=c.state, created_on=c.created_on,
                     last_activity_on=c.last_activity_on, unread=int(unread.get(c.id, 0)), overdue=c.id in overdue,
                     proposal=c.id in proposals, task_due=c.id in due,
                     assignee=names.get(c.assignee_id) if c.assignee_id else None,
                     language=c.contact_language) for c in cases]
    return InboxPage(rows=rows, total=int(total), page=query.page, per_page=query.per_page, query=query,
                     assignees=colleagues(db, staff))


def colleagues(db: Session, staff: StaffAccess) -> list[str]:
    """Usernames of active caseworkers, for the assignee filter."""
    return list(db.scalars(select(StaffMember.username).where(StaffMember.active.is_(True))
                           .order_by(StaffMember.username)))


def unread_count(db: Session, staff_id: int, case_id: str) -> int:
    """Messages in one case after this caseworker's read mark (the case page's "Mark as read")."""
    mark = db.scalar(select(ReadMark.last_message_id).where(ReadMark.staff_id == staff_id,
                                                            ReadMark.case_id == case_id)) or 0
    return int(db.scalar(select(func.count(Message.id)).where(Message.case_id == case_id, Message.id > mark)) or 0)
