"""JSON API of the contact side (for mobile clients and automated checks)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from safeconduct.auth import sessions
from safeconduct.cases import cleaning, content
from safeconduct.cases.content import CONTACT, FileSink
from safeconduct.contact import service as contact
from safeconduct.contact import start_tokens
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import ByteSize, InvalidInput
from safeconduct.store import diskspace
from safeconduct.web.deps import CONTACT_BEARER, Bearer, contact_access, contact_for, get_db, run_unit, runtime
from safeconduct.web.errors import refusals
from safeconduct.web.schemas import (
    CodenameIn,
    CodenameOut,
    ConversationOut,
    FileOut,
    MessageOut,
    StartIn,
    StartTokenOut,
    TextIn,
    TokenOut,
)
from safeconduct.web.streaming_form import declared_length, read_form, refuse_if_declared_too_large

router = APIRouter(prefix="/api/v1/contact", tags=["contact"])


def start_session(request: Request, db: Session, access: ContactAccess) -> str:
    minutes = runtime(request).settings.contact_session_minutes
    token = sessions.create(db, kind="contact", subject=access.case_id, secret=access.case_key, minutes=minutes)
    db.commit()
    return token


@router.get("/start-token", response_model=StartTokenOut)
def start_token(request: Request) -> StartTokenOut:
    """A token for one start: free to ask for (nothing is stored), needed by POST /start, usable once."""
    return StartTokenOut(start_token=start_tokens.issue(runtime(request).org),
                         expires_in=int(start_tokens.LIFETIME.total_seconds()))


@router.post("/start", response_model=CodenameOut, status_code=201, responses=refusals(409))
def start(request: Request, body: StartIn | None = None, db: Session = Depends(get_db)) -> CodenameOut:
    """Open a new conversation with a token from GET /start-token. The codename is returned once and never
    stored; the conversation reaches the caseworkers with its first message or file."""
    start_tokens.spend(db, runtime(request).org, body.start_token if body else None)
    codename, _ = contact.start_conversation(db, runtime(request).org, writer=body.writer if body else None)
    return CodenameOut(codename=codename)


@router.post("/session", response_model=TokenOut, responses=refusals(401))
def log_in(body: CodenameIn, request: Request, db: Session = Depends(get_db)) -> TokenOut:
    """Exchange a codename for a bearer token."""
    access = contact.log_in(db, runtime(request).org, body.codename)
    token = start_session(request, db, access)
    return TokenOut(token=token, expires_in=runtime(request).settings.contact_session_minutes * 60)


@router.delete("/session", status_code=204)
def log_out(request: Request, db: Session = Depends(get_db), _: ContactAccess = Depends(contact_access)) -> Response:
    sessions.end(db, request.headers.get("authorization", "")[7:].strip())
    return Response(status_code=204)


@router.get("/messages", response_model=ConversationOut)
def conversation(access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db)) -> ConversationOut:
    """The whole conversation, replies included, decrypted in memory."""
    messages = content.read_messages(db, case_id=access.case_id, case_key=access.case_key)
    files = content.files_for_contact(db, case_id=access.case_id, case_key=access.case_key)
    return ConversationOut(messages=[MessageOut.of(m, for_staff=False) for m in messages],
                           files=[FileOut.of(f) for f in files])


@router.post("/messages", response_model=MessageOut, status_code=201, responses=refusals(413))
async def send(body: TextIn, request: Request, bearer: Bearer = Security(CONTACT_BEARER)) -> MessageOut:
    """Send a message; it is encrypted, chained in the case's ledger and stored in one transaction."""

    def unit(db: Session) -> content.MessageView:
        access = contact_for(request, db, bearer)
        return content.post_contact_message(db, runtime(request).settings, case_id=access.case_id,
                                            case_key=access.case_key, signing_key=runtime(request).org.signing_key,
                                            text=body.text)

    # session, case, ledger and message in one worker-thread call: one hop instead of one per dependency
    view = await run_in_threadpool(run_unit, request, unit)
    return MessageOut.of(view, for_staff=False)


@router.get("/files", response_model=list[FileOut])
def files(access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db)) -> list[FileOut]:
    return [FileOut.of(f) for f in content.files_for_contact(db, case_id=access.case_id, case_key=access.case_key)]


@router.post("/files", response_model=FileOut, status_code=201, responses=refusals(413),
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"],
                 "properties": {"file": {"type": "string", "format": "binary"}}}}}}})
async def upload(request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> FileOut:
    """A small file in one request (multipart field `file`); large ones should use the resumable route."""
    view = await receive_file(request, db, access, CONTACT)
    return FileOut.of(view)


async def receive_file(request: Request, db: Session, access: ContactAccess | tuple[str, bytes],
                       author: content.Author, check_fields: object = None, *,
                       internal: bool = False) -> content.FileView:
    """Stream a multipart upload into encrypted storage and record it (shared by API and pages)."""
    settings = runtime(request).settings
    case_id, case_key = (access.case_id, access.case_key) if isinstance(access, ContactAccess) else access
    refuse_if_declared_too_large(request, settings.max_upload_bytes, "The file is too large: at most %(n)s.",
                                 n=ByteSize(settings.max_upload_bytes))
    diskspace.require_room(settings, declared_length(request))  # out of space: refused before the body

    def open_sink(name: str, content_type: str) -> FileSink:
        return FileSink(settings, case_id=case_id, case_key=case_key, signing_key=runtime(request).org.signing_key,
                        author=author, name=name, content_type=content_type, internal=internal)

    form = await read_form(request, open_sink)
    if callable(check_fields):
        try:
            check_fields(form.fields)
        except Exception:
            if form.sink is not None:
                form.sink.abort()
            raise
    if form.sink is None:
        raise InvalidInput("Choose a file to send.")
    view = await run_in_threadpool(form.sink.finish, db)
    await run_in_threadpool(cleaning.after_arrival, db, settings, case_id=case_id, case_key=case_key,
                            signing_key=runtime(request).org.signing_key, file=view)
    return view
