"""The attacker we measure against: resemblyzer's GE2E speaker encoder with cosine scoring.

Its weights ship inside the `resemblyzer` wheel, so measurements run offline, next to every
anonymization and in the benchmark. A real adversary may have a stronger model: our figures are a floor
for their effort, not a guarantee, and the report says so.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from safeconduct.testimony.voice.method import SAMPLE_RATE

#: Less voiced speech than this (seconds, after silence trimming) gives no usable embedding.
MIN_SPEECH_SECONDS = 1.0


class AttackerUnavailable(Exception):
    """resemblyzer (and torch) are not installed: privacy cannot be measured."""


@lru_cache(maxsize=1)
def _encoder() -> Any:
    try:
        import torch
        from resemblyzer import VoiceEncoder
    except ImportError as exc:
        raise AttackerUnavailable("install the [voice] extra (resemblyzer, torch) to measure privacy") from exc
    torch.set_num_threads(1)
    return VoiceEncoder(device="cpu", verbose=False)


def embed(audio: np.ndarray) -> np.ndarray | None:
    """The GE2E embedding (unit length) of 16 kHz mono speech, or None when there is too little speech."""
    from resemblyzer import preprocess_wav

    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    if x.size < SAMPLE_RATE * MIN_SPEECH_SECONDS or not np.any(np.abs(x) > 1e-4):
        return None
    wav = preprocess_wav(x, source_sr=SAMPLE_RATE)
    if wav.size < SAMPLE_RATE * MIN_SPEECH_SECONDS:
        return None
    return np.asarray(_encoder().embed_utterance(wav), dtype=np.float64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings (the attacker's score: higher means "same speaker")."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))
