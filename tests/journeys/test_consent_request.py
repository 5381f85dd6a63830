"""Consent can be reached: the conversation links to it, and a caseworker can ask for it from the console."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from safeconduct.cases import audit
from safeconduct.cases.models import Case
from safeconduct.contact import service as contact
from safeconduct.ledger import service as ledger
from tests.conftest import Installation, client_for
from tests.flows import bearer, contact_page_login, staff_page_login, start_contact


def _case_key(inst: Installation, codename: str) -> tuple[str, bytes]:
    with inst.runtime.db() as db:
        access = contact.log_in(db, inst.runtime.org, codename)
    return access.case_id, access.case_key


def test_the_conversation_page_links_to_the_consent_page(sqlite_client: TestClient) -> None:
    codename, _ = start_contact(sqlite_client)
    contact_page_login(sqlite_client, codename)
    page = sqlite_client.get("/contact/conversation")
    assert page.status_code == 200 and 'href="/contact/consent"' in page.text
    assert 'id="consent-request"' not in page.text  # nobody asked yet: no notice, only the link


def test_a_caseworker_asks_for_consent_and_the_contact_sees_it_in_arabic_until_they_answer(
        installation: Installation, client: TestClient) -> None:
    login = installation.add_staff("anna")
    codename, token = start_contact(client)
    client.post("/api/v1/contact/messages", json={"text": "I want to leave"}, headers=bearer(token))
    case_id, key = _case_key(installation, codename)
    with installation.runtime.db() as db:
        before = len(ledger.case_entries(db, case_id))

    with client_for(installation) as staff:
        staff_csrf = staff_page_login(staff, login)
        work = f"/staff/cases/{case_id}/work"
        dossier_tab = f"{work}?tab=dossier"
        page = staff.get(dossier_tab).text
        assert f'action="{work}/consent-request"' in page
        assert "The person has not agreed to show anything yet." in page
        with installation.runtime.db() as db:  # the page shows the conversation: its reading is a custody event
            before = len(ledger.case_entries(db, case_id))
        r = staff.post(f"{work}/consent-request", data={})
        assert r.status_code == 403  # no CSRF token: refused, nothing recorded
        with installation.runtime.db() as db:
            assert len(ledger.case_entries(db, case_id)) == before
        r = staff.post(f"{work}/consent-request", data={"csrf_token": staff_csrf})
        assert r.status_code == 303, r.text
        assert "the person has not answered yet" in staff.get(dossier_tab).text

        with installation.runtime.db() as db:
            opened = ledger.open_events(ledger.case_entries(db, case_id), key)
            assert [e.kind for e in opened[before:] if e.kind != "view"] == ["consent_request"]
            rows = audit.entries(db, case_id=case_id)
            assert [(r.username, r.action) for r in rows if r.action == "request_consent"] == [
                ("anna", "request_consent")]

        # The contact, reading Arabic, sees the request on their next visit and reaches the consent page.
        csrf = contact_page_login(client, codename)
        page = client.get("/contact/conversation?lang=ar").text
        assert 'id="consent-request"' in page
        assert "يطلب منك المسؤول عن ملفك" in page and 'href="/contact/consent"' in page
        consent_page = client.get("/contact/consent")
        assert consent_page.status_code == 200 and "I want to leave" in consent_page.text
        r = client.post("/contact/consent", data={"csrf_token": csrf, "all": "1"})
        assert r.status_code == 303, r.text
        assert 'id="consent-request"' not in client.get("/contact/conversation").text  # answered

        page = staff.get(dossier_tab).text
        assert "The person agreed to show everything." in page and "has not answered yet" not in page


def test_asking_again_after_a_dossier_fixed_the_choice_is_refused_clearly(sqlite_installation: Installation,
                                                                         sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "words"}, headers=bearer(token))
    sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token))
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    with client_for(sqlite_installation) as staff:
        csrf = staff_page_login(staff, login)
        r = staff.post(f"/staff/cases/{case_id}/work/dossier",
                       data={"csrf_token": csrf, "password": login.password, "totp": login.next_code()})
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        page = staff.get(f"/staff/cases/{case_id}/work?tab=dossier").text
        assert "consent-request" not in page  # no button once the choice is fixed
        r = staff.post(f"/staff/cases/{case_id}/work/consent-request", data={"csrf_token": csrf})
        assert r.status_code == 409 and "can no longer be changed" in r.text
    _, key = _case_key(sqlite_installation, codename)
    with sqlite_installation.runtime.db() as db:
        kinds = [e.kind for e in ledger.open_events(ledger.case_entries(db, case_id), key)]
    assert "consent_request" not in kinds
    assert json.loads(sqlite_client.get("/api/v1/contact/consent", headers=bearer(token)).text)["exported"] is True


def test_the_api_asks_for_consent_and_the_contact_api_shows_the_request_until_answered(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    from tests.flows import only_case_id, staff_token

    login = sqlite_installation.add_staff("anna")
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "words"}, headers=bearer(token))
    assert sqlite_client.get("/api/v1/contact/consent", headers=bearer(token)).json()["requested"] is False
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/consent-request", headers=bearer(staff))
    assert r.status_code == 204, r.text
    assert sqlite_client.get("/api/v1/contact/consent", headers=bearer(token)).json()["requested"] is True
    r = sqlite_client.post("/api/v1/staff/cases/0123456789abcdef0123456789abcdef/consent-request",
                           headers=bearer(staff))
    assert r.status_code == 404
    sqlite_client.put("/api/v1/contact/consent", json={"items": []}, headers=bearer(token))
    assert sqlite_client.get("/api/v1/contact/consent", headers=bearer(token)).json()["requested"] is False
