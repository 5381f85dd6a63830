"""An interview recorded by the organisation goes into the case (streamed and encrypted like a contact's file),
can be prepared as a testimony, and never appears in the contact's conversation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from safeconduct.cases.models import CaseFile
from tests.conftest import Installation, client_for
from tests.flows import bearer, csrf_of, staff_token, start_contact

BODY = b"\x00\x00\x00\x18ftypmp42" + b"interview-bytes-" * 2000
NAME = "interview-with-the-family.mp4"


def _case(client: TestClient, inst: Installation) -> tuple[str, str, str]:
    login = inst.add_staff("alice")
    _codename, contact = start_contact(client, first_message="I want to come home.")
    staff = staff_token(client, login)
    case_id = client.get("/api/v1/staff/cases", headers=bearer(staff)).json()[0]["id"]
    return case_id, staff, contact


def _file_count(inst: Installation) -> int:
    with inst.runtime.db() as db:
        return db.query(CaseFile).count()


def test_a_recording_is_kept_for_staff_prepared_and_never_shown_to_the_contact(
        sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        case_id, staff, contact = _case(client, inst)
        r = client.post(f"/api/v1/staff/cases/{case_id}/files", files={"file": (NAME, BODY, "video/mp4")},
                        headers=bearer(staff))
        assert r.status_code == 201, r.text
        file_id = r.json()["id"]
        assert r.json()["author"] == "caseworker" and r.json()["size"] == len(BODY)
        case = client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(staff)).json()
        assert file_id in [f["id"] for f in case["files"]]
        got = client.get(f"/api/v1/staff/cases/{case_id}/files/{file_id}", headers=bearer(staff))
        assert got.status_code == 200 and got.content == BODY
        # the contact sees nothing of it, in the API or on the page
        assert client.get("/api/v1/contact/files", headers=bearer(contact)).json() == []
        assert client.get("/api/v1/contact/messages", headers=bearer(contact)).json()["files"] == []
        client.cookies.clear()
        # the studio offers it and prepares it
        r = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id},
                        headers=bearer(staff))
        assert r.status_code == 202, r.text
    data = inst.settings.data_dir
    assert not any(b"interview-bytes-" in p.read_bytes() for p in data.rglob("*") if p.is_file()), \
        "the recording reached the disk unencrypted"


def test_the_console_form_adds_a_recording_only_with_its_csrf_token(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        login = inst.add_staff("bob")  # on the team before the case opens, so it is shared with bob too
        case_id, _staff, _contact = _case(client, inst)
        csrf = csrf_of(client.get("/staff/login").text)
        r = client.post("/staff/login", data={"csrf_token": csrf, "username": "bob", "password": login.password,
                                               "totp": login.code()})
        assert r.status_code == 303, r.text
        page = client.get(f"/staff/cases/{case_id}/work?tab=files").text
        assert 'id="record-upload"' in page and 'enctype="multipart/form-data"' in page
        before = _file_count(inst)
        r = client.post(f"/staff/cases/{case_id}/files", files={"file": (NAME, BODY, "video/mp4")})
        assert r.status_code == 403
        assert _file_count(inst) == before  # nothing stored without the form's token
        r = client.post(f"/staff/cases/{case_id}/files", data={"csrf_token": csrf_of(page)},
                        files={"file": (NAME, BODY, "video/mp4")}, follow_redirects=False)
        assert r.status_code == 303 and "recorded=1" in r.headers["location"]
        assert _file_count(inst) == before + 1
        page = client.get(r.headers["location"]).text
        assert "The recording was added to the case." in page and NAME in page


def test_someone_without_the_case_stores_nothing(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        case_id, _staff, _contact = _case(client, inst)
        outsider = inst.add_staff("carol", intake=False)
        with inst.runtime.db() as db:  # carol was added after the case: it was never shared with her
            assert db.query(CaseFile).count() == 0
        token = staff_token(client, outsider)
        r = client.post(f"/api/v1/staff/cases/{case_id}/files", files={"file": (NAME, BODY, "video/mp4")},
                        headers=bearer(token))
        assert r.status_code == 403
        assert _file_count(inst) == 0
        assert not list(inst.settings.uploads_dir.glob("*")) if inst.settings.uploads_dir.exists() else True
