"""The testimony studio in Chromium: a contact's video prepared from the case page, followed to the review with
JavaScript off (the page refreshes itself), reviewed (a false alarm dropped, a missed name added), then
followed live, previewed (the video and its redacted captions load; seeking is served by Range requests) and
approved with JavaScript on. One pipeline run for the module; screenshots 80-84 at 390 and 1280 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.browser.conftest import DESK, PHONE, Caseworker, Requests, Server, log_in_to_console
from tests.browser.test_accounts_browser import add_staff, log_in
from tests.flows import bearer, staff_token, start_contact
from tests.testimony import studio_support as support

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 600_000  # the pipeline on a loaded 2-core machine: generous, never a race


@dataclass
class Sent:
    case_id: str
    file_id: str
    codename: str
    second: Caseworker
    testimony_url: str = ""


@pytest.fixture(scope="module")
def sent(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Sent:
    """A contact sends the short spoken video (through the API, as the contact's app would)."""
    body = support.make_clip(tmp_path_factory.mktemp("studio-clip")).read_bytes()
    second = add_staff(server, "bruno")  # the second pair of eyes for publication, holding the case from the start
    with httpx.Client(base_url=server.url, timeout=60) as client:
        codename, token = start_contact(client)
        r = client.post("/api/v1/contact/files", files={"file": ("interview.mp4", body, "video/mp4")},
                        headers=bearer(token))
        assert r.status_code == 201, r.text
        file_id = r.json()["id"]
        staff = staff_token(client, server.caseworker)
        for case in client.get("/api/v1/staff/cases", headers=bearer(staff)).json():
            files = client.get(f"/api/v1/staff/cases/{case['id']}/messages", headers=bearer(staff)).json()["files"]
            if any(f["id"] == file_id for f in files):
                return Sent(case["id"], file_id, codename, second)
    pytest.fail("the contact's video is in no case of the inbox")


@pytest.fixture(scope="module")
def console_off(browser, server: Server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport=DESK)
    requests = Requests()
    context.on("request", requests)
    page = context.new_page()
    log_in_to_console(page, server)
    yield page
    assert requests.foreign(server) == []
    context.close()


def _both_widths(page, shot, name: str) -> None:  # type: ignore[no-untyped-def]
    for label, viewport in (("390", PHONE), ("1280", DESK)):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth") if _js(page) else viewport["width"]
        assert width <= viewport["width"], f"{name} overflows at {label} px"
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESK)


def _js(page) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(page.evaluate("true"))
    except Exception:  # noqa: BLE001 (a context without JavaScript refuses to evaluate)
        return False


def test_prepare_and_review_with_javascript_off(console_off, server: Server, sent: Sent,  # type: ignore[no-untyped-def]
                                                shot) -> None:
    page = console_off
    page.goto(f"{server.url}/staff/cases/{sent.case_id}/work?tab=files")
    form = page.locator("form#prepare")
    assert form.locator("#file_id option").first.inner_text().startswith("interview.mp4")
    assert "best privacy we measured" in form.locator("#voice_method option:checked").inner_text()
    _both_widths(page, shot, "80-studio-prepare")
    form.get_by_role("button", name="Prepare a testimony").click()
    page.wait_for_url(re.compile(r"/testimonies/\w+\?queued=1$"))
    sent.testimony_url = page.url.split("?")[0]
    assert page.locator('noscript').count() >= 1 and 'http-equiv="refresh"' in page.content()
    _both_widths(page, shot, "81-studio-progress")
    # the page refreshes itself every five seconds until detection is done
    page.wait_for_selector("#review", timeout=WAIT_MS)
    assert page.locator("#studio-state").get_attribute("data-state") == "review"
    rows = page.locator("table.findings tbody tr")
    texts = rows.locator("td:nth-child(3)").all_inner_texts()
    assert support.FALSE_ALARM in texts and any(support.NAME in t for t in texts)
    _both_widths(page, shot, "82-studio-review")
    page.goto(sent.testimony_url + "?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _both_widths(page, shot, "82a-studio-review-ar")
    page.goto(sent.testimony_url + "?lang=en")
    page.get_by_label(f"Hide “{support.FALSE_ALARM}”", exact=True).uncheck()
    page.locator("#add-kind-0").select_option("PERSON")
    page.locator("#add-text-0").fill(support.MISSED)
    page.get_by_role("button", name="Apply the review and finish").click()
    page.wait_for_url(sent.testimony_url)
    assert page.locator("#studio-state").get_attribute("data-state") in ("queued", "running", "done")


def test_follow_live_preview_and_approve_with_javascript_on(browser, server: Server, sent: Sent,  # type: ignore[no-untyped-def]
                                                            shot) -> None:
    assert sent.testimony_url, "the review did not happen"
    context = browser.new_context(java_script_enabled=True, viewport=DESK)
    requests, media, problems = Requests(), [], []
    context.on("request", requests)
    context.on("response", lambda r: media.append((r.url, r.status, r.request.headers.get("range")))
               if "/outputs/" in r.url else None)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        log_in_to_console(page, server)
        page.goto(sent.testimony_url)
        if page.locator("#studio-state").get_attribute("data-state") in ("queued", "running"):
            assert page.locator("#studio-refresh").is_hidden()  # the script took over from the refresh
        # the script polls the JSON view, moves the bars and reloads once the job is done
        page.wait_for_selector("#preview", timeout=WAIT_MS)
        video = page.locator("video#player")
        # polled from here: wait_for_function would evaluate a string, which the page's CSP forbids
        support.wait_for(lambda: page.evaluate("document.getElementById('player').readyState >= 1"), timeout=60)
        support.wait_for(lambda: page.evaluate("(() => { const t = document.querySelector('#player track');"
                                               " return t.readyState === 2 && t.track.cues.length > 0; })()"),
                         timeout=60)
        cues = page.evaluate("Array.from(document.querySelector('#player track').track.cues).map(c => c.text)")
        assert cues and not any(support.NAME in c or support.MISSED in c for c in cues)
        assert any(support.FALSE_ALARM in c for c in cues)
        duration = float(page.evaluate("document.getElementById('player').duration"))
        video.evaluate("(v, t) => new Promise(done => { v.addEventListener('seeked', () => done(), {once: true});"
                       " v.currentTime = t; })", duration / 2)
        assert abs(float(page.evaluate("document.getElementById('player').currentTime")) - duration / 2) < 1
        ranged = [(url, status) for url, status, range_ in media if url.endswith("/testimony.mp4") and range_]
        assert ranged and all(status == 206 for _, status in ranged), media
        transcript = page.locator("#transcript").inner_text()
        assert support.NAME not in transcript and support.MISSED not in transcript
        assert "Measured re-identification risk" in page.locator("#report").inner_text() or \
               "could not be measured" in page.locator("#report").inner_text()
        _both_widths(page, shot, "83-studio-preview")
        page.get_by_role("button", name="Approve the testimony").click()
        page.wait_for_url(re.compile(r"\?approved=1$"))
        assert page.locator("#approved").is_visible()
        _both_widths(page, shot, "84-studio-approved")
        assert requests.foreign(server) == []
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()




def test_publish_it_to_the_archive_and_read_it_with_javascript_off(browser, server: Server, sent: Sent,  # type: ignore[no-untyped-def]
                                                                   shot) -> None:
    """Issue 15: proposed by the first caseworker, agreed by the person on their page, checked and published by
    the second; then read in the served archive (two clicks to a theme in a language, then the short ones)."""
    assert sent.testimony_url, "the testimony was not approved"
    requests = Requests()
    console = browser.new_context(java_script_enabled=False, viewport=DESK)
    console.on("request", requests)
    page = console.new_page()
    log_in_to_console(page, server)
    page.goto(sent.testimony_url + "?lang=en")
    section = page.locator("#publication")
    section.get_by_label("Corruption").check()
    section.get_by_label("The way out").check()
    section.get_by_role("button", name="Propose for publication").click()
    page.wait_for_url(re.compile(r"#publication$"))
    assert "waiting for the person's answer" in page.locator("#publication").inner_text()
    console.close()

    contact = browser.new_context(java_script_enabled=False, viewport=PHONE)
    contact.on("request", requests)
    person = contact.new_page()
    person.goto(server.url + "/contact/login?lang=en")
    person.locator("#codename").fill(sent.codename)
    person.locator("form[action='/contact/login'] button[type=submit]").click()
    person.wait_for_url(re.compile(r"/contact/conversation$"))
    person.locator("p.publication-link a").click()
    person.wait_for_url(re.compile(r"/contact/publications$"))
    transcript = person.locator(".publication .transcript").inner_text()
    assert support.NAME not in transcript and "[PERSON" in transcript
    assert person.locator(".publication video").count() == 1
    _both_widths(person, shot, "110-contact-publication")
    person.goto(server.url + "/contact/publications?lang=ar")
    assert person.locator("html").get_attribute("dir") == "rtl"
    shot(person, "111-contact-publication-ar-390")
    person.goto(server.url + "/contact/publications?lang=en")
    person.get_by_role("button", name="Yes, it may be published").click()
    person.wait_for_url(re.compile(r"saved=1"))
    assert "agreed by the person" in person.locator(".publication").inner_text()
    contact.close()

    second = browser.new_context(java_script_enabled=False, viewport=DESK)
    second.on("request", requests)
    desk = second.new_page()
    log_in(desk, server, sent.second)
    desk.goto(sent.testimony_url + "?lang=en")
    desk.get_by_role("button", name="Check and publish").click()
    # the checks answer in the POST itself: a refusal (409) stays on the action's URL and is reported at once
    desk.wait_for_url(re.compile(r"#publication$|/staff/publications/\w+/"), timeout=120_000)
    assert desk.url.endswith("#publication"), desk.locator("body").inner_text()[:2000]
    text = desk.locator("#publication").inner_text()
    assert "published" in text and "✗" not in text and text.count("✓") == 5, text
    _both_widths(desk, shot, "112-staff-publication-checked")
    entry_url = desk.locator("#publication a", has_text="Open in the archive").get_attribute("href")
    assert entry_url
    second.close()

    reader = browser.new_context(java_script_enabled=False, viewport=PHONE)  # no session, no cookie
    reader.on("request", requests)
    visit = reader.new_page()
    visit.goto(server.url + "/archive/")
    visit.get_by_role("link", name="Français").click()
    visit.wait_for_url(re.compile(r"/archive/fr/index.html$"))
    _both_widths(visit, shot, "113-archive-index-fr")
    visit.locator("p.themes").get_by_role("link", name="Corruption").click()  # one
    filters = visit.locator("p.filters")
    filters.get_by_role("link", name="English").click()  # two: the language it is spoken in
    visit.wait_for_url(re.compile(r"theme-corruption-language-en.html$"))
    visit.locator("p.filters").get_by_role("link", name="Moins de 5 minutes").click()  # and only the short ones
    visit.wait_for_url(re.compile(r"theme-corruption-language-en-short.html$"))
    visit.locator("ul.entries li a").first.click()
    visit.wait_for_url(re.compile(r"/t-[0-9a-f]+.html$"))
    assert visit.locator("video track[kind=captions]").count() == 1
    assert support.NAME not in visit.locator(".transcript").inner_text()
    _both_widths(visit, shot, "114-archive-testimony-fr")
    visit.goto(server.url + "/archive/ar/index.html")
    assert visit.locator("html").get_attribute("dir") == "rtl"
    _both_widths(visit, shot, "115-archive-index-ar")
    cookies = reader.cookies()
    reader.close()
    assert cookies == []  # the archive sets no cookie: nothing ties a reader to the contact channel
    assert requests.urls and not requests.foreign(server), requests.foreign(server)
