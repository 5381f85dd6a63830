"""`safeconduct text …`: redaction of identifying details in a text file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from safeconduct.cli.output import console, typer_app

app = typer_app(no_args_is_help=True)
terms_app = typer_app(no_args_is_help=True, help="The organisation's redaction list (words added or rejected).")
app.add_typer(terms_app, name="terms")


@app.callback()
def _text() -> None:
    """Redaction of identifying details in text."""


@app.command("redact")
def redact(
    file: Annotated[Path, typer.Argument(help="UTF-8 text file (a transcript, a statement).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    language: Annotated[str, typer.Option("--language", "-l", help="en, fr, ar or auto.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Every finding with kind, text and offsets.")] = False,
    ner_model: Annotated[
        Path | None, typer.Option("--ner-model", help="Folder of another spaCy pipeline to use for NER.")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Data folder of an installation: use its redaction list (see `text terms`)."),
    ] = None,
) -> None:
    """Replace names, places, units, dates, contacts and ID numbers by numbered placeholders.

    The output holds the redacted text; with --json it also lists the original words found, so treat a
    --json output as sensitive as the input.
    """
    from safeconduct.testimony.text import RedactionError, redact_text

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"no such file: {file}")
    except IsADirectoryError:
        _fail(f"{file} is a folder, not a text file")
    except UnicodeDecodeError:
        _fail(f"{file} is not UTF-8 text (convert it first, e.g. with iconv)")
    extra, rejected = _organisation_list(data) if data is not None else ([], [])
    try:
        result = redact_text(
            text, language, ner_model=str(ner_model) if ner_model else None, extra_terms=extra, rejected=rejected
        )
    except RedactionError as error:
        _fail(str(error))
    rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n" if as_json else result.redacted_text
    if output is None:
        typer.echo(rendered, nl=False)
        return
    _write_atomically(output, rendered)
    typer.echo(f"{len(result.findings)} findings ({result.language}); written to {output}", err=True)


def _organisation_list(data: Path):  # noqa: ANN202 - terms imported lazily
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.testimony import reviewed_terms

    runtime = _runtime(data)
    _require_installation(runtime)
    with runtime.db() as db:
        return reviewed_terms.for_redaction(db, runtime.org.signing_key)


@terms_app.command("list")
def terms_list(data: Annotated[Path, typer.Option("--data", help="The data folder.")]) -> None:
    """Show every entry: its number, hide or keep, the kind and the words (treat the output as sensitive)."""
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.testimony import reviewed_terms

    runtime = _runtime(data)
    _require_installation(runtime)
    with runtime.db() as db:
        entries = reviewed_terms.list_entries(db, runtime.org.signing_key)
    for e in entries:
        console.print(f"{e.id}  {e.action:<4}  {e.kind.value if e.kind else '-':<11}  {e.text}", markup=False)
    console.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} on the redaction list.")


@terms_app.command("add")
def terms_add(
    text: Annotated[str, typer.Argument(help="The word or words.")],
    data: Annotated[Path, typer.Option("--data", help="The data folder.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="Hide it as this kind: PERSON, PLACE, UNIT, ORG, DATE, PHONE, …")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="A rejected false alarm: leave it readable.")] = False,
) -> None:
    """Add a missed word to hide (--kind KIND) or a false alarm to keep readable (--keep)."""
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.errors import Refusal
    from safeconduct.testimony import reviewed_terms

    if keep == (kind is not None):
        _fail("give either --kind KIND (a word to hide) or --keep (a false alarm to leave readable)")
    runtime = _runtime(data)
    _require_installation(runtime)
    try:
        with runtime.db() as db:
            entry_id = reviewed_terms.add(
                db, runtime.org.signing_key, action="keep" if keep else "hide", text=text, kind=kind
            )
    except Refusal as refusal:
        _fail(str(refusal))
    console.print(f"Added entry {entry_id}; later redactions with --data use it.")


@terms_app.command("remove")
def terms_remove(
    entry_id: Annotated[int, typer.Argument(help="The entry's number (see `text terms list`).")],
    data: Annotated[Path, typer.Option("--data", help="The data folder.")],
) -> None:
    """Take an entry off the list: later redactions no longer use it."""
    from safeconduct.cli.server import _require_installation, _runtime
    from safeconduct.errors import Refusal
    from safeconduct.testimony import reviewed_terms

    runtime = _runtime(data)
    _require_installation(runtime)
    try:
        with runtime.db() as db:
            reviewed_terms.remove(db, entry_id)
    except Refusal as refusal:
        _fail(str(refusal))
    console.print(f"Removed entry {entry_id}.")


def _write_atomically(path: Path, content: str) -> None:
    """Write beside the target then rename, so a crash never leaves a half-redacted file under its name."""
    if not path.parent.is_dir():
        _fail(f"output folder does not exist: {path.parent}")
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(content, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        _fail(f"could not write {path}: {error.strerror or error}")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
