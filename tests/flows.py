"""The steps people take, over HTTP, reused by several tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import StaffLogin


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start_contact(client: httpx.Client | Any) -> tuple[str, str]:
    """A new conversation: its codename and a session token."""
    r = client.post("/api/v1/contact/start")
    assert r.status_code == 201, r.text
    codename = r.json()["codename"]
    r = client.post("/api/v1/contact/session", json={"codename": codename})
    assert r.status_code == 200, r.text
    return codename, r.json()["token"]


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
