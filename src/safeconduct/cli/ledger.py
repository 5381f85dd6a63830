"""`safeconduct verify BUNDLE` and the `safeconduct dossier …` group: thin shells over ledger/."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from safeconduct.cli.output import typer_app

dossier = typer_app(no_args_is_help=True, help="Court dossiers: the PDF and the verifiable bundle.")


def verify(
    bundle: Path = typer.Argument(..., help="The bundle (.zip) exported with a dossier."),
    expect_key: str | None = typer.Option(
        None, "--expect-key", help="The organisation's public key or fingerprint the bundle must be signed with."
    ),
    tsa_root: Path | None = typer.Option(
        None, "--tsa-root", help="PEM root certificate of the timestamp authority you trust (requires a timestamp)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (for programs)."),
) -> None:
    """Check every hash, signature, commitment and Merkle proof of a bundle, offline; say what holds."""
    from safeconduct.ledger.verify import VerificationError, verify_file

    try:
        roots = tsa_root.read_bytes() if tsa_root else None
    except OSError as exc:
        typer.echo(f"NOT VERIFIED: cannot read {tsa_root}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    try:
        report = verify_file(bundle, expect_key=expect_key, tsa_roots_pem=roots)
    except VerificationError as exc:
        if as_json:
            typer.echo(json.dumps({"verified": False, "error": str(exc)}))
        else:
            typer.echo(f"NOT VERIFIED: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(report.to_json(), indent=1) if as_json else f"VERIFIED: {report.summary()}")


@dossier.command("pdf")
def dossier_pdf(
    bundle: Path = typer.Argument(..., help="A verified bundle (.zip)."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the PDF."),
    expect_key: str | None = typer.Option(None, "--expect-key", help="Public key or fingerprint to insist on."),
) -> None:
    """Render the court PDF from a bundle (it is verified first; nothing is rendered from a broken one)."""
    from safeconduct.ledger.dossier_pdf import render_pdf
    from safeconduct.ledger.verify import VerificationError, verify_file

    try:
        report = verify_file(bundle, expect_key=expect_key)
    except VerificationError as exc:
        typer.echo(f"NOT VERIFIED: {exc}", err=True)
        raise typer.Exit(1) from None
    out.write_bytes(render_pdf(report))
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the main application."""
    app.command("verify")(verify)
    app.add_typer(dossier, name="dossier")
