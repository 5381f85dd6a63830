"""The sealed identity on the case page: the owner names its readers; a named caseworker shows it (a POST,
recorded in the ledger and the audit log); nobody else sees more than whether it was given."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import identity, inbox
from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.cases.transitions import Actor
from safeconduct.errors import Refusal
from safeconduct.staff.models import StaffMember
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import translate

router = APIRouter(prefix="/staff/cases/{case_id}/identity", include_in_schema=False)


def identity_context(db: Session, *, case: Case, case_key: bytes, staff: StaffAccess) -> dict[str, Any]:
    """What the pathway section shows: given or not, who may read it, and whether I may name readers."""
    summary = identity.summary(db, case_id=case.id, case_key=case_key)
    holders = db.execute(select(StaffMember.id, StaffMember.username)
                         .join(CaseKeySeal, CaseKeySeal.staff_id == StaffMember.id)
                         .where(CaseKeySeal.case_id == case.id, StaffMember.active.is_(True))
                         .order_by(StaffMember.username)).all()
    return {"identity": summary, "identity_holders": [(i, name) for i, name in holders],
            "identity_owner": case.assignee_id == staff.staff_id,
            "identity_named": summary is not None and staff.staff_id in summary.readers}


def _page(request: Request, db: Session, staff: StaffAccess, case_id: str, **kwargs: Any) -> Response:
    from safeconduct.web.console.workspace import workspace_page

    return workspace_page(request, db, staff, case_id, tab="pathway", **kwargs)


@router.post("/show", response_class=HTMLResponse)
def show(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db),
         form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    try:
        shown = identity.read(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                              actor=Actor(staff.staff_id, staff.username))
    except Refusal as exc:
        db.rollback()
        return _page(request, db, staff, case_id, error=translate(request, exc.message, **exc.params),
                     status_code=status_for(exc))
    response = _page(request, db, staff, case_id, identity_shown=shown)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/readers", response_class=HTMLResponse)
def readers(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    try:
        chosen = [int(str(v)) for v in form.getlist("reader") if str(v).isdigit()]
        identity.name_readers(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                              actor=Actor(staff.staff_id, staff.username), staff_ids=chosen)
    except Refusal as exc:
        db.rollback()
        return _page(request, db, staff, case_id, error=translate(request, exc.message, **exc.params),
                     status_code=status_for(exc))
    return RedirectResponse(f"/staff/cases/{case_id}/work?tab=pathway&readers=1#identity", status_code=303)
