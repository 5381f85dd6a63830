"""Reading a multipart form with one file straight into encrypted storage.

Starlette's own form parser spools large files to a temporary file in the clear; this one hands each piece
of the body to a `FileSink` as it arrives, so plaintext never reaches the disk and memory stays flat.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from safeconduct.cases.content import FileSink
from safeconduct.errors import InvalidInput, Refusal, TooLarge

FIELD_LIMIT = 16 * 1024
OVERHEAD = 64 * 1024


@dataclass
class _Part:
    """The part of the body being parsed."""

    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    kind: str = "field"  # "field", "file" or "empty"
    buffer: bytearray = field(default_factory=bytearray)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)

    def reset(self) -> None:
        self.headers, self.name, self.kind = {}, "", "field"
        self.buffer, self.header_field, self.header_value = bytearray(), bytearray(), bytearray()


@dataclass
class StreamedForm:
    fields: dict[str, str] = field(default_factory=dict)
    sink: FileSink | None = None


CUT_OFF = "The upload was cut off before the end; nothing was stored. Please try again."


def declared_length(request: Request) -> int:
    """The body size the client announced (0 when it did not say, e.g. a chunked body)."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else 0


def refuse_if_declared_too_large(request: Request, max_bytes: int, message: str, **params: object) -> None:
    """Refuse from the headers alone, before a byte of the body is read."""
    if declared_length(request) > max_bytes + OVERHEAD:
        raise TooLarge(message, **params)


#: Bytes gathered before they are handed to a worker thread: the encryption and disk writes of a body never
#: run on the event loop, and each thread hop carries about one encrypted block.
PIECE = 1024 * 1024


async def body_in_pieces(request: Request, piece: int = PIECE) -> AsyncIterator[bytes]:
    """The request body in pieces of about `piece` bytes; what came before a disconnect is yielded first,
    then the disconnect is raised, so nothing that arrived is lost."""
    buffer = bytearray()
    try:
        async for chunk in request.stream():
            buffer += chunk
            if len(buffer) >= piece:
                yield bytes(buffer)
                buffer.clear()
    except ClientDisconnect:
        if buffer:
            yield bytes(buffer)
        raise
    if buffer:
        yield bytes(buffer)


async def read_form(request: Request, open_sink: Callable[[str, str], FileSink]) -> StreamedForm:
    """Parse the body; on any failure the partly written file is discarded and nothing is stored."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the file as multipart/form-data.")
    form = StreamedForm()
    part = _Part()
    closed = False  # whether the closing boundary arrived: without it the file may be cut short

    def on_end() -> None:
        nonlocal closed
        closed = True

    def on_part_begin() -> None:
        part.reset()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part.header_value += data[start:end]

    def on_header_end() -> None:
        part.headers[bytes(part.header_field).lower()] = bytes(part.header_value)
        part.header_field.clear()
        part.header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(part.headers.get(b"content-disposition", b""))
        part.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        if filename is None:
            return
        if form.sink is not None:
            raise InvalidInput("Send one file at a time.")
        if not filename:  # a file input left empty
            part.kind = "empty"
            return
        part.kind = "file"
        form.sink = open_sink(filename.decode("utf-8", "replace"),
                              part.headers.get(b"content-type", b"").decode("latin-1"))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.kind == "file" and form.sink is not None:
            form.sink.write(data[start:end])
        elif part.kind == "field":
            part.buffer += data[start:end]
            if len(part.buffer) > FIELD_LIMIT:
                raise InvalidInput("A form field is too long.")

    def on_part_end() -> None:
        if part.kind == "field" and part.name:
            form.fields[part.name] = bytes(part.buffer).decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": on_part_begin, "on_header_field": on_header_field,
            "on_header_value": on_header_value, "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    try:
        async for piece in body_in_pieces(request):
            await run_in_threadpool(parser.write, piece)
        parser.finalize()
    except ClientDisconnect as exc:
        if form.sink is not None:
            form.sink.abort()
        raise InvalidInput(CUT_OFF) from exc
    except Refusal:
        if form.sink is not None:
            form.sink.abort()
        raise
    except Exception as exc:  # the parser's own errors: a malformed body
        if form.sink is not None:
            form.sink.abort()
        raise InvalidInput("The form data is malformed; nothing was stored.") from exc
    if not closed:  # the body ended early (a proxy or client gave up): what came is not the whole file
        if form.sink is not None:
            form.sink.abort()
        raise InvalidInput(CUT_OFF)
    return form
