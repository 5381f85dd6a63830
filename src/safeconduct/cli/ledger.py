"""`safeconduct verify` and `safeconduct dossier …` (filled in by the ledger work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the main application."""
