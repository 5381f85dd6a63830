"""The inbox for triage: filters, sort, search, paging, "waiting for me", the assignee and who sees what."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.keys import new_label, unseal_for_recipient
from safeconduct.cases.models import Case, CaseKeySeal, Message, ReadMark
from safeconduct.crypto.keys import parse_recovery_key
from safeconduct.ledger import service as ledger
from tests.conftest import Installation, StaffLogin
from tests.flows import (
    bearer,
    contact_page_login,
    only_case_id,
    staff_page_login,
    staff_token,
    start_contact,
)

TODAY = dt.datetime.now(dt.UTC).date()
REASON = "The vetting interview and two references agree."


def _case(inst: Installation, holders: list[StaffLogin], *, state: str = "new_contact", created: int = 10,
          activity: int = 1, language: str | None = None, assignee: StaffLogin | None = None,
          messages: int = 0, label: str | None = None) -> str:
    """A case row as the inbox sees it; ciphertexts are random (the inbox never decrypts them)."""
    case_id = secrets.token_hex(16)
    with inst.runtime.db() as db:
        db.add(Case(id=case_id, label=label or new_label(), state=state,
                    created_on=TODAY - dt.timedelta(days=created), opened_on=TODAY - dt.timedelta(days=created),
                    last_activity_on=TODAY - dt.timedelta(days=activity), contact_lookup=secrets.token_bytes(32),
                    contact_public_key=secrets.token_bytes(32), contact_language=language,
                    assignee_id=assignee.staff_id if assignee else None))
        db.flush()
        for member in holders:
            db.add(CaseKeySeal(case_id=case_id, recipient="staff", staff_id=member.staff_id,
                               sealed=secrets.token_bytes(80)))
        for _ in range(messages):
            row = Message(case_id=case_id, created_on=TODAY - dt.timedelta(days=activity),
                          ciphertext=secrets.token_bytes(40))
            db.add(row)
            db.flush()
            db.get_one(Case, case_id).last_message_id = row.id  # as content.post_message keeps it
        db.commit()
    return case_id


def _inbox(client: TestClient, token: str, **params: object) -> dict[str, object]:
    r = client.get("/api/v1/staff/inbox", params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _labels(body: dict[str, object]) -> list[str]:
    return [c["label"] for c in body["cases"]]  # type: ignore[index,union-attr]


def test_filter_sort_search_and_page(installation: Installation, client: TestClient) -> None:
    anna, ben = installation.add_staff("anna"), installation.add_staff("ben")
    rows = {
        "AAAA-0001": _case(installation, [anna, ben], state="vetting", created=30, activity=5, language="ar",
                           assignee=anna, label="AAAA-0001"),
        "AAAA-0002": _case(installation, [anna], state="vetting/interview", created=20, activity=1,
                           language="fr", label="AAAA-0002"),
        "BBBB-0003": _case(installation, [anna, ben], state="advising", created=10, activity=3, assignee=ben,
                           label="BBBB-0003"),
        "BBBB-0004": _case(installation, [anna], state="closed", created=40, activity=2, language="ar",
                           label="BBBB-0004"),
        "CCCC-0005": _case(installation, [anna], state="new_contact", created=5, activity=1, label="CCCC-0005"),
    }
    _case(installation, [ben], state="vetting", label="ZZZZ-9999")  # not sealed to anna: never hers to see
    token = staff_token(client, anna)

    everything = _inbox(client, token)
    assert everything["total"] == 5 and "ZZZZ-9999" not in _labels(everything)
    # last activity (newest first), then the case opened later, then the id: a stable order
    assert _labels(everything)[:2] == ["CCCC-0005", "AAAA-0002"]
    assert _labels(everything)[2:] == ["BBBB-0004", "BBBB-0003", "AAAA-0001"]
    assert _labels(_inbox(client, token, sort="created")) == [
        "CCCC-0005", "BBBB-0003", "AAAA-0002", "AAAA-0001", "BBBB-0004"]
    assert _labels(_inbox(client, token, sort="state")) == [
        "BBBB-0003", "BBBB-0004", "CCCC-0005", "AAAA-0001", "AAAA-0002"]

    assert set(_labels(_inbox(client, token, state="vetting"))) == {"AAAA-0001", "AAAA-0002"}  # sub-states too
    assert _labels(_inbox(client, token, assignee="me")) == ["AAAA-0001"]
    assert _labels(_inbox(client, token, assignee="ben")) == ["BBBB-0003"]
    assert set(_labels(_inbox(client, token, assignee="none"))) == {"AAAA-0002", "BBBB-0004", "CCCC-0005"}
    assert set(_labels(_inbox(client, token, language="ar"))) == {"AAAA-0001", "BBBB-0004"}
    assert set(_labels(_inbox(client, token, q="bbbb"))) == {"BBBB-0003", "BBBB-0004"}
    assert _labels(_inbox(client, token, q="A-0002")) == ["AAAA-0002"]
    assert _labels(_inbox(client, token, q="%")) == _labels(everything)  # not a wildcard: stripped
    assert _labels(_inbox(client, token, state="vetting", language="ar", assignee="me")) == ["AAAA-0001"]
    row = _inbox(client, token, q="AAAA-0001")["cases"][0]  # type: ignore[index]
    assert row == {"id": rows["AAAA-0001"], "label": "AAAA-0001", "state": "vetting",
                   "created_on": str(TODAY - dt.timedelta(days=30)),
                   "last_activity_on": str(TODAY - dt.timedelta(days=5)), "unread": 0, "overdue": False,
                   "proposal": False, "assignee": "anna", "language": "ar", "task_due": False}

    for sort in ("activity", "created", "state"):  # pages: complete, no case twice, same order as one page
        pages = [_inbox(client, token, sort=sort, per_page=2, page=n) for n in (1, 2, 3)]
        assert [p["pages"] for p in pages] == [3, 3, 3] and all(p["total"] == 5 for p in pages)
        assert sum((_labels(p) for p in pages), []) == _labels(_inbox(client, token, sort=sort))
    assert _inbox(client, token, per_page=2, page=4)["cases"] == []


def test_bad_inbox_parameters_get_a_clear_refusal(sqlite_installation: Installation,
                                                  sqlite_client: TestClient) -> None:
    anna, ben = sqlite_installation.add_staff("anna"), sqlite_installation.add_staff("ben")
    _case(sqlite_installation, [anna, ben], label="AAAA-0001")
    token = staff_token(sqlite_client, anna)
    for params, words in (({"sort": "name"}, "Unknown sort order"), ({"waiting": "you"}, "Unknown inbox filter"),
                          ({"page": "0"}, "between 1 and"), ({"per_page": "5000"}, "between 1 and 200"),
                          ({"state": "DROP TABLE"}, "Unknown state"), ({"language": "english"}, "Unknown language"),
                          ({"assignee": "nobody-here"}, "no staff member called nobody-here")):
        r = sqlite_client.get("/api/v1/staff/inbox", params=params, headers=bearer(token))
        assert r.status_code == 422, (params, r.text)
        assert words in r.json()["message"], (params, r.json())
    # the page says the same and still shows the inbox, nothing lost
    staff_page_login(sqlite_client, ben)
    page = sqlite_client.get("/staff", params={"sort": "name", "lang": "fr"})
    assert page.status_code == 422 and "AAAA-0001" in page.text and 'role="alert"' in page.text


def test_waiting_for_me(installation: Installation, client: TestClient) -> None:
    anna, ben = installation.add_staff("anna"), installation.add_staff("ben")
    start_contact(client, first_message="hello")
    a_token, b_token = staff_token(client, anna), staff_token(client, ben)
    case_id = only_case_id(client, a_token)
    quiet = _case(installation, [anna, ben], state="vetting", messages=0)  # nothing waits in it

    # the contact's first message is unread for both intake caseworkers
    for token in (a_token, b_token):
        waiting = _inbox(client, token, waiting="me")
        assert [c["id"] for c in waiting["cases"]] == [case_id]  # type: ignore[index]
        assert waiting["cases"][0]["unread"] == 1 and not waiting["cases"][0]["overdue"]  # type: ignore[index]
    assert client.post(f"/api/v1/staff/cases/{case_id}/read", headers=bearer(a_token)).status_code == 204
    assert _inbox(client, a_token, waiting="me")["total"] == 0

    # ben proposes a four-eyes decision: it waits for anna, not for ben who proposed it
    url = f"/api/v1/staff/cases/{case_id}/transitions"
    assert client.post(url, json={"to": "vetting"}, headers=bearer(b_token)).status_code == 200
    assert client.post(url, json={"to": "advising", "reason": REASON}, headers=bearer(b_token)).status_code == 202
    assert client.post(f"/api/v1/staff/cases/{case_id}/read", headers=bearer(b_token)).status_code == 204
    mine = _inbox(client, a_token, waiting="me")
    assert [(c["id"], c["proposal"]) for c in mine["cases"]] == [(case_id, True)]  # type: ignore[index]
    assert _inbox(client, b_token, waiting="me")["total"] == 0
    assert _inbox(client, b_token)["cases"][0]["proposal"] is False  # type: ignore[index]

    # a message unread for longer than inbox_overdue_days is overdue, and comes first
    old = _case(installation, [anna, ben], messages=2, activity=installation.settings.inbox_overdue_days)
    fresh = _case(installation, [anna, ben], messages=1, activity=0)
    seen = _case(installation, [anna, ben], messages=3, activity=installation.settings.inbox_overdue_days + 9)
    with installation.runtime.db() as db:  # ben read it all: several read marks, each for its own case
        last = db.scalar(select(func.max(Message.id)).where(Message.case_id == seen))
        db.add(ReadMark(staff_id=ben.staff_id, case_id=seen, last_message_id=last))
        db.commit()
    waiting = _inbox(client, b_token, waiting="me")
    assert [(c["id"], c["overdue"], c["unread"]) for c in waiting["cases"]] == [  # type: ignore[index]
        (old, True, 2), (fresh, False, 1)]
    assert {c["id"]: c["unread"] for c in _inbox(client, b_token)["cases"]}[seen] == 0  # type: ignore[index]
    assert quiet not in [c["id"] for c in _inbox(client, a_token, waiting="me")["cases"]]  # type: ignore[index]


def _kinds(inst: Installation, case_id: str) -> list[str]:
    with inst.runtime.db() as db:
        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(inst.recovery_key))
        return [str(e.kind) for e in ledger.open_events(ledger.case_entries(db, case_id), key)]


def _assign_audit(inst: Installation, case_id: str) -> list[tuple[str, str | None]]:
    with inst.runtime.db() as db:
        return [(r.action, r.target) for r in db.scalars(
            select(AuditRecord).where(AuditRecord.case_id == case_id,
                                      AuditRecord.action.in_(("assign", "unassign"))).order_by(AuditRecord.id))]


def test_assignee_changes_are_audited_and_in_the_ledger(installation: Installation, client: TestClient) -> None:
    anna, ben = installation.add_staff("anna"), installation.add_staff("ben")
    carol = installation.add_staff("carol", intake=False)
    start_contact(client, first_message="hello")
    a_token = staff_token(client, anna)
    case_id = only_case_id(client, a_token)
    url = f"/api/v1/staff/cases/{case_id}/assignee"
    before = _kinds(installation, case_id)

    r = client.put(url, json={"username": "ben"}, headers=bearer(a_token))
    assert r.status_code == 200 and r.json() == {"assignee": "ben"}, r.text
    # refusals: someone without the case, an unknown name, the same again; nothing written
    for body, status, words in (({"username": "carol"}, 409, "not shared with carol"),
                                ({"username": "nobody"}, 404, "no staff member called nobody"),
                                ({"username": "ben"}, 409, "already responsible"),
                                ({"username": 7}, 422, "")):
        r = client.put(url, json=body, headers=bearer(a_token))
        assert r.status_code == status and words in r.text, (body, r.text)
    assert _assign_audit(installation, case_id) == [("assign", "ben")]
    assert _inbox(client, a_token, assignee="ben")["total"] == 1

    # carol, who does not hold the case, cannot assign it
    c_token = staff_token(client, carol)
    assert client.put(url, json={"username": "carol"}, headers=bearer(c_token)).status_code == 403

    # the console form (ben's session): assign to anna, then to nobody
    csrf = staff_page_login(client, ben)
    page = client.get(f"/staff/cases/{case_id}")
    assert 'action="/staff/cases/' in page.text and '<option value="ben" selected>' in page.text
    r = client.post(f"/staff/cases/{case_id}/assignee", data={"csrf_token": csrf, "username": "anna"})
    assert r.status_code == 303
    r = client.post(f"/staff/cases/{case_id}/assignee", data={"csrf_token": csrf, "username": "carol"})
    assert r.status_code == 409 and "not shared with carol" in r.text  # shown on the case page
    r = client.post(f"/staff/cases/{case_id}/assignee", data={"csrf_token": csrf, "username": ""})
    assert r.status_code == 303
    assert _assign_audit(installation, case_id) == [("assign", "ben"), ("assign", "anna"), ("unassign", "anna")]
    assert _kinds(installation, case_id)[len(before):].count("assign") == 3
    with installation.runtime.db() as db:
        assert db.scalar(select(Case.assignee_id).where(Case.id == case_id)) is None


def test_unsharing_the_assignee_leaves_the_case_unassigned(sqlite_installation: Installation,
                                                           sqlite_client: TestClient) -> None:
    anna, _ = sqlite_installation.add_staff("anna"), sqlite_installation.add_staff("ben")
    start_contact(sqlite_client, first_message="hello")
    token = staff_token(sqlite_client, anna)
    case_id = only_case_id(sqlite_client, token)
    assert sqlite_client.put(f"/api/v1/staff/cases/{case_id}/assignee", json={"username": "ben"},
                             headers=bearer(token)).status_code == 200
    r = sqlite_client.request("DELETE", f"/api/v1/staff/cases/{case_id}/share/ben", headers=bearer(token))
    assert r.status_code in (200, 204), r.text
    assert _inbox(sqlite_client, token)["cases"][0]["assignee"] is None  # type: ignore[index]


def test_a_caseworker_never_sees_cases_not_sealed_to_them(installation: Installation, client: TestClient) -> None:
    anna = installation.add_staff("anna")
    dora = installation.add_staff("dora", intake=False)
    for n in range(3):
        start_contact(client, first_message=f"hello {n}")
    _case(installation, [anna], messages=3, state="vetting")
    d_token = staff_token(client, dora)
    for params in ({}, {"waiting": "me"}, {"state": "vetting"}, {"assignee": "none"}, {"q": "-"},
                   {"sort": "state"}):
        assert _inbox(client, d_token, **params)["total"] == 0, params
    assert _inbox(client, staff_token(client, anna))["total"] == 4
    staff_page_login(client, installation.add_staff("erin", intake=False))
    assert "No conversations have been shared with you yet." in client.get("/staff").text


def test_the_contacts_interface_language_is_kept_coarse(installation: Installation, client: TestClient) -> None:
    anna = installation.add_staff("anna")
    codename, _ = start_contact(client, first_message="hello")
    token = staff_token(client, anna)
    case_id = only_case_id(client, token)
    assert _inbox(client, token)["cases"][0]["language"] is None  # type: ignore[index]
    contact_page_login(client, codename)
    # the browser's full list (region, dialect) is never stored: only our interface language
    assert client.get("/contact/conversation", headers={"Accept-Language": "ar-SY;q=1, fr-BE;q=0.5"}
                      ).status_code == 200
    with installation.runtime.db() as db:
        assert db.scalar(select(Case.contact_language).where(Case.id == case_id)) == "ar"
    assert client.get("/contact/conversation?lang=fr").status_code == 200
    assert _labels(_inbox(client, token, language="fr")) == _labels(_inbox(client, token))
    assert _inbox(client, token, language="ar")["total"] == 0
    with installation.runtime.db() as db:
        db.execute(update(Case).values(contact_language=None))
        db.commit()
        assert db.scalar(select(func.count()).select_from(Case).where(Case.contact_language.is_not(None))) == 0


def test_the_inbox_page_filters_with_a_plain_get_form(sqlite_installation: Installation,
                                                      sqlite_client: TestClient) -> None:
    anna = sqlite_installation.add_staff("anna")
    for n in range(3):
        _case(sqlite_installation, [anna], label=f"AAAA-000{n}", activity=n, created=10 + n,
              state="vetting" if n else "closed")
    staff_page_login(sqlite_client, anna)
    page = sqlite_client.get("/staff")
    assert page.status_code == 200 and '<form method="get" action="/staff"' in page.text
    assert "<script" not in page.text
    page = sqlite_client.get("/staff", params={"state": "vetting", "per_page": "1", "sort": "created"})
    assert "AAAA-0001" in page.text and "AAAA-0000" not in page.text and "AAAA-0002" not in page.text
    assert 'href="/staff?state=vetting&amp;per_page=1&amp;sort=created&amp;page=2"' in page.text
    assert "Page 1 of 2" in page.text
    page = sqlite_client.get("/staff", params={"q": "zzzz"})
    assert "No case matches these filters." in page.text
    page = sqlite_client.get("/staff", params={"lang": "ar", "waiting": "me"})
    assert 'dir="rtl"' in page.text and "0 " in page.text
