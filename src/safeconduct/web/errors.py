"""How refusals reach people: JSON with a status for the API, a page in their language for browsers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from safeconduct import errors
from safeconduct.store import diskspace
from safeconduct.web.deps import SessionEnded
from safeconduct.web.render import render, translate

STATUS: dict[type[errors.Refusal], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.TooLarge: 413,
    errors.Conflict: 409,
    errors.Forbidden: 403,
    errors.AuthenticationFailed: 401,
    errors.RateLimited: 429,
    errors.OutOfSpace: 507,
}


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


def refusal_response(request: Request, exc: errors.Refusal) -> Response:
    message = translate(request, exc.message, **exc.params)
    status = status_for(exc)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": exc.code, "message": message}, status_code=status, headers=headers)
    if isinstance(exc, SessionEnded) and request.method == "GET":
        return RedirectResponse(exc.login_url + "?ended=1", status_code=303)
    return render(request, "error.html", {"message": message, "status": status}, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.Refusal)
    async def _refusal(request: Request, exc: errors.Refusal) -> Response:
        return refusal_response(request, exc)

    async def _disk_full(request: Request, exc: Exception) -> Response:
        """Any write that met a full disk (a log-in's session row, a note...): the clear refusal, not a 500."""
        if not diskspace.is_disk_full(exc):
            raise exc
        return refusal_response(request, errors.OutOfSpace(diskspace.OUT_OF_SPACE))

    app.add_exception_handler(OSError, _disk_full)
    app.add_exception_handler(SQLAlchemyError, _disk_full)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
            for err in exc.errors()
        ]
        malformed = any(err.get("type") == "json_invalid" for err in exc.errors())
        message = "The request body is not valid JSON." if malformed else "The request is not in the expected form."
        if not is_api(request):
            return render(request, "error.html", {"message": translate(request, message), "status": 400},
                          status_code=400)
        return JSONResponse({"error": "malformed_json" if malformed else "invalid_input", "message": message,
                             "details": problems}, status_code=400 if malformed else 422)
