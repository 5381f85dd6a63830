"""A finished testimony's outputs, decrypted as they stream, with HTTP Range requests so a player can seek.

`GET /api/v1/staff/cases/{case_id}/testimonies/{id}/outputs/{name}` answers with the plaintext of one
output (the anonymized recording, `transcript.vtt`, `transcript.txt`, `report.json`). It takes the
console's cookie session (a `<video>` element sends the page's cookies, never a header) or a bearer token.

Ranges (RFC 9110 §14): one range of the forms `bytes=a-b`, `bytes=a-` and `bytes=-n` is answered with
206 Partial Content and its `Content-Range`; a well-formed range that starts beyond the output is answered
with 416 and `Content-Range: bytes */size`. A header that is not a valid byte range (`bytes=abc`,
`bytes=5-2`, another unit) is ignored, as the RFC asks, and the whole output is sent (200). Several ranges
in one header (`bytes=0-1,5-9`) are answered with the whole output too: a server may ignore a Range
header, media elements never ask for several, and a multipart body would only add code to get wrong.

The route is a plain `def`: opening the case (its key from the caseworker's seal) runs in the threadpool,
and Starlette iterates the sync generator there too, so decryption never runs on the event loop. Only the
blocks a range covers are read and decrypted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from safeconduct.cases import inbox
from safeconduct.staff.service import StaffAccess
from safeconduct.testimony import studio
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import ErrorOut, refusals

router = APIRouter()
STAFF = "/api/v1/staff"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
NOT_SATISFIABLE = "not satisfiable"


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) inclusive for one satisfiable range; NOT_SATISFIABLE; or None for "send everything"
    (no header, a malformed one, or several ranges)."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None:  # malformed, another unit, or several ranges (a comma): the whole body
        return None
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:  # suffix: the last n bytes (all of them when n is longer than the output)
        length = int(last)
        if length == 0 or size == 0:
            return NOT_SATISFIABLE
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:  # bytes=5-2 is not a valid range: ignored
        return None
    if start >= size:
        return NOT_SATISFIABLE
    return start, min(end, size - 1)


def output_response(request: Request, output: studio.StoredOutput) -> Response:
    """The output decrypted as it streams: whole (200), one byte range (206) or an unsatisfiable range (416)."""
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
               "Content-Disposition": "inline"}
    wanted = parse_range(request.headers.get("range"), output.size)
    if wanted == NOT_SATISFIABLE:
        body = ErrorOut(error="range_not_satisfiable", message="The range asked for starts beyond the end of "
                        "this output.", details=None).model_dump_json(exclude_none=True)
        return Response(body, status_code=416, media_type="application/json",
                        headers={**headers, "Content-Range": f"bytes */{output.size}"})
    if wanted is None:
        headers["Content-Length"] = str(output.size)
        return StreamingResponse(_stream(output, 0, None), media_type=output.content_type, headers=headers)
    assert isinstance(wanted, tuple)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{output.size}"
    headers["Content-Length"] = str(last - first + 1)
    return StreamingResponse(_stream(output, first, last + 1), status_code=206, media_type=output.content_type,
                             headers=headers)


def _stream(output: studio.StoredOutput, start: int, end: int | None) -> Iterator[bytes]:
    yield from output.iter_bytes(start, end)


@router.get(f"{STAFF}/cases/{{case_id}}/testimonies/{{testimony_id}}/outputs/{{name}}", tags=["testimony"],
            responses={**refusals(404), 200: {"description": "The whole output, decrypted.",
                                              "content": {"video/mp4": {}, "audio/mp4": {},
                                                          "text/vtt": {}, "application/json": {}}},
                       206: {"description": "One byte range of the output (`Range: bytes=…`)."},
                       416: {"model": ErrorOut,
                             "description": "The range starts beyond the output; `Content-Range: bytes */size`."}},
            response_class=Response)
def get_output(case_id: str, testimony_id: str, name: str, request: Request,
               staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    """One output of a finished testimony, decrypted as it streams; one byte range when asked (seeking).

    `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` gets 206 with `Content-Range`; a range starting beyond the
    output gets 416 with `Content-Range: bytes */size`. A malformed Range header is ignored (RFC 9110), and
    several ranges in one header are answered with the whole output (200): no multipart bodies.
    """
    _, key = inbox.open_case(db, staff, case_id)
    output = studio.open_output(db, runtime(request).settings, case_id=case_id, case_key=key,
                                testimony_id=testimony_id, name=name)
    return output_response(request, output)
