"""The structured vetting record: claims and their checks, risk flags, sealed at rest, in the ledger, four eyes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.cases import vetting
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.keys import unseal_for_recipient
from safeconduct.cases.models import Case
from safeconduct.cases.vetting_models import VettingClaim, VettingRisk
from safeconduct.crypto.keys import parse_recovery_key
from safeconduct.ledger import service as ledger
from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact

CANARY = "canary-vetting-91c2"


def _counts(inst: Installation, case_id: str) -> tuple[int, int, int, int]:
    with inst.runtime.db() as db:
        return (
            db.scalar(select(func.count()).select_from(VettingClaim).where(VettingClaim.case_id == case_id)) or 0,
            db.scalar(select(func.count()).select_from(VettingRisk)) or 0,
            db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id)) or 0,
            db.scalar(select(func.count()).select_from(AuditRecord)
                      .where(AuditRecord.action.in_(("add_claim", "change_claim", "set_risk")))) or 0,
        )


def _kinds(inst: Installation, case_id: str) -> list[str]:
    """The case's ledger event kinds, in order (kinds are sealed: opened with the recovery key)."""
    with inst.runtime.db() as db:
        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(inst.recovery_key))
        return [str(e.kind) for e in ledger.open_events(ledger.case_entries(db, case_id), key)]


def test_claims_risk_and_four_eyes_decision_in_one_record(installation: Installation, client: TestClient) -> None:
    anna_login, ben_login = installation.add_staff("anna"), installation.add_staff("ben")
    start_contact(client, first_message="hello")
    anna, ben = staff_token(client, anna_login), staff_token(client, ben_login)
    case_id = only_case_id(client, anna)
    url = f"/api/v1/staff/cases/{case_id}"

    r = client.get(f"{url}/vetting", headers=bearer(anna))
    assert r.status_code == 200, r.text
    assert r.json()["claims"] == [] and r.json()["risk"] is None and r.json()["decisions"] == []
    assert "exit_plan" in r.json()["topics"] and "contradicted" in r.json()["statuses"]

    r = client.post(f"{url}/vetting/claims", json={"topic": "joined_when", "text": "Recruited in spring 2019"},
                    headers=bearer(anna))
    assert r.status_code == 201, r.text
    joined = r.json()
    assert joined["status"] == "unverified" and joined["by"] == "anna" and len(joined["history"]) == 1
    r = client.post(f"{url}/vetting/claims", json={"topic": "unit", "text": "Third company", "status": "corroborated",
                                                   "evidence": "A second defector named the same commander"},
                    headers=bearer(anna))
    assert r.status_code == 201, r.text
    kinds_before = _kinds(installation, case_id)

    r = client.patch(f"{url}/vetting/claims/{joined['id']}",
                     json={"status": "contradicted", "evidence": "The camp opened only in 2020"}, headers=bearer(ben))
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["status"] == "contradicted" and changed["changed_by"] == "ben" and changed["by"] == "anna"
    assert [(h["status"], h["by"]) for h in changed["history"]] == [("unverified", "anna"), ("contradicted", "ben")]

    r = client.put(f"{url}/vetting/risk", json={"flags": ["possible infiltrator", "possible infiltrator", "minor"],
                                                "note": "Check with the regional office"}, headers=bearer(ben))
    assert r.status_code == 200, r.text
    assert r.json()["flags"] == ["possible infiltrator", "minor"] and r.json()["by"] == "ben"
    assert _kinds(installation, case_id)[len(kinds_before):] == ["vetting", "vetting"]

    # the decision is the four-eyes state change: proposed by one, confirmed by another, shown here
    assert client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(anna)).status_code == 200
    r = client.post(f"{url}/transitions", json={"to": "rejected", "reason": "Story contradicted"},
                    headers=bearer(anna))
    assert r.status_code == 202, r.text
    decisions = client.get(f"{url}/vetting", headers=bearer(ben)).json()["decisions"]
    assert [(d["to_state"], d["by"], d["pending"]) for d in decisions] == [("rejected", "anna", True)]
    r = client.post(f"{url}/transitions/{decisions[0]['proposal_id']}/confirm", headers=bearer(ben))
    assert r.status_code == 200, r.text
    view = client.get(f"{url}/vetting", headers=bearer(anna)).json()
    assert [(d["to_state"], d["by"], d["confirmed_by"], d["rationale"], d["pending"]) for d in view["decisions"]] \
        == [("rejected", "anna", "ben", "Story contradicted", False)]
    assert [c["topic"] for c in view["claims"]] == ["joined_when", "unit"]
    assert view["risk"]["note"] == "Check with the regional office"


def test_refusals_leave_nothing_written(installation: Installation, client: TestClient) -> None:
    login = installation.add_staff("anna")
    start_contact(client, first_message="hello")
    token = staff_token(client, login)
    case_id = only_case_id(client, token)
    url = f"/api/v1/staff/cases/{case_id}/vetting"
    r = client.post(f"{url}/claims", json={"topic": "role", "text": "Driver"}, headers=bearer(token))
    claim_id = r.json()["id"]
    before = _counts(installation, case_id)
    for body in ({"topic": "favourite_colour", "text": "x"}, {"topic": "role", "text": "   "},
                 {"topic": "role", "text": "Driver", "status": "maybe"},
                 {"topic": "role", "text": "Driver", "status": "corroborated"}):
        r = client.post(f"{url}/claims", json=body, headers=bearer(token))
        assert r.status_code == 422, (body, r.text)
    for body in ({"status": "probably"}, {"status": "corroborated"}, {}):
        r = client.patch(f"{url}/claims/{claim_id}", json=body, headers=bearer(token))
        assert r.status_code == 422, (body, r.text)
    r = client.patch(f"{url}/claims/0123456789abcdef0123456789abcdef", json={"status": "unverified"},
                     headers=bearer(token))
    assert r.status_code == 404, r.text
    r = client.put(f"{url}/risk", json={"flags": [""]}, headers=bearer(token))
    assert r.status_code == 422, r.text
    r = client.put(f"{url}/risk", json={"flags": [f"flag {i}" for i in range(vetting.MAX_FLAGS + 1)]},
                   headers=bearer(token))
    assert r.status_code == 413, r.text
    assert _counts(installation, case_id) == before
    assert "choose one of" in client.post(f"{url}/claims", json={"topic": "x", "text": "y"},
                                          headers=bearer(token)).json()["message"]


def test_vetting_content_is_encrypted_at_rest(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, login)
    url = f"/api/v1/staff/cases/{only_case_id(sqlite_client, token)}/vetting"
    r = sqlite_client.post(f"{url}/claims", json={"topic": "unit", "text": f"{CANARY} unit",
                                                  "status": "corroborated", "evidence": f"{CANARY} evidence"},
                           headers=bearer(token))
    assert r.status_code == 201, r.text
    r = sqlite_client.patch(f"{url}/claims/{r.json()['id']}", json={"evidence": f"{CANARY} more"},
                            headers=bearer(token))
    assert r.status_code == 200, r.text
    r = sqlite_client.put(f"{url}/risk", json={"flags": [f"{CANARY} flag"], "note": f"{CANARY} note"},
                          headers=bearer(token))
    assert r.status_code == 200, r.text
    sqlite_installation.runtime.engine.dispose()
    stored = b"".join(p.read_bytes() for p in Path(sqlite_installation.settings.data_dir).glob("safeconduct.db*"))
    assert CANARY.encode() not in stored


def test_a_caseworker_without_the_case_is_refused(sqlite_installation: Installation,
                                                 sqlite_client: TestClient) -> None:
    anna_login = sqlite_installation.add_staff("anna")
    outsider = sqlite_installation.add_staff("olga", intake=False)
    start_contact(sqlite_client, first_message="hello")
    case_id = only_case_id(sqlite_client, staff_token(sqlite_client, anna_login))
    token = staff_token(sqlite_client, outsider)
    url = f"/api/v1/staff/cases/{case_id}/vetting"
    before = _counts(sqlite_installation, case_id)
    assert sqlite_client.get(url, headers=bearer(token)).status_code == 403
    r = sqlite_client.post(f"{url}/claims", json={"topic": "role", "text": "Driver"}, headers=bearer(token))
    assert r.status_code == 403, r.text
    r = sqlite_client.put(f"{url}/risk", json={"flags": []}, headers=bearer(token))
    assert r.status_code == 403, r.text
    assert _counts(sqlite_installation, case_id) == before
    r = sqlite_client.get("/api/v1/staff/cases/0123456789abcdef0123456789abcdef/vetting", headers=bearer(token))
    assert r.status_code == 404, r.text


def test_the_console_page_records_claims_and_risk_flags(sqlite_installation: Installation,
                                                        sqlite_client: TestClient) -> None:
    import re

    anna_login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    login_page = sqlite_client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/staff/login", data={"csrf_token": csrf, "username": "anna",
                                                 "password": anna_login.password, "totp": anna_login.code()})
    assert r.status_code == 303, r.text
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    work = f"/staff/cases/{case_id}/work"
    vetting_tab = f"{work}?tab=vetting"
    assert "No claims recorded yet." in sqlite_client.get(vetting_tab).text
    r = sqlite_client.post(f"{work}/vetting/claims", data={"csrf_token": csrf, "topic": "role", "text": "Cook",
                                                           "status": "unverified", "evidence": ""})
    assert r.status_code == 303, r.text
    page = sqlite_client.get(vetting_tab).text
    assert "Cook" in page and "Unverified" in page
    claim_id = re.search(r'/work/vetting/claims/([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post(f"{work}/vetting/claims/{claim_id}", data={"csrf_token": csrf, "status": "corroborated",
                                                                      "evidence": ""})
    assert r.status_code == 422 and "evidence" in r.text  # refused, shown on the page
    r = sqlite_client.post(f"{work}/vetting/claims/{claim_id}", data={"csrf_token": csrf, "status": "corroborated",
                                                                      "evidence": "Seen in the kitchen photo"})
    assert r.status_code == 303, r.text
    r = sqlite_client.post(f"{work}/vetting/risk", data={"csrf_token": csrf, "flags": "minor, , threats",
                                                         "note": "Family nearby"})
    assert r.status_code == 303, r.text
    page = sqlite_client.get(vetting_tab).text
    assert "Corroborated" in page and "Seen in the kitchen photo" in page and 'value="minor, threats"' in page
    r = sqlite_client.post(f"{work}/vetting/risk", data={"flags": "x"})
    assert r.status_code == 403  # no CSRF token
