"""What every voice anonymization method promises, and how one is picked by name.

A method is built once per recording: its constructor draws the secret per-recording parameters
(targets, warps) from a seed, which is itself drawn with `secrets` unless an evaluation fixes it. Those
parameters live only in the object, never in the output, its metadata, the report or logs.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

#: Every method works on 16 kHz mono: speech lives below 8 kHz, the attacker and recogniser use 16 kHz,
#: and a fixed rate keeps the cost predictable. The caller resamples to and from the file's rate.
SAMPLE_RATE = 16_000


class VoiceMethod(ABC):
    """One recording's anonymizer: `process` maps a 16 kHz mono block to a block of the same length."""

    name: ClassVar[str]
    #: One line for the CLI help and the report.
    summary: ClassVar[str]

    def __init__(self, seed: int | None = None):
        # The seed is private and never leaves the object (no __repr__ shows it).
        self._rng = np.random.default_rng(secrets.randbits(128) if seed is None else seed)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @abstractmethod
    def process(self, audio: np.ndarray) -> np.ndarray:
        """Anonymize one float32 16 kHz mono block; the result has exactly the same length."""

    def invert(self, audio: np.ndarray) -> np.ndarray:
        """What an attacker who knows the method (but not this recording's secrets) does to undo it.

        Used only by the evaluation. The default is to do nothing, for methods with nothing to undo.
        """
        return audio

    def intended_text(self) -> str | None:
        """The words a re-speaking method meant to say (placeholders included); None for other methods.

        Lets the evaluation tell words deliberately redacted from words the voice lost.
        """
        return None


def fit_length(audio: np.ndarray, length: int) -> np.ndarray:
    """Pad with zeros or cut `audio` to exactly `length` samples (float32)."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    if audio.size >= length:
        return audio[:length]
    return np.concatenate([audio, np.zeros(length - audio.size, dtype=np.float32)])


def parse_options(pairs: list[str]) -> dict[str, object]:
    """Method options written KEY=VALUE (benchmarks' --option): numbers become numbers, the rest stays text."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"a method option is written KEY=VALUE, not {pair!r}")
        value: object = text
        for kind in (int, float):
            try:
                value = kind(text)
                break
            except ValueError:
                pass
        options[key] = value
    return options


def method_names() -> list[str]:
    """Names accepted by `make_method`, the reference baselines first."""
    return ["pitch", "mcadams", "disguise", "revoice"]


def make_method(name: str, seed: int | None = None, **options: object) -> VoiceMethod:
    """Build the named method for one recording (heavy libraries load here, not at import)."""
    if name == "pitch":
        from safeconduct.testimony.voice.pitch import PitchShift

        return PitchShift(seed, **options)  # type: ignore[arg-type]
    if name == "mcadams":
        from safeconduct.testimony.voice.mcadams import McAdams

        return McAdams(seed, **options)  # type: ignore[arg-type]
    if name == "disguise":
        from safeconduct.testimony.voice.disguise import Disguise

        return Disguise(seed, **options)  # type: ignore[arg-type]
    if name == "revoice":
        from safeconduct.testimony.voice.revoice import Revoice

        return Revoice(seed, **options)  # type: ignore[arg-type]
    raise ValueError(f"unknown voice method {name!r}; choose one of: {', '.join(method_names())}")
