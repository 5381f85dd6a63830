"""`safeconduct verify BUNDLE` and the `safeconduct dossier …` group: thin shells over ledger/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from safeconduct.cli.output import typer_app

if TYPE_CHECKING:
    from safeconduct.ledger.trust import Pins

dossier = typer_app(no_args_is_help=True, help="Court dossiers: the PDF and the verifiable bundle.")


#: Exit statuses of `verify` (documented in docs/ledger.md; scripts and the court's clerk rely on them).
EXIT_VERIFIED, EXIT_INVALID, EXIT_USAGE, EXIT_KEY_NOT_CONFIRMED = 0, 1, 2, 3

ExpectKeyOption = typer.Option(
    None, "--expect-key", metavar="FINGERPRINT",
    help="The organisation's key fingerprint (as on the dossier PDF's first page or from `safeconduct key "
         "fingerprint`), with or without spaces or colons; or its public key in hex.")
TrustedKeysOption = typer.Option(
    None, "--trusted-keys", metavar="FILE",
    help="A file of key fingerprints you trust, one per line ('#' starts a comment).")


def _pins(expect_key: str | None, trusted_keys: Path | None) -> Pins | None:
    """The keys the person checking trusts; exits with EXIT_USAGE on a malformed pin or unreadable file."""
    from safeconduct.ledger.trust import PinError, Pins, read_trusted_keys

    try:
        keys: list[str] = []
        sources: list[str] = []
        if expect_key is not None:
            keys += Pins.of([expect_key]).keys
            sources.append("--expect-key")
        if trusted_keys is not None:
            try:
                text = trusted_keys.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise PinError(f"cannot read {trusted_keys}: {getattr(exc, 'strerror', None) or exc}") from None
            keys += read_trusted_keys(text, str(trusted_keys)).keys
            sources.append(str(trusted_keys))
    except PinError as exc:
        typer.echo(f"NOT VERIFIED: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    return Pins(tuple(keys), " and ".join(sources)) if keys else None


def not_confirmed_message(fingerprint: str, command: str) -> str:
    """One line (never wrapped): why this is not VERIFIED, and the one command that would make it so."""
    return (f"KEY NOT CONFIRMED: signature valid, but by a key you have not confirmed: compare {fingerprint} "
            "with the organisation's fingerprint from a channel you trust (its website, a letter, the first page "
            "of a dossier PDF it handed to you; one read only from this download proves nothing), then run "
            f"`{command} --expect-key FINGERPRINT` with the fingerprint from that channel")


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def _verify_letter(path: Path, pins: Pins | None, as_json: bool) -> None:
    """A signed letter (a request to the authorities): its PDF signature, statement and attachments."""
    from safeconduct.ledger.signed_letter import LetterError, check

    _verify_other(path, lambda: check(path.read_bytes(), pins=pins), (LetterError, OSError), as_json)


def _verify_archive_file(path: Path, pins: Pins | None, as_json: bool) -> None:
    """A file downloaded from the prevention archive, against the signed entry beside it."""
    from safeconduct.archive.verify import ArchiveVerificationError, verify_file

    _verify_other(path, lambda: verify_file(path, pins=pins), (ArchiveVerificationError,), as_json)


def _verify_other(path: Path, check: Callable[[], Any], errors: tuple[type[Exception], ...], as_json: bool) -> None:
    """Print and exit like a dossier's check: VERIFIED (0), KEY NOT CONFIRMED (3), NOT VERIFIED (1)."""
    try:
        report = check()
    except errors as exc:
        if as_json:
            typer.echo(json.dumps({"verified": False, "status": "invalid", "error": str(exc)}))
        else:
            typer.echo(f"NOT VERIFIED: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if as_json:
        status = "verified" if report.key_confirmed else "key_not_confirmed"
        typer.echo(json.dumps({**report.to_json(), "status": status}, indent=1))
    elif report.key_confirmed:
        typer.echo(f"VERIFIED: {report.summary()}")
    else:
        typer.echo(not_confirmed_message(report.fingerprint, f"safeconduct verify {path}"), err=True)
    if not report.key_confirmed:
        raise typer.Exit(EXIT_KEY_NOT_CONFIRMED)


def verify(
    bundle: Path = typer.Argument(..., help="The dossier download (.zip), the folder it unzips to, its bundle.zip, "
                                    "a signed letter (.pdf), or a file from the archive (beside its entry.json)."),
    expect_key: str | None = ExpectKeyOption,
    trusted_keys: Path | None = TrustedKeysOption,
    tsa_root: Path | None = typer.Option(
        None, "--tsa-root", help="PEM root certificate of the timestamp authority you trust (requires a timestamp)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (for programs)."),
) -> None:
    """Check every hash, signature, commitment and Merkle proof of a dossier, offline; say what holds.

    Exit status 0: VERIFIED, signed by a key you gave. 3: intact, but signed by a key you did not confirm.
    1: NOT VERIFIED (changed, damaged, or signed by another key). 2: an option could not be used.
    """
    from safeconduct.ledger.verify import VerificationError, verify_file

    pins = _pins(expect_key, trusted_keys)
    if _is_pdf(bundle):
        _verify_letter(bundle, pins, as_json)
        return
    from safeconduct.archive.verify import has_entry

    if has_entry(bundle):
        _verify_archive_file(bundle, pins, as_json)
        return
    try:
        roots = tsa_root.read_bytes() if tsa_root else None
    except OSError as exc:
        typer.echo(f"NOT VERIFIED: cannot read {tsa_root}: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    _verify_other(bundle, lambda: verify_file(bundle, expect_key=pins, tsa_roots_pem=roots), (VerificationError,),
                  as_json)


@dossier.command("pdf")
def dossier_pdf(
    bundle: Path = typer.Argument(..., help="A verified bundle (.zip)."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the PDF."),
    expect_key: str | None = ExpectKeyOption,
    trusted_keys: Path | None = TrustedKeysOption,
) -> None:
    """Render the court PDF from a bundle (verified first against the key you give; nothing from a broken one)."""
    from safeconduct.ledger.dossier_pdf import render_pdf
    from safeconduct.ledger.verify import VerificationError, verify_file

    pins = _pins(expect_key, trusted_keys)
    try:
        report = verify_file(bundle, expect_key=pins)
    except VerificationError as exc:
        typer.echo(f"NOT VERIFIED: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if not report.key_confirmed:
        typer.echo(not_confirmed_message(report.fingerprint, f"safeconduct dossier pdf {bundle} -o {out}"), err=True)
        raise typer.Exit(EXIT_KEY_NOT_CONFIRMED)
    out.write_bytes(render_pdf(report))
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the main application."""
    app.command("verify")(verify)
    app.add_typer(dossier, name="dossier")
