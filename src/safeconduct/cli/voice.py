"""`safeconduct voice …`: anonymize a recording's voice, or measure how well a method hides speakers.

A thin shell over `safeconduct.testimony.voice`: heavy libraries load inside the commands only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from safeconduct.cli.output import console as output_console
from safeconduct.cli.output import err, typer_app

app = typer_app(no_args_is_help=True)

METHODS = ("pitch", "mcadams", "disguise", "revoice")


def _check_method(name: str) -> str:
    if name not in METHODS:
        raise typer.BadParameter(f"choose one of: {', '.join(METHODS)}")
    return name


@app.command()
def anonymize(
    source: Annotated[Path, typer.Argument(help="Audio or video file (wav, flac, mp3, m4a, ogg, mp4, mkv, mov…).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write; the suffix picks the format.")],
    method: Annotated[
        str, typer.Option(help="pitch | mcadams | disguise | revoice", callback=_check_method)
    ] = "disguise",
    seed: Annotated[
        int | None, typer.Option(help="Fix the random parameters (evaluation only: weakens the protection).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output file.")] = False,
    model: Annotated[
        Path | None,
        typer.Option(help="revoice: a CTranslate2 Whisper model folder (default: bundled tiny.en)."),
    ] = None,
    language: Annotated[str, typer.Option(help="revoice: spoken language code.")] = "en",
    tts: Annotated[
        str | None,
        typer.Option(help="revoice: a command reading text on stdin and writing WAV to stdout (default espeak-ng)."),
    ] = None,
    careful: Annotated[
        bool,
        typer.Option(help="disguise: track the pitch with WORLD's harvest (about 4x slower, a few words fewer lost)."),
    ] = False,
) -> None:
    """Replace the voice in SOURCE and write OUTPUT with a privacy report (.privacy.json, .privacy.html)."""
    import shlex

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from safeconduct.testimony.media import MediaError
    from safeconduct.testimony.transcribe import TranscriptionError
    from safeconduct.testimony.voice import AnonymizeError, anonymize_file
    from safeconduct.testimony.voice.revoice import RevoiceError

    options: dict[str, object] = {}
    if method == "revoice":
        options = {"language": language, "model_path": str(model) if model else None}
        if tts:
            options["tts_command"] = shlex.split(tts)
    elif method == "disguise" and careful:
        options = {"tracker": "harvest"}
    elif careful:
        raise typer.BadParameter("--careful applies to --method disguise only", param_hint="--careful")
    console = err
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task(f"{method}: {source.name}", total=None)

            def step(done: float, total: float) -> None:
                bar.update(task, completed=done, total=total or None)

            report = anonymize_file(source, output, method, seed, overwrite, progress=step, method_options=options)
    except (AnonymizeError, MediaError, RevoiceError, TranscriptionError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"wrote {output}")
    console.print(f"[bold]{report.level}[/bold]: {report.verdict}")


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="Folder with one sub-folder of recordings per speaker.")],
    method: Annotated[str, typer.Option(help="pitch | mcadams | disguise | revoice", callback=_check_method)],
    per_speaker: Annotated[int | None, typer.Option(help="Use at most this many recordings per speaker.")] = None,
    seed: Annotated[int, typer.Option(help="Base seed of the evaluation runs (reproducibility).")] = 1,
    wer: Annotated[bool, typer.Option(help="Also measure the word error rate (English, tiny.en).")] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON.")] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(help="A method option, KEY=VALUE (repeatable), e.g. colour_db=1.5 for disguise."),
    ] = None,
) -> None:
    """Measure a method: EER under each attacker, WER against the original's transcript, real-time factor."""
    from rich.progress import track
    from rich.table import Table

    from safeconduct.testimony.voice.evaluate import EvaluationError, Evaluator, load_corpus, one_thread
    from safeconduct.testimony.voice.method import make_method, parse_options

    one_thread()
    console = output_console
    try:
        options = parse_options(option or [])
        make_method(method, seed=0, **options)  # refuse an option the method does not have before any work
    except (ValueError, TypeError) as exc:
        console.print(f"[red]error:[/red] {method} does not take these options: {exc}")
        raise typer.Exit(2) from exc
    try:
        corpus = load_corpus(data, per_speaker)
    except EvaluationError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    evaluator = Evaluator(corpus, with_wer=wer, progress=lambda items, label: track(items, description=label))
    result = evaluator.evaluate(method, seed=seed, data=str(data), options=options)
    table = Table(title=f"{method} on {result.speakers} speakers, {result.utterances} recordings")
    for col in ("attacker", "EER"):
        table.add_column(col)
    for k, v in result.eer.items():
        table.add_row(k, f"{100 * v:.1f} %")
    if wer:
        table.add_row("WER vs original transcript", f"{100 * result.wer:.1f} %")
        if result.wer_intended is not None:
            table.add_row("WER vs the redacted text it meant to say", f"{100 * result.wer_intended:.1f} %")
    table.add_row("real-time factor (1 thread)", f"{result.rtf:.3f}")
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
