"""The sealed identity over HTTP: the person gives, sees, changes and withdraws it; the case's owner names its
readers; a named caseworker reads it and each read is a ledger event; nobody else sees it, anywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.cases import identity
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation, client_for
from tests.flows import bearer, staff_token, start_contact

REAL_NAME = "Yusuf Benali-Okonkwo"
FIELDS = {"full_name": REAL_NAME, "date_of_birth": "1999-02-03", "document_numbers": "passport 19AB48213"}


def _events(inst: Installation, case_id: str) -> int:
    with inst.runtime.db() as db:
        return db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id)) or 0


@pytest.fixture
def world(installation: Installation):  # type: ignore[no-untyped-def]
    owner, other, third = (installation.add_staff(n) for n in ("amal", "karim", "nadia"))
    with client_for(installation) as client:
        _codename, contact = start_contact(client, first_message="I want to go home.")
        tokens = {n: staff_token(client, login) for n, login in (("amal", owner), ("karim", other), ("nadia", third))}
        case_id = client.get("/api/v1/staff/cases", headers=bearer(tokens["amal"])).json()[0]["id"]
        yield installation, client, contact, tokens, case_id, {"amal": owner, "karim": other, "nadia": third}


def test_the_person_gives_sees_and_withdraws_their_identity(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, _tokens, case_id, _ = world
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).status_code == 404
    before = _events(inst, case_id)
    r = client.put("/api/v1/contact/identity", json={"fields": FIELDS}, headers=bearer(contact))
    assert r.status_code == 200, r.text
    assert r.json() == {"fields": FIELDS, "used": False}
    assert _events(inst, case_id) == before + 1  # "identity given", without its content
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).json()["fields"] == FIELDS
    changed = {**FIELDS, "place_of_birth": "  Tell   Abyad "}
    r = client.put("/api/v1/contact/identity", json={"fields": changed}, headers=bearer(contact))
    assert r.json()["fields"]["place_of_birth"] == "Tell Abyad"
    assert client.delete("/api/v1/contact/identity", headers=bearer(contact)).status_code == 204
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).status_code == 404
    assert client.delete("/api/v1/contact/identity", headers=bearer(contact)).status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({"passport_photo": "x"}, "Unknown identity field passport_photo"),
    ({"full_name": 7}, "must be text"),
    ({"full_name": "x" * 201}, "longer than 200 characters"),
    ({"full_name": "   "}, "at least one field"),
])
def test_a_bad_identity_is_refused_and_nothing_is_recorded(world, fields, message) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, _tokens, case_id, _ = world
    before = _events(inst, case_id)
    r = client.put("/api/v1/contact/identity", json={"fields": fields}, headers=bearer(contact))
    assert r.status_code == 422 and message in r.text
    assert _events(inst, case_id) == before
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).status_code == 404


def test_only_named_caseworkers_read_it_and_every_read_is_recorded(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, tokens, case_id, logins = world
    client.put("/api/v1/contact/identity", json={"fields": FIELDS}, headers=bearer(contact))
    url = f"/api/v1/staff/cases/{case_id}/identity"
    readers = f"{url}/readers"
    # nobody is named yet: even the caseworkers holding the case are refused
    assert client.get(url, headers=bearer(tokens["amal"])).status_code == 403
    # the case has no owner yet: naming readers waits for one
    r = client.put(readers, json={"staff_ids": [logins["karim"].staff_id]}, headers=bearer(tokens["amal"]))
    assert r.status_code == 409 and "Assign the case first" in r.text
    assert client.put(f"/api/v1/staff/cases/{case_id}/assignee", json={"username": "amal"},
                      headers=bearer(tokens["amal"])).status_code == 200
    # only the owner names readers
    r = client.put(readers, json={"staff_ids": [logins["karim"].staff_id]}, headers=bearer(tokens["karim"]))
    assert r.status_code == 403
    r = client.put(readers, json={"staff_ids": [999_999]}, headers=bearer(tokens["amal"]))
    assert r.status_code == 422 and "does not hold this case" in r.text
    r = client.put(readers, json={"staff_ids": [logins["karim"].staff_id]}, headers=bearer(tokens["amal"]))
    assert r.status_code == 200 and r.json() == {"readers": [logins["karim"].staff_id]}
    before = _events(inst, case_id)
    r = client.get(url, headers=bearer(tokens["karim"]))
    assert r.status_code == 200 and r.json()["fields"]["full_name"] == REAL_NAME
    assert _events(inst, case_id) == before + 1  # the read is a case event
    for name in ("amal", "nadia"):  # the owner did not name herself; nadia was never named
        refused = client.get(url, headers=bearer(tokens[name]))
        assert refused.status_code == 403 and "names" in refused.text
    assert _events(inst, case_id) == before + 1
    with inst.runtime.db() as db:
        actions = {a for (a,) in db.execute(select(AuditRecord.action).where(AuditRecord.case_id == case_id))}
        assert {"view_identity", "name_identity_readers"} <= actions
    # the inbox, the conversation and the audit page never show it
    for path in ("/api/v1/staff/cases", f"/api/v1/staff/cases/{case_id}/messages", "/api/v1/staff/inbox"):
        assert REAL_NAME not in client.get(path, headers=bearer(tokens["karim"])).text


def test_once_used_it_can_no_longer_be_changed_or_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    inst, client, contact, _tokens, case_id, _ = world
    client.put("/api/v1/contact/identity", json={"fields": FIELDS}, headers=bearer(contact))
    from safeconduct.cases.keys import unseal_for_recipient
    from safeconduct.crypto.keys import parse_recovery_key

    with inst.runtime.db() as db:  # the request to the authorities (next step of issue 16) will do this
        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(inst.recovery_key))
    with inst.runtime.db() as db:
        identity.mark_used(db, case_id=case_id, case_key=key)
        db.commit()
    before = _events(inst, case_id)
    r = client.delete("/api/v1/contact/identity", headers=bearer(contact))
    assert r.status_code == 409 and "already used" in r.text
    r = client.put("/api/v1/contact/identity", json={"fields": {"full_name": "Someone Else"}}, headers=bearer(contact))
    assert r.status_code == 409
    assert _events(inst, case_id) == before
    assert client.get("/api/v1/contact/identity", headers=bearer(contact)).json()["used"] is True


def test_the_identity_never_reaches_the_database_in_the_clear(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        _codename, contact = start_contact(client, first_message="hello")
        client.put("/api/v1/contact/identity", json={"fields": FIELDS}, headers=bearer(contact))
    inst.runtime.engine.dispose()
    for path in inst.settings.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert REAL_NAME.encode() not in data and b"19AB48213" not in data, path


def test_without_a_session_nothing_is_shown(client: TestClient) -> None:
    assert client.get("/api/v1/contact/identity").status_code == 401
    assert client.put("/api/v1/contact/identity", json={"fields": FIELDS}).status_code in (401, 403)
