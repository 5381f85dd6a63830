"""The console's referrals, relatives and tasks sections and the contact's answers, without JavaScript;
`safeconduct partners`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from typer.testing import CliRunner

from safeconduct.cli import app as cli_app
from tests.conftest import Installation, client_for
from tests.flows import contact_page_login, csrf_of, staff_page_login


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
        r = c.post("/staff/admin/partners", data={"csrf_token": csrf, "name": "Sortir ensemble",
                                                  "kind": "exit_programme", "country": "BE"})
        assert r.status_code == 303, r.text
        page = c.get("/staff/admin/partners").text
        removed = page.split("Sortir ensemble", 1)[1].split('action="/staff/admin/partners/', 1)[1].split("/", 1)[0]
        assert c.post(f"/staff/admin/partners/{removed}/remove", data={"csrf_token": csrf}).status_code == 303
        assert "Sortir ensemble" not in c.get("/staff/admin/partners").text
        assert c.post("/staff/admin/partners/999/remove", data={"csrf_token": csrf}).status_code == 404
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


def test_both_contacts_agree_to_a_link_on_their_consent_pages_and_the_console_links_them(
        sqlite_installation: Installation) -> None:
    worker = sqlite_installation.add_staff("anna")
    codenames = []
    for writer, text in (("self", "I am in the group"), ("sibling", "My brother is in the group")):
        with client_for(sqlite_installation) as c:
            home = c.get("/")
            r = c.post("/contact/start", data={"csrf_token": csrf_of(home.text), "writer": writer,
                                               "start_token": _start_token(home.text), "codename_style": "en"})
            codenames.append(_codename(r.text))
            csrf = csrf_of(c.get("/contact/conversation").text)
            assert c.post("/contact/messages", data={"csrf_token": csrf, "text": text}).status_code == 303
    with client_for(sqlite_installation) as c:
        csrf = staff_page_login(c, worker)
        cases = {row["label"]: row["id"] for row in c.get("/api/v1/staff/cases").json()}
        by_text = {}
        for label, case_id in cases.items():
            by_text[c.get(f"/api/v1/staff/cases/{case_id}/messages").json()["messages"][0]["text"]] = (label, case_id)
        person_label, person_id = by_text["I am in the group"]
        _, relative_id = by_text["My brother is in the group"]
        work = f"/staff/cases/{relative_id}/work"
        r = c.post(f"{work}/links", data={"csrf_token": csrf, "person_case": "NOPE-NOPE", "relation": "sibling"})
        assert r.status_code == 404, r.text
        r = c.post(f"{work}/links", data={"csrf_token": csrf, "person_case": person_label.lower(),
                                          "relation": "sibling"})
        assert r.status_code == 303, r.text
        page = c.get(f"{work}?tab=relatives").text
        assert person_label in page and "Proposed: waiting for both people to agree" in page
        link_id = page.split("/work/links/", 1)[1].split("/", 1)[0]
        r = c.post(f"{work}/links/{link_id}/confirm", data={"csrf_token": csrf})
        assert r.status_code == 409 and "has not agreed yet" in r.text, r.text
        for codename in codenames:
            with client_for(sqlite_installation) as contact:
                contact_csrf = contact_page_login(contact, codename)
                assert "proposes to link your conversation" in contact.get("/contact/conversation").text
                page = contact.get("/contact/consent").text
                assert "I agree to this link" in page
                assert contact.post(f"/contact/links/{link_id}", data={"csrf_token": contact_csrf, "agree": "1"}
                                    ).status_code == 303
                assert contact.post("/contact/links/nope", data={"csrf_token": contact_csrf, "agree": "1"}
                                    ).status_code == 404
                assert "proposes to link your conversation" not in contact.get("/contact/conversation").text
        assert c.post(f"{work}/links/{link_id}/confirm", data={"csrf_token": csrf}).status_code == 303
        page = c.get(f"/staff/cases/{person_id}/work?tab=relatives").text
        assert "Linked" in page and "My brother is in the group" not in page


def _codename(page: str) -> str:
    listed = page.split('<ol class="codename"', 1)[1].split("</ol>", 1)[0]
    words = re.findall(r"<li[^>]*>([^<]+)</li>", listed)
    assert words, page
    return " ".join(words)
