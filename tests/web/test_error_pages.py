"""Errors reach a browser as a page in its language (never JSON), and the console's keep its navigation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Installation
from tests.flows import staff_page_login


def test_a_mistyped_address_gives_a_browser_the_translated_page_not_json(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/contact/conversaton", headers={"Accept-Language": "fr"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Cette page n’existe pas" in r.text and '<html lang="fr"' in r.text
    r = sqlite_client.get("/nowhere?lang=ar")
    assert r.status_code == 404 and 'dir="rtl"' in r.text and "هذه الصفحة غير موجودة" in r.text
    r = sqlite_client.put("/contact/login?lang=en")  # a page used another way than it offers
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")
    assert "cannot be used that way" in r.text
    r = sqlite_client.get("/api/v1/nowhere")  # programs still get our JSON error body
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_a_refusal_in_the_console_keeps_the_staff_navigation_and_speaks_to_staff(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("amal")  # a caseworker, not an administrator
    staff_page_login(sqlite_client, login)
    r = sqlite_client.get("/staff/admin")
    assert r.status_code == 403
    assert 'class="staffnav"' in r.text and "amal" in r.text and 'href="/staff"' in r.text
    assert "Nothing was changed." in r.text and "Back to the inbox" in r.text
    assert "Nothing you sent before has been lost." not in r.text  # that sentence is for contacts
    r = sqlite_client.get("/staff/nowhere")
    assert r.status_code == 404 and 'class="staffnav"' in r.text


def test_a_console_error_without_a_session_shows_no_navigation(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/staff/nowhere")
    assert r.status_code == 404 and 'class="staffnav"' not in r.text and "Log in" in r.text
