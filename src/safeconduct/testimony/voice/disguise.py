"""`disguise`: re-synthesize the voice with WORLD from a randomly warped envelope and a replaced F0.

The voice is analysed into F0, spectral envelope and aperiodicity (WORLD vocoder, pyworld) and rebuilt
from altered parts, with parameters drawn secretly per recording:

* F0: the speaker's own level is discarded; the contour keeps its shape (intonation, emphasis, emotion)
  but is moved to a random target level and its range scaled by a random factor.
* Envelope: a random piecewise-linear frequency warp (vocal-tract length and formant positions), with a
  factor tied to the F0 change as in real voices; part of the speaker's long-term formant pattern is
  removed and a random smooth spectral colouring added.
* Aperiodicity follows the same warp; WORLD's excitation replaces the original voice source entirely.

Why it resists an informed attacker: the warp, target level and colouring are secret and drawn afresh
per recording, and the removed long-term pattern is not in the output, so neither the mean inverse nor
anonymizing enrolment speech with other draws brings the original voice back (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod, fit_length

FRAME_MS = 10.0
#: Target F0 level (Hz), drawn log-uniformly across the adult range, independent of the speaker.
TARGET_F0 = (90.0, 230.0)
#: The population F0 level the inverting attacker assumes the speaker had.
POPULATION_F0 = 140.0
#: Knots (Hz) of the piecewise-linear frequency warp.
WARP_KNOTS = np.array([0.0, 600.0, 1500.0, 2600.0, 4000.0, 5500.0, 8000.0])
#: Fraction of the speaker's long-term formant pattern that is removed.
PATTERN_REMOVAL = 1.0
DB = np.log(10.0) / 10.0  # one decibel in natural-log power units
#: The random colouring's coefficients are drawn from a normal distribution cut at this many deviations.
COLOUR_LIMIT = 1.5


def _lifter(logsp: np.ndarray, keep: int) -> np.ndarray:
    """Smooth log spectra along frequency by keeping the first `keep` cepstral coefficients."""
    from scipy.fft import dct, idct

    c = dct(logsp, type=2, norm="ortho", axis=-1)
    c[..., keep:] = 0.0
    return idct(c, type=2, norm="ortho", axis=-1)


def warp_spectra(spectra: np.ndarray, knots_from: np.ndarray, knots_to: np.ndarray) -> np.ndarray:
    """Move energy at frequency knots_from[i] to knots_to[i] (piecewise linear) in (frames, bins) spectra."""
    bins = spectra.shape[-1]
    freqs = np.linspace(0.0, SAMPLE_RATE / 2, bins)
    source = np.interp(freqs, knots_to, knots_from)  # output bin k reads the input at w⁻¹(f_k)
    pos = np.clip(source / (SAMPLE_RATE / 2) * (bins - 1), 0, bins - 1)
    i0 = np.minimum(pos.astype(int), bins - 2)
    frac = pos - i0
    return spectra[..., i0] * (1.0 - frac) + spectra[..., i0 + 1] * frac


#: F0 trackers: dio (fast, the default) or harvest (about 4x slower, with fewer voicing errors, so the
#: recogniser loses fewer words to the re-synthesis: docs/benchmarks.md).
TRACKERS = ("dio", "harvest")
#: dio's voicing tolerance. Its default (0.1) left many of the frames harvest finds voiced unvoiced on
#: test-other, and WORLD renders those as noise; 0.5 finds more of them and the recogniser loses fewer
#: words at the same speed (docs/benchmarks.md).
DIO_ALLOWED_RANGE = 0.5


def _analyse(
    x: np.ndarray, tracker: str = "dio", allowed_range: float = DIO_ALLOWED_RANGE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import pyworld as pw

    if tracker == "harvest":
        f0, t = pw.harvest(x, SAMPLE_RATE, f0_floor=60.0, f0_ceil=500.0, frame_period=FRAME_MS)
    else:
        f0, t = pw.dio(x, SAMPLE_RATE, f0_floor=60.0, f0_ceil=500.0, frame_period=FRAME_MS, allowed_range=allowed_range)
        f0 = pw.stonemask(x, f0, t, SAMPLE_RATE)
    sp = pw.cheaptrick(x, f0, t, SAMPLE_RATE)
    ap = pw.d4c(x, f0, t, SAMPLE_RATE)
    return f0, sp, ap


def _synthesize(f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, like: np.ndarray) -> np.ndarray:
    import pyworld as pw

    y = pw.synthesize(f0, np.ascontiguousarray(sp), np.ascontiguousarray(ap), SAMPLE_RATE, FRAME_MS)
    y = fit_length(y, like.size).astype(np.float64)
    rms_in, rms_out = np.sqrt(np.mean(like**2)), np.sqrt(np.mean(y**2))
    if rms_out > 0:
        y *= min(rms_in / rms_out, 0.99 / max(np.abs(y).max(), 1e-9))
    return y.astype(np.float32)


class Disguise(VoiceMethod):
    """WORLD re-synthesis with a secret random warp, F0 level and colouring per recording."""

    name: ClassVar[str] = "disguise"
    summary: ClassVar[str] = "WORLD re-synthesis: random formant warp, replaced F0 level, random colouring"

    def __init__(
        self,
        seed: int | None = None,
        pattern_removal: float = PATTERN_REMOVAL,
        colour_db: float = 3.0,
        min_warp: float = 1.15,
        wobble: float = 0.12,
        pattern_lifter: int = 30,
        frame_lifter: int = 0,
        tracker: str = "dio",
        voicing_range: float = DIO_ALLOWED_RANGE,
    ):
        super().__init__(seed)
        self._voicing_range = voicing_range
        if tracker not in TRACKERS:
            raise ValueError(f"unknown F0 tracker {tracker!r}; choose one of: {', '.join(TRACKERS)}")
        self._tracker = tracker
        rng = self._rng
        self._removal, self._min_warp, self._wobble = pattern_removal, min_warp, wobble
        self._pattern_lifter, self._frame_lifter = pattern_lifter, frame_lifter
        self._wobble_phase = rng.uniform(0, 2 * np.pi, size=3)
        self._wobble_rate = rng.uniform(0.15, 0.6, size=3)  # Hz: slow changes of vocal-tract length
        self._target_f0 = float(np.exp(rng.uniform(*np.log(TARGET_F0))))
        self._range = float(rng.uniform(0.75, 1.25))
        self._warp_jitter = rng.uniform(-0.07, 0.07, size=WARP_KNOTS.size)
        self._alpha_noise = float(rng.uniform(0.93, 1.07))
        self._alpha_sign = 1.0 if rng.random() < 0.5 else -1.0
        # Random colouring: a smooth curve of ±few dB (low cepstral coefficients) plus a random tilt.
        # Truncated at COLOUR_LIMIT deviations, with a gentle broad slope (the first coefficient): some
        # draws used to be a steep high-pass that left too little low-frequency energy for a voice-activity
        # detector to find speech (and for a listener, words); `_tilt_db` adds the slope.
        draw = np.clip(rng.normal(0.0, 1.0, size=8), -COLOUR_LIMIT, COLOUR_LIMIT)
        self._colour_cep = draw * np.array([0, 1.5, 2.5, 2, 2, 1.5, 1.5, 1.0]) * DB * colour_db
        self._tilt_db = float(rng.uniform(-4.0, 4.0))

    def _alpha(self, source_f0: float) -> float:
        """Warp factor: voices with a higher F0 tend to have shorter vocal tracts, so follow the F0 move."""
        alpha = (self._target_f0 / source_f0) ** 0.25 * self._alpha_noise
        if abs(np.log(alpha)) < np.log(self._min_warp):  # always move formants by at least this much
            alpha = self._min_warp ** (self._alpha_sign if abs(np.log(alpha)) < 1e-3 else np.sign(np.log(alpha)))
        return float(np.clip(alpha, 0.78, 1.3))

    def _knots(self, alpha: float) -> np.ndarray:
        to = WARP_KNOTS * alpha * (1.0 + self._warp_jitter)
        to[0] = 0.0
        to = np.minimum(np.maximum.accumulate(to), SAMPLE_RATE / 2)
        to[-1] = SAMPLE_RATE / 2
        return to + np.arange(to.size) * 1e-3  # strictly increasing

    def _colour(self, bins: int) -> np.ndarray:
        from scipy.fft import idct

        c = np.zeros(bins)
        c[: self._colour_cep.size] = self._colour_cep * np.sqrt(bins / 2)
        tilt = np.linspace(0.0, self._tilt_db * DB, bins)
        return idct(c, type=2, norm="ortho") + tilt

    def process(self, audio: np.ndarray) -> np.ndarray:
        x = np.asarray(audio, dtype=np.float64).reshape(-1)
        if x.size < SAMPLE_RATE // 10 or not np.any(np.abs(x) > 1e-4):
            return np.zeros(x.size, dtype=np.float32)  # nothing audible to keep: emit silence
        f0, sp, ap = _analyse(x, self._tracker, self._voicing_range)
        voiced = f0 > 0
        logsp = np.log(np.maximum(sp, 1e-16))
        if voiced.sum() >= 5:
            lf0 = np.log(f0[voiced])
            source_level = float(np.median(lf0))
            f0 = f0.copy()
            f0[voiced] = np.exp(np.log(self._target_f0) + (lf0 - source_level) * self._range)
            f0 = np.clip(f0, 0.0, 500.0)
            mean_env = logsp[voiced].mean(axis=0)
        else:
            source_level = float(np.log(POPULATION_F0))
            mean_env = logsp.mean(axis=0)
        # Remove part of the speaker's long-term formant pattern (what remains after the broad tilt).
        pattern = _lifter(mean_env, self._pattern_lifter) - _lifter(mean_env, 4)
        if self._frame_lifter:
            logsp = _lifter(logsp, self._frame_lifter)
        logsp = logsp - self._removal * pattern
        knots_to = self._knots(self._alpha(float(np.exp(source_level))))
        if self._wobble > 0:
            t = np.arange(logsp.shape[0]) * FRAME_MS / 1000
            wob = np.sin(2 * np.pi * self._wobble_rate[:, None] * t + self._wobble_phase[:, None]).mean(axis=0)
            scale = np.exp(self._wobble * wob)[:, None]
            knots_t = np.minimum(knots_to[None, :] * scale, SAMPLE_RATE / 2)
            knots_t[:, -1] = SAMPLE_RATE / 2
            logsp = np.stack([warp_spectra(logsp[i], WARP_KNOTS, knots_t[i]) for i in range(logsp.shape[0])])
            ap = np.stack([warp_spectra(ap[i], WARP_KNOTS, knots_t[i]) for i in range(ap.shape[0])])
        else:
            logsp = warp_spectra(logsp, WARP_KNOTS, knots_to)
            ap = warp_spectra(ap, WARP_KNOTS, knots_to)
        logsp = logsp + self._colour(logsp.shape[1])
        ap = np.clip(ap, 1e-6, 1.0 - 1e-6)
        return _synthesize(f0, np.exp(logsp), ap, x)

    def invert(self, audio: np.ndarray) -> np.ndarray:
        """Attacker: assume a population-average speaker, undo the expected warp and F0 move."""
        x = np.asarray(audio, dtype=np.float64).reshape(-1)
        if x.size < SAMPLE_RATE // 10 or not np.any(np.abs(x) > 1e-4):
            return audio
        f0, sp, ap = _analyse(x)
        voiced = f0 > 0
        if voiced.sum() < 5:
            return audio
        out_level = float(np.median(np.log(f0[voiced])))
        alpha = float(np.clip((np.exp(out_level) / POPULATION_F0) ** 0.25, 0.78, 1.3))
        f0 = f0.copy()
        f0[voiced] = np.exp(np.log(POPULATION_F0) + np.log(f0[voiced]) - out_level)
        logsp = warp_spectra(np.log(np.maximum(sp, 1e-16)), WARP_KNOTS * alpha, WARP_KNOTS)
        ap = np.clip(warp_spectra(ap, WARP_KNOTS * alpha, WARP_KNOTS), 1e-6, 1.0 - 1e-6)
        return _synthesize(f0, np.exp(logsp), ap, x)
