"""`safeconduct testimony …`: the whole anonymization pipeline, one command, a progress bar per stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from safeconduct.cli.output import typer_app

app = typer_app(no_args_is_help=True)

FACE_MODES = ("blur", "mask", "silhouette", "keep")


@app.callback()
def _testimony() -> None:
    """The whole testimony anonymization pipeline."""


@app.command()
def anonymize(
    source: Annotated[Path, typer.Argument(help="The recorded testimony (audio or video).")],
    outdir: Annotated[Path, typer.Option("-o", "--output", help="Output folder (sensitive: see docs/testimony.md).")],
    voice_method: Annotated[str, typer.Option(help="pitch, mcadams, disguise, revoice or none.")] = "disguise",
    faces: Annotated[str, typer.Option(help="blur, mask, silhouette or keep.")] = "blur",
    language: Annotated[str, typer.Option(help="en, fr, ar or auto.")] = "auto",
    review: Annotated[bool, typer.Option(help="Stop after detection and write redactions.yaml to review.")] = False,
    apply: Annotated[Path | None, typer.Option(help="A reviewed redactions.yaml to use instead of detection.")] = None,
    transcript: Annotated[Path | None, typer.Option(help="An existing transcript (SRT or WebVTT).")] = None,
    asr_model: Annotated[Path | None, typer.Option(help="Folder of a CTranslate2 Whisper model.")] = None,
    ner_model: Annotated[Path | None, typer.Option(help="Folder of a spaCy pipeline for names and places.")] = None,
    silence: Annotated[
        bool,
        typer.Option(
            help="Silence identifying words instead of covering them with a tone "
            "(with --voice-method revoice neither: the placeholders are spoken)."
        ),
    ] = False,
) -> None:
    """Anonymize a testimony: voice, faces, identifying words (transcript and audio), metadata; then a report."""
    if faces not in FACE_MODES:
        raise typer.BadParameter(f"choose one of: {', '.join(FACE_MODES)}", param_hint="--faces")
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from safeconduct.testimony.pipeline import Options, PipelineError, ReviewPending, anonymize_testimony
    from safeconduct.testimony.pipeline.run import STAGES

    options = Options(
        language=language,
        voice_method=voice_method,
        faces=faces,
        review=review,
        apply=apply,
        transcript=transcript,
        asr_model=str(asr_model) if asr_model else None,
        ner_model=str(ner_model) if ner_model else None,
        audio_cover="silence" if silence else "tone",
    )
    with Progress(
        TextColumn("{task.description:<11}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        transient=False,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: float, total: float) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=1.0)
            bars.update(tasks[stage], completed=min(1.0, done / total if total else 1.0))

        try:
            report = anonymize_testimony(source, outdir, options, tick)
        except ReviewPending as pending:
            typer.echo(f"Detection done: {pending}", err=True)
            raise typer.Exit(0) from None
        except PipelineError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        for stage in STAGES:
            if stage in tasks:
                bars.update(tasks[stage], completed=1.0)
    counts = ", ".join(f"{k} {n}" for k, n in report["findings_by_kind"].items()) or "none"
    typer.echo(f"Done: {', '.join(report['outputs'])}, report.html, report.json in {outdir}. Hidden: {counts}.")


@app.command("faces")
def faces_only(
    source: Annotated[Path, typer.Argument(help="A video file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The video to write (same container).")],
    mode: Annotated[str, typer.Option(help="blur, mask or silhouette.")] = "blur",
) -> None:
    """Hide the faces of a video only (audio copied untouched, metadata not stripped: see `strip`)."""
    from rich.progress import Progress

    from safeconduct.testimony.faces import FacesError, hide_faces

    if output.exists():
        _fail(f"{output} exists already: choose another name")
    from safeconduct.testimony.pipeline.tempdir import private_tempdir

    with Progress(transient=True) as bars, private_tempdir(output.resolve().parent):
        task = bars.add_task("faces", total=1.0)
        try:
            report = hide_faces(
                source, output, mode, progress=lambda _s, done, total: bars.update(task, completed=done / (total or 1))
            )
        except FacesError as error:
            _fail(str(error))
    typer.echo(f"{output}: faces hidden on {report.frames_hidden} of {report.frames} frames ({report.mode}).")


@app.command("strip")
def strip(
    source: Annotated[Path, typer.Argument(help="Audio, video, image or document.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The cleaned copy to write.")],
) -> None:
    """Remove metadata (GPS, device, software, author, dates): ffmpeg for media, mat2 for the rest."""
    from safeconduct.testimony.metadata import MetadataError, strip_document, strip_media

    media = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4a", ".mp3", ".wav", ".flac", ".ogg", ".opus", ".aac"}
    if output.exists():
        _fail(f"{output} exists already: choose another name")
    if source.suffix.lower() != output.suffix.lower():
        _fail("the output must have the same type (suffix) as the input")
    try:
        if source.suffix.lower() in media:
            report = strip_media(source, output)
        else:
            report = strip_document(source, output)
    except MetadataError as error:
        _fail(str(error))
    typer.echo(f"{output}: {len(report.removed)} metadata fields removed ({report.tool}).")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
