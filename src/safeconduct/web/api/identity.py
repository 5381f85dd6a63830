"""JSON API of the sealed identity: the person gives, sees and withdraws it; named caseworkers read it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from safeconduct.cases import identity, inbox
from safeconduct.cases.transitions import Actor
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import NotFound
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import refusals

router = APIRouter()


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: full_name, other_names, date_of_birth, place_of_birth, nationality, document_numbers, notes
    fields: dict[str, Any]


class IdentityOut(BaseModel):
    fields: dict[str, str]
    used: bool


class ReadersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    staff_ids: list[int]


class ReadersOut(BaseModel):
    readers: list[int]


def _out(view: identity.IdentityView) -> IdentityOut:
    return IdentityOut(fields=view.fields, used=view.used)


@router.put("/api/v1/contact/identity", response_model=IdentityOut, tags=["contact"], responses=refusals(409))
def give(body: IdentityIn, request: Request, access: ContactAccess = Depends(contact_access),
         db: Session = Depends(get_db)) -> IdentityOut:
    """Give (or change) your real identity, so that your return can be organised; only the caseworkers your
    case's owner names can read it. You can change or withdraw it until a request to the authorities uses it."""
    return _out(identity.give(db, case_id=access.case_id, case_key=access.case_key,
                              signing_key=runtime(request).org.signing_key, fields=body.fields))


@router.get("/api/v1/contact/identity", response_model=IdentityOut, tags=["contact"], responses=refusals(404))
def show(access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db)) -> IdentityOut:
    """What you gave."""
    view = identity.for_contact(db, case_id=access.case_id, case_key=access.case_key)
    if view is None:
        raise NotFound("You have not given your identity.")
    return _out(view)


@router.delete("/api/v1/contact/identity", status_code=204, tags=["contact"], responses=refusals(404, 409))
def withdraw(request: Request, access: ContactAccess = Depends(contact_access),
             db: Session = Depends(get_db)) -> Response:
    """Withdraw your identity (refused once a request to the authorities used it)."""
    identity.withdraw(db, case_id=access.case_id, case_key=access.case_key,
                      signing_key=runtime(request).org.signing_key)
    return Response(status_code=204)


@router.put("/api/v1/staff/cases/{case_id}/identity/readers", response_model=ReadersOut, tags=["case work"],
            responses=refusals(404, 409))
def name_readers(case_id: str, body: ReadersIn, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> ReadersOut:
    """The case's owner (its assignee) names the caseworkers who may read the person's identity."""
    _, key = inbox.open_case(db, staff, case_id)
    view = identity.name_readers(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                                 actor=Actor(staff.staff_id, staff.username), staff_ids=body.staff_ids)
    return ReadersOut(readers=view.readers)


@router.get("/api/v1/staff/cases/{case_id}/identity", response_model=IdentityOut, tags=["case work"],
            responses=refusals(404))
def read(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
         db: Session = Depends(get_db)) -> IdentityOut:
    """The person's identity, for a caseworker the case's owner named; every read is a ledger event."""
    _, key = inbox.open_case(db, staff, case_id)
    return _out(identity.read(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                              actor=Actor(staff.staff_id, staff.username)))
