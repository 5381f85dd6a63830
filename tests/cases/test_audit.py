"""The staff audit log (who, what, which case, which day — never content), sharing and private notes."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from safeconduct.cases import audit
from safeconduct.cases.casework_models import AuditRecord, CaseNote
from safeconduct.cases.models import Case
from safeconduct.ledger import service as ledger
from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact

NOTE = "canary-note-51d2: contact seems credible"


def test_case_actions_are_audited_and_admins_read_the_log(installation: Installation, client: TestClient) -> None:
    anna_login = installation.add_staff("anna")
    olga_login = installation.add_staff("olga", intake=False)
    admin_login = installation.add_staff("root", role="admin", intake=False)
    _, contact = start_contact(client)
    client.post("/api/v1/contact/messages", json={"text": "hello"}, headers=bearer(contact))
    anna, olga, admin = (staff_token(client, x) for x in (anna_login, olga_login, admin_login))
    case_id = only_case_id(client, anna)
    url = f"/api/v1/staff/cases/{case_id}"

    assert client.post(f"{url}/transitions", json={"to": "vetting"}, headers=bearer(anna)).status_code == 200
    assert client.post(f"{url}/notes", json={"text": NOTE}, headers=bearer(anna)).status_code == 201
    # sharing seals the case key to a colleague; unsharing takes it away again
    assert client.get(f"{url}/workflow", headers=bearer(olga)).status_code == 403
    r = client.post(f"{url}/share", json={"username": "olga"}, headers=bearer(anna))
    assert r.status_code == 204, r.text
    assert client.post(f"{url}/share", json={"username": "olga"}, headers=bearer(anna)).status_code == 409
    assert client.post(f"{url}/share", json={"username": "nobody"}, headers=bearer(anna)).status_code == 404
    assert only_case_id(client, olga) == case_id
    notes = client.get(f"{url}/notes", headers=bearer(olga)).json()
    assert [(n["author"], n["text"]) for n in notes] == [("anna", NOTE)]
    r = client.delete(f"{url}/share/olga", headers=bearer(anna))
    assert r.status_code == 204, r.text
    assert client.get(f"{url}/notes", headers=bearer(olga)).status_code == 403
    r = client.delete(f"{url}/share/anna", headers=bearer(anna))
    assert r.status_code == 409, r.text  # the last caseworker cannot be removed

    # notes never reach the contact
    conversation = client.get("/api/v1/contact/messages", headers=bearer(contact)).json()
    assert NOTE not in json.dumps(conversation)

    r = client.get("/api/v1/staff/admin/audit", headers=bearer(anna))
    assert r.status_code == 403, r.text
    r = client.get("/api/v1/staff/admin/audit", params={"case_id": case_id}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    rows = r.json()
    assert [(e["username"], e["action"]) for e in reversed(rows)] == [
        ("anna", "transition"), ("anna", "add_note"), ("anna", "share"), ("olga", "view_notes"),
        ("anna", "unshare")]
    assert NOTE not in r.text and all(set(e) == {"id", "on", "staff_id", "username", "action", "case_id",
                                                 "target"} for e in rows)
    r = client.get("/api/v1/staff/admin/audit", params={"limit": 2}, headers=bearer(admin))
    assert len(r.json()) == 2

    with installation.runtime.db() as db:
        case = db.get(Case, case_id)
        assert case is not None
        from safeconduct.cases.keys import unseal_for_recipient
        from safeconduct.crypto.keys import parse_recovery_key

        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(installation.recovery_key))
        kinds = [e.kind for e in ledger.open_events(ledger.case_entries(db, case_id), key)]
        assert kinds == ["case_opened", "message_in", "state_change", "note", "share", "share"]
        row = db.scalar(select(CaseNote))
        assert row is not None and b"canary-note" not in row.ciphertext


def test_custody_reads_are_audited_and_chained(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    """What web/api/staff.py calls when a caseworker views messages or downloads a file."""
    login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, token)
    from safeconduct.cases.keys import unseal_for_recipient
    from safeconduct.crypto.keys import parse_recovery_key

    with sqlite_installation.runtime.db() as db:
        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(sqlite_installation.recovery_key))
        audit.record_custody(db, staff_id=login.staff_id, username="anna", action="view_messages", case_id=case_id,
                             case_key=key, signing_key=sqlite_installation.runtime.org.signing_key)
        assert [e.kind for e in ledger.open_events(ledger.case_entries(db, case_id), key)][-1] == "view"
        assert [(r.action, r.case_id) for r in db.scalars(select(AuditRecord))] == [("view_messages", case_id)]
        assert len(list(db.scalars(select(LedgerEntry)))) == 3  # case_opened, the first message, the view


def test_audit_rows_hold_no_time_of_day_and_no_content() -> None:
    columns = set(AuditRecord.__table__.columns.keys())
    assert columns == {"id", "on", "staff_id", "action", "case_id", "target"}
    assert str(AuditRecord.__table__.columns["on"].type) == "DATE"
