"""Reading a multipart form with one file straight into encrypted storage.

Starlette's own form parser spools large files to a temporary file in the clear; this one hands each piece
of the body to a `FileSink` as it arrives, so plaintext never reaches the disk and memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from safeconduct.cases.content import FileSink
from safeconduct.errors import InvalidInput, Refusal, TooLarge

FIELD_LIMIT = 16 * 1024
OVERHEAD = 64 * 1024


@dataclass
class StreamedForm:
    fields: dict[str, str] = field(default_factory=dict)
    sink: FileSink | None = None


def refuse_if_declared_too_large(request: Request, max_bytes: int, message: str, **params: object) -> None:
    """Refuse from the headers alone, before a byte of the body is read."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + OVERHEAD:
        raise TooLarge(message, **params)


async def read_form(request: Request, open_sink: Callable[[str, str], FileSink]) -> StreamedForm:
    """Parse the body; on any failure the partly written file is discarded and nothing is stored."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the file as multipart/form-data.")
    form = StreamedForm()
    state: dict[str, object] = {}

    def on_part_begin() -> None:
        state.update(headers={}, name=None, filename=None, buffer=bytearray(), is_file=False)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header_field"] = state.get("header_field", b"") + data[start:end]  # type: ignore[operator]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["header_value"] = state.get("header_value", b"") + data[start:end]  # type: ignore[operator]

    def on_header_end() -> None:
        headers: dict[bytes, bytes] = state["headers"]  # type: ignore[assignment]
        headers[bytes(state.pop("header_field", b"")).lower()] = bytes(state.pop("header_value", b""))  # type: ignore[arg-type]

    def on_headers_finished() -> None:
        headers: dict[bytes, bytes] = state["headers"]  # type: ignore[assignment]
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        state["name"] = name
        if filename is not None:
            if form.sink is not None:
                raise InvalidInput("Send one file at a time.")
            fname = filename.decode("utf-8", "replace")
            if fname:
                form.sink = open_sink(fname, headers.get(b"content-type", b"").decode("latin-1"))
                state["is_file"] = True
            else:
                state["is_file"] = "empty"

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.get("is_file") is True:
            assert form.sink is not None
            form.sink.write(data[start:end])
        elif state.get("is_file") is False:
            buffer: bytearray = state["buffer"]  # type: ignore[assignment]
            buffer += data[start:end]
            if len(buffer) > FIELD_LIMIT:
                raise InvalidInput("A form field is too long.")

    def on_part_end() -> None:
        if state.get("is_file") is False and state.get("name"):
            form.fields[str(state["name"])] = bytes(state["buffer"]).decode("utf-8", "replace")  # type: ignore[arg-type]

    parser = MultipartParser(
        boundary,
        callbacks={  # type: ignore[arg-type]
            "on_part_begin": on_part_begin, "on_header_field": on_header_field,
            "on_header_value": on_header_value, "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except ClientDisconnect as exc:
        if form.sink is not None:
            form.sink.abort()
        raise InvalidInput("The upload was cut off before the end; nothing was stored. Please try again.") from exc
    except Refusal:
        if form.sink is not None:
            form.sink.abort()
        raise
    except Exception as exc:  # the parser's own errors: a malformed body
        if form.sink is not None:
            form.sink.abort()
        raise InvalidInput("The form data is malformed; nothing was stored.") from exc
    return form
