"""The contact's side: start a conversation, come back with the codename, write and read.

No name, no account, no address: the codename is the only credential, and it is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from safeconduct.cases import keys as case_keys
from safeconduct.cases.models import Case
from safeconduct.crypto import codename as codenames
from safeconduct.crypto.aead import DecryptionError
from safeconduct.errors import AuthenticationFailed, InvalidInput
from safeconduct.org.service import OrgKeys

UNKNOWN_CODENAME = (
    "This codename does not open any conversation. Check each word and try again, "
    "or start a new conversation."
)


@dataclass(frozen=True)
class ContactAccess:
    """A contact who proved their codename: the case and its key, in memory only."""

    case_id: str
    case_key: bytes


def start_conversation(db: Session, org: OrgKeys, style: str = "en",
                       writer: str | None = None) -> tuple[str, ContactAccess]:
    """Create a case for a new contact; return the codename (to show once, in `style`) and their access.

    `writer` is who writes: "self" or a relative's relation (``referrals/relatives.py``), recorded sealed
    with the case; None (older clients) records nothing. An unknown value is refused before anything is made.

    The case is sealed to the contact and the recovery key only: it reaches the intake team with the
    contact's first message or file (`cases.intake.deliver`), so a flood of empty starts fills no inbox.
    """
    from safeconduct.referrals import relatives

    if writer is not None and writer not in relatives.WRITERS:
        raise InvalidInput(relatives.UNKNOWN_WRITER)
    for _ in range(3):
        codename = codenames.generate(style)
        secrets_ = codenames.derive(codename, org.codename_salt)
        case, case_key = case_keys.create_case(
            db,
            contact_lookup=secrets_.lookup_id,
            contact_public_key=secrets_.public_key,
            recovery_public_key=org.recovery_public_key,
            team=(),
        )
        if writer is not None:
            db.flush()
            relatives.set_writer(db, case_id=case.id, case_key=case_key, signing_key=org.signing_key,
                                 writer=writer, commit=False)
        try:
            db.commit()
        except IntegrityError:  # a label or lookup collision: astronomically rare, draw again
            db.rollback()
            continue
        return codename, ContactAccess(case_id=case.id, case_key=case_key)
    raise RuntimeError("could not create a conversation")


def log_in(db: Session, org: OrgKeys, codename: str) -> ContactAccess:
    """Open a conversation by codename. Every failure costs the same slow hash and says the same thing.

    No counter can refuse the person who holds the codename: what bounds guessing is the slow hash itself,
    run within the process-wide Argon2id bound (`crypto.argon2_gate`) in arrival order.
    """
    text = codename if isinstance(codename, str) else ""
    secrets_ = codenames.derive(text[:400], org.codename_salt)
    case = db.scalar(select(Case).where(Case.contact_lookup == secrets_.lookup_id))
    if case is None:
        raise AuthenticationFailed(UNKNOWN_CODENAME)
    try:
        case_key = case_keys.unseal_for_recipient(db, case.id, "contact", secrets_.private_key)
    except DecryptionError as exc:
        raise AuthenticationFailed(UNKNOWN_CODENAME) from exc
    return ContactAccess(case_id=case.id, case_key=case_key)
