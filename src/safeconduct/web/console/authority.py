"""Requests to the authorities in the browser: the person's agreement on their consent page (no JavaScript),
and on the case page's pathway section the letter prepared, downloaded, recorded as sent and answered."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import consent, identity, inbox
from safeconduct.cases.transitions import Actor
from safeconduct.config import Settings
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Refusal
from safeconduct.i18n_markers import N_
from safeconduct.returns import requests as authority
from safeconduct.staff import reauth
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.i18n import LANGUAGES, gettext_for
from safeconduct.web.render import translate

router = APIRouter(include_in_schema=False)
MEANS = {"post": N_("by post"), "email": N_("by e-mail"), "in_person": N_("in person"), "other": N_("otherwise")}
OUTCOMES = {"granted": N_("travel document granted"), "refused": N_("refused"),
            "more_information": N_("more information asked"), "interview": N_("interview asked"),
            "other": N_("other answer")}
STATUSES = {"prepared": N_("prepared, not sent yet"), "sent": N_("sent, no answer yet"), **OUTCOMES}


def authority_context(db: Session, settings: Settings, *, case_id: str, case_key: bytes,
                      staff: StaffAccess) -> dict[str, Any]:
    """What the pathway section's requests part shows: the letters, and the form for named readers."""
    shown = identity.summary(db, case_id=case_id, case_key=case_key)
    shelf = authority.available(settings)
    return {"authority_requests": authority.list_requests(db, case_id=case_id, case_key=case_key),
            "authority_consent": consent.authority_request(db, case_id=case_id, case_key=case_key).given,
            "dossier_consent": not consent.current(db, case_id=case_id, case_key=case_key).empty,
            "authority_templates": [t for _key, t in sorted(shelf.templates.items())],
            "authority_named": shown is not None and staff.staff_id in shown.readers,
            "authority_means": MEANS, "authority_outcomes": OUTCOMES, "authority_statuses": STATUSES}


def _page(request: Request, db: Session, staff: StaffAccess, case_id: str, exc: Refusal) -> Response:
    from safeconduct.web.console.workspace import workspace_page

    db.rollback()
    return workspace_page(request, db, staff, case_id, tab="pathway",
                          error=translate(request, exc.message, **exc.params), status_code=status_for(exc))


def _back(case_id: str, flag: str) -> RedirectResponse:
    return RedirectResponse(f"/staff/cases/{case_id}/work?tab=pathway&{flag}=1#authority", status_code=303)


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


@router.post("/staff/cases/{case_id}/authority-requests", response_class=HTMLResponse)
def prepare(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    name, _dot, language = str(form.get("template", "")).partition(".")
    lang = language if language in LANGUAGES else "en"
    try:
        authority.prepare(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                          actor=_actor(staff), organisation=rt.org.name, template=name, language=language,
                          authority=str(form.get("authority", "")), fields=[str(f) for f in form.getlist("field")],
                          attach_dossier=form.get("dossier") == "1", gettext=gettext_for(lang).gettext,
                          confirm=lambda: reauth.confirm_identity(db, rt.settings, staff,
                                                                  password=str(form.get("password", "")),
                                                                  totp=str(form.get("totp", ""))))
    except Refusal as exc:
        return _page(request, db, staff, case_id, exc)
    return _back(case_id, "prepared")


@router.post("/staff/cases/{case_id}/authority-requests/{request_id}/pdf", response_class=HTMLResponse)
def download(case_id: str, request_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    """A POST: the letter holds the identity, so each download is a recorded read, never a prefetched link."""
    _, key = inbox.open_case(db, staff, case_id)
    try:
        view, letter = authority.pdf(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                                     actor=_actor(staff), request_id=request_id)
    except Refusal as exc:
        return _page(request, db, staff, case_id, exc)
    return Response(letter, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="request-{view.id[:8]}.pdf"', "Cache-Control": "no-store"})


@router.post("/staff/cases/{case_id}/authority-requests/{request_id}/sent", response_class=HTMLResponse)
def sent(case_id: str, request_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
         db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    try:
        authority.mark_sent(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                            actor=_actor(staff), request_id=request_id, means=str(form.get("means", "")),
                            note=str(form.get("note", "")))
    except Refusal as exc:
        return _page(request, db, staff, case_id, exc)
    return _back(case_id, "sent")


@router.post("/staff/cases/{case_id}/authority-requests/{request_id}/answers", response_class=HTMLResponse)
def answer(case_id: str, request_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
           db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    try:
        authority.record_answer(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                                actor=_actor(staff), request_id=request_id, outcome=str(form.get("outcome", "")),
                                text=str(form.get("text", "")))
    except Refusal as exc:
        return _page(request, db, staff, case_id, exc)
    return _back(case_id, "answered")


@router.post("/contact/consent/authority-request", response_class=HTMLResponse)
def contact_agrees(request: Request, access: ContactAccess = Depends(contact_access),
                   db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    """The person agrees (or no longer agrees) that a request for a travel document is made in their name."""
    consent.set_part(db, case_id=access.case_id, case_key=access.case_key,
                     signing_key=runtime(request).org.signing_key, name="authority_request",
                     given=form.get("authority_request") == "1")
    return RedirectResponse("/contact/consent?saved=1#authority-request", status_code=303)
