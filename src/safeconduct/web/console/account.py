"""A staff member's own account in the console: new password, new authenticator, cases to give back."""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import inbox, reshare, transitions
from safeconduct.errors import Refusal
from safeconduct.staff import accounts
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.staff import start_session
from safeconduct.web.deps import STAFF_COOKIE, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate
from safeconduct.web.schemas import StaffId
from safeconduct.web.security import set_cookie

router = APIRouter(prefix="/staff", include_in_schema=False)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG: drawn by the server, no external resource, no script."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def secret_page(request: Request, staff: StaffAccess, new: accounts.NewAuthenticator, *, kind: str,
                back: str) -> Response:
    """Shown once (`kind`: "self", "admin" or "reset"): the secret is in no database in the clear, in no log."""
    return render(request, "staff/secret_once.html", {"staff": staff, "new": new, "qr_svg": qr_svg(new.totp_uri),
                                                      "kind": kind, "back": back})


def account_page(request: Request, staff: StaffAccess, *, error: str | None = None, form: str = "",
                 status_code: int = 200) -> Response:
    return render(request, "staff/account.html", {"staff": staff, "error": error, "failed_form": form},
                  status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, staff: StaffAccess = Depends(staff_access)) -> Response:
    return account_page(request, staff)


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(request: Request, staff: StaffAccess = Depends(staff_access),
                          db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    try:  # Argon2id twice (check, re-wrap): in a worker thread, behind the process-wide bound
        await run_in_threadpool(accounts.change_password, db, staff, current=str(form.get("current", "")),
                                new=str(form.get("new", "")), confirm=str(form.get("confirm", "")))
    except Refusal as exc:
        db.rollback()
        return account_page(request, staff, error=translate(request, exc.message, **exc.params), form="password",
                            status_code=status_for(exc))
    response = RedirectResponse("/staff/account?changed=1", status_code=303)
    set_cookie(request, response, STAFF_COOKIE, start_session(request, db, staff))  # the others have ended
    return response


@router.post("/account/authenticator", response_class=HTMLResponse)
async def new_authenticator(request: Request, staff: StaffAccess = Depends(staff_access),
                            db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    try:
        new = await run_in_threadpool(accounts.new_authenticator, db, staff, password=str(form.get("password", "")))
    except Refusal as exc:
        db.rollback()
        return account_page(request, staff, error=translate(request, exc.message, **exc.params),
                            form="authenticator", status_code=status_for(exc))
    return secret_page(request, staff, new, kind="self", back="/staff/account")


def reshares_page(request: Request, db: Session, staff: StaffAccess, *, error: str | None = None,
                  status_code: int = 200) -> Response:
    return render(request, "staff/reshares.html", {
        "staff": staff, "pending": reshare.pending(db, holder_id=staff.staff_id), "error": error},
        status_code=status_code)


@router.get("/reshares", response_class=HTMLResponse)
def reshares(request: Request, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    """Cases I hold that a reset colleague is waiting for."""
    return reshares_page(request, db, staff)


@router.post("/reshares/{case_id}/{member_id}", response_class=HTMLResponse)
def give_back(case_id: str, member_id: StaffId, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db),
              _form: FormData = Depends(checked_form)) -> Response:
    try:
        _, key = inbox.open_case(db, staff, case_id)
        reshare.give_back(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                          actor=transitions.Actor(staff_id=staff.staff_id, username=staff.username),
                          staff_id=member_id)
    except Refusal as exc:
        db.rollback()
        return reshares_page(request, db, staff, error=translate(request, exc.message, **exc.params),
                             status_code=status_for(exc))
    return RedirectResponse("/staff/reshares?done=1", status_code=303)
