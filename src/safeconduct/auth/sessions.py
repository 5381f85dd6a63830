"""Log-in sessions that keep decryption keys off the disk.

A session's secret (the contact's case key, or a caseworker's private key) is stored encrypted under a key
that exists only inside the token held by the client. The database row alone opens nothing; the token
alone opens nothing; and the row is keyed by a hash of the token id, so a leaked database cannot be used to
forge tokens either. Sessions survive a server restart and work across several server processes.

A contact session's subject (the case id) is sealed with its secret, not stored beside it, so a seized
table cannot tell whose conversation was active when: the row holds a hash, a kind, a ciphertext and an
expiry to the minute. A staff session keeps its subject (the account) in the clear, so deactivating an
account can end all of its sessions.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from safeconduct.auth.models import AuthSession
from safeconduct.crypto import aead
from safeconduct.store import coarse, diskspace

_PREFIX = "sc1."
#: Kinds whose subject is sealed with the secret instead of stored in the clear.
_SEALED_SUBJECT = frozenset({"contact"})


class InvalidSession(Exception):
    """The token is unknown, forged, expired or of the wrong kind."""


@dataclass(frozen=True)
class OpenSession:
    subject: str
    secret: bytes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _row_key(token_id: bytes) -> bytes:
    return hashlib.blake2b(token_id, digest_size=32, person=b"sc-session").digest()


def create(db: Session, *, kind: str, subject: str, secret: bytes, minutes: int) -> str:
    """Store a new session and return its bearer token (shown to the client, never stored)."""
    token_id, key = secrets.token_bytes(16), aead.new_key()
    row_key = _row_key(token_id)
    if kind in _SEALED_SUBJECT:
        named = subject.encode()
        stored, ciphertext = "", aead.encrypt(key, len(named).to_bytes(1, "big") + named + secret,
                                             _sealed_aad(kind, row_key))
    else:
        stored, ciphertext = subject, aead.encrypt(key, secret, f"{kind}:{subject}".encode())
    db.add(AuthSession(token_id=row_key, kind=kind, subject=stored, secret_ciphertext=ciphertext,
                       expires_at=_now() + dt.timedelta(minutes=minutes)))
    return _PREFIX + base64.urlsafe_b64encode(token_id + key).decode().rstrip("=")


def _sealed_aad(kind: str, row_key: bytes) -> bytes:
    return b"sc-session-sealed\x00" + kind.encode() + b"\x00" + row_key


def _open(kind: str, subject: str, ciphertext: bytes, row_key: bytes, key: bytes) -> OpenSession:
    """Decrypt a row's secret (and its subject, where sealed); rows stored before sealing still open."""
    if subject:
        return OpenSession(subject, aead.decrypt(key, ciphertext, f"{kind}:{subject}".encode()))
    plain = aead.decrypt(key, ciphertext, _sealed_aad(kind, row_key))
    size = plain[0]
    return OpenSession(plain[1 : 1 + size].decode(), plain[1 + size :])


def _parse(token: str) -> tuple[bytes, bytes]:
    if not token.startswith(_PREFIX):
        raise InvalidSession("malformed token")
    raw = token[len(_PREFIX) :]
    try:
        blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidSession("malformed token") from exc
    if len(blob) != 16 + aead.KEY_BYTES:
        raise InvalidSession("malformed token")
    return blob[:16], blob[16:]


# Every request opens a session: Core statements built once, not the ORM's identity map and unit of work.
_TABLE: Table = AuthSession.__table__  # type: ignore[assignment]
_READ = select(_TABLE.c.kind, _TABLE.c.subject, _TABLE.c.secret_ciphertext, _TABLE.c.expires_at).where(
    _TABLE.c.token_id == bindparam("token_id"))
_DELETE = delete(_TABLE).where(_TABLE.c.token_id == bindparam("token_id"))
_SLIDE = update(_TABLE).where(_TABLE.c.token_id == bindparam("b_token_id")).values(
    expires_at=bindparam("b_expires_at"))


def open_session(db: Session, token: str, *, kind: str, minutes: int) -> OpenSession:
    """Check a token and recover the session's secret; extends the session while it is in use."""
    token_id, key = _parse(token)
    row_key = _row_key(token_id)
    row = db.execute(_READ, {"token_id": row_key}).first()
    now = _now()
    if row is None or row.kind != kind:
        raise InvalidSession("unknown session")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    if expires <= now:
        db.execute(_DELETE, {"token_id": row_key})
        db.commit()
        raise InvalidSession("session expired")
    try:
        opened = _open(row.kind, row.subject, bytes(row.secret_ciphertext), row_key, key)
    except aead.DecryptionError as exc:
        raise InvalidSession("forged token") from exc
    # Slide the expiry only when less than half remains, so most requests cost no write.
    if expires - now < dt.timedelta(minutes=minutes / 2):
        db.execute(_SLIDE, {"b_token_id": row_key,
                            "b_expires_at": coarse.round_up(now + dt.timedelta(minutes=minutes), coarse.MINUTE)})
        diskspace.commit_unless_full(db)  # on a full disk the session is still valid, just not extended
    return opened


def end(db: Session, token: str) -> None:
    """Log out: forget the row, and with it the only ciphertext of the secret."""
    try:
        token_id, _ = _parse(token)
    except InvalidSession:
        return
    db.execute(delete(AuthSession).where(AuthSession.token_id == _row_key(token_id)))
    db.commit()


def end_all(db: Session, *, kind: str, subject: str) -> int:
    """End every session of one subject (a deactivated account), so reactivating it revives none of them."""
    result = db.execute(delete(AuthSession).where(AuthSession.kind == kind, AuthSession.subject == subject))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_expired(db: Session) -> int:
    """Delete sessions past their expiry; returns how many."""
    result = db.execute(delete(AuthSession).where(AuthSession.expires_at <= _now()))
    db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
