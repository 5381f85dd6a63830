"""The caseworker console and staff administration (server-rendered)."""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.auth import sessions
from safeconduct.cases import audit, cleaning, content, inbox, lookup, retention
from safeconduct.errors import AuthenticationFailed, InvalidInput, NotFound, Refusal
from safeconduct.notifications import service as notifications
from safeconduct.staff import service as staff_service
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.staff import cleaned_download, original_download, staff_author, start_session
from safeconduct.web.console.workspace import tab_of, tab_url, workspace_page
from safeconduct.web.deps import STAFF_COOKIE, admin_access, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate
from safeconduct.web.schemas import StaffId
from safeconduct.web.security import set_cookie

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "staff/login.html", {"ended": request.query_params.get("ended") == "1"})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    try:  # in a worker thread: the password hash may wait its turn behind a flood (crypto/argon2_gate.py)
        access = await run_in_threadpool(
            staff_service.authenticate, db, runtime(request).settings, username=str(form.get("username", "")),
            password=str(form.get("password", "")), totp=str(form.get("totp", "")))
    except AuthenticationFailed as exc:
        return render(request, "staff/login.html", {"error": translate(request, exc.message, **exc.params),
                                                    "username": str(form.get("username", ""))[:64]},
                      status_code=status_for(exc))
    response = RedirectResponse("/staff", status_code=303)
    set_cookie(request, response, STAFF_COOKIE, start_session(request, db, access))
    return response


@router.post("/logout")
def logout(request: Request, db: Session = Depends(get_db),
           _form: FormData = Depends(checked_form)) -> Response:
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        sessions.end(db, token)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


def case_page(request: Request, db: Session, staff: StaffAccess, case_id: str, *, error: str | None = None,
              draft: str = "", tab: str = "conversation", status_code: int = 200) -> Response:
    return workspace_page(request, db, staff, case_id, tab=tab, error=error, draft=draft, status_code=status_code)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_view(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> Response:
    return case_page(request, db, staff, case_id, tab=tab_of(request.query_params.get("tab")))


@router.post("/cases/{case_id}/replies", response_class=HTMLResponse)
def reply(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
          db: Session = Depends(get_db),
          form: FormData = Depends(checked_form)) -> Response:
    text = str(form.get("text", ""))
    tab = tab_of(form.get("tab"))
    case, key = inbox.open_case(db, staff, case_id)
    try:
        audit.record(db, staff_id=staff.staff_id, action="reply", case_id=case_id)  # commits with the reply
        content.post_message(db, runtime(request).settings, case=case, case_key=key,
                             signing_key=runtime(request).org.signing_key, author=staff_author(staff), text=text)
    except Refusal as exc:
        db.rollback()
        return case_page(request, db, staff, case_id, error=translate(request, exc.message, **exc.params),
                         draft=text, tab=tab, status_code=status_for(exc))
    inbox.mark_read(db, staff.staff_id, case_id)
    notifications.mark_case_read(db, staff_id=staff.staff_id, private_key=staff.private_key, case_id=case_id)
    return RedirectResponse(f"{tab_url(case_id, tab)}#latest", status_code=303)


@router.post("/cases/{case_id}/read")
def mark_read(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db),
              _form: FormData = Depends(checked_form)) -> Response:
    inbox.open_case(db, staff, case_id)
    inbox.mark_read(db, staff.staff_id, case_id)
    notifications.mark_case_read(db, staff_id=staff.staff_id, private_key=staff.private_key, case_id=case_id)
    return RedirectResponse("/staff", status_code=303)


@router.get("/cases/{case_id}/files/{file_id}")
def download(case_id: str, file_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> Response:
    """The cleaned copy by default; the original only through the confirm page below."""
    return cleaned_download(request, db, staff, case_id, file_id)


@router.get("/cases/{case_id}/files/{file_id}/original", response_class=HTMLResponse)
def original_confirm(case_id: str, file_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                     db: Session = Depends(get_db)) -> Response:
    """Say what the original holds and that taking it is recorded, before handing it out."""
    case, key = inbox.open_case(db, staff, case_id)
    view = next((f for f in content.list_files(db, case_id=case_id, case_key=key) if f.id == file_id), None)
    if view is None:
        raise NotFound("No such file in this case.")
    return render(request, "staff/original.html", {
        "staff": staff, "case": case, "file": view,
        "cleaning": cleaning.state(db, case_id=case_id, case_key=key, file_id=file_id)})


@router.post("/cases/{case_id}/files/{file_id}/original")
def original(case_id: str, file_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db),
             form: FormData = Depends(checked_form)) -> Response:
    if form.get("confirm") != "1":
        raise InvalidInput("Tick the box to confirm that you need the original, with its hidden details.")
    return original_download(request, db, staff, case_id, file_id)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> Response:
    return render(request, "staff/admin.html", {
        "staff": staff, "members": staff_service.list_staff(db),
        "retention_due": retention.upcoming(db, runtime(request).settings), "holds": retention.holds(db)})


@router.post("/admin/legal-hold")
def legal_hold(request: Request, staff: StaffAccess = Depends(admin_access),
               db: Session = Depends(get_db),
               form: FormData = Depends(checked_form)) -> Response:
    """Put a case (named by its label) under a legal hold, or release it."""
    case_id = lookup.case_id_for_label(db, str(form.get("label", "")))
    retention.set_legal_hold(db, case_id=case_id, hold=form.get("action") != "release", staff_id=staff.staff_id)
    return RedirectResponse("/staff/admin#retention", status_code=303)


@router.post("/admin/staff", response_class=HTMLResponse)
async def add_member(request: Request, staff: StaffAccess = Depends(admin_access),
                     db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    try:  # in a worker thread: wrapping the new key waits its turn for Argon2id (crypto/argon2_gate.py)
        new = await run_in_threadpool(staff_service.add_staff, db, username=str(form.get("username", "")),
                                      role=str(form.get("role", "")), password=str(form.get("password", "")))
    except Refusal as exc:
        return render(request, "staff/admin.html", {
            "staff": staff, "members": staff_service.list_staff(db),
            "error": translate(request, exc.message, **exc.params),
            "username": str(form.get("username", ""))[:64]}, status_code=status_for(exc))
    qr_svg = segno.make(new.totp_uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render(request, "staff/new_member.html", {"staff": staff, "new": new, "qr_svg": qr_svg})


@router.post("/admin/staff/{member_id}")
def change_member(member_id: StaffId, request: Request, staff: StaffAccess = Depends(admin_access),
                  db: Session = Depends(get_db),
                  form: FormData = Depends(checked_form)) -> Response:
    action = form.get("action")
    if action in ("activate", "deactivate"):
        staff_service.set_active(db, member_id, action == "activate", actor_id=staff.staff_id)
    elif action in ("intake_on", "intake_off"):
        staff_service.set_intake(db, member_id, action == "intake_on")
    return RedirectResponse("/staff/admin", status_code=303)
