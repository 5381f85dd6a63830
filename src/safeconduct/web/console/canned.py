"""Canned replies: administrators edit them; caseworkers insert one into a reply, edit it, then send.

No JavaScript: the reply form's "insert" button posts the form here, and the page comes back with the
chosen text added to the draft (nothing is sent or stored until the caseworker presses "Send reply").
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import inbox
from safeconduct.errors import InvalidInput, Refusal
from safeconduct.org import canned
from safeconduct.staff.service import StaffAccess
from safeconduct.web import i18n
from safeconduct.web.console.workspace import tab_of, workspace_page
from safeconduct.web.deps import admin_access, get_db, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate

router = APIRouter(include_in_schema=False)
ADMIN = "/staff/admin/replies"


def _fields(form: FormData) -> tuple[dict[str, str], dict[str, str]]:
    return ({c: str(form.get(f"title_{c}", "")) for c in canned.LANGUAGES},
            {c: str(form.get(f"text_{c}", "")) for c in canned.LANGUAGES})


def _admin_page(request: Request, db: Session, staff: StaffAccess, *, error: str | None = None,
                kept: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    return render(request, "staff/canned.html", {
        "staff": staff, "replies": canned.list_replies(db), "codes": canned.LANGUAGES, "error": error,
        "kept": kept}, status_code=status_code)


@router.get(ADMIN, response_class=HTMLResponse)
def replies_page(request: Request, staff: StaffAccess = Depends(admin_access),
                 db: Session = Depends(get_db)) -> Response:
    return _admin_page(request, db, staff)


@router.post(ADMIN, response_class=HTMLResponse)
def add_reply(request: Request, staff: StaffAccess = Depends(admin_access),
              db: Session = Depends(get_db),
              form: FormData = Depends(checked_form)) -> Response:
    titles, texts = _fields(form)
    try:
        new_id = canned.add(db, titles=titles, texts=texts)
    except Refusal as exc:
        db.rollback()
        return _admin_page(request, db, staff, error=translate(request, exc.message, **exc.params),
                           kept={"id": None, "titles": titles, "texts": texts}, status_code=status_for(exc))
    return RedirectResponse(f"{ADMIN}?saved=1#reply-{new_id}", status_code=303)


@router.post(ADMIN + "/starting-set")
def add_starting_set(request: Request, staff: StaffAccess = Depends(admin_access),
                     db: Session = Depends(get_db),
                     _form: FormData = Depends(checked_form)) -> Response:
    """For an installation upgraded to migration 0012 (a new one gets the set at `init`)."""
    canned.add_starting_set(db)
    return RedirectResponse(f"{ADMIN}?saved=1", status_code=303)


@router.post(ADMIN + "/{reply_id}", response_class=HTMLResponse)
def change_reply(reply_id: int, request: Request, staff: StaffAccess = Depends(admin_access),
                 db: Session = Depends(get_db),
                 form: FormData = Depends(checked_form)) -> Response:
    titles, texts = _fields(form)
    try:
        if form.get("action") == "remove":
            canned.remove(db, reply_id)
            return RedirectResponse(f"{ADMIN}?removed=1", status_code=303)
        canned.update(db, reply_id, titles=titles, texts=texts)
    except Refusal as exc:
        db.rollback()
        return _admin_page(request, db, staff, error=translate(request, exc.message, **exc.params),
                           kept={"id": reply_id, "titles": titles, "texts": texts}, status_code=status_for(exc))
    return RedirectResponse(f"{ADMIN}?saved=1#reply-{reply_id}", status_code=303)


@router.post("/staff/cases/{case_id}/replies/insert", response_class=HTMLResponse)
def insert(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
           db: Session = Depends(get_db),
           form: FormData = Depends(checked_form)) -> Response:
    """The page again, the chosen text added to the draft in the chosen language (nothing is sent)."""
    draft = str(form.get("text", ""))
    lang = str(form.get("canned_lang", ""))
    if lang not in canned.LANGUAGES:  # the contact's language is not kept: the caseworker's page language
        lang = i18n.choose_language(request)
    tab = tab_of(form.get("tab"))
    inbox.open_case(db, staff, case_id)
    try:
        raw = str(form.get("canned", ""))
        if not raw.isdigit():
            raise InvalidInput("Choose a canned reply to insert.")
        text = canned.get(db, int(raw)).text(lang)
    except Refusal as exc:
        return workspace_page(request, db, staff, case_id, tab=tab, draft=draft, canned_lang=lang,
                              error=translate(request, exc.message, **exc.params), status_code=status_for(exc))
    combined = f"{draft.rstrip()}\n\n{text}" if draft.strip() else text
    return workspace_page(request, db, staff, case_id, tab=tab, draft=combined, canned_lang=lang)
