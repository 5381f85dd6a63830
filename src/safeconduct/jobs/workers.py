"""Enrolling a worker: its key pair, the public half registered, the private half kept on its machine.

Like the ledger signing key (`crypto/keys.py`), a worker's private key must work while nobody is logged
in, so it is a file in the worker's data folder, mode 0600, never in the database. It opens the case keys
sealed to this worker for the jobs it is given, and nothing else: seals are per job and removed when the
job ends or stops at the review (docs/threat-model.md, "A seized worker").
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.crypto import sealing
from safeconduct.jobs.models import JobSeal, Worker


class NotEnrolled(Exception):
    """This machine holds no worker key, or its key is not registered in the database."""


@dataclass(frozen=True)
class Identity:
    """An enrolled worker as it runs: its row id and private key (held in memory only)."""

    id: int
    private_key: PrivateKey

    def open_seal(self, db: Session, job_id: str) -> bytes | None:
        """The case key of `job_id` when it was sealed to this worker; None when it was not."""
        seal = db.get(JobSeal, (job_id, self.id), populate_existing=True)
        if seal is None:
            return None
        try:
            return sealing.unseal(self.private_key, seal.sealed)
        except sealing.DecryptionError:
            return None


def key_path(settings: Settings) -> Path:
    return settings.keys_dir / "worker.key"


def _write_key(path: Path) -> PrivateKey:
    key = PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(key))
    return key


def _read_key(path: Path) -> PrivateKey:
    return PrivateKey(path.read_bytes())


def enrol(db: Session, settings: Settings, *, kind: str = "remote") -> tuple[Identity, bool]:
    """Make this machine's worker key (once) and register its public half; return it and whether it is new."""
    path = key_path(settings)
    key = _read_key(path) if path.exists() else _write_key(path)
    public = bytes(key.public_key)
    row = db.scalar(select(Worker).where(Worker.public_key == public))
    created = row is None
    if row is None:
        row = Worker(public_key=public, enrolled_on=dt.datetime.now(dt.UTC).date(), kind=kind, active=True)
        db.add(row)
    row.active = True
    db.commit()
    return Identity(id=row.id, private_key=key), created


def identity(db: Session, settings: Settings) -> Identity:
    """The enrolled worker of this data folder; `NotEnrolled` when there is none."""
    path = key_path(settings)
    if not path.exists():
        raise NotEnrolled(f"no worker key in {settings.keys_dir}: run `safeconduct worker enrol --data "
                          f"{settings.data_dir}` first")
    key = _read_key(path)
    row = db.scalar(select(Worker).where(Worker.public_key == bytes(key.public_key)))
    if row is None or not row.active:
        raise NotEnrolled("this worker's key is not registered in the database: run `safeconduct worker enrol "
                          f"--data {settings.data_dir}` again")
    return Identity(id=row.id, private_key=key)


def ensure_embedded(db: Session, settings: Settings) -> Identity:
    """The server's own worker on the embedded (SQLite) installation, enrolled on first use."""
    return enrol(db, settings, kind="embedded")[0]
