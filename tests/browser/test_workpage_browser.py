"""The caseworker's work page in a real browser with JavaScript off: the sections beside the conversation and
a canned reply inserted into the reply, at a phone's 390 px and a desktop's 1280 px, in English and Arabic.

JavaScript is switched on only in a second, throw-away context that measures the page's width (the pages
themselves never need it).
"""

from __future__ import annotations

import re

import pytest

from safeconduct.org.canned_defaults import STARTING_SET
from tests.browser.conftest import DESK, PHONE, Requests, Server, log_in_to_console

pytestmark = pytest.mark.browser
MESSAGE = "أريد أن أغادر. I want to leave, and I need to know what happens next."


def _widest(browser, state, url: str, viewport: dict[str, int]) -> int:  # type: ignore[no-untyped-def]
    """document.documentElement.scrollWidth of `url`, in a JS-enabled context with the console's cookies."""
    context = browser.new_context(java_script_enabled=True, viewport=viewport, storage_state=state)
    try:
        page = context.new_page()
        page.goto(url)
        return int(page.evaluate("document.documentElement.scrollWidth"))
    finally:
        context.close()


def _both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshots at 390 and 1280 px, the window as tall as the page: the sticky conversation column is
    then drawn whole (a stitched full-page capture leaves part of a sticky layer unpainted)."""
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        box = page.locator("body").bounding_box()
        page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], int(box["height"]))})
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESK)


def test_work_page_sections_and_canned_replies_fit_a_phone_in_english_and_arabic(  # type: ignore[no-untyped-def]
        browser, server: Server, shot) -> None:
    requests = Requests()
    contact = browser.new_context(java_script_enabled=False, viewport=PHONE)
    contact.on("request", requests)
    page = contact.new_page()
    page.goto(server.url + "/")
    page.locator("form[action='/contact/start'] button[type=submit]").click()
    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("#text").fill(MESSAGE)
    page.locator("form.compose button").click()
    page.wait_for_url(re.compile(r"sent=1"))

    console = browser.new_context(java_script_enabled=False, viewport=DESK)
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
    # some history and a claim, so that the tables and lists hold something to measure
    desk.goto(case_url + "/work?tab=pathway")
    desk.locator("#to").select_option("vetting")
    desk.locator("#reason").fill("First call done; identity unverified; see the note of the 24th " * 3)
    desk.get_by_role("button", name="Change state").click()
    desk.wait_for_url(re.compile(r"tab=pathway&done=1"))
    desk.goto(case_url + "/work?tab=vetting")
    desk.locator("#claim-text").fill("Served as a cook in the northern unit from 2021 to 2024, then a driver.")
    desk.get_by_role("button", name="Record the claim").click()
    desk.wait_for_url(re.compile(r"tab=vetting&done=1"))

    for lang in ("en", "ar"):
        desk.goto(f"{case_url}?lang={lang}")
        assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        tabs = desk.locator("nav.tabs a")
        assert tabs.count() == 9  # with referrals, relatives and follow-ups (issue 16)
        hrefs = [tabs.nth(i).get_attribute("href") for i in range(9)]
        for i, href in enumerate(hrefs):
            desk.locator(f"nav.tabs a[href='{href}']").click()
            assert desk.locator("nav.tabs a[aria-current=page]").get_attribute("href") == href
            assert MESSAGE in desk.locator("ol.thread").inner_text()  # the conversation stays in view
            if i:
                assert desk.locator("#section-title").inner_text() == tabs.nth(i).inner_text()
            for viewport in (PHONE, DESK):
                width = _widest(browser, console.storage_state(), server.url + href, viewport)
                assert width <= viewport["width"], (lang, href, viewport, width)
            if i in (1, 2, 4):  # vetting, pathway, consent and dossier
                _both_widths(desk, shot, f"70-staff-work-{href.rsplit('=', 1)[-1]}-{lang}")

        # a canned reply, inserted in the other language than the page's, then edited before sending
        desk.locator(f"nav.tabs a[href='{hrefs[1]}']").click()
        desk.locator("#text").fill("")
        target = "ar" if lang == "en" else "fr"
        desk.locator("#canned").select_option(index=0)
        desk.locator("#canned-lang").select_option(target)
        desk.locator("button[formaction$='/replies/insert']").click()
        assert desk.locator("#text").input_value() == STARTING_SET[0][f"text_{target}"]
        assert desk.locator("#section-title").inner_text() == tabs.nth(1).inner_text()  # still on vetting
        _both_widths(desk, shot, f"71-staff-canned-inserted-{lang}")
        desk.locator("#text").fill(desk.locator("#text").input_value() + " — " + server.caseworker.username)
        desk.locator("form#reply button.primary").click()
        desk.wait_for_url(re.compile(r"/work\?tab=vetting#latest$"))
        assert STARTING_SET[0][f"text_{target}"] in desk.locator("ol.thread").inner_text()

    for context in (contact, console):
        context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
