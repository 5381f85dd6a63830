"""The testimony studio on PostgreSQL: `safeconduct worker` processes run the jobs through Procrastinate.

The whole journey over HTTP with the worker in a separate process, and a worker killed with kill -9
mid-job whose job a second worker takes over and finishes: nothing lost, nothing done twice.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from safeconduct.event_loop import run_coroutine
from safeconduct.jobs.models import Job, JobSeal
from safeconduct.testimony.studio import storage
from safeconduct.testimony.studio.models import Testimony as StoredTestimony
from tests.conftest import Installation, client_for, make_installation, postgres_available, postgres_database
from tests.flows import bearer
from tests.processes import safeconduct_command
from tests.support import require
from tests.testimony import studio_support as support


@pytest.fixture
def pg_studio(tmp_path: Path) -> Iterator[Installation]:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    scratch = support.scratch_settings_for(tmp_path.name)
    with postgres_database() as url:
        inst = make_installation(tmp_path / "data", url, "postgres", **scratch)
        yield inst
        from safeconduct.jobs import procrastinate_engine

        procrastinate_engine.close(inst.settings.database_url)
        inst.runtime.engine.dispose()
    shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)


def _env(inst: Installation) -> dict[str, str]:
    return {**os.environ, "SAFECONDUCT_DATABASE_URL": inst.settings.database_url,
            "SAFECONDUCT_SCRATCH": inst.settings.worker_scratch, "COLUMNS": "200", "NO_COLOR": "1"}


def _enrol(inst: Installation, data: Path) -> None:
    done = subprocess.run(safeconduct_command() + ["worker", "enrol", "--data", str(data)], env=_env(inst),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Enrolled worker" in done.stdout


@contextlib.contextmanager
def _worker(inst: Installation, data: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen(safeconduct_command() + ["worker", "--data", str(data)], env=_env(inst),
                                   stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _get(client, case_id: str, tid: str, staff: str) -> dict:
    r = client.get(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}", headers=bearer(staff))
    assert r.status_code == 200, r.text
    return r.json()


def _state_in(client, case_id, tid, staff, *states: str):  # type: ignore[no-untyped-def]
    return lambda: (v := _get(client, case_id, tid, staff))["state"] in states and v


def _worker_data(inst: Installation, name: str) -> Path:
    """A worker's own data folder: its key apart, the installation's stored files shared (as over NFS)."""
    folder = inst.settings.data_dir.parent / name
    folder.mkdir()
    for shared in ("files", "testimonies"):
        target = inst.settings.data_dir / shared
        target.mkdir(exist_ok=True)
        (folder / shared).symlink_to(target)
    return folder


@pytest.mark.slow
def test_a_worker_process_runs_the_journey_on_postgresql(pg_studio: Installation, tmp_path: Path) -> None:
    inst = pg_studio
    clip = support.make_clip(tmp_path / "clip")
    login = inst.add_staff("alice")
    data = _worker_data(inst, "worker-a")
    _enrol(inst, data)
    with client_for(inst) as client, _worker(inst, data, tmp_path / "worker.log") as worker:
        case_id, file_id, staff = support.send_clip(client, login, clip.read_bytes())
        r = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id}, headers=bearer(staff))
        assert r.status_code == 202, r.text
        tid = r.json()["id"]
        view = support.wait_for(_state_in(client, case_id, tid, staff, "review", "failed"), timeout=180)
        assert view["state"] == "review", (view, (tmp_path / "worker.log").read_text())
        alarm = [f for f in view["findings"] if f["text"] == support.FALSE_ALARM]
        r = client.put(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/review", headers=bearer(staff),
                       json={"rejected": [f["id"] for f in alarm],
                             "added": [{"kind": "PERSON", "text": support.MISSED}]})
        assert r.status_code == 200, r.text
        view = support.wait_for(_state_in(client, case_id, tid, staff, "done", "failed"))
        assert view["state"] == "done", (view, (tmp_path / "worker.log").read_text())
        assert support.NAME not in view["redacted_transcript"]
        assert client.post(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/approve",
                           headers=bearer(staff)).json()["approved"] is True
        assert worker.poll() is None
    assert list(Path(inst.settings.worker_scratch).iterdir()) == []
    # the canary scan covers the worker's disk too: its data folder, its log
    scanned = [*inst.settings.data_dir.rglob("*"), *data.rglob("*"), tmp_path / "worker.log"]
    stored = b"\n".join(p.read_bytes() for p in scanned if p.is_file())
    assert support.NAME.encode() not in stored
    assert clip.read_bytes()[2000:2064] not in stored
    with inst.runtime.db() as db:
        assert db.scalars(select(JobSeal)).all() == []  # the seals went with the job


@pytest.mark.slow
def test_a_worker_killed_mid_job_is_taken_over_by_another(pg_studio: Installation, tmp_path: Path) -> None:
    inst = pg_studio
    clip = support.make_clip(tmp_path / "clip", " ".join([support.SPEECH] * 4))  # long enough to kill it mid-way
    login = inst.add_staff("alice")
    first, second = _worker_data(inst, "worker-a"), _worker_data(inst, "worker-b")
    _enrol(inst, first)
    _enrol(inst, second)
    with client_for(inst) as client:
        case_id, file_id, staff = support.send_clip(client, login, clip.read_bytes())
        tid = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id},
                          headers=bearer(staff)).json()["id"]
        with _worker(inst, first, tmp_path / "a.log") as a:
            support.wait_for(_state_in(client, case_id, tid, staff, "review", "failed"), timeout=180)
            client.put(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/review", headers=bearer(staff),
                       json={"rejected": [], "added": []})
            # the apply phase: killed once its voice stage runs (probe, transcribe, detect are checkpointed)
            support.wait_for(lambda: (v := _get(client, case_id, tid, staff))["stage"] in ("voice", "faces")
                             and v["state"] == "running", every=0.1)
            os.kill(a.pid, signal.SIGKILL)
            a.wait()
        assert _get(client, case_id, tid, staff)["state"] == "running"  # held by a dead worker
        assert any(Path(inst.settings.worker_scratch).iterdir())  # what kill -9 left in memory
        with _worker(inst, second, tmp_path / "b.log"):
            view = support.wait_for(_state_in(client, case_id, tid, staff, "done", "failed"))
        assert view["state"] == "done", (view, (tmp_path / "b.log").read_text())
        assert support.NAME not in view["redacted_transcript"]
    with inst.runtime.db() as db:
        job = db.get(Job, tid)
        assert job is not None and job.attempts >= 3  # detect, apply killed, apply taken over
        row = db.get(StoredTestimony, tid)
        assert row is not None and row.checkpoint is None
        jobs = db.scalars(select(Job.id)).all()
    assert jobs == [tid]
    # nothing done twice: exactly the committed outputs are stored, no orphan of the killed run
    outputs = len(view["outputs"])
    assert len(list(storage.folder(inst.settings).glob("*.enc"))) == outputs
    # the second worker wiped what the killed one left in its scratch space
    assert list(Path(inst.settings.worker_scratch).iterdir()) == []


def test_a_job_stranded_by_a_pruned_worker_is_queued_again(pg_studio: Installation, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead worker's row pruned and its Procrastinate job gone: our row alone says "running". The recovery
    loop sees its heartbeat counter stand still, releases it and defers it again; a worker then runs it."""

    import psycopg

    from safeconduct.jobs import procrastinate_engine as pe
    from safeconduct.jobs import workers
    from safeconduct.testimony import studio
    from tests.testimony.test_studio_journey import _case_key

    inst = pg_studio
    login = inst.add_staff("alice")
    with inst.runtime.db() as db:
        workers.enrol(db, inst.settings)
    with client_for(inst) as client:
        case_id, file_id, _staff = support.send_clip(client, login, support.make_clip(tmp_path / "c").read_bytes())
    key = _case_key(inst, login, case_id)
    with inst.runtime.db() as db:
        tid = studio.prepare(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                             file_id=file_id).id
        job = db.get(Job, tid)
        assert job is not None and job.engine_ref is not None
        job.state, job.holder = "running", "a-worker-that-died"
        db.commit()
    with psycopg.connect(pe.conninfo(inst.settings.database_url), autocommit=True) as conn:
        conn.execute("DELETE FROM procrastinate_jobs")
    clock = [1000.0]
    monkeypatch.setattr(pe.time, "monotonic", lambda: clock[0])
    app = pe.app_for(inst.settings.database_url)

    async def two_sweeps() -> None:
        watch = pe._Watch()
        async with app.open_async():
            await pe._recover_once(app, inst.runtime, watch)  # first sight: the counter is noted
            with inst.runtime.db() as db:
                assert db.get(Job, tid, populate_existing=True).state == "running"  # type: ignore[union-attr]
            clock[0] += pe.STALL_SECONDS * 2 + 1
            await pe._recover_once(app, inst.runtime, watch)  # it stood still: released and deferred again

    run_coroutine(two_sweeps)  # a browser test's loop may still run in this thread
    with inst.runtime.db() as db:
        job = db.get(Job, tid, populate_existing=True)
        assert job is not None and job.state == "queued" and job.holder is None
    with psycopg.connect(pe.conninfo(inst.settings.database_url)) as conn:
        waiting = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' AND args->>'job_id' = %s",
                               (tid,)).fetchone()
    assert waiting == (1,)
    monkeypatch.undo()
    support.run_until_idle(inst.settings)
    with inst.runtime.db() as db:
        assert db.get(Job, tid, populate_existing=True).state == "review"  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_job_cancelled_while_a_worker_process_runs_it_stops(pg_studio: Installation, tmp_path: Path) -> None:
    """The cancel reaches a separate worker (our row's flag, and Procrastinate's abort): the job ends
    cancelled, never at the review, its seals gone and its scratch wiped."""
    inst = pg_studio
    clip = support.make_clip(tmp_path / "clip", " ".join([support.SPEECH] * 3))
    login = inst.add_staff("alice")
    data = _worker_data(inst, "worker-a")
    _enrol(inst, data)
    with client_for(inst) as client, _worker(inst, data, tmp_path / "worker.log"):
        case_id, file_id, staff = support.send_clip(client, login, clip.read_bytes())
        url = f"/api/v1/staff/cases/{case_id}/testimonies"
        tid = client.post(url, json={"file_id": file_id}, headers=bearer(staff)).json()["id"]
        support.wait_for(lambda: _get(client, case_id, tid, staff)["state"] != "queued", every=0.1)
        r = client.post(f"{url}/{tid}/cancel", headers=bearer(staff))
        assert r.status_code == 200, r.text
        view = support.wait_for(_state_in(client, case_id, tid, staff, "cancelled", "review", "failed"))
        assert view["state"] == "cancelled", (view, (tmp_path / "worker.log").read_text())
        assert support.wait_for(lambda: list(Path(inst.settings.worker_scratch).iterdir()) == [])
    with inst.runtime.db() as db:
        assert db.scalars(select(JobSeal)).all() == []


@pytest.mark.slow
def test_a_worker_stopped_mid_job_hands_it_back_to_the_queue(pg_studio: Installation, tmp_path: Path) -> None:
    """SIGINT: the job stops at its next tick, goes back to the queue, and another worker finishes it."""
    inst = pg_studio
    clip = support.make_clip(tmp_path / "clip", " ".join([support.SPEECH] * 3))
    login = inst.add_staff("alice")
    first, second = _worker_data(inst, "worker-a"), _worker_data(inst, "worker-b")
    _enrol(inst, first)
    _enrol(inst, second)
    with client_for(inst) as client:
        case_id, file_id, staff = support.send_clip(client, login, clip.read_bytes())
        tid = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id},
                          headers=bearer(staff)).json()["id"]
        with _worker(inst, first, tmp_path / "a.log") as a:
            support.wait_for(lambda: _get(client, case_id, tid, staff)["state"] == "running", every=0.1)
            a.send_signal(signal.SIGINT)
            assert a.wait(timeout=120) == 0, (tmp_path / "a.log").read_text()
        view = _get(client, case_id, tid, staff)
        assert view["state"] in ("queued", "review"), view  # handed back (or it had just reached the review)
        with _worker(inst, second, tmp_path / "b.log"):
            view = support.wait_for(_state_in(client, case_id, tid, staff, "review", "failed"))
        assert view["state"] == "review", (view, (tmp_path / "b.log").read_text())
    assert list(Path(inst.settings.worker_scratch).iterdir()) == []
