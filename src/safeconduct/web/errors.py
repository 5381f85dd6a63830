"""How refusals reach people: JSON with a status for the API, a page in their language for browsers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from safeconduct import errors
from safeconduct.staff.service import StaffAccess
from safeconduct.store import diskspace
from safeconduct.web.deps import STAFF_COOKIE, SessionEnded, runtime, staff_for_token
from safeconduct.web.render import render, translate

STATUS: dict[type[errors.Refusal], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.TooLarge: 413,
    errors.Conflict: 409,
    errors.Forbidden: 403,
    errors.AuthenticationFailed: 401,
    errors.OutOfSpace: 507,
}


class ProblemOut(BaseModel):
    where: str = Field(description="Where in the request, e.g. 'body.text' or 'path.staff_id'.")
    problem: str


class ErrorOut(BaseModel):
    """Every refusal of the API has this body."""

    error: str = Field(description="A stable code, e.g. 'invalid_input', 'not_found', 'out_of_space'.")
    message: str = Field(description="What went wrong and what to do, in the language asked for.")
    details: list[ProblemOut] | None = Field(None, description="With 'invalid_input' from the request's form: "
                                             "each field that is wrong.")


#: What each refusal means, as /openapi.json documents it.
MEANING = {
    400: "The body cannot be read: not JSON ('malformed_json') or not even text ('malformed_body').",
    401: "No valid session: log in (again) and send the token as `Authorization: Bearer <token>`.",
    403: "Not allowed: not an administrator, a case not shared with you, or a cookie session without its "
         "X-CSRF-Token header.",
    404: "Nothing by that id (or it is not yours to see).",
    409: "The request conflicts with the current state; nothing was changed.",
    412: "The Tus-Resumable header is missing or names another version.",
    413: "Too large; nothing was stored.",
    415: "The body's Content-Type is not the one this route takes.",
    422: "The request is not in the expected form, or a value is refused; `details` names the fields.",
    507: "The server is out of space; nothing sent before is lost, and nothing of this request was stored.",
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that can refuse with these statuses (beyond those documented for every route)."""
    return {status: {"model": ErrorOut, "description": MEANING[status]} for status in statuses}


def status_for(exc: errors.Refusal) -> int:
    explicit = getattr(exc, "http_status", None)  # refusals defined by the web layer itself
    if isinstance(explicit, int):
        return explicit
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


#: What a browser is told when an address names no page, or a page is used in a way it does not offer.
PAGE_NOT_FOUND = "This page does not exist. Check the address, or go back to the start."
WRONG_METHOD = "This page cannot be used that way. Go back and use its buttons and links."
INVALID_REQUEST = "The request is not in the expected form."


def _staff_viewing(request: Request) -> StaffAccess | None:
    """The staff member whose console shows the error, so that the page keeps their navigation."""
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return None
    try:
        with runtime(request).db() as db:
            return staff_for_token(request, db, token)
    except (SessionEnded, SQLAlchemyError, ValueError):
        return None


async def error_page(request: Request, message: str, status: int) -> Response:
    """The translated error page: the console's own (with its navigation) under /staff, the contact's elsewhere."""
    if request.url.path.startswith("/staff"):
        staff = await run_in_threadpool(_staff_viewing, request)
        return render(request, "staff/error.html", {"message": message, "status": status, "staff": staff},
                      status_code=status)
    return render(request, "error.html", {"message": message, "status": status}, status_code=status)


async def refusal_response(request: Request, exc: errors.Refusal) -> Response:
    message = translate(request, exc.message, **exc.params)
    status = status_for(exc)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": exc.code, "message": message}, status_code=status, headers=headers)
    if isinstance(exc, SessionEnded) and request.method == "GET":
        return RedirectResponse(exc.login_url + "?ended=1", status_code=303)
    return await error_page(request, message, status)


#: Codes for refusals the framework itself makes (a body it cannot read, a path or method it does not know).
FRAMEWORK_CODES = {400: "malformed_body", 404: "not_found", 405: "method_not_allowed"}


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.Refusal)
    async def _refusal(request: Request, exc: errors.Refusal) -> Response:
        return await refusal_response(request, exc)

    async def _disk_full(request: Request, exc: Exception) -> Response:
        """Any write that met a full disk (a log-in's session row, a note...): the clear refusal, not a 500."""
        if not diskspace.is_disk_full(exc):
            raise exc
        return await refusal_response(request, errors.OutOfSpace(diskspace.OUT_OF_SPACE))

    app.add_exception_handler(OSError, _disk_full)
    app.add_exception_handler(SQLAlchemyError, _disk_full)

    @app.exception_handler(StarletteHTTPException)
    async def _framework(request: Request, exc: StarletteHTTPException) -> Response:
        """The framework's own refusals in the same shape as ours (the API) or as a page (browsers)."""
        if not is_api(request):
            wording = {404: PAGE_NOT_FOUND, 405: WRONG_METHOD}.get(exc.status_code, INVALID_REQUEST)
            return await error_page(request, translate(request, wording), exc.status_code)
        return JSONResponse({"error": FRAMEWORK_CODES.get(exc.status_code, "refused"), "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
            for err in exc.errors()
        ]
        malformed = any(err.get("type") == "json_invalid" for err in exc.errors())
        message = "The request body is not valid JSON." if malformed else "The request is not in the expected form."
        if not is_api(request):
            return await error_page(request, translate(request, message), 400)
        return JSONResponse({"error": "malformed_json" if malformed else "invalid_input", "message": message,
                             "details": problems}, status_code=400 if malformed else 422)
