"""What one request leaves behind: a log line naming the route's template, and nothing in a browser cache."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from safeconduct.logs import printable
from tests.flows import bearer, start_contact

# A whole forged log line (no slash, so that it stays inside one path segment of a real route).
FORGED = "%0a2026-01-01 00:00:00,000 INFO safeconduct.http GET forged 200 1ms%0d%0a"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "safeconduct.http"]


def test_the_log_names_the_route_template_never_the_path_or_a_forged_line(
        sqlite_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    _, token = start_contact(sqlite_client)
    created = sqlite_client.post("/api/v1/contact/uploads", headers={
        **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Length": "3"})
    assert created.status_code == 201
    upload_id = created.headers["location"].rsplit("/", 1)[1]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="safeconduct.http"):
        assert sqlite_client.head(f"/api/v1/contact/uploads/{upload_id}",
                                  headers={**bearer(token), "Tus-Resumable": "1.0.0"}).status_code == 200
        assert sqlite_client.get(f"/api/v1/staff/cases/amber-falcon-river{FORGED}/messages").status_code == 401
        assert sqlite_client.get(f"/amber-falcon-river{FORGED}").status_code == 404
        assert sqlite_client.get("/static/style.css").status_code == 200
        assert sqlite_client.request("AMBERFALCON", "/api/v1/contact/messages").status_code == 405
    lines = _request_lines(caplog)
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "HEAD /api/v1/contact/uploads/{upload_id} 200",
        "GET /api/v1/staff/cases/{case_id}/messages 401",
        "GET [no route] 404",
        "GET /static/{path} 200",
        "[other method] /api/v1/contact/messages 405",
    ]
    logged = "\n".join(lines)
    for leaked in (upload_id, "amber", "forged", "\r"):
        assert leaked not in logged


def test_printable_escapes_every_line_break_a_log_viewer_honours() -> None:
    assert printable("GET /a\nb\rc\x1bd\x85e\u2028f") == "GET /a\\x0ab\\x0dc\\x1bd\\x85e\\u2028f"
    assert printable("/api/v1/contact/uploads/{upload_id}") == "/api/v1/contact/uploads/{upload_id}"


def test_static_files_are_never_cached(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/static/style.css")
    assert r.status_code == 200 and r.text
    assert r.headers["cache-control"] == "no-store"
    assert "max-age" not in r.headers["cache-control"] and "public" not in r.headers["cache-control"]
