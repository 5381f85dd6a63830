"""Retention: cases kept past the policy are crypto-shredded; a legal hold stops it; the ledger stays."""

from __future__ import annotations

import dataclasses
import datetime as dt

from fastapi.testclient import TestClient
from nacl.signing import VerifyKey
from sqlalchemy import select, update
from typer.testing import CliRunner

from safeconduct.cases import retention
from safeconduct.cases.models import Case, CaseFile, CaseKeySeal, Message
from safeconduct.cli import app as cli_app
from safeconduct.ledger import service as ledger
from safeconduct.org.models import Organisation
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact

POLICY = {"retention": {"closed_after_days": 30, "inactive_after_days": 365, "warn_days": 10}}


def _with_policy(inst: Installation) -> Installation:
    settings = dataclasses.replace(inst.settings, organisation=POLICY)
    inst.runtime.settings = settings
    return inst


def _age(inst: Installation, case_id: str, *, days: int, state: str | None = None) -> None:
    with inst.runtime.db() as db:
        values: dict[str, object] = {"last_activity_on": dt.date.today() - dt.timedelta(days=days)}
        if state:
            values["state"] = state
        db.execute(update(Case).where(Case.id == case_id).values(**values))
        db.commit()


def test_closed_cases_are_crypto_shredded_and_the_ledger_stays(sqlite_installation: Installation,
                                                              sqlite_client: TestClient) -> None:
    inst = _with_policy(sqlite_installation)
    login = inst.add_staff("tariq")
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "keep me safe"}, headers=bearer(token))
    sqlite_client.post("/api/v1/contact/files", files={"file": ("x.txt", b"secret file")}, headers=bearer(token))
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    _age(inst, case_id, days=25, state="closed")
    with inst.runtime.db() as db:
        [due] = retention.upcoming(db, inst.settings)  # inside the warning period: listed, not yet shredded
        assert due.case_id == case_id and due.reason == "closed" and retention.run(db, inst.settings) == []
    _age(inst, case_id, days=31)
    with inst.runtime.db() as db:
        assert retention.run(db, inst.settings) == [due.label]
        assert db.scalar(select(CaseKeySeal).where(CaseKeySeal.case_id == case_id)) is None
        assert db.scalar(select(Message).where(Message.case_id == case_id)) is None
        shredded = db.get(Case, case_id)
        assert shredded is not None and shredded.last_message_id == 0  # no trace of where its last message was
        assert db.scalar(select(CaseFile).where(CaseFile.case_id == case_id)) is None
        org = db.get(Organisation, 1)
        assert org is not None  # the chain still verifies: hashes, signatures, commitments remain
        assert ledger.check_case_chain(db, case_id, VerifyKey(org.signing_public_key)) >= 3
    assert list(inst.settings.files_dir.iterdir()) == []
    assert sqlite_client.post("/api/v1/contact/session", json={"codename": codename}).status_code == 401
    assert sqlite_client.get("/api/v1/staff/cases", headers=bearer(staff)).json() == []


def test_a_legal_hold_stops_shredding(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    inst = _with_policy(sqlite_installation)
    admin = staff_token(sqlite_client, inst.add_staff("adel", role="admin"))
    caseworker = staff_token(sqlite_client, inst.add_staff("huda"))
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "hold this"}, headers=bearer(token))
    case_id = only_case_id(sqlite_client, caseworker)
    _age(inst, case_id, days=400)
    assert [d["case_id"] for d in sqlite_client.get("/api/v1/staff/admin/retention",
                                                    headers=bearer(admin)).json()] == [case_id]
    r = sqlite_client.put(f"/api/v1/staff/cases/{case_id}/legal-hold", json={"hold": True}, headers=bearer(caseworker))
    assert r.status_code == 403
    r = sqlite_client.put(f"/api/v1/staff/cases/{case_id}/legal-hold", json={"hold": True}, headers=bearer(admin))
    assert r.status_code == 204
    assert sqlite_client.get("/api/v1/staff/admin/retention", headers=bearer(admin)).json() == []
    with inst.runtime.db() as db:
        assert retention.run(db, inst.settings) == []
    texts = [m["text"] for m in sqlite_client.get(f"/api/v1/staff/cases/{case_id}/messages",
                                                  headers=bearer(caseworker)).json()["messages"]]
    assert texts == ["hold this"]
    r = sqlite_client.put("/api/v1/staff/cases/ffffffffffffffffffffffffffffffff/legal-hold", json={"hold": True},
                          headers=bearer(admin))
    assert r.status_code == 404


def test_without_a_policy_nothing_is_ever_deleted(sqlite_installation: Installation,
                                                 sqlite_client: TestClient) -> None:
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "old"}, headers=bearer(token))
    with sqlite_installation.runtime.db() as db:
        db.execute(update(Case).values(last_activity_on=dt.date(2000, 1, 1), state="closed"))
        db.commit()
        assert retention.run(db, sqlite_installation.settings) == []
        assert db.scalar(select(Message)) is not None


def test_a_bad_policy_is_refused_clearly(sqlite_installation: Installation) -> None:
    bad = dataclasses.replace(sqlite_installation.settings, organisation={"retention": {"closed_after_days": "soon"}})
    with sqlite_installation.runtime.db() as db:
        try:
            retention.upcoming(db, bad)
        except Exception as exc:
            assert "whole number of days" in str(exc)
        else:
            raise AssertionError("a policy with a non-number was accepted")


def test_retention_cli_lists_and_runs(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    data = sqlite_installation.settings.data_dir
    (data / "safeconduct.toml").write_text("[organisation.retention]\ninactive_after_days = 10\n")
    start_contact(sqlite_client, first_message="hello")
    with sqlite_installation.runtime.db() as db:
        db.execute(update(Case).values(last_activity_on=dt.date.today() - dt.timedelta(days=11)))
        db.commit()
    result = CliRunner().invoke(cli_app, ["retention", "list", "--data", str(data)])
    assert result.exit_code == 0 and "1 case(s) due" in result.output
    result = CliRunner().invoke(cli_app, ["retention", "run", "--data", str(data), "--dry-run"])
    assert result.exit_code == 0 and "1 case(s) would be shredded" in result.output
    result = CliRunner().invoke(cli_app, ["retention", "run", "--data", str(data)])
    assert result.exit_code == 0 and "1 case(s) shredded" in result.output
    with sqlite_installation.runtime.db() as db:
        assert db.scalar(select(CaseKeySeal)) is None


def test_the_console_warns_before_shredding(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    import re

    inst = _with_policy(sqlite_installation)
    login = inst.add_staff("yara")
    start_contact(sqlite_client, first_message="hello")
    with inst.runtime.db() as db:
        db.execute(update(Case).values(last_activity_on=dt.date.today() - dt.timedelta(days=360)))
        db.commit()
        label = db.scalar(select(Case.label))
    page = sqlite_client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/staff/login", data={"csrf_token": csrf, "username": "yara", "password": login.password,
                                                 "totp": login.code()})
    assert r.status_code == 303
    inbox = sqlite_client.get("/staff")
    assert "retention policy will delete" in inbox.text and f"{label} —" in inbox.text


def test_administrators_hold_cases_by_label_and_read_the_audit_log_in_the_console(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    import re

    inst = _with_policy(sqlite_installation)
    admin = inst.add_staff("admin2", role="admin")
    start_contact(sqlite_client, first_message="hello")
    with inst.runtime.db() as db:
        db.execute(update(Case).values(last_activity_on=dt.date.today() - dt.timedelta(days=400)))
        db.commit()
        case_id, label = db.execute(select(Case.id, Case.label)).one()
    page = sqlite_client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sqlite_client.post("/staff/login", data={"csrf_token": csrf, "username": "admin2", "password": admin.password,
                                             "totp": admin.code()})
    assert f"{label} —" in sqlite_client.get("/staff/admin").text
    r = sqlite_client.post("/staff/admin/legal-hold", data={"csrf_token": csrf, "label": label.lower(),
                                                            "action": "hold"})
    assert r.status_code == 303
    with inst.runtime.db() as db:
        assert retention.run(db, inst.settings) == [] and retention.holds(db) == [(case_id, label)]
    r = sqlite_client.post("/staff/admin/legal-hold", data={"csrf_token": csrf, "label": "NOPE-NOPE", "action": "hold"})
    assert r.status_code == 404 and "NOPE-NOPE" in r.text
    audit_page = sqlite_client.get("/staff/admin/audit")
    assert audit_page.status_code == 200 and "legal_hold" in audit_page.text and label in audit_page.text
