"""Issue 11's journeys in a real browser with JavaScript off: an Arabic contact's digit codename, the consent
page reached from the conversation, and the caseworker's request for consent seen on the next visit.
"""

from __future__ import annotations

import re

import pytest

from safeconduct.crypto.codename import ARABIC_INDIC
from tests.browser.conftest import DESK, PHONE, Requests, Server, log_in_to_console

pytestmark = pytest.mark.browser


def both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    """The same page at a phone's 390 px and a desktop's 1280 px."""
    size = page.viewport_size
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(size)


def test_consent_is_reached_from_the_conversation_and_asked_for_from_the_console(  # type: ignore[no-untyped-def]
        browser, server: Server, shot, tmp_path) -> None:
    from tests.journeys.test_file_cleaning import _tools, tagged_photo

    _tools()
    photo = tagged_photo(tmp_path)
    requests = Requests()
    contact = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ar")
    contact.on("request", requests)
    page = contact.new_page()
    page.goto(server.url + "/?lang=ar")
    assert page.locator("input[name=codename_style][value=digits-ar]").is_checked()
    both_widths(page, shot, "20a-home-codename-choice-ar")
    page.locator("form[action='/contact/start'] button[type=submit]").click()
    groups = page.locator("ol.codename li").all_inner_texts()
    assert len(groups) == 7 and all(len(g) == 4 and set(g) <= set(ARABIC_INDIC) for g in groups), groups
    both_widths(page, shot, "20-codename-digits-ar")

    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    message = "أريد أن أعرف ما الذي سيُعرض على القاضي."
    page.locator("#text").fill(message)
    page.locator("form.compose button").click()
    page.wait_for_url(re.compile(r"sent=1"))
    page.locator("#file").set_input_files({"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo})
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url(re.compile(r"uploaded=1"))
    link = page.locator("p.consent-link a")
    assert link.inner_text() == "اختر ما يمكن أن يظهر في ملف الإثبات الخاص بك"
    assert page.locator("#consent-request").count() == 0
    both_widths(page, shot, "21-conversation-consent-link-ar")
    link.click()
    page.wait_for_url(re.compile(r"/contact/consent$"))
    assert message in page.locator("ul.consent").inner_text()
    page.goto(server.url + "/contact/conversation")
    page.locator("form.leave button").click()
    page.wait_for_url(re.compile(r"/\?left=1$"))

    # --- The caseworker asks for consent from the case's work page ----------------------------------
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    desk = console.new_page()
    log_in_to_console(desk, server)
    for label in desk.locator("table.cases a.label").all_inner_texts():
        desk.get_by_role("link", name=label, exact=True).click()
        if message in desk.locator("ol.thread").inner_text():
            break
        desk.go_back()
    else:
        pytest.fail("the Arabic conversation is in no case of the inbox")
    note = desk.locator("p.cleaning.ok").inner_text()
    assert "Removed: GPS position, camera model, author" in note, note
    shot(desk, "25-staff-case-cleaned-file-1280")
    desk.get_by_role("link", name="Original as received…").click()
    assert "recorded in the audit log" in desk.content()
    shot(desk, "26-staff-original-confirm-1280")
    desk.go_back()
    desk.get_by_role("link", name="Consent and dossier").click()
    assert "The person has not agreed to show anything yet." in desk.locator("#consent-state").inner_text()
    desk.get_by_role("button", name="Ask the person for consent").click()
    desk.wait_for_url(re.compile(r"/work\?tab=dossier&done=1#section$"))
    assert "the person has not answered yet" in desk.content()
    both_widths(desk, shot, "22-staff-consent-requested")

    # --- The contact comes back (typing the codename in Latin digits) and sees the request in Arabic --
    page.goto(server.url + "/contact/login")
    page.locator("#codename").fill("".join(groups).translate(str.maketrans(ARABIC_INDIC, "0123456789")))
    page.locator("form[action='/contact/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    notice = page.locator("#consent-request")
    assert "يطلب منك المسؤول عن ملفك" in notice.inner_text()
    both_widths(page, shot, "23-conversation-consent-requested-ar")
    notice.locator("a").click()
    page.wait_for_url(re.compile(r"/contact/consent$"))
    page.locator("input[name=all]").check()
    both_widths(page, shot, "24-consent-ar")
    page.locator("form[action='/contact/consent'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"saved=1$"))
    page.goto(server.url + "/contact/conversation")
    assert page.locator("#consent-request").count() == 0  # answered: the notice is gone

    desk.reload()
    assert "The person agreed to show everything." in desk.locator("#consent-state").inner_text()
    for context in (contact, console):
        context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
