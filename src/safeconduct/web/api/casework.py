"""JSON API of case work: workflow, four-eyes decisions, consent, dossier export, sharing, notes, audit.

Thin adapters over ``cases/transitions``, ``consent``, ``dossier``, ``sharing``, ``notes`` and ``audit``:
parse, call one service, shape the answer. Refusals are raised by the services and mapped by web/errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from safeconduct.cases import audit, consent, dossier, inbox, notes, sharing, transitions
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import InvalidInput
from safeconduct.ledger.dossier_pdf import SECTION_TITLES
from safeconduct.staff import reauth
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import admin_access, contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import ErrorOut, refusals
from safeconduct.web.i18n import LANGUAGES, gettext_for
from safeconduct.web.schemas import ROW_ID_MAX, STAFF_ID_MAX

router = APIRouter()
STAFF = "/api/v1/staff"


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class TransitionIn(_Strict):
    to: str = Field(min_length=1, max_length=64, description="The target state, e.g. 'vetting' or 'advising/legal'.")
    reason: str = Field("", max_length=4000, description="Why; required for side exits, closing and four-eyes "
                        "decisions. Stored encrypted under the case key.")


class HistoryOut(BaseModel):
    from_state: str
    to_state: str
    by: str = Field(description="The caseworker who made (or proposed) the change.")
    confirmed_by: str | None = Field(description="The second caseworker of a four-eyes decision.")
    at: dt.datetime
    reason: str


class ProposalOut(BaseModel):
    id: str
    from_state: str
    to_state: str
    proposed_by: str
    reason: str
    at: dt.datetime


class NextStateOut(BaseModel):
    state: str
    label: str
    four_eyes: bool = Field(description="True when a second caseworker must confirm.")
    needs_reason: bool


class WorkflowOut(BaseModel):
    state: str
    label: str = Field(description="The organisation's name for the state.")
    next_states: list[NextStateOut]
    substates: list[str] = Field(description="Sub-states of the current state one may move to.")
    history: list[HistoryOut]
    pending: list[ProposalOut] = Field(description="Four-eyes proposals waiting for a second caseworker.")


class TransitionOut(BaseModel):
    state: str
    changed: bool = Field(description="False when a proposal now waits for a second caseworker (status 202).")
    proposal: ProposalOut | None = None


class ConsentItemOut(BaseModel):
    id: str = Field(description="'m:<message id>', 'f:<file id>' or 't:<testimony id>' (an approved testimony's "
                    "outputs and their hashes).")
    kind: str
    author: str
    preview: str
    at: dt.datetime
    consented: bool


class ConsentOut(BaseModel):
    all: bool
    exported: bool = Field(description="A dossier was exported; the choice can no longer change.")
    requested: bool = Field(False, description="A caseworker asked for a choice that was not saved since.")
    referrals: bool = Field(False, description="You agree to be referred to partner organisations (a lawyer, an "
                            "exit programme, a reintegration service); they receive only items chosen here.")
    authority_request: bool = Field(False, description="You agree that the organisation asks your country's "
                                    "authorities for a travel document in your name, with the identity you gave.")
    items: list[ConsentItemOut]


class ConsentIn(_Strict):
    all: bool | None = Field(None, description="true: every message and file, present and future.")
    items: list[str] | None = Field(None, max_length=10_000, description="Exactly these items ([] withdraws).")
    referrals: bool | None = Field(None, description="true: you agree to be referred to partner organisations; "
                                   "false withdraws it. Alone, it leaves the dossier choice as it is.")
    authority_request: bool | None = Field(None, description="true: you agree that a request for a travel document "
                                           "is made in your name; false withdraws it. Alone, it leaves the rest.")


class DossierIn(_Strict):
    password: str = Field("", max_length=1024, description="The exporting caseworker's password, asked again.")
    totp: str = Field("", max_length=16, description="A six-digit code not used before (not the log-in code).")
    workflow: bool = Field(False, description="Also disclose the case's state changes (reasons included).")
    sections: dict[str, str] = Field(default_factory=dict, description="Consented item id → 'wish_to_leave', "
                                     "'planning' or 'distancing': the PDF's headings for those items.",
                                     json_schema_extra={"additionalProperties": {
                                         "type": "string", "enum": list(SECTION_TITLES)}})
    language: Literal["en", "fr", "ar"] = Field("en", description="The language the PDF is written in.")


class AuditOut(BaseModel):
    id: int
    on: dt.date = Field(description="The day only: exact times are not kept.")
    staff_id: int
    username: str
    action: str
    case_id: str | None
    target: str | None


class ShareIn(_Strict):
    username: str = Field(min_length=1, max_length=64)


class NoteIn(_Strict):
    text: str = Field(min_length=1, max_length=20_000)


class NoteOut(BaseModel):
    id: int
    author: str
    text: str
    at: dt.datetime


def _actor(staff: StaffAccess) -> transitions.Actor:
    return transitions.Actor(staff_id=staff.staff_id, username=staff.username)


def _proposal(p: transitions.PendingProposal | None) -> ProposalOut | None:
    return None if p is None else ProposalOut(**vars(p))


# --- workflow --------------------------------------------------------------------------------------

@router.get(f"{STAFF}/cases/{{case_id}}/workflow", response_model=WorkflowOut, tags=["case work"])
def workflow(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> WorkflowOut:
    """The state, the states that may follow (with the organisation's labels), the history and proposals."""
    case, key = inbox.open_case(db, staff, case_id)
    view = transitions.overview(db, runtime(request).settings, case=case, case_key=key, viewer=_actor(staff))
    return WorkflowOut(state=view.state, label=view.label, substates=view.substates,
                       next_states=[NextStateOut(**vars(n)) for n in view.next_states],
                       history=[HistoryOut(**vars(h)) for h in view.history],
                       pending=[ProposalOut(**vars(p)) for p in view.pending])


@router.post(f"{STAFF}/cases/{{case_id}}/transitions", response_model=TransitionOut, tags=["case work"],
             responses={202: {"model": TransitionOut, "description": "A four-eyes proposal was recorded; a "
                              "different caseworker confirms it at .../transitions/{proposal_id}/confirm."},
                        **refusals(409)})
def transition(case_id: str, body: TransitionIn, request: Request, response: Response,
               staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> TransitionOut:
    """Move the case (200), or propose a four-eyes decision — vetted, rejected — for a colleague (202)."""
    _, key = inbox.open_case(db, staff, case_id)
    outcome = transitions.change_state(db, runtime(request).settings, case_id=case_id, case_key=key,
                                       signing_key=runtime(request).org.signing_key, actor=_actor(staff),
                                       to=body.to, reason=body.reason)
    if not outcome.changed:
        response.status_code = 202
    return TransitionOut(state=outcome.state, changed=outcome.changed, proposal=_proposal(outcome.proposal))


@router.post(f"{STAFF}/cases/{{case_id}}/transitions/{{proposal_id}}/confirm", response_model=TransitionOut,
             tags=["case work"], responses=refusals(409))
def confirm(case_id: str, proposal_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db)) -> TransitionOut:
    """Confirm a colleague's four-eyes proposal (the proposer cannot confirm their own)."""
    _, key = inbox.open_case(db, staff, case_id)
    outcome = transitions.confirm(db, runtime(request).settings, case_id=case_id, case_key=key,
                                  signing_key=runtime(request).org.signing_key, actor=_actor(staff),
                                  proposal_id=proposal_id)
    return TransitionOut(state=outcome.state, changed=outcome.changed)


@router.delete(f"{STAFF}/cases/{{case_id}}/transitions/{{proposal_id}}", status_code=204, tags=["case work"])
def withdraw(case_id: str, proposal_id: str, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> Response:
    """Withdraw your own proposal before anyone confirms it."""
    _, key = inbox.open_case(db, staff, case_id)
    transitions.withdraw_proposal(db, case_id=case_id, case_key=key, actor=_actor(staff), proposal_id=proposal_id)
    return Response(status_code=204)


# --- consent (the contact) -------------------------------------------------------------------------

def _consent_out(db: Session, access: ContactAccess) -> ConsentOut:
    choice = consent.current(db, case_id=access.case_id, case_key=access.case_key)
    listed = consent.items(db, case_id=access.case_id, case_key=access.case_key)
    return ConsentOut(all=choice.all, exported=choice.exported,
                      requested=choice.requested_at is not None and not choice.exported,
                      referrals=consent.referrals(db, case_id=access.case_id, case_key=access.case_key).given,
                      authority_request=consent.authority_request(db, case_id=access.case_id,
                                                                  case_key=access.case_key).given,
                      items=[ConsentItemOut(**vars(i)) for i in listed])


@router.get("/api/v1/contact/consent", response_model=ConsentOut, tags=["contact"])
def consent_get(access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db)) -> ConsentOut:
    """Your messages and files, and which of them you agree may be shown in a dossier."""
    return _consent_out(db, access)


@router.put("/api/v1/contact/consent", response_model=ConsentOut, tags=["contact"], responses=refusals(409))
def consent_put(body: ConsentIn, request: Request, access: ContactAccess = Depends(contact_access),
                db: Session = Depends(get_db)) -> ConsentOut:
    """Choose `{"all": true}` or `{"items": [ids]}`; you can change it until a dossier is exported.
    `{"referrals": true}` (alone or with the rest) agrees to referrals to partner organisations;
    `{"authority_request": true}` to a request for a travel document in your name."""
    signing_key = runtime(request).org.signing_key
    parts = {"referrals": body.referrals, "authority_request": body.authority_request}
    if body.all is not None or body.items is not None or all(v is None for v in parts.values()):
        consent.set_consent(db, case_id=access.case_id, case_key=access.case_key, signing_key=signing_key,
                            all_items=body.all, item_ids=body.items)
    for name, given in parts.items():
        if given is not None:
            consent.set_part(db, case_id=access.case_id, case_key=access.case_key, signing_key=signing_key,
                             name=name, given=given)
    return _consent_out(db, access)


# --- dossier ---------------------------------------------------------------------------------------

def dossier_language(language: str) -> dict[str, Any]:
    """The PDF's language and its catalogue (English for a language the product does not speak)."""
    lang = language if language in LANGUAGES else "en"
    return {"language": lang, "gettext": gettext_for(lang).gettext}


def dossier_zip(result: dossier.Dossier) -> bytes:
    """The download: bundle.zip (the evidence), dossier.pdf and README.txt (``ledger/package.py``)."""
    return result.package


@router.post(f"{STAFF}/cases/{{case_id}}/dossier", tags=["case work"], response_class=Response,
             responses={200: {"content": {"application/zip": {}},
                              "description": "A zip holding `bundle.zip` (the verifiable bundle, checked with "
                              "`safeconduct verify`), `dossier.pdf` (the court PDF rendered from it, PAdES-signed) "
                              "and `README.txt`."},
                        401: {"model": ErrorOut, "description": "Password or fresh TOTP code missing or wrong; "
                              "nothing exported."},
                        409: {"model": ErrorOut, "description": "The person consented to disclose nothing; "
                              "nothing was written."}})
def export_dossier(case_id: str, request: Request, body: DossierIn | None = None,
                   staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    """Export the dossier: exactly the items the person consented to, the rest as commitments only.

    The most sensitive action asks again for both factors (`staff/reauth.py`): `password` and a `totp`
    code not used before; without them nothing is exported (401).
    """
    options = body or DossierIn.model_validate({})
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    result = dossier.export(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                            actor=_actor(staff), organisation=rt.org.name, include_workflow=options.workflow,
                            sections=options.sections, **dossier_language(options.language),
                            confirm=lambda: reauth.confirm_identity(
                                db, rt.settings, staff, password=options.password, totp=options.totp))
    return Response(dossier_zip(result), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="dossier-{result.case_label}.zip"'})


@router.post(f"{STAFF}/cases/{{case_id}}/consent-request", status_code=204, tags=["case work"])
def consent_request(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                    db: Session = Depends(get_db)) -> Response:
    """Ask the person what a dossier may show: they see the request on their conversation page until they choose."""
    _, key = inbox.open_case(db, staff, case_id)
    consent.request_consent(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                            staff_id=staff.staff_id, username=staff.username)
    return Response(status_code=204)


# --- sharing and notes -----------------------------------------------------------------------------

@router.post(f"{STAFF}/cases/{{case_id}}/share", status_code=204, tags=["case work"], responses=refusals(409))
def share(case_id: str, body: ShareIn, request: Request, staff: StaffAccess = Depends(staff_access),
          db: Session = Depends(get_db)) -> Response:
    """Seal the case key to another caseworker, who then sees the case in their inbox."""
    _, key = inbox.open_case(db, staff, case_id)
    sharing.share(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                  actor=_actor(staff), username=body.username)
    return Response(status_code=204)


@router.delete(f"{STAFF}/cases/{{case_id}}/share/{{username}}", status_code=204, tags=["case work"],
               responses=refusals(409))
def unshare(case_id: str, username: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db)) -> Response:
    """Remove a caseworker's access (their seal of the case key is deleted)."""
    _, key = inbox.open_case(db, staff, case_id)
    sharing.unshare(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                    actor=_actor(staff), username=username)
    return Response(status_code=204)


@router.get(f"{STAFF}/cases/{{case_id}}/notes", response_model=list[NoteOut], tags=["case work"])
def notes_list(case_id: str, staff: StaffAccess = Depends(staff_access),
               db: Session = Depends(get_db)) -> list[NoteOut]:
    """The caseworkers' private notes on the case (never shown to the contact)."""
    _, key = inbox.open_case(db, staff, case_id)
    return [NoteOut(**vars(n)) for n in notes.list_notes(db, case_id=case_id, case_key=key,
                                                                viewer=_actor(staff))]


@router.post(f"{STAFF}/cases/{{case_id}}/notes", response_model=NoteOut, status_code=201, tags=["case work"])
def notes_add(case_id: str, body: NoteIn, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> NoteOut:
    _, key = inbox.open_case(db, staff, case_id)
    note = notes.add_note(db, runtime(request).settings, case_id=case_id, case_key=key,
                          signing_key=runtime(request).org.signing_key, actor=_actor(staff), text=body.text)
    return NoteOut(**vars(note))


# --- audit -----------------------------------------------------------------------------------------

@router.get(f"{STAFF}/admin/audit", response_model=list[AuditOut], tags=["staff"])
def audit_log(case_id: str | None = Query(None, max_length=32),
              staff_id: int | None = Query(None, ge=1, le=STAFF_ID_MAX),
              before_id: int | None = Query(None, ge=1, le=ROW_ID_MAX), limit: int = Query(200, ge=1, le=1000),
              action: str | None = Query(None, max_length=32),
              _: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> list[AuditOut]:
    """Who read or changed which case, on which day (newest first; page with `before_id`). No content."""
    if action is not None and action not in audit.ACTIONS:
        raise InvalidInput("Unknown audit action.")
    return [AuditOut(**vars(e)) for e in audit.entries(db, case_id=case_id, staff_id=staff_id, limit=limit,
                                                        before_id=before_id, action=action)]
