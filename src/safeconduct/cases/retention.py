"""Retention: cases closed or inactive for longer than the organisation keeps them are crypto-shredded.

Shredding destroys every sealed copy of the case key, deletes the encrypted bodies (messages, files,
uploads) and makes the codename open nothing. The ledger keeps its entries: hashes, signatures and
commitments still prove what existed and when, but nothing can be decrypted or disclosed any more. A legal
hold stops it; the console warns before it happens. Nothing else in safeconduct deletes case content.

Policy, in ``data/safeconduct.toml``::

    [organisation.retention]
    closed_after_days = 365      # cases in a final state, counted from their last activity
    inactive_after_days = 730    # any case with no activity for this long
    warn_days = 30               # how early the console warns
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from safeconduct.cases import audit
from safeconduct.cases.cleaning import clean_path
from safeconduct.cases.content import final_path, part_path
from safeconduct.cases.models import Case, CaseFile, CaseKeySeal, Message, ReadMark, Upload
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cases.retention_models import CaseRetention
from safeconduct.config import Settings
from safeconduct.crypto import filestream
from safeconduct.errors import Conflict, InvalidInput, NotFound

FINAL_STATES = frozenset({"closed", "withdrawn", "rejected"})


@dataclass(frozen=True)
class Policy:
    closed_after_days: int | None
    inactive_after_days: int | None
    warn_days: int

    @property
    def active(self) -> bool:
        return self.closed_after_days is not None or self.inactive_after_days is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        raw: Any = settings.organisation.get("retention", {}) or {}
        if not isinstance(raw, dict):
            raise InvalidInput("[organisation.retention] must be a table.")

        def days(name: str) -> int | None:
            value = raw.get(name)
            if value is None:
                return None
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidInput("Retention %(name)s must be a whole number of days.", name=name)
            return value

        return cls(days("closed_after_days"), days("inactive_after_days"), days("warn_days") or 30)


@dataclass(frozen=True)
class Due:
    """A case the policy will shred on `due_on` (or already should have)."""

    case_id: str
    label: str
    state: str
    last_activity_on: dt.date
    due_on: dt.date
    reason: str  # "closed" or "inactive"


def _due_on(case: Case, policy: Policy) -> tuple[dt.date, str] | None:
    candidates = []
    if policy.closed_after_days is not None and case.state.split("/")[0] in FINAL_STATES:
        candidates.append((case.last_activity_on + dt.timedelta(days=policy.closed_after_days), "closed"))
    if policy.inactive_after_days is not None:
        candidates.append((case.last_activity_on + dt.timedelta(days=policy.inactive_after_days), "inactive"))
    return min(candidates) if candidates else None


def upcoming(db: Session, settings: Settings, *, today: dt.date | None = None) -> list[Due]:
    """Cases due for shredding within the warning period (or overdue), legal holds and shredded ones left out."""
    policy = Policy.from_settings(settings)
    if not policy.active:
        return []
    today = today or dt.datetime.now(dt.UTC).date()
    excluded = select(CaseRetention.case_id).where(
        (CaseRetention.legal_hold.is_(True)) | (CaseRetention.shredded_on.is_not(None))
    )
    due = []
    for case in db.scalars(select(Case).where(Case.id.not_in(excluded))):
        found = _due_on(case, policy)
        if found and found[0] <= today + dt.timedelta(days=policy.warn_days):
            due.append(Due(case.id, case.label, case.state, case.last_activity_on, found[0], found[1]))
    return sorted(due, key=lambda d: d.due_on)


def _retention_row(db: Session, case_id: str) -> CaseRetention:
    row = db.get(CaseRetention, case_id)
    if row is None:
        row = CaseRetention(case_id=case_id, legal_hold=False, shredded_on=None)
        db.add(row)
    return row


def set_legal_hold(db: Session, *, case_id: str, hold: bool, staff_id: int) -> None:
    """Stop (or allow again) the shredding of a case; audited."""
    if db.get(Case, case_id) is None:
        raise NotFound("No such case.")
    row = _retention_row(db, case_id)
    if row.shredded_on is not None:
        raise Conflict("This case was already shredded; there is nothing left to hold.")
    row.legal_hold = hold
    audit.record(db, staff_id=staff_id, action="legal_hold" if hold else "release_hold", case_id=case_id)
    db.commit()


def holds(db: Session) -> list[tuple[str, str]]:
    """(case id, label) of every case under a legal hold."""
    rows = db.execute(select(Case.id, Case.label).join(CaseRetention, CaseRetention.case_id == Case.id)
                      .where(CaseRetention.legal_hold.is_(True)).order_by(Case.label))
    return [(str(i), str(label)) for i, label in rows]


def is_shredded(db: Session, case_id: str) -> bool:
    row = db.get(CaseRetention, case_id)
    return row is not None and row.shredded_on is not None


def shred(db: Session, settings: Settings, case_id: str, *, today: dt.date | None = None) -> None:
    """Destroy the case key and the encrypted bodies; keep the ledger (commitments only)."""
    case = db.get(Case, case_id)
    if case is None:
        raise NotFound("No such case.")
    row = _retention_row(db, case_id)
    if row.legal_hold:
        raise Conflict("This case is under a legal hold and cannot be deleted.")
    files = list(db.scalars(select(CaseFile.id).where(CaseFile.case_id == case_id)))
    uploads = list(db.scalars(select(Upload.id).where(Upload.case_id == case_id)))
    for table in (CaseKeySeal, Message, CaseFile, Upload, ReadMark, PendingReshare):
        db.execute(delete(table).where(table.case_id == case_id))
    case.contact_lookup = secrets.token_bytes(32)  # the codename now opens nothing
    case.last_message_id = 0  # its messages are gone: nothing should place the last one among the others'
    row.shredded_on = today or dt.datetime.now(dt.UTC).date()
    db.commit()
    for file_id in files:  # after the commit: a crash in between leaves undecryptable blobs, never lost rows
        final_path(settings, file_id).unlink(missing_ok=True)
        clean_path(settings, file_id).unlink(missing_ok=True)
    for upload_id in uploads:
        filestream.discard(part_path(settings, upload_id))


def run(db: Session, settings: Settings, *, today: dt.date | None = None) -> list[str]:
    """Shred every case whose time has come; return their labels."""
    today = today or dt.datetime.now(dt.UTC).date()
    shredded = []
    for due in upcoming(db, settings, today=today):
        if due.due_on <= today:
            shred(db, settings, due.case_id, today=today)
            shredded.append(due.label)
    return shredded


def run_by(db: Session, settings: Settings, *, staff_id: int, today: dt.date | None = None) -> list[str]:
    """An administrator's run from the console: the same as the scheduled one, each shredded case audited."""
    today = today or dt.datetime.now(dt.UTC).date()
    shredded = []
    for due in upcoming(db, settings, today=today):
        if due.due_on <= today:
            shred(db, settings, due.case_id, today=today)
            audit.record(db, staff_id=staff_id, action="shred", case_id=due.case_id, on=today)
            db.commit()
            shredded.append(due.label)
    return shredded
