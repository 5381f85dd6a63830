"""Referrals to partner organisations, over HTTP: consent first, a package a partner verifies offline."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cli import app as cli_app
from safeconduct.ledger.models import LedgerEntry
from safeconduct.ledger.verify import verify_bundle
from safeconduct.referrals.models import Referral
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact


def _counts(inst: Installation) -> tuple[int, int, int]:
    with inst.runtime.db() as db:
        return (db.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                db.scalar(select(func.count()).select_from(Referral)) or 0,
                db.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def _partner(client: TestClient, admin: str, name: str = "Maître Dupont", kind: str = "lawyer") -> int:
    r = client.post("/api/v1/staff/partners", json={"name": name, "kind": kind, "country": "fr"},
                    headers=bearer(admin))
    assert r.status_code == 201, r.text
    assert r.json()["country"] == "FR"
    return int(r.json()["id"])


def test_a_referral_needs_consent_and_its_package_verifies_offline(installation: Installation, client: TestClient,
                                                                   tmp_path: Path) -> None:
    admin = staff_token(client, installation.add_staff("root", role="admin", intake=False))
    worker = installation.add_staff("anna")
    _, contact = start_contact(client, "I want to come home")
    client.post("/api/v1/contact/messages", json={"text": "my cousin is secret-77aa"}, headers=bearer(contact))
    staff = staff_token(client, worker)
    case_id = only_case_id(client, staff)
    url = f"/api/v1/staff/cases/{case_id}/referrals"
    partner = _partner(client, admin)
    items = client.get("/api/v1/contact/consent", headers=bearer(contact)).json()["items"]
    first = items[0]["id"]

    # a caseworker cannot add partners; a bad partner is refused
    assert client.post("/api/v1/staff/partners", json={"name": "X", "kind": "lawyer", "country": "FR"},
                       headers=bearer(staff)).status_code == 403
    assert client.post("/api/v1/staff/partners", json={"name": "X", "kind": "bakery", "country": "FR"},
                       headers=bearer(admin)).status_code == 422
    assert client.post("/api/v1/staff/partners", json={"name": "X", "kind": "lawyer", "country": "F1"},
                       headers=bearer(admin)).status_code == 422

    # no consent to referrals: refused with a clear reason, nothing written
    before = _counts(installation)
    r = client.post(url, json={"partner": partner, "items": []}, headers=bearer(staff))
    assert r.status_code == 409, r.text
    assert "not agreed to be referred" in r.json()["message"]
    assert _counts(installation) == before

    # consent to referrals alone leaves the dossier choice as it is
    r = client.put("/api/v1/contact/consent", json={"referrals": True}, headers=bearer(contact))
    assert r.status_code == 200 and r.json()["referrals"] is True and r.json()["all"] is False, r.text

    # an item the person did not agree may be shown, an unknown partner, an unknown item: refused, nothing written
    before = _counts(installation)
    r = client.post(url, json={"partner": partner, "items": [first]}, headers=bearer(staff))
    assert r.status_code == 409 and "has not agreed" in r.json()["message"], r.text
    assert client.post(url, json={"partner": 999, "items": []}, headers=bearer(staff)).status_code == 404
    assert client.post(url, json={"partner": partner, "items": ["m:99999"]}, headers=bearer(staff)).status_code == 422
    assert client.post(url, json={"partner": "x"}, headers=bearer(staff)).status_code == 422
    assert _counts(installation) == before

    r = client.put("/api/v1/contact/consent", json={"items": [first]}, headers=bearer(contact))
    assert r.status_code == 200 and r.json()["referrals"] is True, r.text  # the referrals part is kept
    r = client.post(url, json={"partner": partner, "items": [first]}, headers=bearer(staff))
    assert r.status_code == 201, r.text
    referral = r.json()
    assert referral["status"] == "sent" and referral["partner"] == "Maître Dupont" and referral["items"] == [first]
    assert [x["id"] for x in client.get(url, headers=bearer(staff)).json()] == [referral["id"]]

    # the package: bundle, PDF and README; `safeconduct verify` accepts it; only the referred item is in it
    r = client.get(f"{url}/{referral['id']}/package", headers=bearer(staff))
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as outer:
        assert sorted(outer.namelist()) == ["README.txt", "bundle.zip", "dossier.pdf"]
        bundle = outer.read("bundle.zip")
    disclosed = {e.kind: e.content for e in verify_bundle(bundle).events if e.content is not None}
    assert set(disclosed) == {"message_in", "consent_referrals", "referral", "referral_package"}
    assert disclosed["message_in"] == b"I want to come home"
    assert b"secret-77aa" not in r.content
    path = tmp_path / "referral.zip"
    path.write_bytes(r.content)
    fingerprint = _fingerprint(installation)
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--expect-key", fingerprint])
    assert result.exit_code == 0, result.output
    assert "VERIFIED" in result.output

    # the partner's answers: each a ledger event; bad steps refused with nothing written
    status = f"{url}/{referral['id']}/status"
    before = _counts(installation)
    assert client.post(status, json={"status": "completed", "reason": "done"}, headers=bearer(staff)).status_code == 409
    assert client.post(status, json={"status": "declined"}, headers=bearer(staff)).status_code == 422
    assert client.post(status, json={"status": "lost"}, headers=bearer(staff)).status_code == 422
    assert client.post(f"{url}/nope/status", json={"status": "accepted"}, headers=bearer(staff)).status_code == 404
    assert _counts(installation)[:2] == before[:2]
    r = client.post(status, json={"status": "accepted"}, headers=bearer(staff))
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    assert client.post(status, json={"status": "completed"}, headers=bearer(staff)).status_code == 422
    r = client.post(status, json={"status": "completed", "reason": "lawyer appointed"}, headers=bearer(staff))
    assert r.status_code == 200, r.text
    assert [s["status"] for s in r.json()["steps"]] == ["sent", "accepted", "completed"]
    assert r.json()["steps"][-1]["reason"] == "lawyer appointed"
    assert _counts(installation)[0] == before[0] + 2

    # a declined referral, and withdrawn consent: no package
    r = client.post(url, json={"partner": partner, "items": []}, headers=bearer(staff))
    declined = r.json()["id"]
    assert client.post(f"{url}/{declined}/status", json={"status": "declined", "reason": "no capacity"},
                       headers=bearer(staff)).status_code == 200
    assert client.get(f"{url}/{declined}/package", headers=bearer(staff)).status_code == 409
    assert client.put("/api/v1/contact/consent", json={"referrals": False}, headers=bearer(contact)).status_code == 200
    before = _counts(installation)
    assert client.get(f"{url}/{referral['id']}/package", headers=bearer(staff)).status_code == 409
    assert _counts(installation) == before


def _fingerprint(inst: Installation) -> str:
    from safeconduct.ledger.trust import fingerprint

    return fingerprint(bytes(inst.runtime.org.signing_key.verify_key))


def test_someone_elses_case_cannot_be_referred(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    client = sqlite_client
    admin = staff_token(client, sqlite_installation.add_staff("root", role="admin", intake=False))
    owner = staff_token(client, sqlite_installation.add_staff("anna"))
    other = staff_token(client, sqlite_installation.add_staff("bob", intake=False))
    _, contact = start_contact(client, "hello")
    client.put("/api/v1/contact/consent", json={"referrals": True}, headers=bearer(contact))
    case_id = only_case_id(client, owner)
    partner = _partner(client, admin)
    before = _counts(sqlite_installation)
    for path in ("referrals", "tasks"):
        r = client.post(f"/api/v1/staff/cases/{case_id}/{path}", json={"partner": partner, "items": []}
                        if path == "referrals" else {"title": "x", "due": "2099-01-01"}, headers=bearer(other))
        assert r.status_code in (403, 404), r.text
    assert _counts(sqlite_installation) == before
