"""Rights information, as a contact reads it with JavaScript off: from the home page to the French page in
Arabic (right to left) and in French, then from the conversation; nothing is fetched from anywhere else."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server
from tests.browser.test_journeys_browser import both_widths

pytestmark = pytest.mark.browser


def test_a_contact_reads_the_french_rights_page_in_arabic_before_and_after_writing(  # type: ignore[no-untyped-def]
        browser, server: Server, shot) -> None:
    requests = Requests()
    context = browser.new_context(java_script_enabled=False, viewport=DESK)
    context.on("request", requests)
    page = context.new_page()
    page.goto(server.url + "/?lang=ar")
    page.locator("p.rights-link a").click()
    page.wait_for_url(re.compile(r"/rights/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "العودة إلى فرنسا" in page.locator("ul.rights-list").inner_text()
    both_widths(page, shot, "90-rights-index-ar")
    page.get_by_role("link", name="العودة إلى فرنسا").click()
    page.wait_for_url(re.compile(r"/rights/fr$"))
    article = page.locator("article.rights")
    assert article.get_attribute("dir") == "rtl"
    assert "تكوين عصابة أشرار بهدف عمل إرهابي" in article.inner_text()
    assert "وليست استشارة قانونية" in article.inner_text()
    both_widths(page, shot, "91-rights-france-ar")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESK)

    page.goto(server.url + "/rights/be?lang=fr")
    assert "participation aux activités d'un groupe terroriste" in page.locator("article.rights").inner_text()
    both_widths(page, shot, "92-rights-belgium-fr")

    # after writing: the conversation page links to the same pages
    page.goto(server.url + "/?lang=en")
    page.locator("form[action='/contact/start'] button[type=submit]").click()
    page.locator("a.button.primary").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("p.rights-link a").click()
    page.wait_for_url(re.compile(r"/rights/$"))
    page.get_by_role("link", name="Coming back to France").click()
    article = page.locator("article.rights").inner_text()
    assert "criminal association in connection with a terrorist undertaking" in article
    both_widths(page, shot, "93-rights-france-en")
    context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
