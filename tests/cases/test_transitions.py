"""The workflow persisted: checked transitions over the API, four eyes, sealed history, ledger events."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.cases.casework_models import StateChange, TransitionProposal
from safeconduct.cases.models import Case
from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer, only_case_id, staff_token, start_contact

REASON = "canary-reason-7f3a: checked with two references"


def _counts(inst: Installation, case_id: str) -> tuple[int, int, int]:
    with inst.runtime.db() as db:
        return (
            db.scalar(select(func.count()).select_from(StateChange).where(StateChange.case_id == case_id)) or 0,
            db.scalar(select(func.count()).select_from(TransitionProposal)) or 0,
            db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id)) or 0,
        )


def test_a_case_moves_through_checked_transitions_with_four_eyes(installation: Installation,
                                                                 client: TestClient) -> None:
    anna_login, ben_login = installation.add_staff("anna"), installation.add_staff("ben")
    start_contact(client, first_message="hello")
    anna, ben = staff_token(client, anna_login), staff_token(client, ben_login)
    case_id = only_case_id(client, anna)
    url = f"/api/v1/staff/cases/{case_id}"

    r = client.get(f"{url}/workflow", headers=bearer(anna))
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["state"] == "new_contact" and view["label"] == "New contact"
    nexts = {n["state"]: n for n in view["next_states"]}
    assert nexts["vetting"]["four_eyes"] is False and nexts["rejected"]["four_eyes"] is True

    r = client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(anna))
    assert r.status_code == 200, r.text
    assert r.json() == {"state": "vetting", "changed": True, "proposal": None}

    # "vetted" needs a rationale, a proposal by one caseworker, and a confirmation by another
    r = client.post(f"{url}/transitions", json={"to": "advising"}, headers=bearer(anna))
    assert r.status_code == 422, r.text
    r = client.post(f"{url}/transitions", json={"to": "advising", "reason": REASON}, headers=bearer(anna))
    assert r.status_code == 202, r.text
    proposal = r.json()["proposal"]
    assert r.json()["state"] == "vetting" and proposal["proposed_by"] == "anna"
    r = client.post(f"{url}/transitions", json={"to": "advising", "reason": REASON}, headers=bearer(anna))
    assert r.status_code == 409, r.text  # the same proposal twice
    r = client.post(f"{url}/transitions/{proposal['id']}/confirm", headers=bearer(anna))
    assert r.status_code == 403, r.text
    assert "different caseworker" in r.json()["message"]
    r = client.post(f"{url}/transitions/{proposal['id']}/confirm", headers=bearer(ben))
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "advising"

    view = client.get(f"{url}/workflow", headers=bearer(ben)).json()
    assert view["pending"] == []
    assert [(h["from_state"], h["to_state"], h["by"], h["confirmed_by"]) for h in view["history"]] == [
        ("new_contact", "vetting", "anna", None), ("vetting", "advising", "anna", "ben")]
    assert view["history"][1]["reason"] == REASON

    before = _counts(installation, case_id)
    r = client.post(f"{url}/transitions", json={"to": "returned"}, headers=bearer(anna))
    assert r.status_code == 409, r.text
    assert "possible next" in r.json()["message"]
    r = client.post(f"{url}/transitions", json={"to": "nowhere"}, headers=bearer(anna))
    assert r.status_code == 422, r.text
    r = client.post(f"{url}/transitions", json={"to": "withdrawn"}, headers=bearer(anna))
    assert r.status_code == 422, r.text  # a side exit needs a reason
    assert _counts(installation, case_id) == before  # refusals write nothing

    with installation.runtime.db() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.state == "advising"
    assert before == (2, 0, 4)  # case_opened, the first message, two state changes (a proposal is no event)


def test_contact_lost_can_resume_where_it_was_lost(sqlite_installation: Installation,
                                                  sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, login)
    url = f"/api/v1/staff/cases/{only_case_id(sqlite_client, token)}"
    assert sqlite_client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(token)).status_code == 200
    r = sqlite_client.post(f"{url}/transitions", json={"to": "contact_lost", "reason": "no answer for 3 weeks"},
                           headers=bearer(token))
    assert r.status_code == 200, r.text
    nexts = [n["state"] for n in sqlite_client.get(f"{url}/workflow", headers=bearer(token)).json()["next_states"]]
    assert nexts[0] == "vetting"
    r = sqlite_client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(token))
    assert r.status_code == 200, r.text


def test_reasons_and_who_decided_are_encrypted_at_rest(sqlite_installation: Installation,
                                                       sqlite_client: TestClient) -> None:
    anna_login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    anna = staff_token(sqlite_client, anna_login)
    url = f"/api/v1/staff/cases/{only_case_id(sqlite_client, anna)}"
    sqlite_client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(anna))
    r = sqlite_client.post(f"{url}/transitions", json={"to": "rejected", "reason": REASON}, headers=bearer(anna))
    assert r.status_code == 202, r.text
    sqlite_client.post(f"{url}/transitions", json={"to": "withdrawn", "reason": REASON + " exit"},
                       headers=bearer(anna))
    sqlite_installation.runtime.engine.dispose()
    stored = b"".join(p.read_bytes() for p in Path(sqlite_installation.settings.data_dir).glob("safeconduct.db*"))
    assert b"canary-reason-7f3a" not in stored


def test_organisation_renames_and_substates_come_from_its_config(tmp_path: Path) -> None:
    inst = make_installation(tmp_path / "data", None, "sqlite", organisation={"workflow": {
        "labels": {"advising": "Beratung"}, "substates": {"vetting": ["documents", "interview"]}}})
    login = inst.add_staff("anna")
    with client_for(inst) as client:
        start_contact(client, first_message="hello")
        token = staff_token(client, login)
        url = f"/api/v1/staff/cases/{only_case_id(client, token)}"
        client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(token))
        view = client.get(f"{url}/workflow", headers=bearer(token)).json()
        assert {n["state"]: n["label"] for n in view["next_states"]}["advising"] == "Beratung"
        assert view["substates"] == ["vetting/documents", "vetting/interview"]
        r = client.post(f"{url}/transitions", json={"to": "vetting/interview"}, headers=bearer(token))
        assert r.status_code == 200 and r.json()["state"] == "vetting/interview", r.text
        r = client.post(f"{url}/transitions", json={"to": "vetting/housing"}, headers=bearer(token))
        assert r.status_code == 422, r.text
    inst.runtime.engine.dispose()


def test_a_caseworker_without_the_case_is_refused(sqlite_installation: Installation,
                                                 sqlite_client: TestClient) -> None:
    outsider = sqlite_installation.add_staff("olga", intake=False)
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, outsider)
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/transitions", json={"to": "vetting"},
                           headers=bearer(token))
    assert r.status_code == 403, r.text
    r = sqlite_client.get("/api/v1/staff/cases/0123456789abcdef0123456789abcdef/workflow", headers=bearer(token))
    assert r.status_code == 404, r.text


def test_the_console_page_changes_state_and_shows_four_eyes(sqlite_installation: Installation,
                                                            sqlite_client: TestClient) -> None:
    import re

    anna_login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    page = sqlite_client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/staff/login", data={"csrf_token": csrf, "username": "anna",
                                                 "password": anna_login.password, "totp": anna_login.code()})
    assert r.status_code == 303, r.text
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    assert f"/staff/cases/{case_id}/work" in sqlite_client.get(f"/staff/cases/{case_id}").text
    work = f"/staff/cases/{case_id}/work"
    page = sqlite_client.get(work)
    assert page.status_code == 200 and 'value="vetting"' in page.text
    r = sqlite_client.post(f"{work}/transition", data={"csrf_token": csrf, "to": "vetting", "reason": ""})
    assert r.status_code == 303, r.text
    r = sqlite_client.post(f"{work}/transition", data={"csrf_token": csrf, "to": "advising", "reason": REASON})
    assert r.status_code == 303, r.text
    page = sqlite_client.get(work).text
    assert "anna proposes" in page and "A different caseworker must confirm it." in page
    proposal_id = re.search(r'/work/withdraw/([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post(f"{work}/withdraw/{proposal_id}", data={"csrf_token": csrf})
    assert r.status_code == 303, r.text
    assert "anna proposes" not in sqlite_client.get(work).text
    r = sqlite_client.post(f"{work}/dossier", data={"csrf_token": csrf})
    assert r.status_code == 409 and "consented" in r.text
    r = sqlite_client.post(f"{work}/transition", data={"to": "closed", "reason": "x"})
    assert r.status_code == 403  # no CSRF token


def test_a_move_elsewhere_drops_stale_proposals_and_proposers_can_withdraw(sqlite_installation: Installation,
                                                                          sqlite_client: TestClient) -> None:
    anna_login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    anna = staff_token(sqlite_client, anna_login)
    url = f"/api/v1/staff/cases/{only_case_id(sqlite_client, anna)}"
    r = sqlite_client.post(f"{url}/transitions", json={"to": "rejected", "reason": "inconsistent story"},
                           headers=bearer(anna))
    assert r.status_code == 202, r.text
    r = sqlite_client.delete(f"{url}/transitions/{r.json()['proposal']['id']}", headers=bearer(anna))
    assert r.status_code == 204, r.text
    r = sqlite_client.post(f"{url}/transitions", json={"to": "rejected", "reason": "inconsistent story"},
                           headers=bearer(anna))
    assert r.status_code == 202, r.text
    assert sqlite_client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(anna)).status_code == 200
    assert sqlite_client.get(f"{url}/workflow", headers=bearer(anna)).json()["pending"] == []
