"""Case keys: created with the case, sealed to each recipient, opened by whoever holds a matching key."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from nacl.public import PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.crypto import aead, sealing
from safeconduct.crypto.aead import DecryptionError
from safeconduct.errors import Forbidden, NotFound
from safeconduct.staff.models import StaffMember

_LABEL_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def new_label() -> str:
    """A pseudonymous label for the console: random, never derived from the codename."""
    chars = "".join(secrets.choice(_LABEL_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def create_case(
    db: Session,
    *,
    contact_lookup: bytes,
    contact_public_key: bytes,
    recovery_public_key: bytes,
    team: Iterable[StaffMember],
) -> tuple[Case, bytes]:
    """Add a case with a fresh key sealed to the contact, the team and the recovery key (not committed)."""
    today = dt.datetime.now(dt.UTC).date()
    case = Case(
        id=secrets.token_hex(16),
        label=new_label(),
        state="new_contact",
        created_on=today,
        last_activity_on=today,
        contact_lookup=contact_lookup,
        contact_public_key=contact_public_key,
    )
    db.add(case)
    case_key = aead.new_key()
    db.add(CaseKeySeal(case_id=case.id, recipient="contact", sealed=sealing.seal(contact_public_key, case_key)))
    db.add(CaseKeySeal(case_id=case.id, recipient="recovery", sealed=sealing.seal(recovery_public_key, case_key)))
    for member in team:
        seal_to_staff(db, case.id, case_key, member)
    return case, case_key


def seal_to_staff(db: Session, case_id: str, case_key: bytes, member: StaffMember) -> None:
    """Give a staff member access to a case (idempotent)."""
    existing = db.scalar(
        select(CaseKeySeal).where(CaseKeySeal.case_id == case_id, CaseKeySeal.staff_id == member.id)
    )
    if existing is None:
        db.add(
            CaseKeySeal(
                case_id=case_id, recipient="staff", staff_id=member.id,
                sealed=sealing.seal(member.public_key, case_key),
            )
        )


def unseal_for_staff(db: Session, case_id: str, staff_id: int, private_key: PrivateKey) -> bytes:
    """The case key for a staff member who holds a seal; everyone else is refused the same way."""
    seal = db.scalar(select(CaseKeySeal).where(CaseKeySeal.case_id == case_id, CaseKeySeal.staff_id == staff_id))
    if seal is None:
        if db.get(Case, case_id) is None:
            raise NotFound("No such case.")
        raise Forbidden("This case has not been shared with you.")
    return sealing.unseal(private_key, seal.sealed)


def unseal_for_recipient(db: Session, case_id: str, recipient: str, private_key: PrivateKey) -> bytes:
    """The case key through the contact's or the recovery key's seal."""
    seal = db.scalar(
        select(CaseKeySeal).where(CaseKeySeal.case_id == case_id, CaseKeySeal.recipient == recipient)
    )
    if seal is None:
        raise NotFound("No such case.")
    return sealing.unseal(private_key, seal.sealed)


def staff_case_ids(db: Session, staff_id: int) -> list[str]:
    return list(db.scalars(select(CaseKeySeal.case_id).where(CaseKeySeal.staff_id == staff_id)))


__all__ = [
    "DecryptionError", "create_case", "new_label", "seal_to_staff", "staff_case_ids", "unseal_for_recipient",
    "unseal_for_staff",
]
