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
from safeconduct.web.errors import refusals
from safeconduct.web.streaming_form import body_in_pieces

TUS_VERSION = "1.0.0"
PREFIX = "/api/v1/contact/uploads"

router = APIRouter(prefix=PREFIX, tags=["contact uploads (tus)"])


class UnsupportedTusVersion(Refusal):
    code = "tus_version"
    http_status = 412


class WrongContentType(Refusal):
    code = "unsupported_media_type"
    http_status = 415


# What /openapi.json says of the tus headers, so that a generic client can drive an upload from it alone.
def _header(name: str, schema: dict[str, object], description: str, required: bool = True) -> dict[str, object]:
    return {"name": name, "in": "header", "required": required, "schema": schema, "description": description}


_RESUMABLE = _header("Tus-Resumable", {"type": "string", "enum": [TUS_VERSION]}, "The tus version spoken.")
_OFFSET_OUT = {"description": "Bytes received so far.", "schema": {"type": "integer", "minimum": 0}}
_RESUMABLE_OUT = {"description": "The tus version spoken.", "schema": {"type": "string", "enum": [TUS_VERSION]}}


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


@router.options("", status_code=204, response_class=Response, openapi_extra={"responses": {"204": {
    "description": "What this server supports.", "headers": {
        "Tus-Resumable": _RESUMABLE_OUT,
        "Tus-Version": {"description": "Versions spoken.", "schema": {"type": "string"}},
        "Tus-Extension": {"description": "`creation,termination`.", "schema": {"type": "string"}},
        "Tus-Max-Size": {"description": "The largest file accepted, in bytes.",
                         "schema": {"type": "integer", "minimum": 0}}}}}})
def capabilities(request: Request) -> Response:
    settings = runtime(request).settings
    return Response(status_code=204, headers=_tus_headers(
        **{"Tus-Version": TUS_VERSION, "Tus-Extension": "creation,termination",
           "Tus-Max-Size": str(settings.max_upload_bytes)}))


@router.post("", status_code=201, response_class=Response, responses=refusals(412, 413), openapi_extra={
    "parameters": [
        _RESUMABLE,
        _header("Upload-Length", {"type": "integer", "minimum": 0}, "The file's size in bytes."),
        _header("Upload-Metadata", {"type": "string"}, "Comma-separated `key base64(value)` pairs: `filename` "
                "and `filetype` (its media type), e.g. `filename cmVwb3J0LnBkZg==,filetype YXBwbGljYXRpb24vcGRm`.",
                required=False)],
    "responses": {"201": {"description": "The upload was created; send its bytes to `Location` with PATCH.",
                          "headers": {"Location": {"description": "The upload's URL.", "required": True,
                                                   "schema": {"type": "string"}},
                                      "Upload-Offset": {**_OFFSET_OUT, "required": True},
                                      "Tus-Resumable": _RESUMABLE_OUT}}}})
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


@router.head("/{upload_id}", response_class=Response, responses=refusals(412), openapi_extra={
    "parameters": [_RESUMABLE],
    "responses": {"200": {"description": "Where to resume: send the rest from `Upload-Offset`.",
                          "headers": {"Upload-Offset": {**_OFFSET_OUT, "required": True},
                                      "Upload-Length": {"description": "The file's announced size.", "required": True,
                                                        "schema": {"type": "integer", "minimum": 0}},
                                      "Tus-Resumable": _RESUMABLE_OUT}}}})
def offset(upload_id: str, request: Request, access: ContactAccess = Depends(contact_access),
           db: Session = Depends(get_db)) -> Response:
    _require_tus(request)
    state = content.upload_state(db, runtime(request).settings, case_id=access.case_id,
                                 case_key=access.case_key, upload_id=upload_id)
    return Response(status_code=200, headers=_tus_headers(
        **{"Upload-Offset": str(state.offset), "Upload-Length": str(state.length)}))


@router.patch("/{upload_id}", status_code=204, response_class=Response, responses=refusals(409, 412, 413, 415),
              openapi_extra={
    "parameters": [_RESUMABLE, _header("Upload-Offset", {"type": "integer", "minimum": 0},
                                       "Where these bytes go: the offset HEAD gave.")],
    "requestBody": {"required": True, "description": "The next bytes of the file.", "content": {
        "application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
    "responses": {"204": {"description": "Stored; `Upload-Offset` is the new offset.",
                          "headers": {"Upload-Offset": {**_OFFSET_OUT, "required": True},
                                      "Tus-Resumable": _RESUMABLE_OUT}}}})
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
        async for piece in body_in_pieces(request):  # encryption, disk and lease renewals: off the event loop
            if appender.lease_due():
                await run_in_threadpool(appender.renew_lease)
            await run_in_threadpool(appender.write, piece)
    except ClientDisconnect:
        pass  # keep what arrived; the client resumes from HEAD's offset
    finally:
        state = await run_in_threadpool(appender.close, db)
    if state.file is not None:  # the last byte arrived: the file is recorded, now make its cleaned copy
        await run_in_threadpool(cleaning.after_arrival, db, settings, case_id=access.case_id,
                                case_key=access.case_key, signing_key=runtime(request).org.signing_key,
                                file=state.file)
    return Response(status_code=204, headers=_tus_headers(**{"Upload-Offset": str(state.offset)}))


@router.delete("/{upload_id}", status_code=204, response_class=Response, responses=refusals(412),
               openapi_extra={"parameters": [_RESUMABLE]})
def terminate(upload_id: str, request: Request, access: ContactAccess = Depends(contact_access),
              db: Session = Depends(get_db)) -> Response:
    _require_tus(request)
    content.cancel_upload(db, runtime(request).settings, case_id=access.case_id, upload_id=upload_id)
    return Response(status_code=204, headers=_tus_headers())
