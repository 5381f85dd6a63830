"""FastAPI dependencies: the database session and who is asking."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from nacl.public import PrivateKey
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import AuthenticationFailed, Forbidden
from safeconduct.runtime import Runtime
from safeconduct.staff.models import StaffMember
from safeconduct.staff.service import StaffAccess
from safeconduct.store.db import run_retrying
from safeconduct.web.security import CSRF_COOKIE

CONTACT_COOKIE = "sc_contact"
STAFF_COOKIE = "sc_staff"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# How /openapi.json tells a client which token a route takes (a page's script sends the cookie instead).
CONTACT_BEARER = HTTPBearer(auto_error=False, scheme_name="contactToken",
                            description="The token POST /api/v1/contact/session gives for a codename.")
STAFF_BEARER = HTTPBearer(auto_error=False, scheme_name="staffToken",
                          description="The token POST /api/v1/staff/session gives for a password and TOTP code; "
                          "the /api/v1/staff/admin/… routes and legal holds need an administrator's.")
Bearer = HTTPAuthorizationCredentials | None
T = TypeVar("T")


class SessionEnded(AuthenticationFailed):
    """No valid session: pages send the person to the log-in page, the API answers 401."""

    def __init__(self, message: str, login_url: str) -> None:
        super().__init__(message)
        self.login_url = login_url


CONTACT_SESSION_ENDED = "Your session has ended. Please enter your codename again."
STAFF_SESSION_ENDED = "Your session has ended. Please log in again."


def runtime(request: Request) -> Runtime:
    runtime_: Runtime = request.app.state.runtime
    return runtime_


def get_db(request: Request) -> Iterator[Session]:
    with runtime(request).db() as db:
        yield db


def run_unit(request: Request, work: Callable[[Session], T]) -> T:
    """One request's whole database work in one session, called in one worker thread (no hop per dependency).

    Retried once on a fresh connection when the pooled one turns out dead before anything was committed
    (`store.db.run_retrying`: there is no ping per checkout).
    """
    return run_retrying(runtime(request).sessions, work)


def _bearer_or_cookie(request: Request, bearer: Bearer, cookie: str) -> tuple[str | None, bool]:
    """The token, and whether it came from a cookie (which then needs a CSRF check on the API)."""
    if bearer is not None:
        return bearer.credentials.strip(), False
    return request.cookies.get(cookie), True


def _check_api_csrf(request: Request, from_cookie: bool) -> None:
    """A script of ours calling the API with the page's cookie must echo the CSRF token in a header."""
    if from_cookie and request.method in UNSAFE and request.url.path.startswith("/api/"):
        sent, cookie = request.headers.get("x-csrf-token", ""), request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(sent, cookie):
            raise Forbidden("Missing or wrong CSRF token.")


def contact_access(request: Request, db: Session = Depends(get_db),
                   bearer: Bearer = Security(CONTACT_BEARER)) -> ContactAccess:
    return contact_for(request, db, bearer)


def contact_for(request: Request, db: Session, bearer: Bearer, *, csrf: bool = True) -> ContactAccess:
    """What `contact_access` checks, callable inside a route's own worker-thread unit (`run_unit`).

    `csrf=False` leaves the API's header check to the caller (a page form checks its own field instead)."""
    token, from_cookie = _bearer_or_cookie(request, bearer, CONTACT_COOKIE)
    if not token:
        raise SessionEnded(CONTACT_SESSION_ENDED, "/contact/login")
    try:
        opened = sessions.open_session(
            db, token, kind="contact", minutes=runtime(request).settings.contact_session_minutes
        )
    except sessions.InvalidSession as exc:
        raise SessionEnded(CONTACT_SESSION_ENDED, "/contact/login") from exc
    if csrf:
        _check_api_csrf(request, from_cookie)
    return ContactAccess(case_id=opened.subject, case_key=opened.secret)


def staff_access(request: Request, db: Session = Depends(get_db),
                 bearer: Bearer = Security(STAFF_BEARER)) -> StaffAccess:
    token, from_cookie = _bearer_or_cookie(request, bearer, STAFF_COOKIE)
    if not token:
        raise SessionEnded(STAFF_SESSION_ENDED, "/staff/login")
    access = staff_for_token(request, db, token)
    _check_api_csrf(request, from_cookie)
    return access


def staff_for_token(request: Request, db: Session, token: str) -> StaffAccess:
    """The staff member a session token belongs to; SessionEnded when it is no longer valid."""
    try:
        opened = sessions.open_session(db, token, kind="staff", minutes=runtime(request).settings.staff_session_minutes)
    except sessions.InvalidSession as exc:
        raise SessionEnded(STAFF_SESSION_ENDED, "/staff/login") from exc
    member = db.get(StaffMember, int(opened.subject))
    if member is None or not member.active:
        raise SessionEnded(STAFF_SESSION_ENDED, "/staff/login")
    return StaffAccess(staff_id=member.id, username=member.username, role=member.role,
                       private_key=PrivateKey(opened.secret))


def admin_access(staff: StaffAccess = Depends(staff_access)) -> StaffAccess:
    if not staff.is_admin:
        raise Forbidden("Only administrators can do this.")
    return staff
