"""`safeconduct retention …`: see and apply the organisation's retention policy."""

from __future__ import annotations

from pathlib import Path

import typer

from safeconduct.cli.output import console, typer_app

app = typer_app(no_args_is_help=True, help="Retention: crypto-shred cases kept past the policy.")


@app.command("list")
def list_due(data: Path = typer.Option(..., "--data", help="The data folder.")) -> None:
    """Show the cases due for shredding within the warning period."""
    from safeconduct.cases import retention
    from safeconduct.cli.server import _require_installation, _runtime

    runtime = _runtime(data)
    _require_installation(runtime)
    with runtime.db() as db:
        policy = retention.Policy.from_settings(runtime.settings)
        due = retention.upcoming(db, runtime.settings)
    if not policy.active:
        console.print("No retention policy is set ([organisation.retention] in safeconduct.toml).")
        return
    for d in due:
        console.print(f"{d.label}  {d.state:<16} last activity {d.last_activity_on}  due {d.due_on} ({d.reason})")
    console.print(f"{len(due)} case(s) due within {policy.warn_days} days.")


@app.command("run")
def run(data: Path = typer.Option(..., "--data", help="The data folder."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would be shredded.")) -> None:
    """Crypto-shred every case whose retention period is over (legal holds excepted)."""
    import datetime as dt

    from safeconduct.cases import retention
    from safeconduct.cli.server import _require_installation, _runtime

    runtime = _runtime(data)
    _require_installation(runtime)
    today = dt.datetime.now(dt.UTC).date()
    with runtime.db() as db:
        if dry_run:
            labels = [d.label for d in retention.upcoming(db, runtime.settings, today=today) if d.due_on <= today]
        else:
            labels = retention.run(db, runtime.settings, today=today)
    verb = "would be shredded" if dry_run else "shredded"
    console.print(f"{len(labels)} case(s) {verb}: {', '.join(labels) or '-'}")
