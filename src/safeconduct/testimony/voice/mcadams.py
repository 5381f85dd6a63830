"""The VoicePrivacy Challenge B2 baseline: McAdams-coefficient warping of LPC pole angles.

Each 20 ms frame is split by LPC analysis into a vocal-tract filter and its residual; the angle φ of every
complex pole becomes φ**α, which moves the formants, and the residual (pitch, voice source) drives the
warped filter. It is the challenge's reference point, not a strong anonymizer: the residual keeps the
original voice source and an attacker can re-warp with 1/α (docs/benchmarks.md).
Port of `anonymise_dir_mcadams.py` of the VoicePrivacy Challenge (Patino et al., 2021).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from safeconduct.testimony.voice.method import SAMPLE_RATE, VoiceMethod

#: The challenge's B2 uses α = 0.8; we draw α per recording around it so that it is not a known constant.
ALPHA_RANGE = (0.7, 0.9)


def lpc(frame: np.ndarray, order: int) -> np.ndarray:
    """LPC polynomial [1, a1, …, a_order] by the autocorrelation method (Levinson through scipy)."""
    from scipy.linalg import solve_toeplitz

    r = np.correlate(frame, frame, mode="full")[frame.size - 1 : frame.size + order]
    if r[0] <= 1e-12:
        return np.concatenate([[1.0], np.zeros(order)])
    r = r.copy()
    r[0] *= 1.0 + 1e-9  # a touch of white noise keeps the Toeplitz system well conditioned
    a = solve_toeplitz(r[:order], -r[1 : order + 1])
    return np.concatenate([[1.0], a])


def warp_pole_angles(a: np.ndarray, alpha: float) -> np.ndarray:
    """Move each complex pole of 1/A(z) from angle φ to φ**alpha, keeping its radius."""
    poles = np.roots(a)
    new = poles[np.isreal(poles) | (np.imag(poles) > 0)].astype(complex)
    sel = np.imag(new) > 0
    angles = np.clip(np.angle(new[sel]) ** alpha, 0.0, np.pi)
    new[sel] = np.abs(new[sel]) * np.exp(1j * angles)
    return np.real(np.poly(np.concatenate([new, np.conj(new[sel])])))


def mcadams(audio: np.ndarray, alpha: float, order: int = 20, win_ms: float = 20, shift_ms: float = 10) -> np.ndarray:
    """Apply McAdams warping with coefficient `alpha` to 16 kHz mono audio (same length, same RMS)."""
    from scipy.signal import lfilter

    x = np.asarray(audio, dtype=np.float64).reshape(-1)
    n = x.size
    winlen = int(win_ms * 1e-3 * SAMPLE_RATE)
    shift = int(shift_ms * 1e-3 * SAMPLE_RATE)
    if n < winlen:
        return x.astype(np.float32)
    hann = np.hanning(winlen)
    win = np.sqrt(hann / (hann.sum() / shift))  # analysis × synthesis windows overlap-add to one
    out = np.zeros(n + winlen)
    eps = np.finfo(np.float32).eps
    for start in range(0, n - winlen + 1, shift):
        frame = x[start : start + winlen] * win
        if not frame.any():
            continue
        a = lpc(frame + eps, order)
        residual = lfilter(a, [1.0], frame)
        a_new = warp_pole_angles(a, alpha)
        out[start : start + winlen] += lfilter([1.0], a_new, residual) * win
    out = out[:n]
    rms_in, rms_out = np.sqrt(np.mean(x**2)), np.sqrt(np.mean(out**2))
    if rms_out > 0:
        out *= min(rms_in / rms_out, 0.99 / max(np.abs(out).max(), 1e-9))
    return out.astype(np.float32)


class McAdams(VoiceMethod):
    """VoicePrivacy B2: LPC pole angles φ → φ**α, α secret per recording in ALPHA_RANGE."""

    name: ClassVar[str] = "mcadams"
    summary: ClassVar[str] = "VoicePrivacy Challenge B2 baseline (McAdams LPC warping): the reference point"

    def __init__(self, seed: int | None = None, alpha: float | None = None):
        super().__init__(seed)
        self._alpha = float(self._rng.uniform(*ALPHA_RANGE)) if alpha is None else alpha

    def process(self, audio: np.ndarray) -> np.ndarray:
        return mcadams(audio, self._alpha)

    def invert(self, audio: np.ndarray) -> np.ndarray:
        # The attacker knows the method, not this recording's α: it undoes the mean warp.
        return mcadams(audio, 1.0 / float(np.mean(ALPHA_RANGE)))
