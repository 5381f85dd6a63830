"""A staff member's account over its life: new password, new authenticator, reset by an administrator, removal.

The private key is wrapped by the password and the TOTP secret is sealed under a key derived from the
private key (`crypto.staff_totp`). So a new password re-wraps the same key, and the TOTP secret and every
case stay as they were. A lost password is different: the old private key is gone with it, and with it
every seal of a case key made to that account. A reset therefore makes a new key pair, deletes the dead
seals and remembers the cases (`cases.reshare`) until a colleague who holds each one, or the recovery key,
gives it back. Nothing is lost: the case keys stay sealed to the colleagues and to the recovery key.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from nacl.public import PrivateKey
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.cases import audit, reshare
from safeconduct.cases.models import Case, CaseKeySeal, ReadMark
from safeconduct.crypto import staff_totp, wrapping
from safeconduct.errors import Conflict, Forbidden, InvalidInput
from safeconduct.staff.models import StaffMember
from safeconduct.staff.service import ISSUER, MIN_PASSWORD, StaffAccess, _hasher, _verify, get_staff

WRONG_PASSWORD = "Your current password is not right."  # noqa: S105 (a message)


@dataclass(frozen=True)
class NewAuthenticator:
    """A TOTP secret to show once (with its QR code) and never again."""

    username: str
    totp_secret: str
    totp_uri: str


def is_removed(member: StaffMember) -> bool:
    """A removed account keeps its row (the audit log names it) but no password, key or TOTP secret."""
    return member.password_hash == ""


def _authenticator(member: StaffMember, secret: str) -> NewAuthenticator:
    uri = pyotp.TOTP(secret).provisioning_uri(name=member.username, issuer_name=ISSUER)
    return NewAuthenticator(username=member.username, totp_secret=secret, totp_uri=uri)


def _check_new_password(password: str, confirm: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("A password needs at least %(n)s characters.", n=MIN_PASSWORD)
    if password != confirm:
        raise InvalidInput("The two new passwords are not the same.")


def _member_of(db: Session, access: StaffAccess, password: str) -> StaffMember:
    """The logged-in member, once their current password is confirmed (a stolen session alone is not enough)."""
    member = get_staff(db, access.staff_id)
    if not _verify(member.password_hash, password):
        raise Forbidden(WRONG_PASSWORD)
    return member


def change_password(db: Session, access: StaffAccess, *, current: str, new: str, confirm: str) -> None:
    """Re-wrap the same private key under the new password: the TOTP secret and every case stay valid.

    Every session of the account ends, this one too (the caller starts a fresh one): whoever used the old
    password is logged out."""
    _check_new_password(new, confirm)
    member = _member_of(db, access, current)
    member.password_hash = _hasher.hash(new)
    member.wrapped_private_key = wrapping.wrap(bytes(access.private_key), new)
    sessions.end_all(db, kind="staff", subject=str(member.id))
    audit.record(db, staff_id=access.staff_id, action="change_password", case_id=None, target=member.username)
    db.commit()


def new_authenticator(db: Session, access: StaffAccess, *, password: str) -> NewAuthenticator:
    """Self-service for a lost or replaced phone: a new secret; the old one stops working at once."""
    member = _member_of(db, access, password)
    secret = pyotp.random_base32()
    member.sealed_totp_secret = staff_totp.seal_secret(bytes(access.private_key), secret)
    member.last_totp_tag = None
    member.totp_secret, member.last_totp_counter = "", 0
    audit.record(db, staff_id=access.staff_id, action="new_authenticator", case_id=None, target=member.username)
    db.commit()
    return _authenticator(member, secret)


def _other_member(db: Session, member_id: int, actor_id: int) -> StaffMember:
    member = get_staff(db, member_id)
    if member_id == actor_id:
        raise InvalidInput("Use your own account page for your own account.")
    if is_removed(member):
        raise Conflict("The account %(username)s was removed.", username=member.username)
    return member


def admin_new_authenticator(db: Session, *, member_id: int, actor_id: int) -> NewAuthenticator:
    """For a member who lost their phone but knows their password.

    The administrator never holds the member's private key, so the new secret is sealed to their public
    key; their next log-in (password first) opens it and re-seals it. Their sessions end: the lost phone
    may be in other hands.
    """
    member = _other_member(db, member_id, actor_id)
    secret = pyotp.random_base32()
    member.sealed_totp_secret = staff_totp.seal_for_member(member.public_key, secret)
    _start_afresh(db, member)
    audit.record(db, staff_id=actor_id, action="new_authenticator", case_id=None, target=member.username)
    db.commit()
    return _authenticator(member, secret)


def _start_afresh(db: Session, member: StaffMember) -> None:
    """After a new secret: no code counts as used yet, no lock stands, and every session of the account ends."""
    member.last_totp_tag = None
    member.totp_secret, member.last_totp_counter = "", 0
    member.failed_logins, member.locked_until = 0, None
    sessions.end_all(db, kind="staff", subject=str(member.id))


def held_cases(db: Session, member_id: int) -> list[str]:
    return list(db.scalars(select(CaseKeySeal.case_id).where(CaseKeySeal.staff_id == member_id)))


def reset(db: Session, *, member_id: int, password: str, confirm: str, actor_id: int) -> NewAuthenticator:
    """For a member who lost their password: a new password, TOTP secret and key pair.

    The seals made to the old key open with nothing any more: they are deleted and their cases remembered
    for a colleague (or the recovery key) to give back. Every session of the old key ends.
    """
    _check_new_password(password, confirm)
    member = _other_member(db, member_id, actor_id)
    key, secret = PrivateKey.generate(), pyotp.random_base32()
    cases = held_cases(db, member.id)
    db.execute(delete(CaseKeySeal).where(CaseKeySeal.staff_id == member.id))
    db.execute(delete(ReadMark).where(ReadMark.staff_id == member.id))
    reshare.remember(db, staff_id=member.id, case_ids=cases)
    member.public_key = bytes(key.public_key)
    member.wrapped_private_key = wrapping.wrap(bytes(key), password)
    member.password_hash = _hasher.hash(password)
    member.sealed_totp_secret = staff_totp.seal_secret(bytes(key), secret)
    _start_afresh(db, member)
    audit.record(db, staff_id=actor_id, action="reset_account", case_id=None, target=member.username)
    db.commit()
    return _authenticator(member, secret)


def sole_holder_of(db: Session, member_id: int) -> list[tuple[str, str]]:
    """(case id, label) of the cases no other active caseworker holds."""
    others = (select(func.count(CaseKeySeal.id)).join(StaffMember, StaffMember.id == CaseKeySeal.staff_id)
              .where(CaseKeySeal.case_id == Case.id, CaseKeySeal.staff_id != member_id,
                     StaffMember.active.is_(True)).scalar_subquery())
    rows = db.execute(select(Case.id, Case.label).join(CaseKeySeal, CaseKeySeal.case_id == Case.id)
                      .where(CaseKeySeal.staff_id == member_id, others == 0).order_by(Case.label))
    return [(str(i), str(label)) for i, label in rows]


def remove(db: Session, *, member_id: int, actor_id: int, confirmed: bool) -> None:
    """Remove an account for good: its password, key, TOTP secret, seals and sessions go; its name stays
    in the audit log. Refused while it alone holds some case, unless the administrator confirms that those
    cases will be given to someone with the recovery key."""
    member = _other_member(db, member_id, actor_id)
    if member.role == "admin" and member.active:
        admins = db.scalar(select(func.count(StaffMember.id)).where(StaffMember.role == "admin",
                                                                    StaffMember.active.is_(True)))
        if (admins or 0) <= 1:
            raise InvalidInput("This is the last active administrator: add another one first.")
    sole = sole_holder_of(db, member.id)
    if sole and not confirmed:
        raise Conflict("%(username)s is the only caseworker on %(n)s case(s): %(labels)s. Share them with a "
                       "colleague first, or confirm that you will give them to someone with the recovery key.",
                       username=member.username, n=len(sole), labels=", ".join(label for _, label in sole))
    db.execute(delete(CaseKeySeal).where(CaseKeySeal.staff_id == member.id))
    db.execute(delete(ReadMark).where(ReadMark.staff_id == member.id))
    reshare.clear(db, staff_id=member.id)
    sessions.end_all(db, kind="staff", subject=str(member.id))
    member.password_hash = ""
    member.wrapped_private_key = b""
    member.sealed_totp_secret = None
    member.last_totp_tag = None
    member.totp_secret, member.last_totp_counter = "", 0
    member.active, member.intake = False, False
    audit.record(db, staff_id=actor_id, action="remove_account", case_id=None, target=member.username)
    db.commit()
