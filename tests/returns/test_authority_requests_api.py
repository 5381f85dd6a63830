"""The request to the authorities over HTTP: consent and identity first, a signed PDF the authority checks
offline with ``safeconduct verify``, sending and answers moving the pathway; every refusal writes nothing."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cli import app as cli_app
from safeconduct.ledger.models import LedgerEntry
from safeconduct.ledger.trust import fingerprint
from safeconduct.returns.models import AuthorityRequest
from tests.conftest import Installation, client_for
from tests.flows import bearer, staff_token, start_contact

REAL_NAME = "Yusuf Benali-Okonkwo"
IDENTITY = {"full_name": REAL_NAME, "date_of_birth": "1999-02-03", "document_numbers": "passport 19AB48213",
            "place_of_birth": "Roubaix"}


def _counts(inst: Installation) -> tuple[int, int, int]:
    with inst.runtime.db() as db:
        return (db.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                db.scalar(select(func.count()).select_from(AuthorityRequest)) or 0,
                db.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def _state(client: TestClient, token: str, case_id: str) -> str:
    return str(client.get(f"/api/v1/staff/cases/{case_id}/workflow", headers=bearer(token)).json()["state"])


@pytest.fixture
def world(installation: Installation):  # type: ignore[no-untyped-def]
    """A case in "advising" whose owner (amal) named karim a reader of the identity the person gave."""
    logins = {n: installation.add_staff(n) for n in ("amal", "karim", "nadia")}
    with client_for(installation) as client:
        _codename, contact = start_contact(client, first_message="I want to go home and face the judge.")
        tokens = {n: staff_token(client, login) for n, login in logins.items()}
        amal, karim = bearer(tokens["amal"]), bearer(tokens["karim"])
        case_id = client.get("/api/v1/staff/cases", headers=amal).json()[0]["id"]
        base = f"/api/v1/staff/cases/{case_id}"
        assert client.post(f"{base}/transitions", json={"to": "vetting"}, headers=amal).status_code == 200
        r = client.post(f"{base}/transitions", json={"to": "advising", "reason": "story consistent"}, headers=amal)
        assert r.status_code == 202, r.text
        proposal = r.json()["proposal"]["id"]
        assert client.post(f"{base}/transitions/{proposal}/confirm", headers=karim).status_code == 200
        assert client.put(f"{base}/assignee", json={"username": "amal"}, headers=amal).status_code == 200
        assert client.put("/api/v1/contact/identity", json={"fields": IDENTITY},
                          headers=bearer(contact)).status_code == 200
        r = client.put(f"{base}/identity/readers", json={"staff_ids": [logins["karim"].staff_id]}, headers=amal)
        assert r.status_code == 200, r.text
        yield installation, client, contact, tokens, case_id, logins


def _body(**changes: Any) -> dict[str, Any]:
    return {"template": "travel-document", "language": "fr", "authority": "Consulat général de France à Erbil",
            "fields": ["full_name", "date_of_birth", "document_numbers"], **changes}


def test_templates_are_listed_with_their_fields(world) -> None:  # type: ignore[no-untyped-def]
    _inst, client, _contact, tokens, _case_id, _ = world
    r = client.get("/api/v1/staff/authority-letters", headers=bearer(tokens["nadia"]))
    assert r.status_code == 200
    listed = {(t["name"], t["language"]): t for t in r.json()["templates"]}
    assert {("travel-document", "en"), ("travel-document", "fr")} <= set(listed)
    assert listed[("travel-document", "fr")]["required"] == ["date_of_birth", "full_name"]
    assert "other_names" in listed[("travel-document", "fr")]["optional"]


def test_a_request_is_prepared_signed_verified_sent_and_answered(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, _ = world
    karim, amal = bearer(tokens["karim"]), bearer(tokens["amal"])
    url = f"/api/v1/staff/cases/{case_id}/authority-requests"
    r = client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    assert r.status_code == 200 and r.json()["authority_request"] is True
    assert r.json()["referrals"] is False and r.json()["all"] is False  # the other parts are left as they were

    before = _counts(inst)
    r = client.post(url, json=_body(), headers=karim)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["status"] == "prepared" and made["fields"] == ["date_of_birth", "document_numbers", "full_name"]
    assert made["dossier"] is False
    events, rows, audits = _counts(inst)
    assert rows == before[1] + 1 and events >= before[0] + 2  # the read of the identity and the request
    # the identity was used: the person can no longer change or withdraw it
    r = client.delete("/api/v1/contact/identity", headers=bearer(contact))
    assert r.status_code == 409 and "already used" in r.text
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).json()["used"] is True

    # the PDF: only for a named reader; each download recorded
    assert client.get(f"{url}/{made['id']}/pdf", headers=amal).status_code == 403
    before_download = _counts(inst)
    r = client.get(f"{url}/{made['id']}/pdf", headers=karim)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    assert _counts(inst)[0] == before_download[0] + 1 and _counts(inst)[2] == before_download[2] + 1
    letter = tmp_path / "request.pdf"
    letter.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(letter), "-"], capture_output=True, text=True, check=True).stdout
    assert REAL_NAME in text and "1999-02-03" in text and "Consulat général de France à Erbil" in text
    assert "Roubaix" not in text  # a field the person gave, not chosen for the letter: its line is left out
    assert "Lieu de naissance" not in text and "Demande de laissez-passer" in text
    key = fingerprint(bytes(inst.runtime.org.signing_key.verify_key))
    assert key in text
    # the authority checks it offline, with the fingerprint the organisation gave it
    result = CliRunner().invoke(cli_app, ["verify", str(letter), "--expect-key", key])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("VERIFIED: letter") and "PDF signature intact" in result.output
    result = CliRunner().invoke(cli_app, ["verify", str(letter)])
    assert result.exit_code == 3 and "KEY NOT CONFIRMED" in result.output
    changed = bytearray(r.content)
    spot = r.content.index(b"/Producer") if b"/Producer" in r.content else 200
    changed[spot + 2] ^= 1
    letter.write_bytes(bytes(changed))
    result = CliRunner().invoke(cli_app, ["verify", str(letter), "--expect-key", key])
    assert result.exit_code == 1 and "NOT VERIFIED" in result.output

    # sent: the pathway moves to "return requested"; granted: to "return organised"
    r = client.post(f"{url}/{made['id']}/answers", json={"outcome": "granted"}, headers=karim)
    assert r.status_code == 409 and "sent" in r.text
    r = client.post(f"{url}/{made['id']}/sent", json={"means": "post", "note": "registered letter"}, headers=karim)
    assert r.status_code == 200 and r.json()["status"] == "sent"
    assert _state(client, tokens["amal"], case_id) == "return_requested"
    assert client.post(f"{url}/{made['id']}/sent", json={"means": "post"}, headers=karim).status_code == 409
    r = client.post(f"{url}/{made['id']}/answers", json={"outcome": "more_information"}, headers=karim)
    assert r.status_code == 422 and "what the authority answered" in r.text
    r = client.post(f"{url}/{made['id']}/answers",
                    json={"outcome": "interview", "text": "an interview at the consulate"}, headers=karim)
    assert r.status_code == 201 and r.json()["status"] == "interview"
    assert _state(client, tokens["amal"], case_id) == "return_requested"
    r = client.post(f"{url}/{made['id']}/answers", json={"outcome": "granted", "text": ""}, headers=karim)
    assert r.status_code == 201 and r.json()["status"] == "granted"
    assert _state(client, tokens["amal"], case_id) == "return_organised"
    listed = client.get(url, headers=amal).json()
    assert [s["kind"] for s in listed[0]["steps"]] == ["prepared", "sent", "answer", "answer"]


def test_the_dossier_is_attached_inside_the_letter_and_verified_with_it(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, logins = world
    karim = bearer(tokens["karim"])
    url = f"/api/v1/staff/cases/{case_id}/authority-requests"
    client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    # asking for the dossier without the person's dossier consent: refused, nothing written
    before = _counts(inst)
    r = client.post(url, json=_body(dossier=True), headers=karim)
    assert r.status_code == 409 and "consented to disclose anything" in r.text
    assert _counts(inst) == before
    client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(contact))
    # without re-authentication: refused like any export
    r = client.post(url, json=_body(dossier=True), headers=karim)
    assert r.status_code == 401
    assert _counts(inst)[1] == before[1]
    login = logins["karim"]
    r = client.post(url, json=_body(dossier=True, password=login.password, totp=login.next_code()), headers=karim)
    assert r.status_code == 201, r.text
    assert r.json()["dossier"] is True
    pdf = client.get(f"{url}/{r.json()['id']}/pdf", headers=karim).content
    letter = tmp_path / "with-dossier.pdf"
    letter.write_bytes(pdf)
    key = fingerprint(bytes(inst.runtime.org.signing_key.verify_key))
    result = CliRunner().invoke(cli_app, ["verify", str(letter), "--expect-key", key])
    assert result.exit_code == 0, result.output
    assert "attachment dossier.zip intact" in result.output and "attached dossier:" in result.output
    listed = subprocess.run(["pdfdetach", "-list", str(letter)], capture_output=True, text=True, check=True).stdout
    assert "dossier.zip" in listed


@pytest.mark.parametrize(("change", "status", "message"), [
    ({"template": "passport-please"}, 422, "no letter template passport-please"),
    ({"language": "de"}, 422, "no letter template travel-document in de"),
    ({"fields": ["full_name"]}, 422, "needs date_of_birth"),
    ({"fields": ["full_name", "date_of_birth", "shoe_size"]}, 422, "Unknown identity field shoe_size"),
    ({"fields": ["full_name", "date_of_birth", "other_names"]}, 422, "did not give other_names"),
    ({"authority": "   "}, 422, "which authority"),
])
def test_a_request_that_does_not_fit_is_refused_and_nothing_is_written(world, change, status, message) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, _ = world
    client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    before = _counts(inst)
    r = client.post(f"/api/v1/staff/cases/{case_id}/authority-requests", json=_body(**change),
                    headers=bearer(tokens["karim"]))
    assert r.status_code == status and message in r.text, r.text
    assert _counts(inst) == before
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).json()["used"] is False


def test_no_request_without_consent_identity_or_a_named_reader(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, _ = world
    url = f"/api/v1/staff/cases/{case_id}/authority-requests"
    before = _counts(inst)
    r = client.post(url, json=_body(), headers=bearer(tokens["karim"]))
    assert r.status_code == 409 and "has not agreed" in r.text
    assert _counts(inst) == before
    client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    before = _counts(inst)
    r = client.post(url, json=_body(), headers=bearer(tokens["amal"]))  # holds the case, not named
    assert r.status_code == 403
    assert _counts(inst) == before
    assert client.delete("/api/v1/contact/identity", headers=bearer(contact)).status_code == 204
    before = _counts(inst)
    r = client.post(url, json=_body(), headers=bearer(tokens["karim"]))
    assert r.status_code == 409 and "has not given their identity" in r.text
    assert _counts(inst) == before
    # the person withdraws their agreement: refused again
    client.put("/api/v1/contact/identity", json={"fields": IDENTITY}, headers=bearer(contact))
    client.put("/api/v1/contact/consent", json={"authority_request": False}, headers=bearer(contact))
    r = client.post(url, json=_body(), headers=bearer(tokens["karim"]))
    assert r.status_code == 409 and "has not agreed" in r.text


def test_a_case_still_in_vetting_gets_no_letter(installation: Installation) -> None:
    omar = installation.add_staff("omar")
    with client_for(installation) as client:
        _codename, contact = start_contact(client, first_message="hello")
        token = staff_token(client, omar)
        case_id = client.get("/api/v1/staff/cases", headers=bearer(token)).json()[0]["id"]
        client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
        before = _counts(installation)
        r = client.post(f"/api/v1/staff/cases/{case_id}/authority-requests", json=_body(), headers=bearer(token))
        assert r.status_code == 409 and "once vetting is over" in r.text
        assert _counts(installation) == before


def test_an_organisation_template_replaces_the_shipped_one_and_a_broken_one_is_reported(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, _ = world
    folder = inst.runtime.settings.data_dir / "letters"
    folder.mkdir()
    (folder / "travel-document.fr.md").write_text(
        "---\ntitle: Notre lettre\nsubject: Laissez-passer pour {{full_name}}\nreviewed: 2026-11-20\n---\n"
        "Madame, Monsieur,\n\nNous demandons un laissez-passer pour {{full_name}}.\n", encoding="utf-8")
    (folder / "bad.fr.md").write_text("---\ntitle: x\nsubject: y\nreviewed: 2026-11-20\n---\n{{shoe_size}}\n",
                                      encoding="utf-8")
    r = client.get("/api/v1/staff/authority-letters", headers=bearer(tokens["karim"])).json()
    ours = [t for t in r["templates"] if (t["name"], t["language"]) == ("travel-document", "fr")][0]
    assert ours["origin"] == "organisation" and ours["required"] == ["full_name"]
    assert any("bad.fr.md" in p and "shoe_size" in p for p in r["problems"])
    client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    r = client.post(f"/api/v1/staff/cases/{case_id}/authority-requests", json=_body(fields=["full_name"]),
                    headers=bearer(tokens["karim"]))
    assert r.status_code == 201, r.text
    pdf = client.get(f"/api/v1/staff/cases/{case_id}/authority-requests/{r.json()['id']}/pdf",
                     headers=bearer(tokens["karim"])).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Nous demandons un laissez-passer pour " + REAL_NAME in text
    assert "1999-02-03" not in io.StringIO(text).getvalue()


def test_the_letter_never_reaches_the_disk_in_the_clear(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, _ = world
    client.put("/api/v1/contact/consent", json={"authority_request": True}, headers=bearer(contact))
    r = client.post(f"/api/v1/staff/cases/{case_id}/authority-requests", json=_body(),
                    headers=bearer(tokens["karim"]))
    assert r.status_code == 201
    secrets = (REAL_NAME.encode(), b"19AB48213", b"Erbil")
    with inst.runtime.db() as db:
        rows = db.execute(select(AuthorityRequest.__table__)).all()
    assert rows
    for row in rows:
        for value in row:
            raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            assert not any(s in raw for s in secrets), row
    inst.runtime.engine.dispose()
    files = [p for p in inst.runtime.settings.data_dir.rglob("*") if p.is_file()]
    assert files  # the keys and files folders at least; the SQLite database too on that backend
    for path in files:
        data = path.read_bytes()
        assert not any(s in data for s in secrets), path
