"""A contact's photo reaches the caseworker without its GPS position, phone model and author name."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from safeconduct.cases import audit, cleaning
from safeconduct.contact import service as contact
from safeconduct.ledger import commitments
from safeconduct.ledger import service as ledger
from tests.conftest import Installation, client_for
from tests.flows import bearer, contact_page_login, staff_page_login, start_contact
from tests.support import require

TUS = {"Tus-Resumable": "1.0.0"}
SENSITIVE = ("GPSLatitude", "GPSLongitude", "GPSPosition", "Make", "Model", "Artist")


def _tools() -> None:
    for tool, package in (("exiftool", "libimage-exiftool-perl"), ("mat2", "mat2")):
        require(shutil.which(tool) is not None, f"{tool} not installed (Debian package {package})")


def tagged_photo(tmp_path: Path) -> bytes:
    """A real JPEG carrying what a phone writes: GPS position, maker and model, the owner's name."""
    from PIL import Image

    path = tmp_path / "photo.jpg"
    Image.new("RGB", (48, 32), (120, 160, 90)).save(path, quality=90)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=36.34", "-GPSLatitudeRef=N",
                    "-GPSLongitude=43.13", "-GPSLongitudeRef=E", "-Make=Samsung", "-Model=SM-A515F",
                    "-Artist=Abu Khalid", str(path)], check=True)
    assert set(SENSITIVE) <= set(exif(path.read_bytes(), tmp_path))
    return path.read_bytes()


def exif(body: bytes, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "check.bin"
    path.write_bytes(body)
    done = subprocess.run(["exiftool", "-j", "-s", str(path)], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout)[0])


def _access(inst: Installation, codename: str) -> contact.ContactAccess:
    with inst.runtime.db() as db:
        return contact.log_in(db, inst.runtime.org, codename)


def _upload_without_javascript(client: TestClient, codename: str, body: bytes) -> None:
    csrf = contact_page_login(client, codename)
    r = client.post("/contact/files", data={"csrf_token": csrf},
                    files={"file": ("IMG_2041.jpg", body, "image/jpeg")})
    assert r.status_code == 303, r.text


def _upload_with_tus(client: TestClient, token: str, body: bytes) -> None:
    created = client.post("/api/v1/contact/uploads", headers={
        **bearer(token), **TUS, "Upload-Length": str(len(body)),
        "Upload-Metadata": "filename " + base64.b64encode(b"IMG_2041.jpg").decode()})
    assert created.status_code == 201, created.text
    half = len(body) // 2  # two PATCHes: cleaning runs once, when the last byte is in
    for start, part in ((0, body[:half]), (half, body[half:])):
        r = client.patch(created.headers["location"], content=part, headers={
            **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(start)})
        assert r.status_code == 204, r.text


@pytest.mark.parametrize("route", ["form", "tus"])
def test_the_caseworker_gets_a_cleaned_copy_and_the_original_only_by_an_audited_choice(
        installation: Installation, client: TestClient, tmp_path: Path, route: str) -> None:
    _tools()
    photo = tagged_photo(tmp_path)
    login = installation.add_staff("anna")
    codename, token = start_contact(client)
    if route == "form":
        _upload_without_javascript(client, codename, photo)
    else:
        _upload_with_tus(client, token, photo)
    access = _access(installation, codename)
    case_id = access.case_id
    [file_id] = [f["id"] for f in client.get("/api/v1/contact/files", headers=bearer(token)).json()]

    with client_for(installation) as staff:
        csrf = staff_page_login(staff, login)
        page = staff.get(f"/staff/cases/{case_id}").text
        assert "Removed: GPS position, camera model, author" in page
        r = staff.get(f"/staff/cases/{case_id}/files/{file_id}")
        assert r.status_code == 200 and r.headers["x-cleaning"] == "cleaned"
        tags = exif(r.content, tmp_path)
        assert [t for t in SENSITIVE if t in tags] == []
        assert tags["FileType"] == "JPEG" and tags["ImageWidth"] == 48  # still the photo
        assert hashlib.sha256(r.content).hexdigest() == r.headers["x-content-sha256"]

        confirm = staff.get(f"/staff/cases/{case_id}/files/{file_id}/original")
        assert confirm.status_code == 200 and 'name="confirm"' in confirm.text
        with installation.runtime.db() as db:
            originals_before = [e for e in audit.entries(db, case_id=case_id) if e.action == "download_original"]
        assert originals_before == []
        r = staff.post(f"/staff/cases/{case_id}/files/{file_id}/original", data={"csrf_token": csrf})
        assert r.status_code == 422 and "Tick the box" in r.text  # not confirmed: refused, nothing handed out
        r = staff.post(f"/staff/cases/{case_id}/files/{file_id}/original", data={"csrf_token": csrf, "confirm": "1"})
        assert r.status_code == 200 and r.content == photo and r.headers["x-cleaning"] == "original"

    with installation.runtime.db() as db:
        rows = [(e.username, e.target) for e in audit.entries(db, case_id=case_id) if e.action == "download_original"]
        assert rows == [("anna", file_id)]
        # The original's hash is the one the ledger committed to when it arrived ("file_in").
        opened = ledger.open_events(ledger.case_entries(db, case_id), access.case_key)
        kinds = [e.kind for e in opened]
        assert kinds.count("file_in") == 1 and kinds.count("file_cleaned") == 1
        file_in = next(e for e in opened if e.kind == "file_in")
    [item] = [i for i in client.get("/api/v1/contact/consent", headers=bearer(token)).json()["items"]]
    with installation.runtime.db() as db:
        from safeconduct.cases import consent

        [disclosable] = consent.disclosable_items(db, case_id=case_id, case_key=access.case_key)
    assert item["id"] == f"f:{file_id}"
    assert json.loads(disclosable.plaintext)["sha256"] == hashlib.sha256(photo).hexdigest()
    assert commitments.commitment_of(disclosable.nonce, disclosable.plaintext) == file_in.commitment


def test_a_file_that_cannot_be_cleaned_says_so_and_is_not_silently_passed_off(sqlite_installation: Installation,
                                                                               sqlite_client: TestClient) -> None:
    _tools()
    login = sqlite_installation.add_staff("anna")
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/files", files={"file": ("notes.txt", b"plain words")}, headers=bearer(token))
    case_id = _access(sqlite_installation, codename).case_id
    with client_for(sqlite_installation) as staff:
        staff_page_login(staff, login)
        page = staff.get(f"/staff/cases/{case_id}").text
        assert "Not cleaned: this kind of file cannot be cleaned." in page
        [file_id] = re.findall(rf'/staff/cases/{case_id}/files/([0-9a-f]+)"', page)
        r = staff.get(f"/staff/cases/{case_id}/files/{file_id}")
        assert r.status_code == 200 and r.content == b"plain words" and r.headers["x-cleaning"] == "not_cleaned"


def test_a_broken_image_is_reported_not_cleaned_and_kept_intact(sqlite_installation: Installation,
                                                                sqlite_client: TestClient) -> None:
    _tools()
    broken = b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/files", files={"file": ("x.jpg", broken)}, headers=bearer(token))
    access = _access(sqlite_installation, codename)
    [f] = sqlite_client.get("/api/v1/contact/files", headers=bearer(token)).json()
    with sqlite_installation.runtime.db() as db:
        outcome = cleaning.state(db, case_id=access.case_id, case_key=access.case_key, file_id=f["id"])
    assert outcome.status == "not_cleaned" and outcome.reason
    # The reason speaks of the file, never of the scratch folder where its plaintext briefly lay.
    assert "/dev/shm" not in outcome.reason and "/tmp" not in outcome.reason, outcome.reason
    assert not cleaning.clean_path(sqlite_installation.settings, f["id"]).exists()
    assert f["sha256"] == hashlib.sha256(broken).hexdigest()


def test_the_plaintext_work_folder_is_private_in_memory_and_wiped(tmp_path: Path) -> None:
    with cleaning.private_dir() as work:
        if Path("/dev/shm").is_dir():
            assert str(work).startswith("/dev/shm/")
        assert work.stat().st_mode & 0o777 == 0o700
        (work / "a.jpg").write_bytes(b"secret" * 100)
        kept = (work / "a.jpg").open("rb")  # an open handle sees the bytes overwritten before removal
    assert not work.exists()
    assert set(kept.read()) <= {0}
    kept.close()


def test_the_cleaning_words_are_the_categories_a_caseworker_reads() -> None:
    assert cleaning.describe(["GPSLatitude", "Model", "Artist"]) == ["GPS position", "camera model", "author"]
    assert cleaning.describe(["Make", "XMPToolkit"]) == ["camera model", "other hidden details"]
