"""The usual "voice distortion": a plain pitch shift, kept only as the weak point of comparison.

It moves pitch and formants together by a fixed number of semitones, so an attacker who knows the method
shifts the audio back and recovers most of the voice (see docs/benchmarks.md).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod, fit_length


class PitchShift(VoiceMethod):
    """Shift by a fixed number of semitones (phase vocoder + resampling, librosa)."""

    name: ClassVar[str] = "pitch"
    summary: ClassVar[str] = "plain pitch shift (+4 semitones): a weak reference, not protection"

    def __init__(self, seed: int | None = None, semitones: float = 4.0):
        super().__init__(seed)
        self.semitones = semitones

    def _shift(self, audio: np.ndarray, steps: float) -> np.ndarray:
        import librosa

        if audio.size < 2048:
            return audio.astype(np.float32)
        out = librosa.effects.pitch_shift(audio.astype(np.float32), sr=SAMPLE_RATE, n_steps=steps)
        return fit_length(out, audio.size)

    def process(self, audio: np.ndarray) -> np.ndarray:
        return self._shift(audio, self.semitones)

    def invert(self, audio: np.ndarray) -> np.ndarray:
        return self._shift(audio, -self.semitones)
