"""Small url-encoded forms of the pages, with their CSRF check."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from starlette.datastructures import FormData

from safeconduct.errors import Forbidden
from safeconduct.web.security import CSRF_FIELD, csrf_ok

FORM_EXPIRED = "This form has expired. Go back, reload the page and send it again."


async def checked_form(request: Request) -> FormData:
    """The submitted form, once its CSRF token matches this browser's."""
    form = await read_form(request)
    check_csrf(request, form)
    return form


async def read_form(request: Request) -> FormData:
    """The submitted form, not checked yet: call `check_csrf` before acting on it."""
    return await request.form(max_files=0, max_fields=20, max_part_size=64 * 1024)


def check_csrf(request: Request, form: FormData) -> None:
    """Refuse a form whose CSRF token does not match this browser's."""
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise Forbidden(FORM_EXPIRED)


def check_csrf_fields(request: Request) -> Callable[[dict[str, str]], None]:
    """For streamed multipart forms: validate the CSRF field once the body is read."""

    def check(fields: dict[str, str]) -> None:
        if not csrf_ok(request, fields.get(CSRF_FIELD)):
            raise Forbidden(FORM_EXPIRED)

    return check
