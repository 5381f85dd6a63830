"""JSON API of publication (issue 15): proposal, the person's consent, the second caseworker, withdrawal.

Thin adapters over ``archive/publications``. A publication id alone (the second caseworker's and the
withdrawal's routes) finds its case, whose key the caller must hold like any other case work.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from safeconduct.archive import publications
from safeconduct.cases import inbox
from safeconduct.cases.transitions import Actor
from safeconduct.contact.service import ContactAccess
from safeconduct.staff.service import StaffAccess
from safeconduct.testimony.studio import service as studio
from safeconduct.web.api.testimony_outputs import output_response
from safeconduct.web.deps import contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import refusals
from safeconduct.web.schemas import Strict

router = APIRouter()
STAFF = "/api/v1/staff"


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


class ProposeIn(Strict):
    themes: list[str] = Field(min_length=1, max_length=20, description="Theme slugs (GET /archive/ lists them).")


class CheckOut(BaseModel):
    name: str
    passed: bool
    detail: str


class StepOut(BaseModel):
    kind: str
    by: str
    at: dt.datetime
    detail: str


class PublicationOut(BaseModel):
    id: str
    state: str = Field(description="awaiting_consent, consented, declined, published or withdrawn.")
    testimony_id: str
    themes: list[str]
    language: str
    entry_id: str | None = Field(description="The public archive entry, once published.")
    checks: list[CheckOut]
    steps: list[StepOut]


def _out(v: publications.PublicationView) -> PublicationOut:
    return PublicationOut(id=v.id, state=v.state, testimony_id=v.testimony_id, themes=v.themes, language=v.language,
                          entry_id=v.entry_id, checks=[CheckOut(**vars(c)) for c in v.checks],
                          steps=[StepOut(**vars(s)) for s in v.steps])


@router.post(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/publication", response_model=PublicationOut,
             status_code=201, tags=["archive"], responses=refusals(404, 409))
def propose(case_id: str, testimony_id: str, body: ProposeIn, request: Request,
            staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> PublicationOut:
    """Propose an approved testimony for the archive; the person is asked on their next visit."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return _out(publications.propose(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                                     actor=_actor(staff), testimony_id=testimony_id, chosen_themes=body.themes))


@router.get(f"{STAFF}/cases/{{case_id}}/publications", response_model=list[PublicationOut], tags=["archive"])
def case_publications(case_id: str, staff: StaffAccess = Depends(staff_access),
                      db: Session = Depends(get_db)) -> list[PublicationOut]:
    _, key = inbox.open_case(db, staff, case_id)
    return [_out(v) for v in publications.list_for_case(db, case_id=case_id, case_key=key)]


@router.post(f"{STAFF}/publications/{{publication_id}}/confirm", response_model=PublicationOut, tags=["archive"],
             responses=refusals(403, 404, 409))
def confirm(publication_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db)) -> PublicationOut:
    """A second caseworker publishes: the checks run on the final files; any failure is a 409 with the reason
    and nothing public. The proposer's own confirmation is refused (403)."""
    case_id = publications.case_of(db, publication_id)
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return _out(publications.confirm(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                                     actor=_actor(staff), organisation=rt.org.name, publication_id=publication_id))


@router.delete(f"{STAFF}/publications/{{publication_id}}", response_model=PublicationOut, tags=["archive"],
               responses=refusals(404, 409))
def withdraw(publication_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> PublicationOut:
    """Withdraw: the entry is marked withdrawn (signed), its media deleted, the served archive drops it at once."""
    case_id = publications.case_of(db, publication_id)
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return _out(publications.withdraw(db, rt.settings, case_id=case_id, case_key=key,
                                      signing_key=rt.org.signing_key, actor=_actor(staff),
                                      publication_id=publication_id))


class ContactPublicationOut(BaseModel):
    id: str
    state: str
    themes: list[str]
    language: str
    media: str = Field(description="The anonymized recording's URL (what would be public), for this session.")
    transcript: str = Field(description="The redacted transcript, as it would be published.")


class ContactAnswerIn(Strict):
    consent: bool


def _contact_out(db: Session, access: ContactAccess, v: publications.PublicationView) -> ContactPublicationOut:
    testimony = studio.view(db, case_id=access.case_id, case_key=access.case_key, testimony_id=v.testimony_id,
                            quote=True)
    return ContactPublicationOut(id=v.id, state=v.state, themes=v.themes, language=v.language,
                                 media=f"/api/v1/contact/publications/{v.id}/media",
                                 transcript=testimony.redacted_transcript or "")


@router.get("/api/v1/contact/publications", response_model=list[ContactPublicationOut], tags=["contact"])
def contact_list(access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> list[ContactPublicationOut]:
    """Testimonies of yours proposed for the prevention archive, with exactly what would be public."""
    return [_contact_out(db, access, v)
            for v in publications.list_for_case(db, case_id=access.case_id, case_key=access.case_key)]


@router.put("/api/v1/contact/publications/{publication_id}", response_model=ContactPublicationOut,
            tags=["contact"], responses=refusals(404, 409))
def contact_answer(publication_id: str, body: ContactAnswerIn, request: Request,
                   access: ContactAccess = Depends(contact_access),
                   db: Session = Depends(get_db)) -> ContactPublicationOut:
    """Yes or no; no after publication takes it out of the archive at once."""
    rt = runtime(request)
    v = publications.contact_answer(db, rt.settings, case_id=access.case_id, case_key=access.case_key,
                                    signing_key=rt.org.signing_key, publication_id=publication_id,
                                    consent=body.consent)
    return _contact_out(db, access, v)


@router.get("/api/v1/contact/publications/{publication_id}/media", tags=["contact"], response_class=Response,
            responses={200: {"content": {"video/mp4": {}, "audio/mp4": {}}},
                       206: {"description": "One byte range (`Range: bytes=…`), so a player can seek."},
                       **refusals(404)})
def contact_media(publication_id: str, request: Request, access: ContactAccess = Depends(contact_access),
                  db: Session = Depends(get_db)) -> Response:
    """The anonymized recording as it would be published; one byte range when asked (seeking)."""
    return output_response(request, publications.preview(db, runtime(request).settings, case_id=access.case_id,
                                                          case_key=access.case_key, publication_id=publication_id))
