"""Issue 16 (items 4–6) in a real browser with JavaScript off: a relative starts a conversation and agrees to
referrals; an administrator lists a partner; the caseworker refers the case, the partner's package verifies
with `safeconduct verify`, the partner's answer is recorded, and a follow-up task waits in the inbox.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server, log_in_to_console
from tests.browser.test_accounts_browser import add_staff, log_in
from tests.processes import safeconduct_command

pytestmark = pytest.mark.browser
MESSAGE = "أنا أمّه. I am his mother: he wants to come home and needs a lawyer."


def both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    size = page.viewport_size
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(size)


def test_a_relative_consents_and_the_partners_package_verifies(  # type: ignore[no-untyped-def]
        browser, server: Server, shot, tmp_path) -> None:
    requests = Requests()
    # --- a mother starts a conversation (JavaScript off) and agrees to a referral ---------------------
    contact = browser.new_context(java_script_enabled=False, viewport=PHONE)
    contact.on("request", requests)
    page = contact.new_page()
    page.goto(server.url + "/")
    page.get_by_label("I am a parent").check()
    both_widths(page, shot, "100-home-who-is-writing")
    page.locator("form[action='/contact/start'] button[type=submit]").click()
    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("#text").fill(MESSAGE)
    page.locator("form.compose button").click()
    page.wait_for_url(re.compile(r"sent=1"))
    page.goto(server.url + "/contact/consent")
    page.locator("ul.consent input[name=item]").first.check()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url(re.compile(r"saved=1"))
    page.get_by_label("I agree to be referred to a partner organisation").check()
    page.locator("form[action='/contact/consent/referrals']").get_by_role("button", name="Save my answer").click()
    page.wait_for_url(re.compile(r"saved=1#referrals"))
    assert page.get_by_label("I agree to be referred to a partner organisation").is_checked()
    both_widths(page, shot, "101-consent-referrals")
    page.goto(server.url + "/contact/consent?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    both_widths(page, shot, "102-consent-referrals-ar")

    # --- an administrator lists the partner ---------------------------------------------------------
    admin = add_staff(server, "nadia", role="admin")
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    desk = console.new_page()
    log_in(desk, server, admin)
    desk.goto(server.url + "/staff/admin/partners")
    desk.get_by_label("Name").fill("Cabinet Martin, avocats")
    desk.get_by_label("Country (two letters)").fill("FR")
    desk.get_by_role("button", name="Add the partner").click()
    desk.wait_for_url(re.compile(r"saved=1"))
    assert "Cabinet Martin, avocats" in desk.locator("main").inner_text()
    both_widths(desk, shot, "103-admin-partners")
    console.close()

    # --- the caseworker refers the case ---------------------------------------------------------------
    console = browser.new_context(java_script_enabled=False, viewport=DESK, accept_downloads=True)
    console.on("request", requests)
    desk = console.new_page()
    log_in_to_console(desk, server)
    for label in desk.locator("table.cases a.label").all_inner_texts():
        desk.get_by_role("link", name=label, exact=True).click()
        if MESSAGE in desk.locator("ol.thread").inner_text():
            break
        desk.go_back()
    else:
        pytest.fail("the new conversation is in no case of the inbox")
    case_url = desk.url.split("?")[0].split("#")[0]
    desk.goto(case_url + "/work?tab=relatives")
    assert "A parent" in desk.locator("#section").inner_text()
    both_widths(desk, shot, "104-staff-relatives")
    desk.goto(case_url + "/work?tab=referrals")
    desk.locator("#partner").select_option(label="Cabinet Martin, avocats (Lawyer, FR)")
    desk.locator("#section input[name=item]").first.check()
    desk.get_by_role("button", name="Refer", exact=True).click()
    desk.wait_for_url(re.compile(r"tab=referrals&done=1"))
    with desk.expect_download() as download:
        desk.get_by_role("button", name="Download the partner's package").click()
    package = tmp_path / "referral.zip"
    download.value.save_as(package)
    readme = subprocess.run(["unzip", "-p", str(package), "README.txt"], capture_output=True, text=True).stdout
    fingerprint = re.search(r"fingerprint:\s+([0-9A-Za-z:\- ]+?)\n", readme)
    assert fingerprint, readme
    verified = subprocess.run(safeconduct_command() + ["verify", str(package), "--expect-key",
                                                       fingerprint.group(1).strip()],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0 and "VERIFIED" in verified.stdout, verified.stdout + verified.stderr
    desk.locator("select[name=status]").select_option("accepted")
    desk.get_by_role("button", name="Record the answer").click()
    desk.wait_for_url(re.compile(r"tab=referrals&done=1"))
    assert "Accepted" in desk.locator("#section").inner_text()
    both_widths(desk, shot, "105-staff-referrals")

    # --- a follow-up task, due today, waits for me ----------------------------------------------------
    desk.goto(case_url + "/work?tab=tasks")
    desk.get_by_label("What is to be done").fill("Call Cabinet Martin about the hearing")
    desk.get_by_label("Due on (a day)").fill(dt.datetime.now(dt.UTC).date().isoformat())
    desk.get_by_role("button", name="Add the task").click()
    desk.wait_for_url(re.compile(r"tab=tasks&done=1"))
    assert "Due today" in desk.locator("#section").inner_text()
    both_widths(desk, shot, "106-staff-tasks")
    desk.goto(server.url + "/staff?waiting=me")
    assert "Task due" in desk.locator("table.cases").inner_text()
    both_widths(desk, shot, "107-staff-inbox-task-due")
    desk.goto(case_url + "/work?tab=referrals&lang=ar")
    both_widths(desk, shot, "108-staff-referrals-ar")
    desk.goto(case_url + "/work?tab=tasks&lang=ar")
    both_widths(desk, shot, "109-staff-tasks-ar")
    assert requests.foreign(server) == []
    console.close()
    contact.close()
