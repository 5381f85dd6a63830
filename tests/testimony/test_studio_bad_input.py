"""The testimony studio's bad inputs, each failing clearly with nothing lost and no plaintext left behind."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from safeconduct.errors import Conflict, InvalidInput
from safeconduct.jobs import runner
from safeconduct.jobs.models import Job, JobSeal
from safeconduct.testimony import studio
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer
from tests.testimony import studio_support as support
from tests.testimony.test_studio_journey import _case_key


@pytest.fixture
def inst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Installation]:
    monkeypatch.setenv("SAFECONDUCT_EMBEDDED_WORKER", "0")  # the tests run the jobs themselves
    scratch = support.scratch_settings_for(tmp_path.name)
    installation = make_installation(tmp_path / "data", None, "sqlite", **scratch)
    yield installation
    installation.runtime.engine.dispose()
    shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return support.make_clip(tmp_path_factory.mktemp("clip")).read_bytes()


def _sent(inst: Installation, body: bytes, name: str = "interview.mp4",
          content_type: str = "video/mp4") -> tuple[str, str, bytes, Any]:
    login = inst.add_staff("alice")
    with client_for(inst) as client:
        case_id, file_id, _staff = support.send_clip(client, login, body, name, content_type)
    return case_id, file_id, _case_key(inst, login, case_id), login


def _prepare(inst: Installation, body: bytes, **options: str) -> tuple[str, str, bytes]:
    case_id, file_id, key, login = _sent(inst, body)
    with inst.runtime.db() as db:
        view = studio.prepare(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                              file_id=file_id, **options)
    return case_id, view.id, key


def _view(inst: Installation, case_id: str, tid: str, key: bytes) -> studio.TestimonyView:
    with inst.runtime.db() as db:
        return studio.view(db, case_id=case_id, case_key=key, testimony_id=tid)


def _scratch_empty(inst: Installation) -> bool:
    return list(Path(inst.settings.worker_scratch).iterdir()) == []


def _no_seals(inst: Installation, tid: str) -> bool:
    with inst.runtime.db() as db:
        return db.scalars(select(JobSeal).where(JobSeal.job_id == tid)).all() == []


def test_a_recording_with_no_audio_fails_at_the_probe(inst: Installation, tmp_path: Path) -> None:
    silent = support.make_clip(tmp_path / "silent", audio=False).read_bytes()
    case_id, tid, key = _prepare(inst, silent)
    support.run_until_idle(inst.settings)
    view = _view(inst, case_id, tid, key)
    assert view.state == "failed"
    assert view.error is not None and "probe" in view.error and "no audio" in view.error
    assert dict(view.stages)["probe"] == "failed"
    assert "sc-test" not in view.error and "/" not in view.error.replace("w/", "")  # no scratch path
    assert _scratch_empty(inst) and _no_seals(inst, tid)


def test_a_corrupt_file_fails_at_the_probe(inst: Installation, clip: bytes) -> None:
    corrupt = clip[:200] + bytes(5000) + clip[-100:]
    case_id, tid, key = _prepare(inst, corrupt)
    support.run_until_idle(inst.settings)
    view = _view(inst, case_id, tid, key)
    assert view.state == "failed" and view.error is not None and "probe" in view.error
    assert _scratch_empty(inst)


def test_a_file_that_is_not_a_recording_is_refused(inst: Installation) -> None:
    case_id, file_id, key, login = _sent(inst, b"just some notes", "notes.txt", "text/plain")
    with inst.runtime.db() as db:
        assert studio.media_files(db, case_id=case_id, case_key=key) == []
        with pytest.raises(InvalidInput):
            studio.prepare(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                           file_id=file_id)
        assert db.scalars(select(Job)).all() == []


def test_a_language_no_installed_model_covers_says_what_to_install(inst: Installation, clip: bytes) -> None:
    case_id, tid, key = _prepare(inst, clip, language="fr")
    support.run_until_idle(inst.settings)
    view = _view(inst, case_id, tid, key)
    assert view.state == "failed" and view.error is not None
    assert "transcribe" in view.error and "--asr-model" in view.error and "multilingual" in view.error
    assert dict(view.stages)["probe"] == "done" and dict(view.stages)["transcribe"] == "failed"


def test_a_worker_without_a_key_for_the_job_refuses_it(inst: Installation, clip: bytes) -> None:
    case_id, tid, key = _prepare(inst, clip)
    with inst.runtime.db() as db:  # sealed to no enrolled worker (e.g. prepared before any was enrolled)
        for seal in db.scalars(select(JobSeal)):
            db.delete(seal)
        db.commit()
    support.run_until_idle(inst.settings)
    view = _view(inst, case_id, tid, key)
    assert view.state == "failed" and view.error is not None and "needs enrolling" in view.error
    with inst.runtime.db() as db:  # a caseworker's retry seals the key again; the job then runs
        studio.retry(db, inst.settings, case_id=case_id, case_key=key, testimony_id=tid, staff_id=1)
    support.run_until_idle(inst.settings)
    assert _view(inst, case_id, tid, key).state == "review"


def test_two_workers_handed_the_same_job_run_it_once(inst: Installation, clip: bytes) -> None:
    from safeconduct.jobs import workers

    case_id, tid, key = _prepare(inst, clip)
    with inst.runtime.db() as db:
        worker = workers.ensure_embedded(db, inst.settings)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def take() -> None:
        barrier.wait()
        outcomes.append(runner.run(inst.settings, inst.runtime.sessions, tid, worker))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["review", "skipped"]
    with inst.runtime.db() as db:
        assert db.get(Job, tid).attempts == 1  # type: ignore[union-attr]


def test_a_full_scratch_space_fails_clearly_and_is_wiped_then_retry_resumes(inst: Installation, clip: bytes
                                                                           ) -> None:
    case_id, tid, key = _prepare(inst, clip)
    tiny = dataclasses.replace(inst.settings, worker_scratch_limit_bytes=len(clip) // 2)
    support.run_until_idle(tiny)
    view = _view(inst, case_id, tid, key)
    assert view.state == "failed" and view.error is not None and "scratch space filled up" in view.error
    assert _scratch_empty(inst)
    with inst.runtime.db() as db:
        studio.retry(db, inst.settings, case_id=case_id, case_key=key, testimony_id=tid, staff_id=1)
    support.run_until_idle(inst.settings)
    assert _view(inst, case_id, tid, key).state == "review"


def test_a_job_cancelled_mid_stage_stops_at_the_next_tick(inst: Installation, clip: bytes,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import safeconduct.testimony.pipeline as pipeline

    case_id, tid, key = _prepare(inst, clip)
    real = pipeline.anonymize_testimony

    def cancelled_during_transcription(source: Path, outdir: Path, options: Any, progress: Any) -> Any:
        progress("probe", 0, 1)
        progress("transcribe", 0, 1)
        with inst.runtime.db() as db:  # a caseworker presses "cancel" while the stage runs
            studio.cancel(db, case_id=case_id, testimony_id=tid, staff_id=1)
        (outdir / "half-written.wav").write_bytes(b"RIFF" + bytes(1000))
        progress("transcribe", 0.5, 1)
        return real(source, outdir, options, progress)  # never reached

    monkeypatch.setattr(pipeline, "anonymize_testimony", cancelled_during_transcription)
    support.run_until_idle(inst.settings)
    view = _view(inst, case_id, tid, key)
    assert view.state == "cancelled" and view.error == "Cancelled by a caseworker."
    assert _scratch_empty(inst) and _no_seals(inst, tid)
    with inst.runtime.db() as db, pytest.raises(Conflict):
        studio.cancel(db, case_id=case_id, testimony_id=tid, staff_id=1)


def test_the_api_refuses_a_review_before_detection_and_an_unknown_file(inst: Installation, clip: bytes) -> None:
    login = inst.add_staff("bob")
    with client_for(inst) as client:
        case_id, file_id, staff = support.send_clip(client, login, clip)
        url = f"/api/v1/staff/cases/{case_id}/testimonies"
        assert client.post(url, json={"file_id": "0" * 32}, headers=bearer(staff)).status_code == 404
        assert client.post(url, json={"file_id": file_id, "faces": "smudge"}, headers=bearer(staff)).status_code == 422
        tid = client.post(url, json={"file_id": file_id}, headers=bearer(staff)).json()["id"]
        r = client.put(f"{url}/{tid}/review", json={"rejected": [], "added": []}, headers=bearer(staff))
        assert r.status_code == 409
        assert client.get(f"{url}/{tid}/outputs-nothing", headers=bearer(staff)).status_code == 404
        listed = client.get(url, headers=bearer(staff)).json()["testimonies"]
        assert [t["id"] for t in listed] == [tid] and listed[0]["state"] == "queued"
