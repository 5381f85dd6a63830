"""With JavaScript on, the upload form sends the file with upload.js (tus, in pieces) and survives a drop.

The second piece is cut off on its way; the script says so, asks the server where it stopped and sends
the rest. The caseworker then downloads exactly the bytes that were chosen.
"""

from __future__ import annotations

import hashlib
import os
import re

import httpx
import pytest

from tests.browser.conftest import PHONE, Requests, Server

pytestmark = pytest.mark.browser

NAME = "testimony recording.ogg"
SIZE = 5 * 1024 * 1024 + 12345  # three pieces of 2 MiB, the last one short


def test_upload_with_javascript_resumes_after_a_dropped_piece(browser, server: Server, shot) -> None:  # type: ignore[no-untyped-def]
    body = os.urandom(SIZE)
    requests = Requests()
    context = browser.new_context(java_script_enabled=True, viewport=PHONE)
    context.on("request", requests)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "ERR_CONNECTION_RESET" not in msg.text else None)  # the drop itself

    patches: list[str] = []

    def drop_the_second_piece(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "PATCH":
            patches.append(route.request.headers.get("upload-offset", ""))
            if len(patches) == 2:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route(re.compile(r"/api/v1/contact/uploads/"), drop_the_second_piece)

    page.goto(server.url + "/")
    page.get_by_role("button", name="Start a conversation").click()
    page.get_by_role("link", name="I have kept it: write a message").click()
    page.wait_for_url(re.compile(r"/contact/conversation$"))
    page.locator("#file").set_input_files(
        {"name": NAME, "mimeType": "audio/ogg", "buffer": body})
    page.get_by_role("button", name="Send file").click()

    status = page.locator("#upload-status")
    status.filter(has_text="Connection lost. Trying again").wait_for(timeout=10_000)
    assert page.locator(".upload .progress").is_visible()
    assert 0 < int(page.locator(".upload progress").get_attribute("value") or 0) < 100
    shot(page, "17-upload-retrying-js-en")
    page.wait_for_url(re.compile(r"/contact/conversation\?uploaded=1"), timeout=20_000)
    assert NAME in page.locator("ul.files").inner_text()
    shot(page, "18-upload-done-js-en")

    # The file went through tus, in pieces, resumed from the server's offset after the drop.
    methods = [(r.split("?")[0]) for r in requests.urls]
    assert not any(u.endswith("/contact/files") for u in methods), "the plain form was not used"
    assert patches[0] == "0" and patches[1] == patches[2] == str(2 * 1024 * 1024), patches
    assert len(patches) == 4, patches
    assert not errors, errors
    assert not requests.foreign(server), requests.foreign(server)
    context.close()

    # The caseworker receives exactly these bytes.
    worker = server.caseworker
    with httpx.Client(base_url=server.url, timeout=30) as api:
        r = api.post("/api/v1/staff/session",
                     json={"username": worker.username, "password": worker.password, "totp": worker.code()})
        assert r.status_code == 200, r.text
        auth = {"Authorization": "Bearer " + r.json()["token"]}
        found = []
        for case in api.get("/api/v1/staff/cases", headers=auth).json():
            conversation = api.get(f"/api/v1/staff/cases/{case['id']}/messages", headers=auth).json()
            found += [(case["id"], f) for f in conversation["files"] if f["name"] == NAME]
        assert len(found) == 1, found
        case_id, listed = found[0]
        assert listed["size"] == SIZE and listed["sha256"] == hashlib.sha256(body).hexdigest()
        download = api.get(f"/api/v1/staff/cases/{case_id}/files/{listed['id']}", headers=auth)
        assert download.status_code == 200 and download.content == body
