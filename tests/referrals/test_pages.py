"""The console's referrals, relatives and tasks sections and the contact's answers, without JavaScript;
`safeconduct partners`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from safeconduct.cli import app as cli_app
from tests.conftest import Installation, client_for
from tests.flows import csrf_of, staff_page_login


def test_partners_cli_adds_and_lists(sqlite_installation: Installation) -> None:
    data = str(sqlite_installation.settings.data_dir)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["partners", "add", "Avocats sans frontière", "--kind", "lawyer", "--country", "be",
                                "--data", data])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli_app, ["partners", "add", "X", "--kind", "bakery", "--country", "be", "--data", data])
    assert r.exit_code == 1 and "Unknown kind of partner" in r.output, r.output
    r = runner.invoke(cli_app, ["partners", "list", "--data", data])
    assert r.exit_code == 0 and "Avocats sans frontière" in r.output and "BE" in r.output, r.output


def test_a_relative_starts_consents_and_a_caseworker_refers_and_adds_a_task_without_javascript(
        sqlite_installation: Installation, tmp_path: Path) -> None:
    admin = sqlite_installation.add_staff("root", role="admin", intake=False)
    worker = sqlite_installation.add_staff("anna")
    with client_for(sqlite_installation) as c:
        home = c.get("/")
        assert 'name="writer" value="parent"' in home.text
        r = c.post("/contact/start", data={"csrf_token": csrf_of(home.text), "start_token": _start_token(home.text),
                                           "writer": "parent", "codename_style": "en"})
        assert r.status_code == 200, r.text
        csrf = csrf_of(c.get("/contact/conversation").text)
        assert c.post("/contact/messages", data={"csrf_token": csrf, "text": "My son wants to come back"}
                      ).status_code == 303
        page = c.get("/contact/consent")
        assert "I agree to be referred to a partner organisation" in page.text
        assert c.post("/contact/consent/referrals", data={"csrf_token": csrf, "referrals": "1"}).status_code == 303
        assert 'name="referrals" value="1" checked' in c.get("/contact/consent").text
    with client_for(sqlite_installation) as c:
        csrf = staff_page_login(c, admin)
        r = c.post("/staff/admin/partners", data={"csrf_token": csrf, "name": "", "kind": "lawyer", "country": "FR"})
        assert r.status_code == 422 and "Give the partner&#39;s name" in r.text, r.text
        r = c.post("/staff/admin/partners", data={"csrf_token": csrf, "name": "Maître Dupont", "kind": "lawyer",
                                                  "country": "FR"})
        assert r.status_code == 303, r.text
        assert "Maître Dupont" in c.get("/staff/admin/partners").text
    with client_for(sqlite_installation) as c:
        csrf = staff_page_login(c, worker)
        case_id = c.get("/api/v1/staff/cases").json()[0]["id"]
        work = f"/staff/cases/{case_id}/work"
        page = c.get(f"{work}?tab=relatives")
        assert page.status_code == 200 and "A parent" in page.text
        page = c.get(f"{work}?tab=referrals")
        assert "Maître Dupont" in page.text
        partner = page.text.split('name="partner"><option value="', 1)[1].split('"', 1)[0]
        r = c.post(f"{work}/referrals", data={"csrf_token": csrf, "partner": partner})
        assert r.status_code == 303, r.text
        page = c.get(f"{work}?tab=referrals")
        assert "Download the partner&#39;s package" in page.text
        referral = page.text.split("/work/referrals/", 1)[1].split("/", 1)[0]
        r = c.post(f"{work}/referrals/{referral}/package", data={"csrf_token": csrf})
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip", r.text
        r = c.post(f"{work}/referrals/{referral}/status", data={"csrf_token": csrf, "status": "declined"})
        assert r.status_code == 422 and "Say why the partner declined" in r.text
        r = c.post(f"{work}/tasks", data={"csrf_token": csrf, "title": "Call the lawyer", "due": "31/12/2026"})
        assert r.status_code == 422 and "YYYY-MM-DD" in r.text
        today = dt.datetime.now(dt.UTC).date().isoformat()
        r = c.post(f"{work}/tasks", data={"csrf_token": csrf, "title": "Call the lawyer", "due": today})
        assert r.status_code == 303, r.text
        page = c.get(f"{work}?tab=tasks")
        assert "Call the lawyer" in page.text and "Due today" in page.text
        assert "Task due" in c.get("/staff?waiting=me").text


def _start_token(page: str) -> str:
    return page.split('name="start_token" value="', 1)[1].split('"', 1)[0]
