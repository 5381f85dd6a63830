"""`safeconduct partners …`: the partner organisations cases can be referred to."""

from __future__ import annotations

from pathlib import Path

import typer

from safeconduct.cli.output import console, fail, typer_app

app = typer_app(no_args_is_help=True, help="Partner organisations: lawyers, exit programmes, reintegration services.")


@app.command("add")
def add(name: str = typer.Argument(..., help="The partner's name."),
        kind: str = typer.Option(..., "--kind", help="lawyer, exit_programme or reintegration."),
        country: str = typer.Option(..., "--country", help="Two letters, e.g. FR or BE."),
        public_key: str = typer.Option("", "--public-key", help="The partner's own public key, if they gave one."),
        data: Path = typer.Option(..., "--data", help="The data folder.")) -> None:
    """Add a partner organisation."""
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.errors import Refusal
    from safeconduct.referrals import partners

    runtime = _runtime(data)
    _require_installation(runtime)
    with runtime.db() as db:
        try:
            added = partners.add(db, name=name, kind=kind, country=country, public_key=public_key or None)
        except Refusal as exc:
            fail(str(exc))
    console.print(f"Added partner {added.id}: {added.name} ({added.kind}, {added.country}).")


@app.command("list")
def list_partners(data: Path = typer.Option(..., "--data", help="The data folder.")) -> None:
    """List the partner organisations."""
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.referrals import partners

    runtime = _runtime(data)
    _require_installation(runtime)
    with runtime.db() as db:
        listed = partners.list_partners(db)
    for p in listed:
        key = f"  key {p.public_key}" if p.public_key else ""
        console.print(f"{p.id:>4}  {p.country}  {p.kind:<15} {p.name}{key}")
    console.print(f"{len(listed)} partner(s).")
