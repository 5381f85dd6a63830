"""Jobs on PostgreSQL through Procrastinate: queueing, worker heartbeats, locks, abort, stalled-job retry.

A Procrastinate job carries only our job id (its arguments are stored in the clear in its tables). Its
`queueing_lock` keeps one waiting copy per job, its `lock` keeps two workers from running one job at once;
our claim on the `jobs` row (jobs/runner.py) is the last word either way. Finished Procrastinate rows are
deleted (`delete_jobs="always"`), so its tables keep no history of when which job ran.

Recovery, wired here and not left to a Procrastinate task, because of two pitfalls its tracker shows:

* A periodic recovery *task* is itself a job: when its worker dies mid-run it is stalled too, and only
  another recovery run could retry it. Ours is a plain loop beside the worker in every `safeconduct
  worker` process; it is never queued, so it cannot stall itself, and any live worker recovers the rest.
* When a dead worker's row is pruned, its jobs lose their `worker_id` and no longer show among "jobs of
  stalled workers". Ours also watches our own `jobs` rows: one that stays "running" while its `beat`
  counter stands still for `STALL_SECONDS` of this watcher's clock is released and queued again, whatever
  Procrastinate's tables say; a "queued" row with no waiting Procrastinate job is deferred again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.event_loop import run_coroutine
from safeconduct.jobs import runner, scratch
from safeconduct.jobs.models import Job
from safeconduct.jobs.workers import Identity
from safeconduct.runtime import Runtime

log = logging.getLogger("safeconduct.jobs")
TASK = "safeconduct.run_job"
QUEUE = "jobs"
HEARTBEAT_SECONDS = 2.0  # Procrastinate's worker heartbeat
STALL_SECONDS = 12.0  # no heartbeat for this long: the worker is dead, its job is retried elsewhere
RECOVERY_SECONDS = 3.0
_apps: dict[str, Any] = {}
_sync_apps: dict[str, Any] = {}
_schema_ready: set[str] = set()
_lock = threading.Lock()
#: The worker this process runs as (set by `work`), read by the task.
_current: dict[str, Any] = {}


def conninfo(database_url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix):]
    return database_url


def app_for(database_url: str) -> Any:
    """One Procrastinate app per database, with our single task registered."""
    import procrastinate

    with _lock:
        if database_url in _apps:
            return _apps[database_url]
        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))

        @app.task(name=TASK, queue=QUEUE, pass_context=True)
        async def run_job(context: Any, job_id: str) -> str:
            return await asyncio.to_thread(_run_here, context, job_id)

        _apps[database_url] = app
        return app


def sync_app_for(database_url: str) -> Any:
    """An app for the synchronous side (deferring from a web request, aborting), opened once per process."""
    import procrastinate

    with _lock:
        if database_url not in _sync_apps:
            connector = procrastinate.SyncPsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=4)
            _sync_apps[database_url] = procrastinate.App(connector=connector).open()
        return _sync_apps[database_url]


def ensure_schema(database_url: str) -> None:
    """Install Procrastinate's tables on first use (under an advisory lock: many processes may start at once)."""
    if database_url in _schema_ready:
        return
    import psycopg

    with psycopg.connect(conninfo(database_url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('safeconduct procrastinate schema'))")
        try:
            present = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if not present or present[0] is None:
                from procrastinate.schema import SchemaManager

                conn.execute(SchemaManager.get_schema())  # no parameters: sent as it is
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('safeconduct procrastinate schema'))")
    _schema_ready.add(database_url)


def defer(db: Session, settings: Settings, job_id: str) -> None:
    """Queue a Procrastinate job for our job `job_id` (once: a second waiting copy is refused by its lock)."""
    import procrastinate.exceptions

    ensure_schema(settings.database_url)
    app = sync_app_for(settings.database_url)
    try:
        ref = app.configure_task(TASK, queue=QUEUE, queueing_lock=job_id, lock=job_id).defer(job_id=job_id)
    except procrastinate.exceptions.AlreadyEnqueued:
        return
    db.execute(update(Job).where(Job.id == job_id).values(engine_ref=ref))
    db.commit()


def abort(db: Session, engine_ref: int) -> None:
    """Ask Procrastinate to cancel (waiting) or abort (running) its job; our row's flag does the rest."""
    settings_url = db.get_bind().engine.url.render_as_string(hide_password=False)
    with contextlib.suppress(Exception):
        sync_app_for(settings_url).job_manager.cancel_job_by_id(engine_ref, abort=True)


def _run_here(context: Any, job_id: str) -> str:
    worker: Identity = _current["identity"]
    runtime: Runtime = _current["runtime"]
    outcome = runner.run(runtime.settings, runtime.sessions, job_id, worker,
                         should_abort=lambda: bool(context.should_abort()),
                         interrupted=_current["stopping"].is_set)
    if outcome == "interrupted":  # this worker is stopping: queue it for another one now
        _defer_again(runtime, job_id)
    return outcome


class _Watch:
    """What the recovery loop saw of our rows at its last sweeps: (beat, since) per running or queued job."""

    def __init__(self) -> None:
        self.running: dict[str, tuple[int, float]] = {}
        self.queued: dict[str, float] = {}


async def _recover_once(app: Any, runtime: Runtime, watch: _Watch) -> int:
    """One sweep: retry Procrastinate's stalled jobs, release our stranded rows, re-defer lost queued ones."""
    recovered = 0
    stalled = await app.job_manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=STALL_SECONDS)
    for job in stalled:
        job_id = str(job.task_kwargs.get("job_id", ""))
        await asyncio.to_thread(_release, runtime, job_id, None)
        with contextlib.suppress(Exception):
            await app.job_manager.retry_job(job)
            recovered += 1
            log.info("job %s: its worker stopped sending heartbeats; queued again", job_id)
    now = time.monotonic()
    rows = await asyncio.to_thread(_our_rows, runtime)
    seen_running: dict[str, tuple[int, float]] = {}
    seen_queued: dict[str, float] = {}
    for job_id, state, beat in rows:
        if state == "running":
            last = watch.running.get(job_id)
            since = last[1] if last and last[0] == beat else now
            seen_running[job_id] = (beat, since)
            if now - since > STALL_SECONDS * 2:
                if await asyncio.to_thread(_release, runtime, job_id, beat):
                    await asyncio.to_thread(_defer_again, runtime, job_id)
                    recovered += 1
                    log.info("job %s: its holder's heartbeat stood still; queued again", job_id)
                seen_running.pop(job_id, None)
        elif state == "queued":
            since_q = watch.queued.get(job_id, now)
            seen_queued[job_id] = since_q
            if now - since_q > STALL_SECONDS * 2:
                await asyncio.to_thread(_defer_again, runtime, job_id)
                seen_queued[job_id] = now
    watch.running, watch.queued = seen_running, seen_queued
    return recovered


def _our_rows(runtime: Runtime) -> list[tuple[str, str, int]]:
    with runtime.db() as db:
        return [(r.id, r.state, r.beat) for r in db.execute(
            select(Job.id, Job.state, Job.beat).where(Job.state.in_(("running", "queued"))))]


def _release(runtime: Runtime, job_id: str, beat: int | None) -> bool:
    """Put a running job whose holder is gone back in the queue (only if nothing moved since `beat`)."""
    with runtime.db() as db:
        query = update(Job).where(Job.id == job_id, Job.state == "running")
        if beat is not None:
            query = query.where(Job.beat == beat)
        result = db.execute(query.values(state="queued", holder=None))
        db.commit()
    return bool(getattr(result, "rowcount", 0))


def _defer_again(runtime: Runtime, job_id: str) -> None:
    with contextlib.suppress(Exception), runtime.db() as db:
        defer(db, runtime.settings, job_id)


async def work(runtime: Runtime, identity: Identity, *, until_idle: bool = False, timeout: float = 600.0) -> None:
    """Run this process as a worker: Procrastinate's worker and our recovery loop beside it."""
    ensure_schema(runtime.settings.database_url)
    scratch.wipe_dead(runtime.settings)
    app = app_for(runtime.settings.database_url)
    stopping = threading.Event()
    _current.update(identity=identity, runtime=runtime, stopping=stopping)
    async with app.open_async():
        watch = _Watch()

        async def recovery() -> None:
            # stops with the worker: a stopping worker's heartbeats end before its job has handed itself back,
            # and its own sweep must not mistake that job for a dead worker's
            while not stopping.is_set():
                try:
                    await _recover_once(app, runtime, watch)
                except Exception:
                    log.exception("job recovery sweep failed; the next one retries")
                await asyncio.sleep(RECOVERY_SECONDS)

        sweeper = asyncio.create_task(recovery())
        try:
            if until_idle:
                await asyncio.wait_for(app.run_worker_async(
                    queues=[QUEUE], concurrency=1, wait=False, delete_jobs="always", install_signal_handlers=False,
                    update_heartbeat_interval=HEARTBEAT_SECONDS, stalled_worker_timeout=STALL_SECONDS,
                ), timeout=timeout)
            else:
                # Our own stop signals: the running job stops at its next progress tick and goes back to the
                # queue (resumed elsewhere from its last stage), then Procrastinate's worker shuts down.
                running = asyncio.create_task(app.run_worker_async(
                    queues=[QUEUE], concurrency=1, delete_jobs="always", install_signal_handlers=False,
                    update_heartbeat_interval=HEARTBEAT_SECONDS, stalled_worker_timeout=STALL_SECONDS,
                    fetch_job_polling_interval=2.0, abort_job_polling_interval=1.0,
                ))
                loop = asyncio.get_running_loop()

                def stop() -> None:
                    log.info("stop requested: the running job goes back to the queue at its next tick")
                    stopping.set()
                    running.cancel()

                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(sig, stop)
                with contextlib.suppress(asyncio.CancelledError):
                    await running
        finally:
            stopping.set()
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


def run_until_idle(runtime: Runtime, *, timeout: float = 600.0) -> int:
    """Run Procrastinate's queue in this process until it is empty (tests, tools)."""
    from safeconduct.jobs import workers as worker_keys

    with runtime.db() as db:
        identity = worker_keys.enrol(db, runtime.settings)[0]
        pending = len(db.scalars(select(Job.id).where(Job.state == "queued")).all())
        for job_id in db.scalars(select(Job.id).where(Job.state == "queued")):
            _defer_again(runtime, job_id)
    run_coroutine(lambda: work(runtime, identity, until_idle=True, timeout=timeout))
    return pending


def close(database_url: str | None = None) -> None:
    """Close the synchronous connection pools (all, or one database's): at shutdown, or before a test drops
    its database."""
    with _lock:
        for url in [u for u in _sync_apps if database_url in (None, u)]:
            with contextlib.suppress(Exception):
                _sync_apps.pop(url).close()
            _schema_ready.discard(url)
