"""Short real speech clips and tool checks shared by the voice tests."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.support import require, require_speech_data

#: A LibriSpeech test-other utterance (speaker 1688) that is clear enough for tiny.en.
CLIP = "1688/1688-142285-0000.flac"
CLIP_SECONDS = 6.0


def require_module(name: str) -> None:
    require(importlib.util.find_spec(name) is not None, f"{name} is not installed (pip install .[voice])")


@pytest.fixture(autouse=True)
def _tools() -> None:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (Debian package ffmpeg)")


@pytest.fixture(scope="session")
def speech_path() -> Path:
    return require_speech_data() / CLIP


@pytest.fixture(scope="session")
def speech(speech_path: Path) -> np.ndarray:
    """Six seconds of real speech, 16 kHz mono float32."""
    from safeconduct.testimony.media import decode_audio

    audio, rate = decode_audio(speech_path)
    assert rate == 16_000
    return audio[: int(CLIP_SECONDS * rate), 0]
