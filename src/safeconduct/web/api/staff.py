"""JSON API of the staff side."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.cases import audit, cleaning, content, inbox
from safeconduct.cases.content import Author
from safeconduct.staff import service as staff_service
from safeconduct.staff.service import StaffAccess
from safeconduct.web.deps import admin_access, get_db, runtime, staff_access
from safeconduct.web.errors import refusals
from safeconduct.web.schemas import (
    CaseOut,
    ConversationOut,
    FileOut,
    MessageOut,
    NewStaffIn,
    NewStaffOut,
    StaffFlagsIn,
    StaffId,
    StaffLoginIn,
    StaffOut,
    TextIn,
    TokenOut,
)

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


def staff_author(staff: StaffAccess) -> Author:
    return Author("staff", staff.staff_id, staff.username)


def start_session(request: Request, db: Session, access: StaffAccess) -> str:
    token = sessions.create(db, kind="staff", subject=str(access.staff_id), secret=bytes(access.private_key),
                            minutes=runtime(request).settings.staff_session_minutes)
    db.commit()
    return token


@router.post("/session", response_model=TokenOut, responses=refusals(401))
def log_in(body: StaffLoginIn, request: Request, db: Session = Depends(get_db)) -> TokenOut:
    """Password and TOTP in, bearer token out. Every failure gets the same answer."""
    access = staff_service.authenticate(db, runtime(request).settings, username=body.username,
                                        password=body.password, totp=body.totp)
    return TokenOut(token=start_session(request, db, access),
                    expires_in=runtime(request).settings.staff_session_minutes * 60)


@router.get("/cases", response_model=list[CaseOut])
def cases(staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> list[CaseOut]:
    """The cases sealed to you (an administrator sees only those too)."""
    return [CaseOut(**vars(c)) for c in inbox.list_cases(db, staff.staff_id)]


@router.get("/cases/{case_id}/messages", response_model=ConversationOut)
def messages(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> ConversationOut:
    """The conversation, decrypted in memory; the view is recorded (audit log and case ledger)."""
    _, key = inbox.open_case(db, staff, case_id)
    audit.record_custody(db, staff_id=staff.staff_id, username=staff.username, action="view_messages",
                         case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key)
    return ConversationOut(
        messages=[MessageOut.of(m, for_staff=True) for m in content.read_messages(db, case_id=case_id, case_key=key)],
        files=[FileOut.of(f) for f in content.list_files(db, case_id=case_id, case_key=key)],
    )


@router.post("/cases/{case_id}/replies", response_model=MessageOut, status_code=201, responses=refusals(413))
def reply(case_id: str, body: TextIn, request: Request, staff: StaffAccess = Depends(staff_access),
          db: Session = Depends(get_db)) -> MessageOut:
    case, key = inbox.open_case(db, staff, case_id)
    audit.record(db, staff_id=staff.staff_id, action="reply", case_id=case_id)  # commits with the reply
    view = content.post_message(db, runtime(request).settings, case=case, case_key=key,
                                signing_key=runtime(request).org.signing_key, author=staff_author(staff),
                                text=body.text)
    inbox.mark_read(db, staff.staff_id, case_id)
    return MessageOut.of(view, for_staff=True)


@router.post("/cases/{case_id}/read", status_code=204)
def read(case_id: str, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    inbox.open_case(db, staff, case_id)
    inbox.mark_read(db, staff.staff_id, case_id)
    return Response(status_code=204)


def download_response(blocks: Iterator[bytes], view: content.FileView) -> StreamingResponse:
    """A decrypted file, streamed block by block, always as a download (never rendered by the browser)."""
    quoted = view.name.replace("\\", "_").replace('"', "_")
    ascii_name = quoted.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(view.name)}"
    return StreamingResponse(blocks, media_type="application/octet-stream", headers={
        "Content-Disposition": disposition, "Content-Length": str(view.size),
        "X-Content-SHA256": view.sha256})


@router.get("/cases/{case_id}/files/{file_id}", response_class=StreamingResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(case_id: str, file_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
             db: Session = Depends(get_db)) -> StreamingResponse:
    """The file as a caseworker should see it: a contact's file cleaned of its hidden details.

    `X-Cleaning` says which copy this is: "cleaned", "not_cleaned" (the received file: cleaning failed or
    the type is unsupported) or "not_needed" (a caseworker's own file). The original is `POST …/original`.
    """
    return cleaned_download(request, db, staff, case_id, file_id)


@router.post("/cases/{case_id}/files/{file_id}/original", response_class=StreamingResponse,
             responses={200: {"content": {"application/octet-stream": {}}}})
def download_original(case_id: str, file_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                      db: Session = Depends(get_db)) -> StreamingResponse:
    """The file exactly as received, with its hidden details: an explicit choice, audited and in the ledger."""
    return original_download(request, db, staff, case_id, file_id)


def cleaned_download(request: Request, db: Session, staff: StaffAccess, case_id: str,
                     file_id: str) -> StreamingResponse:
    """The default download (shared by the API and the console): the cleaned copy where there is one."""
    rt = runtime(request)
    _, key = inbox.open_case(db, staff, case_id)
    view, outcome, blocks = cleaning.open_for_staff(db, rt.settings, case_id=case_id, case_key=key,
                                                    signing_key=rt.org.signing_key, file_id=file_id)
    audit.record_custody(db, staff_id=staff.staff_id, username=staff.username, action="download_file",
                         case_id=case_id, case_key=key, signing_key=rt.org.signing_key, target=file_id)
    if outcome.cleaned and outcome.size is not None and outcome.sha256 is not None:
        view = dataclasses.replace(view, size=outcome.size, sha256=outcome.sha256)
    response = download_response(blocks, view)
    response.headers["X-Cleaning"] = outcome.status
    return response


def original_download(request: Request, db: Session, staff: StaffAccess, case_id: str,
                      file_id: str) -> StreamingResponse:
    """The received file, its SHA-256 the one in the ledger; recorded as "download_original"."""
    rt = runtime(request)
    _, key = inbox.open_case(db, staff, case_id)
    view, blocks = content.open_file(db, rt.settings, case_id=case_id, case_key=key, file_id=file_id)
    audit.record_custody(db, staff_id=staff.staff_id, username=staff.username, action="download_original",
                         case_id=case_id, case_key=key, signing_key=rt.org.signing_key, target=file_id)
    response = download_response(blocks, view)
    response.headers["X-Cleaning"] = "original"
    return response


@router.get("/admin/staff", response_model=list[StaffOut])
def staff_list(_: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> list[StaffOut]:
    return [StaffOut(id=m.id, username=m.username, role=m.role, active=m.active, intake=m.intake)
            for m in staff_service.list_staff(db)]


@router.post("/admin/staff", response_model=NewStaffOut, status_code=201, responses=refusals(409))
def staff_add(body: NewStaffIn, _: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> NewStaffOut:
    new = staff_service.add_staff(db, username=body.username, role=body.role, password=body.password)
    return NewStaffOut(id=new.staff_id, username=new.username, totp_secret=new.totp_secret, totp_uri=new.totp_uri)


@router.patch("/admin/staff/{staff_id}", response_model=StaffOut)
def staff_update(staff_id: StaffId, body: StaffFlagsIn, admin: StaffAccess = Depends(admin_access),
                 db: Session = Depends(get_db)) -> StaffOut:
    """Deactivate an account or change the intake team."""
    if body.active is not None:
        staff_service.set_active(db, staff_id, body.active, actor_id=admin.staff_id)
    if body.intake is not None:
        staff_service.set_intake(db, staff_id, body.intake)
    m = staff_service.get_staff(db, staff_id)
    return StaffOut(id=m.id, username=m.username, role=m.role, active=m.active, intake=m.intake)
