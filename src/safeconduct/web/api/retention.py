"""Retention: what is due for crypto-shredding, and legal holds (administrators)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from safeconduct.cases import retention
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import admin_access, get_db, runtime
from safeconduct.web.errors import refusals
from safeconduct.web.schemas import Strict

router = APIRouter(prefix="/api/v1/staff", tags=["retention"])


class DueOut(BaseModel):
    case_id: str
    label: str
    state: str
    last_activity_on: dt.date
    due_on: dt.date
    reason: str


class HoldIn(Strict):
    hold: bool


@router.get("/admin/retention", response_model=list[DueOut])
def due(request: Request, _: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> list[DueOut]:
    """Cases the retention policy will crypto-shred within the warning period (or overdue)."""
    return [DueOut(**vars(d)) for d in retention.upcoming(db, runtime(request).settings)]


@router.put("/cases/{case_id}/legal-hold", status_code=204, responses=refusals(409))
def legal_hold(case_id: str, body: HoldIn, admin: StaffAccess = Depends(admin_access),
               db: Session = Depends(get_db)) -> Response:
    """Put a case under a legal hold (it is never shredded while held), or release it."""
    retention.set_legal_hold(db, case_id=case_id, hold=body.hold, staff_id=admin.staff_id)
    return Response(status_code=204)
