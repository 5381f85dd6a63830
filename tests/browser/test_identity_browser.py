"""A contact gives their identity for the return, with JavaScript off, in English and in Arabic; nothing is
fetched from anywhere else."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server
from tests.browser.test_journeys_browser import both_widths

pytestmark = pytest.mark.browser


def test_a_contact_gives_and_withdraws_their_identity(browser, server: Server, shot) -> None:  # type: ignore[no-untyped-def]
    requests = Requests()
    context = browser.new_context(java_script_enabled=False, viewport=DESK)
    context.on("request", requests)
    page = context.new_page()
    page.goto(server.url + "/?lang=en")
    page.locator("form[action='/contact/start'] button[type=submit]").click()
    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("p.identity-link a").click()
    page.wait_for_url(re.compile(r"/contact/identity$"))
    both_widths(page, shot, "94-contact-identity-empty-en")
    page.locator("#id-full_name").fill("Mariam Haddad")
    page.locator("#id-date_of_birth").fill("2001-04-09")
    page.locator("#id-place_of_birth").fill("Roubaix")
    page.locator("#identity-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"saved=1$"))
    assert page.locator("#id-full_name").input_value() == "Mariam Haddad"
    both_widths(page, shot, "95-contact-identity-saved-en")
    page.goto(server.url + "/contact/identity?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "هويتك، من أجل عودتك" in page.locator("h1").inner_text()
    both_widths(page, shot, "96-contact-identity-ar")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESK)
    page.get_by_role("button", name="سحب هويتي").click()
    page.wait_for_url(re.compile(r"withdrawn=1$"))
    assert page.locator("#id-full_name").input_value() == ""
    both_widths(page, shot, "97-contact-identity-withdrawn-ar")
    context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
