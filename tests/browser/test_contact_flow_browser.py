"""The contact and caseworker flows in a real browser with JavaScript off, as over Tor Browser "Safest".

One contact writes in English, another in Arabic (right to left); a caseworker reads both in the console,
downloads the file and replies; the contact comes back with the codename and reads the reply. No page may
ask for anything from any host but this server.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESK, PHONE, Requests, Server

pytestmark = pytest.mark.browser

ATTACHMENT = b"%PDF-1.4\n% a small scan of a document\n" + bytes(range(256)) * 8


def contact_context(browser, requests: Requests):  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="en-GB")
    context.on("request", requests)
    return context


def leave(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form.leave button").click()
    page.wait_for_url(re.compile(r"/\?left=1$"))


def log_in_with(page, codename: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#codename").fill(codename)
    page.locator("form[action='/contact/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))


def test_contact_and_caseworker_in_a_browser_without_javascript(browser, server: Server, shot) -> None:  # type: ignore[no-untyped-def]
    requests = Requests()

    # --- A contact, in English, on a phone ---------------------------------------------------------
    contact = contact_context(browser, requests)
    page = contact.new_page()
    page.goto(server.url + "/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text() == "Talk to us safely"
    shot(page, "01-home-en")

    page.get_by_role("button", name="Start a conversation").click()
    words = page.locator("ol.codename li").all_inner_texts()
    assert len(words) == 7 and all(re.fullmatch(r"[a-z]+(-[a-z]+)?", w) for w in words), words
    codename = " ".join(words)
    assert "Keep it safe" in page.content()
    assert not page.locator("nav.langs").count(), "no link may lead away from the codename shown once"
    shot(page, "02-codename-en")

    page.get_by_role("link", name="I have kept it: write a message").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    shot(page, "03-conversation-empty-en")
    first = "I want to leave. My brother is with me. Can you help us?"
    page.get_by_label("Your message").fill(first)
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(re.compile(r"/contact/conversation\?sent=1"))
    assert page.locator(".notice.ok").inner_text() == "Your message was sent."
    assert page.locator("ol.thread li.mine .text").inner_text() == first

    page.locator("#file").set_input_files(
        {"name": "identity card.pdf", "mimeType": "application/pdf", "buffer": ATTACHMENT})
    page.get_by_role("button", name="Send file").click()
    page.wait_for_url(re.compile(r"/contact/conversation\?uploaded=1"))
    assert "Your file was sent." in page.locator(".notice.ok").inner_text()
    assert "identity card.pdf" in page.locator("ul.files").inner_text()
    shot(page, "04-conversation-en")

    leave(page)
    assert "You have left the conversation" in page.locator(".notice").inner_text()
    page.goto(server.url + "/contact/conversation")  # the session is over: back to the log-in page
    page.wait_for_url(re.compile(r"/contact/login\?ended=1$"))
    shot(page, "05-session-ended-en")
    page.goto(server.url + "/")
    page.get_by_role("link", name="I have a codename").click()
    page.locator("#codename").fill("wrong " * 7)
    page.locator("form[action='/contact/login'] button[type=submit]").click()
    assert "does not open any conversation" in page.locator(".notice.error").inner_text()
    log_in_with(page, "  " + codename.upper().replace(" ", "  ") + " ")  # as people retype it
    assert page.locator("ol.thread li.mine .text").inner_text() == first

    # --- A visitor whose browser prefers French; a form sent after the cookies were wiped -----------
    french = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="fr-FR")
    french.on("request", requests)
    page_fr = french.new_page()
    page_fr.goto(server.url + "/")
    assert page_fr.locator("html").get_attribute("lang") == "fr"
    assert page_fr.locator("h1").inner_text() == "Parlez-nous en toute sécurité"
    shot(page_fr, "06-home-fr")
    french.clear_cookies()  # as a phone's browser may do between two visits
    page_fr.get_by_role("button", name="Commencer une conversation").click()
    assert "Ce formulaire a expiré" in page_fr.locator(".notice.error").inner_text()
    shot(page_fr, "07-form-expired-fr")
    french.close()

    # --- Another contact, in Arabic ----------------------------------------------------------------
    arabic = contact_context(browser, requests)
    page_ar = arabic.new_page()
    page_ar.goto(server.url + "/")
    page_ar.get_by_role("link", name="العربية").click()
    page_ar.wait_for_url(re.compile(r"\?lang=ar$"))
    html = page_ar.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page_ar.locator("h1").inner_text() == "تحدّث إلينا بأمان"
    shot(page_ar, "08-home-ar")
    page_ar.locator("form[action='/contact/start'] button").click()
    assert page_ar.locator("html").get_attribute("dir") == "rtl"
    assert page_ar.locator("ol.codename").get_attribute("dir") == "ltr"
    codename_ar = " ".join(page_ar.locator("ol.codename li").all_inner_texts())
    shot(page_ar, "09-codename-ar")
    page_ar.locator("a.button.primary").click()
    page_ar.wait_for_url(re.compile(r"/contact/conversation$"))
    message_ar = "أريد أن أترك الجماعة وأعود إلى أهلي. هل يمكنكم مساعدتي؟"
    page_ar.locator("#text").fill(message_ar)
    page_ar.locator("form.compose button").click()
    page_ar.wait_for_url(re.compile(r"sent=1"))
    assert page_ar.locator(".notice.ok").inner_text() == "أُرسلت رسالتك."
    shot(page_ar, "10-conversation-ar")
    leave(page_ar)
    page_ar.goto(server.url + "/contact/login")
    page_ar.locator("#codename").fill("wrong " * 7)
    page_ar.locator("form[action='/contact/login'] button[type=submit]").click()
    error_ar = page_ar.locator(".notice.error").inner_text()
    # A failed log-in is the answer to a POST: its language links lead to the log-in page, not to a 405.
    assert page_ar.locator("nav.langs a[hreflang=en]").get_attribute("href") == "/contact/login?lang=en"
    assert "الاسم الرمزي" in error_ar, error_ar  # the service's refusal, translated
    shot(page_ar, "11-login-error-ar")
    log_in_with(page_ar, codename_ar)
    assert page_ar.locator("ol.thread li.mine .text").inner_text() == message_ar
    page_ar.locator("nav.langs a[hreflang=fr]").click()
    assert page_ar.locator("h1").inner_text() == "Votre conversation"

    # --- The caseworker, in the console ------------------------------------------------------------
    console = browser.new_context(java_script_enabled=False, viewport=DESK, accept_downloads=True)
    console.on("request", requests)
    desk = console.new_page()
    desk.goto(server.url + "/staff")
    desk.wait_for_url(re.compile(r"/staff/login\?ended=1$"))
    worker = server.caseworker
    desk.get_by_label("Username").fill(worker.username)
    desk.get_by_label("Password").fill(worker.password)
    desk.get_by_label("Six-digit code from your authenticator app").fill(worker.code())
    shot(desk, "12-staff-login")
    desk.get_by_role("button", name="Log in").click()
    desk.wait_for_url(re.compile(r"/staff$"))
    # Other browser test files share this server (pytest-xdist runs them in any order) and may have left cases
    # this caseworker sees: the two conversations just started are among the unread ones, found by reading.
    labels = desk.locator("table.cases a.label").all_inner_texts()
    assert len(labels) >= 2, labels
    for label in labels:
        assert label.lower() not in codename and label.lower() not in codename_ar
        assert not any(w in label.lower() for w in words)
    assert desk.locator("tr.unread").count() >= 2
    shot(desk, "13-staff-inbox")

    for label in labels:  # find the English contact's case by reading it, as a caseworker would
        desk.get_by_role("link", name=label, exact=True).click()
        if first in desk.locator("ol.thread").inner_text():
            break
        desk.go_back()
    else:
        pytest.fail("the English conversation is in no case of the inbox")
    assert desk.locator("h1 .label").inner_text() == label
    assert codename not in desk.content()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="identity card.pdf").click()
    assert download.value.suggested_filename == "identity card.pdf"
    assert open(download.value.path(), "rb").read() == ATTACHMENT

    reply = "Yes, we can help you both. Tell us which town you are near, if you can."
    desk.get_by_label("Reply").fill(reply)
    desk.get_by_role("button", name="Send reply").click()
    desk.wait_for_url(re.compile(r"/staff/cases/[0-9a-f]+#latest$"))
    assert desk.locator("ol.thread li.mine .text").inner_text() == reply
    shot(desk, "14-staff-case")

    # --- The contact comes back and reads the reply ------------------------------------------------
    leave(page)
    page.get_by_role("link", name="I have a codename").click()
    shot(page, "15-login-en")
    log_in_with(page, codename)
    assert page.locator("ol.thread li.theirs .text").inner_text() == reply
    assert page.locator("ol.thread li.theirs .who").inner_text().startswith("Caseworker")
    assert worker.username not in page.content(), "the contact never learns the caseworker's name"
    shot(page, "16-conversation-reply-en")

    for context in (contact, arabic, console):  # (the French one is closed above)
        context.close()
    assert requests.urls and not requests.foreign(server), requests.foreign(server)

    # The server's log names paths and statuses, never a codename, a message or a browser.
    log = server.log.read_text(errors="replace")
    assert "GET /contact/conversation 200" in log
    for secret in (codename, codename_ar, first, message_ar, reply, "Chrome", "Mozilla"):
        assert secret not in log
