"""How well a method hides the speaker from an informed attacker, and what it costs in words and time.

Scenarios (attacker: GE2E encoder, cosine scores; every utterance against every other one):

* original       enrol original, trial original: how recognisable the speakers are to begin with.
* ignorant       enrol original, trial anonymized.
* lazy-informed  enrol anonymized, trial anonymized, separate runs (other secret parameters).
* inverting      enrol original, trial = the attacker's undoing of the anonymized speech with the
                 method's mean parameters (`VoiceMethod.invert`).
* semi-informed  as lazy-informed, but scored after a back-end fitted on anonymized speech of *other*
                 speakers (two folds of speakers): within-class whitening (WCCN) + length norm, which
                 learns to ignore what the random parameters change. The best of several shrinkages is
                 reported, i.e. the attacker is allowed to tune on the test.

Utility: word error rate of the recogniser on anonymized speech against its own transcript of the
original; for a method that re-speaks a redacted text (revoice), also against the text it meant to say,
which counts only the words lost, not those replaced on purpose ("person one" for a name). Speed:
real-time factor of `process` on one thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from safeconduct.testimony.voice.method import SAMPLE_RATE, make_method
from safeconduct.testimony.voice.metrics import cosine_trials, equal_error_rate, word_errors

AUDIO_SUFFIXES = {".flac", ".wav", ".mp3", ".ogg", ".m4a", ".opus"}
SCENARIOS = ("original", "ignorant", "lazy-informed", "inverting", "semi-informed")
#: Shrinkages the semi-informed attacker may pick from (it keeps its best).
SHRINKAGES = (0.05, 0.2, 0.5)


class EvaluationError(Exception):
    """The evaluation cannot run on the given data, with a message meant for the user."""


@dataclass(frozen=True)
class Utterance:
    """One recording and its speaker (the name of its first-level folder under the data folder)."""

    speaker: str
    path: Path


@dataclass
class Evaluation:
    """Figures for one method on one corpus (EER and WER as fractions, RTF on one thread)."""

    method: str
    data: str
    speakers: int
    utterances: int
    seconds: float
    eer: dict[str, float] = field(default_factory=dict)
    wer: float = 0.0
    rtf: float = 0.0
    #: WER against what the method meant to say (methods that re-speak a redacted text), else None.
    wer_intended: float | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def load_corpus(folder: Path, max_per_speaker: int | None = None) -> list[Utterance]:
    """Audio files under `folder`, one sub-folder per speaker; at least two speakers with two files each."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(f"{folder} is not a folder")
    by_speaker: dict[str, list[Path]] = {}
    for p in sorted(folder.rglob("*")):
        if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file() and p.parent != folder:
            by_speaker.setdefault(p.relative_to(folder).parts[0], []).append(p)
    usable = {s: ps[:max_per_speaker] for s, ps in by_speaker.items() if len(ps) >= 2}
    if len(usable) < 2:
        raise EvaluationError(
            f"{folder} needs at least two speaker folders with two audio files each (found {len(usable)})"
        )
    return [Utterance(s, p) for s, ps in sorted(usable.items()) for p in ps]


def one_thread() -> None:
    """Pin numeric libraries to one thread so that real-time factors mean "on one core"."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def _wccn_backend(train: np.ndarray, labels: np.ndarray, shrink: float) -> Callable[[np.ndarray], np.ndarray]:
    mu = train.mean(axis=0)
    centred = train - mu
    within = np.zeros((train.shape[1], train.shape[1]))
    for lab in np.unique(labels):
        x = centred[labels == lab]
        x = x - x.mean(axis=0)
        within += x.T @ x
    within /= len(train)
    within = (1 - shrink) * within + shrink * np.trace(within) / within.shape[0] * np.eye(within.shape[0])
    vals, vecs = np.linalg.eigh(within)
    whiten = vecs @ np.diag(1.0 / np.sqrt(np.maximum(vals, 1e-12))) @ vecs.T
    return lambda z: (z - mu) @ whiten


def semi_informed_eer(anon_a: np.ndarray, anon_b: np.ndarray, speakers: list[str]) -> float:
    """EER of anonymized-vs-anonymized trials after a back-end fitted on the other half of the speakers."""
    spk = np.asarray(speakers)
    names = sorted(set(speakers))
    folds = [set(names[0::2]), set(names[1::2])]
    best = 1.0
    for shrink in SHRINKAGES:
        target: list[np.ndarray] = []
        nontarget: list[np.ndarray] = []
        for k, held in enumerate(folds):
            test = np.isin(spk, list(held))
            train = np.isin(spk, list(folds[1 - k]))
            x = np.concatenate([anon_a[train], anon_b[train]])
            y = np.concatenate([spk[train], spk[train]])
            project = _wccn_backend(x, y, shrink)
            t, n = cosine_trials(project(anon_b[test]), project(anon_a[test]), list(spk[test]))
            target.append(t)
            nontarget.append(n)
        best = min(best, equal_error_rate(np.concatenate(target), np.concatenate(nontarget)))
    return best


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (text-to-speech runs as a child process)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Evaluator:
    """Runs methods over a corpus, keeping what does not depend on the method (originals) in memory."""

    def __init__(
        self,
        corpus: list[Utterance],
        with_wer: bool = True,
        progress: Callable[..., Iterable[np.ndarray]] | None = None,
    ):
        from safeconduct.testimony.media import decode_audio

        self.corpus = corpus
        self.with_wer = with_wer
        self._progress = progress
        self.audio = [decode_audio(u.path, sample_rate=SAMPLE_RATE)[0][:, 0] for u in corpus]
        self.speakers = [u.speaker for u in corpus]
        self._orig_emb: np.ndarray | None = None
        self._orig_text: list[str] | None = None

    def _embed_all(self, audio: list[np.ndarray], label: str) -> np.ndarray:
        from safeconduct.testimony.voice.attacker import embed

        out = []
        for x in self._track(audio, f"attacker embeds {label}"):
            e = embed(x)
            out.append(e if e is not None else np.full(256, 1e-6))
        return np.stack(out)

    def _transcribe_all(self, audio: list[np.ndarray], label: str) -> list[str]:
        from safeconduct.testimony.transcribe import transcribe, transcript_text

        return [transcript_text(transcribe(x)) for x in self._track(audio, f"transcribes {label}")]

    def _track(self, items: list[np.ndarray], label: str) -> Iterable[np.ndarray]:
        return self._progress(items, label) if self._progress else items

    def original_embeddings(self) -> np.ndarray:
        if self._orig_emb is None:
            self._orig_emb = self._embed_all(self.audio, "original")
        return self._orig_emb

    def original_transcripts(self) -> list[str]:
        if self._orig_text is None:
            self._orig_text = self._transcribe_all(self.audio, "original")
        return self._orig_text

    def calibration(self) -> dict[str, float]:
        """The attacker on original speech: its EER threshold and the median score of two strangers.

        These are the reference points of the privacy report's verdict (`report.EER_THRESHOLD`).
        """
        target, nontarget = cosine_trials(self.original_embeddings(), self.original_embeddings(), self.speakers)
        rate = equal_error_rate(target, nontarget)
        grid = np.linspace(-1, 1, 4001)
        gap = [abs((nontarget >= g).mean() - (target < g).mean()) for g in grid]
        return {
            "eer": rate,
            "eer_threshold": float(grid[int(np.argmin(gap))]),
            "stranger_median": float(np.median(nontarget)),
            "stranger_p95": float(np.percentile(nontarget, 95)),
            "same_speaker_median": float(np.median(target)),
        }

    def anonymize_all(
        self, method: str, base_seed: int, options: dict[str, object] | None = None
    ) -> tuple[list[np.ndarray], float, list[np.ndarray], list[str | None]]:
        """Anonymize every utterance with its own method instance.

        Returns (outputs, RTF, attacker inversions, what a re-speaking method meant to say: None for others).
        """
        outs: list[np.ndarray] = []
        inverted: list[np.ndarray] = []
        intended: list[str | None] = []
        busy = 0.0
        for i, x in enumerate(self._track(self.audio, f"{method} (seed {base_seed})")):
            m = make_method(method, seed=base_seed + i, **(options or {}))
            t0 = _cpu_seconds()
            y = m.process(x)
            busy += _cpu_seconds() - t0
            outs.append(y)
            inverted.append(m.invert(y))
            intended.append(m.intended_text())
        return outs, busy / (sum(a.size for a in self.audio) / SAMPLE_RATE), inverted, intended

    def evaluate(
        self, method: str, seed: int = 0, data: str = "", options: dict[str, object] | None = None
    ) -> Evaluation:
        """All scenarios, WER and RTF for `method` built with `options` (runs A and B use disjoint seeds)."""
        orig = self.original_embeddings()
        anon_a, rtf, inverted, intended_a = self.anonymize_all(method, seed * 1_000_000, options)
        anon_b, _, _, _ = self.anonymize_all(method, seed * 1_000_000 + 500_000, options)
        ea, eb = self._embed_all(anon_a, f"{method} A"), self._embed_all(anon_b, f"{method} B")
        ei = self._embed_all(inverted, f"{method} inverted")
        spk = self.speakers
        eer = {
            "original": equal_error_rate(*cosine_trials(orig, orig, spk)),
            "ignorant": equal_error_rate(*cosine_trials(orig, ea, spk)),
            "lazy-informed": equal_error_rate(*cosine_trials(eb, ea, spk)),
            "inverting": equal_error_rate(*cosine_trials(orig, ei, spk)),
            "semi-informed": semi_informed_eer(ea, eb, spk),
        }
        wer, wer_intended = 0.0, None
        if self.with_wer:
            hyp = self._transcribe_all(anon_a, method)
            wer = _word_error_rate(self.original_transcripts(), hyp)
            if all(t is not None for t in intended_a):
                wer_intended = _word_error_rate([t or "" for t in intended_a], hyp)
        seconds = sum(a.size for a in self.audio) / SAMPLE_RATE
        return Evaluation(method, data, len(set(spk)), len(spk), seconds, eer, wer, rtf, wer_intended)


def _word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Errors over reference words, pooled across utterances."""
    errs = [word_errors(r, h) for r, h in zip(references, hypotheses, strict=True)]
    return sum(e for e, _ in errs) / max(1, sum(n for _, n in errs))
