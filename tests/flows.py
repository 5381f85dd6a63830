"""The steps people take, over HTTP, reused by several tests."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import StaffLogin


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start_token(client: httpx.Client | Any) -> str:
    """A server-issued start token, as a program asks for one."""
    r = client.get("/api/v1/contact/start-token")
    assert r.status_code == 200, r.text
    return str(r.json()["start_token"])


def start_contact(client: httpx.Client | Any, first_message: str | None = None) -> tuple[str, str]:
    """A new conversation: its codename and a session token.

    It reaches the caseworkers' inboxes only with its first message or file: pass `first_message` for a
    case the staff side should see.
    """
    r = client.post("/api/v1/contact/start", json={"start_token": start_token(client)})
    assert r.status_code == 201, r.text
    codename = r.json()["codename"]
    r = client.post("/api/v1/contact/session", json={"codename": codename})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    if first_message is not None:
        r = client.post("/api/v1/contact/messages", json={"text": first_message}, headers=bearer(token))
        assert r.status_code == 201, r.text
    return codename, token


def staff_token(client: httpx.Client | Any, login: StaffLogin) -> str:
    r = client.post("/api/v1/staff/session",
                    json={"username": login.username, "password": login.password, "totp": login.code()})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def only_case_id(client: httpx.Client | Any, token: str) -> str:
    r = client.get("/api/v1/staff/cases", headers=bearer(token))
    assert r.status_code == 200, r.text
    cases = r.json()
    assert len(cases) == 1, cases
    return str(cases[0]["id"])


def csrf_of(page: str) -> str:
    """The CSRF token of a rendered page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def contact_page_login(client: httpx.Client | Any, codename: str) -> str:
    """Log in through the no-JavaScript form (session cookie); return the CSRF token for later forms."""
    csrf = csrf_of(client.get("/contact/login").text)
    r = client.post("/contact/login", data={"csrf_token": csrf, "codename": codename})
    assert r.status_code == 303, r.text
    return csrf


def staff_page_login(client: httpx.Client | Any, login: StaffLogin) -> str:
    """Log a caseworker in through the console's form; return the CSRF token for later forms."""
    csrf = csrf_of(client.get("/staff/login").text)
    r = client.post("/staff/login", data={"csrf_token": csrf, "username": login.username,
                                          "password": login.password, "totp": login.code()})
    assert r.status_code == 303, r.text
    return csrf
