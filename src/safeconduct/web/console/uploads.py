"""The organisation's own recordings into a case: an interview it recorded, to prepare as a testimony.

Same streaming and encryption as a contact's file (`api_contact.receive_file`: the body is sealed as it
arrives, never held whole); the file is marked internal, so it stays with the case's staff and never appears
in the contact's conversation.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from safeconduct.cases import inbox
from safeconduct.cases.content import Author
from safeconduct.errors import Forbidden, Refusal
from safeconduct.staff.service import StaffAccess
from safeconduct.web.api.contact import receive_file
from safeconduct.web.console.workspace import workspace_page
from safeconduct.web.deps import get_db, staff_access
from safeconduct.web.errors import refusals, status_for
from safeconduct.web.forms import check_csrf_fields
from safeconduct.web.render import translate
from safeconduct.web.schemas import FileOut

api = APIRouter()
pages = APIRouter(include_in_schema=False)

_MULTIPART = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


def _author(staff: StaffAccess) -> Author:
    return Author("staff", staff.staff_id, staff.username)


@api.post("/api/v1/staff/cases/{case_id}/files", response_model=FileOut, status_code=201, tags=["case work"],
          responses=refusals(413), openapi_extra=_MULTIPART)
async def upload_recording(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                           db: Session = Depends(get_db)) -> FileOut:
    """A recording the organisation made (multipart field `file`), kept in the case for its staff only."""
    _, key = await run_in_threadpool(inbox.open_case, db, staff, case_id)
    view = await receive_file(request, db, (case_id, key), _author(staff), internal=True)
    return FileOut.of(view)


@pages.post("/staff/cases/{case_id}/files", response_class=HTMLResponse)
async def upload_recording_page(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                                db: Session = Depends(get_db)) -> Response:
    _, key = await run_in_threadpool(inbox.open_case, db, staff, case_id)
    try:
        await receive_file(request, db, (case_id, key), _author(staff), check_csrf_fields(request), internal=True)
    except Refusal as exc:
        if isinstance(exc, Forbidden):
            raise
        return await run_in_threadpool(workspace_page, request, db, staff, case_id, tab="files",
                                       error=translate(request, exc.message, **exc.params),
                                       status_code=status_for(exc))
    return RedirectResponse(f"/staff/cases/{case_id}/work?tab=files&recorded=1#testimonies", status_code=303)
