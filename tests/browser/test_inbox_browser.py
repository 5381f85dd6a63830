"""The caseworker's inbox in a real browser with JavaScript off, at a desktop's 1280 px and a phone's 390 px,
in English and in Arabic: filters are a plain GET form, and on a phone each case is a card with nothing cut.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server, log_in_to_console
from tests.flows import bearer, start_contact

pytestmark = pytest.mark.browser


def _inside(page, width: int) -> None:  # type: ignore[no-untyped-def]
    """Every cell of every case lies within the viewport: no column is cut off or scrolled away."""
    cells = page.locator("table.inbox tbody td, table.inbox tbody th")
    assert cells.count() > 0
    for n in range(cells.count()):
        box = cells.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (n, box)


def test_the_inbox_at_both_widths_in_english_and_arabic(browser, server: Server, shot) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for lang, text in (("ar", "مرحبا، أحتاج إلى مساعدة."), ("fr", "Bonjour, j'ai besoin d'aide."),
                           ("en", "Hello, I need help.")):
            _, token = start_contact(http, first_message=text)
            assert http.get(f"/contact/conversation?lang={lang}", headers=bearer(token)).status_code == 200
    requests = Requests()
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    page = console.new_page()
    log_in_to_console(page, server)

    # the filter form without JavaScript: waiting for me, in Arabic
    page.get_by_label("Waiting for me").check()
    page.get_by_label("Contact's language").select_option("ar")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/staff\?waiting=me&.*language=ar"))
    rows = page.locator("table.inbox tbody tr")  # (other browser tests share this server and add cases)
    assert rows.count() >= 1 and all("العربية" in text for text in rows.all_inner_texts())
    assert "Français" not in page.locator("table.inbox").inner_text()
    assert page.get_by_label("Waiting for me").is_checked()
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/staff$"))
    assert page.locator("table.inbox tbody tr").count() >= 3

    for lang in ("en", "ar"):
        page.goto(server.url + f"/staff?waiting=me&lang={lang}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        if lang == "ar":
            assert "بانتظاري" in page.locator("form.filters").inner_text()
        for label, viewport in (("1280", DESK), ("390", PHONE)):
            page.set_viewport_size(viewport)
            _inside(page, viewport["width"])
            shot(page, f"27-staff-inbox-{lang}-{label}")
        page.set_viewport_size(DESK)
        # on the desktop the header row is visible; on a phone it is hidden and each cell names itself
        page.set_viewport_size(PHONE)
        assert not page.locator("table.inbox thead").is_visible() or \
            page.locator("table.inbox thead").bounding_box()["width"] <= 1  # type: ignore[index]
        page.set_viewport_size(DESK)
        assert page.locator("table.inbox thead th").first.is_visible()
    # the caseworker makes themself responsible from the case page; the inbox then finds it under "Me"
    # (other browser test files share this server and may have given them a case already)
    page.goto(server.url + "/staff?lang=en&assignee=me")
    mine_before = set(page.locator("table.inbox a.label").all_inner_texts())
    page.goto(server.url + "/staff?lang=en&language=fr")
    french = [label for label in page.locator("table.inbox a.label").all_inner_texts() if label not in mine_before]
    assert french, "the French contact's case is in the French filter"
    page.get_by_role("link", name=french[0], exact=True).click()
    page.get_by_label("Responsible").select_option(server.caseworker.username)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/staff/cases/[0-9a-f]+#assignee$"))
    assert page.get_by_label("Responsible").input_value() == server.caseworker.username
    page.set_viewport_size(PHONE)
    shot(page, "28-staff-case-assignee-390")
    page.goto(server.url + "/staff?assignee=me")
    assert set(page.locator("table.inbox a.label").all_inner_texts()) == mine_before | {french[0]}
    assert "Français" in page.locator("table.inbox tbody").inner_text()
    console.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
