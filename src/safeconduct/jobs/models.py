"""Background jobs, the workers that run them, and the case key sealed to those workers for one job.

Our `jobs` table is the source of truth for a job's state, stage, progress, error and cancellation,
whatever engine moves it between workers (docs/architecture.md, "Jobs"). Nothing here names a person or
quotes content: the error in words lives under the case key (`error_ciphertext`); in the clear is only a
short code. No time finer than the day sits next to a case id: liveness is a counter (`beat`), not a time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base


class Worker(Base):
    """An enrolled worker: its public key (the private half stays on the worker machine)."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    #: "embedded" (the server's own, on SQLite) or "remote" (`safeconduct worker enrol`)
    kind: Mapped[str] = mapped_column(String(16), default="remote")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Job(Base):
    """One job; for a testimony, `id` is also the testimony's id."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: queued | running | review | done | failed | cancelled
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    #: what the next run does: "detect" (up to the review) or "apply" (after it)
    phase: Mapped[str] = mapped_column(String(16), default="detect")
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    #: the finished stages, comma-separated stage names (no content)
    stages_done: Mapped[str] = mapped_column(String(200), default="")
    #: a short code for the error ("stage_failed", "no_worker_key", "cancelled", "interrupted"...)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: the stage that failed, clear (a stage name)
    error_stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the error in words, under the case key (a pipeline message may quote a word of the testimony)
    error_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the run holding the job now (a random token per run), None when nobody runs it
    holder: Mapped[str | None] = mapped_column(String(32), nullable=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"), nullable=True)
    #: bumped by the holder's heartbeat: a watcher that sees it stand still long enough declares it stalled
    beat: Mapped[int] = mapped_column(BigInteger, default=0)
    #: the engine's own job id (Procrastinate on PostgreSQL), None on the embedded worker
    engine_ref: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_on: Mapped[dt.date] = mapped_column(Date)


class JobSeal(Base):
    """The case key sealed to one enrolled worker for one job; deleted when the job ends or stops at review."""

    __tablename__ = "job_seals"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary(128))
