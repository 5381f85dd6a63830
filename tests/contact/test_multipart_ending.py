"""A multipart upload whose closing boundary never came is a cut-off upload: refused, nothing of it stored."""

from __future__ import annotations

import html
import os
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation
from tests.flows import bearer, start_contact

CUT_OFF = "The upload was cut off before the end; nothing was stored. Please try again."
CUT_OFF_FR = "L'envoi a été interrompu avant la fin\u202f; rien n'a été enregistré. Veuillez réessayer."
CUT_OFF_AR = "انقطع الرفع قبل اكتماله، ولم يُحفظ شيء. يُرجى المحاولة مرة أخرى."
MULTIPART = {"Content-Type": "multipart/form-data; boundary=b"}
BODY = os.urandom(2 * 1024 * 1024 + 4321)  # more than one encrypted block, so a real partial file is written


def file_part(fields: dict[str, str] | None = None) -> bytes:
    parts = [f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (fields or {}).items()]
    return b"".join(parts) + (b'--b\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n'
                              b"Content-Type: application/octet-stream\r\n\r\n") + BODY


ENDINGS = {
    "no boundary at all": b"",
    "a boundary without its closing dashes": b"\r\n--b",
    "a boundary then nothing": b"\r\n--b\r\n",
    "a second part cut in its headers": b'\r\n--b\r\nContent-Disposition: form-data; na',
    "a single closing dash": b"\r\n--b-",
}


def what_is_stored(inst: Installation, client: TestClient, token: str) -> tuple[list[str], list[str], list[str], int]:
    with inst.runtime.db() as db:
        events = int(db.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
    names = [f["name"] for f in client.get("/api/v1/contact/files", headers=bearer(token)).json()]
    return (names, sorted(p.name for p in inst.settings.uploads_dir.iterdir()),
            sorted(p.name for p in inst.settings.files_dir.iterdir()), events)


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_an_upload_without_its_closing_boundary_is_refused_and_nothing_is_stored(
        sqlite_installation: Installation, sqlite_client: TestClient, ending: bytes) -> None:
    client = sqlite_client
    _, token = start_contact(client)
    r = client.post("/api/v1/contact/files", files={"file": ("first.txt", b"first file")}, headers=bearer(token))
    assert r.status_code == 201
    before = what_is_stored(sqlite_installation, client, token)

    r = client.post("/api/v1/contact/files", content=file_part() + ending, headers={**bearer(token), **MULTIPART})
    assert r.status_code == 422 and r.json() == {"error": "invalid_input", "message": CUT_OFF}
    r = client.post("/api/v1/contact/files", content=file_part() + ending,
                    headers={**bearer(token), **MULTIPART, "Accept-Language": "ar"})
    assert r.status_code == 422 and r.json()["message"] == CUT_OFF_AR
    assert what_is_stored(sqlite_installation, client, token) == before

    # The no-JavaScript form on the conversation page: the page again, with the error in the visitor's language.
    client.cookies.set("sc_contact", token)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',  # type: ignore[union-attr]
                     client.get("/contact/conversation").text).group(1)
    r = client.post("/contact/files", content=file_part({"csrf_token": csrf}) + ending,
                    headers={**MULTIPART, "Accept-Language": "fr"})
    assert r.status_code == 422 and CUT_OFF_FR in html.unescape(r.text)
    client.cookies.clear()
    assert what_is_stored(sqlite_installation, client, token) == before

    # The same body with its closing boundary is a complete file, stored whole.
    r = client.post("/api/v1/contact/files", content=file_part() + b"\r\n--b--\r\n",
                    headers={**bearer(token), **MULTIPART})
    assert r.status_code == 201 and r.json()["size"] == len(BODY)
