"""Queueing, sealing and steering jobs; the one place that knows which engine moves them.

On SQLite (the embedded default) the server runs one worker itself (`jobs.embedded`): a job is a row in
our `jobs` table and the worker polls for it, woken at once when a job is queued in the same process.
On PostgreSQL, jobs go through Procrastinate (`jobs.procrastinate_engine`): `enqueue` defers a
Procrastinate job carrying only our job id, any number of `safeconduct worker` processes fetch them, and
its heartbeats, locks and abort requests do the distributed part. Either way our `jobs` row stays the
source of truth for state, stage, progress, error and cancellation.
"""

from __future__ import annotations

import threading

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.crypto import sealing
from safeconduct.jobs.models import Job, JobSeal, Worker

#: Woken when a job is queued in this process (the embedded worker waits on it between polls).
queued_here = threading.Event()


def uses_procrastinate(database_url: str) -> bool:
    return database_url.startswith(("postgresql", "postgres"))


def seal_for_job(db: Session, job: Job, case_key: bytes, settings: Settings | None = None) -> int:
    """Seal the case key to every active enrolled worker, for this job only; return how many.

    On the embedded installation (SQLite) the server's own worker is enrolled first if it is not yet.
    Flushed, not committed.
    """
    if settings is not None and not uses_procrastinate(settings.database_url):
        from safeconduct.jobs import workers as worker_keys

        if db.scalar(select(Worker.id).where(Worker.kind == "embedded", Worker.active.is_(True))) is None:
            db.flush()
            worker_keys.enrol(db, settings, kind="embedded")
    db.execute(delete(JobSeal).where(JobSeal.job_id == job.id))
    workers = db.scalars(select(Worker).where(Worker.active.is_(True))).all()
    for worker in workers:
        db.add(JobSeal(job_id=job.id, worker_id=worker.id, sealed=sealing.seal(worker.public_key, case_key)))
    return len(workers)


def drop_seals(db: Session, job_id: str) -> None:
    """The job ended or stopped at the review: no worker may open its case any more (not committed)."""
    db.execute(delete(JobSeal).where(JobSeal.job_id == job_id))


def enqueue(db: Session, settings: Settings, job_id: str) -> None:
    """Hand a committed, queued job to the engine."""
    if uses_procrastinate(settings.database_url):
        from safeconduct.jobs import procrastinate_engine

        procrastinate_engine.defer(db, settings, job_id)
    queued_here.set()


def request_cancel(db: Session, job: Job) -> None:
    """Cancel a waiting job now; ask a running one to stop at its next progress tick (not committed)."""
    if job.state == "running":
        job.cancel_requested = True
        if job.engine_ref is not None:
            from safeconduct.jobs import procrastinate_engine

            procrastinate_engine.abort(db, job.engine_ref)
        return
    job.state, job.error_code, job.cancel_requested = "cancelled", "cancelled", True
    job.error_ciphertext = None
    job.holder = None
    drop_seals(db, job.id)
    if job.engine_ref is not None:
        from safeconduct.jobs import procrastinate_engine

        procrastinate_engine.abort(db, job.engine_ref)
