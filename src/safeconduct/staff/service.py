"""Staff accounts: creation, log-in with password and TOTP, administration.

Failed log-ins are counted per account (never per address), and only those of someone who holds one of the
two factors (see `_holds_one_factor`). Every failure, whatever its cause, costs one password hash and one key
derivation and gets the same message, so a prober learns nothing about which part was wrong.

The TOTP secret is sealed under a key derived from the member's private key (see `crypto.staff_totp`), so
it is opened only after the password has unwrapped that key, and the last accepted TOTP counter is kept as
a keyed tag, so a seized database shows neither the secret nor when the member last logged in. A code is
spent by a compare-and-swap UPDATE on that tag: of several concurrent log-ins with one code, one wins.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from nacl.public import PrivateKey
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.config import Settings
from safeconduct.crypto import aead, staff_totp, wrapping
from safeconduct.crypto.argon2_gate import gate
from safeconduct.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from safeconduct.staff.models import StaffMember

ROLES = ("caseworker", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
ISSUER = "safeconduct"
LOGIN_FAILED = (
    "Log-in failed. Check your username, password and the current six-digit code. "
    "After repeated failures the account is locked for a while."
)

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so that failure costs the same."""
    return _hasher.hash("not a password of anyone")


@functools.cache
def _dummy_wrapped_key() -> bytes:
    """A wrapped key to derive against when there is no account or the password was wrong."""
    return wrapping.wrap(bytes(PrivateKey.generate()), "not a password of anyone")


@dataclass(frozen=True)
class NewStaff:
    staff_id: int
    username: str
    totp_secret: str
    totp_uri: str


@dataclass(frozen=True)
class StaffAccess:
    """A logged-in staff member: identity and private key, in memory only."""

    staff_id: int
    username: str
    role: str
    private_key: PrivateKey

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_staff(db: Session, *, username: str, role: str, password: str, intake: bool = True) -> NewStaff:
    """Create an account with its key pair and TOTP secret (shown once to the new member)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput("A username is 2 to 64 characters: lower-case letters, digits, '.', '_' or '-'.")
    if role not in ROLES:
        raise InvalidInput("The role must be 'caseworker' or 'admin'.")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("A password needs at least %(n)s characters.", n=MIN_PASSWORD)
    if db.scalar(select(StaffMember.id).where(StaffMember.username == username)) is not None:
        raise Conflict("The username %(username)s is taken.", username=username)
    key = PrivateKey.generate()
    secret = pyotp.random_base32()
    member = StaffMember(
        username=username,
        role=role,
        password_hash=_hasher.hash(password),
        totp_secret="",
        last_totp_counter=0,
        sealed_totp_secret=staff_totp.seal_secret(bytes(key), secret),
        public_key=bytes(key.public_key),
        wrapped_private_key=wrapping.wrap(bytes(key), password),
        active=True,
        intake=intake and role == "caseworker",
        created_on=_now().date(),
        failed_logins=0,
    )
    db.add(member)
    db.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return NewStaff(staff_id=member.id, username=username, totp_secret=secret, totp_uri=uri)


def _window(totp: pyotp.TOTP, code: str, now: float) -> list[int]:
    """The counters (previous, current, next) whose code matches, oldest first."""
    code = "".join(code.split())
    matching = []
    for drift in (-1, 0, 1):
        at = now + drift * totp.interval
        if pyotp.utils.strings_equal(totp.at(at), code):
            matching.append(int(at // totp.interval))
    return matching


def _spend_totp(db: Session, member: StaffMember, private: bytes, code: str) -> bool:
    """Accept the current code or its neighbours, never one at or before the last accepted, even concurrently.

    The UPDATE succeeds only if the stored state is still the one read here, so of several log-ins racing
    with one code exactly one sees rowcount 1. An account still holding its secret in the clear (made before
    migration 0008) is sealed by the same UPDATE.
    """
    now = time.time()
    guard: tuple[ColumnElement[bool], ...]
    reseal = False
    if member.sealed_totp_secret is None:
        secret = member.totp_secret
        counters = [c for c in _window(pyotp.TOTP(secret), code, now) if c > member.last_totp_counter]
        if not counters:
            return False
        guard = (StaffMember.sealed_totp_secret.is_(None), StaffMember.last_totp_counter < counters[0])
    else:
        try:
            secret, reseal = staff_totp.open_any(private, member.sealed_totp_secret)
        except aead.DecryptionError:
            return False
        totp = pyotp.TOTP(secret)
        last = member.last_totp_tag
        # The last accepted counter is known only if it lies in this window; anything older spends nothing here.
        current = int(now // totp.interval)
        spent = max((c for c in range(current - 1, current + 2) if staff_totp.counter_tag(private, c) == last),
                    default=None)
        counters = [c for c in _window(totp, code, now) if spent is None or c > spent]
        if not counters:
            return False
        # The secret read must still be the stored one: a new authenticator set meanwhile wins over this log-in.
        guard = (StaffMember.last_totp_tag.is_(None) if last is None else StaffMember.last_totp_tag == last,
                 StaffMember.sealed_totp_secret == member.sealed_totp_secret)
    result = db.execute(
        update(StaffMember)
        .where(StaffMember.id == member.id, *guard)
        .values(totp_secret="", last_totp_counter=0, sealed_totp_secret=staff_totp.seal_secret(private, secret)
                if member.sealed_totp_secret is None or reseal else member.sealed_totp_secret,
                last_totp_tag=staff_totp.counter_tag(private, counters[0]))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def _open_private_key(wrapped: bytes, password: str | None) -> bytes | None:
    """Unwrap the private key, or spend the same key derivation for nothing when `password` is None."""
    try:
        key = wrapping.unwrap(wrapped, password if password is not None else "not the password of anyone")
    except aead.DecryptionError:
        return None
    return key if password is not None else None


def authenticate(db: Session, settings: Settings, *, username: str, password: str, totp: str) -> StaffAccess:
    """Check password and TOTP, unwrap the private key; raise one identical refusal on any failure."""
    member = db.scalar(select(StaffMember).where(StaffMember.username == username.strip().lower()))
    if member is None or not member.active:
        _verify(_dummy_hash(), password)
        _open_private_key(_dummy_wrapped_key(), None)
        raise AuthenticationFailed(LOGIN_FAILED)
    locked = member.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=dt.UTC)
    password_ok = _verify(member.password_hash, password)
    private = _open_private_key(member.wrapped_private_key, password if password_ok else None)
    if locked is not None and locked > _now():
        raise AuthenticationFailed(LOGIN_FAILED)
    if private is None or not _spend_totp(db, member, private, totp):
        if _holds_one_factor(member, private, totp):
            _count_failure(member, settings)
            db.commit()
        raise AuthenticationFailed(LOGIN_FAILED)
    member.failed_logins = 0
    member.locked_until = None
    db.commit()
    return StaffAccess(staff_id=member.id, username=member.username, role=member.role,
                       private_key=PrivateKey(private))


def _holds_one_factor(member: StaffMember, private: bytes | None, totp: str) -> bool:
    """Whether a failed attempt came from someone holding the password or the code generator.

    Only such failures count towards the lock: an attacker who holds neither (a flood of guesses) cannot
    lock a caseworker out, while one who holds a stolen password is stopped from guessing the code. A right
    code with a wrong password can be recognised only on an account not yet sealed (its secret is still in
    the clear); a sealed secret opens only with the password, so there such guesses are slowed by the
    Argon2id queue, never counted. The code is checked without being used up.
    """
    if private is not None:
        return True
    return bool(member.totp_secret) and pyotp.TOTP(member.totp_secret).verify("".join(totp.split()),
                                                                              valid_window=1)


def _count_failure(member: StaffMember, settings: Settings) -> None:
    member.failed_logins += 1
    if member.failed_logins >= settings.staff_failures_before_lock:
        member.locked_until = _now() + dt.timedelta(minutes=settings.staff_lock_minutes)
        member.failed_logins = 0


def _verify(hashed: str, password: str) -> bool:
    """Check a password within the process-wide Argon2id bound (a flood waits its turn, memory stays bounded)."""
    try:
        with gate.slot():
            return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def list_staff(db: Session) -> list[StaffMember]:
    return list(db.scalars(select(StaffMember).order_by(StaffMember.username)))


def get_staff(db: Session, staff_id: int) -> StaffMember:
    member = db.get(StaffMember, staff_id)
    if member is None:
        raise NotFound("No such staff member.")
    return member


def intake_team(db: Session) -> list[StaffMember]:
    """The caseworkers a new conversation is sealed to."""
    return list(
        db.scalars(
            select(StaffMember).where(
                StaffMember.active.is_(True), StaffMember.intake.is_(True), StaffMember.role == "caseworker"
            )
        )
    )


def set_intake(db: Session, staff_id: int, intake: bool) -> None:
    """Put a caseworker on the intake team or take them off it (admins cannot be on it)."""
    member = get_staff(db, staff_id)
    if intake and member.role != "caseworker":
        raise InvalidInput("Only caseworkers can be on the intake team.")
    member.intake = intake
    db.commit()


def set_active(db: Session, staff_id: int, active: bool, *, actor_id: int | None = None) -> None:
    """Deactivate (or reactivate) an account; its sealed case keys stay, its log-ins stop.

    An administrator cannot lock themselves out, and the last active administrator cannot be deactivated.
    """
    member = get_staff(db, staff_id)
    if active and member.password_hash == "":
        raise Conflict("The account %(username)s was removed.", username=member.username)
    if not active and staff_id == actor_id:
        raise InvalidInput("You cannot deactivate your own account.")
    if not active and member.role == "admin" and member.active:
        admins = db.scalars(select(StaffMember.id).where(StaffMember.role == "admin", StaffMember.active.is_(True)))
        if len(list(admins)) <= 1:
            raise InvalidInput("This is the last active administrator: add another one first.")
    member.active = active
    if not active:  # a reactivated account starts afresh: no old token comes back to life
        sessions.end_all(db, kind="staff", subject=str(staff_id))
    db.commit()
