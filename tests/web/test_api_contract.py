"""The API as /openapi.json describes it: bounds on what comes in, every answer documented."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Installation
from tests.flows import bearer, staff_token

STAFF_ID_MAX = 2**31 - 1  # PostgreSQL INTEGER
ROW_ID_MAX = 2**63 - 1  # PostgreSQL BIGINT


@pytest.mark.parametrize(("staff_id", "row_id"), [(2**31, 2**63), (2**64, 10**40)])
def test_ids_beyond_what_the_database_holds_are_a_clear_422_and_change_nothing(
        installation: Installation, client: TestClient, staff_id: int, row_id: int) -> None:
    admin = staff_token(client, installation.add_staff("root", role="admin"))
    installation.add_staff("ivy")
    before = client.get("/api/v1/staff/admin/staff", headers=bearer(admin)).json()

    r = client.patch(f"/api/v1/staff/admin/staff/{staff_id}", json={"active": False}, headers=bearer(admin))
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_input" and r.json()["message"]
    assert [d["where"] for d in r.json()["details"]] == ["path.staff_id"]
    assert str(STAFF_ID_MAX) in r.json()["details"][0]["problem"]
    for name, value, bound in (("staff_id", staff_id, STAFF_ID_MAX), ("before_id", row_id, ROW_ID_MAX)):
        r = client.get("/api/v1/staff/admin/audit", params={name: str(value)}, headers=bearer(admin))
        assert r.status_code == 422, r.text
        assert [d["where"] for d in r.json()["details"]] == [f"query.{name}"]
        assert str(bound) in r.json()["details"][0]["problem"]

    assert client.get("/api/v1/staff/admin/staff", headers=bearer(admin)).json() == before


def test_the_largest_ids_are_simply_not_found(installation: Installation, client: TestClient) -> None:
    admin = staff_token(client, installation.add_staff("root", role="admin"))
    r = client.patch(f"/api/v1/staff/admin/staff/{STAFF_ID_MAX}", json={"active": False}, headers=bearer(admin))
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    for name, value in (("staff_id", STAFF_ID_MAX), ("before_id", ROW_ID_MAX)):
        r = client.get("/api/v1/staff/admin/audit", params={name: str(value)}, headers=bearer(admin))
        assert r.status_code == 200, r.text
