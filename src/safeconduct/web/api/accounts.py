"""JSON API for staff accounts (own password and authenticator; administrators' reset and removal), cases to
share again, the audit log and running retention."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from safeconduct.cases import inbox, reshare, retention, transitions
from safeconduct.staff import accounts
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.staff import start_session
from safeconduct.web.deps import admin_access, get_db, runtime, staff_access
from safeconduct.web.errors import refusals
from safeconduct.web.schemas import StaffId, Strict, TokenOut

router = APIRouter(prefix="/api/v1/staff", tags=["accounts"])


class PasswordChangeIn(Strict):
    current: str = Field(max_length=1024)
    new: str = Field(max_length=1024, description="At least 12 characters.")
    confirm: str = Field(max_length=1024)


class PasswordIn(Strict):
    password: str = Field(max_length=1024)


class ResetIn(Strict):
    password: str = Field(max_length=1024, description="The new password, at least 12 characters.")
    confirm: str = Field(max_length=1024)


class RemoveIn(Strict):
    confirm_sole_cases: bool = Field(default=False, description="The cases only this account holds will be given "
                                     "to someone with the recovery key.")


class AuthenticatorOut(BaseModel):
    username: str
    totp_secret: str = Field(description="Shown once.")
    totp_uri: str


class PendingOut(BaseModel):
    case_id: str
    label: str
    staff_id: int
    username: str
    holders: list[str]


class ShreddedOut(BaseModel):
    labels: list[str]


def _out(new: accounts.NewAuthenticator) -> AuthenticatorOut:
    return AuthenticatorOut(username=new.username, totp_secret=new.totp_secret, totp_uri=new.totp_uri)


@router.post("/me/password", response_model=TokenOut)
async def change_password(body: PasswordChangeIn, request: Request, staff: StaffAccess = Depends(staff_access),
                          db: Session = Depends(get_db)) -> TokenOut:
    """A new password re-wraps the same key: the authenticator and every case stay valid. Every session of the
    account ends, this one too: continue with the token returned."""
    await run_in_threadpool(accounts.change_password, db, staff, current=body.current, new=body.new,
                            confirm=body.confirm)
    return TokenOut(token=start_session(request, db, staff),
                    expires_in=runtime(request).settings.staff_session_minutes * 60)


@router.post("/me/authenticator", response_model=AuthenticatorOut)
async def new_authenticator(body: PasswordIn, staff: StaffAccess = Depends(staff_access),
                            db: Session = Depends(get_db)) -> AuthenticatorOut:
    """A new TOTP secret (the old one stops working); needs the current password."""
    return _out(await run_in_threadpool(accounts.new_authenticator, db, staff, password=body.password))


@router.post("/admin/staff/{staff_id}/authenticator", response_model=AuthenticatorOut, responses=refusals(409))
def admin_new_authenticator(staff_id: StaffId, admin: StaffAccess = Depends(admin_access),
                            db: Session = Depends(get_db)) -> AuthenticatorOut:
    """Lost phone, password known: a new TOTP secret; the cases stay; open sessions end."""
    return _out(accounts.admin_new_authenticator(db, member_id=staff_id, actor_id=admin.staff_id))


@router.post("/admin/staff/{staff_id}/reset", response_model=AuthenticatorOut, responses=refusals(409))
async def reset(staff_id: StaffId, body: ResetIn, admin: StaffAccess = Depends(admin_access),
                db: Session = Depends(get_db)) -> AuthenticatorOut:
    """Lost password: new password, TOTP secret and key pair; the cases wait to be shared again."""
    return _out(await run_in_threadpool(accounts.reset, db, member_id=staff_id, password=body.password,
                                        confirm=body.confirm, actor_id=admin.staff_id))


@router.post("/admin/staff/{staff_id}/remove", status_code=204, responses=refusals(409))
def remove(staff_id: StaffId, body: RemoveIn, admin: StaffAccess = Depends(admin_access),
           db: Session = Depends(get_db)) -> Response:
    """Remove an account for good (409 while it alone holds a case, unless confirmed)."""
    accounts.remove(db, member_id=staff_id, actor_id=admin.staff_id, confirmed=body.confirm_sole_cases)
    return Response(status_code=204)


@router.get("/reshares", response_model=list[PendingOut])
def reshares(staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> list[PendingOut]:
    """Cases waiting for a reset account: all of them for an administrator, else those you can share again."""
    found = reshare.pending(db, holder_id=None if staff.is_admin else staff.staff_id)
    return [PendingOut(case_id=p.case_id, label=p.label, staff_id=p.staff_id, username=p.username,
                       holders=list(p.holders)) for p in found]


@router.post("/cases/{case_id}/reshare/{staff_id}", status_code=204, responses=refusals(409))
def give_back(case_id: str, staff_id: StaffId, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db)) -> Response:
    """Seal a case you hold to the new key of a reset colleague who had it."""
    _, key = inbox.open_case(db, staff, case_id)
    reshare.give_back(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                      actor=transitions.Actor(staff_id=staff.staff_id, username=staff.username), staff_id=staff_id)
    return Response(status_code=204)


@router.post("/admin/retention/run", response_model=ShreddedOut)
def run_retention(request: Request, admin: StaffAccess = Depends(admin_access),
                  db: Session = Depends(get_db)) -> ShreddedOut:
    """Crypto-shred now the cases due today (each one audited)."""
    return ShreddedOut(labels=retention.run_by(db, runtime(request).settings, staff_id=admin.staff_id))
