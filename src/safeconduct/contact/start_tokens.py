"""Start tokens: a conversation starts only from a form the server issued, once, within the hour.

Issuing costs nothing and stores nothing (the token is authenticated by a MAC), so the home page stays free
to serve; spending stores the token's random id until it would have expired anyway, so a reloaded or
replayed form cannot start a second conversation, and a script must come back for a new token each time.
Every refusal happens before the slow hash, so a replayed or forged token costs the server nearly nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from safeconduct.contact.models import SpentStartToken
from safeconduct.crypto import tokens
from safeconduct.errors import Conflict, InvalidInput
from safeconduct.org.service import OrgKeys

LIFETIME = dt.timedelta(hours=1)
_PURPOSE = b"start-token-v1"
_NONCE = 16
_RAW = 8 + _NONCE + tokens.MAC_BYTES

START_FORM_MISSING = (
    "Nothing was started: a start token is needed. Open the home page and press \"Start a conversation\" "
    "(programs: ask GET /api/v1/contact/start-token and send its start_token)."
)
START_FORM_FORGED = (
    "Nothing was started: this start form did not come from this site, or it was changed on the way. "
    "Open the home page again and press \"Start a conversation\"."
)
START_FORM_EXPIRED = (
    "Nothing was started: this start form is more than an hour old. "
    "Open the home page again and press \"Start a conversation\"."
)
ALREADY_STARTED = (
    "This conversation has already been started, and its codename was shown only once. "
    "If you did not keep it, start a new conversation."
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue(org: OrgKeys, now: dt.datetime | None = None) -> str:
    """A fresh token for one start form: expiry ‖ random id ‖ MAC, URL-safe, 54 characters."""
    expires = int(((now or _now()) + LIFETIME).timestamp())
    body = expires.to_bytes(8, "big") + secrets.token_bytes(_NONCE)
    raw = body + tokens.mac(tokens.purpose_key(org.signing_key, _PURPOSE), body)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def spend(db: Session, org: OrgKeys, token: object, now: dt.datetime | None = None) -> None:
    """Accept `token` once (committed at once), or refuse it with a message saying what to do."""
    if not isinstance(token, str) or not token.strip():
        raise InvalidInput(START_FORM_MISSING)
    try:
        raw = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(START_FORM_FORGED) from exc
    body, tag = raw[: 8 + _NONCE], raw[8 + _NONCE :]
    if len(raw) != _RAW or not tokens.mac_matches(tokens.purpose_key(org.signing_key, _PURPOSE), body, tag):
        raise InvalidInput(START_FORM_FORGED)
    expires = dt.datetime.fromtimestamp(int.from_bytes(body[:8], "big"), dt.UTC)
    if expires <= (now or _now()):
        raise InvalidInput(START_FORM_EXPIRED)
    db.add(SpentStartToken(token_id=body[8:], expires_at=expires))
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise Conflict(ALREADY_STARTED) from exc


def purge_spent(db: Session, now: dt.datetime | None = None) -> int:
    """Forget spent tokens that have expired: an expired token is refused for its age alone."""
    result = db.execute(delete(SpentStartToken).where(SpentStartToken.expires_at <= (now or _now())))
    db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
