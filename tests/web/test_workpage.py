"""The caseworker's work page: sections beside the conversation, forms that redirect, canned replies and the
re-authenticated dossier export (all over HTTP, as a browser without JavaScript uses them)."""

from __future__ import annotations

import html
import io
import re
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from safeconduct.cases.casework_models import AuditRecord
from safeconduct.cases.models import Case, Message
from safeconduct.ledger.models import LedgerEntry
from safeconduct.org.canned_defaults import STARTING_SET
from safeconduct.org.canned_models import CannedReply
from safeconduct.web.console.workspace import TABS
from tests.conftest import Installation, client_for
from tests.flows import bearer, csrf_of, staff_page_login, start_contact

FIRST_WORDS = "I want to leave the group"


def _case(inst: Installation, client: TestClient) -> tuple[str, str]:
    """A conversation with its first message; returns the case id and the contact's token."""
    _, token = start_contact(client, first_message=FIRST_WORDS)
    with inst.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    assert case_id
    return case_id, token


def _count(inst: Installation, model: type) -> int:
    with inst.runtime.db() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def _textarea(page: str, name: str = "text") -> str:
    found = re.search(rf'<textarea id="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1))


def test_the_work_page_is_one_page_of_sections_beside_the_conversation(sqlite_installation: Installation,
                                                                      sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    case_id, _ = _case(sqlite_installation, sqlite_client)
    staff_page_login(sqlite_client, login)
    page = sqlite_client.get(f"/staff/cases/{case_id}").text
    nav = re.search(r'<nav class="tabs".*?</nav>', page, re.S).group(0)  # type: ignore[union-attr]
    links = re.findall(r'href="([^"]+)"', nav)
    assert links == [f"/staff/cases/{case_id}"] + [f"/staff/cases/{case_id}/work?tab={t}" for t in TABS[1:]]
    assert 'aria-current="page">Conversation' in nav
    for tab, heading, form in [("vetting", "Vetting", "/work/vetting/claims"),
                               ("pathway", "Pathway", "/work/transition"), ("notes", "Notes", "/work/notes"),
                               ("dossier", "Consent and dossier", "/work/dossier"),
                               ("files", "Files", "No files yet.")]:
        r = sqlite_client.get(f"/staff/cases/{case_id}/work?tab={tab}")
        assert r.status_code == 200, r.text
        assert f'<h2 id="section-title">{heading}</h2>' in r.text and form in r.text
        assert FIRST_WORDS in r.text and 'action="/staff/cases/' + case_id + '/replies"' in r.text  # conversation
        assert f'href="/staff/cases/{case_id}/work?tab={tab}" aria-current="page"' in r.text
    # the work page opens on the pathway; an unknown tab falls back to it
    for url in (f"/staff/cases/{case_id}/work", f"/staff/cases/{case_id}/work?tab=nonsense"):
        assert '<h2 id="section-title">Pathway</h2>' in sqlite_client.get(url).text


def test_the_pathway_shows_where_the_case_stands(sqlite_installation: Installation,
                                                 sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    case_id, _ = _case(sqlite_installation, sqlite_client)
    csrf = staff_page_login(sqlite_client, login)
    pathway = f"/staff/cases/{case_id}/work?tab=pathway"
    steps = re.findall(r'<li class="step (\w+)"', sqlite_client.get(pathway).text)
    assert steps == ["current"] + ["next"] * 7
    r = sqlite_client.post(f"/staff/cases/{case_id}/work/transition", data={"csrf_token": csrf, "to": "vetting"})
    assert r.status_code == 303 and r.headers["location"] == f"{pathway}&done=1#section"
    page = sqlite_client.get(pathway).text
    assert re.findall(r'<li class="step (\w+)"', page) == ["done", "current"] + ["next"] * 6
    assert re.search(r'<li class="step current" aria-current="step">Vetting', page)


def test_every_form_of_the_work_page_redirects_and_a_refusal_keeps_what_was_typed(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    sqlite_installation.add_staff("bilal", intake=False)
    case_id, _ = _case(sqlite_installation, sqlite_client)
    csrf = staff_page_login(sqlite_client, login)
    work = f"/staff/cases/{case_id}/work"
    for path, data, tab in [
        ("/transition", {"to": "vetting", "reason": ""}, "pathway"),
        ("/vetting/claims", {"topic": "role", "text": "Cook", "status": "unverified"}, "vetting"),
        ("/vetting/risk", {"flags": "minor", "note": ""}, "vetting"),
        ("/notes", {"text": "Call back Tuesday"}, "notes"),
        ("/share", {"username": "bilal"}, "pathway"),
        ("/consent-request", {}, "dossier"),
    ]:
        r = sqlite_client.post(work + path, data={"csrf_token": csrf, **data})
        assert r.status_code == 303, (path, r.text)
        assert r.headers["location"] == f"{work}?tab={tab}&done=1#section", path
    r = sqlite_client.post(f"/staff/cases/{case_id}/replies",
                           data={"csrf_token": csrf, "text": "We read you", "tab": "vetting"})
    assert r.status_code == 303 and r.headers["location"] == f"{work}?tab=vetting#latest"
    # a refused reply (too long) comes back on the same section with the words kept, nothing sent
    messages = _count(sqlite_installation, Message)
    long = "x" * 20_001
    r = sqlite_client.post(f"/staff/cases/{case_id}/replies", data={"csrf_token": csrf, "text": long, "tab": "notes"})
    assert r.status_code in (413, 422), r.text
    assert '<h2 id="section-title">Notes</h2>' in r.text and _textarea(r.text) == long
    assert _count(sqlite_installation, Message) == messages
    # a refused note is shown in its section
    r = sqlite_client.post(f"{work}/notes", data={"csrf_token": csrf, "text": ""})
    assert r.status_code == 422 and 'role="alert"' in r.text and '<h2 id="section-title">Notes</h2>' in r.text


def test_canned_replies_are_edited_by_administrators(installation: Installation, client: TestClient) -> None:
    admin = installation.add_staff("root", role="admin", intake=False)
    staff_page_login(client, admin)
    page = client.get("/staff/admin/replies").text
    csrf = csrf_of(page)
    for reply in STARTING_SET:  # the starting set, in three languages
        for key in ("title_en", "text_fr", "text_ar"):
            assert reply[key] in html.unescape(page), key
    assert 'lang="ar" dir="rtl"' in page and "only an example" in page
    before = _count(installation, CannedReply)

    r = client.post("/staff/admin/replies", data={"csrf_token": csrf, "title_en": "Office hours",
                                                  "text_en": "We answer on weekdays.", "title_fr": "Horaires",
                                                  "text_fr": "Nous répondons en semaine."})
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/admin/replies?saved=1#reply-")
    new_id = int(r.headers["location"].rsplit("-", 1)[1])
    assert _count(installation, CannedReply) == before + 1
    assert "Nous répondons en semaine." in client.get("/staff/admin/replies").text

    # a reply without any text is refused, with what was typed kept and nothing added
    r = client.post("/staff/admin/replies", data={"csrf_token": csrf, "title_en": "Only a title"})
    assert r.status_code == 422 and "needs a title and a text" in r.text
    assert 'value="Only a title"' in r.text and _count(installation, CannedReply) == before + 1

    r = client.post(f"/staff/admin/replies/{new_id}", data={"csrf_token": csrf, "action": "save",
                                                            "title_en": "Office hours", "text_en": "Weekdays only.",
                                                            "title_ar": "ساعات العمل", "text_ar": "نرد في أيام العمل."})
    assert r.status_code == 303, r.text
    with installation.runtime.db() as db:
        row = db.get(CannedReply, new_id)
        assert row is not None
        assert (row.text_en, row.text_fr, row.text_ar) == ("Weekdays only.", "", "نرد في أيام العمل.")
    r = client.post(f"/staff/admin/replies/{new_id}", data={"csrf_token": csrf, "action": "remove"})
    assert r.status_code == 303 and _count(installation, CannedReply) == before
    r = client.post(f"/staff/admin/replies/{new_id}", data={"csrf_token": csrf, "action": "remove"})
    assert r.status_code == 404
    r = client.post("/staff/admin/replies", data={"title_en": "x", "text_en": "y"})
    assert r.status_code == 403 and _count(installation, CannedReply) == before  # no CSRF token

    # an installation upgraded to migration 0012 has none: the administrator adds the examples in one click
    with installation.runtime.db() as db:
        db.query(CannedReply).delete()
        db.commit()
    page = client.get("/staff/admin/replies").text
    assert "No canned replies yet." in page and 'action="/staff/admin/replies/starting-set"' in page
    r = client.post("/staff/admin/replies/starting-set", data={"csrf_token": csrf})
    assert r.status_code == 303 and _count(installation, CannedReply) == len(STARTING_SET)

    with client_for(installation) as other:  # a caseworker reads them in the reply form but cannot edit them
        staff_page_login(other, installation.add_staff("anna"))
        assert other.get("/staff/admin/replies").status_code == 403


def test_a_canned_reply_is_inserted_in_the_chosen_language_and_sent_only_after_editing(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    case_id, token = _case(sqlite_installation, sqlite_client)
    csrf = staff_page_login(sqlite_client, login)
    with sqlite_installation.runtime.db() as db:
        first = db.scalars(select(CannedReply).order_by(CannedReply.position)).first()
        assert first is not None
        texts = {"en": first.text_en, "fr": first.text_fr, "ar": first.text_ar}
    page = sqlite_client.get(f"/staff/cases/{case_id}").text
    assert f'<option value="{first.id}">Acknowledgement</option>' in page
    assert 'formaction="/staff/cases/' + case_id + '/replies/insert"' in page
    messages = _count(sqlite_installation, Message)
    insert = f"/staff/cases/{case_id}/replies/insert"
    for lang in ("en", "fr", "ar"):
        r = sqlite_client.post(insert, data={"csrf_token": csrf, "canned": str(first.id), "canned_lang": lang,
                                             "text": "Hello,", "tab": "vetting"})
        assert r.status_code == 200, r.text
        assert _textarea(r.text) == f"Hello,\n\n{texts[lang]}"
        assert '<h2 id="section-title">Vetting</h2>' in r.text  # the section stays open
        assert f'<option value="{lang}" lang="{lang}" selected>' in r.text
    # no language chosen: the page's language (here the browser's French)
    r = sqlite_client.post(insert, data={"csrf_token": csrf, "canned": str(first.id), "text": ""},
                           headers={"Accept-Language": "fr"})
    assert _textarea(r.text) == texts["fr"]
    assert _count(sqlite_installation, Message) == messages  # inserting sends nothing
    # a reply that no longer exists: a clear refusal, the draft kept
    r = sqlite_client.post(insert, data={"csrf_token": csrf, "canned": "999999", "text": "my words"})
    assert r.status_code == 404 and "No such canned reply" in r.text and _textarea(r.text) == "my words"
    # the caseworker edits, then sends
    edited = texts["ar"] + " (تعديل)"
    r = sqlite_client.post(f"/staff/cases/{case_id}/replies", data={"csrf_token": csrf, "text": edited})
    assert r.status_code == 303
    seen = sqlite_client.get("/api/v1/contact/messages", headers=bearer(token)).json()
    assert any(m["text"] == edited for m in (seen["messages"] if isinstance(seen, dict) else seen))


def test_the_web_export_asks_again_for_password_and_a_fresh_code(sqlite_installation: Installation,
                                                                 sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("anna")
    case_id, token = _case(sqlite_installation, sqlite_client)
    assert sqlite_client.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token)).status_code == 200
    csrf = csrf_of(sqlite_client.get("/staff/login").text)
    login_code = login.code()  # spent by the log-in: never good for an export
    r = sqlite_client.post("/staff/login", data={"csrf_token": csrf, "username": login.username,
                                                 "password": login.password, "totp": login_code})
    assert r.status_code == 303
    page = sqlite_client.get(f"/staff/cases/{case_id}/work?tab=dossier").text
    item_id = re.search(r'name="section:([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert f'<code dir="ltr">{item_id}</code>' in page and 'name="password"' in page and 'name="totp"' in page

    def state() -> tuple[int, int, bool]:
        with sqlite_installation.runtime.db() as db:
            exports = db.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "export"))
            entries = db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id))
        exported = "can no longer change" in sqlite_client.get(f"/staff/cases/{case_id}/work?tab=dossier").text
        return exports or 0, entries or 0, exported

    url = f"/staff/cases/{case_id}/work/dossier"
    chosen = {f"section:{item_id}": "planning", "workflow": "1"}
    for creds in ({}, {"password": "not my password", "totp": login.next_code()},
                  {"password": login.password, "totp": login_code}):
        before = state()
        r = sqlite_client.post(url, data={"csrf_token": csrf, **chosen, **creds})
        assert r.status_code == 401, r.text
        assert "new six-digit code" in r.text and "Nothing was exported." in r.text
        assert r.headers["content-type"].startswith("text/html")
        assert 'value="planning" selected' in r.text and 'name="workflow" value="1" checked' in r.text  # kept
        assert login.password not in r.text
        exports, entries, exported = state()
        # nothing exported: the only new ledger events are the two page views (the refusal's, this check's)
        assert (exports, exported) == (before[0], False) and entries == before[1] + 2
    r = sqlite_client.post(url, data={"csrf_token": csrf, f"section:{item_id}": "nowhere",
                                      "password": login.password, "totp": login.next_code()})
    assert r.status_code == 422 and "Unknown dossier section" in r.text  # refused before any code is spent
    r = sqlite_client.post(url, data={"csrf_token": csrf, **chosen, "password": login.password,
                                      "totp": login.next_code()})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip", r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as outer:
        assert outer.read("dossier.pdf").startswith(b"%PDF")
    assert state()[0] == 1 and state()[2]
