"""Statistics: right counts, small counts hidden, charts without script, CSV and JSON for admins only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets

from fastapi.testclient import TestClient

from safeconduct.cases import statistics
from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.models import Case
from tests.conftest import Installation
from tests.flows import bearer, staff_token

TODAY = dt.date(2026, 11, 18)  # a Wednesday of ISO week 2026-W47


def add_cases(inst: Installation, states: dict[str, int], *, on: dt.date = TODAY) -> list[str]:
    """`n` cases in each given state, written straight to the database (no content, no keys)."""
    ids = []
    with inst.runtime.db() as db:
        for state, n in states.items():
            for _ in range(n):
                case_id = secrets.token_hex(16)
                db.add(Case(id=case_id, label=secrets.token_hex(8), state=state, created_on=on, opened_on=on,
                            last_activity_on=on, contact_lookup=secrets.token_bytes(32),
                            contact_public_key=secrets.token_bytes(32)))
                ids.append(case_id)
        db.commit()
    return ids


def as_dict(cells: list[tuple[str, statistics.Cell]]) -> dict[str, statistics.Cell]:
    return dict(cells)


def test_counts_per_state_and_outcomes(sqlite_installation: Installation) -> None:
    add_cases(sqlite_installation, {"new_contact": 7, "vetting": 5, "returned": 6, "in_proceedings": 2})
    add_cases(sqlite_installation, {"closed": 9}, on=TODAY - dt.timedelta(weeks=3))
    with sqlite_installation.runtime.db() as db:
        stats = statistics.compute(db, today=TODAY)
    current = as_dict(stats.current)
    assert current["new_contact"] == 7 and current["vetting"] == 5 and current["returned"] == 6
    assert current["closed"] == 9 and current["advising"] == 0
    assert current["in_proceedings"] == "<5"
    assert as_dict(stats.outcomes) == {"returned": 6, "in_proceedings": "<5", "closed": 9, "withdrawn": 0,
                                       "rejected": 0, "contact_lost": 0}
    assert len(stats.weeks) == statistics.WEEKS and stats.weeks[-1] == "2026-W47"
    opened = as_dict(stats.opened)
    assert opened["2026-W47"] == 20 and opened["2026-W44"] == 9 and opened["2026-W45"] == 0
    by_week = dict(stats.by_week)
    assert as_dict(by_week["2026-W44"])["closed"] == 9 and as_dict(by_week["2026-W44"])["returned"] == 0
    assert as_dict(by_week["2026-W43"])["closed"] == 0


def test_state_over_time_follows_the_audit_log(sqlite_installation: Installation) -> None:
    """States are sealed in the state-change table; the audit log's plaintext target gives the history."""
    login = sqlite_installation.add_staff("anna")
    start = TODAY - dt.timedelta(weeks=2)
    ids = add_cases(sqlite_installation, {"advising": 6}, on=start)
    with sqlite_installation.runtime.db() as db:
        for case_id in ids:
            db.add(AuditRecord(on=start + dt.timedelta(days=8), staff_id=login.staff_id, action="transition",
                               case_id=case_id, target="vetting"))
            db.add(AuditRecord(on=TODAY, staff_id=login.staff_id, action="confirm", case_id=case_id,
                               target="advising/legal"))
        db.commit()
        stats = statistics.compute(db, today=TODAY)
    by_week = {week: as_dict(cells) for week, cells in stats.by_week}
    assert by_week["2026-W45"]["new_contact"] == 6
    assert by_week["2026-W46"]["vetting"] == 6 and by_week["2026-W46"]["new_contact"] == 0
    assert by_week["2026-W47"]["advising"] == 6 and by_week["2026-W47"]["vetting"] == 0
    assert by_week["2026-W44"]["new_contact"] == 0  # not opened yet


def test_small_counts_are_suppressed() -> None:
    assert [statistics.shown(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    assert statistics.shown(9, threshold=10) == "<10" and statistics.shown(10, threshold=10) == 10
    assert statistics.shown(1, threshold=1) == 1


def test_no_cell_anywhere_shows_a_count_between_one_and_four(sqlite_installation: Installation) -> None:
    add_cases(sqlite_installation, {"new_contact": 1, "vetting": 2, "returned": 3, "withdrawn": 4})
    with sqlite_installation.runtime.db() as db:
        stats = statistics.compute(db, today=TODAY)
    counts = [row[3] for row in stats.rows()]
    assert "<5" in counts
    assert not {"1", "2", "3", "4"} & set(counts)


def test_page_csv_and_json_for_admins(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    add_cases(sqlite_installation, {"new_contact": 6, "returned": 2}, on=dt.datetime.now(dt.UTC).date())
    admin = sqlite_installation.add_staff("root", role="admin", intake=False)
    token = staff_token(sqlite_client, admin)  # a one-time code is taken once: the bearer token serves pages too
    sqlite_client.headers.update(bearer(token))
    assert 'href="/staff/stats"' in sqlite_client.get("/staff/admin").text

    r = sqlite_client.get("/staff/stats")
    assert r.status_code == 200
    assert "<svg" in r.text and "<script" not in r.text and " style=" not in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "no-store" in r.headers["cache-control"]
    assert "&lt;5" in r.text and "New contact" in r.text
    for attr in re.findall(r'(?:src|href|action)="([^"]*)"', r.text):
        assert not re.match(r"^(?:[a-z]+:)?//", attr, re.I), attr

    r = sqlite_client.get("/staff/stats?lang=ar")
    assert r.status_code == 200 and 'dir="rtl"' in r.text and "<svg" in r.text

    r = sqlite_client.get("/staff/stats.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    current = {row["state"]: row["count"] for row in rows if row["section"] == "current"}
    assert current["new_contact"] == "6" and current["returned"] == "<5" and current["closed"] == "0"
    assert {row["section"] for row in rows} == {"current", "opened", "state_by_week", "outcome"}

    r = sqlite_client.get("/api/v1/staff/stats")
    assert r.status_code == 200
    body = r.json()
    assert body["threshold"] == 5 and body["current"]["new_contact"] == 6
    assert body["outcomes"]["returned"] == "<5"
    assert not any(len(key) == 32 for key in body["current"])  # no case ids anywhere


def test_caseworkers_are_refused(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    anna = sqlite_installation.add_staff("anna")
    token = staff_token(sqlite_client, anna)
    assert sqlite_client.get("/api/v1/staff/stats", headers=bearer(token)).status_code == 403
    sqlite_client.headers.update(bearer(token))
    assert 'href="/staff/stats"' not in sqlite_client.get("/staff").text
    for path in ("/staff/stats", "/staff/stats.csv"):
        r = sqlite_client.get(path)
        assert r.status_code == 403, path
        assert "content-security-policy" in r.headers


def test_anonymous_visitors_are_sent_to_log_in(sqlite_client: TestClient) -> None:
    assert sqlite_client.get("/api/v1/staff/stats").status_code == 401
    r = sqlite_client.get("/staff/stats")
    assert r.status_code in (302, 303) and "/staff/login" in r.headers["location"]


def test_chart_labels_are_escaped_and_rtl_mirrors_the_bars() -> None:
    from safeconduct.web.console.stats import hbar_chart

    ltr = str(hbar_chart([("<b>x</b>", 7), ("y", "<5")], threshold=5, rtl=False, title="t"))
    assert "<b>" not in ltr and "&lt;b&gt;x&lt;/b&gt;" in ltr and "&lt;5" in ltr
    rtl = str(hbar_chart([("<b>x</b>", 7), ("y", "<5")], threshold=5, rtl=True, title="t"))
    assert re.findall(r'<rect x="([\d.]+)"', ltr) != re.findall(r'<rect x="([\d.]+)"', rtl)
