"""Finding a case from what a person types: its id, or the label the console shows (e.g. ABCD-EF23)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases.models import Case
from safeconduct.errors import NotFound


def case_id_for(db: Session, id_or_label: str) -> str:
    """The case's id; labels are matched without regard to case. Unknown text is returned as given, so the
    caller's own "no such case" refusal speaks."""
    text = id_or_label.strip()
    found = db.scalar(select(Case.id).where((Case.id == text) | (Case.label == text.upper())))
    return found or text


def case_id_for_label(db: Session, label: str) -> str:
    """Find a case by the pseudonymous label administrators see (they cannot open the case itself)."""
    case_id = db.scalar(select(Case.id).where(Case.label == label.strip().upper()))
    if case_id is None:
        raise NotFound("No case has the label %(label)s.", label=label.strip()[:32])
    return str(case_id)
