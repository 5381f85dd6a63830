"""`safeconduct worker`: run background jobs (testimonies) here; `worker enrol`: make this worker's keys."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from safeconduct.cli.output import console, err, fail, typer_app

app = typer_app(help="Run background jobs (testimony preparation) on this machine, or enrol it.",
                invoke_without_command=True)


if TYPE_CHECKING:
    from safeconduct.runtime import Runtime


def _runtime(data: Path) -> Runtime:
    from safeconduct.config import load_settings
    from safeconduct.runtime import Runtime

    return Runtime.open(load_settings(data))


@app.callback()
def run(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help="The worker's data folder (its key, its settings)."),
) -> None:
    """Run jobs until stopped: through Procrastinate on PostgreSQL (SAFECONDUCT_DATABASE_URL), else the queue
    of the embedded SQLite database in DIR."""
    if ctx.invoked_subcommand is not None:
        return
    if data is None:
        fail("give the worker's data folder: safeconduct worker --data DIR")
    import asyncio

    from safeconduct.jobs import engine, scratch
    from safeconduct.jobs import workers as worker_keys

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    runtime = _runtime(data)
    try:
        scratch.root(runtime.settings)
    except scratch.ScratchError as exc:
        fail(f"{exc}.")
    with runtime.db() as db:
        try:
            identity = worker_keys.identity(db, runtime.settings)
        except worker_keys.NotEnrolled as exc:
            fail(f"{exc}.")
    if engine.uses_procrastinate(runtime.settings.database_url):
        from safeconduct.jobs import procrastinate_engine

        err.print(f"Worker {identity.id} running jobs from PostgreSQL (Procrastinate); stop with Ctrl-C.",
                  highlight=False)
        asyncio.run(procrastinate_engine.work(runtime, identity))
        return
    from safeconduct.jobs.embedded import EmbeddedWorker

    err.print(f"Worker {identity.id} running jobs from {runtime.settings.database_url}; stop with Ctrl-C. (On "
              "SQLite the server runs its own worker: this is only for running jobs without a server.)",
              highlight=False)
    worker = EmbeddedWorker(runtime)
    worker.start()
    try:
        while True:
            worker._thread.join(1.0)  # type: ignore[union-attr]
    except KeyboardInterrupt:
        worker.stop()


@app.command()
def enrol(data: Path = typer.Option(..., "--data", help="The worker's data folder.")) -> None:
    """Make this worker's key pair (the private half stays in DIR/keys, mode 0600) and register its public half."""
    from safeconduct.crypto.keys import key_fingerprint
    from safeconduct.jobs import workers as worker_keys

    runtime = _runtime(data)
    try:
        with runtime.db() as db:
            identity, created = worker_keys.enrol(db, runtime.settings)
    except Exception as exc:  # a database that is not there or not initialised
        fail(f"could not enrol this worker: {exc}")
    public = bytes(identity.private_key.public_key)
    word = "Enrolled" if created else "Already enrolled:"
    console.print(f"{word} worker {identity.id}, key {key_fingerprint(public)}; its private key is "
                  f"{worker_keys.key_path(runtime.settings)}. New jobs are sealed to it.", highlight=False)
