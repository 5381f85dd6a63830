"""/openapi.json complete enough for a generic client: how to authenticate, and every refusal a route can give.

The refusals common to many routes are derived from the routes themselves rather than written on each one,
so that the document cannot drift from the code: a route that needs a session (it declares a bearer scheme,
web/deps) can answer 401 and 403, one that takes any input 422, one with a JSON body 400, one with an id in
its path 404, one that changes something 409, and any of them 507 (a full disk). Refusals particular to a
route (413, tus's 412 and 415, a read's 409) are declared on its decorator with `errors.refusals`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from safeconduct.web.errors import MEANING, ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _common_refusals(operation: dict[str, Any], method: str = "get") -> set[int]:
    """The statuses every operation of this shape can answer."""
    statuses: set[int] = {507}  # a full disk: even a read may need to write (a session, a custody record)
    if method in ("post", "put", "patch", "delete"):
        statuses.add(409)  # a change can always meet a state that forbids it (a removed account, a shredded case)
    if operation.get("security"):  # the session dependencies (web/deps) declare their bearer schemes
        statuses |= {401, 403}
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if parameters or body:
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if body and "application/json" in body.get("content", {}):
        statuses.add(400)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {"description": MEANING[status], "content": {"application/json": {"schema": ERROR_REF}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}}
    return response


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common refusals, with our error body, to a schema FastAPI generated."""
    components = schema.setdefault("components", {})
    _, defs = models_json_schema([(ErrorOut, "serialization")], ref_template="#/components/schemas/{model}")
    components.setdefault("schemas", {}).update(defs.get("$defs", {}))
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_common_refusals(operation, method)):
                if str(status) == "422" or str(status) not in responses:  # ours replaces FastAPI's own 422
                    responses[str(status)] = _error_response(status)
            operation["responses"] = dict(sorted(responses.items()))
    # FastAPI's validation error shapes are no longer referenced: our handler never answers with them.
    for name in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(name, None)
    return schema


def install(app: FastAPI) -> None:
    """Serve the completed schema at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            generated = get_openapi(title=app.title, version=app.version, description=app.description,
                                    routes=app.routes)
            app.openapi_schema = document(generated)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
