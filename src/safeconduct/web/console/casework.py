"""Pages of case work: the contact's consent form and the caseworker's workflow page; no JavaScript needed."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import consent, dossier, inbox, notes, sharing, transitions, vetting
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Forbidden, Refusal
from safeconduct.staff import reauth
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.casework import dossier_language, dossier_zip
from safeconduct.web.console.workspace import tab_of, tab_url, workspace_page
from safeconduct.web.deps import contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import FORM_EXPIRED, checked_form
from safeconduct.web.i18n import choose_language
from safeconduct.web.render import render, translate
from safeconduct.web.security import CSRF_FIELD, csrf_ok

router = APIRouter(include_in_schema=False)
#: One checkbox per message or file: more fields than the shared small-form limit allows.
MAX_ITEMS = 10_000


def consent_page(request: Request, db: Session, access: ContactAccess, *, error: str | None = None,
                 status_code: int = 200) -> Response:
    choice = consent.current(db, case_id=access.case_id, case_key=access.case_key)
    items = consent.items(db, case_id=access.case_id, case_key=access.case_key)
    from safeconduct.referrals import relatives

    return render(request, "contact/consent.html",
                  {"items": items, "all": choice.all, "exported": choice.exported, "error": error,
                   "referrals": consent.referrals(db, case_id=access.case_id, case_key=access.case_key).given,
                   "authority_request": consent.authority_request(db, case_id=access.case_id,
                                                                  case_key=access.case_key).given,
                   "links": [link for link in relatives.links(db, case_id=access.case_id, case_key=access.case_key)
                             if link.state != "gone"]},
                  status_code=status_code)


@router.get("/contact/consent", response_class=HTMLResponse)
def show(request: Request, access: ContactAccess = Depends(contact_access),
         db: Session = Depends(get_db)) -> Response:
    return consent_page(request, db, access)


@router.post("/contact/consent", response_class=HTMLResponse)
async def save(request: Request, access: ContactAccess = Depends(contact_access),
               db: Session = Depends(get_db)) -> Response:
    form = await request.form(max_files=0, max_fields=MAX_ITEMS + 4, max_part_size=1024)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise Forbidden(FORM_EXPIRED)
    everything = form.get("all") == "1"
    chosen = [str(v) for v in form.getlist("item")]
    return await run_in_threadpool(_save, request, db, access, everything, chosen)  # database work: off the loop


def _save(request: Request, db: Session, access: ContactAccess, everything: bool, chosen: list[str]) -> Response:
    try:
        consent.set_consent(db, case_id=access.case_id, case_key=access.case_key,
                            signing_key=runtime(request).org.signing_key, all_items=everything,
                            item_ids=[] if everything else chosen)
    except Refusal as exc:
        return consent_page(request, db, access, error=translate(request, exc.message, **exc.params),
                            status_code=status_for(exc))
    return RedirectResponse("/contact/consent?saved=1", status_code=303)


# --- the caseworker's page: workflow, four eyes, notes, sharing, dossier ---------------------------

staff_router = APIRouter(prefix="/staff/cases/{case_id}/work", include_in_schema=False)


def _actor(staff: StaffAccess) -> transitions.Actor:
    return transitions.Actor(staff_id=staff.staff_id, username=staff.username)


def work_page(request: Request, db: Session, staff: StaffAccess, case_id: str, *, tab: str = "pathway",
              error: str | None = None, status_code: int = 200,
              dossier_form: dict[str, object] | None = None) -> Response:
    return workspace_page(request, db, staff, case_id, tab=tab, error=error, status_code=status_code,
                          dossier_form=dossier_form)


@staff_router.get("", response_class=HTMLResponse)
def work(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
         db: Session = Depends(get_db)) -> Response:
    return work_page(request, db, staff, case_id, tab=tab_of(request.query_params.get("tab"), "pathway"))


async def _act(request: Request, db: Session, staff: StaffAccess, case_id: str,
               action: Callable[[FormData, bytes], object], *, tab: str, form: FormData | None = None,
               kept: dict[str, object] | None = None) -> Response:
    """Run one form action; show its section again with the refusal, or go back to it (303)."""
    form = form if form is not None else await checked_form(request)

    def act() -> object:  # the case's key, the action and its commit: all off the event loop
        _, key = inbox.open_case(db, staff, case_id)
        return action(form, key)

    try:
        result = await run_in_threadpool(act)
    except Refusal as exc:
        db.rollback()
        error, status = translate(request, exc.message, **exc.params), status_for(exc)
        return await run_in_threadpool(lambda: work_page(request, db, staff, case_id, tab=tab, dossier_form=kept,
                                                         error=error, status_code=status))
    if isinstance(result, Response):
        return result
    return RedirectResponse(f"{tab_url(case_id, tab)}&done=1#section", status_code=303)


@staff_router.post("/transition", response_class=HTMLResponse)
async def transition(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                     db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: transitions.change_state(
        db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        to=str(form.get("to", "")), reason=str(form.get("reason", ""))), tab="pathway")


@staff_router.post("/confirm/{proposal_id}", response_class=HTMLResponse)
async def confirm(case_id: str, proposal_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                  db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: transitions.confirm(
        db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        proposal_id=proposal_id), tab="pathway")


@staff_router.post("/withdraw/{proposal_id}", response_class=HTMLResponse)
async def withdraw(case_id: str, proposal_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                   db: Session = Depends(get_db)) -> Response:
    return await _act(request, db, staff, case_id, lambda form, key: transitions.withdraw_proposal(
        db, case_id=case_id, case_key=key, actor=_actor(staff), proposal_id=proposal_id), tab="pathway")


@staff_router.post("/vetting/claims", response_class=HTMLResponse)
async def add_claim(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                    db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: vetting.add_claim(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        topic=str(form.get("topic", "")), text=str(form.get("text", "")),
        status=str(form.get("status", "unverified")), evidence=str(form.get("evidence", ""))), tab="vetting")


@staff_router.post("/vetting/claims/{claim_id}", response_class=HTMLResponse)
async def change_claim(case_id: str, claim_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                       db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: vetting.change_claim(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        claim_id=claim_id, status=str(form.get("status", "")), evidence=str(form.get("evidence", ""))), tab="vetting")


@staff_router.post("/vetting/risk", response_class=HTMLResponse)
async def set_risk(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                   db: Session = Depends(get_db)) -> Response:
    """Flags come as one comma-separated field, so the form needs no script."""
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: vetting.set_risk(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        flags=[f.strip() for f in str(form.get("flags", "")).split(",") if f.strip()],
        note=str(form.get("note", ""))), tab="vetting")


@staff_router.post("/notes", response_class=HTMLResponse)
async def add_note(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                   db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: notes.add_note(
        db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        text=str(form.get("text", ""))), tab="notes")


@staff_router.post("/consent-request", response_class=HTMLResponse)
async def request_consent(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                          db: Session = Depends(get_db)) -> Response:
    """Ask the person what a dossier may show; they see the request on their conversation page."""
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: consent.request_consent(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, staff_id=staff.staff_id,
        username=staff.username), tab="dossier")


@staff_router.post("/share", response_class=HTMLResponse)
async def share(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db)) -> Response:
    rt = runtime(request)
    return await _act(request, db, staff, case_id, lambda form, key: sharing.share(
        db, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
        username=str(form.get("username", ""))), tab="pathway")


@staff_router.post("/dossier", response_class=HTMLResponse)
async def export_dossier(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                         db: Session = Depends(get_db)) -> Response:
    """Export after asking again for password and a fresh code (staff/reauth.py); per-item sections."""
    rt = runtime(request)
    form = await request.form(max_files=0, max_fields=MAX_ITEMS + 8, max_part_size=64 * 1024)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise Forbidden(FORM_EXPIRED)
    sections = {k.removeprefix("section:"): str(v) for k, v in form.multi_items()
                if k.startswith("section:") and str(v)}
    workflow = form.get("workflow") == "1"
    language = str(form.get("language") or choose_language(request))

    def run(form: FormData, key: bytes) -> Response:
        result = dossier.export(
            db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key, actor=_actor(staff),
            organisation=rt.org.name, include_workflow=workflow, sections=sections, **dossier_language(language),
            confirm=lambda: reauth.confirm_identity(db, rt.settings, staff, password=str(form.get("password", "")),
                                                    totp=str(form.get("totp", ""))))
        return Response(dossier_zip(result), media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="dossier-{result.case_label}.zip"'})

    return await _act(request, db, staff, case_id, run, tab="dossier", form=form,
                      kept={"workflow": workflow, "sections": sections, "language": language})
