"""Staff accounts from the console: a new password, a new authenticator, an administrator's reset (cases shared
again by a colleague or the recovery key) and removal. Nothing in a case is lost by any of them."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from safeconduct.auth import sessions
from safeconduct.cases import keys
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.models import Case, CaseKeySeal
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cli import app as cli_app
from safeconduct.crypto import staff_totp, wrapping
from safeconduct.crypto.keys import parse_recovery_key
from safeconduct.staff.models import StaffMember
from tests.conftest import Installation, client_for
from tests.flows import bearer, staff_page_login, staff_token, start_contact

NEW_PASSWORD = "another long and good password"


def next_code(secret: str) -> str:
    """The code of the next 30-s step: the server accepts it early, and it was not used by an earlier log-in."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + totp.interval)


def api_login(client: TestClient, username: str, password: str, code: str) -> Any:
    return client.post("/api/v1/staff/session", json={"username": username, "password": password, "totp": code})


def texts(client: TestClient, token: str, case_id: str) -> list[str]:
    r = client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(token))
    assert r.status_code == 200, r.text
    return [m["text"] for m in r.json()["messages"]]


def case_ids(client: TestClient, token: str) -> set[str]:
    return {c["id"] for c in client.get("/api/v1/staff/cases", headers=bearer(token)).json()}


def recovery_texts(inst: Installation, case_id: str) -> list[str]:
    from safeconduct.cases import content

    with inst.runtime.db() as db:
        key = keys.unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(inst.recovery_key))
        return [m.text for m in content.read_messages(db, case_id=case_id, case_key=key)]


def test_a_new_password_keeps_the_authenticator_and_the_cases(sqlite_installation: Installation,
                                                              sqlite_client: TestClient) -> None:
    inst = sqlite_installation
    alice = inst.add_staff("alice")
    start_contact(sqlite_client, first_message="my brother is still inside")
    csrf = staff_page_login(sqlite_client, alice)
    with inst.runtime.db() as db:  # the same account logged in on another computer
        member = db.get(StaffMember, alice.staff_id)
        assert member is not None
        other = sessions.create(db, kind="staff", subject=str(alice.staff_id), minutes=60,
                                secret=wrapping.unwrap(member.wrapped_private_key, alice.password))
        db.commit()
    assert sqlite_client.get("/api/v1/staff/cases", headers=bearer(other)).status_code == 200
    before = _row(inst, alice.staff_id)

    # A wrong current password, or two new ones that differ: the page again, with the reason; nothing changed.
    r = sqlite_client.post("/staff/account/password", data={"csrf_token": csrf, "current": "not my password",
                                                            "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 403 and "Your current password is not right." in r.text
    r = sqlite_client.post("/staff/account/password", data={"csrf_token": csrf, "current": alice.password,
                                                            "new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert r.status_code == 422 and "The two new passwords are not the same." in r.text
    assert _row(inst, alice.staff_id) == before
    r = sqlite_client.post("/staff/account/password?lang=ar", data={
        "csrf_token": csrf, "current": "not my password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "كلمة المرور الحالية غير صحيحة." in r.text

    r = sqlite_client.post("/staff/account/password", data={"csrf_token": csrf, "current": alice.password,
                                                            "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/staff/account?changed=1"
    assert sqlite_client.get("/staff/account").status_code == 200  # this browser goes on with a fresh session
    assert sqlite_client.get("/api/v1/staff/cases", headers=bearer(other)).status_code == 401  # others end
    with inst.runtime.db() as db:
        member = db.get(StaffMember, alice.staff_id)
        assert member is not None and member.public_key == before[1]  # the same key, re-wrapped
        private = wrapping.unwrap(member.wrapped_private_key, NEW_PASSWORD)
        assert member.sealed_totp_secret is not None
        assert staff_totp.open_secret(private, member.sealed_totp_secret) == alice.totp_secret
    assert api_login(sqlite_client, "alice", alice.password, next_code(alice.totp_secret)).status_code == 401
    r = api_login(sqlite_client, "alice", NEW_PASSWORD, next_code(alice.totp_secret))
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    [case_id] = case_ids(sqlite_client, token)
    assert texts(sqlite_client, token, case_id) == ["my brother is still inside"]


def _row(inst: Installation, staff_id: int) -> tuple[object, ...]:
    with inst.runtime.db() as db:
        m = db.get(StaffMember, staff_id)
        assert m is not None
        return (m.password_hash, m.public_key, m.wrapped_private_key, m.sealed_totp_secret)


def test_a_new_authenticator_replaces_the_old_one(sqlite_installation: Installation,
                                                  sqlite_client: TestClient) -> None:
    inst = sqlite_installation
    bob = inst.add_staff("bob")
    csrf = staff_page_login(sqlite_client, bob)
    r = sqlite_client.post("/staff/account/authenticator", data={"csrf_token": csrf, "password": "wrong password!"})
    assert r.status_code == 403 and "Your current password is not right." in r.text
    r = sqlite_client.post("/staff/account/authenticator", data={"csrf_token": csrf, "password": bob.password})
    assert r.status_code == 200
    assert "<svg" in r.text and "src=\"http" not in r.text and "href=\"http" not in r.text  # drawn inline
    secret = r.text.split('<code dir="ltr">', 1)[1].split("</code>", 1)[0]
    assert secret != bob.totp_secret and len(secret) == 32
    assert api_login(sqlite_client, "bob", bob.password, next_code(bob.totp_secret)).status_code == 401
    assert api_login(sqlite_client, "bob", bob.password, next_code(secret)).status_code == 200


def test_an_administrator_gives_a_new_authenticator_for_a_lost_phone(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    carol = inst.add_staff("carol")
    admin = inst.add_staff("root", role="admin")
    with client_for(inst) as contact:
        start_contact(contact, first_message="the road is closed")
    with client_for(inst) as worker, client_for(inst) as desk:
        old_token = staff_token(worker, carol)
        csrf = staff_page_login(desk, admin)
        r = desk.post(f"/staff/admin/members/{carol.staff_id}/authenticator", data={"csrf_token": csrf})
        assert r.status_code == 200 and "<svg" in r.text
        secret = r.text.split('<code dir="ltr">', 1)[1].split("</code>", 1)[0]
        assert worker.get("/api/v1/staff/cases", headers=bearer(old_token)).status_code == 401  # sessions ended
        assert api_login(worker, "carol", carol.password, next_code(carol.totp_secret)).status_code == 401
        r = api_login(worker, "carol", carol.password, next_code(secret))
        assert r.status_code == 200, r.text
        [case_id] = case_ids(worker, r.json()["token"])
        assert texts(worker, r.json()["token"], case_id) == ["the road is closed"]  # same key, same cases
    with inst.runtime.db() as db:  # the first log-in re-sealed it under the key, like every other secret
        member = db.get(StaffMember, carol.staff_id)
        assert member is not None and member.sealed_totp_secret is not None
        private = wrapping.unwrap(member.wrapped_private_key, carol.password)
        assert staff_totp.open_secret(private, member.sealed_totp_secret) == secret


def test_after_a_reset_the_person_sees_nothing_until_a_colleague_or_the_recovery_key_shares_again(
        installation: Installation) -> None:
    inst = installation
    dana = inst.add_staff("dana")
    with client_for(inst) as contact:  # only dana is on the team: she alone holds this case
        start_contact(contact, first_message="only dana knows me")
    eli = inst.add_staff("eli")
    with client_for(inst) as contact:  # dana and eli hold this one
        start_contact(contact, first_message="we are four people")
    admin = inst.add_staff("root", role="admin")
    with inst.runtime.db() as db:
        both = db.scalars(select(CaseKeySeal.case_id).where(CaseKeySeal.staff_id == eli.staff_id)).all()
        [shared] = both
        [alone] = [c for c in keys.staff_case_ids(db, dana.staff_id) if c != shared]
    before = {c: recovery_texts(inst, c) for c in (shared, alone)}

    with client_for(inst) as worker, client_for(inst) as desk, client_for(inst) as colleague:
        old_token = staff_token(worker, dana)
        csrf = staff_page_login(desk, admin)
        page = desk.get(f"/staff/admin/members/{dana.staff_id}").text
        assert "Reset the account" in page
        # Without the tick, or with a short password: the page again with the reason; nothing changed.
        r = desk.post(f"/staff/admin/members/{dana.staff_id}/reset", data={
            "csrf_token": csrf, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert r.status_code == 422 and "Tick the box" in r.text
        r = desk.post(f"/staff/admin/members/{dana.staff_id}/reset", data={
            "csrf_token": csrf, "password": "short", "confirm": "short", "understood": "1"})
        assert r.status_code == 422 and "at least 12 characters" in r.text
        assert texts(worker, old_token, alone) == ["only dana knows me"]

        r = desk.post(f"/staff/admin/members/{dana.staff_id}/reset", data={
            "csrf_token": csrf, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "understood": "1"})
        assert r.status_code == 200 and "<svg" in r.text
        secret = r.text.split('<code dir="ltr">', 1)[1].split("</code>", 1)[0]
        assert worker.get("/api/v1/staff/cases", headers=bearer(old_token)).status_code == 401  # old sessions end

        # She logs in with what the administrator handed over, and sees no content at all.
        assert api_login(worker, "dana", dana.password, next_code(dana.totp_secret)).status_code == 401
        r = api_login(worker, "dana", NEW_PASSWORD, next_code(secret))
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        assert case_ids(worker, token) == set()
        assert worker.get(f"/api/v1/staff/cases/{shared}/messages", headers=bearer(token)).status_code == 403

        # The administrator sees who can give each case back; eli does it from his console.
        listing = desk.get("/staff/admin/reshares").text
        assert "eli" in listing and "safeconduct recover" in listing
        ccsrf = staff_page_login(colleague, eli)
        mine = colleague.get("/staff/reshares").text
        assert "Share again with dana" in mine
        r = colleague.post(f"/staff/reshares/{alone}/{dana.staff_id}", data={"csrf_token": ccsrf})
        assert r.status_code == 403 and "This case has not been shared with you." in r.text  # not his to give
        r = colleague.post(f"/staff/reshares/{shared}/{dana.staff_id}", data={"csrf_token": ccsrf})
        assert r.status_code == 303
        assert texts(worker, token, shared) == ["we are four people"]
        assert "Share again with dana" not in colleague.get("/staff/reshares").text

        # The case only she held comes back through the recovery key.
        if inst.backend == "sqlite":
            result = CliRunner().invoke(cli_app, ["recover", "--data", str(inst.settings.data_dir), alone,
                                                  "--grant", "dana"], input=inst.recovery_key + "\n")
            assert result.exit_code == 0, result.output
            assert texts(worker, token, alone) == ["only dana knows me"]
            with inst.runtime.db() as db:
                assert db.scalar(select(func.count()).select_from(PendingReshare)) == 0

    assert {c: recovery_texts(inst, c) for c in (shared, alone)} == before  # nothing was lost
    with inst.runtime.db() as db:
        actions = db.scalars(select(AuditRecord.action).where(AuditRecord.staff_id.in_((admin.staff_id,
                                                                                        eli.staff_id)))).all()
        assert "reset_account" in actions and "share" in actions


def test_removal_is_refused_while_the_account_alone_holds_a_case(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    fay = inst.add_staff("fay")
    with client_for(inst) as contact:
        start_contact(contact, first_message="please do not forget me")
    admin = inst.add_staff("root", role="admin")
    with inst.runtime.db() as db:
        [case_id] = keys.staff_case_ids(db, fay.staff_id)
    with client_for(inst) as worker, client_for(inst) as desk:
        token = staff_token(worker, fay)
        csrf = staff_page_login(desk, admin)
        assert desk.post(f"/staff/admin/members/{admin.staff_id}/remove",
                         data={"csrf_token": csrf}).status_code == 422  # not oneself
        r = desk.post(f"/staff/admin/members/{fay.staff_id}/remove", data={"csrf_token": csrf})
        assert r.status_code == 409 and "fay is the only caseworker on 1 case(s)" in r.text
        assert texts(worker, token, case_id) == ["please do not forget me"]  # nothing changed
        r = desk.post(f"/staff/admin/members/{fay.staff_id}/remove", data={"csrf_token": csrf, "confirm": "1"})
        assert r.status_code == 303
        assert worker.get("/api/v1/staff/cases", headers=bearer(token)).status_code == 401
        assert api_login(worker, "fay", fay.password, next_code(fay.totp_secret)).status_code == 401
        listing = desk.get("/staff/admin/reshares").text
        with inst.runtime.db() as db:
            label = db.scalar(select(Case.label).where(Case.id == case_id))
        assert f"safeconduct recover {label} --grant USERNAME" in listing
        r = desk.post(f"/staff/admin/staff/{fay.staff_id}", data={"csrf_token": csrf, "action": "activate"})
        assert r.status_code == 409  # a removed account cannot come back
    with inst.runtime.db() as db:
        member = db.get(StaffMember, fay.staff_id)
        assert member is not None and member.password_hash == "" and member.wrapped_private_key == b""
        assert db.scalar(select(AuditRecord.target).where(AuditRecord.action == "remove_account")) == "fay"
    assert recovery_texts(inst, case_id) == ["please do not forget me"]


def test_the_api_covers_the_same_actions(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    inst = sqlite_installation
    gil = inst.add_staff("gil")
    admin = inst.add_staff("root", role="admin")
    token = staff_token(sqlite_client, gil)
    r = sqlite_client.post("/api/v1/staff/me/password", headers=bearer(token),
                           json={"current": gil.password, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 200 and r.json()["token"] != token
    assert sqlite_client.get("/api/v1/staff/cases", headers=bearer(token)).status_code == 401
    token = r.json()["token"]
    root = staff_token(sqlite_client, admin)
    assert sqlite_client.post(f"/api/v1/staff/admin/staff/{gil.staff_id}/reset", headers=bearer(token),
                              json={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 403
    r = sqlite_client.post(f"/api/v1/staff/admin/staff/{gil.staff_id}/reset", headers=bearer(root),
                           json={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 200 and len(r.json()["totp_secret"]) == 32
    log = sqlite_client.get("/api/v1/staff/admin/audit", params={"action": "reset_account"}, headers=bearer(root))
    assert sqlite_client.get("/api/v1/staff/admin/audit", params={"action": "nonsense"},
                             headers=bearer(root)).status_code == 422
    assert [(e["username"], e["target"]) for e in log.json()] == [("root", "gil")]
    assert sqlite_client.post(f"/api/v1/staff/admin/staff/{gil.staff_id}/remove", headers=bearer(root),
                              json={}).status_code == 204

