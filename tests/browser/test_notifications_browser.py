"""The notifications page and the count in the staff navigation, JavaScript off, at 390 and 1280 px, in
English and Arabic (right to left)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import CHROMIUM, DESK, PHONE, Requests, Server, log_in_to_console
from tests.conftest import LiveServer, make_installation
from tests.flows import bearer, start_contact
from tests.support import require

pytestmark = pytest.mark.browser


def both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    size = page.viewport_size
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        shot(page, f"{name}-{label}")
        # nothing sticks out sideways at either width
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, label)
    page.set_viewport_size(size)


def _count(page) -> int:  # type: ignore[no-untyped-def]
    badge = page.locator("nav.staffnav a.notifications .badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_notifications_page_and_the_count_in_the_navigation(  # type: ignore[no-untyped-def]
        browser, server: Server, shot) -> None:
    secret = "the words of this message never appear in a notification"
    with httpx.Client(base_url=server.url, timeout=30) as api:
        _, token = start_contact(api, first_message=secret)
        assert api.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token)).status_code == 200

    requests = Requests()
    context = browser.new_context(java_script_enabled=False, viewport=DESK)
    context.on("request", requests)
    page = context.new_page()
    log_in_to_console(page, server)
    before = _count(page)
    assert before >= 2  # the message and the consent (other browser tests may have added more)

    page.locator("nav.staffnav a.notifications").click()
    page.wait_for_url(re.compile(r"/staff/notifications$"))
    items = page.locator("ul.notifications li")
    assert "gave or changed their consent" in items.nth(0).inner_text()  # newest first
    assert "New message or file" in items.nth(1).inner_text()
    assert secret not in page.content()
    both_widths(page, shot, "60-notifications-en")

    items.nth(0).get_by_role("button", name="Mark as read").click()
    page.wait_for_url(re.compile(r"/staff/notifications$"))
    assert _count(page) == before - 1

    page.goto(server.url + "/staff/notifications?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("nav.staffnav a.notifications").inner_text().startswith("الإشعارات")
    assert "عبر البريد الإلكتروني" in page.locator("#mail").inner_text()
    both_widths(page, shot, "61-notifications-ar")

    page.get_by_role("button", name="تعليم الكل كمقروء").click()
    page.wait_for_url(re.compile(r"/staff/notifications$"))
    assert _count(page) == 0 and page.locator("ul.notifications li.unread").count() == 0
    page.goto(server.url + "/staff/notifications?lang=en")
    assert requests.foreign(server) == []
    context.close()


def test_opting_in_to_e_mail_from_the_notifications_page(tmp_path, shot, browser) -> None:  # type: ignore[no-untyped-def]
    """A server with [mail] set (pointing nowhere: no mail is due in this test): the opt-in form, a refused
    address kept in the form, the saved address shown back, and opting out."""
    require(CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install chromium)")
    inst = make_installation(tmp_path / "data", None, "sqlite",
                             mail={"host": "127.0.0.1", "port": 9, "security": "none", "from": "no-reply@org.example"})
    login = inst.add_staff("amina")
    try:
        # The session's browser: a second Playwright in the same thread would find the first one's loop.
        with LiveServer(inst) as server:
            context = browser.new_context(java_script_enabled=False, viewport=PHONE)
            requests = Requests()
            context.on("request", requests)
            page = context.new_page()
            page.goto(server.url + "/staff/login?lang=ar")
            page.locator("#username").fill(login.username)
            page.locator("#password").fill(login.password)
            page.locator("#totp").fill(login.code())
            page.locator("form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/staff$"))
            page.goto(server.url + "/staff/notifications")
            page.locator("#address").fill("amina@org")  # the browser's own check lets it through
            page.locator("form[action='/staff/notifications/mail'] button").click()
            assert page.locator("p.notice.error").inner_text().startswith("لا يبدو هذا عنوان بريد إلكتروني")
            assert page.locator("#address").input_value() == "amina@org"  # kept as typed
            both_widths(page, shot, "62-notifications-mail-refused-ar")
            page.locator("#address").fill("amina@org.example")
            page.locator("form[action='/staff/notifications/mail'] button").click()
            page.wait_for_url(re.compile(r"/staff/notifications(#mail)?$"))
            assert "amina@org.example" in page.locator("#mail .notice.ok").inner_text()
            both_widths(page, shot, "63-notifications-mail-on-ar")
            page.goto(server.url + "/staff/notifications?lang=en")
            both_widths(page, shot, "64-notifications-mail-on-en")
            page.get_by_role("button", name="Stop the e-mails and forget my address").click()
            page.wait_for_url(re.compile(r"/staff/notifications(#mail)?$"))
            assert page.locator("#mail .notice.ok").count() == 0
            assert page.locator("#address").input_value() == ""
            assert [u for u in requests.urls if not u.startswith(server.url + "/")] == []
            context.close()
    finally:
        inst.runtime.engine.dispose()
