"""Every kind of bad input gets a clear error with the right status, and nothing earlier is lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from safeconduct.auth.models import AuthSession
from tests.conftest import Installation, LiveServer
from tests.flows import bearer, only_case_id, staff_token, start_contact

TUS = {"Tus-Resumable": "1.0.0"}


def _read_response(sock: socket.socket) -> str:
    """Read one whole HTTP response (headers, then the body its Content-Length announces)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return (head + b"\r\n\r\n" + body).decode()


def _texts(client: TestClient, token: str) -> list[str]:
    r = client.get("/api/v1/contact/messages", headers=bearer(token))
    assert r.status_code == 200
    return [m["text"] for m in r.json()["messages"]]


@pytest.fixture
def conversation(sqlite_client: TestClient) -> tuple[TestClient, str]:
    _, token = start_contact(sqlite_client)
    r = sqlite_client.post("/api/v1/contact/messages", json={"text": "kept"}, headers=bearer(token))
    assert r.status_code == 201
    return sqlite_client, token


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"text": 42}', 422, "invalid_input"),
        (b'{"text": ["a"]}', 422, "invalid_input"),
        (b'{"message": "wrong field"}', 422, "invalid_input"),
        (b'{"text": "   \\n  "}', 422, "invalid_input"),
        (b'{"text": ""}', 422, "invalid_input"),
        (b"[]", 422, "invalid_input"),
    ],
)
def test_bad_message_bodies_are_refused_and_nothing_is_lost(conversation: tuple[TestClient, str], body: bytes,
                                                            status: int, error: str) -> None:
    client, token = conversation
    r = client.post("/api/v1/contact/messages", content=body,
                    headers={**bearer(token), "Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["error"] == error and r.json()["message"]
    assert _texts(client, token) == ["kept"]


def test_oversized_text_is_refused(conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    r = client.post("/api/v1/contact/messages", json={"text": "x" * 20_001}, headers=bearer(token))
    assert r.status_code == 413 and "at most 20000 characters" in r.json()["message"]
    assert _texts(client, token) == ["kept"]


def test_oversized_text_on_the_page_keeps_what_was_typed(conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    # log the browser in with the page form, then send a too-long message
    codename = None  # the page session comes from the API token via cookie
    client.cookies.set("sc_contact", token)
    page = client.get("/contact/conversation")
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    draft = "my long story " * 2000
    r = client.post("/contact/messages", data={"csrf_token": csrf, "text": draft})
    assert r.status_code == 413 and "too long" in r.text
    assert draft.strip()[:200] in r.text  # the text is shown again in the form, nothing typed is lost
    assert codename is None and _texts(client, token) == ["kept"]


@pytest.mark.parametrize("token", ["", "sc1.AAAA", "sc1." + "A" * 64, "Bearer", "garbage"])
def test_forged_or_missing_tokens_are_refused(conversation: tuple[TestClient, str], token: str) -> None:
    client, good = conversation
    headers = bearer(token) if token else {}
    r = client.post("/api/v1/contact/messages", json={"text": "x"}, headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "authentication_failed"
    assert r.headers["www-authenticate"] == "Bearer"
    assert _texts(client, good) == ["kept"]


def test_a_token_whose_key_part_was_changed_is_refused(conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get("/api/v1/contact/messages", headers=bearer(tampered)).status_code == 401


def test_expired_sessions_are_refused(sqlite_installation: Installation, conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    with sqlite_installation.runtime.db() as db:
        db.execute(update(AuthSession).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        db.commit()
    r = client.get("/api/v1/contact/messages", headers=bearer(token))
    assert r.status_code == 401 and "ended" in r.json()["message"]
    # a page sends the person back to the codename form instead
    client.cookies.set("sc_contact", token)
    r = client.get("/contact/conversation")
    assert r.status_code == 303 and r.headers["location"] == "/contact/login?ended=1"


def test_unknown_case_and_file_are_not_found(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("lena")
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, token)
    for path in ("/api/v1/staff/cases/ffffffffffffffffffffffffffffffff/messages",
                 f"/api/v1/staff/cases/{case_id}/files/ffffffffffffffffffffffffffffffff"):
        r = sqlite_client.get(path, headers=bearer(token))
        assert r.status_code == 404 and r.json()["message"]
    r = sqlite_client.post("/api/v1/staff/cases/nope/replies", json={"text": "hi"}, headers=bearer(token))
    assert r.status_code == 404


def test_a_file_upload_without_a_file_is_refused(conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    r = client.post("/api/v1/contact/files", data={"other": "x"}, files={"x": ("", b"")}, headers=bearer(token))
    assert r.status_code == 422 and "Choose a file" in r.json()["message"]
    r = client.post("/api/v1/contact/files", content=b"raw", headers={**bearer(token), "Content-Type": "text/plain"})
    assert r.status_code == 422 and "multipart" in r.json()["message"]


def test_a_file_declared_too_large_is_refused_before_its_body_is_read(sqlite_installation: Installation) -> None:
    with LiveServer(sqlite_installation) as server:
        import httpx

        with httpx.Client(base_url=server.url) as client:
            _, token = start_contact(client)
        # Announce 3 GiB and send no body at all: the answer must come from the headers alone.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall((
                "POST /api/v1/contact/files HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {token}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {3 * 1024**3}\r\n\r\n").encode())
            answer = _read_response(sock)
        assert answer.startswith("HTTP/1.1 413") and "too large" in answer
        r = httpx.post(f"{server.url}/api/v1/contact/uploads",
                       headers={**bearer(token), **TUS, "Upload-Length": str(3 * 1024**3)})
        assert r.status_code == 413 and "at most 2\u00a0GiB" in r.json()["message"]
    assert list(sqlite_installation.settings.uploads_dir.iterdir()) == []


def test_a_file_cut_off_mid_upload_leaves_nothing_half_written(sqlite_installation: Installation) -> None:
    import httpx

    with LiveServer(sqlite_installation) as server, httpx.Client(base_url=server.url) as client:
        _, token = start_contact(client)
        client.post("/api/v1/contact/files", files={"file": ("first.txt", b"first file")}, headers=bearer(token))
        head = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall((
                "POST /api/v1/contact/files HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {token}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {len(head) + 5_000_000}\r\n\r\n").encode() + head + os.urandom(3_000_000))
        import time

        time.sleep(1.0)
        files = client.get("/api/v1/contact/files", headers=bearer(token)).json()
        assert [f["name"] for f in files] == ["first.txt"]
    assert list(sqlite_installation.settings.uploads_dir.iterdir()) == []
    assert len(list(sqlite_installation.settings.files_dir.iterdir())) == 1


def test_tus_refusals_are_clear(conversation: tuple[TestClient, str]) -> None:
    client, token = conversation
    auth = bearer(token)
    assert client.post("/api/v1/contact/uploads", headers={**auth, "Upload-Length": "10"}).status_code == 412
    r = client.post("/api/v1/contact/uploads", headers={**auth, **TUS})
    assert r.status_code == 422 and "Upload-Length" in r.json()["message"]
    r = client.post("/api/v1/contact/uploads", headers={**auth, **TUS, "Upload-Length": "10",
                                                       "Upload-Metadata": "filename !!notbase64"})
    assert r.status_code == 422
    created = client.post("/api/v1/contact/uploads", headers={**auth, **TUS, "Upload-Length": "10"})
    url = created.headers["location"]
    patch = {**auth, **TUS, "Content-Type": "application/offset+octet-stream"}
    assert client.patch(url, content=b"12345", headers={**patch, "Upload-Offset": "0"}).headers["upload-offset"] == "5"
    r = client.patch(url, content=b"67890", headers={**patch, "Upload-Offset": "2"})  # a chunk out of order
    assert r.status_code == 409 and "byte 5" in r.json()["message"]
    r = client.patch(url, content=b"67890", headers={**auth, **TUS, "Upload-Offset": "5"})
    assert r.status_code == 415
    r = client.patch(url, content=b"6789012345", headers={**patch, "Upload-Offset": "5"})  # more than announced
    assert r.status_code == 422
    assert client.head(url, headers={**auth, **TUS}).headers["upload-offset"] == "5"  # nothing lost
    r = client.patch(url, content=b"67890", headers={**patch, "Upload-Offset": "5"})
    assert r.status_code == 204 and r.headers["upload-offset"] == "10"
    assert [f["size"] for f in client.get("/api/v1/contact/files", headers=auth).json()] == [10]
    assert client.patch("/api/v1/contact/uploads/ffff", content=b"x",
                        headers={**patch, "Upload-Offset": "0"}).status_code == 404
    assert _texts(client, token) == ["kept"]


def test_tus_upload_survives_a_dropped_connection(sqlite_installation: Installation) -> None:
    import httpx

    body = os.urandom(5 * 1024 * 1024 + 777)
    with LiveServer(sqlite_installation) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        _, token = start_contact(client)
        created = client.post("/api/v1/contact/uploads", headers={
            **bearer(token), **TUS, "Upload-Length": str(len(body)),
            "Upload-Metadata": "filename " + __import__("base64").b64encode("رسالة.bin".encode()).decode()})
        url = created.headers["location"]
        sent = 3 * 1024 * 1024 + 12345
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall((f"PATCH {url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                          "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                          f"Upload-Offset: 0\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body[:sent])
        import time

        # Wait until the server has dealt with the dropped request (its offset stops moving).
        offset, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 0.5:
            now = int(client.head(url, headers={**bearer(token), **TUS}).headers["upload-offset"])
            if now != offset:
                offset, stable_since = now, time.monotonic()
            time.sleep(0.05)
        assert 0 < offset <= sent  # what reached the app was kept; the client resends from there
        r = client.patch(url, content=body[offset:], headers={
            **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)})
        assert r.status_code == 204 and int(r.headers["upload-offset"]) == len(body)
        files = client.get("/api/v1/contact/files", headers=bearer(token)).json()
        assert files[0]["name"] == "رسالة.bin" and files[0]["sha256"] == hashlib.sha256(body).hexdigest()


def test_abandoned_uploads_and_expired_sessions_are_purged(sqlite_installation: Installation,
                                                          sqlite_client: TestClient) -> None:
    from safeconduct.cases import housekeeping
    from safeconduct.cases.models import Upload

    _, token = start_contact(sqlite_client)
    created = sqlite_client.post("/api/v1/contact/uploads", headers={**bearer(token), **TUS, "Upload-Length": "100"})
    sqlite_client.patch(created.headers["location"], content=b"x" * 40, headers={
        **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
    assert list(sqlite_installation.settings.uploads_dir.iterdir())
    # the expiry is stored rounded up to a whole day (threat model: no case tied to a finer time)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=sqlite_installation.settings.upload_expiry_hours + 24)
    with sqlite_installation.runtime.db() as db:
        assert housekeeping.purge_abandoned_uploads(db, sqlite_installation.settings, now=later) == 1
        assert db.query(Upload).count() == 0
        db.execute(update(AuthSession).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        db.commit()
        assert housekeeping.run(db, sqlite_installation.settings) == (1, 0)
    assert list(sqlite_installation.settings.uploads_dir.iterdir()) == []
