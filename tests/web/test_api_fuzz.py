"""Schemathesis over /openapi.json: no 5xx, and every answer as documented (bounded; bench/api_fuzz.py runs long).

Derandomized with a fixed seed, so a run is the same run every time; a failure names the operation, the
check, the response and a curl line that reproduces it.
"""

from __future__ import annotations

import pytest

from safeconduct.web.app import create_app
from tests.conftest import Installation
from tests.fuzzing import Identities, fuzz

#: Examples per operation and generation mode; the three log-in routes cost an Argon2id hash each.
EXAMPLES, ARGON2_EXAMPLES = 4, 2


@pytest.mark.slow
def test_the_api_answers_every_generated_request_as_its_schema_says(sqlite_installation: Installation) -> None:
    report = fuzz(create_app(sqlite_installation.runtime), Identities.create(sqlite_installation),
                  examples=EXAMPLES, argon2_examples=ARGON2_EXAMPLES, seed=0)
    assert not report.failures, "\n\n".join(f"{op}\n{failure}" for op, failure in report.failures.items())
    assert report.operations >= 40
    # it got past the refusals: the authenticated routes of all three roles answered with success
    for operation in ("GET /api/v1/contact/messages", "GET /api/v1/staff/cases/{case_id}/messages",
                      "POST /api/v1/staff/cases/{case_id}/notes", "GET /api/v1/staff/admin/staff",
                      "POST /api/v1/contact/uploads", "PATCH /api/v1/contact/uploads/{upload_id}",
                      "GET /api/v1/staff/cases/{case_id}/files/{file_id}"):
        assert any(200 <= status < 300 for status in report.statuses[operation]), (operation, report.statuses)
