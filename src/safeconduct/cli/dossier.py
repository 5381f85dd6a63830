"""`safeconduct dossier export`: the court dossier of a case, from the command line.

Opening a case needs a key sealed to someone. We ask for a caseworker's identity (username, password on
standard input, current TOTP code) rather than the recovery key: the recovery key is meant to stay offline
for emergencies, and an export made by a named caseworker is audited and chained under their name like
one made in the console. The command adds ``export`` to the ledger's existing ``dossier`` group.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from safeconduct.cli.ledger import dossier as dossier_group
from safeconduct.cli.server import DataOption, _fail, _require_installation, _runtime


def _out_base(out: Path) -> Path:
    return out.with_suffix("") if out.suffix.lower() in (".zip", ".pdf") else out


def export(
    case: str = typer.Argument(..., help="The case id, or its label as shown in the console (e.g. ABCD-EF23)."),
    data: Path = DataOption,
    out: Path = typer.Option(..., "-o", "--out", help="Writes OUT.zip (the verifiable bundle) and OUT.pdf."),
    username: str = typer.Option(..., "--username", help="A caseworker to whom the case is shared."),
    totp: str = typer.Option(..., "--totp", help="Their current six-digit code."),
    workflow: bool = typer.Option(False, "--workflow", help="Also disclose the case's state changes."),
    section: list[str] = typer.Option(  # noqa: B008 — Typer declares options this way
        [], "--section", help="ITEM=SECTION, e.g. m:12=wish_to_leave (or planning, distancing); repeatable."),
    language: str = typer.Option("en", "--language", help="The language of the PDF: en, fr or ar."),
) -> None:
    """Export the dossier of a case: exactly what the person consented to; the password is read from stdin."""
    from safeconduct.cases import dossier, inbox
    from safeconduct.cases.lookup import case_id_for
    from safeconduct.cases.transitions import Actor
    from safeconduct.errors import Refusal
    from safeconduct.staff import service as staff_service
    from safeconduct.web.i18n import LANGUAGES, gettext_for

    if language not in LANGUAGES:
        _fail(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}. Nothing was written.")
        return
    password = (sys.stdin.readline().rstrip("\r\n") if not sys.stdin.isatty()
                else typer.prompt("Password", hide_input=True))
    sections = dict(item.partition("=")[::2] for item in section)
    runtime = _runtime(data)
    _require_installation(runtime)
    base = _out_base(out)
    try:
        with runtime.db() as db:
            access = staff_service.authenticate(db, runtime.settings, username=username, password=password,
                                                totp=totp)
            case_id = case_id_for(db, case)
            _, key = inbox.open_case(db, access, case_id)
            result = dossier.export(db, runtime.settings, case_id=case_id, case_key=key,
                                    signing_key=runtime.org.signing_key,
                                    actor=Actor(staff_id=access.staff_id, username=access.username),
                                    organisation=runtime.org.name, include_workflow=workflow,
                                    sections=sections, language=language,
                                    gettext=gettext_for(language).gettext)
    except Refusal as exc:
        _fail(str(exc))
        return
    finally:
        runtime.engine.dispose()
    base.parent.mkdir(parents=True, exist_ok=True)
    bundle_path, pdf_path = base.with_name(base.name + ".zip"), base.with_name(base.name + ".pdf")
    bundle_path.write_bytes(result.bundle)
    pdf_path.write_bytes(result.pdf)
    typer.echo(f"wrote {bundle_path} and {pdf_path} ({result.disclosed} events disclosed"
               f"{', PDF signed' if result.pdf_signed else ''})")
    typer.echo(f"VERIFIED: {result.summary}")
    typer.echo(f"Ledger key fingerprint: {result.fingerprint}")
    typer.echo(f"check it anywhere with: safeconduct verify {bundle_path} --expect-key {result.fingerprint}")


def register(app: typer.Typer) -> None:
    """Add `dossier export` to the `dossier` group that cli/ledger.py registers on `app`."""
    del app  # the group is already on the application; the command joins it
    dossier_group.command("export")(export)
