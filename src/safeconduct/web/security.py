"""Headers, CSRF and log hygiene applied to every response.

Nothing on any page may come from elsewhere (CSP), no page may be framed or leak where the visitor came
from, and nothing we serve — pages, API answers, static files alike — may stay in the browser cache of a
phone that may be searched: a cached style sheet alone shows that the phone visited this server.

The request log line names the route's template (`/api/v1/staff/cases/{case_id}`), never the concrete
path: no case, upload or file ids, nor words someone typed into a URL, end up in the logs.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safeconduct.logs import printable

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
CSRF_COOKIE = "sc_csrf"
CSRF_FIELD = "csrf_token"
#: What the log shows for a path that matched no route, or a method of no standard (what was sent stays out).
UNKNOWN_ROUTE = "[no route]"
OTHER_METHOD = "[other method]"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

log = logging.getLogger("safeconduct.http")


def route_template(scope: Scope) -> str:
    """The matched route's template, e.g. `/api/v1/contact/uploads/{upload_id}`; a fixed word when none."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    if "endpoint" in scope:  # a mounted app (static files): the router names no route, the mount's prefix is ours
        prefix = str(scope.get("root_path", ""))[len(str(scope.get("app_root_path", ""))):]
        return f"{prefix}/{{path}}"
    return UNKNOWN_ROUTE


class SecurityHeaders:
    """ASGI middleware: security headers, no caching at all, logs without addresses or concrete paths.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, so large uploads stream through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers["Cache-Control"] = "no-store"
                headers["Pragma"] = "no-cache"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            # Method, route template and status only: never the client address, user agent, concrete path or
            # query string; escaped, so that nothing sent can break the line.
            method = scope.get("method") if scope.get("method") in METHODS else OTHER_METHOD
            log.info("%s %s %s %.0fms", method, printable(route_template(scope)), status,
                     (time.perf_counter() - started) * 1000)


def csrf_token(request: Request) -> str:
    """The token for this browser, minted on first use and set as a cookie by `issue_csrf_cookie`."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) != 43:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def issue_csrf_cookie(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        set_cookie(request, response, CSRF_COOKIE, new)


def csrf_ok(request: Request, submitted: object) -> bool:
    """Double-submit check: the form field must equal the browser's cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and isinstance(submitted, str) and hmac.compare_digest(cookie, submitted)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """Session-lifetime cookies only, invisible to scripts, never sent cross-site."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )
