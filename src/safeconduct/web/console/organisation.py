"""The administrator's page for what the contact pages say about the organisation (``org/intro.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.errors import Refusal
from safeconduct.org import intro
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import admin_access, get_db
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.i18n import LANGUAGES
from safeconduct.web.render import render, translate

router = APIRouter(prefix="/staff/admin/organisation", include_in_schema=False)


def _page(request: Request, staff: StaffAccess, values: intro.OrgIntro, *, answer_days: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "staff/organisation.html", {
        "staff": staff, "org": values, "languages": LANGUAGES, "error": error,
        "answer_days": answer_days if answer_days is not None else (values.answer_days or ""),
        "saved": request.query_params.get("saved") == "1"}, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def organisation_page(request: Request, staff: StaffAccess = Depends(admin_access),
                      db: Session = Depends(get_db)) -> Response:
    return _page(request, staff, intro.read(db))


@router.post("", response_class=HTMLResponse)
def save_organisation(request: Request, staff: StaffAccess = Depends(admin_access),
                      db: Session = Depends(get_db),
                      form: FormData = Depends(checked_form)) -> Response:
    name = str(form.get("name", ""))
    intros = {lang: str(form.get(f"intro_{lang}", "")) for lang in intro.LANGUAGES}
    days = str(form.get("answer_days", ""))
    try:
        checked = intro.check(name, intros, days)
    except Refusal as exc:  # the page again with everything typed kept
        typed = intro.OrgIntro(name=name[: intro.MAX_NAME * 2], intros=intros)
        return _page(request, staff, typed, answer_days=days[:8], error=translate(request, exc.message, **exc.params),
                     status_code=status_for(exc))
    intro.save(db, checked)
    return RedirectResponse("/staff/admin/organisation?saved=1", status_code=303)
