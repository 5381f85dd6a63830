"""JSON API of requests to the authorities for a travel document (issue 16, item 3).

Thin adapters over ``returns/requests``: parse, call one service, shape the answer. Refusals are raised by
the service and mapped by web/errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from safeconduct.cases import inbox
from safeconduct.cases.transitions import Actor
from safeconduct.returns import requests as authority
from safeconduct.staff import reauth
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import refusals
from safeconduct.web.i18n import LANGUAGES, gettext_for
from safeconduct.web.schemas import Strict

router = APIRouter()
STAFF = "/api/v1/staff"
BASE = f"{STAFF}/cases/{{case_id}}/authority-requests"


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


class TemplateOut(BaseModel):
    name: str
    language: str
    title: str
    subject: str
    reviewed: dt.date
    required: list[str] = Field(description="Identity fields the letter cannot go without.")
    optional: list[str] = Field(description="Identity fields whose line is left out when not chosen.")
    origin: str = Field(description="'shipped' or 'organisation' (DATA/letters/).")


class TemplatesOut(BaseModel):
    templates: list[TemplateOut]
    problems: list[str] = Field(description="Template files left out, each with the reason.")


@router.get(f"{STAFF}/authority-letters", response_model=TemplatesOut, tags=["authority requests"])
def templates_list(request: Request, _: StaffAccess = Depends(staff_access)) -> TemplatesOut:
    """The letter templates a request can use: the organisation's own over the shipped ones."""
    shelf = authority.available(runtime(request).settings)
    return TemplatesOut(templates=[TemplateOut(name=t.name, language=t.language, title=t.title, subject=t.subject,
                                               reviewed=t.reviewed, required=t.required, optional=t.optional,
                                               origin=t.origin)
                                   for _key, t in sorted(shelf.templates.items())],
                        problems=shelf.problems)


class RequestIn(Strict):
    template: str = Field(min_length=1, max_length=48, description="The template's name, e.g. travel-document "
                          "(or name.language, e.g. travel-document.fr).")
    language: str | None = Field(None, min_length=2, max_length=2, description="The letter's language (default: "
                                 "the one in `template`, else English).")
    authority: str = Field(min_length=1, max_length=300, description="The consulate or office it is addressed to.")
    fields: list[str] = Field(max_length=20, description="The identity fields to put in the letter, among those "
                              "the person gave; the template's required fields must be among them.")
    dossier: bool = Field(False, description="Attach the dossier package (needs the person's dossier consent, "
                          "and `password` and a fresh `totp`, like any export).")
    password: str = Field("", max_length=1024)
    totp: str = Field("", max_length=16)


class StepOut(BaseModel):
    kind: str = Field(description="prepared, sent or answer.")
    by: str
    at: dt.datetime
    detail: str = Field(description="How it was sent, or the answer's outcome.")
    text: str


class RequestOut(BaseModel):
    id: str
    template: str
    language: str
    authority: str
    fields: list[str] = Field(description="The identity fields in the letter (names only).")
    dossier: bool
    pdf_sha256: str
    status: str = Field(description="prepared, sent, or the last answer: granted, refused, more_information, "
                        "interview, other.")
    steps: list[StepOut]


class SentIn(Strict):
    means: Literal["post", "email", "in_person", "other"]
    note: str = Field("", max_length=4000)


class AnswerIn(Strict):
    outcome: Literal["granted", "refused", "more_information", "interview", "other"]
    text: str = Field("", max_length=4000, description="What the authority answered (needed unless granted).")


def request_out(v: authority.RequestView) -> RequestOut:
    return RequestOut(id=v.id, template=v.template, language=v.language, authority=v.authority, fields=v.fields,
                      dossier=v.dossier, pdf_sha256=v.pdf_sha256, status=v.status,
                      steps=[StepOut(**vars(s)) for s in v.steps])


def _template_and_language(body: RequestIn) -> tuple[str, str]:
    name, _dot, suffix = body.template.partition(".")
    return name, body.language or suffix or "en"


@router.post(BASE, response_model=RequestOut, status_code=201, tags=["authority requests"],
             responses=refusals(401, 403, 404, 409))
def request_add(case_id: str, body: RequestIn, request: Request, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db)) -> RequestOut:
    """Prepare the signed letter (a named reader of the identity only). Refused with 409, nothing written,
    without the person's consent to a request or without an identity; 422 for a template or field that
    does not fit."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    name, language = _template_and_language(body)
    lang = language if language in LANGUAGES else "en"
    view = authority.prepare(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                             actor=_actor(staff), organisation=rt.org.name, template=name, language=language,
                             authority=body.authority, fields=body.fields, attach_dossier=body.dossier,
                             gettext=gettext_for(lang).gettext,
                             confirm=lambda: reauth.confirm_identity(db, rt.settings, staff, password=body.password,
                                                                     totp=body.totp))
    return request_out(view)


@router.get(BASE, response_model=list[RequestOut], tags=["authority requests"])
def request_list(case_id: str, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> list[RequestOut]:
    _, key = inbox.open_case(db, staff, case_id)
    return [request_out(v) for v in authority.list_requests(db, case_id=case_id, case_key=key)]


@router.get(BASE + "/{request_id}/pdf", tags=["authority requests"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "The signed letter; the authority "
                             "checks it offline with `safeconduct verify FILE.pdf --expect-key FINGERPRINT`."},
                       **refusals(403, 404)})
def request_pdf(case_id: str, request_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db)) -> Response:
    """The letter (it holds the identity: named readers only, each download recorded in the ledger)."""
    _, key = inbox.open_case(db, staff, case_id)
    view, letter = authority.pdf(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                                 actor=_actor(staff), request_id=request_id)
    return Response(letter, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="request-{view.id[:8]}.pdf"', "Cache-Control": "no-store"})


@router.post(BASE + "/{request_id}/sent", response_model=RequestOut, tags=["authority requests"],
             responses=refusals(404, 409))
def request_sent(case_id: str, request_id: str, body: SentIn, request: Request,
                 staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> RequestOut:
    """Record that the organisation sent the letter; the case moves to "return requested" from advising."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return request_out(authority.mark_sent(db, rt.settings, case_id=case_id, case_key=key,
                                           signing_key=rt.org.signing_key, actor=_actor(staff),
                                           request_id=request_id, means=body.means, note=body.note))


@router.post(BASE + "/{request_id}/answers", response_model=RequestOut, status_code=201,
             tags=["authority requests"], responses=refusals(404, 409))
def request_answer(case_id: str, request_id: str, body: AnswerIn, request: Request,
                   staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> RequestOut:
    """Record the authority's answer; "granted" moves the case to "return organised" from "return requested"."""
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    return request_out(authority.record_answer(db, rt.settings, case_id=case_id, case_key=key,
                                               signing_key=rt.org.signing_key, actor=_actor(staff),
                                               request_id=request_id, outcome=body.outcome, text=body.text))
