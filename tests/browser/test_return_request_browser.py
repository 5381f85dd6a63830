"""Issue 16 (item 3) in a real browser: the person gives their identity and agrees to a request with
JavaScript off; the case's owner names herself a reader, prepares the signed letter, downloads it (it verifies
with `safeconduct verify` against the fingerprint `safeconduct key fingerprint` prints), records sending and
the consulate's answer, and the pathway follows."""

from __future__ import annotations

import os
import re
import subprocess

import httpx
import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server, log_in_to_console
from tests.browser.test_accounts_browser import add_staff
from tests.browser.test_journeys_browser import both_widths
from tests.processes import safeconduct_command

pytestmark = pytest.mark.browser
NAME = "Mariam Haddad-Benali"


def _token(api: httpx.Client, who) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = api.post("/api/v1/staff/session", json={"username": who.username, "password": who.password,
                                                "totp": who.code()})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _fingerprint(server: Server) -> str:
    env = {**{k: v for k, v in os.environ.items() if k != "SAFECONDUCT_DATABASE_URL"}, "COLUMNS": "200"}
    out = subprocess.run(safeconduct_command() + ["key", "fingerprint", "--data", str(server.data)],
                         capture_output=True, text=True, env=env, timeout=120).stdout
    found = re.search(r"Ledger key fingerprint: (\S+)", out)
    assert found, out
    return found.group(1)


def test_the_letter_is_prepared_verified_sent_and_answered(browser, server: Server, shot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    requests = Requests()
    second = add_staff(server, "omar")  # before the conversation starts, so that the case is sealed to him too
    amina = server.caseworker
    with httpx.Client(base_url=server.url, timeout=60) as api:
        before = {c["id"] for c in api.get("/api/v1/staff/cases", headers=_token(api, amina)).json()}

        # --- the person, JavaScript off: a message, the identity, the agreement --------------------------
        contact = browser.new_context(java_script_enabled=False, viewport=PHONE)
        contact.on("request", requests)
        page = contact.new_page()
        page.goto(server.url + "/?lang=en")
        page.locator("form[action='/contact/start'] button[type=submit]").click()
        page.locator("a.button.primary").click()
        page.wait_for_url(re.compile(r"/contact/conversation$"))
        page.locator("#text").fill("I want to go back and face the judge. I need a pass.")
        page.locator("form.compose button").click()
        page.wait_for_url(re.compile(r"sent=1"))
        page.goto(server.url + "/contact/identity")
        page.locator("#id-full_name").fill(NAME)
        page.locator("#id-date_of_birth").fill("2001-04-09")
        page.locator("#identity-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"saved=1$"))
        page.goto(server.url + "/contact/consent")
        page.get_by_label("I agree that a request for a travel document is made in my name").check()
        page.locator("#authority-request + p + form button[type=submit]").click()
        page.wait_for_url(re.compile(r"saved=1#authority-request"))
        assert page.get_by_label("I agree that a request for a travel document is made in my name").is_checked()
        both_widths(page, shot, "120-consent-authority-request")
        page.goto(server.url + "/contact/consent?lang=ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert "طلب إلى سلطات بلدك" in page.locator("#authority-request").inner_text()
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "121-consent-authority-request-ar-390")
        contact.close()

        # --- vetting is over: two caseworkers decide (four eyes), amina owns the case ------------------
        mine = _token(api, amina)
        new = [c["id"] for c in api.get("/api/v1/staff/cases", headers=mine).json() if c["id"] not in before]
        assert len(new) == 1, new
        case_id = new[0]
        base = f"/api/v1/staff/cases/{case_id}"
        assert api.post(f"{base}/transitions", json={"to": "vetting"}, headers=mine).status_code == 200
        proposal = api.post(f"{base}/transitions", json={"to": "advising", "reason": "story consistent"},
                            headers=mine).json()["proposal"]["id"]
        r = api.post(f"{base}/transitions/{proposal}/confirm", headers=_token(api, second))
        assert r.status_code == 200, r.text
        assert api.put(f"{base}/assignee", json={"username": "amina"}, headers=mine).status_code == 200

    # --- the console: name the reader, prepare, download, verify, send, answer ---------------------------
    console = browser.new_context(java_script_enabled=False, viewport=DESK, accept_downloads=True)
    console.on("request", requests)
    desk = console.new_page()
    log_in_to_console(desk, server)
    desk.goto(server.url + f"/staff/cases/{case_id}/work?tab=pathway")
    desk.locator("#identity input[name=reader]").first.wait_for()
    for box in desk.locator("#identity label").all():
        if box.inner_text().strip() == "amina":
            box.locator("input").check()
    desk.get_by_role("button", name="Save the readers").click()
    desk.wait_for_url(re.compile(r"readers=1"))
    section = desk.locator("#authority")
    assert NAME not in desk.locator("main").inner_text()
    section.locator("#template").select_option("travel-document.fr")
    section.locator("#authority-name").fill("Consulat général de France à Erbil")
    section.get_by_label("Full name").check()
    section.get_by_label("Date of birth").check()
    both_widths(desk, shot, "122-staff-authority-form")
    section.get_by_role("button", name="Prepare and sign the letter").click()
    desk.wait_for_url(re.compile(r"prepared=1"))
    assert "The letter was prepared and signed." in desk.locator("#authority").inner_text()
    with desk.expect_download() as download:
        desk.get_by_role("button", name="Download the signed letter (PDF)").click()
    letter = tmp_path / "request.pdf"
    download.value.save_as(letter)
    text = subprocess.run(["pdftotext", str(letter), "-"], capture_output=True, text=True, check=True).stdout
    assert NAME in text and "Consulat général de France à Erbil" in text and "Objet :" in text
    verified = subprocess.run(safeconduct_command() + ["verify", str(letter), "--expect-key", _fingerprint(server)],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and verified.stdout.startswith("VERIFIED: letter"), \
        verified.stdout + verified.stderr
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(letter), str(tmp_path / "page")],
                   check=True)
    assert list(tmp_path.glob("page*.png"))

    desk.locator("#authority select[name=means]").select_option("post")
    desk.get_by_role("button", name="Record that it was sent").click()
    desk.wait_for_url(re.compile(r"sent=1"))
    assert "sent, no answer yet" in desk.locator("#authority").inner_text()
    desk.locator("#authority select[name=outcome]").select_option("granted")
    desk.locator("#authority textarea[name=text]").fill("Laissez-passer ready at the consulate on Monday.")
    desk.get_by_role("button", name="Record the answer").click()
    desk.wait_for_url(re.compile(r"answered=1"))
    assert "travel document granted" in desk.locator("#authority").inner_text()
    assert "Return organised" in desk.locator("main").inner_text()
    desk.locator("#authority").scroll_into_view_if_needed()
    both_widths(desk, shot, "123-staff-authority-answered")
    console.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
