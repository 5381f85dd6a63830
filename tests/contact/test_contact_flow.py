"""The contact and caseworker flows end to end over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import os

from fastapi.testclient import TestClient

from safeconduct.crypto import codename as codenames
from tests.conftest import Installation, StaffLogin
from tests.flows import bearer, only_case_id, staff_token, start_contact


def test_contact_and_caseworker_converse_with_files(installation: Installation, client: TestClient) -> None:
    alice = installation.add_staff("alice")
    bob = installation.add_staff("bob")
    codename, token = start_contact(client)
    words = codename.split(" ")
    assert len(words) == 7 and all(w in codenames.wordlist() for w in words)

    r = client.post("/api/v1/contact/messages", json={"text": "I want to leave. Can you help?"}, headers=bearer(token))
    assert r.status_code == 201 and r.json()["author"] == "contact"
    body = os.urandom(300_000)
    r = client.post("/api/v1/contact/files", files={"file": ("passport scan.jpg", body, "image/jpeg")},
                    headers=bearer(token))
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    assert r.json()["sha256"] == hashlib.sha256(body).hexdigest()

    # Both intake caseworkers received the case, under a label that is not the codename.
    alice_token, bob_token = staff_token(client, alice), staff_token(client, bob)
    case_id = only_case_id(client, alice_token)
    assert only_case_id(client, bob_token) == case_id
    listed = client.get("/api/v1/staff/cases", headers=bearer(alice_token)).json()[0]
    assert listed["unread"] == 1 and listed["label"] not in codename and listed["state"] == "new_contact"

    conv = client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(alice_token)).json()
    assert [m["text"] for m in conv["messages"]] == ["I want to leave. Can you help?"]
    assert conv["files"][0]["name"] == "passport scan.jpg"
    download = client.get(f"/api/v1/staff/cases/{case_id}/files/{file_id}", headers=bearer(alice_token))
    assert download.status_code == 200 and download.content == body
    assert download.headers["content-disposition"].startswith("attachment;")

    r = client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": "Yes. Tell us what you need."},
                    headers=bearer(alice_token))
    assert r.status_code == 201 and r.json()["author_name"] == "alice"
    assert client.get("/api/v1/staff/cases", headers=bearer(alice_token)).json()[0]["unread"] == 0
    assert client.get("/api/v1/staff/cases", headers=bearer(bob_token)).json()[0]["unread"] == 2
    assert client.post(f"/api/v1/staff/cases/{case_id}/read", headers=bearer(bob_token)).status_code == 204
    assert client.get("/api/v1/staff/cases", headers=bearer(bob_token)).json()[0]["unread"] == 0

    # The contact comes back later with the codename, typed sloppily, and reads the reply.
    r = client.post("/api/v1/contact/session", json={"codename": "  " + codename.upper().replace(" ", "  ") + " "})
    assert r.status_code == 200
    conv = client.get("/api/v1/contact/messages", headers=bearer(r.json()["token"])).json()
    assert [(m["author"], m["text"]) for m in conv["messages"]] == [
        ("contact", "I want to leave. Can you help?"), ("caseworker", "Yes. Tell us what you need.")]
    assert conv["messages"][1]["author_name"] is None  # the contact is not told which caseworker wrote
    assert [f["id"] for f in conv["files"]] == [file_id]


def test_two_contacts_never_see_each_other(client: TestClient, installation: Installation) -> None:
    installation.add_staff("carol")
    _, first = start_contact(client)
    _, second = start_contact(client)
    client.post("/api/v1/contact/messages", json={"text": "first person"}, headers=bearer(first))
    client.post("/api/v1/contact/messages", json={"text": "second person"}, headers=bearer(second))
    texts = [m["text"] for m in client.get("/api/v1/contact/messages", headers=bearer(second)).json()["messages"]]
    assert texts == ["second person"]


def test_admin_sees_no_content_unless_a_recipient(client: TestClient, installation: Installation) -> None:
    dave = installation.add_staff("dave")
    admin = installation.add_staff("root", role="admin")
    start_contact(client, first_message="hello")
    admin_token = staff_token(client, admin)
    assert client.get("/api/v1/staff/cases", headers=bearer(admin_token)).json() == []
    # erin joined after the conversation started: the case was not sealed to her either.
    erin_token = staff_token(client, installation.add_staff("erin"))
    assert client.get("/api/v1/staff/cases", headers=bearer(erin_token)).json() == []
    case_id = only_case_id(client, staff_token(client, dave))
    r = client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(admin_token))
    assert r.status_code == 403 and "not been shared" in r.json()["message"]
    r = client.get("/api/v1/staff/cases/0123456789abcdef0123456789abcdef/messages", headers=bearer(admin_token))
    assert r.status_code == 404


def test_admin_manages_staff_and_intake_team(client: TestClient, installation: Installation) -> None:
    boss = installation.add_staff("boss", role="admin")
    admin_token = staff_token(client, boss)
    r = client.patch(f"/api/v1/staff/admin/staff/{boss.staff_id}", json={"active": False}, headers=bearer(admin_token))
    assert r.status_code == 422 and "your own account" in r.json()["message"]
    r = client.post("/api/v1/staff/admin/staff", json={"username": "frank", "role": "caseworker",
                                                       "password": "another long password"},
                    headers=bearer(admin_token))
    assert r.status_code == 201 and r.json()["totp_uri"].startswith("otpauth://totp/")
    frank = StaffLogin("frank", "another long password", r.json()["totp_secret"], r.json()["id"])
    r = client.patch(f"/api/v1/staff/admin/staff/{frank.staff_id}", json={"intake": False},
                     headers=bearer(admin_token))
    assert r.status_code == 200 and r.json()["intake"] is False
    grace = installation.add_staff("grace")
    grace_token = staff_token(client, grace)
    start_contact(client, first_message="hello")
    assert len(client.get("/api/v1/staff/cases", headers=bearer(grace_token)).json()) == 1
    # frank, off the intake team, did not receive it
    assert client.get("/api/v1/staff/cases", headers=bearer(staff_token(client, frank))).json() == []
    # a caseworker cannot administer
    assert client.get("/api/v1/staff/admin/staff", headers=bearer(grace_token)).status_code == 403
    # deactivation ends the account's access at once
    client.patch(f"/api/v1/staff/admin/staff/{grace.staff_id}", json={"active": False}, headers=bearer(admin_token))
    assert client.get("/api/v1/staff/cases", headers=bearer(grace_token)).status_code == 401
