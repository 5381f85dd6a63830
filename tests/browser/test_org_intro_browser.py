"""The organisation's introduction, set by an administrator in the console, seen by a contact with JavaScript
off on the home page and, with where the case stands and the usual answer delay, on the conversation page:
in English and Arabic, at a phone's 390 px and a desktop's 1280 px."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.conftest import DESK, PASSWORD, PHONE, Caseworker, Requests, Server, _run
from tests.browser.test_journeys_browser import both_widths

pytestmark = pytest.mark.browser

INTRO_EN = ("We are the Return Desk of Kirkuk: lawyers and social workers who help people leave armed groups and "
            "return home through the legal way.\n\nWe answer every message ourselves.")
INTRO_AR = "نحن مكتب العودة في كركوك: محامون ومرشدون اجتماعيون نساعد من يريد ترك الجماعات المسلحة على العودة إلى بيته بالطريق القانوني."  # noqa: E501


def _admin(server: Server) -> Caseworker:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("SAFECONDUCT_DATABASE_URL", None)
    out = _run(["staff", "add", "--data", str(server.data), "--username", "huda", "--role", "admin",
                "--password-stdin"], env, stdin=PASSWORD + "\n")
    secret = re.search(r"TOTP secret:\s*([A-Z2-7]+)", out)
    assert secret, out
    return Caseworker("huda", PASSWORD, secret.group(1))


def test_the_organisation_introduces_itself_and_the_contact_sees_where_things_stand(  # type: ignore[no-untyped-def]
        browser, server: Server, shot) -> None:
    requests = Requests()
    admin = _admin(server)
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    desk = console.new_page()
    desk.goto(server.url + "/staff/login")
    desk.get_by_label("Username").fill(admin.username)
    desk.get_by_label("Password").fill(admin.password)
    desk.get_by_label("Six-digit code from your authenticator app").fill(admin.code())
    desk.get_by_role("button", name="Log in").click()
    desk.wait_for_url(re.compile(r"/staff$"))
    desk.goto(server.url + "/staff/admin")
    desk.get_by_role("link", name="The organisation on the contact pages: name, introduction, answer delay").click()
    desk.wait_for_url(re.compile(r"/staff/admin/organisation$"))
    desk.locator("#org-name").fill("Return Desk Kirkuk")
    desk.locator("#intro-en").fill(INTRO_EN)
    desk.locator("#intro-ar").fill(INTRO_AR)
    desk.locator("#answer-days").fill("0")
    desk.get_by_role("button", name="Save").click()
    assert "The answer delay is a number of days, from 1 to 60." in desk.locator("p.notice.error").inner_text()
    assert desk.locator("#intro-ar").input_value() == INTRO_AR  # nothing typed is lost
    desk.locator("#answer-days").fill("3")
    desk.get_by_role("button", name="Save").click()
    desk.wait_for_url(re.compile(r"saved=1$"))
    both_widths(desk, shot, "50-staff-organisation-intro")

    contact = browser.new_context(java_script_enabled=False, viewport=DESK)
    contact.on("request", requests)
    page = contact.new_page()
    page.goto(server.url + "/?lang=en")
    section = page.locator("section.org-intro")
    assert "Return Desk Kirkuk" in section.inner_text()
    assert "We answer every message ourselves." in section.inner_text()
    assert "We usually answer within 3 days." in section.inner_text()
    both_widths(page, shot, "51-home-org-intro-en")
    page.goto(server.url + "/?lang=ar")
    assert INTRO_AR in page.locator("section.org-intro").inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    both_widths(page, shot, "52-home-org-intro-ar")

    page.locator("form[action='/contact/start'] button[type=submit]").click()
    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("#text").fill("أريد أن أعود إلى عائلتي.")
    page.locator("form.compose button").click()
    page.wait_for_url(re.compile(r"sent=1"))
    status = page.locator("section.case-status").inner_text()
    assert "وصلتنا رسائلك. سيقرؤها أحد المرافقين قريبًا." in status and "نردّ عادةً خلال 3 أيام." in status
    both_widths(page, shot, "53-conversation-status-ar")
    page.goto(server.url + "/contact/conversation?lang=en")
    status = page.locator("section.case-status").inner_text()
    assert "Your messages have reached us. A caseworker will read them soon." in status
    assert "We usually answer within 3 days." in status
    both_widths(page, shot, "54-conversation-status-en")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than a phone
    for context in (contact, console):
        context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
