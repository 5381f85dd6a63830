"""Schemathesis over /openapi.json, as a contact, a caseworker and an administrator (tests and bench/api_fuzz.py).

Every operation is fuzzed with data that fits its schema and with data that does not (a missing or malformed
token among it), and once more on real ids (the case, a file, an upload, a claim, a staff member); each answer must
be no 5xx, a documented status, the documented content type, headers and body. Tokens are minted directly
in the database for every case (a request may log its own session out) and deactivated accounts are
restored, so that one operation's side effects do not blind the next ones to the authenticated paths.
"""

from __future__ import annotations

import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks
from sqlalchemy import update
from starlette.testclient import TestClient

from safeconduct.auth import sessions
from safeconduct.contact import service as contact_service
from safeconduct.staff import service as staff_service
from safeconduct.staff.models import StaffMember
from tests.conftest import Installation

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]
#: Each of these costs an Argon2id hash (64 MiB) per accepted-shape request: a few examples only.
ARGON2_OPERATIONS = {"POST /api/v1/contact/start", "POST /api/v1/contact/session", "POST /api/v1/staff/session"}
ADMIN_PATHS = ("/api/v1/staff/admin/", "/api/v1/staff/stats")


@dataclass
class Identities:
    """What is needed to mint sessions without another Argon2id log-in."""

    inst: Installation
    contact: contact_service.ContactAccess
    caseworker: staff_service.StaffAccess
    admin: staff_service.StaffAccess
    #: The staff member the admin routes act on with a real id: never the fuzzing identities themselves,
    #: whom a reset or a removal would end for the rest of the run.
    bystander_id: int = 0

    @classmethod
    def create(cls, inst: Installation) -> Identities:
        worker, boss = inst.add_staff("fuzz-worker"), inst.add_staff("fuzz-admin", role="admin")
        bystander = inst.add_staff("fuzz-bystander", intake=False)  # holds no case: the worker stays its only holder
        with inst.runtime.db() as db:
            codename, _ = contact_service.start_conversation(db, inst.runtime.org)
            contact = contact_service.log_in(db, inst.runtime.org, codename)
            staff = [staff_service.authenticate(db, inst.settings, username=s.username, password=s.password,
                                                totp=s.code()) for s in (worker, boss)]
        return cls(inst, contact, staff[0], staff[1], bystander.staff_id)

    def known_ids(self, app: FastAPI) -> dict[str, str]:
        """Real ids for path parameters (a file, an upload, a staff member), made through the API itself."""
        client = TestClient(app)
        auth = {"Authorization": f"Bearer {self.token_for('/api/v1/contact/')}"}
        sent = client.post("/api/v1/contact/files", files={"file": ("note.txt", b"fuzz")}, headers=auth)
        created = client.post("/api/v1/contact/uploads", headers={**auth, "Tus-Resumable": "1.0.0",
                                                                  "Upload-Length": "1000"})
        staff = {"Authorization": f"Bearer {self.token_for('/api/v1/staff/')}"}
        claim = client.post(f"/api/v1/staff/cases/{self.contact.case_id}/vetting/claims", headers=staff,
                            json={"topic": "role", "text": "Driver"})
        for r in (sent, created, claim):
            assert r.status_code == 201, r.text
        return {"case_id": self.contact.case_id, "file_id": sent.json()["id"], "claim_id": claim.json()["id"],
                "upload_id": created.headers["location"].rsplit("/", 1)[1], "staff_id": str(self.bystander_id)}

    def token_for(self, path: str) -> str:
        """A fresh session of whoever may call `path`; the staff's active flags restored first."""
        settings_ = self.inst.settings
        with self.inst.runtime.db() as db:
            if path.startswith("/api/v1/contact/"):
                token = sessions.create(db, kind="contact", subject=self.contact.case_id,
                                        secret=self.contact.case_key, minutes=settings_.contact_session_minutes)
            else:
                db.execute(update(StaffMember).values(active=True))
                who = self.admin if path.startswith(ADMIN_PATHS) or path.endswith("/legal-hold") else self.caseworker
                token = sessions.create(db, kind="staff", subject=str(who.staff_id), secret=bytes(who.private_key),
                                        minutes=settings_.staff_session_minutes)
            db.commit()
        return token


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    #: Per operation, how often each status came back: shows which paths the fuzzing reached.
    statuses: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))


#: tus answers a wrong or missing Tus-Resumable header with 412, as its specification demands.
CONFIG = {"checks": {"negative_data_rejection": {"expected-statuses": [
    "400", "401", "403", "404", "405", "409", "412", "413", "415", "422", "429"]}}}


# tus PATCH bodies: the bytes as they are, like any octet stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


def operations(app: FastAPI) -> Iterator[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=schemathesis.Config.from_dict(CONFIG))
    for result in schema.get_all_operations():
        yield result.ok()


def fuzz(app: FastAPI, identities: Identities, *, examples: int, argon2_examples: int, seed: int | None = 0,
         only: Callable[[str], bool] = lambda _: True) -> Report:
    """Run every operation `examples` times per generation mode; collect the first failure of each."""
    report = Report()
    known = identities.known_ids(app)
    for operation in operations(app):
        label = f"{operation.method.upper()} {operation.path}"
        if not only(label):
            continue
        report.operations += 1
        count = argon2_examples if label in ARGON2_OPERATIONS else examples
        variants: list[tuple[GenerationMode, dict[str, str]]] = [(GenerationMode.POSITIVE, {}),
                                                                  (GenerationMode.NEGATIVE, {})]
        # also on real ids, or case work, downloads and resumed uploads are never reached
        real = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        if real:
            variants.append((GenerationMode.POSITIVE, real))
        for mode, ids in variants:
            failure = _run(operation, label, identities, mode, ids, count, seed, report)
            if failure:
                report.failures.setdefault(label, failure)
    return report


def _run(operation: Any, label: str, identities: Identities, mode: GenerationMode, known: dict[str, str],
         count: int, seed: int | None, report: Report) -> str | None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=known or None)

    @settings(max_examples=count, deadline=None, database=None, derandomize=seed is not None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def one(case: Any) -> None:
        report.cases += 1
        # Schemathesis fills the bearer scheme with a made-up token (or, to test refusals, leaves it out or
        # malforms it): a well-formed one becomes a real session, so that the route itself is reached.
        if case.headers and str(case.headers.get("Authorization", "")).startswith("Bearer "):
            case.headers["Authorization"] = f"Bearer {identities.token_for(operation.path)}"
        response = case.call()
        report.statuses[label][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    if seed is not None:
        one = hypothesis.seed(seed)(one)
    try:
        one()
    except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # failed checks: keep the report, go on with the others
        if isinstance(exc, BaseExceptionGroup):
            return f"[{mode.value}] {exc}"
        # The app raised instead of answering (a real server: 500): keep where.
        return f"[{mode.value}] " + "".join(traceback.format_exception(exc)[-12:])
    return None
