"""The API as /openapi.json describes it: bounds on what comes in, every answer documented."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from safeconduct.cases import vetting
from tests.conftest import Installation
from tests.flows import bearer, staff_token, start_contact

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


def _schema(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


def test_every_refusal_is_documented_with_the_error_body(sqlite_client: TestClient) -> None:
    schema = _schema(sqlite_client)
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"error", "message"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # our handler never answers with it
    assert all(path.startswith("/api/") for path in schema["paths"]), "pages are not part of the API"
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            refusals = {int(s) for s in responses if 400 <= int(s) < 600}
            assert 507 in refusals, (method, path)  # a full disk, on any operation
            if op.get("security"):
                assert {401, 403} <= refusals, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert 422 in refusals, (method, path)
            if "{" in path:
                assert 404 in refusals, (method, path)
            for status in refusals:
                assert responses[str(status)]["content"]["application/json"]["schema"] == error, (method, path, status)
    paths = schema["paths"]
    # No log-in is ever refused for being one too many (a flood waits its turn instead): no 429 anywhere.
    assert 401 in {int(s) for s in paths["/api/v1/contact/session"]["post"]["responses"]}
    assert 401 in {int(s) for s in paths["/api/v1/staff/session"]["post"]["responses"]}
    assert not any("429" in op["responses"] for ops in paths.values() for op in ops.values())
    assert 409 in {int(s) for s in paths["/api/v1/contact/start"]["post"]["responses"]}
    assert 413 in {int(s) for s in paths["/api/v1/contact/messages"]["post"]["responses"]}


def test_request_bodies_carry_their_constraints(sqlite_client: TestClient) -> None:
    schemas = _schema(sqlite_client)["components"]["schemas"]
    assert schemas["ClaimIn"]["properties"]["topic"]["enum"] == list(vetting.TOPICS)
    assert schemas["ClaimIn"]["properties"]["status"]["enum"] == list(vetting.STATUSES)
    assert schemas["NewStaffIn"]["properties"]["role"]["enum"] == ["caseworker", "admin"]
    assert schemas["DossierIn"]["properties"]["sections"]["additionalProperties"]["enum"] == [
        "wish_to_leave", "planning", "distancing"]
    for model, name in (("TextIn", "text"), ("CodenameIn", "codename"), ("NoteIn", "text"), ("TransitionIn", "to")):
        assert schemas[model]["properties"][name]["minLength"] == 1, model


def test_a_generic_client_can_upload_with_tus_from_the_schema_alone(sqlite_client: TestClient) -> None:
    """Every name, value and media type below is read from /openapi.json, as a generated client would."""
    schema = _schema(sqlite_client)
    uploads = next(p for p in schema["paths"] if p.endswith("/uploads"))
    create, resource = schema["paths"][uploads]["post"], schema["paths"][f"{uploads}/{{upload_id}}"]
    assert create["security"] == [{"contactToken": []}]
    scheme = schema["components"]["securitySchemes"]["contactToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "/api/v1/contact/session" in scheme["description"]
    _, token = start_contact(sqlite_client)
    auth = {"Authorization": f"Bearer {token}"}

    def required_headers(op: dict[str, Any], **values: str) -> dict[str, str]:
        out = {}
        for p in op["parameters"]:
            if p["in"] == "header" and p.get("required"):
                out[p["name"]] = p["schema"]["enum"][0] if "enum" in p["schema"] else values[p["name"]]
        return out

    data = b"a report, in two parts"
    r = sqlite_client.post(uploads, headers={**auth, **required_headers(create, **{"Upload-Length": str(len(data))})})
    assert str(r.status_code) in create["responses"], r.text
    documented = create["responses"][str(r.status_code)]["headers"]
    location = r.headers[next(h for h in documented if h.lower() == "location")]
    patch, head = resource["patch"], resource["head"]
    [media_type] = patch["requestBody"]["content"]
    offset = "0"
    for part in (data[:9], data[9:]):
        r = sqlite_client.patch(location, content=part, headers={
            **auth, "Content-Type": media_type, **required_headers(patch, **{"Upload-Offset": offset})})
        assert str(r.status_code) in patch["responses"], r.text
        offset = r.headers["Upload-Offset"]
        assert "Upload-Offset" in patch["responses"][str(r.status_code)]["headers"]
    r = sqlite_client.head(location, headers={**auth, **required_headers(head)})
    assert {"Upload-Offset", "Upload-Length"} <= set(head["responses"][str(r.status_code)]["headers"])
    assert r.headers["Upload-Offset"] == r.headers["Upload-Length"] == str(len(data))
    files = sqlite_client.get("/api/v1/contact/files", headers=auth).json()
    assert [f["size"] for f in files] == [len(data)]


def test_the_frameworks_own_refusals_come_in_our_error_shape(sqlite_client: TestClient) -> None:
    _, token = start_contact(sqlite_client)
    r = sqlite_client.post("/api/v1/contact/messages", json={"text": "kept"}, headers=bearer(token))
    assert r.status_code == 201
    # found by schemathesis: a body that is not UTF-8 got FastAPI's {"detail": ...}, which no client expects
    r = sqlite_client.post("/api/v1/contact/messages", content=b'{"text": "\xff\xfe"}',
                           headers={**bearer(token), "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "malformed_body" and r.json()["message"]
    r = sqlite_client.get("/api/v1/contact/no-such-thing", headers=bearer(token))
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = sqlite_client.put("/api/v1/contact/messages", json={"text": "x"}, headers=bearer(token))
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed" and "GET" in r.headers["allow"]
    texts = [m["text"] for m in sqlite_client.get("/api/v1/contact/messages", headers=bearer(token)).json()["messages"]]
    assert texts == ["kept"]
    # pages keep their own answer
    assert sqlite_client.get("/no-such-page").status_code == 404
