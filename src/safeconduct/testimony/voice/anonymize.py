"""Anonymize the voice of a whole audio or video file, streamed in blocks, and write its privacy report.

The input is decoded at its own rate and mixed to mono; each block is brought to 16 kHz for the method
and back, so the output keeps the sample rate, channel count (the anonymized voice in every channel) and
length. A video keeps its picture bit for bit and gets the new sound track. Output is written to a
temporary file beside the target and moved into place only when complete.

`revoice` without a given script makes two passes: the first transcribes every block and keeps only the
timed words (bounded memory: text, not audio), which are redacted once as one transcript so a name has the
same spoken placeholder throughout; the second speaks that script block by block.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from safeconduct.testimony.media import (
    AUDIO_ENCODERS,
    VIDEO_SUFFIXES,
    AudioWriter,
    is_video_output,
    iter_audio_blocks,
    probe,
    replace_audio_track,
    require_audio,
)
from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod, fit_length, make_method
from safeconduct.testimony.voice.report import GENERAL_NOTES, PrivacyReport, verdict, write_report
from safeconduct.testimony.voice.stream import blocks_at_pauses

if TYPE_CHECKING:
    from safeconduct.testimony.transcribe import Word
    from safeconduct.testimony.voice.revoice import Revoice

#: The privacy measurement compares this much of the start of the recording (bounded memory and time).
MEASURE_SECONDS = 120.0


class AnonymizeError(Exception):
    """The request cannot be carried out (bad path, no audio, …), with a message meant for the user."""


def _resample(x: np.ndarray, rate_from: int, rate_to: int) -> np.ndarray:
    if rate_from == rate_to:
        return x.astype(np.float32)
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate_from, rate_to)
    return resample_poly(x, rate_to // g, rate_from // g).astype(np.float32)


def check_paths(src: Path, dst: Path, overwrite: bool) -> None:
    """Refuse, before any work, an output that exists, equals the input or has an unknown suffix."""
    if not src.is_file():
        raise AnonymizeError(f"input not found: {src}")
    if dst.exists() and not overwrite:
        raise AnonymizeError(f"{dst} already exists (choose another output or pass --overwrite)")
    if dst.exists() and dst.resolve() == src.resolve():
        raise AnonymizeError("the output must not be the input file")
    suffix = dst.suffix.lower()
    if suffix not in AUDIO_ENCODERS and suffix not in VIDEO_SUFFIXES:
        known = ", ".join(sorted({*AUDIO_ENCODERS, *VIDEO_SUFFIXES}))
        raise AnonymizeError(f"unsupported output type {suffix or '(none)'}; use one of {known}")
    if not dst.parent.is_dir():
        raise AnonymizeError(f"output folder does not exist: {dst.parent}")


def anonymize_file(
    src: Path,
    dst: Path,
    method: str = "disguise",
    seed: int | None = None,
    overwrite: bool = False,
    measure: bool = True,
    progress: Callable[[float, float], None] | None = None,
    method_options: dict[str, Any] | None = None,
) -> PrivacyReport:
    """Anonymize `src` into `dst` and write `dst`.privacy.json/.html; return the report.

    `seed` is for reproducible evaluation only: by default the method draws its secrets with `secrets`.
    `progress(done_seconds, total_seconds)` is called after each block. A draw of random parameters that the
    attacker model would take for the original voice ("weak") is thrown away and drawn again, up to
    `MAX_DRAWS` times: one draw in six left a short synthetic voice that close (docs/benchmarks.md), and
    a refusal to publish after hours of work is worse than a second pass.
    """
    src, dst = Path(src), Path(dst)
    check_paths(src, dst, overwrite)
    info = probe(src)
    stream = require_audio(info)
    if is_video_output(dst) and not info.has_video:
        raise AnonymizeError(f"{src.name} has no picture: choose an audio output such as .flac or .wav")
    best: tuple[PrivacyReport, Path] | None = None
    with tempfile.TemporaryDirectory(dir=dst.parent, prefix=".safeconduct-") as tmp:
        for draw in range(MAX_DRAWS):
            drawn_seed = None if seed is None else seed + draw * DRAW_SEED_STEP
            voice = make_method(method, drawn_seed, **(method_options or {}))
            folder = Path(tmp) / f"draw{draw}"
            folder.mkdir()
            output, duration, original, anonymized = _one_draw(voice, src, dst, folder, info, stream, progress)
            report = _report(voice, dst, duration, original, anonymized, measure)
            if best is None or _closer(best[0], report):
                if best is not None:
                    shutil.rmtree(best[1].parent)  # a worse draw's output is not kept
                best = (report, output)
            else:
                shutil.rmtree(folder)
            if report.level != "weak" or voice.name == "revoice":
                break  # revoice speaks in a stock voice: another draw would not sound less like the speaker
        assert best is not None
        report, output = best
        if draw:
            report.notes.append(
                f"The first random parameters left the voice too close to the original for the model; they were "
                f"drawn again ({draw + 1} draws in all), which favours this one model's judgement."
            )
        os.replace(output, dst)
    write_report(dst, report)
    return report


#: How many times the method's secret parameters are drawn before a weak result is reported as it is.
MAX_DRAWS = 5
#: With a given seed (evaluation only), draw k uses seed + k × this step, so every draw stays reproducible.
DRAW_SEED_STEP = 1_000_003


def _closer(best: PrivacyReport, candidate: PrivacyReport) -> bool:
    """Whether `candidate` hides the voice better than `best` (a measured score beats none; lower beats higher)."""
    if candidate.similarity is None:
        return False
    return best.similarity is None or candidate.similarity < best.similarity


def _one_draw(
    voice: VoiceMethod,
    src: Path,
    dst: Path,
    folder: Path,
    info: Any,
    stream: Any,
    progress: Callable[[float, float], None] | None,
) -> tuple[Path, float, list[np.ndarray], list[np.ndarray]]:
    """One complete pass with one draw of parameters, written in `folder`: (output, seconds, original and
    anonymized 16 kHz speech of the first `MEASURE_SECONDS` for the measurement)."""
    video_out = is_video_output(dst)
    rate, channels = stream.sample_rate, stream.channels
    revoice = _revoice_without_script(voice)
    if revoice is not None:
        _script_whole_recording(revoice, src, rate, info.duration, progress)
        progress = _second_half(progress)
    original: list[np.ndarray] = []
    anonymized: list[np.ndarray] = []
    kept = 0
    done = 0
    audio_path = folder / ("voice.mka" if video_out else "out" + dst.suffix.lower())
    with AudioWriter(audio_path, rate, channels, ["-c:a", "flac"] if video_out else None) as writer:
        for block in blocks_at_pauses(iter_audio_blocks(src, 10.0, mono=True), rate):
            x16 = _resample(block, rate, SAMPLE_RATE)
            y16 = fit_length(voice.process(x16), x16.size)
            y = fit_length(_resample(y16, SAMPLE_RATE, rate), block.size)
            writer.write(np.repeat(y[:, None], channels, axis=1))
            if kept < MEASURE_SECONDS * SAMPLE_RATE:
                original.append(x16)
                anonymized.append(y16)
                kept += x16.size
            done += block.size
            if progress:
                progress(done / rate, info.duration)
        if done == 0:
            raise AnonymizeError(f"{src.name}: the audio track is empty or could not be decoded")
    final = audio_path
    if video_out:
        final = folder / ("out" + dst.suffix.lower())
        replace_audio_track(src, audio_path, final)
    return final, done / rate, original, anonymized


def _revoice_without_script(voice: VoiceMethod) -> Revoice | None:
    """The method when it is revoice with no script given (so it must listen to the recording first)."""
    from safeconduct.testimony.voice.revoice import Revoice

    return voice if isinstance(voice, Revoice) and voice.script is None else None


def _second_half(progress: Callable[[float, float], None] | None) -> Callable[[float, float], None] | None:
    """After a first pass that reported the first half of the work, the second pass reports the rest."""
    if progress is None:
        return None
    report = progress
    return lambda done, total: report((total + done) / 2, total)


def _script_whole_recording(
    voice: Revoice, src: Path, rate: int, duration: float, progress: Callable[[float, float], None] | None
) -> None:
    """Revoice's first pass: transcribe block by block (same cuts as the second pass), redact the whole
    transcript once, and give revoice the script."""
    from safeconduct.testimony.voice.script import redacted_script

    words: list[Word] = []
    done = 0
    for block in blocks_at_pauses(iter_audio_blocks(src, 10.0, mono=True), rate):
        words.extend(voice.listen(_resample(block, rate, SAMPLE_RATE), done / rate))
        done += block.size
        if progress:
            progress(done / rate / 2, duration)
    voice.script, voice.redacted = redacted_script(words, voice.language)


def _report(
    voice: VoiceMethod,
    dst: Path,
    duration: float,
    original: list[np.ndarray],
    anonymized: list[np.ndarray],
    measure: bool,
) -> PrivacyReport:
    similarity = None
    notes = list(GENERAL_NOTES)
    measured = 0.0
    if measure:
        from safeconduct.testimony.voice.attacker import AttackerUnavailable, embed
        from safeconduct.testimony.voice.attacker import similarity as cosine

        try:
            x, y = np.concatenate(original), np.concatenate(anonymized)
            measured = x.size / SAMPLE_RATE
            ex, ey = embed(x), embed(y)
            if ex is not None and ey is not None:
                similarity = cosine(ex, ey)
        except (ImportError, AttackerUnavailable):
            notes.append("The attacker model (resemblyzer) is not installed, so nothing was measured.")
    name, summary = voice.name, voice.summary
    if name == "revoice":
        if not getattr(voice, "redacted", True):
            notes.append("Text redaction was not installed: names said aloud are re-spoken as recognised.")
    level, sentence = verdict(similarity, name)
    return PrivacyReport(
        name,
        summary,
        dst.name,
        round(duration, 3),
        round(measured, 1),
        None if similarity is None else round(similarity, 4),
        sentence,
        level,
        notes=notes,
    )
