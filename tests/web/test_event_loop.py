"""The no-JavaScript form paths (what Tor Browser users take) never run database, disk or encryption work on
the event loop: one slow COMMIT there would stall every other request of the process (issue 14)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from safeconduct.auth import sessions
from safeconduct.cases import content
from safeconduct.cases.content import FileSink, UploadAppender
from tests.conftest import Installation
from tests.flows import bearer, contact_page_login, csrf_of, start_contact


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class LoopWatch:
    """Wraps functions so that each call records whether it ran on an event loop's thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, list[bool]] = {}
        self._monkeypatch = monkeypatch

    def watch(self, owner: object, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        label = f"{getattr(owner, '__name__', owner)}.{name}"

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls.setdefault(label, []).append(_on_event_loop())
            return original(*args, **kwargs)

        self._monkeypatch.setattr(owner, name, wrapper)

    def on_loop(self) -> list[str]:
        return [label for label, flags in self.calls.items() if any(flags)]


def test_the_contact_form_paths_do_their_work_off_the_event_loop(
        sqlite_installation: Installation, sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    codename, token = start_contact(sqlite_client)
    watch = LoopWatch(monkeypatch)
    for owner, name in ((content, "post_message"), (FileSink, "write"), (FileSink, "finish"),
                        (UploadAppender, "write"), (sessions, "end")):
        watch.watch(owner, name)
    csrf = contact_page_login(sqlite_client, codename)
    assert sqlite_client.post("/contact/messages", data={"csrf_token": csrf, "text": "hello"}).status_code == 303
    r = sqlite_client.post("/contact/files", data={"csrf_token": csrf},
                           files={"file": ("a.bin", b"x" * (3 * 1024 * 1024 + 5))})
    assert r.status_code == 303
    created = sqlite_client.post("/api/v1/contact/uploads", headers={
        **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Length": str(2 * 1024 * 1024)})
    r = sqlite_client.patch(created.headers["location"], content=b"y" * (2 * 1024 * 1024), headers={
        **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})
    assert r.status_code == 204
    page = sqlite_client.get("/contact/conversation").text
    assert sqlite_client.post("/contact/logout", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert set(watch.calls) == {"safeconduct.cases.content.post_message", "FileSink.write", "FileSink.finish",
                                "UploadAppender.write", "safeconduct.auth.sessions.end"}, watch.calls
    assert watch.on_loop() == []


def test_the_consent_form_and_the_case_work_forms_do_their_work_off_the_event_loop(
        sqlite_installation: Installation, sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from safeconduct.cases import consent, inbox, notes
    from safeconduct.cases.models import Case
    from tests.flows import staff_page_login

    login = sqlite_installation.add_staff("anna")  # on the intake team before the first message
    codename, _ = start_contact(sqlite_client, first_message="hello")
    watch = LoopWatch(monkeypatch)
    for owner, name in ((consent, "set_consent"), (inbox, "open_case"), (notes, "add_note")):
        watch.watch(owner, name)
    csrf = contact_page_login(sqlite_client, codename)
    assert sqlite_client.post("/contact/consent", data={"csrf_token": csrf, "all": "1"}).status_code == 303
    sqlite_client.cookies.clear()
    csrf = staff_page_login(sqlite_client, login)
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    r = sqlite_client.post(f"/staff/cases/{case_id}/work/notes", data={"csrf_token": csrf, "text": "a note"})
    assert r.status_code == 303, r.text
    r = sqlite_client.post(f"/staff/cases/{case_id}/work/notes", data={"csrf_token": csrf, "text": ""})
    assert r.status_code == 422  # the refusal page is rendered off the loop too
    assert {"safeconduct.cases.consent.set_consent", "safeconduct.cases.inbox.open_case",
            "safeconduct.cases.notes.add_note"} <= set(watch.calls), watch.calls
    assert watch.on_loop() == []


def test_the_console_forms_do_their_work_off_the_event_loop(
        sqlite_installation: Installation, sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Console routes take their checked form as a dependency and run, like every plain route, in a thread."""
    from sqlalchemy import select

    from safeconduct.cases.models import Case
    from safeconduct.notifications import service as notifications
    from tests.flows import staff_page_login

    login = sqlite_installation.add_staff("anna")
    start_contact(sqlite_client, first_message="hello")
    with sqlite_installation.runtime.db() as db:
        case_id = db.scalar(select(Case.id))
    watch = LoopWatch(monkeypatch)
    for owner, name in ((content, "post_message"), (notifications, "mark_case_read"), (sessions, "end")):
        watch.watch(owner, name)
    csrf = staff_page_login(sqlite_client, login)
    r = sqlite_client.post(f"/staff/cases/{case_id}/replies", data={"csrf_token": csrf, "text": "we read you"})
    assert r.status_code == 303, r.text
    assert sqlite_client.post(f"/staff/cases/{case_id}/read", data={"csrf_token": csrf}).status_code == 303
    assert sqlite_client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 303
    assert {"safeconduct.cases.content.post_message", "safeconduct.notifications.service.mark_case_read",
            "safeconduct.auth.sessions.end"} <= set(watch.calls), watch.calls
    assert watch.on_loop() == []
