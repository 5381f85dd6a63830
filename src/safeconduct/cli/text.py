"""`safeconduct text …`: redaction of identifying details in a text file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from safeconduct.cli.output import typer_app

app = typer_app(no_args_is_help=True)


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
    try:
        result = redact_text(text, language, ner_model=str(ner_model) if ner_model else None)
    except RedactionError as error:
        _fail(str(error))
    rendered = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n" if as_json else result.redacted_text
    if output is None:
        typer.echo(rendered, nl=False)
        return
    _write_atomically(output, rendered)
    typer.echo(f"{len(result.findings)} findings ({result.language}); written to {output}", err=True)


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
