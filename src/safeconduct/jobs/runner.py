"""Running one job on this worker: claim it, open its key, run it in scratch space, record how it ended.

Whatever engine handed the job over, the claim is a conditional update of our `jobs` row (queued and held
by nobody → held by this run), so two workers handed the same job run it once: the second finds it held
and leaves it. While it runs, a heartbeat thread bumps the row's `beat`; every later write is conditional
on still holding the job, so a run declared stalled and taken over by another worker can no longer write
anything, and the outputs it had encrypted are removed (`JobLost`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from safeconduct.config import Settings
from safeconduct.jobs import engine
from safeconduct.jobs.models import Job
from safeconduct.jobs.workers import Identity

log = logging.getLogger("safeconduct.jobs")
HEARTBEAT_SECONDS = 2.0
PROGRESS_SECONDS = 1.0  # progress reaches the database at most once a second


class JobStopped(BaseException):
    """Raised inside a run at a progress tick to stop it (a BaseException: no stage's `except` swallows it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class JobFailed(Exception):
    """A run failed: `stage` names the stage, `message` says why in words (stored under the case key)."""

    def __init__(self, stage: str | None, message: str, code: str = "stage_failed") -> None:
        super().__init__(message)
        self.stage, self.message, self.code = stage, message, code


@dataclass
class Context:
    """What a job's work function gets: its row's id, the case key, and the hooks to report and stop."""

    job_id: str
    case_id: str
    phase: str
    case_key: bytes
    settings: Settings
    sessions: sessionmaker[Session]
    holder: str
    should_abort: Callable[[], bool] = field(default=lambda: False)
    #: True when this worker is shutting down: the job goes back to the queue, resumed at the next start
    interrupted: Callable[[], bool] = field(default=lambda: False)
    stage: str | None = None
    stages_done: list[str] = field(default_factory=list)
    lost: threading.Event = field(default_factory=threading.Event)
    _last_write: float = 0.0
    _checks: list[Callable[[], None]] = field(default_factory=list)

    @contextlib.contextmanager
    def db(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def held(self, db: Session, **values: Any) -> bool:
        """Write `values` to the job's row if this run still holds it; False when it was taken over."""
        changes: dict[str, Any] = values or {"beat": Job.beat + 1}
        result = db.execute(update(Job).where(Job.id == self.job_id, Job.holder == self.holder).values(**changes))
        return bool(getattr(result, "rowcount", 0))

    def finish(self, db: Session, **values: Any) -> None:
        """The run's last write (review reached, outputs committed): only if still held and not cancelled.

        Raises `JobStopped` ("cancelled" when a cancel came in meanwhile, "lost" when taken over); the caller
        rolls back whatever it added in the same transaction.
        """
        result = db.execute(update(Job).where(Job.id == self.job_id, Job.holder == self.holder,
                                              Job.cancel_requested.is_(False)).values(**values))
        if getattr(result, "rowcount", 0) == 1:
            return
        db.rollback()
        job = db.get(Job, self.job_id, populate_existing=True)
        if job is not None and job.holder == self.holder:
            raise JobStopped("cancelled")
        raise JobStopped("lost")

    def add_check(self, check: Callable[[], None]) -> None:
        """A check run at every tick (e.g. the scratch space's size limit); it raises to stop the run."""
        self._checks.append(check)

    def tick(self, stage: str, fraction: float, *, force: bool = False) -> None:
        """Progress of `stage` (0..1): written at most once a second; stops the run when asked to."""
        if self.lost.is_set():
            raise JobStopped("lost")
        for check in self._checks:
            check()
        if self.interrupted():
            raise JobStopped("interrupted")
        if self.should_abort():
            raise JobStopped("cancelled")
        now = time.monotonic()
        if not force and stage == self.stage and now - self._last_write < PROGRESS_SECONDS:
            return
        self._last_write = now
        self.stage = stage
        with self.db() as db:
            job = db.get(Job, self.job_id, populate_existing=True)
            if job is None or job.holder != self.holder:
                self.lost.set()
                raise JobStopped("lost")
            if job.cancel_requested:
                raise JobStopped("cancelled")
            self.held(db, stage=stage, progress=max(0.0, min(1.0, float(fraction))),
                      stages_done=",".join(self.stages_done))
            db.commit()

    def finished(self, stage: str) -> None:
        if stage not in self.stages_done:
            self.stages_done.append(stage)


def claim(sessions: sessionmaker[Session], job_id: str, worker: Identity) -> str | None:
    """Take a queued job nobody holds; return this run's holder token, or None when it is not free."""
    holder = secrets.token_hex(16)
    with sessions() as db:
        result = db.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued", Job.holder.is_(None))
            .values(state="running", holder=holder, worker_id=worker.id, attempts=Job.attempts + 1,
                    cancel_requested=False, error_code=None, error_stage=None, error_ciphertext=None)
        )
        db.commit()
    return holder if getattr(result, "rowcount", 0) == 1 else None


def _heartbeat(sessions: sessionmaker[Session], job_id: str, holder: str, stop: threading.Event,
               lost: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            with sessions() as db:
                result = db.execute(update(Job).where(Job.id == job_id, Job.holder == holder)
                                    .values(beat=Job.beat + 1))
                db.commit()
            if getattr(result, "rowcount", 0) != 1:
                lost.set()
                return
        except Exception:  # a database hiccup: the next beat tries again
            log.warning("job heartbeat failed; retrying")


def _end(sessions: sessionmaker[Session], job_id: str, holder: str, **values: Any) -> bool:
    with sessions() as db:
        result = db.execute(update(Job).where(Job.id == job_id, Job.holder == holder)
                            .values(holder=None, **values))
        if getattr(result, "rowcount", 0) == 1 and values.get("state") != "queued":
            engine.drop_seals(db, job_id)
        db.commit()
    return getattr(result, "rowcount", 0) == 1


def _error_blob(case_key: bytes | None, case_id: str, job_id: str, message: str) -> bytes | None:
    if case_key is None:
        return None
    from safeconduct.testimony.studio.service import seal_part

    return seal_part(case_key, "error", case_id, job_id, message)


def run(settings: Settings, sessions: sessionmaker[Session], job_id: str, worker: Identity,
        should_abort: Callable[[], bool] = lambda: False, interrupted: Callable[[], bool] = lambda: False) -> str:
    """Run one job if it is free; return how it ended ("review", "done", "failed", "cancelled", "skipped"...)."""
    holder = claim(sessions, job_id, worker)
    if holder is None:
        return "skipped"
    with sessions() as db:
        job = db.get(Job, job_id)
        assert job is not None
        case_id, phase, kind, stages = job.case_id, job.phase, job.kind, job.stages_done
        case_key = worker.open_seal(db, job_id)
    if case_key is None:
        _end(sessions, job_id, holder, state="failed", error_code="no_worker_key", error_stage=None)
        log.warning("job %s: this worker holds no key for it (enrol the worker, then retry)", job_id)
        return "failed"
    ctx = Context(job_id=job_id, case_id=case_id, phase=phase, case_key=case_key, settings=settings,
                  sessions=sessions, holder=holder, should_abort=should_abort, interrupted=interrupted,
                  stages_done=[s for s in stages.split(",") if s])
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(sessions, job_id, holder, stop, ctx.lost), daemon=True)
    beat.start()
    try:
        return _run(ctx, kind)
    finally:
        stop.set()
        beat.join(timeout=5)


def _run(ctx: Context, kind: str) -> str:
    from safeconduct.testimony.studio import work

    if kind != "testimony":
        _end(ctx.sessions, ctx.job_id, ctx.holder, state="failed", error_code="stage_failed")
        return "failed"
    try:
        outcome = work.run(ctx)
    except JobStopped as stop:
        if stop.code == "lost":
            log.info("job %s was taken over by another worker; this run stops", ctx.job_id)
            return "lost"
        if stop.code == "interrupted":
            _end(ctx.sessions, ctx.job_id, ctx.holder, state="queued", error_code=None,
                 stages_done=",".join(ctx.stages_done))
            return "interrupted"
        _end(ctx.sessions, ctx.job_id, ctx.holder, state="cancelled", error_code="cancelled",
             error_stage=ctx.stage, stages_done=",".join(ctx.stages_done))
        return "cancelled"
    except JobFailed as failure:
        _end(ctx.sessions, ctx.job_id, ctx.holder, state="failed", error_code=failure.code,
             error_stage=failure.stage, stages_done=",".join(ctx.stages_done),
             error_ciphertext=_error_blob(ctx.case_key, ctx.case_id, ctx.job_id, failure.message))
        return "failed"
    except OSError as error:
        code = "scratch_full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else "stage_failed"
        message = (f"The worker's scratch space filled up during the stage {ctx.stage}; the scratch was wiped. "
                   "Give the worker a larger tmpfs, then retry." if code == "scratch_full" else
                   f"The stage {ctx.stage} failed: {error.strerror or 'a file could not be read or written'}.")
        _end(ctx.sessions, ctx.job_id, ctx.holder, state="failed", error_code=code, error_stage=ctx.stage,
             stages_done=",".join(ctx.stages_done),
             error_ciphertext=_error_blob(ctx.case_key, ctx.case_id, ctx.job_id, message))
        return "failed"
    except Exception:
        log.exception("job %s failed unexpectedly", ctx.job_id)
        _end(ctx.sessions, ctx.job_id, ctx.holder, state="failed", error_code="stage_failed",
             error_stage=ctx.stage, stages_done=",".join(ctx.stages_done),
             error_ciphertext=_error_blob(ctx.case_key, ctx.case_id, ctx.job_id,
                                          f"The stage {ctx.stage} failed unexpectedly (see the worker's log)."))
        return "failed"
    return outcome


def queued_ids(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as db:
        return list(db.scalars(select(Job.id).where(Job.state == "queued", Job.holder.is_(None))
                               .order_by(Job.created_on, Job.id)))


def run_until_idle(settings: Settings, *, timeout: float = 600.0) -> int:
    """Run every queued job in this process until none is left (tests, tools); return the number of runs.

    On PostgreSQL the jobs go through Procrastinate, as with `safeconduct worker`, run until its queue is
    empty; on SQLite through the embedded worker's loop, once.
    """
    from safeconduct.runtime import Runtime

    runtime = Runtime.open(settings)
    try:
        if engine.uses_procrastinate(settings.database_url):
            from safeconduct.jobs import procrastinate_engine

            return procrastinate_engine.run_until_idle(runtime, timeout=timeout)
        from safeconduct.jobs import workers as worker_keys

        with runtime.db() as db:
            worker = worker_keys.ensure_embedded(db, settings)
        runs, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:
            ids = queued_ids(runtime.sessions)
            if not ids:
                break
            for job_id in ids:
                run(settings, runtime.sessions, job_id, worker)
                runs += 1
        return runs
    finally:
        runtime.engine.dispose()
