"""Administrators' pages: the audit log (one row per action, readable names, the day only, filters, paging)
and retention (due cases with their day, legal holds, a confirmed run, audited)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from sqlalchemy import func, select, update

from safeconduct.cases import audit
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.models import Case, Message
from safeconduct.cases.reshare_models import PendingReshare
from safeconduct.cases.retention_models import CaseRetention
from tests.conftest import Installation, client_for
from tests.flows import staff_page_login, start_contact

POLICY = {"retention": {"closed_after_days": 30, "inactive_after_days": 365, "warn_days": 10}}


def _audit_rows(inst: Installation) -> list[tuple[str, str | None]]:
    with inst.runtime.db() as db:
        return [(r.action, r.case_id) for r in db.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_one_look_at_the_work_page_is_one_audit_row(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    anna = inst.add_staff("anna")
    with client_for(inst) as contact:
        start_contact(contact, first_message="hello")
    with inst.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    with client_for(inst) as desk:
        staff_page_login(desk, anna)
        before = _audit_rows(inst)
        assert desk.get(f"/staff/cases/{case_id}/work").status_code == 200  # the pathway section
        assert _audit_rows(inst)[len(before):] == [("view_messages", case_id)]
        before = _audit_rows(inst)
        assert desk.get(f"/staff/cases/{case_id}/work?tab=vetting").status_code == 200
        assert _audit_rows(inst)[len(before):] == [("view_messages", case_id)]
        before = _audit_rows(inst)
        assert desk.get(f"/staff/cases/{case_id}").status_code == 200
        assert _audit_rows(inst)[len(before):] == [("view_messages", case_id)]


def test_the_audit_log_reads_as_words_by_day_with_filters_and_pages(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    anna, ben = inst.add_staff("anna"), inst.add_staff("ben")
    admin = inst.add_staff("root", role="admin")
    with client_for(inst) as contact:
        start_contact(contact, first_message="hello")
    with inst.runtime.db() as db:
        case_id, label = db.execute(select(Case.id, Case.label)).one()
        for i in range(60):  # enough for two pages
            audit.record(db, staff_id=anna.staff_id if i % 2 else ben.staff_id, action="view_notes", case_id=case_id)
        audit.record(db, staff_id=ben.staff_id, action="export", case_id=case_id, on=dt.date(2026, 3, 9))
        db.commit()
    with client_for(inst) as desk:
        staff_page_login(desk, admin)
        page = desk.get("/staff/admin/audit").text
        assert "Exported a dossier" in page and "<code>export</code>" not in page
        assert "2026-03-09" in page and re.search(r"\d{2}:\d{2}", page.split("<table", 1)[1]) is None  # day only
        assert page.count("<tr>") == 1 + 50 and "Older entries" in page
        older = re.search(r'href="(/staff/admin/audit\?[^"]+before=\d+)"', page)
        assert older
        rest = desk.get(older.group(1).replace("&amp;", "&")).text
        assert rest.count("<tr>") == 1 + 11 and "Older entries" not in rest

        only = desk.get("/staff/admin/audit", params={"account": "ben", "action": "export"}).text
        assert only.count("<tr>") == 2 and "Exported a dossier" in only
        by_label = desk.get("/staff/admin/audit", params={"label": label.lower(), "account": "anna"}).text
        assert by_label.count("<tr>") == 1 + 30
        missing = desk.get("/staff/admin/audit", params={"label": "ZZZZ-ZZZZ"})
        assert missing.status_code == 404 and "No case has the label ZZZZ-ZZZZ." in missing.text
        arabic = desk.get("/staff/admin/audit", params={"action": "export", "lang": "ar"}).text
        assert "صدّر ملف إثبات" in arabic
        with inst.runtime.db() as db:  # the page wrote nothing of its own
            assert db.scalar(select(func.count()).select_from(AuditRecord)) == 61


def test_retention_page_lists_due_cases_holds_them_and_runs_only_when_confirmed(
        sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    inst.runtime.settings = dataclasses.replace(inst.settings, organisation=POLICY)
    anna = inst.add_staff("anna")
    admin = inst.add_staff("root", role="admin")
    for text in ("first", "second"):
        with client_for(inst) as contact:
            start_contact(contact, first_message=text)
    with inst.runtime.db() as db:
        (a, la), (b, lb) = db.execute(select(Case.id, Case.label).order_by(Case.label)).all()
        old = dt.date.today() - dt.timedelta(days=40)
        db.execute(update(Case).values(state="closed", last_activity_on=old))
        db.add(PendingReshare(staff_id=anna.staff_id, case_id=b))  # as if anna had been reset
        db.commit()
    due = (old + dt.timedelta(days=30)).isoformat()
    # Not started as a context: its start-up sweep would shred the overdue cases before the page lists them.
    desk = client_for(inst)
    csrf = staff_page_login(desk, admin)
    page = desk.get("/staff/admin/retention").text
    assert la in page and lb in page and due in page
    r = desk.post("/staff/admin/retention/hold", data={"csrf_token": csrf, "label": la, "action": "hold"})
    assert r.status_code == 303
    r = desk.post("/staff/admin/retention/run", data={"csrf_token": csrf})
    assert r.status_code == 422 and "Tick the box to confirm" in r.text
    with inst.runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(Message)) == 2  # nothing lost without the tick
    r = desk.post("/staff/admin/retention/run", data={"csrf_token": csrf, "confirm": "1"})
    assert r.status_code == 303 and r.headers["location"].endswith("shredded=1")
    assert "Cases deleted: 1." in desk.get(r.headers["location"]).text
    with inst.runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(Message).where(Message.case_id == a)) == 1
        assert db.scalar(select(func.count()).select_from(Message).where(Message.case_id == b)) == 0
        assert db.get(CaseRetention, a).legal_hold  # type: ignore[union-attr]
    assert [row for row in _audit_rows(inst) if row[0] in ("legal_hold", "shred")] == [
        ("legal_hold", a), ("shred", b)]
    r = desk.post("/staff/admin/retention/hold", data={"csrf_token": csrf, "label": la, "action": "release"})
    assert r.status_code == 303
    r = desk.post("/staff/admin/retention/hold", data={"csrf_token": csrf, "label": "NOPE", "action": "hold"})
    assert r.status_code == 404 and "No case has the label NOPE." in r.text
