"""Aggregate statistics of the case work: counts per state, cases opened per week, outcomes.

Only plaintext columns that exist for other reasons are read; nothing is decrypted, and no result holds a
case id, a label or any other per-case value: every number is a count over several cases.

Where the numbers come from:

* ``cases.state`` and ``cases.opened_on`` (plaintext): the state now, and the ISO week a case was opened,
  that is the week of the contact's first message or file; a started conversation with nothing written in
  it is not counted at all.
* ``case_state_changes`` has a plaintext coarse date (``created_on``) but its from/to states are sealed
  under the case key, so it cannot say *which* state a case entered without decrypting. The state of each
  case over time is therefore rebuilt from the staff audit log instead, whose ``transition`` and
  ``confirm`` rows keep, in plaintext by design, the day and the state the case was moved to. A case with
  no such row (for instance one whose state was set outside the console) counts in its current state from
  the week it was opened.

Small-count suppression: a count from 1 to ``threshold - 1`` (default: below 5) is never shown exactly;
it is replaced by ``"<5"``. In a handful of cases a single person stands out ("the one case returned in
week 12"), and a seized export or a screenshot must not let an armed group pick that person out. Zero is
shown as 0: it describes nobody. No totals are shown either, so a hidden cell cannot be recovered by
subtracting the visible ones from a total. (Counts of different weeks can still be compared with each
other; the threshold lowers, not removes, that risk — keep it at 5 or higher.)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.models import Case
from safeconduct.cases.workflow import STATES

#: Counts from 1 up to this number minus one are shown as "<N".
SUPPRESS_BELOW = 5
#: How many ISO weeks (the current one included) the time series cover.
WEEKS = 12
#: What the outcome table reports, in this order.
OUTCOMES = ("returned", "in_proceedings", "closed", "withdrawn", "rejected", "contact_lost")
#: Audit actions whose ``target`` is the state a case was moved to.
STATE_ACTIONS = ("transition", "confirm")

Cell = int | str
"""A count as shown: the exact number, or ``"<5"`` when it is suppressed."""


def shown(count: int, threshold: int = SUPPRESS_BELOW) -> Cell:
    """`count` as it may be shown: exact when 0 or at least `threshold`, else ``"<threshold"``."""
    if threshold > 1 and 0 < count < threshold:
        return f"<{threshold}"
    return count


def is_suppressed(cell: Cell) -> bool:
    return isinstance(cell, str)


def iso_week(day: dt.date) -> str:
    """``2026-W07``: the ISO year and week of `day` (weeks start on Monday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_ends(today: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The Sundays ending the last `weeks` ISO weeks, oldest first (the last one ends the current week)."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return [sunday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


@dataclass(frozen=True)
class Statistics:
    """Suppressed aggregates, ready to draw or export (states in workflow order, weeks oldest first)."""

    threshold: int
    today: dt.date
    weeks: list[str]
    current: list[tuple[str, Cell]]
    opened: list[tuple[str, Cell]]
    by_week: list[tuple[str, list[tuple[str, Cell]]]]
    outcomes: list[tuple[str, Cell]]

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Long-format rows (section, week, state, count) for CSV and JSON; '' where not applicable."""
        out = [("current", "", state, str(c)) for state, c in self.current]
        out += [("opened", week, "", str(c)) for week, c in self.opened]
        out += [("state_by_week", week, state, str(c)) for week, cells in self.by_week for state, c in cells]
        out += [("outcome", "", state, str(c)) for state, c in self.outcomes]
        return out


def _main(state: str) -> str:
    return state.partition("/")[0]


def _states_at_week_ends(cases: list[tuple[str, str, dt.date]], moves: dict[str, list[tuple[dt.date, str]]],
                         ends: list[dt.date]) -> list[dict[str, int]]:
    """How many cases were in each main state at each week's end (cases opened by then).

    A case with no recorded move counts in its current state; otherwise in the target of its last move on
    or before that day (in audit order), "new_contact" before its first. Counted with one difference array
    per state, so 10,000 cases cost one pass each rather than one per week (bench/inbox_10k.py).
    """
    weeks = len(ends)
    diff = {state: [0] * (weeks + 1) for state in STATES}

    def add(state: str, start: int, stop: int) -> None:
        if state in diff and start < stop:
            diff[state][start] += 1
            diff[state][stop] -= 1

    for case_id, state, created in cases:
        first = bisect.bisect_left(ends, created)  # the first week whose end is on or after the opening day
        history = moves.get(case_id)
        if history is None:
            add(_main(state), first, weeks)
            continue
        starts = [bisect.bisect_left(ends, on) for on, _target in history]
        if starts != sorted(starts):  # moves recorded out of day order (clock change): week by week
            for week in range(first, weeks):
                at_end = "new_contact"
                for start, (_on, target) in zip(starts, history, strict=True):
                    if start <= week:
                        at_end = target
                add(at_end, week, week + 1)
            continue
        bounds = [*starts, weeks]
        add("new_contact", first, max(first, bounds[0]))
        for n, (_on, target) in enumerate(history):
            add(target, max(first, bounds[n]), max(first, bounds[n + 1]))
    per_week: list[dict[str, int]] = [dict.fromkeys(STATES, 0) for _ in range(weeks)]
    for state, changes in diff.items():
        running = 0
        for week in range(weeks):
            running += changes[week]
            per_week[week][state] = running
    return per_week


def compute(db: Session, *, today: dt.date | None = None, threshold: int = SUPPRESS_BELOW,
            weeks: int = WEEKS) -> Statistics:
    """Count, then suppress: raw counts never leave this function."""
    today = today or dt.datetime.now(dt.UTC).date()
    # A conversation counts from its first message or file (`opened_on`): empty starts describe nobody.
    cases = [(case_id, state, opened) for case_id, state, opened in
             db.execute(select(Case.id, Case.state, Case.opened_on).where(Case.opened_on.is_not(None)))
             if opened is not None]
    moves: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for case_id, on, target in db.execute(
        select(AuditRecord.case_id, AuditRecord.on, AuditRecord.target)
        .where(AuditRecord.action.in_(STATE_ACTIONS), AuditRecord.case_id.is_not(None))
        .order_by(AuditRecord.id)
    ):
        if case_id and target and _main(target) in STATES:
            moves[case_id].append((on, _main(target)))

    now: dict[str, int] = dict.fromkeys(STATES, 0)
    for _id, state, _created in cases:
        if _main(state) in now:
            now[_main(state)] += 1

    ends = week_ends(today, weeks)
    labels = [iso_week(end) for end in ends]
    opened = dict.fromkeys(labels, 0)
    for _id, _state, created in cases:
        if iso_week(created) in opened:
            opened[iso_week(created)] += 1

    per_week = _states_at_week_ends(cases, moves, ends)

    return Statistics(
        threshold=threshold,
        today=today,
        weeks=labels,
        current=[(s, shown(now[s], threshold)) for s in STATES],
        opened=[(w, shown(opened[w], threshold)) for w in labels],
        by_week=[(w, [(s, shown(c[s], threshold)) for s in STATES]) for w, c in zip(labels, per_week, strict=True)],
        outcomes=[(s, shown(now[s], threshold)) for s in OUTCOMES],
    )
