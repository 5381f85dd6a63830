"""The embedded worker: on SQLite (`make run`) the server runs jobs itself, in one background thread.

Nothing else needs starting. Jobs survive a restart: at start the worker puts back in the queue any job
a previous server left running (there is only one embedded worker per installation), wipes the scratch
folders of dead runs, then runs queued jobs in order, woken at once when one is queued in this process.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select, update

from safeconduct.jobs import engine, runner, scratch
from safeconduct.jobs import workers as worker_keys
from safeconduct.jobs.models import Job
from safeconduct.runtime import Runtime

log = logging.getLogger("safeconduct.jobs")
POLL_SECONDS = 2.0


class EmbeddedWorker:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="safeconduct-embedded-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        engine.queued_here.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def _requeue_interrupted(self) -> None:
        """Put back in the queue the jobs a previous server left "running": those whose heartbeat counter
        stands still for a few beats (another live server process on the same database keeps its own)."""
        with self.runtime.db() as db:
            seen = dict(db.execute(select(Job.id, Job.beat).where(Job.state == "running")).all())
        if not seen or self._stopping.wait(runner.HEARTBEAT_SECONDS * 2.5):
            return
        with self.runtime.db() as db:
            for job_id, beat in seen.items():
                db.execute(update(Job).where(Job.id == job_id, Job.state == "running", Job.beat == beat)
                           .values(state="queued", holder=None))
            db.commit()

    def _loop(self) -> None:
        """Enrols (on first need), requeues what a previous server left running, then runs queued jobs.

        An idle installation is never written to: the worker writes only when there is a job.
        """
        worker = None
        try:
            self._requeue_interrupted()
            scratch.wipe_dead(self.runtime.settings)
        except Exception:
            log.exception("the embedded worker could not start")
            return
        while not self._stopping.is_set():
            engine.queued_here.clear()
            try:
                for job_id in runner.queued_ids(self.runtime.sessions):
                    if self._stopping.is_set():
                        break
                    if worker is None:
                        with self.runtime.db() as db:
                            worker = worker_keys.ensure_embedded(db, self.runtime.settings)
                    runner.run(self.runtime.settings, self.runtime.sessions, job_id, worker,
                               interrupted=self._stopping.is_set)
            except Exception:
                log.exception("the embedded worker's loop failed; it goes on")
            engine.queued_here.wait(POLL_SECONDS)
