"""Pages of referrals, relatives and follow-ups: the case page's sections, the partners list (administrators)
and the contact's answers (referrals, links). No JavaScript needed; form routes are plain routes run in a
worker thread, each with its CSRF-checked form.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import consent, inbox, lookup
from safeconduct.cases.transitions import Actor
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Refusal
from safeconduct.referrals import partners, relatives, tasks
from safeconduct.referrals import service as referrals
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.referrals import package_response
from safeconduct.web.console.workspace import tab_url, workspace_page
from safeconduct.web.deps import admin_access, contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.i18n import choose_language, gettext_for
from safeconduct.web.render import render, translate

router = APIRouter(include_in_schema=False)
staff_router = APIRouter(prefix="/staff/cases/{case_id}/work", include_in_schema=False)
PARTNERS = "/staff/admin/partners"


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


def _act(request: Request, db: Session, staff: StaffAccess, case_id: str,
         action: Callable[[bytes], object], *, tab: str) -> Response:
    """Run one form action; show its section again with the refusal, or go back to it (303)."""
    _, key = inbox.open_case(db, staff, case_id)
    try:
        result = action(key)
    except Refusal as exc:
        db.rollback()
        return workspace_page(request, db, staff, case_id, tab=tab, status_code=status_for(exc),
                              error=translate(request, exc.message, **exc.params))
    if isinstance(result, Response):
        return result
    return RedirectResponse(f"{tab_url(case_id, tab)}&done=1#section", status_code=303)


# --- the case page's sections --------------------------------------------------------------------------

@staff_router.post("/referrals", response_class=HTMLResponse)
def refer(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db),
          form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, lambda key: referrals.refer(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        partner_id=str(form.get("partner", "")), items=[str(v) for v in form.getlist("item")]), tab="referrals")


@staff_router.post("/referrals/{referral_id}/status", response_class=HTMLResponse)
def referral_status(case_id: str, referral_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                    db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, lambda key: referrals.change_status(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        referral_id=referral_id, status=str(form.get("status", "")), reason=str(form.get("reason", ""))),
        tab="referrals")


@staff_router.post("/referrals/{referral_id}/package")
def referral_package(case_id: str, referral_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                     db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    """The partner's package, in the console's language (a POST: each download is a ledger event)."""
    rt = runtime(request)
    lang = choose_language(request)
    return _act(request, db, staff, case_id, lambda key: package_response(referrals.package(
        db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        organisation=rt.org.name, referral_id=referral_id, language=lang, gettext=gettext_for(lang).gettext)),
        tab="referrals")


@staff_router.post("/tasks", response_class=HTMLResponse)
def add_task(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, lambda key: tasks.add(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        title=str(form.get("title", "")), due=str(form.get("due", ""))), tab="tasks")


@staff_router.post("/tasks/{task_id}/done", response_class=HTMLResponse)
def task_done(case_id: str, task_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db), _form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, lambda key: tasks.mark_done(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        task_id=task_id), tab="tasks")


@staff_router.post("/links", response_class=HTMLResponse)
def propose_link(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    """From the relative's case: the person's case by its label (or id)."""
    rt = runtime(request)

    def run(key: bytes) -> object:
        other_id = lookup.case_id_for(db, str(form.get("person_case", ""))[:64])
        _, other_key = inbox.open_case(db, staff, other_id)
        return relatives.propose(db, relative_case_id=case_id, relative_key=key, person_case_id=other_id,
                                 person_key=other_key, signing_key=rt.org.signing_key, actor=_actor(staff),
                                 relation=str(form.get("relation", "")))

    return _act(request, db, staff, case_id, run, tab="relatives")


@staff_router.post("/links/{link_id}/confirm", response_class=HTMLResponse)
def confirm_link(case_id: str, link_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db), _form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, lambda key: relatives.confirm(
        db, case_id=case_id, case_key=key, other_key_for=lambda other: inbox.open_case(db, staff, other)[1],
        signing_key=rt.org.signing_key, actor=_actor(staff), link_id=link_id), tab="relatives")


# --- partners (administrators) -------------------------------------------------------------------------

def _partners_page(request: Request, db: Session, staff: StaffAccess, *, error: str | None = None,
                   kept: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "staff/partners.html", {
        "staff": staff, "partners": partners.list_partners(db), "kinds": partners.KINDS, "error": error,
        "kept": kept or {}}, status_code=status_code)


@router.get(PARTNERS, response_class=HTMLResponse)
def partners_page(request: Request, staff: StaffAccess = Depends(admin_access),
                  db: Session = Depends(get_db)) -> Response:
    return _partners_page(request, db, staff)


@router.post(PARTNERS, response_class=HTMLResponse)
def partners_add(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db),
                 form: FormData = Depends(checked_form)) -> Response:
    kept = {k: str(form.get(k, "")) for k in ("name", "kind", "country", "public_key")}
    try:
        partners.add(db, **kept)
    except Refusal as exc:
        db.rollback()
        return _partners_page(request, db, staff, error=translate(request, exc.message, **exc.params), kept=kept,
                              status_code=status_for(exc))
    return RedirectResponse(f"{PARTNERS}?saved=1", status_code=303)


@router.post(PARTNERS + "/{partner_id}/remove", response_class=HTMLResponse)
def partners_remove(partner_id: int, request: Request, staff: StaffAccess = Depends(admin_access),
                    db: Session = Depends(get_db), _form: FormData = Depends(checked_form)) -> Response:
    partners.remove(db, partner_id)
    return RedirectResponse(f"{PARTNERS}?removed=1", status_code=303)


# --- the contact's answers -----------------------------------------------------------------------------

def _contact_refused(request: Request, db: Session, access: ContactAccess, exc: Refusal) -> Response:
    from safeconduct.web.console.casework import consent_page

    db.rollback()
    return consent_page(request, db, access, error=translate(request, exc.message, **exc.params),
                        status_code=status_for(exc))


@router.post("/contact/consent/referrals", response_class=HTMLResponse)
def contact_referrals(request: Request, access: ContactAccess = Depends(contact_access),
                      db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    try:
        consent.set_referrals(db, case_id=access.case_id, case_key=access.case_key,
                              signing_key=runtime(request).org.signing_key, given=form.get("referrals") == "1")
    except Refusal as exc:
        return _contact_refused(request, db, access, exc)
    return RedirectResponse("/contact/consent?saved=1#referrals", status_code=303)


@router.post("/contact/links/{link_id}", response_class=HTMLResponse)
def contact_link(link_id: str, request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    try:
        relatives.contact_consent(db, case_id=access.case_id, case_key=access.case_key,
                                  signing_key=runtime(request).org.signing_key, link_id=link_id,
                                  given=form.get("agree") == "1")
    except Refusal as exc:
        return _contact_refused(request, db, access, exc)
    return RedirectResponse("/contact/consent?saved=1#links", status_code=303)
