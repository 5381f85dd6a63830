"""Rendering server-side pages in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from safeconduct.errors import ByteSize
from safeconduct.notifications.service import unread_count
from safeconduct.web import i18n
from safeconduct.web.security import CSRF_FIELD, csrf_token, issue_csrf_cookie, set_cookie

TEMPLATES = Path(__file__).with_name("templates")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)


def translate(request: Request, message: str, **params: object) -> str:
    """A message in the visitor's language (used for refusals raised by the services); sizes in its units."""
    lang = i18n.choose_language(request)
    text = i18n.gettext_for(lang).gettext(message)
    shown = {k: i18n.format_size(v, lang) if isinstance(v, ByteSize) else v for k, v in params.items()}
    return text % shown if shown else text


def _unread(request: Request, staff_id: int) -> int:
    """The count in the staff navigation (no notification is opened for it)."""
    with request.app.state.runtime.db() as db:
        return unread_count(db, staff_id)


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    lang = i18n.choose_language(request)
    translations = i18n.gettext_for(lang)

    def gettext(message: str, **params: object) -> str:
        text = translations.gettext(message)
        return text % params if params else text

    values: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "dir": "rtl" if lang in i18n.RTL else "ltr",
        "languages": i18n.LANGUAGES,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "path": request.url.path,
        "_": gettext,
        "gettext": gettext,
        "ngettext": translations.ngettext,
        "size": lambda n: i18n.format_size(int(n), lang),
    }
    values.update(context or {})
    if getattr(values.get("staff"), "staff_id", None) is not None and "notification_count" not in values:
        values["notification_count"] = _unread(request, values["staff"].staff_id)
    html = environment.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    issue_csrf_cookie(request, response)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        set_cookie(request, response, i18n.COOKIE, lang)
    return response
