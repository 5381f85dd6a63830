"""The `safeconduct` command line.

Each area of the product registers its own Typer sub-application in a module of this package, so the
modules stay small and independent; heavy libraries are imported inside commands, never at import time,
so `safeconduct --help` stays instant.
"""

from __future__ import annotations

from safeconduct.cli import (
    archive,
    backup,
    dossier,
    keys,
    ledger,
    partners,
    retention,
    rights,
    server,
    testimony,
    text,
    voice,
    worker,
)
from safeconduct.cli.output import typer_app

app = typer_app(
    name="safeconduct",
    help="safeconduct: anonymous contact, case work and testimony anonymization.",
    no_args_is_help=True,
    add_completion=False,
)

server.register(app)
ledger.register(app)
dossier.register(app)
keys.register(app)
backup.register(app)
app.add_typer(voice.app, name="voice", help="Voice anonymization and its privacy measurement.")
app.add_typer(text.app, name="text", help="Redaction of identifying details in text.")
app.add_typer(testimony.app, name="testimony", help="The whole testimony anonymization pipeline.")
app.add_typer(retention.app, name="retention")
app.add_typer(rights.app, name="rights")
app.add_typer(partners.app, name="partners")
app.add_typer(worker.app, name="worker")
app.add_typer(archive.app, name="archive")


def main() -> None:
    """Entry point of the console script."""
    app()
