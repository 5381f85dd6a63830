"""Testimony studio jobs on PostgreSQL: jobs per hour with 1 and 2 `safeconduct worker` processes, the CPU
cost of one job, and a contact's message latency (p50/p99) with and without a busy worker.

Each job is the whole studio journey for one short clip (espeak-ng speech over a still face, the tests'
clip): detection, an (empty) review as soon as it stops there, then the stages after it. The bench queues
`--jobs` of them at once, starts the workers and waits until every job is done.

    .venv/bin/python bench/studio_jobs.py --jobs 6 --workers 1
    .venv/bin/python bench/studio_jobs.py --jobs 6 --workers 2
    .venv/bin/python bench/studio_jobs.py --latency
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench._server import postgres_url  # noqa: E402


def _installation(folder: Path, url: str):  # type: ignore[no-untyped-def]
    from tests.conftest import make_installation

    shm = Path("/dev/shm") / f"sc-bench-{os.getpid()}"
    shm.mkdir(exist_ok=True)
    return make_installation(folder / "data", url, "postgres", worker_scratch=str(shm))


def _case_with_clip(inst, clip: bytes):  # type: ignore[no-untyped-def]
    from tests.conftest import client_for
    from tests.testimony import studio_support as support
    from tests.testimony.test_studio_journey import _case_key

    login = inst.add_staff("bench" + os.urandom(3).hex())
    with client_for(inst) as client:
        case_id, file_id, _ = support.send_clip(client, login, clip)
    return login, case_id, file_id, _case_key(inst, login, case_id)


def _workers(inst, count: int, folder: Path) -> list[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    from tests.processes import safeconduct_command

    env = {**os.environ, "SAFECONDUCT_DATABASE_URL": inst.settings.database_url,
           "SAFECONDUCT_SCRATCH": inst.settings.worker_scratch, "PYTHONPATH": str(ROOT / "src")}
    started = []
    for n in range(count):
        data = folder / f"worker-{n}"
        data.mkdir(exist_ok=True)
        for shared in ("files", "testimonies"):
            (inst.settings.data_dir / shared).mkdir(exist_ok=True)
            if not (data / shared).exists():
                (data / shared).symlink_to(inst.settings.data_dir / shared)
        subprocess.run(safeconduct_command() + ["worker", "enrol", "--data", str(data)], env=env, check=True,
                       capture_output=True)
        with (folder / f"worker-{n}.log").open("wb") as sink:
            started.append(subprocess.Popen(safeconduct_command() + ["worker", "--data", str(data)], env=env,
                                            stdout=sink, stderr=subprocess.STDOUT))
    return started


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        p.send_signal(signal.SIGINT)
    for p in processes:
        p.wait(timeout=120)


def throughput(jobs: int, workers: int) -> None:
    from tests.testimony import studio_support as support

    from safeconduct.jobs.models import Job
    from safeconduct.testimony import studio

    with tempfile.TemporaryDirectory() as tmp, postgres_url() as url:
        folder = Path(tmp)
        inst = _installation(folder, url)
        clip = support.make_clip(folder / "clip").read_bytes()
        enrolled = _workers(inst, workers, folder)  # enrolled (and running) before the jobs are sealed
        cases = [_case_with_clip(inst, clip) for _ in range(jobs)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        ids = []
        with inst.runtime.db() as db:
            for login, case_id, file_id, key in cases:
                ids.append((studio.prepare(db, inst.settings, case_id=case_id, case_key=key,
                                           staff_id=login.staff_id, file_id=file_id).id, case_id, key, login))
        pending = set(i for i, *_ in ids)
        while pending:
            time.sleep(0.5)
            with inst.runtime.db() as db:
                for tid, case_id, key, login in ids:
                    job = db.get(Job, tid, populate_existing=True)
                    assert job is not None
                    if job.state == "review":
                        studio.review(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                                      testimony_id=tid, rejected=[], added=[])
                    elif job.state in ("done", "failed", "cancelled"):
                        pending.discard(tid)
        elapsed = time.monotonic() - start
        _stop(enrolled)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        with inst.runtime.db() as db:
            states = [db.get(Job, tid).state for tid, *_ in ids]  # type: ignore[union-attr]
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        inst.runtime.engine.dispose()
    print(f"workers={workers} jobs={jobs} done={states.count('done')} elapsed={elapsed:.1f}s "
          f"jobs/hour={jobs / elapsed * 3600:.0f} worker CPU per job={cpu / jobs:.1f}s "
          f"load={os.getloadavg()[0]:.1f}")


def latency(seconds: float) -> None:
    """A contact posts messages one after another (in-process server) while a worker is idle, then busy."""
    from tests.conftest import client_for
    from tests.flows import bearer, start_contact
    from tests.testimony import studio_support as support

    from safeconduct.testimony import studio

    def measure(inst, label: str) -> None:  # type: ignore[no-untyped-def]
        times = []
        with client_for(inst) as client:
            _codename, token = start_contact(client)
            until = time.monotonic() + seconds
            while time.monotonic() < until:
                t0 = time.perf_counter()
                r = client.post("/api/v1/contact/messages", json={"text": "hello"}, headers=bearer(token))
                times.append(time.perf_counter() - t0)
                assert r.status_code == 201
        times.sort()
        p99 = times[int(len(times) * 0.99) - 1]
        print(f"{label}: {len(times)} messages, p50={statistics.median(times) * 1000:.0f} ms "
              f"p99={p99 * 1000:.0f} ms load={os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as tmp, postgres_url() as url:
        folder = Path(tmp)
        inst = _installation(folder, url)
        clip = support.make_clip(folder / "clip", " ".join([support.SPEECH] * 6)).read_bytes()
        enrolled = _workers(inst, 1, folder)
        measure(inst, "idle worker")
        login, case_id, file_id, key = _case_with_clip(inst, clip)
        with inst.runtime.db() as db:
            studio.prepare(db, inst.settings, case_id=case_id, case_key=key, staff_id=login.staff_id,
                           file_id=file_id)
        time.sleep(3)  # the worker has picked it up (transcription and detection run for tens of seconds)
        measure(inst, "busy worker")
        _stop(enrolled)
        inst.runtime.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--latency", action="store_true", help="contact message latency, idle vs busy worker")
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if args.latency:
        latency(args.seconds)
    else:
        throughput(args.jobs, args.workers)


if __name__ == "__main__":
    main()
