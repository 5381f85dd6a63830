"""The staff audit log: who read or changed which case, and on which day — never what they saw.

A departed or careless staff member is in the threat model; the audit log lets an administrator see
which cases an account opened, without being able to read any of them. Views, downloads and exports
also become ledger events ("view", "export"), so the chain of custody is part of the signed record the
person may later show in a dossier.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import events
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.errors import InvalidInput
from safeconduct.staff.models import StaffMember

#: What an audit row may say; anything else is a programming error, refused before it is written.
ACTIONS = frozenset({
    "view_messages", "download_file", "reply", "transition", "propose", "confirm", "withdraw", "export", "share",
    "unshare", "add_note", "view_notes", "view_workflow", "legal_hold", "release_hold",
    "add_claim", "change_claim", "set_risk", "view_vetting", "request_consent", "download_original",
    # one row for one look at a case's work page (workflow, vetting, notes)
    "view_work",
    # staff accounts (case_id None, target: the account) and retention run from the console
    "change_password", "new_authenticator", "reset_account", "remove_account", "shred",
    # the caseworker responsible for a case
    "assign", "unassign",
    # referrals, relatives' links and follow-up tasks (referrals/)
    "refer", "referral_status", "referral_package", "propose_link", "confirm_link", "add_task", "task_done",
    # the testimony studio: a look that quotes findings, and the steps of a job
    # the sealed identity (cases/identity.py): who was named, who read it (never what it says)
    "name_identity_readers", "view_identity",
    # requests to the authorities (returns/requests.py): prepared, downloaded (a read of the identity), sent, answered
    # the prevention archive (archive/publications.py)
    "propose_publication", "publish", "withdraw_publication",
    "prepare_authority_request", "download_authority_request", "authority_request_sent", "authority_request_answer",
    "view_testimony", "review_testimony", "cancel_testimony", "retry_testimony", "approve_testimony",
})


@dataclass(frozen=True)
class AuditEntry:
    id: int
    on: dt.date
    staff_id: int
    username: str
    action: str
    case_id: str | None
    target: str | None


def record(db: Session, *, staff_id: int, action: str, case_id: str | None, target: str | None = None,
           on: dt.date | None = None) -> None:
    """Add an audit row in the caller's transaction (it commits with the action it describes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditRecord(on=on or dt.datetime.now(dt.UTC).date(), staff_id=staff_id, action=action,
                       case_id=case_id, target=target))


def record_custody(db: Session, *, staff_id: int, username: str, action: str, case_id: str, case_key: bytes,
                   signing_key: SigningKey, target: str | None = None, commit: bool = True) -> None:
    """A read of case content (view, download): an audit row and a "view" event in the case's ledger.

    The ledger plaintext names the action and the caseworker, so a disclosed chain shows who looked at
    what; its nonce is not kept (custody events are shown as commitments, never disclosed as content).
    """
    at = dt.datetime.now(dt.UTC)
    record(db, staff_id=staff_id, action=action, case_id=case_id, target=target, on=at.date())
    plaintext = json.dumps({"action": action, "by": username, "target": target}, sort_keys=True).encode()
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="view",
                  plaintext=plaintext, at=at)
    if commit:
        db.commit()


def entries(db: Session, *, case_id: str | None = None, staff_id: int | None = None, limit: int = 200,
            before_id: int | None = None, action: str | None = None) -> list[AuditEntry]:
    """The newest audit rows first, optionally for one case, one staff member or one action (for administrators)."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("Ask for between 1 and 1000 audit entries at a time.")
    query = select(AuditRecord, StaffMember.username).join(StaffMember, StaffMember.id == AuditRecord.staff_id)
    if case_id is not None:
        query = query.where(AuditRecord.case_id == case_id)
    if staff_id is not None:
        query = query.where(AuditRecord.staff_id == staff_id)
    if action is not None:
        query = query.where(AuditRecord.action == action)
    if before_id is not None:
        query = query.where(AuditRecord.id < before_id)
    rows = db.execute(query.order_by(AuditRecord.id.desc()).limit(limit))
    return [AuditEntry(id=r.id, on=r.on, staff_id=r.staff_id, username=name, action=r.action, case_id=r.case_id,
                       target=r.target) for r, name in rows]
