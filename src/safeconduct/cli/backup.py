"""`safeconduct backup` and `safeconduct restore`: thin shells over safeconduct.backup."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from safeconduct.cli.output import console, fail
from safeconduct.cli.server import DataOption


def backup(
    data: Path = DataOption,
    out: Path = typer.Option(..., "-o", "--out", help="The backup file to write (it must not exist yet)."),
) -> None:
    """Write an encrypted backup of the installation (while it runs): only the recovery key opens it."""
    from safeconduct.backup import BackupError, create_backup
    from safeconduct.config import load_settings
    from safeconduct.org.service import NotInitialised

    settings = load_settings(data)
    try:
        summary = create_backup(settings, out)
    except (BackupError, NotInitialised) as exc:
        fail(str(exc))
    console.print(f"Backup written to {out.resolve()}: database (schema {summary.revision}), {summary.files} "
                  f"files, {summary.uploads} unfinished uploads, the keys folder.", highlight=False)
    console.print("It is encrypted to the organisation's recovery key: keep that key apart from the backup.")


def restore(
    backup_file: Path = typer.Argument(..., metavar="FILE", help="A file written by `safeconduct backup`."),
    data: Path = DataOption,
) -> None:
    """Restore a backup into a new installation (the recovery key is read from standard input)."""
    from safeconduct.backup import BackupError, restore_backup
    from safeconduct.config import load_settings
    from safeconduct.crypto.keys import InvalidRecoveryKey, parse_recovery_key

    text = sys.stdin.readline() if not sys.stdin.isatty() else typer.prompt("Recovery key", hide_input=True)
    try:
        summary = restore_backup(load_settings(data), backup_file, parse_recovery_key(text))
    except (BackupError, InvalidRecoveryKey) as exc:
        fail(f"{exc}. Nothing was changed.")
    console.print(f"Restored into {data.resolve()}: {summary.files} files, {summary.uploads} unfinished uploads; "
                  f"the database was upgraded from schema {summary.revision} to this version's.", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `backup` and `restore` to the main application."""
    app.command()(backup)
    app.command()(restore)
