"""Follow-up tasks and relatives' linked cases, over HTTP."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.cases import inbox, triage
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.ledger.models import LedgerEntry
from safeconduct.notifications.models import Notification
from safeconduct.referrals import tasks
from safeconduct.referrals.models import CaseLink, CaseTask, CaseWriter
from safeconduct.staff import service as staff_service
from safeconduct.staff.service import StaffAccess
from tests.conftest import Installation, StaffLogin
from tests.flows import bearer, staff_token, start_token


def _counts(inst: Installation) -> tuple[int, int, int, int]:
    with inst.runtime.db() as db:
        return tuple(db.scalar(select(func.count()).select_from(t)) or 0  # type: ignore[return-value]
                     for t in (LedgerEntry, CaseTask, CaseLink, AuditRecord))


def _start(client: TestClient, text: str, writer: str | None = None) -> str:
    body = {"start_token": start_token(client), **({"writer": writer} if writer else {})}
    r = client.post("/api/v1/contact/start", json=body)
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/contact/session", json={"codename": r.json()["codename"]})
    token = str(r.json()["token"])
    assert client.post("/api/v1/contact/messages", json={"text": text}, headers=bearer(token)).status_code == 201
    return token


def _case_ids(client: TestClient, staff: str) -> list[str]:
    return [c["id"] for c in client.get("/api/v1/staff/cases", headers=bearer(staff)).json()]


def test_tasks_refuse_bad_dates_and_a_due_task_waits_for_me(installation: Installation, client: TestClient) -> None:
    login = installation.add_staff("anna")
    _start(client, "hello")
    staff = staff_token(client, login)
    (case_id,) = _case_ids(client, staff)
    url = f"/api/v1/staff/cases/{case_id}/tasks"
    today = dt.datetime.now(dt.UTC).date()
    client.post(f"/api/v1/staff/cases/{case_id}/read", headers=bearer(staff))
    assert client.get("/api/v1/staff/inbox?waiting=me", headers=bearer(staff)).json()["total"] == 0

    before = _counts(installation)
    for due in ("2026-13-01", "2026-02-30", "tomorrow", f"{today.isoformat()}T10:00", "", "2020-01-01",
                (today + dt.timedelta(days=366 * 6)).isoformat()):
        r = client.post(url, json={"title": "Call the lawyer", "due": due}, headers=bearer(staff))
        assert r.status_code == 422, (due, r.text)
        assert r.json()["message"], r.text
    assert client.post(url, json={"title": "   ", "due": today.isoformat()}, headers=bearer(staff)).status_code == 422
    assert client.post(url, json={"title": "x", "due": 20260101}, headers=bearer(staff)).status_code == 422
    assert _counts(installation) == before

    later = today + dt.timedelta(days=3)
    r = client.post(url, json={"title": "Check the consulate's answer", "due": later.isoformat()},
                    headers=bearer(staff))
    assert r.status_code == 201, r.text
    assert r.json()["due"] == later.isoformat() and not r.json()["overdue"]
    assert client.get("/api/v1/staff/inbox?waiting=me", headers=bearer(staff)).json()["total"] == 0
    r = client.post(url, json={"title": "Call the lawyer", "due": today.isoformat()}, headers=bearer(staff))
    assert r.status_code == 201 and r.json()["due_today"], r.text
    today_task = r.json()["id"]
    waiting = client.get("/api/v1/staff/inbox?waiting=me", headers=bearer(staff)).json()
    assert [(c["id"], c["task_due"]) for c in waiting["cases"]] == [(case_id, True)]
    listed = client.get(url, headers=bearer(staff)).json()
    assert [t["title"] for t in listed] == ["Call the lawyer", "Check the consulate's answer"]

    # the title is sealed; the due day is the only clear date
    with installation.runtime.db() as db:
        for row in db.scalars(select(CaseTask)):
            assert b"lawyer" not in row.ciphertext and b"consulate" not in row.ciphertext

    # the clock moves on: the later task falls overdue and waits for me; the daily reminder says so
    access = _access(installation, login)
    tomorrow_of_later = later + dt.timedelta(days=1)
    with installation.runtime.db() as db:
        key = inbox.open_case(db, access, case_id)[1]
        assert [t.overdue for t in tasks.list_tasks(db, case_id=case_id, case_key=key,
                                                    today=tomorrow_of_later)] == [True, True]
        before_notes = db.scalar(select(func.count()).select_from(Notification))
        assert tasks.remind(db, today=tomorrow_of_later) == 1
        assert db.scalar(select(func.count()).select_from(Notification)) == before_notes + 1
    assert client.post(f"{url}/{today_task}/done", headers=bearer(staff)).status_code == 200
    assert client.post(f"{url}/{today_task}/done", headers=bearer(staff)).status_code == 409
    assert client.post(f"{url}/nope/done", headers=bearer(staff)).status_code == 404
    assert client.get("/api/v1/staff/inbox?waiting=me", headers=bearer(staff)).json()["total"] == 0
    with installation.runtime.db() as db:
        page = triage.search(db, access, triage.InboxQuery(waiting=True), overdue_days=30, today=tomorrow_of_later)
        assert [(r.id, r.task_due) for r in page.rows] == [(case_id, True)]
        assert tasks.remind(db, today=later - dt.timedelta(days=1)) == 0


def _access(inst: Installation, login: StaffLogin) -> StaffAccess:
    with inst.runtime.db() as db:
        return staff_service.authenticate(db, inst.settings, username=login.username, password=login.password,
                                          totp=login.next_code())


def test_a_relatives_case_is_linked_only_with_both_consents_and_shows_no_message_of_the_other(
        installation: Installation, client: TestClient) -> None:
    login = installation.add_staff("anna")
    r = client.post("/api/v1/contact/start", json={"start_token": start_token(client), "writer": "uncle"})
    assert r.status_code == 422, r.text
    person = _start(client, "I am the one in the group: secret-person-9f")
    relative = _start(client, "My son is there: secret-mother-3c", writer="parent")
    staff = staff_token(client, login)
    with installation.runtime.db() as db:
        writers = list(db.scalars(select(CaseWriter)))
        assert len(writers) == 1 and b"parent" not in writers[0].ciphertext
    person_case, relative_case = _case_ids_by_first_message(client, staff, person, relative)
    url = f"/api/v1/staff/cases/{relative_case}/links"

    before = _counts(installation)
    assert client.post(url, json={"person_case": relative_case, "relation": "parent"},
                       headers=bearer(staff)).status_code == 422
    assert client.post(url, json={"person_case": person_case, "relation": "cousin"},
                       headers=bearer(staff)).status_code == 422
    assert client.post(url, json={"person_case": "0" * 32, "relation": "parent"},
                       headers=bearer(staff)).status_code == 404
    assert _counts(installation) == before
    r = client.post(url, json={"person_case": person_case, "relation": "parent"}, headers=bearer(staff))
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["state"] == "proposed" and link["other_case_id"] == person_case and link["role"] == "relative"
    assert client.post(url, json={"person_case": person_case, "relation": "parent"},
                       headers=bearer(staff)).status_code == 409

    # nobody agreed, then only the relative: refused clearly, nothing written
    before = _counts(installation)
    r = client.post(f"{url}/{link['id']}/confirm", headers=bearer(staff))
    assert r.status_code == 409 and "has not agreed" in r.json()["message"], r.text
    assert _counts(installation) == before
    listed = client.get("/api/v1/contact/links", headers=bearer(relative)).json()
    assert [(x["id"], x["role"], x["agreed"]) for x in listed] == [(link["id"], "relative", False)]
    assert client.put(f"/api/v1/contact/links/{link['id']}", json={"agree": True},
                      headers=bearer(relative)).status_code == 200
    assert client.put("/api/v1/contact/links/nope", json={"agree": True}, headers=bearer(person)).status_code == 404
    before = _counts(installation)
    r = client.post(f"{url}/{link['id']}/confirm", headers=bearer(staff))
    assert r.status_code == 409 and "the person has not agreed" in r.json()["message"], r.text
    assert _counts(installation) == before

    assert client.put(f"/api/v1/contact/links/{link['id']}", json={"agree": True},
                      headers=bearer(person)).status_code == 200
    r = client.post(f"/api/v1/staff/cases/{person_case}/links/{link['id']}/confirm", headers=bearer(staff))
    assert r.status_code == 200 and r.json()["state"] == "linked", r.text
    seen = client.get(f"/api/v1/staff/cases/{person_case}/links", headers=bearer(staff)).json()
    assert [(x["other_case_id"], x["role"], x["state"]) for x in seen] == [(relative_case, "person", "linked")]
    assert client.get("/api/v1/contact/links", headers=bearer(person)).json()[0]["state"] == "linked"

    # each case shows the other's state and label, never its messages
    with installation.runtime.db() as db:
        for row in db.scalars(select(CaseLink)):
            assert person_case.encode() not in row.ciphertext and relative_case.encode() not in row.ciphertext
    page = client.get(f"/staff/cases/{relative_case}/work?tab=relatives", headers=bearer(staff))
    if page.status_code == 200:
        assert "secret-person-9f" not in page.text
    for case, contact, other_secret in ((person_case, person, "secret-mother-3c"),
                                        (relative_case, relative, "secret-person-9f")):
        msgs = client.get(f"/api/v1/staff/cases/{case}/messages", headers=bearer(staff))
        assert other_secret not in msgs.text
        assert other_secret not in client.get("/api/v1/contact/messages", headers=bearer(contact)).text
        assert other_secret not in client.get(f"/api/v1/staff/cases/{case}/links", headers=bearer(staff)).text

    # the person no longer agrees: neither side shows the other's state any more
    assert client.put(f"/api/v1/contact/links/{link['id']}", json={"agree": False},
                      headers=bearer(person)).status_code == 200
    for case in (person_case, relative_case):
        (seen_link,) = client.get(f"/api/v1/staff/cases/{case}/links", headers=bearer(staff)).json()
        assert seen_link["state"] == "withdrawn" and seen_link["other_state"] == "", seen_link


def _case_ids_by_first_message(client: TestClient, staff: str, *contacts: str) -> list[str]:
    """The case of each contact, found by what its conversation holds (the staff list has no codenames)."""
    ids = _case_ids(client, staff)
    found = []
    for contact in contacts:
        text = client.get("/api/v1/contact/messages", headers=bearer(contact)).json()["messages"][0]["text"]
        for case_id in ids:
            r = client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(staff))
            if text in r.text:
                found.append(case_id)
                break
    return found


def test_the_daily_reminder_tells_of_a_task_once_a_day(sqlite_installation: Installation,
                                                        sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    _start(sqlite_client, "hello")
    staff = staff_token(sqlite_client, login)
    (case_id,) = _case_ids(sqlite_client, staff)
    today = dt.datetime.now(dt.UTC).date()
    url = f"/api/v1/staff/cases/{case_id}/tasks"
    assert sqlite_client.post(url, json={"title": "Court date", "due": today.isoformat()},
                              headers=bearer(staff)).status_code == 201
    with sqlite_installation.runtime.db() as db:
        assert tasks.remind(db, today=today) == 1
        assert tasks.remind(db, today=today) == 0
    # a task added later the same day is reminded of at the next pass, the first one not again
    assert sqlite_client.post(url, json={"title": "Call the consulate", "due": today.isoformat()},
                              headers=bearer(staff)).status_code == 201
    with sqlite_installation.runtime.db() as db:
        assert tasks.remind(db, today=today) == 1
        assert tasks.remind(db, today=today) == 0
        assert tasks.remind(db, today=today + dt.timedelta(days=1)) == 1
        assert {t.reminded_on for t in db.scalars(select(CaseTask))} == {today + dt.timedelta(days=1)}
    r = sqlite_client.get("/staff/notifications", headers=bearer(staff))
    assert "Court date" not in r.text


def test_someone_elses_case_has_no_tasks_links_or_referrals_for_me(sqlite_installation: Installation,
                                                                  sqlite_client: TestClient) -> None:
    client = sqlite_client
    owner = staff_token(client, sqlite_installation.add_staff("anna"))
    other = staff_token(client, sqlite_installation.add_staff("bob", intake=False))
    _start(client, "first")
    _start(client, "second")
    mine, theirs = _case_ids(client, owner)
    before = _counts(sqlite_installation)
    for method, path, body in (("get", "tasks", None), ("get", "links", None), ("get", "referrals", None),
                               ("post", "tasks", {"title": "x", "due": dt.date.today().isoformat()}),
                               ("post", "links", {"person_case": theirs, "relation": "parent"})):
        r = client.request(method.upper(), f"/api/v1/staff/cases/{mine}/{path}", json=body, headers=bearer(other))
        assert r.status_code == 403, r.text
    assert client.get(f"/api/v1/staff/cases/{mine}/referrals/x/package", headers=bearer(other)).status_code == 403
    assert _counts(sqlite_installation)[:3] == before[:3]


def test_a_link_to_a_case_that_is_gone_shows_as_gone(sqlite_installation: Installation,
                                                     sqlite_client: TestClient) -> None:
    from safeconduct.cases.models import Case

    client = sqlite_client
    staff = staff_token(client, sqlite_installation.add_staff("anna"))
    _start(client, "first")
    _start(client, "second")
    one, two = _case_ids(client, staff)
    assert client.post(f"/api/v1/staff/cases/{one}/links", json={"person_case": two, "relation": "spouse"},
                       headers=bearer(staff)).status_code == 201
    with sqlite_installation.runtime.db() as db:
        db.delete(db.get(Case, two))
        db.commit()
    (link,) = client.get(f"/api/v1/staff/cases/{one}/links", headers=bearer(staff)).json()
    assert link["state"] == "gone" and link["other_label"] == "", link
    assert client.get(f"/staff/cases/{one}/work?tab=relatives", headers=bearer(staff)).status_code in (200, 401, 403)
    r = client.post(f"/api/v1/staff/cases/{one}/links/{link['id']}/confirm", headers=bearer(staff))
    assert r.status_code == 404, r.text
