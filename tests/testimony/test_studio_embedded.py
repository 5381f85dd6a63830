"""The embedded worker (SQLite): jobs survive a server restart; the scratch space must be in memory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from safeconduct.jobs import scratch
from safeconduct.jobs.models import Job
from safeconduct.testimony import studio
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer
from tests.testimony import studio_support as support


@pytest.fixture
def inst(tmp_path: Path) -> Iterator[Installation]:
    folder = support.scratch_settings_for(tmp_path.name)
    installation = make_installation(tmp_path / "data", None, "sqlite", **folder)
    yield installation
    installation.runtime.engine.dispose()
    shutil.rmtree(folder["worker_scratch"], ignore_errors=True)


def _state(client, case_id: str, tid: str, staff: str) -> str:  # type: ignore[no-untyped-def]
    return str(client.get(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}", headers=bearer(staff)).json()["state"])


@pytest.mark.slow
def test_queued_and_interrupted_jobs_are_picked_up_when_the_server_starts(inst: Installation, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    body = support.make_clip(tmp_path / "clip").read_bytes()
    login = inst.add_staff("alice")
    monkeypatch.setenv("SAFECONDUCT_EMBEDDED_WORKER", "0")  # a server whose worker never got to the jobs
    with client_for(inst) as client:
        case_id, file_id, staff = support.send_clip(client, login, body)
        url = f"/api/v1/staff/cases/{case_id}/testimonies"
        queued = client.post(url, json={"file_id": file_id}, headers=bearer(staff)).json()["id"]
        crashed = client.post(url, json={"file_id": file_id, "faces": "mask"}, headers=bearer(staff)).json()["id"]
    with inst.runtime.db() as db:  # the second was running when the server died
        db.execute(update(Job).where(Job.id == crashed).values(state="running", holder="gone", stage="transcribe"))
        db.commit()
    monkeypatch.delenv("SAFECONDUCT_EMBEDDED_WORKER")
    with client_for(inst) as client:  # restarted: its worker requeues the interrupted job and runs both
        for tid in (queued, crashed):
            support.wait_for(lambda tid=tid: _state(client, case_id, tid, staff) in ("review", "failed"))
            assert _state(client, case_id, tid, staff) == "review"
    assert list(Path(inst.settings.worker_scratch).iterdir()) == []


def test_a_scratch_folder_on_a_persistent_disk_is_refused_unless_allowed(inst: Installation, tmp_path: Path) -> None:
    import dataclasses

    on_disk = tmp_path / "scratch"
    on_disk.mkdir()
    if scratch.memory_backed(on_disk):
        pytest.skip("the test's temporary folder is itself in memory here")
    refusing = dataclasses.replace(inst.settings, worker_scratch=str(on_disk))
    with pytest.raises(scratch.ScratchError, match="persistent disk"):
        scratch.root(refusing)
    allowed = dataclasses.replace(refusing, worker_scratch_on_disk=True)
    assert scratch.root(allowed) == on_disk
    assert scratch.memory_backed(Path(inst.settings.worker_scratch))
    with scratch.space(allowed) as space:
        (space / "x").write_bytes(b"plaintext")
        assert oct(space.stat().st_mode & 0o777) == "0o700"
    assert list(on_disk.iterdir()) == []


def test_a_job_on_a_worker_with_a_refused_scratch_fails_clearly(inst: Installation, tmp_path: Path) -> None:
    import dataclasses

    from tests.testimony.test_studio_journey import _case_key

    on_disk = tmp_path / "scratch"
    on_disk.mkdir()
    if scratch.memory_backed(on_disk):
        pytest.skip("the test's temporary folder is itself in memory here")
    login = inst.add_staff("bob")
    import os

    os.environ["SAFECONDUCT_EMBEDDED_WORKER"] = "0"
    try:
        with client_for(inst) as client:
            case_id, file_id, _staff = support.send_clip(client, login, support.make_clip(tmp_path / "c").read_bytes())
    finally:
        del os.environ["SAFECONDUCT_EMBEDDED_WORKER"]
    key = _case_key(inst, login, case_id)
    with inst.runtime.db() as db:
        tid = studio.prepare(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                             file_id=file_id).id
    support.run_until_idle(dataclasses.replace(inst.settings, worker_scratch=str(on_disk)))
    with inst.runtime.db() as db:
        view = studio.view(db, case_id=case_id, case_key=key, testimony_id=tid)
    assert view.state == "failed" and view.error is not None and "persistent disk" in view.error
    assert list(on_disk.iterdir()) == []
