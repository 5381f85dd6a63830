"""Recording notifications where things happen, and reading them back for their staff member.

The domain calls :func:`notify` once where a message, a proposal or a consent is recorded, in the same
transaction (a notification is never left for something that was rolled back). What a notification is
about — its kind, its case and its exact time — is sealed to the staff member's public key; only the
member, logged in, can read it. The server still counts unread rows for the navigation without opening
them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.crypto import sealing
from safeconduct.crypto.aead import DecryptionError
from safeconduct.crypto.mail_address import decrypt_address, encrypt_address
from safeconduct.errors import InvalidInput
from safeconduct.notifications.models import MailOptIn, Notification
from safeconduct.staff.models import StaffMember

MAX_LISTED = 200
PADDED_BYTES = 256
MAX_ADDRESS_CHARS = 254


class Kind(StrEnum):
    """What a notification says happened; add a member (and its sentence on the page) for a new kind."""

    MESSAGE = "message"  # a contact wrote or sent a file in a case the member holds
    PROPOSAL = "proposal"  # a four-eyes decision waits for a second caseworker
    CONSENT = "consent"  # the contact gave or changed their consent
    TASK = "task"  # a follow-up task on a case is due today or overdue (the daily reminder)


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    case_id: str | None  # None for news about no case
    case_label: str | None  # None for no case, or once the case is gone (shredded)
    at: dt.datetime
    read: bool


class Recipient(Protocol):
    """Whom a notification is sealed to: a staff member, or just the two columns of one."""

    @property
    def id(self) -> int: ...

    @property
    def public_key(self) -> bytes: ...


def case_holders(db: Session, case_id: str) -> list[StaffMember]:
    """The active staff members holding the case's key: the people a case's news is for."""
    return list(db.scalars(
        select(StaffMember).join(CaseKeySeal, CaseKeySeal.staff_id == StaffMember.id)
        .where(CaseKeySeal.case_id == case_id, CaseKeySeal.recipient == "staff", StaffMember.active.is_(True))
        .order_by(StaffMember.id)))


# The message path's statements (Core, built once): the ORM's loading and unit of work cost more CPU than
# the sealing itself at every message.
_HOLDERS = (select(StaffMember.id, StaffMember.public_key)
            .join(CaseKeySeal, CaseKeySeal.staff_id == StaffMember.id)
            .where(CaseKeySeal.case_id == bindparam("case_id"), CaseKeySeal.recipient == "staff",
                   StaffMember.active.is_(True))
            .order_by(StaffMember.id))
_INSERT = insert(Notification.__table__)  # type: ignore[arg-type]


def notify_members(db: Session, members: Iterable[Recipient], *, kind: Kind, case_id: str | None = None,
                   at: dt.datetime | None = None) -> int:
    """One sealed notification for each of `members` (a case, or none: a job, a reminder); the caller commits."""
    at = at or dt.datetime.now(dt.UTC)
    payload = json.dumps({"v": 1, "kind": str(kind), "case_id": case_id, "at": at.isoformat()}).encode()
    # padded (JSON ignores trailing spaces) so the ciphertext's length does not tell the kinds apart
    payload = payload.ljust(PADDED_BYTES)
    day = at.date()
    rows = [{"staff_id": m.id, "created_on": day, "sealed": sealing.seal(m.public_key, payload), "read": False,
             "mailed": False} for m in members]
    if rows:
        db.execute(_INSERT, rows)
    return len(rows)


def notify(db: Session, *, case_id: str, kind: Kind, at: dt.datetime | None = None,
           exclude_staff_id: int | None = None) -> int:
    """Tell every holder of the case (but `exclude_staff_id`, who did it); the caller commits."""
    members = [m for m in db.execute(_HOLDERS, {"case_id": case_id}) if m.id != exclude_staff_id]
    return notify_members(db, members, kind=kind, case_id=case_id, at=at)


def unread_count(db: Session, staff_id: int) -> int:
    return int(db.scalar(select(func.count()).select_from(Notification)
                         .where(Notification.staff_id == staff_id, Notification.read.is_(False))) or 0)


def list_for(db: Session, *, staff_id: int, private_key: PrivateKey, limit: int = MAX_LISTED) -> list[NotificationView]:
    """The member's notifications, newest first, opened with their private key."""
    rows = db.scalars(select(Notification).where(Notification.staff_id == staff_id)
                      .order_by(Notification.id.desc()).limit(limit))
    out = []
    for row in rows:
        try:
            data = json.loads(sealing.unseal(private_key, row.sealed))
        except DecryptionError:  # sealed to an older key of this member: nothing to show but that it exists
            out.append(NotificationView(id=row.id, kind="", case_id=None, case_label=None,
                                        at=dt.datetime.combine(row.created_on, dt.time(), dt.UTC), read=row.read))
            continue
        case = db.get(Case, data["case_id"]) if data["case_id"] else None
        out.append(NotificationView(id=row.id, kind=data["kind"], case_id=data["case_id"],
                                    case_label=case.label if case else None,
                                    at=dt.datetime.fromisoformat(data["at"]), read=row.read))
    return out


def mark_read(db: Session, *, staff_id: int, notification_id: int | None = None) -> None:
    """Mark one notification (or, without an id, all of them) read; someone else's id changes nothing."""
    query = update(Notification).where(Notification.staff_id == staff_id, Notification.read.is_(False))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.execute(query.values(read=True))
    db.commit()


def mark_case_read(db: Session, *, staff_id: int, private_key: PrivateKey, case_id: str) -> None:
    """The member read the case (or answered in it): its notifications are read too, and owe no mail."""
    rows = db.scalars(select(Notification).where(Notification.staff_id == staff_id, Notification.read.is_(False)))
    for row in rows:
        try:
            if json.loads(sealing.unseal(private_key, row.sealed))["case_id"] == case_id:
                row.read = True
        except DecryptionError:
            continue
    db.commit()


# --- e-mail opt-in ---------------------------------------------------------------------------------

def clean_address(value: object) -> str:
    """A plausible single address: no header injection, no display name, no list."""
    if not isinstance(value, str):
        raise InvalidInput("Enter an e-mail address.")
    address = value.strip()
    if not address:
        raise InvalidInput("Enter an e-mail address.")
    local, at, domain = address.rpartition("@")
    if (len(address) > MAX_ADDRESS_CHARS or not at or not local or "." not in domain
            or any(c.isspace() or c in "<>,;\"()[]\\" or ord(c) < 32 for c in address)):
        raise InvalidInput("This does not look like an e-mail address: %(address)s", address=address)
    return address


def mail_opt_in(db: Session, *, staff_id: int, signing_key: SigningKey, address: object, language: str) -> None:
    """Store (or replace) the member's address, encrypted, and the language their mails are written in."""
    clean = clean_address(address)
    row = db.get(MailOptIn, staff_id)
    sealed = encrypt_address(signing_key, staff_id, clean)
    if row is None:
        db.add(MailOptIn(staff_id=staff_id, address_ciphertext=sealed, language=language))
    else:
        row.address_ciphertext, row.language = sealed, language
    db.commit()


def mail_opt_out(db: Session, *, staff_id: int) -> None:
    """Forget the address at once (the row goes, not just a flag)."""
    row = db.get(MailOptIn, staff_id)
    if row is not None:
        db.delete(row)
    db.commit()


def mail_opted_in(db: Session, staff_id: int) -> bool:
    return db.get(MailOptIn, staff_id) is not None


def mail_address(db: Session, *, staff_id: int, signing_key: SigningKey) -> str | None:
    """The member's own address, to show it back to them on their page."""
    row = db.get(MailOptIn, staff_id)
    return None if row is None else decrypt_address(signing_key, staff_id, row.address_ciphertext)
