"""Administrators' console pages: one account (reset, new authenticator, removal), cases to give back,
retention and the audit log."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import audit, lookup, reshare, retention
from safeconduct.cases.models import Case
from safeconduct.errors import InvalidInput, NotFound, Refusal
from safeconduct.staff import accounts
from safeconduct.staff import service as staff_service
from safeconduct.staff.service import StaffAccess
from safeconduct.web.console.account import secret_page
from safeconduct.web.deps import admin_access, get_db, runtime
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate
from safeconduct.web.schemas import ROW_ID_MAX, StaffId

router = APIRouter(prefix="/staff/admin", include_in_schema=False)
AUDIT_PAGE = 50


def member_page(request: Request, db: Session, staff: StaffAccess, member_id: int, *, error: str | None = None,
                status_code: int = 200) -> Response:
    member = staff_service.get_staff(db, member_id)
    return render(request, "staff/member.html", {
        "staff": staff, "member": member, "removed": accounts.is_removed(member), "error": error,
        "sole": accounts.sole_holder_of(db, member_id),
        "pending": [p for p in reshare.pending(db) if p.staff_id == member_id]}, status_code=status_code)


@router.get("/members/{member_id}", response_class=HTMLResponse)
def member(member_id: StaffId, request: Request, staff: StaffAccess = Depends(admin_access),
           db: Session = Depends(get_db)) -> Response:
    return member_page(request, db, staff, member_id)


@router.post("/members/{member_id}/authenticator", response_class=HTMLResponse)
def new_authenticator(member_id: StaffId, request: Request, staff: StaffAccess = Depends(admin_access),
                      db: Session = Depends(get_db),
                      _form: FormData = Depends(checked_form)) -> Response:
    """A lost phone, the password still known: a new secret, the cases stay."""
    try:
        new = accounts.admin_new_authenticator(db, member_id=member_id, actor_id=staff.staff_id)
    except Refusal as exc:
        db.rollback()
        return member_page(request, db, staff, member_id, error=translate(request, exc.message, **exc.params),
                           status_code=status_for(exc))
    return secret_page(request, staff, new, kind="admin", back=f"/staff/admin/members/{member_id}")


@router.post("/members/{member_id}/reset", response_class=HTMLResponse)
async def reset(member_id: StaffId, request: Request, staff: StaffAccess = Depends(admin_access),
                db: Session = Depends(get_db)) -> Response:
    """A lost password: new password, authenticator and key; colleagues give the cases back."""
    form = await checked_form(request)
    try:
        if form.get("understood") != "1":
            raise InvalidInput("Tick the box to confirm that the account's cases must be shared with it again.")
        new = await run_in_threadpool(accounts.reset, db, member_id=member_id, password=str(form.get("password", "")),
                                      confirm=str(form.get("confirm", "")), actor_id=staff.staff_id)
    except Refusal as exc:
        db.rollback()
        return member_page(request, db, staff, member_id, error=translate(request, exc.message, **exc.params),
                           status_code=status_for(exc))
    return secret_page(request, staff, new, kind="reset", back=f"/staff/admin/members/{member_id}")


@router.post("/members/{member_id}/remove", response_class=HTMLResponse)
def remove(member_id: StaffId, request: Request, staff: StaffAccess = Depends(admin_access),
           db: Session = Depends(get_db),
           form: FormData = Depends(checked_form)) -> Response:
    try:
        accounts.remove(db, member_id=member_id, actor_id=staff.staff_id, confirmed=form.get("confirm") == "1")
    except Refusal as exc:
        db.rollback()
        return member_page(request, db, staff, member_id, error=translate(request, exc.message, **exc.params),
                           status_code=status_for(exc))
    return RedirectResponse("/staff/admin/reshares?removed=1", status_code=303)


@router.get("/reshares", response_class=HTMLResponse)
def reshares(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> Response:
    """Cases waiting for a reset account, and cases only the recovery key opens."""
    return render(request, "staff/admin_reshares.html", {
        "staff": staff, "pending": reshare.pending(db), "unheld": reshare.unheld(db)})


# --- retention ------------------------------------------------------------------------------------

def retention_page(request: Request, db: Session, staff: StaffAccess, *, error: str | None = None,
                   status_code: int = 200) -> Response:
    settings = runtime(request).settings
    today = dt.datetime.now(dt.UTC).date()
    return render(request, "staff/retention.html", {
        "staff": staff, "due": retention.upcoming(db, settings, today=today), "holds": retention.holds(db),
        "today": today, "policy": retention.Policy.from_settings(settings), "error": error},
        status_code=status_code)


@router.get("/retention", response_class=HTMLResponse)
def retention_view(request: Request, staff: StaffAccess = Depends(admin_access),
                   db: Session = Depends(get_db)) -> Response:
    return retention_page(request, db, staff)


@router.post("/retention/hold", response_class=HTMLResponse)
def hold(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db),
         form: FormData = Depends(checked_form)) -> Response:
    """Put a case (named by its label) under a legal hold, or release it."""
    try:
        case_id = lookup.case_id_for_label(db, str(form.get("label", "")))
        retention.set_legal_hold(db, case_id=case_id, hold=form.get("action") != "release", staff_id=staff.staff_id)
    except Refusal as exc:
        db.rollback()
        return retention_page(request, db, staff, error=translate(request, exc.message, **exc.params),
                              status_code=status_for(exc))
    return RedirectResponse("/staff/admin/retention?done=1", status_code=303)


@router.post("/retention/run", response_class=HTMLResponse)
def run(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db),
        form: FormData = Depends(checked_form)) -> Response:
    """Shred now what is due today (the server also does it every quarter of an hour); needs a tick."""
    try:
        if form.get("confirm") != "1":
            raise InvalidInput("Tick the box to confirm: the cases due today are deleted for good.")
        shredded = retention.run_by(db, runtime(request).settings, staff_id=staff.staff_id)
    except Refusal as exc:
        db.rollback()
        return retention_page(request, db, staff, error=translate(request, exc.message, **exc.params),
                              status_code=status_for(exc))
    return RedirectResponse(f"/staff/admin/retention?shredded={len(shredded)}", status_code=303)


# --- audit log ------------------------------------------------------------------------------------

@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> Response:
    """Who did what to which case, by day (no content); filtered by account, action and case label."""
    q = request.query_params
    members = staff_service.list_staff(db)
    by_name = {m.username: m.id for m in members}
    account, action, label = q.get("account", ""), q.get("action", ""), q.get("label", "").strip()
    error = None
    case_id: str | None = None
    try:
        if label:
            case_id = lookup.case_id_for_label(db, label)
        before = int(q["before"]) if q.get("before", "").isdigit() and int(q["before"]) <= ROW_ID_MAX else None
        found = audit.entries(db, staff_id=by_name.get(account, -1) if account else None,
                              action=action if action in audit.ACTIONS else None, case_id=case_id,
                              before_id=before, limit=AUDIT_PAGE + 1)
    except NotFound as exc:
        error, found = translate(request, exc.message, **exc.params), []
    labels = dict(db.execute(select(Case.id, Case.label)).all())
    more = len(found) > AUDIT_PAGE
    found = found[:AUDIT_PAGE]
    return render(request, "staff/audit.html", {
        "staff": staff, "entries": found, "labels": labels, "members": members, "actions": sorted(audit.ACTIONS),
        "account": account, "action": action, "label": label, "error": error,
        "older": found[-1].id if more and found else None}, status_code=404 if error else 200)
