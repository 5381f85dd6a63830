"""Consent and the dossier: the person chooses what may be shown; the export discloses exactly that."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from safeconduct.cases.casework_models import AuditRecord, Consent
from safeconduct.cli import app as cli_app
from safeconduct.ledger.models import LedgerEntry, TreeHead
from safeconduct.ledger.verify import verify_bundle
from tests.conftest import PASSWORD, Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact


def _rows(inst: Installation) -> tuple[int, int, int]:
    with inst.runtime.db() as db:
        return (db.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                db.scalar(select(func.count()).select_from(TreeHead)) or 0,
                db.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def test_export_discloses_exactly_what_the_person_consented_to(installation: Installation,
                                                               client: TestClient) -> None:
    login = installation.add_staff("anna")
    _, contact = start_contact(client)
    client.post("/api/v1/contact/messages", json={"text": "I want to leave the group"}, headers=bearer(contact))
    client.post("/api/v1/contact/messages", json={"text": "my cousin's name is secret-3b1c"},
                headers=bearer(contact))
    client.post("/api/v1/contact/files", files={"file": ("plan.txt", b"my plan")}, headers=bearer(contact))
    staff = staff_token(client, login)
    case_id = only_case_id(client, staff)
    url = f"/api/v1/staff/cases/{case_id}"
    client.post(f"{url}/replies", json={"text": "We will help you"}, headers=bearer(staff))

    r = client.get("/api/v1/contact/consent", headers=bearer(contact))
    assert r.status_code == 200, r.text
    listed = r.json()
    assert listed["all"] is False and listed["exported"] is False
    assert [(i["kind"], i["author"], i["consented"]) for i in listed["items"]] == [
        ("message", "contact", False), ("message", "contact", False), ("file", "contact", False),
        ("message", "caseworker", False)]
    assert listed["items"][2]["preview"] == "plan.txt"

    # no consent: a clear refusal, and nothing written
    before = _rows(installation)
    r = client.post(f"{url}/dossier", headers=bearer(staff))
    assert r.status_code == 409, r.text
    assert "consented" in r.json()["message"]
    assert _rows(installation) == before

    r = client.put("/api/v1/contact/consent", json={}, headers=bearer(contact))
    assert r.status_code == 422, r.text
    r = client.put("/api/v1/contact/consent", json={"items": ["m:999999"]}, headers=bearer(contact))
    assert r.status_code == 422, r.text
    wanted = [listed["items"][0]["id"], listed["items"][2]["id"]]
    r = client.put("/api/v1/contact/consent", json={"items": wanted}, headers=bearer(contact))
    assert r.status_code == 200, r.text
    assert [i["consented"] for i in r.json()["items"]] == [True, False, True, False]

    r = client.post(f"{url}/dossier", json={"sections": {listed["items"][1]["id"]: "planning"}},
                    headers=bearer(staff))
    assert r.status_code == 422 and "consented" in r.json()["message"], r.text  # not a consented item
    r = client.post(f"{url}/dossier", json={"sections": {wanted[0]: "wish_to_leave"}}, headers=bearer(staff))
    assert r.status_code == 401 and "new six-digit code" in r.json()["message"], r.text  # no re-authentication
    r = client.post(f"{url}/dossier", json={"sections": {wanted[0]: "wish_to_leave"}, "password": PASSWORD,
                                            "totp": login.next_code()}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as outer:
        assert sorted(outer.namelist()) == ["README.txt", "bundle.zip", "dossier.pdf"]
        bundle, pdf = outer.read("bundle.zip"), outer.read("dossier.pdf")
    assert pdf.startswith(b"%PDF")
    report = verify_bundle(bundle)
    disclosed = {e.kind: e.content for e in report.events if e.content is not None}
    assert disclosed["message_in"] == b"I want to leave the group"
    assert b'"name": "plan.txt"' in (disclosed["file_in"] or b"")
    assert set(disclosed) == {"message_in", "file_in", "consent", "export"}
    assert b"secret-3b1c" not in bundle and b"We will help you" not in bundle

    # the choice is fixed once a dossier was built on it
    r = client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact))
    assert r.status_code == 409, r.text
    assert client.get("/api/v1/contact/consent", headers=bearer(contact)).json()["exported"] is True

    r = client.post("/api/v1/staff/cases/0123456789abcdef0123456789abcdef/dossier", headers=bearer(staff))
    assert r.status_code == 404, r.text


def test_consent_is_encrypted_at_rest(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    _, contact = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "hello"}, headers=bearer(contact))
    r = sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact))
    assert r.status_code == 200 and r.json()["all"] is True, r.text
    with sqlite_installation.runtime.db() as db:
        row = db.scalar(select(Consent))
        assert row is not None
        assert b"all" not in row.ciphertext and b"m:" not in row.ciphertext


def test_cli_export_writes_a_bundle_that_verifies(sqlite_installation: Installation, sqlite_client: TestClient,
                                                 tmp_path: Path) -> None:
    login = sqlite_installation.add_staff("anna")
    _, contact = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "I decided to leave"}, headers=bearer(contact))
    sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact))
    with sqlite_installation.runtime.db() as db:
        from safeconduct.cases.models import Case

        label = db.scalar(select(Case.label))
    data = str(sqlite_installation.settings.data_dir)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["dossier", "export", "--data", data, str(label), "-o", str(tmp_path / "out"),
                                "--username", "anna", "--totp", login.code(), "--section", "m:1=wish_to_leave"],
                      input=login.password + "\n")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    pin = re.search(r"^Ledger key fingerprint: (\S+)$", r.output, re.M)
    assert pin and f"safeconduct verify {tmp_path / 'out.zip'} --expect-key {pin.group(1)}" in r.output
    r = runner.invoke(cli_app, ["verify", str(tmp_path / "out.zip"), "--expect-key", pin.group(1)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("VERIFIED: ") and "disclosed" in r.output
    r = runner.invoke(cli_app, ["verify", str(tmp_path / "out.zip")])
    assert r.exit_code == 3 and "KEY NOT CONFIRMED" in r.output


def test_the_consent_page_works_without_javascript(sqlite_client: TestClient) -> None:
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "first words"}, headers=bearer(token))
    sqlite_client.post("/api/v1/contact/messages", json={"text": "second words"}, headers=bearer(token))
    page = sqlite_client.get("/contact/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sqlite_client.post("/contact/login", data={"csrf_token": csrf, "codename": codename})
    page = sqlite_client.get("/contact/consent")
    assert page.status_code == 200 and "first words" in page.text and "<script" not in page.text
    ids = re.findall(r'name="item" value="([^"]+)"', page.text)
    assert len(ids) == 2
    r = sqlite_client.post("/contact/consent", data={"item": [ids[1]]})
    assert r.status_code == 403  # no CSRF token
    r = sqlite_client.post("/contact/consent", data={"csrf_token": csrf, "item": [ids[1]]})
    assert r.status_code == 303, r.text
    consented = {i["id"]: i["consented"] for i in
                 sqlite_client.get("/api/v1/contact/consent", headers=bearer(token)).json()["items"]}
    assert consented == {ids[0]: False, ids[1]: True}
    page = sqlite_client.get("/contact/consent?saved=1")
    assert re.search(rf'value="{ids[1]}" checked', page.text)


def test_the_dossier_states_the_date_of_first_contact_and_nothing_of_the_opening_event_beyond_it(
        sqlite_installation, sqlite_client) -> None:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    from safeconduct.ledger.verify import fingerprint, verify_bundle
    from tests.flows import bearer, only_case_id, staff_token, start_contact

    login = sqlite_installation.add_staff("zaid")
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "I want to go home"}, headers=bearer(token))
    assert sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token)).status_code == 200
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/dossier",
                          json={"password": login.password, "totp": login.next_code()}, headers=bearer(staff))
    assert r.status_code == 200
    report = verify_bundle(zipfile.ZipFile(io.BytesIO(r.content)).read("bundle.zip"))
    pin = fingerprint(sqlite_installation.runtime.org.signing_key.verify_key.encode())
    whole = verify_bundle(r.content, expect_key=pin)  # the download itself: bundle, PDF and README
    assert whole.key_confirmed and "dossier.pdf and README.txt exactly as" in whole.summary()
    assert f"--expect-key {pin}" in zipfile.ZipFile(io.BytesIO(r.content)).read("README.txt").decode()
    opening = report.events[0]
    assert opening.kind == "case_opened" and opening.at  # the date of first contact is shown…
    assert opening.content is None  # …but not any content of the opening event


@pytest.mark.parametrize("pillow", [True, False])
def test_the_exported_pdf_pictures_a_consented_photo_names_states_and_is_dated_by_the_export(
        sqlite_installation: Installation, sqlite_client: TestClient, tmp_path: Path, pillow: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import shutil
    import subprocess

    from safeconduct.cases.models import Case
    from tests.journeys.test_file_cleaning import _tools, tagged_photo
    from tests.support import require

    _tools()
    if not pillow:  # a server without Pillow: the export still works, and the PDF says why there is no picture
        from safeconduct.cases import thumbnails

        monkeypatch.setattr(thumbnails, "pillow_available", lambda: False)
    for tool in ("pdfimages", "pdfinfo", "pdftotext"):
        require(shutil.which(tool) is not None, f"{tool} (Debian poppler-utils) is not installed")
    login = sqlite_installation.add_staff("anna")
    _, contact = start_contact(sqlite_client, first_message="السَّلامُ عَلَيْكُم")
    r = sqlite_client.post("/api/v1/contact/files", files={"file": ("photo.jpg", tagged_photo(tmp_path),
                                                                    "image/jpeg")}, headers=bearer(contact))
    assert r.status_code == 201, r.text
    sqlite_client.post("/api/v1/contact/files", files={"file": ("plan.txt", b"my plan")}, headers=bearer(contact))
    assert sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact)).status_code == 200
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/transitions", json={"to": "vetting"},
                           headers=bearer(staff))
    assert r.status_code == 200, r.text
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/dossier", json={
        "workflow": True, "language": "en", "password": login.password, "totp": login.next_code()},
        headers=bearer(staff))
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as outer:
        pdf = outer.read("dossier.pdf")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)

    def run(*args: str) -> str:
        return subprocess.run([*args, str(path), *(["-"] if args[0] == "pdftotext" else [])], capture_output=True,
                              text=True, check=True).stdout

    images = run("pdfimages", "-list").splitlines()[2:]
    assert len(images) == (1 if pillow else 0), images  # the photo's cleaned copy; the text file has no picture
    text = run("pdftotext")
    flat = " ".join(text.split())
    assert ("Picture of the cleaned copy" in flat) is pillow
    no_pillow = "No picture of this image: the image library (Pillow) is not installed on the server."
    assert (no_pillow in flat) is not pillow
    with sqlite_installation.runtime.db() as db:
        label = db.get(Case, case_id).label  # type: ignore[union-attr]
    assert f"Case {label}" in flat
    assert "State changed from “New contact” to “Vetting”" in flat
    assert "The person sent a file: photo.jpg (" in flat and "The person sent a file: plan.txt (7 B, SHA-256" in flat
    assert "السَّلامُ عَلَيْكُم" in text
    info = dict(line.split(":", 1) for line in run("pdfinfo", "-isodates").splitlines() if ":" in line)
    created = dt.datetime.fromisoformat(info["CreationDate"].strip().replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=1) <= created <= dt.datetime.now(dt.UTC)  # the export's date


def test_the_dossier_is_written_in_the_language_asked_for_and_an_unknown_one_is_refused(
        sqlite_installation: Installation, sqlite_client: TestClient, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from safeconduct.web.i18n import translations
    from tests.support import require

    require(shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed")
    login = sqlite_installation.add_staff("anna")
    _, contact = start_contact(sqlite_client, first_message="أريد أن أعود")
    assert sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact)).status_code == 200
    staff = staff_token(sqlite_client, login)
    url = f"/api/v1/staff/cases/{only_case_id(sqlite_client, staff)}/dossier"
    before = _rows(sqlite_installation)
    r = sqlite_client.post(url, json={"language": "de"}, headers=bearer(staff))
    assert r.status_code == 422, r.text
    assert _rows(sqlite_installation) == before  # refused before anything was written
    r = sqlite_client.post(url, json={"language": "ar", "password": login.password, "totp": login.next_code()},
                           headers=bearer(staff))
    assert r.status_code == 200, r.text
    path = tmp_path / "d.pdf"
    path.write_bytes(zipfile.ZipFile(io.BytesIO(r.content)).read("dossier.pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    ar = translations("ar").gettext
    title = ar("Case dossier: verified record of the return process")  # its colon extracts with marks around it
    for words in (*title.split(": "), ar("How to check this dossier"), "أريد أن أعود"):
        assert words in text, words
    assert "How to check this dossier" not in text


def test_cli_export_refuses_an_unknown_language_before_asking_anything(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli_app, ["dossier", "export", "--data", str(tmp_path / "none"), "ABCD-EF23", "-o",
                                     str(tmp_path / "out"), "--username", "anna", "--totp", "123456",
                                     "--language", "de"], input="pw\n")
    assert r.exit_code == 1
    assert "unknown language 'de'; use one of en, fr, ar. Nothing was written." in r.output
    assert not (tmp_path / "out.pdf").exists() and not (tmp_path / "none").exists()
