"""Issue 11's console in a real browser with JavaScript off, at 390 px and desktop width, in English and Arabic:
a caseworker changes her password and sets up a new authenticator; an administrator resets her account after
she lost her password; a colleague shares the case again; the audit log filtered; the retention page.
"""

from __future__ import annotations

import os
import re

import httpx
import pytest

from tests.browser.conftest import DESK, PASSWORD, PHONE, Caseworker, Requests, Server, _run
from tests.flows import start_contact

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a brand new passphrase 77"  # noqa: S105 (a test account)
RESET_PASSWORD = "handed over in person 31"  # noqa: S105 (a test account)


def both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    size = page.viewport_size
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(size)


def add_staff(server: Server, username: str, role: str = "caseworker") -> Caseworker:
    env = {**{k: v for k, v in os.environ.items() if k != "SAFECONDUCT_DATABASE_URL"},
           "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    out = _run(["staff", "add", "--data", str(server.data), "--username", username, "--role", role,
                "--password-stdin"], env, stdin=PASSWORD + "\n")
    secret = re.search(r"TOTP secret:\s*([A-Z2-7]+)", out)
    assert secret, out
    return Caseworker(username, PASSWORD, secret.group(1))


def log_in(page, server: Server, who: Caseworker) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/staff/login?lang=en")
    page.get_by_label("Username").fill(who.username)
    page.get_by_label("Password").fill(who.password)
    page.get_by_label("Six-digit code from your authenticator app").fill(who.code())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/staff$"))


def shown_secret(page) -> str:  # type: ignore[no-untyped-def]
    # the form's POST is still loading right after the click on a busy machine: wait for the page, not a guess
    page.locator(".qr svg").first.wait_for(state="attached")
    assert page.locator(".qr svg").count() == 1  # drawn inline by the server
    return str(page.locator("code[dir=ltr]").inner_text())


def test_password_authenticator_reset_reshare_audit_and_retention(  # type: ignore[no-untyped-def]
        browser, server: Server, shot) -> None:
    admin = add_staff(server, "hana", role="admin")
    dana, eli = add_staff(server, "dana"), add_staff(server, "eli")
    requests = Requests()
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    desk = console.new_page()
    log_in(desk, server, admin)
    # The server is shared with the other browser tests: amina's inbox must not get this conversation.
    desk.get_by_role("link", name="Staff", exact=True).click()
    desk.locator("tr", has_text="amina").get_by_role("button", name="Remove from intake").click()
    with httpx.Client(base_url=server.url) as api:
        start_contact(api, first_message="where is the meeting point")
    desk.goto(server.url + "/staff/admin")
    desk.locator("tr", has_text="amina").get_by_role("button", name="Add to intake").click()

    # --- Dana changes her password, then sets up a new phone -----------------------------------------
    own = browser.new_context(java_script_enabled=False, viewport=PHONE)
    own.on("request", requests)
    page = own.new_page()
    log_in(page, server, dana)
    page.get_by_role("link", name="My account").click()
    page.locator("#current").fill("not my password at all")
    page.locator("#new").fill(NEW_PASSWORD)
    page.locator("#confirm").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    assert "Your current password is not right." in page.locator("p.notice.error").inner_text()
    page.locator("#current").fill(PASSWORD)
    page.locator("#new").fill(NEW_PASSWORD)
    page.locator("#confirm").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.wait_for_url(re.compile(r"changed=1$"))
    both_widths(page, shot, "40-staff-account-password-changed")
    page.goto(server.url + "/staff/account?lang=ar")
    both_widths(page, shot, "40a-staff-account-ar")
    page.goto(server.url + "/staff/account?lang=en")
    page.locator("#auth-password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set up a new authenticator").click()
    dana = Caseworker("dana", NEW_PASSWORD, shown_secret(page))
    both_widths(page, shot, "41-staff-new-authenticator")

    # --- Dana forgets her password: the administrator resets the account -----------------------------
    desk.get_by_role("link", name="Staff", exact=True).click()
    desk.get_by_role("link", name="dana", exact=True).click()
    desk.locator("#password").fill(RESET_PASSWORD)
    desk.locator("#confirm").fill(RESET_PASSWORD)
    desk.get_by_role("button", name="Reset the account").click()
    assert "Tick the box" in desk.locator("p.notice.error").inner_text()  # refused, typed text kept below
    both_widths(desk, shot, "42-admin-member-reset-refused")
    desk.locator("#password").fill(RESET_PASSWORD)
    desk.locator("#confirm").fill(RESET_PASSWORD)
    desk.locator("input[name=understood]").check()
    desk.get_by_role("button", name="Reset the account").click()
    dana = Caseworker("dana", RESET_PASSWORD, shown_secret(desk))
    both_widths(desk, shot, "43-admin-reset-shown-once")

    # Her old session has ended; with the new password and code she logs in and sees no case yet.
    page.goto(server.url + "/staff")
    page.wait_for_url(re.compile(r"/staff/login"))
    log_in(page, server, dana)
    assert "where is the meeting point" not in page.content()
    assert page.locator("table.cases a.label").count() == 0

    desk.goto(server.url + "/staff/admin/reshares")
    assert "eli" in desk.locator("table.reshares").inner_text()
    both_widths(desk, shot, "44-admin-cases-to-share-again")

    # --- Eli, who holds the case, shares it again ---------------------------------------------------
    colleague = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ar")
    colleague.on("request", requests)
    other = colleague.new_page()
    log_in(other, server, eli)
    other.get_by_role("link", name="Share again").click()
    other.goto(server.url + "/staff/reshares?lang=ar")
    both_widths(other, shot, "45-staff-share-again-ar")
    other.get_by_role("button", name="إعادة المشاركة مع dana").click()
    other.wait_for_url(re.compile(r"done=1$"))
    assert "أُعيدت مشاركة القضية." in other.content()

    page.goto(server.url + "/staff")
    labels = page.locator("table.cases a.label").all_inner_texts()
    assert len(labels) == 1
    page.get_by_role("link", name=labels[0], exact=True).click()
    assert "where is the meeting point" in page.locator("ol.thread").inner_text()

    # --- The audit log, filtered, and the retention page --------------------------------------------
    desk.get_by_role("link", name="Audit log").click()
    desk.locator("#f-action").select_option("reset_account")
    desk.get_by_role("button", name="Filter").click()
    desk.wait_for_url(re.compile(r"action=reset_account"))
    rows = desk.locator("table.audit tbody tr").all_inner_texts()
    assert len(rows) == 1 and "Reset an account" in rows[0] and "hana" in rows[0] and "dana" in rows[0], rows
    assert re.search(r"\d{4}-\d{2}-\d{2}", rows[0]) and not re.search(r"\d{2}:\d{2}", rows[0])
    both_widths(desk, shot, "46-admin-audit-filtered")
    desk.goto(server.url + "/staff/admin/audit?lang=ar")
    assert "أعاد تعيين حساب" in desk.locator("table.audit").inner_text()
    both_widths(desk, shot, "46a-admin-audit-ar")
    desk.goto(server.url + "/staff/admin/retention?lang=en")
    desk.get_by_role("button", name="Delete the cases due today").click()
    assert "Tick the box to confirm" in desk.locator("p.notice.error").inner_text()
    both_widths(desk, shot, "47-admin-retention")
    desk.goto(server.url + "/staff/admin/retention?lang=ar")
    both_widths(desk, shot, "47a-admin-retention-ar")

    for context in (own, console, colleague):
        context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
