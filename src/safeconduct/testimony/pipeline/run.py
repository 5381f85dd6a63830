"""`anonymize_testimony`: every stage in order, each resumable, outputs moved into place only at the end."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeconduct.testimony.pipeline.audio import PAD, AudioRedactionError, cover_spans, merge_spans
from safeconduct.testimony.pipeline.report import by_kind, write_report
from safeconduct.testimony.pipeline.review import ReviewError, read_review, write_review
from safeconduct.testimony.pipeline.spoken import audio_cover, covered_spans, voice_options
from safeconduct.testimony.pipeline.state import StageLog, fingerprint
from safeconduct.testimony.pipeline.subtitles import redacted_cues, to_srt, to_text, to_vtt
from safeconduct.testimony.pipeline.tempdir import private_tempdir
from safeconduct.testimony.pipeline.transcript import (
    Transcript,
    TranscriptError,
    check_fits,
    from_segments,
    read_transcript,
)

STAGES = ("probe", "transcribe", "detect", "voice", "faces", "audio", "metadata", "outputs")
#: progress(stage, done, total)
Progress = Callable[[str, float, float], None]
AUDIO_CODECS = {
    ".mp4": ["-c:a", "aac", "-b:a", "160k"],
    ".mov": ["-c:a", "aac", "-b:a", "160k"],
    ".mkv": ["-c:a", "flac"],
    ".webm": ["-c:a", "libopus", "-b:a", "96k"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac"],
    ".m4a": ["-c:a", "aac", "-b:a", "160k"],
    ".mp3": ["-c:a", "libmp3lame"],
    ".ogg": ["-c:a", "libvorbis"],
    ".opus": ["-c:a", "libopus"],
}


class PipelineError(Exception):
    """A stage failed; the message names it. Finished stages are kept for the next run to resume from."""


class ReviewPending(Exception):
    """--review: detection is done and the review file written; the run stops here on purpose."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"review {path} then re-run with --apply {path}")
        self.path = path


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line."""

    language: str = "auto"
    voice_method: str = "disguise"
    faces: str = "blur"
    review: bool = False
    apply: Path | None = None
    transcript: Path | None = None
    asr_model: str | None = None
    ner_model: str | None = None
    audio_cover: str = "tone"
    keep_work: bool = False
    #: hidden wherever said, whatever the models say (the case's own knowledge, the reviewers' list)
    extra_terms: tuple[Any, ...] = ()
    #: reviewers' rejected false alarms: left readable unless also an extra term
    rejected_terms: tuple[str, ...] = ()


def _asr_language(language: str) -> str | None:
    return None if language == "auto" else language


def anonymize_testimony(
    source: Path, outdir: Path, options: Options, progress: Progress | None = None
) -> dict[str, Any]:
    """Run the pipeline on `source` into `outdir`; return the report (also written as report.json/html).

    Every temporary file, ours and the libraries', stays inside `outdir` and is removed at the end.
    """
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise PipelineError(f"{outdir} exists and is not a folder")
    try:
        with private_tempdir(outdir):
            return _anonymize(source, outdir, options, progress)
    except OSError as error:
        raise PipelineError(f"could not write in {outdir}: {error.strerror or error} (is the disk full?)") from error


def _anonymize(source: Path, outdir: Path, options: Options, progress: Progress | None = None) -> dict[str, Any]:
    """Run the pipeline on `source` into `outdir`; return the report (also written as report.json/html)."""
    source, outdir = Path(source), Path(outdir)
    if not source.is_file():
        raise PipelineError(f"no such file: {source}")
    if outdir.exists() and not outdir.is_dir():
        raise PipelineError(f"{outdir} exists and is not a folder")
    outdir.mkdir(parents=True, exist_ok=True)
    tick = progress or (lambda stage, done, total: None)
    log = StageLog(outdir)
    timings: dict[str, float] = {}
    suffix = source.suffix.lower()
    report: dict[str, Any] = {"input": source.name}

    clock: dict[str, Any] = {"stage": "", "since": time.perf_counter()}

    def stage(name: str) -> None:
        """Start a stage; the one before it is timed (seconds, in the report)."""
        now = time.perf_counter()
        if clock["stage"]:
            timings[str(clock["stage"])] = round(now - float(clock["since"]), 2)
        clock.update(stage=name, since=now)
        tick(name, 0, 1)

    try:
        # probe
        stage("probe")
        from safeconduct.testimony.media import MediaError, probe

        try:
            info = probe(source)
        except MediaError as error:
            raise PipelineError(f"probe: {error}") from error
        if info.audio is None:
            raise PipelineError(
                f"probe: {source.name} has no audio track: there is no testimony to transcribe "
                "(for a silent video use `safeconduct testimony faces`)"
            )
        probe_key = log.key("probe", input=fingerprint(source))
        log.record("probe", probe_key, {"duration": info.duration, "video": info.has_video}, [])
        tick("probe", 1, 1)

        # transcribe
        stage("transcribe")
        transcript = _transcribe(source, info.duration, options, log, tick)
        report["language"] = options.language

        # detect (or apply a reviewed list)
        stage("detect")
        findings, language = _detect(transcript, options, log, outdir, fingerprint(source))
        report["language"] = language
        tick("detect", 1, 1)

        # voice
        current = source
        stage("voice")
        if options.voice_method != "none":
            method_options = voice_options(options.voice_method, transcript, findings, language)
            current, report["voice"] = _voice(current, options, log, tick, suffix, method_options)
        # faces
        stage("faces")
        if info.has_video and options.faces != "keep":
            current, report["faces"] = _faces(current, options, log, tick, suffix)
        # the identifying words in the audio
        stage("audio")
        spans = [s for f in findings if (s := transcript.span_of(f.start, f.end))]
        merged = covered_spans(options.voice_method, merge_spans(spans))
        key = log.key("audio", spans=merged, cover=options.audio_cover)
        redacted = log.path("redacted" + suffix)
        if log.done("audio", key) is None:
            try:
                cover_spans(current, redacted, merged, options.audio_cover, AUDIO_CODECS.get(suffix))
            except AudioRedactionError as error:
                raise PipelineError(f"audio: {error}") from error
            log.record("audio", key, {"spans": len(merged)}, [redacted.name])
        else:
            log.previous = key
        tick("audio", 1, 1)
        # metadata
        stage("metadata")
        from safeconduct.testimony.metadata import MetadataError, strip_media

        final = log.path("final" + suffix)
        try:
            removed = strip_media(source, log.path("probe-clean" + suffix)).removed  # what the original carried
            log.path("probe-clean" + suffix).unlink(missing_ok=True)
            strip_media(redacted, final)
        except MetadataError as error:
            raise PipelineError(f"metadata: {error}") from error
        tick("metadata", 1, 1)

        # outputs: everything is written in the working folder, then moved into place
        stage("outputs")
        cues = redacted_cues(transcript, findings)
        stem = source.stem + ".anonymized"
        names = {final: outdir / f"{stem}{suffix}"}
        for ext, render in ((".srt", to_srt), (".vtt", to_vtt), (".txt", to_text)):
            path = log.path("transcript" + ext)
            path.write_text(render(cues), encoding="utf-8")
            names[path] = outdir / f"{stem}{ext}"
        report.update(
            {
                "outputs": [p.name for p in names.values()],
                "findings": [
                    {
                        **_finding(f),
                        "start": round(s[0], 2) if (s := transcript.span_of(f.start, f.end)) else 0.0,
                        "end": round(s[1], 2) if s else 0.0,
                    }
                    for f in findings
                ],
                "audio_cover": audio_cover(options.voice_method, options.audio_cover),
                "audio_pad": PAD if merged else 0.0,
                "metadata_removed": removed,
                "stages": timings,
            }
        )
        report["findings_by_kind"] = by_kind(report["findings"])
        stage("done")  # closes the timing of "outputs" (the report itself is written just after)
        for temp, target in names.items():
            os.replace(temp, target)
        write_report(outdir, report)
        tick("outputs", 1, 1)
    except OSError as error:
        raise PipelineError(
            f"could not write in {outdir}: {error.strerror or error} (is the disk full?); "
            "re-run the same command to resume"
        ) from error
    if not options.keep_work:
        log.remove()
    return report


def _finding(f: Any) -> dict[str, Any]:
    return {"kind": str(f.kind), "text": f.text, "placeholder": f.placeholder, "char_start": f.start, "char_end": f.end}


def _transcribe(source: Path, duration: float, options: Options, log: StageLog, tick: Progress) -> Transcript:
    given = fingerprint(options.transcript) if options.transcript and options.transcript.is_file() else None
    key = log.key("transcribe", transcript=given, model=options.asr_model, language=options.language)
    saved = log.done("transcribe", key)
    if saved is not None:
        log.previous = key
        tick("transcribe", 1, 1)
        return Transcript.from_dict(json.loads(log.path("transcript.json").read_text(encoding="utf-8")))
    try:
        if options.transcript:
            transcript = read_transcript(options.transcript)
        elif options.asr_model is None and options.language not in ("en", "auto"):
            raise PipelineError(
                f"transcribe: the bundled speech model (tiny.en) understands English only; for "
                f"--language {options.language} pass --asr-model DIR with a multilingual CTranslate2 Whisper "
                "model (e.g. large-v3, converted with ct2-transformers-converter), or give --transcript FILE.srt"
            )
        else:
            from safeconduct.testimony.media import MediaError, decode_audio
            from safeconduct.testimony.transcribe import SAMPLE_RATE, TranscriptionError, transcribe

            try:
                audio, _ = decode_audio(source, SAMPLE_RATE, mono=True)
                segments = transcribe(
                    audio[:, 0], _asr_language(options.language), options.asr_model, cpu_threads=os.cpu_count() or 1
                )
            except (MediaError, TranscriptionError) as error:
                raise PipelineError(f"transcribe: {error}") from error
            transcript = from_segments(segments)
        check_fits(transcript, duration, source.name)
    except TranscriptError as error:
        raise PipelineError(f"transcribe: {error}") from error
    path = log.path("transcript.json")
    path.write_text(json.dumps(transcript.to_dict(), ensure_ascii=False), encoding="utf-8")
    log.record("transcribe", key, {"words": len(transcript.words)}, [path.name])
    tick("transcribe", 1, 1)
    return transcript


def _detect(transcript: Transcript, options: Options, log: StageLog, outdir: Path, print_: str) -> tuple[list, str]:
    from safeconduct.testimony.text import RedactionError, redact_text

    if options.apply is not None:
        try:
            findings = read_review(options.apply, transcript, print_)
        except ReviewError as error:
            raise PipelineError(f"apply: {error}") from error
        log.previous = log.key("detect", applied=fingerprint(options.apply))
        return findings, options.language
    try:
        result = redact_text(
            transcript.text,
            options.language,
            ner_model=options.ner_model,
            extra_terms=options.extra_terms,
            rejected=options.rejected_terms,
        )
    except RedactionError as error:
        raise PipelineError(f"detect: {error}") from error
    log.previous = log.key(
        "detect",
        language=result.language,
        ner=options.ner_model,
        findings=[(f.start, f.end, f.placeholder) for f in result.findings],
    )
    if options.review:
        path = outdir / "redactions.yaml"
        write_review(path, result.findings, transcript, print_)
        raise ReviewPending(path)
    return result.findings, result.language


def _voice(
    current: Path, options: Options, log: StageLog, tick: Progress, suffix: str, method_options: dict[str, Any]
) -> tuple[Path, dict]:
    from safeconduct.testimony.voice import AnonymizeError, anonymize_file
    from safeconduct.testimony.voice.revoice import RevoiceError

    out = log.path("voice" + suffix)
    script = [(p.start, p.end, p.text) for p in method_options.get("script", [])]  # hashed into the key only
    key = log.key("voice", method=options.voice_method, language=method_options.get("language"), script=script)
    saved = log.done("voice", key)
    if saved is not None:
        log.previous = key
        return out, saved
    try:
        privacy = anonymize_file(
            current,
            out,
            options.voice_method,
            overwrite=True,
            progress=lambda done, total: tick("voice", done, total or 1),
            method_options=method_options,
        )
    except (AnonymizeError, RevoiceError) as error:
        raise PipelineError(f"voice: {error}") from error
    for extra in out.parent.glob(out.name + ".privacy.*"):
        extra.unlink()
    result = privacy.to_dict()
    log.record("voice", key, result, [out.name])
    return out, result


def _faces(current: Path, options: Options, log: StageLog, tick: Progress, suffix: str) -> tuple[Path, dict]:
    from safeconduct.testimony.faces import FacesError, hide_faces

    out = log.path("faces" + suffix)
    key = log.key("faces", mode=options.faces)
    saved = log.done("faces", key)
    if saved is not None:
        log.previous = key
        return out, saved
    try:
        faces = hide_faces(
            current, out, options.faces, progress=lambda stage, done, total: tick("faces", done, total or 1)
        )
    except FacesError as error:
        raise PipelineError(f"faces: {error}") from error
    result = faces.to_dict()
    log.record("faces", key, result, [out.name])
    return out, result
