"""Resumable uploads for the contact side, following the tus 1.0 protocol (core, creation, termination).

A dropped connection loses nothing: the client asks for the offset (HEAD) and sends the rest (PATCH).
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from safeconduct.cases import cleaning, content
from safeconduct.cases.content import CONTACT, UploadAppender
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import InvalidInput, Refusal
from safeconduct.web.deps import contact_access, get_db, runtime

TUS_VERSION = "1.0.0"
PREFIX = "/api/v1/contact/uploads"

router = APIRouter(prefix=PREFIX, tags=["contact uploads (tus)"])


class UnsupportedTusVersion(Refusal):
    code = "tus_version"
    http_status = 412


class WrongContentType(Refusal):
    code = "unsupported_media_type"
    http_status = 415


def _tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, **extra}


def _require_tus(request: Request) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise UnsupportedTusVersion("This server speaks tus %(v)s; send the Tus-Resumable header.", v=TUS_VERSION)


def _metadata(header: str) -> dict[str, str]:
    """Decode `Upload-Metadata: key base64value, …`."""
    values: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput("Upload-Metadata is not valid base64.") from exc
    return values


def _int_header(request: Request, name: str) -> int:
    value = request.headers.get(name)
    if value is None or not value.isdigit():
        raise InvalidInput("The %(h)s header must be a whole number of bytes.", h=name)
    return int(value)


@router.options("", status_code=204)
def capabilities(request: Request) -> Response:
    settings = runtime(request).settings
    return Response(status_code=204, headers=_tus_headers(
        **{"Tus-Version": TUS_VERSION, "Tus-Extension": "creation,termination",
           "Tus-Max-Size": str(settings.max_upload_bytes)}))


@router.post("", status_code=201)
def create(request: Request, access: ContactAccess = Depends(contact_access),
           db: Session = Depends(get_db)) -> Response:
    """Announce a file (Upload-Length, Upload-Metadata filename/filetype); too large is refused here."""
    _require_tus(request)
    length = _int_header(request, "Upload-Length")
    meta = _metadata(request.headers.get("upload-metadata", ""))
    state = content.create_upload(
        db, runtime(request).settings, case=content.get_case(db, access.case_id), case_key=access.case_key,
        signing_key=runtime(request).org.signing_key, author=CONTACT, length=length, name=meta.get("filename", ""),
        content_type=meta.get("filetype", ""),
    )
    return Response(status_code=201, headers=_tus_headers(
        Location=f"{PREFIX}/{state.id}", **{"Upload-Offset": str(state.offset)}))


@router.head("/{upload_id}")
def offset(upload_id: str, request: Request, access: ContactAccess = Depends(contact_access),
           db: Session = Depends(get_db)) -> Response:
    _require_tus(request)
    state = content.upload_state(db, runtime(request).settings, case_id=access.case_id,
                                 case_key=access.case_key, upload_id=upload_id)
    return Response(status_code=200, headers=_tus_headers(
        **{"Upload-Offset": str(state.offset), "Upload-Length": str(state.length)}))


@router.patch("/{upload_id}", status_code=204)
async def append(upload_id: str, request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> Response:
    """Receive bytes at Upload-Offset; what arrives before a disconnect is kept.

    A second PATCH while one is still receiving (in any server process) gets a 409: the client asks
    HEAD for the offset and tries again.
    """
    _require_tus(request)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/offset+octet-stream":
        raise WrongContentType("PATCH bodies must be application/offset+octet-stream.")
    start = _int_header(request, "Upload-Offset")
    settings = runtime(request).settings
    appender = await run_in_threadpool(
        UploadAppender, db, settings, case_id=access.case_id, case_key=access.case_key,
        signing_key=runtime(request).org.signing_key, upload_id=upload_id, offset=start,
    )
    try:
        async for chunk in request.stream():
            if appender.lease_due():  # a database write: off the event loop
                await run_in_threadpool(appender.renew_lease)
            appender.write(chunk)
    except ClientDisconnect:
        pass  # keep what arrived; the client resumes from HEAD's offset
    finally:
        state = await run_in_threadpool(appender.close, db)
    if state.file is not None:  # the last byte arrived: the file is recorded, now make its cleaned copy
        await run_in_threadpool(cleaning.after_arrival, db, settings, case_id=access.case_id,
                                case_key=access.case_key, signing_key=runtime(request).org.signing_key,
                                file=state.file)
    return Response(status_code=204, headers=_tus_headers(**{"Upload-Offset": str(state.offset)}))


@router.delete("/{upload_id}", status_code=204)
def terminate(upload_id: str, request: Request, access: ContactAccess = Depends(contact_access),
              db: Session = Depends(get_db)) -> Response:
    _require_tus(request)
    content.cancel_upload(db, runtime(request).settings, case_id=access.case_id, upload_id=upload_id)
    return Response(status_code=204, headers=_tus_headers())
