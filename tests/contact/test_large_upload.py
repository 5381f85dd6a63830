"""A 1 GiB file, interrupted mid-way and resumed through tus, arrives intact and decrypts intact."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Installation, LiveServer
from tests.flows import bearer, only_case_id, staff_token, start_contact

SIZE = 1024**3
MiB = 1024 * 1024
TUS = {"Tus-Resumable": "1.0.0"}


def _content(start: int = 0) -> Iterator[bytes]:
    """1 GiB of reproducible, incompressible bytes, from any offset, generated as it is sent."""
    base = hashlib.sha256(b"seed").digest() * (MiB // 32)
    block = start // MiB
    skip = start % MiB
    while block * MiB < SIZE:
        chunk = block.to_bytes(8, "big") + base[8:]
        yield chunk[skip:]
        skip = 0
        block += 1


@pytest.mark.slow
def test_one_gib_upload_interrupted_and_resumed_is_decrypted_intact(sqlite_installation: Installation) -> None:
    expected = hashlib.sha256()
    for chunk in _content():
        expected.update(chunk)
    login = sqlite_installation.add_staff("quinn")
    with LiveServer(sqlite_installation) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        _, token = start_contact(client)
        created = client.post("/api/v1/contact/uploads", headers={**bearer(token), **TUS, "Upload-Length": str(SIZE)})
        assert created.status_code == 201
        url = created.headers["location"]

        # Send 400 MiB of the body, then drop the connection.
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
            sock.sendall((f"PATCH {url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                          "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                          f"Upload-Offset: 0\r\nContent-Length: {SIZE}\r\n\r\n").encode())
            sent = 0
            for chunk in _content():
                sock.sendall(chunk)
                sent += len(chunk)
                if sent >= 400 * MiB:
                    break
            sock.shutdown(socket.SHUT_RDWR)

        offset, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 1.0:
            now = int(client.head(url, headers={**bearer(token), **TUS}).headers["upload-offset"])
            if now != offset:
                offset, stable_since = now, time.monotonic()
            time.sleep(0.1)
        assert 100 * MiB < offset <= sent
        leftovers = [p for p in sqlite_installation.settings.uploads_dir.iterdir()]
        assert leftovers, "the partial upload should be kept, encrypted, for resumption"

        r = client.patch(url, content=_content(offset), headers={
            **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)})
        assert r.status_code == 204 and int(r.headers["upload-offset"]) == SIZE
        files = client.get("/api/v1/contact/files", headers=bearer(token)).json()
        assert files[0]["size"] == SIZE and files[0]["sha256"] == expected.hexdigest()

        staff = staff_token(client, login)
        case_id = only_case_id(client, staff)
        got = hashlib.sha256()
        with client.stream("GET", f"/api/v1/staff/cases/{case_id}/files/{files[0]['id']}",
                           headers=bearer(staff)) as download:
            assert download.status_code == 200
            for part in download.iter_bytes():
                got.update(part)
        assert got.hexdigest() == expected.hexdigest()
    stored = sqlite_installation.settings.files_dir / f"{files[0]['id']}.enc"
    assert stored.stat().st_size > SIZE  # the stored form is the encrypted one (blocks plus tags)
    with open(stored, "rb") as fh:
        fh.seek(500 * MiB)
        sample = fh.read(MiB)
    assert sample not in b"".join([next(_content(500 * MiB))])
    assert list(sqlite_installation.settings.uploads_dir.iterdir()) == []
    os.sync()
