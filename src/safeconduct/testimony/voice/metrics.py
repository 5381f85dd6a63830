"""Numbers of the privacy and utility measurement: equal error rate, word error rate, trial lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np


def equal_error_rate(target: Sequence[float] | np.ndarray, nontarget: Sequence[float] | np.ndarray) -> float:
    """EER: the error rate where false acceptances equal false rejections (0.5 = chance).

    Computed on the empirical ROC with linear interpolation at the crossing.
    """
    t, n = np.asarray(target, dtype=float), np.asarray(nontarget, dtype=float)
    if t.size == 0 or n.size == 0:
        raise ValueError("EER needs at least one target and one non-target score")
    thresholds = np.unique(np.concatenate([t, n, [-np.inf, np.inf]]))
    frr = np.searchsorted(np.sort(t), thresholds, side="left") / t.size  # share of targets below
    far = 1.0 - np.searchsorted(np.sort(n), thresholds, side="left") / n.size  # non-targets at or above
    diff = far - frr  # decreasing from 1 to -1
    i = int(np.flatnonzero(diff <= 0)[0])
    if i == 0:
        return float(far[0])
    d0, d1 = diff[i - 1], diff[i]
    w = d0 / (d0 - d1) if d0 != d1 else 0.0
    return float((far[i - 1] + w * (far[i] - far[i - 1]) + frr[i - 1] + w * (frr[i] - frr[i - 1])) / 2)


def cosine_trials(enrol: np.ndarray, trial: np.ndarray, speakers: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Score every enrolment utterance against every other utterance's trial version.

    Rows of `enrol`/`trial` are embeddings of the same utterances (in two conditions); a pair (i, j)
    with i ≠ j is a target trial when both utterances have the same speaker. Returns (target, nontarget).
    """
    e = enrol / np.linalg.norm(enrol, axis=1, keepdims=True)
    t = trial / np.linalg.norm(trial, axis=1, keepdims=True)
    scores = e @ t.T
    spk = np.asarray(speakers)
    same = spk[:, None] == spk[None, :]
    off = ~np.eye(len(spk), dtype=bool)
    return scores[same & off], scores[~same & off]


_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-case words without punctuation, for a word error rate that ignores formatting."""
    return _WORD.findall(text.lower().replace("’", "'"))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, number of reference words) by Levenshtein alignment."""
    ref, hyp = words(reference), words(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)
