"""Re-authentication before the most sensitive action: exporting a dossier.

A console session is a cookie or a bearer token; whoever holds it (an unlocked laptop, a stolen token)
could otherwise export the person's disclosed words in one click. Every export therefore asks the
caseworker again for both factors, as the CLI does: their password and a six-digit code not used before
(TOTP codes are single-use, so the code that opened the session is refused). Failures count towards the
account's lock exactly like log-in failures (``staff.service.authenticate``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.errors import AuthenticationFailed
from safeconduct.staff import service
from safeconduct.staff.service import StaffAccess

REAUTH_FAILED = ("To export a dossier, enter your password and a new six-digit code (not the one you logged "
                 "in with). Nothing was exported.")


def confirm_identity(db: Session, settings: Settings, access: StaffAccess, *, password: str, totp: str) -> None:
    """Check that the caseworker of `access` is at the keyboard; refuse clearly otherwise."""
    try:
        again = service.authenticate(db, settings, username=access.username, password=password, totp=totp)
    except AuthenticationFailed:
        raise AuthenticationFailed(REAUTH_FAILED) from None
    if again.staff_id != access.staff_id:
        raise AuthenticationFailed(REAUTH_FAILED)
