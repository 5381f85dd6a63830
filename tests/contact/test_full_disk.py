"""A filling or full disk: a clear out-of-space answer, nothing half-stored, no debris, log-in and reading kept.

The installation's data folder lives on a real, small tmpfs the test mounts (we run as root, as CI does),
filled with a ballast file; the writes that fail are the kernel's own ENOSPC, not a simulation. The second
test blinds the reserve check (as if another program filled the disk between the check and the write), so
that the uploads, messages and log-ins really meet a full disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import html
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from safeconduct.auth.models import AuthSession
from safeconduct.cases.models import Message
from safeconduct.ledger.models import LedgerEntry
from tests.conftest import (
    Installation,
    StaffLogin,
    client_for,
    make_installation,
    postgres_available,
    postgres_database,
)
from tests.flows import bearer, only_case_id, staff_token, start_contact
from tests.support import require

MiB = 1024 * 1024
OUT_OF_SPACE = "The server is out of space; nothing you sent before is lost."
OUT_OF_SPACE_AR = "نفدت المساحة على الخادم؛ لم يُفقد أي شيء أرسلته من قبل."
OUT_OF_SPACE_FR = "Le serveur n'a plus de place\u202f; rien de ce que vous avez envoyé auparavant n'est perdu."


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs mounted for this test only."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True
    ).returncode == 0
    require(mounted, "cannot mount a tmpfs here (needs root and mount(8)); the full-disk tests need a real one")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=True)


@pytest.fixture(params=["sqlite", "postgres"])
def open_on_small_disk(request: pytest.FixtureRequest,
                       small_disk: Path) -> Iterator[Callable[[int | None], Installation]]:
    """Opens an installation (given its space reserve, None: the default) whose data folder, and SQLite
    database, is on it."""
    opened: list[Installation] = []
    with contextlib.ExitStack() as stack:
        url = None
        if request.param == "postgres":
            require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
            url = stack.enter_context(postgres_database())

        def open_(reserve: int | None) -> Installation:
            overrides = {} if reserve is None else {"space_reserve_bytes": reserve}
            inst = make_installation(small_disk / "data", url, request.param, **overrides)
            opened.append(inst)
            return inst

        yield open_
        for inst in opened:
            inst.runtime.engine.dispose()


def real_free(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def fill(directory: Path, leave: int = 0) -> Path:
    """Write a ballast file until `leave` bytes are free (0: until the disk itself refuses)."""
    path = directory / f"ballast-{len(list(directory.glob('ballast-*')))}"
    with open(path, "ab", buffering=0) as fh:
        while (room := real_free(directory) - leave) > 0:
            try:
                fh.write(os.urandom(min(room, MiB)))
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    return path


def form(name: str, data: bytes, **fields: str) -> tuple[bytes, dict[str, str]]:
    """A multipart body with `fields` then one file, and its Content-Type header."""
    parts = [f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    head = (f'--b\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return b"".join(parts) + head + data + b"\r\n--b--\r\n", {"Content-Type": "multipart/form-data; boundary=b"}


def downloaded(client: TestClient, staff: str, case_id: str, file_id: str) -> tuple[int, str]:
    r = client.get(f"/api/v1/staff/cases/{case_id}/files/{file_id}", headers=bearer(staff))
    return r.status_code, hashlib.sha256(r.content).hexdigest()


def leftovers(inst: Installation) -> list[str]:
    return sorted(p.name for p in inst.settings.uploads_dir.iterdir())


def stored(inst: Installation, case_id: str) -> tuple[int, int]:
    """(messages, ledger events) of the case, straight from the database."""
    with inst.runtime.db() as db:
        messages = db.scalar(select(func.count()).select_from(Message).where(Message.case_id == case_id))
        events = db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id))
    return int(messages or 0), int(events or 0)


def page_csrf(client: TestClient, token: str) -> str:
    client.cookies.set("sc_contact", token)
    page = client.get("/contact/conversation")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def setting_up(inst: Installation) -> tuple[TestClient, str, str, StaffLogin, str, bytes]:
    """A conversation with one message and one file: (client, codename, token, caseworker who has not yet
    logged in (a TOTP code is good once), case id, file body)."""
    login = inst.add_staff("robin")
    later = inst.add_staff("sasha")
    client = client_for(inst)
    codename, token = start_contact(client)
    assert client.post("/api/v1/contact/messages", json={"text": "before"}, headers=bearer(token)).status_code == 201
    first = os.urandom(300_000)
    body, headers = form("first.bin", first)
    r = client.post("/api/v1/contact/files", content=body, headers={**bearer(token), **headers})
    assert r.status_code == 201, r.text
    case_id = only_case_id(client, staff_token(client, login))
    return client, codename, token, later, case_id, first


def test_uploads_stop_at_the_reserve_so_log_in_and_reading_keep_working(
        open_on_small_disk: Callable[[int | None], Installation]) -> None:
    inst = open_on_small_disk(4 * MiB)
    client, codename, token, login, case_id, first = setting_up(inst)
    file_id = client.get("/api/v1/contact/files", headers=bearer(token)).json()[0]["id"]
    fill(inst.settings.data_dir, leave=4 * MiB + 2 * MiB)
    before = stored(inst, case_id)

    # Announced too big for what is left above the reserve: refused from the headers, in the asker's language.
    body, headers = form("big.bin", os.urandom(3 * MiB))
    r = client.post("/api/v1/contact/files", content=body, headers={**bearer(token), **headers})
    assert r.status_code == 507 and r.json() == {"error": "out_of_space", "message": OUT_OF_SPACE}
    r = client.post("/api/v1/contact/files", content=body,
                    headers={**bearer(token), **headers, "Accept-Language": "fr"})
    assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE_FR
    # Not announced (chunked): refused as the bytes arrive, before they eat into the reserve.
    r = client.post("/api/v1/contact/files", content=iter([body]), headers={**bearer(token), **headers})
    assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE
    r = client.post("/api/v1/contact/uploads", headers={**bearer(token), "Tus-Resumable": "1.0.0",
                                                        "Upload-Length": str(3 * MiB)})
    assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE
    # The no-JavaScript form: the conversation page again, with the translated error.
    csrf = page_csrf(client, token)
    body, headers = form("big.bin", os.urandom(3 * MiB), csrf_token=csrf)
    r = client.post("/contact/files", content=body, headers={**headers, "Accept-Language": "ar"})
    assert r.status_code == 507 and OUT_OF_SPACE_AR in r.text
    client.cookies.clear()
    assert leftovers(inst) == [] and stored(inst, case_id) == before

    # What fits above the reserve is still taken.
    small = os.urandom(100_000)
    body, headers = form("small.bin", small)
    assert client.post("/api/v1/contact/files", content=body, headers={**bearer(token), **headers}).status_code == 201

    # The reserve kept the database writable: log-ins, messages, reading and downloads all work.
    r = client.post("/api/v1/contact/session", json={"codename": codename})
    assert r.status_code == 200, r.text
    again = r.json()["token"]
    assert client.post("/api/v1/contact/messages", json={"text": "after"}, headers=bearer(again)).status_code == 201
    texts = [m["text"] for m in client.get("/api/v1/contact/messages", headers=bearer(again)).json()["messages"]]
    assert texts == ["before", "after"]
    staff = staff_token(client, login)
    assert downloaded(client, staff, case_id, file_id) == (200, hashlib.sha256(first).hexdigest())
    assert leftovers(inst) == []


def test_a_full_disk_is_a_clear_refusal_with_nothing_half_stored_and_no_debris(
        open_on_small_disk: Callable[[int | None], Installation], monkeypatch: pytest.MonkeyPatch) -> None:
    # Something else fills the disk behind the reserve check's back: the writes themselves meet ENOSPC.
    monkeypatch.setattr("safeconduct.store.diskspace.free_bytes", lambda _path: 1 << 40)
    inst = open_on_small_disk(None)
    sqlite = inst.backend == "sqlite"
    client, codename, token, login, case_id, first = setting_up(inst)
    file_id = client.get("/api/v1/contact/files", headers=bearer(token)).json()[0]["id"]
    data = inst.settings.data_dir

    fill(data, leave=MiB + MiB // 2)
    free = real_free(data)
    body, headers = form("big.bin", os.urandom(3 * MiB))  # its second encrypted block does not fit
    r = client.post("/api/v1/contact/files", content=body, headers={**bearer(token), **headers})
    assert r.status_code == 507 and r.json() == {"error": "out_of_space", "message": OUT_OF_SPACE}
    assert leftovers(inst) == [] and real_free(data) == free  # the partial file is gone, its space back

    with inst.runtime.db() as db:  # a session near its end: reading it would extend it (a write)
        db.execute(update(AuthSession).values(expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)))
        db.commit()
        if sqlite:  # no spare room left inside the write-ahead log: every write must grow a file
            db.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    fill(data)  # now completely full
    before = stored(inst, case_id)
    body, headers = form("small.bin", os.urandom(50_000))
    r = client.post("/api/v1/contact/files", content=body, headers={**bearer(token), **headers})
    assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE
    csrf = page_csrf(client, token)
    body, headers = form("small.bin", os.urandom(50_000), csrf_token=csrf)
    r = client.post("/contact/files", content=body, headers={**headers, "Accept-Language": "ar"})
    assert r.status_code == 507 and OUT_OF_SPACE_AR in r.text
    client.cookies.clear()
    assert leftovers(inst) == []

    # A message: stored whole (the database is elsewhere) or refused whole, never half.
    r = client.post("/api/v1/contact/messages", json={"text": "during"}, headers=bearer(token))
    if sqlite:
        assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE
        assert stored(inst, case_id) == before
    else:
        assert r.status_code == 201 and stored(inst, case_id) == (before[0] + 1, before[1] + 1)
    r = client.post("/contact/messages", data={"csrf_token": page_csrf(client, token), "text": "typed"},
                    headers={"Accept-Language": "fr"})
    if sqlite:  # the page comes back with the error and the text kept in the form
        assert r.status_code == 507 and OUT_OF_SPACE_FR in html.unescape(r.text) and "typed" in r.text
    client.cookies.clear()

    # Reading needs no room: the conversation and its files are there (the session was not extended).
    r = client.get("/api/v1/contact/messages", headers=bearer(token))
    assert r.status_code == 200 and r.json()["messages"][0]["text"] == "before"
    assert [f["id"] for f in r.json()["files"]] == [file_id]
    # A log-in needs a session row: where the database shares the full disk, a clear refusal, not a crash.
    r = client.post("/api/v1/contact/session", json={"codename": codename})
    if sqlite:
        assert r.status_code == 507 and r.json()["message"] == OUT_OF_SPACE
    else:
        assert r.status_code == 200

    # Room again: everything sent before is intact, and nothing of the refused sends is anywhere.
    for ballast in data.glob("ballast-*"):
        ballast.unlink()
    _, fresh = start_contact(client)
    staff = staff_token(client, login)
    assert downloaded(client, staff, case_id, file_id) == (200, hashlib.sha256(first).hexdigest())
    names = [f["name"] for f in client.get("/api/v1/contact/files", headers=bearer(token)).json()]
    assert names == ["first.bin"] and leftovers(inst) == []
    body, headers = form("later.bin", os.urandom(2 * MiB))
    assert client.post("/api/v1/contact/files", content=body, headers={**bearer(fresh), **headers}).status_code == 201
    assert len(list(inst.settings.files_dir.iterdir())) == 2
