"""Follow-ups: tasks with a due day on a case (call the lawyer, check the consulate's answer, a court date).

The title says what is planned for whom, so it is sealed under the case key with who added it and who did
it; the due day and whether the task is done stay clear, at the day, so that the inbox's "waiting for me"
and the daily reminders find due work without opening a case. Adding a task and marking it done are
events in the case's ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass

from nacl.signing import SigningKey
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.content import get_case
from safeconduct.cases.models import CaseKeySeal
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.referrals.models import CaseTask

MAX_TITLE_CHARS = 300
#: How far ahead a due day may be: a typo of a year (2062 for 2026) is refused, not kept for decades.
MAX_YEARS_AHEAD = 5
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class TaskView:
    id: str
    title: str
    due: dt.date
    done: bool
    added_by: str
    done_by: str | None
    overdue: bool
    due_today: bool


def _aad(case_id: str, task_id: str) -> bytes:
    return b"task:" + case_id.encode() + b":" + task_id.encode()


def parse_due(value: object, today: dt.date) -> dt.date:
    """A due day as YYYY-MM-DD: no time (days are all the server keeps), not in the past, within reach."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DAY.match(text):
        raise InvalidInput("Give the due date as a day, YYYY-MM-DD (for example %(example)s); no time of day.",
                           example=today.isoformat())
    try:
        due = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("%(value)s is not a day of the calendar.", value=text) from None
    if due < today:
        raise InvalidInput("The due date %(value)s is already past.", value=text)
    if due > today + dt.timedelta(days=366 * MAX_YEARS_AHEAD):
        raise InvalidInput("The due date %(value)s is more than %(years)s years away.", value=text,
                           years=MAX_YEARS_AHEAD)
    return due


def _title(value: object) -> str:
    title = " ".join(value.split()) if isinstance(value, str) else ""
    if not title:
        raise InvalidInput("Say what is to be done.")
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput("A task's title is at most %(max)s characters.", max=MAX_TITLE_CHARS)
    return title


def add(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor, title: object,
        due: object, today: dt.date | None = None) -> TaskView:
    """Check, seal, store and record a task in one transaction (nothing is written on a refusal)."""
    now = dt.datetime.now(dt.UTC)
    today = today or now.date()
    clean, due_on = _title(title), parse_due(due, today)
    case = get_case(db, case_id)
    task_id = secrets.token_hex(16)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="task",
                  plaintext=json.dumps({"id": task_id, "title": clean, "due": due_on.isoformat(),
                                        "by": actor.username}, sort_keys=True).encode(), at=now)
    db.add(CaseTask(id=task_id, case_id=case_id, created_on=now.date(), due_on=due_on, done=False,
                    ciphertext=seal_record(case_key, {"v": 1, "title": clean, "by": actor.username,
                                                      "at": now.isoformat()}, _aad(case_id, task_id))))
    audit.record(db, staff_id=actor.staff_id, action="add_task", case_id=case_id, on=now.date())
    case.last_activity_on = now.date()
    db.commit()
    return TaskView(id=task_id, title=clean, due=due_on, done=False, added_by=actor.username, done_by=None,
                    overdue=False, due_today=due_on == today)


def mark_done(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
              task_id: str, today: dt.date | None = None) -> TaskView:
    row = db.get(CaseTask, task_id)
    if row is None or row.case_id != case_id:
        raise NotFound("There is no such task on this case.")
    if row.done:
        raise Conflict("This task is already done.")
    now = dt.datetime.now(dt.UTC)
    data = open_record(case_key, row.ciphertext, _aad(case_id, task_id))
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="task_done",
                  plaintext=json.dumps({"id": task_id, "by": actor.username}, sort_keys=True).encode(), at=now)
    data.update(done_by=actor.username, done_at=now.isoformat())
    row.ciphertext, row.done = seal_record(case_key, data, _aad(case_id, task_id)), True
    audit.record(db, staff_id=actor.staff_id, action="task_done", case_id=case_id, on=now.date())
    get_case(db, case_id).last_activity_on = now.date()
    db.commit()
    return _view(row, data, today or now.date())


def _view(row: CaseTask, data: dict[str, object], today: dt.date) -> TaskView:
    return TaskView(id=row.id, title=str(data["title"]), due=row.due_on, done=row.done, added_by=str(data["by"]),
                    done_by=str(data["done_by"]) if data.get("done_by") else None,
                    overdue=not row.done and row.due_on < today, due_today=not row.done and row.due_on == today)


def list_tasks(db: Session, *, case_id: str, case_key: bytes, today: dt.date | None = None) -> list[TaskView]:
    """The case's tasks: open ones first, soonest due first; then done ones."""
    today = today or dt.datetime.now(dt.UTC).date()
    rows = db.scalars(select(CaseTask).where(CaseTask.case_id == case_id)
                      .order_by(CaseTask.done, CaseTask.due_on, CaseTask.id))
    return [_view(r, open_record(case_key, r.ciphertext, _aad(case_id, r.id)), today) for r in rows]


def due_cases(db: Session, staff_id: int, today: dt.date) -> set[str]:
    """Cases sealed to this caseworker with an open task due today or earlier (clear columns only)."""
    return set(db.scalars(
        select(CaseTask.case_id).join(CaseKeySeal, CaseKeySeal.case_id == CaseTask.case_id)
        .where(CaseKeySeal.staff_id == staff_id, CaseTask.done.is_(False), CaseTask.due_on <= today)))


def remind(db: Session, today: dt.date | None = None) -> int:
    """The daily pass (run by the quarter-hourly housekeeping): one content-free notification per holder of
    each case with an open task due today or overdue that was not yet reminded of today (kind "task"; the
    case is sealed in it like any other). A task added later in the day is reminded of at the next pass;
    none twice a day. Returns how many notifications were written."""
    from safeconduct.notifications import service as notifications

    today = today or dt.datetime.now(dt.UTC).date()
    due = list(db.scalars(select(CaseTask).where(
        CaseTask.done.is_(False), CaseTask.due_on <= today,
        or_(CaseTask.reminded_on.is_(None), CaseTask.reminded_on < today))))
    count = 0
    for case_id in sorted({t.case_id for t in due}):
        count += notifications.notify_members(db, notifications.case_holders(db, case_id),
                                              kind=notifications.Kind.TASK, case_id=case_id)
    for task in due:
        task.reminded_on = today
    db.commit()
    return count
