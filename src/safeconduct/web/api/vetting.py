"""JSON API of the structured vetting record: claims, their checks, risk flags and the four-eyes decisions.

A thin adapter over ``cases/vetting``: parse, call one service, shape the answer. Refusals are raised by
the service and mapped by web/errors. The decision itself is made through ``.../transitions`` (four eyes);
this record shows it with its rationale.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from safeconduct.cases import inbox, transitions, vetting
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import refusals

router = APIRouter()
URL = "/api/v1/staff/cases/{case_id}/vetting"


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


# The enums are documented here and checked by the vetting service, which says what to choose instead.
class ClaimIn(_Strict):
    topic: str = Field(max_length=32, description="joined_when, joined_where, role, unit, exit_plan or other.",
                       json_schema_extra={"enum": list(vetting.TOPICS)})
    text: str = Field(min_length=1, max_length=20_000, description="What the person claims. Stored encrypted.")
    status: str = Field("unverified", max_length=32, description="unverified, corroborated or contradicted.",
                        json_schema_extra={"enum": list(vetting.STATUSES)})
    evidence: str = Field("", max_length=20_000, description="Required unless unverified. Stored encrypted.")


class ClaimPatch(_Strict):
    status: str | None = Field(None, max_length=32, description="unverified, corroborated or contradicted.",
                               json_schema_extra={"anyOf": [{"type": "string", "enum": list(vetting.STATUSES)},
                                                            {"type": "null"}]})
    evidence: str | None = Field(None, max_length=20_000, description="Replaces the evidence; omitted: kept.")


class RiskIn(_Strict):
    flags: list[str] = Field(max_length=1000, description="Short labels, e.g. 'possible infiltrator'; [] clears.")
    note: str = Field("", max_length=20_000)


class ClaimChangeOut(BaseModel):
    status: str
    evidence: str
    by: str
    at: dt.datetime


class ClaimOut(BaseModel):
    id: str
    topic: str
    text: str
    status: str
    evidence: str
    by: str = Field(description="Who recorded the claim.")
    at: dt.datetime
    changed_by: str = Field(description="Who last changed its status or evidence.")
    changed_at: dt.datetime
    history: list[ClaimChangeOut]


class RiskOut(BaseModel):
    flags: list[str]
    note: str
    by: str
    at: dt.datetime


class DecisionOut(BaseModel):
    from_state: str
    to_state: str
    by: str = Field(description="The caseworker who proposed the decision.")
    confirmed_by: str | None = Field(description="The second caseworker; null while pending.")
    at: dt.datetime
    rationale: str
    pending: bool
    proposal_id: str | None = Field(None, description="Confirm at .../transitions/{proposal_id}/confirm.")


class VettingOut(BaseModel):
    topics: list[str]
    statuses: list[str]
    claims: list[ClaimOut]
    risk: RiskOut | None
    decisions: list[DecisionOut]


def _actor(staff: StaffAccess) -> transitions.Actor:
    return transitions.Actor(staff_id=staff.staff_id, username=staff.username)


def _claim(view: vetting.ClaimView) -> ClaimOut:
    return ClaimOut(id=view.id, topic=view.topic, text=view.text, status=view.status, evidence=view.evidence,
                    by=view.by, at=view.at, changed_by=view.changed_by, changed_at=view.changed_at,
                    history=[ClaimChangeOut(**vars(c)) for c in view.history])


@router.get(URL, response_model=VettingOut, tags=["case work"])
def vetting_get(case_id: str, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db)) -> VettingOut:
    """The claims and how each was checked, the risk flags, and the four-eyes decisions with their rationale."""
    _, key = inbox.open_case(db, staff, case_id)
    view = vetting.overview(db, case_id=case_id, case_key=key, viewer=_actor(staff))
    return VettingOut(topics=list(vetting.TOPICS), statuses=list(vetting.STATUSES),
                      claims=[_claim(c) for c in view.claims],
                      risk=None if view.risk is None else RiskOut(**vars(view.risk)),
                      decisions=[DecisionOut(**vars(d)) for d in view.decisions])


@router.post(f"{URL}/claims", response_model=ClaimOut, status_code=201, tags=["case work"], responses=refusals(413))
def claim_add(case_id: str, body: ClaimIn, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> ClaimOut:
    """Record a claim of the person; marking it corroborated or contradicted needs the evidence."""
    _, key = inbox.open_case(db, staff, case_id)
    view = vetting.add_claim(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                             actor=_actor(staff), topic=body.topic, text=body.text, status=body.status,
                             evidence=body.evidence)
    return _claim(view)


@router.patch(f"{URL}/claims/{{claim_id}}", response_model=ClaimOut, tags=["case work"], responses=refusals(413))
def claim_change(case_id: str, claim_id: str, body: ClaimPatch, request: Request,
                 staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> ClaimOut:
    """Change a claim's status or evidence; the earlier ones stay in its history."""
    _, key = inbox.open_case(db, staff, case_id)
    view = vetting.change_claim(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                                actor=_actor(staff), claim_id=claim_id, status=body.status,
                                evidence=body.evidence)
    return _claim(view)


@router.put(f"{URL}/risk", response_model=RiskOut, tags=["case work"], responses=refusals(413))
def risk_set(case_id: str, body: RiskIn, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> RiskOut:
    """Replace the risk flags and note of the case."""
    _, key = inbox.open_case(db, staff, case_id)
    view = vetting.set_risk(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                            actor=_actor(staff), flags=body.flags, note=body.note)
    return RiskOut(**vars(view))


__all__ = ["router"]
