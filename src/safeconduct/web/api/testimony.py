"""JSON API of the testimony studio: prepare a testimony from a case file, follow it, review, cancel, retry,
approve. Thin adapters over ``testimony.studio``; the outputs themselves are served elsewhere (with Range).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from safeconduct.cases import inbox
from safeconduct.staff.service import StaffAccess
from safeconduct.testimony import studio
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import refusals

router = APIRouter()
STAFF = "/api/v1/staff"
ID = Field(min_length=1, max_length=64)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class PrepareIn(_Strict):
    file_id: str = Field(min_length=1, max_length=64, description="An audio or video file of the case.")
    voice_method: Literal["disguise", "mcadams", "pitch", "revoice", "none"] | None = Field(
        None, description="How the voice is changed; default `disguise`, the one whose privacy we measured best.")
    faces: Literal["blur", "mask", "silhouette", "keep"] | None = Field(None, description="How faces are hidden.")
    language: Literal["auto", "en", "fr", "ar"] | None = Field(None, description="The recording's language.")


class AddedIn(_Strict):
    kind: Literal["PERSON", "PLACE", "UNIT", "DATE", "PHONE", "EMAIL", "HANDLE", "ID", "NATIONALITY"]
    text: str = Field(min_length=1, max_length=200, description="A word or name the detector missed: every "
                      "mention of it in the transcript is hidden.")


class ReviewIn(_Strict):
    rejected: list[str] = Field(default_factory=list, max_length=10_000,
                                description="Ids of findings that are false alarms (kept as spoken).")
    added: list[AddedIn] = Field(default_factory=list, max_length=1000)


class CreatedOut(BaseModel):
    id: str
    state: str


class FindingOut(BaseModel):
    id: str
    kind: str
    text: str
    start: float
    end: float
    accepted: bool
    context: str
    added: bool


class StageOut(BaseModel):
    stage: str
    status: Literal["done", "running", "waiting", "failed", "skipped"]


class TestimonyOut(BaseModel):
    id: str
    state: Literal["queued", "running", "review", "done", "failed", "cancelled"]
    stage: str | None
    progress: float = Field(description="0 to 1, for the current stage.")
    stages: list[StageOut]
    error: str | None = Field(None, description="Which stage failed and why, in words.")
    options: dict[str, str]
    file_id: str
    file_name: str
    findings: list[FindingOut]
    outputs: list[str] = Field(description="Names to fetch under …/outputs/{name}.")
    redacted_transcript: str | None
    report: dict[str, Any] | None
    approved: bool
    created_on: dt.date


class TestimonyListOut(BaseModel):
    testimonies: list[TestimonyOut]


def _out(view: studio.TestimonyView) -> TestimonyOut:
    return TestimonyOut(
        id=view.id, state=view.state, stage=view.stage, progress=view.progress,  # type: ignore[arg-type]
        stages=[StageOut(stage=s, status=st) for s, st in view.stages],  # type: ignore[arg-type]
        error=view.error, options=view.options, file_id=view.file_id, file_name=view.file_name,
        findings=[FindingOut(id=f.id, kind=f.kind, text=f.text, start=f.start, end=f.end, accepted=f.accepted,
                             context=f.context, added=f.added) for f in view.findings],
        outputs=view.outputs, redacted_transcript=view.redacted_transcript, report=view.report,
        approved=view.approved, created_on=view.created_on)


@router.post(f"{STAFF}/cases/{{case_id}}/testimonies", status_code=202, response_model=CreatedOut,
             tags=["testimony"], responses=refusals(404, 409, 422))
def prepare(case_id: str, body: PrepareIn, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db)) -> CreatedOut:
    """Queue the preparation of an anonymized testimony from a recording of the case."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    view = studio.prepare(db, rt.settings, case_id=case_id, case_key=key, staff_id=staff.staff_id,
                          file_id=body.file_id, voice_method=body.voice_method, faces=body.faces,
                          language=body.language, signing_key=rt.org.signing_key)
    return CreatedOut(id=view.id, state=view.state)


@router.get(f"{STAFF}/cases/{{case_id}}/testimonies", response_model=TestimonyListOut, tags=["testimony"],
            responses=refusals(404))
def list_testimonies(case_id: str, staff: StaffAccess = Depends(staff_access),
                     db: Session = Depends(get_db)) -> TestimonyListOut:
    """The case's testimonies, newest first."""
    _, key = inbox.open_case(db, staff, case_id)
    return TestimonyListOut(testimonies=[_out(v) for v in studio.list_for_case(db, case_id=case_id, case_key=key)])


@router.get(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}", response_model=TestimonyOut,
            tags=["testimony"], responses=refusals(404))
def get_testimony(case_id: str, testimony_id: str, staff: StaffAccess = Depends(staff_access),
                  db: Session = Depends(get_db),
                  progress_only: bool = Query(False, alias="progress", description=(
                      "true: state and progress only, no finding, transcript or report (a poll that is not "
                      "audited)"))) -> TestimonyOut:
    """Where the job stands; once detection is done, the findings (this read is audited)."""
    _, key = inbox.open_case(db, staff, case_id)
    return _out(studio.view(db, case_id=case_id, case_key=key, testimony_id=testimony_id, staff_id=staff.staff_id,
                            quote=not progress_only))


@router.put(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/review", response_model=TestimonyOut,
            tags=["testimony"], responses=refusals(404, 409, 422))
def put_review(case_id: str, testimony_id: str, body: ReviewIn, request: Request,
               staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> TestimonyOut:
    """Drop false alarms, add missed words; the job goes on with the stages that depend on the review."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    view = studio.review(db, rt.settings, case_id=case_id, case_key=key, staff_id=staff.staff_id,
                         testimony_id=testimony_id, rejected=body.rejected,
                         added=[(a.kind, a.text) for a in body.added], signing_key=rt.org.signing_key)
    return _out(view)


@router.post(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/cancel", response_model=TestimonyOut,
             tags=["testimony"], responses=refusals(404, 409))
def post_cancel(case_id: str, testimony_id: str, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db)) -> TestimonyOut:
    """Cancel: at once when the job waits, at the running stage's next progress tick when it runs."""
    _, key = inbox.open_case(db, staff, case_id)
    return _out(studio.cancel(db, case_id=case_id, testimony_id=testimony_id, staff_id=staff.staff_id,
                              case_key=key))


@router.post(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/retry", response_model=TestimonyOut,
             status_code=202, tags=["testimony"], responses=refusals(404, 409))
def post_retry(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
               db: Session = Depends(get_db)) -> TestimonyOut:
    """Queue a failed or cancelled job again; it resumes from the last finished stage."""
    _, key = inbox.open_case(db, staff, case_id)
    return _out(studio.retry(db, runtime(request).settings, case_id=case_id, case_key=key,
                             testimony_id=testimony_id, staff_id=staff.staff_id))


@router.post(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/approve", response_model=TestimonyOut,
             tags=["testimony"], responses=refusals(404, 409))
def post_approve(case_id: str, testimony_id: str, request: Request, response: Response,
                 staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> TestimonyOut:
    """Approve the anonymized outputs; their hashes are committed in the case's ledger."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return _out(studio.approve(db, rt.settings, case_id=case_id, case_key=key, testimony_id=testimony_id,
                               staff_id=staff.staff_id, signing_key=rt.org.signing_key))
