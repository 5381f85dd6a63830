"""Starting costs a server-issued token, and an empty conversation fills no inbox (audit finding 4, issue 11)."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from safeconduct.cases import intake, statistics
from safeconduct.cases.models import Case
from safeconduct.contact import start_tokens
from safeconduct.errors import InvalidInput
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact, start_token


def _case_count(inst: Installation) -> int:
    with inst.runtime.db() as db:
        return len(list(db.scalars(select(Case.id))))


def test_starting_without_a_server_issued_token_is_refused_and_starts_nothing(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    for body in (None, {}, {"start_token": ""}):
        r = sqlite_client.post("/api/v1/contact/start", json=body)
        assert r.status_code == 422, r.text
        assert "start token is needed" in r.json()["message"] and "/api/v1/contact/start-token" in r.json()["message"]
    forged = secrets.token_urlsafe(40)  # what a script, or the old form, makes up by itself
    r = sqlite_client.post("/api/v1/contact/start", json={"start_token": forged})
    assert r.status_code == 422 and "did not come from this site" in r.json()["message"]
    token = start_token(sqlite_client)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert sqlite_client.post("/api/v1/contact/start", json={"start_token": tampered}).status_code == 422
    assert _case_count(sqlite_installation) == 0
    assert sqlite_client.post("/api/v1/contact/start", json={"start_token": token}).status_code == 201
    again = sqlite_client.post("/api/v1/contact/start", json={"start_token": token})
    assert again.status_code == 409 and "already been started" in again.json()["message"]
    assert _case_count(sqlite_installation) == 1


def test_the_start_form_only_works_with_the_token_the_server_put_in_it(sqlite_installation: Installation,
                                                                       sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/contact/start", data={"csrf_token": csrf, "start_token": secrets.token_urlsafe(32)})
    assert r.status_code == 422 and "did not come from this site" in r.text and "Start a conversation" in r.text
    r = sqlite_client.post("/contact/start", data={"csrf_token": csrf})
    assert r.status_code == 422 and "start token is needed" in r.text
    assert _case_count(sqlite_installation) == 0
    served = re.search(r'name="start_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/contact/start", data={"csrf_token": csrf, "start_token": served})
    assert r.status_code == 200 and "sc_contact=" in r.headers["set-cookie"]
    assert _case_count(sqlite_installation) == 1


def test_a_start_token_expires_within_the_hour(sqlite_installation: Installation) -> None:
    org = sqlite_installation.runtime.org
    issued_at = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    token = start_tokens.issue(org, now=issued_at)
    with sqlite_installation.runtime.db() as db:
        with pytest.raises(InvalidInput, match="more than an hour old"):
            start_tokens.spend(db, org, token, now=issued_at + dt.timedelta(minutes=61))
        start_tokens.spend(db, org, token, now=issued_at + dt.timedelta(minutes=59))
        # once it has expired anyway, housekeeping may forget that it was spent
        assert start_tokens.purge_spent(db, now=issued_at + dt.timedelta(minutes=59)) == 0
        assert start_tokens.purge_spent(db, now=issued_at + dt.timedelta(minutes=61)) == 1


def test_an_empty_conversation_is_in_no_inbox_and_no_statistics_until_its_first_message(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    staff = staff_token(sqlite_client, login)
    _, contact = start_contact(sqlite_client)
    _, silent = start_contact(sqlite_client)
    assert sqlite_client.get("/api/v1/staff/cases", headers=bearer(staff)).json() == []
    with sqlite_installation.runtime.db() as db:
        stats = statistics.compute(db, threshold=1)
    assert dict(stats.current)["new_contact"] == 0 and all(c == 0 for _, c in stats.opened)

    assert sqlite_client.post("/api/v1/contact/messages", json={"text": "first words"},
                              headers=bearer(contact)).status_code == 201
    case_id = only_case_id(sqlite_client, staff)  # exactly one: the silent conversation is still nowhere
    messages = sqlite_client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(staff)).json()
    assert [m["text"] for m in messages["messages"]] == ["first words"]
    with sqlite_installation.runtime.db() as db:
        stats = statistics.compute(db, threshold=1)
    assert dict(stats.current)["new_contact"] == 1 and sum(int(c) for _, c in stats.opened) == 1


def test_a_first_file_also_brings_the_conversation_to_the_inbox(sqlite_installation: Installation,
                                                                 sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    _, contact = start_contact(sqlite_client)
    r = sqlite_client.post("/api/v1/contact/files", files={"file": ("plan.txt", b"my plan")}, headers=bearer(contact))
    assert r.status_code == 201, r.text
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    files = sqlite_client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(staff)).json()["files"]
    assert [f["name"] for f in files] == ["plan.txt"]


def test_housekeeping_forgets_only_long_empty_conversations(sqlite_installation: Installation,
                                                             sqlite_client: TestClient) -> None:
    wrote, _ = start_contact(sqlite_client, first_message="please help")
    silent, _ = start_contact(sqlite_client)
    recent_silent, _ = start_contact(sqlite_client)
    settings = sqlite_installation.settings
    old = dt.date.today() - dt.timedelta(days=settings.empty_conversation_days + 1)
    with sqlite_installation.runtime.db() as db:
        recent = _case_id(sqlite_installation, recent_silent)
        db.execute(update(Case).where(Case.id != recent).values(created_on=old))
        db.commit()
        assert intake.purge_empty(db, settings) == 1
        assert intake.purge_empty(db, settings) == 0
    assert _case_count(sqlite_installation) == 2
    r = sqlite_client.post("/api/v1/contact/session", json={"codename": wrote})
    assert r.status_code == 200, r.text  # written in long ago: kept, whatever its age
    texts = [m["text"] for m in sqlite_client.get("/api/v1/contact/messages",
                                                 headers=bearer(r.json()["token"])).json()["messages"]]
    assert texts == ["please help"]
    assert sqlite_client.post("/api/v1/contact/session", json={"codename": silent}).status_code == 401
    # started recently and still empty: the codename works, and writing brings it to the team
    r = sqlite_client.post("/api/v1/contact/session", json={"codename": recent_silent})
    assert r.status_code == 200
    assert sqlite_client.post("/api/v1/contact/messages", json={"text": "I am back"},
                              headers=bearer(r.json()["token"])).status_code == 201


def _case_id(inst: Installation, codename: str) -> str:
    from safeconduct.contact import service as contact_service

    with inst.runtime.db() as db:
        return contact_service.log_in(db, inst.runtime.org, codename).case_id


def test_two_first_messages_at_once_open_the_case_once(installation: Installation, client: TestClient) -> None:
    """Two first messages, each read the case while it was still empty: one `case_opened`, one seal each."""
    from sqlalchemy.orm.attributes import set_committed_value

    from safeconduct.cases import content
    from safeconduct.cases.content import CONTACT
    from safeconduct.cases.models import CaseKeySeal
    from safeconduct.ledger import service as ledger

    anna = installation.add_staff("anna")
    codename, _ = start_contact(client)
    case_id = _case_id(installation, codename)
    org, settings = installation.runtime.org, installation.settings
    with installation.runtime.db() as first, installation.runtime.db() as second:
        key = contact_access_key(installation, codename)
        stale_first, stale_second = content.get_case(first, case_id), content.get_case(second, case_id)
        assert stale_first.opened_on is None and stale_second.opened_on is None
        content.post_message(first, settings, case=stale_first, case_key=key, signing_key=org.signing_key,
                             author=CONTACT, text="one")
        set_committed_value(stale_second, "opened_on", None)  # as read before the first one committed
        content.post_message(second, settings, case=stale_second, case_key=key, signing_key=org.signing_key,
                             author=CONTACT, text="two")
    with installation.runtime.db() as db:
        seals = list(db.scalars(select(CaseKeySeal.staff_id).where(CaseKeySeal.case_id == case_id,
                                                                    CaseKeySeal.recipient == "staff")))
        assert seals == [anna.staff_id]
        kinds = [e.kind for e in ledger.open_events(ledger.case_entries(db, case_id), key)]
        assert kinds == ["case_opened", "message_in", "message_in"]


def contact_access_key(inst: Installation, codename: str) -> bytes:
    from safeconduct.contact import service as contact_service

    with inst.runtime.db() as db:
        return contact_service.log_in(db, inst.runtime.org, codename).case_key
