"""JSON API of referrals, relatives' links and follow-up tasks (issue 16, items 4–6).

Thin adapters over ``referrals/service``, ``relatives`` and ``tasks``: parse, call one service, shape the
answer. Refusals are raised by the services and mapped by web/errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from safeconduct.cases import inbox
from safeconduct.cases.transitions import Actor
from safeconduct.contact.service import ContactAccess
from safeconduct.referrals import partners, relatives, tasks
from safeconduct.referrals import service as referrals
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import admin_access, contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import refusals
from safeconduct.web.i18n import LANGUAGES, gettext_for
from safeconduct.web.schemas import Strict

router = APIRouter()
STAFF = "/api/v1/staff"


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


# --- partners ----------------------------------------------------------------------------------------

class PartnerIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["lawyer", "exit_programme", "reintegration"]
    country: str = Field(min_length=2, max_length=2, description="Two letters, e.g. FR or BE.")
    public_key: str | None = Field(None, max_length=200, description="The partner's own public key, if any.")


class PartnerOut(BaseModel):
    id: int
    name: str
    kind: str
    country: str
    public_key: str | None


@router.get(f"{STAFF}/partners", response_model=list[PartnerOut], tags=["referrals"])
def partners_list(_: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> list[PartnerOut]:
    """The partner organisations cases can be referred to."""
    return [PartnerOut(id=p.id, name=p.name, kind=p.kind, country=p.country, public_key=p.public_key)
            for p in partners.list_partners(db)]


@router.post(f"{STAFF}/partners", response_model=PartnerOut, status_code=201, tags=["referrals"],
             responses=refusals(409))
def partners_add(body: PartnerIn, _: StaffAccess = Depends(admin_access),
                 db: Session = Depends(get_db)) -> PartnerOut:
    """Add a partner organisation (administrators)."""
    p = partners.add(db, name=body.name, kind=body.kind, country=body.country, public_key=body.public_key)
    return PartnerOut(id=p.id, name=p.name, kind=p.kind, country=p.country, public_key=p.public_key)


# --- referrals ---------------------------------------------------------------------------------------

class ReferralIn(Strict):
    partner: int = Field(ge=1, le=2**31 - 1, description="The partner's id (GET /api/v1/staff/partners).")
    items: list[str] = Field(default_factory=list, max_length=10_000, description="Item ids ('m:<id>', "
                             "'f:<id>') to send; each must be one the person agreed a dossier may show.")


class StepOut(BaseModel):
    status: str
    by: str
    at: dt.datetime
    reason: str


class ReferralOut(BaseModel):
    id: str
    partner_id: int
    partner: str
    partner_kind: str
    partner_country: str
    items: list[str]
    status: str = Field(description="sent, accepted, declined or completed.")
    steps: list[StepOut]


class ReferralStatusIn(Strict):
    status: Literal["accepted", "declined", "completed"]
    reason: str = Field("", max_length=4000, description="Why it was declined, or the outcome once completed.")


def _referral_out(v: referrals.ReferralView) -> ReferralOut:
    return ReferralOut(id=v.id, partner_id=v.partner_id, partner=v.partner, partner_kind=v.partner_kind,
                       partner_country=v.partner_country, items=v.items, status=v.status,
                       steps=[StepOut(**vars(s)) for s in v.steps])


@router.post(f"{STAFF}/cases/{{case_id}}/referrals", response_model=ReferralOut, status_code=201,
             tags=["referrals"], responses=refusals(404, 409))
def referral_add(case_id: str, body: ReferralIn, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> ReferralOut:
    """Refer the case to a partner; refused (409, nothing written) without the person's consent to referrals."""
    _, key = inbox.open_case(db, staff, case_id)
    view = referrals.refer(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                           actor=_actor(staff), partner_id=body.partner, items=body.items)
    return _referral_out(view)


@router.get(f"{STAFF}/cases/{{case_id}}/referrals", response_model=list[ReferralOut], tags=["referrals"])
def referral_list(case_id: str, staff: StaffAccess = Depends(staff_access),
                  db: Session = Depends(get_db)) -> list[ReferralOut]:
    _, key = inbox.open_case(db, staff, case_id)
    return [_referral_out(v) for v in referrals.list_referrals(db, case_id=case_id, case_key=key)]


@router.post(f"{STAFF}/cases/{{case_id}}/referrals/{{referral_id}}/status", response_model=ReferralOut,
             tags=["referrals"], responses=refusals(404, 409))
def referral_status(case_id: str, referral_id: str, body: ReferralStatusIn, request: Request,
                    staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> ReferralOut:
    """Record the partner's answer: accepted, declined (with the reason), completed (with the outcome)."""
    _, key = inbox.open_case(db, staff, case_id)
    view = referrals.change_status(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                                   actor=_actor(staff), referral_id=referral_id, status=body.status,
                                   reason=body.reason)
    return _referral_out(view)


def package_response(result: referrals.Package) -> Response:
    return Response(result.package, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="referral-{result.case_label}.zip"'})


@router.get(f"{STAFF}/cases/{{case_id}}/referrals/{{referral_id}}/package", tags=["referrals"],
            response_class=Response, responses={200: {"content": {"application/zip": {}}, "description":
                                                      "bundle.zip, dossier.pdf and README.txt: the partner checks "
                                                      "it offline with `safeconduct verify`."},
                                                **refusals(404, 409)})
def referral_package(case_id: str, referral_id: str, request: Request, language: str = "en",
                     staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    """The partner's package: the referred items, the person's consent and the referral, verifiable offline.
    Each download is a "referral_package" event in the case's ledger."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    lang = language if language in LANGUAGES else "en"
    result = referrals.package(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                               actor=_actor(staff), organisation=rt.org.name, referral_id=referral_id,
                               language=lang, gettext=gettext_for(lang).gettext)
    return package_response(result)


# --- relatives ---------------------------------------------------------------------------------------

class LinkIn(Strict):
    person_case: str = Field(min_length=1, max_length=32, description="The person's case (its id).")
    relation: Literal["parent", "sibling", "spouse", "other"] = Field(
        description="How the writer of this (the relative's) case is related to the person.")


class LinkOut(BaseModel):
    id: str
    other_case_id: str
    other_label: str
    other_state: str = Field(description="The other case's pathway state: all a link shows of it, with its label.")
    role: str = Field(description="'relative': this is the relative's case; 'person': the person's.")
    relation: str
    state: str = Field(description="proposed, linked, or withdrawn (a contact no longer agrees).")
    consented_here: bool
    consented_there: bool


def _link_out(v: relatives.LinkView) -> LinkOut:
    return LinkOut(id=v.id, other_case_id=v.other_case_id, other_label=v.other_label, other_state=v.other_state,
                   role=v.role, relation=v.relation, state=v.state, consented_here=v.consented_here,
                   consented_there=v.consented_there)


@router.post(f"{STAFF}/cases/{{case_id}}/links", response_model=LinkOut, status_code=201, tags=["relatives"],
             responses=refusals(404, 409))
def link_propose(case_id: str, body: LinkIn, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> LinkOut:
    """Propose to link this relative's case to the person's case (you must hold both); each contact then
    agrees in their own conversation before the link can be confirmed."""
    _, key = inbox.open_case(db, staff, case_id)
    _, other_key = inbox.open_case(db, staff, body.person_case)
    view = relatives.propose(db, relative_case_id=case_id, relative_key=key, person_case_id=body.person_case,
                             person_key=other_key, signing_key=runtime(request).org.signing_key,
                             actor=_actor(staff), relation=body.relation)
    return _link_out(view)


@router.get(f"{STAFF}/cases/{{case_id}}/links", response_model=list[LinkOut], tags=["relatives"])
def link_list(case_id: str, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> list[LinkOut]:
    """Linked and proposed cases: their label and state, never their messages or files."""
    _, key = inbox.open_case(db, staff, case_id)
    return [_link_out(v) for v in relatives.links(db, case_id=case_id, case_key=key,
                                                   other_key_for=lambda other: inbox.open_case(db, staff, other)[1])]


@router.post(f"{STAFF}/cases/{{case_id}}/links/{{link_id}}/confirm", response_model=LinkOut, tags=["relatives"],
             responses=refusals(404, 409))
def link_confirm(case_id: str, link_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> LinkOut:
    """Make the link: refused (409, nothing written) until both contacts agreed."""
    _, key = inbox.open_case(db, staff, case_id)
    view = relatives.confirm(db, case_id=case_id, case_key=key,
                             other_key_for=lambda other: inbox.open_case(db, staff, other)[1],
                             signing_key=runtime(request).org.signing_key, actor=_actor(staff), link_id=link_id)
    return _link_out(view)


class ContactLinkOut(BaseModel):
    id: str
    role: str
    relation: str
    state: str
    agreed: bool


class ContactLinkIn(Strict):
    agree: bool


@router.get("/api/v1/contact/links", response_model=list[ContactLinkOut], tags=["contact"])
def contact_links(access: ContactAccess = Depends(contact_access),
                  db: Session = Depends(get_db)) -> list[ContactLinkOut]:
    """Links your caseworker proposed between your conversation and a relative's (or the person's)."""
    return [ContactLinkOut(id=v.id, role=v.role, relation=v.relation, state=v.state, agreed=v.consented_here)
            for v in relatives.links(db, case_id=access.case_id, case_key=access.case_key)]


@router.put("/api/v1/contact/links/{link_id}", response_model=ContactLinkOut, tags=["contact"],
            responses=refusals(404))
def contact_link_consent(link_id: str, body: ContactLinkIn, request: Request,
                         access: ContactAccess = Depends(contact_access),
                         db: Session = Depends(get_db)) -> ContactLinkOut:
    """Agree (or no longer agree) that your conversation is linked: each side then sees the other's state
    on the caseworkers' page, never a message."""
    v = relatives.contact_consent(db, case_id=access.case_id, case_key=access.case_key,
                                  signing_key=runtime(request).org.signing_key, link_id=link_id, given=body.agree)
    return ContactLinkOut(id=v.id, role=v.role, relation=v.relation, state=v.state, agreed=v.consented_here)


# --- follow-up tasks ---------------------------------------------------------------------------------

class TaskIn(Strict):
    title: str = Field(min_length=1, max_length=300, description="What is to be done (stored encrypted).")
    due: str = Field(min_length=1, max_length=32, description="The due day, YYYY-MM-DD (no time of day).")


class TaskOut(BaseModel):
    id: str
    title: str
    due: dt.date
    done: bool
    added_by: str
    done_by: str | None
    overdue: bool
    due_today: bool


@router.post(f"{STAFF}/cases/{{case_id}}/tasks", response_model=TaskOut, status_code=201, tags=["tasks"],
             responses=refusals(404))
def task_add(case_id: str, body: TaskIn, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> TaskOut:
    """Add a follow-up with a due day; due and overdue ones appear in the inbox's `waiting=me`."""
    _, key = inbox.open_case(db, staff, case_id)
    view = tasks.add(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                     actor=_actor(staff), title=body.title, due=body.due)
    return TaskOut(**vars(view))


@router.get(f"{STAFF}/cases/{{case_id}}/tasks", response_model=list[TaskOut], tags=["tasks"])
def task_list(case_id: str, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> list[TaskOut]:
    _, key = inbox.open_case(db, staff, case_id)
    return [TaskOut(**vars(v)) for v in tasks.list_tasks(db, case_id=case_id, case_key=key)]


@router.post(f"{STAFF}/cases/{{case_id}}/tasks/{{task_id}}/done", response_model=TaskOut, tags=["tasks"],
             responses=refusals(404, 409))
def task_done(case_id: str, task_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> TaskOut:
    _, key = inbox.open_case(db, staff, case_id)
    view = tasks.mark_done(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                           actor=_actor(staff), task_id=task_id)
    return TaskOut(**vars(view))
