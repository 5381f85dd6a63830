"""One installation with a contact's video, for the studio's page and output tests (one pipeline run each).

The embedded worker is off: the test runs the queued jobs itself (`studio_support.run_until_idle`), so a
page is seen while its job is queued, and nothing races the machine's load.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import Installation, StaffLogin, client_for, make_installation
from tests.flows import bearer
from tests.testimony import studio_support as support


@dataclass
class Studio:
    inst: Installation
    client: TestClient
    login: StaffLogin
    case_id: str
    file_id: str
    staff: str  # a bearer token of `login`

    def api(self, tid: str) -> dict:  # type: ignore[type-arg]
        r = self.client.get(f"/api/v1/staff/cases/{self.case_id}/testimonies/{tid}", headers=bearer(self.staff))
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    def run_jobs(self) -> None:
        support.run_until_idle(self.inst.settings)


@contextmanager
def studio(folder: Path) -> Iterator[Studio]:
    scratch = support.scratch_settings_for(folder.name)
    previous = os.environ.get("SAFECONDUCT_EMBEDDED_WORKER")
    os.environ["SAFECONDUCT_EMBEDDED_WORKER"] = "0"
    inst = make_installation(folder / "data", None, "sqlite", **scratch)
    try:
        body = support.make_clip(folder / "clip").read_bytes()
        login = inst.add_staff("alice")
        with client_for(inst) as client:
            case_id, file_id, staff = support.send_clip(client, login, body)
            yield Studio(inst, client, login, case_id, file_id, staff)
    finally:
        inst.runtime.engine.dispose()
        shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)
        if previous is None:
            os.environ.pop("SAFECONDUCT_EMBEDDED_WORKER", None)
        else:
            os.environ["SAFECONDUCT_EMBEDDED_WORKER"] = previous


def finish(s: Studio, **options: str) -> str:
    """Prepare, review (nothing changed) and finish a testimony over the API; its id."""
    r = s.client.post(f"/api/v1/staff/cases/{s.case_id}/testimonies", json={"file_id": s.file_id, **options},
                      headers=bearer(s.staff))
    assert r.status_code == 202, r.text
    tid = str(r.json()["id"])
    s.run_jobs()
    assert s.api(tid)["state"] == "review", s.api(tid)
    r = s.client.put(f"/api/v1/staff/cases/{s.case_id}/testimonies/{tid}/review", json={"rejected": [], "added": []},
                     headers=bearer(s.staff))
    assert r.status_code == 200, r.text
    s.run_jobs()
    assert s.api(tid)["state"] == "done", s.api(tid)
    return tid


def page_login(client: TestClient, login: StaffLogin) -> str:
    """Log in through the console's form with the next window's code (the session's token took this one)."""
    from tests.flows import csrf_of

    csrf = csrf_of(client.get("/staff/login").text)
    r = client.post("/staff/login", data={"csrf_token": csrf, "username": login.username,
                                          "password": login.password, "totp": login.next_code()})
    assert r.status_code == 303, r.text
    return csrf
