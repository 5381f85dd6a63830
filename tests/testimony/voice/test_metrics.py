"""Equal error rate, word error rate, trial lists and the semi-informed back-end."""

from __future__ import annotations

import numpy as np
import pytest

from safeconduct.testimony.voice.evaluate import EvaluationError, load_corpus, semi_informed_eer
from safeconduct.testimony.voice.metrics import cosine_trials, equal_error_rate, word_errors, words


def test_eer_of_separated_scores_is_zero() -> None:
    assert equal_error_rate([0.9, 0.8, 0.85], [0.1, 0.2, 0.3]) == 0.0


def test_eer_of_identical_distributions_is_one_half() -> None:
    rng = np.random.default_rng(0)
    assert equal_error_rate(rng.normal(size=20_000), rng.normal(size=20_000)) == pytest.approx(0.5, abs=0.02)


def test_eer_of_shifted_gaussians_matches_theory() -> None:
    # N(1,1) vs N(-1,1): EER = Φ(-1) ≈ 0.1587
    rng = np.random.default_rng(1)
    eer = equal_error_rate(rng.normal(1, 1, 50_000), rng.normal(-1, 1, 50_000))
    assert eer == pytest.approx(0.1587, abs=0.01)


def test_eer_needs_both_kinds_of_trial() -> None:
    with pytest.raises(ValueError, match="at least one target"):
        equal_error_rate([], [0.1])


def test_trials_pair_every_utterance_with_every_other() -> None:
    emb = np.eye(4) + 0.01
    target, nontarget = cosine_trials(emb, emb, ["a", "a", "b", "b"])
    assert target.size == 4 and nontarget.size == 8


def test_word_errors_ignore_case_and_punctuation() -> None:
    assert words("There's iron, they say!") == ["there's", "iron", "they", "say"]
    assert word_errors("the cat sat", "The cat, sat.") == (0, 3)
    assert word_errors("the cat sat", "the dog sat down") == (2, 3)


def test_semi_informed_backend_learns_to_ignore_the_random_direction() -> None:
    """Embeddings = speaker + large random per-run offset along a few fixed directions: whitening fitted on
    other speakers suppresses those directions, so the attacker recovers the speakers."""
    rng = np.random.default_rng(2)
    speakers = [f"s{i}" for i in range(8) for _ in range(6)]
    centre = {s: rng.normal(size=32) for s in set(speakers)}
    nuisance = rng.normal(size=(3, 32)) * 6

    def run() -> np.ndarray:
        return np.stack([centre[s] + rng.normal(size=3) @ nuisance + 0.3 * rng.normal(size=32) for s in speakers])

    a, b = run(), run()
    plain = equal_error_rate(*cosine_trials(b, a, speakers))
    assert semi_informed_eer(a, b, speakers) < plain / 2


def test_corpus_needs_two_speakers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "one").mkdir()
    for i in range(3):
        (tmp_path / "one" / f"{i}.flac").write_bytes(b"")
    with pytest.raises(EvaluationError, match="at least two speaker folders"):
        load_corpus(tmp_path)
    with pytest.raises(EvaluationError, match="is not a folder"):
        load_corpus(tmp_path / "missing")


class _Respeaker:
    """A stand-in for revoice: says a redacted text (a placeholder instead of the name)."""

    def __init__(self, intended: str | None) -> None:
        self._intended = intended

    def process(self, audio: np.ndarray) -> np.ndarray:
        return audio

    def invert(self, audio: np.ndarray) -> np.ndarray:
        return audio

    def intended_text(self) -> str | None:
        return self._intended


@pytest.mark.parametrize("intended", ["person one went home", None])
def test_wer_counts_deliberate_redaction_apart_from_lost_words(
    monkeypatch: pytest.MonkeyPatch, intended: str | None
) -> None:
    """'okello went home' re-spoken as 'person one went home': two errors against the original transcript,
    none against the text the method meant to say; methods that say no text get no second figure."""
    from safeconduct.testimony.voice import evaluate

    ev = object.__new__(evaluate.Evaluator)
    ev.audio = [np.zeros(16_000, np.float32) for _ in range(8)]
    ev.speakers = ["a", "a", "b", "b", "c", "c", "d", "d"]
    ev.with_wer, ev._progress = True, None
    rng = np.random.default_rng(0)
    ev._orig_emb, ev._orig_text = rng.normal(size=(8, 8)), ["okello went home"] * 8
    monkeypatch.setattr(evaluate, "make_method", lambda name, seed=None, **o: _Respeaker(intended))
    monkeypatch.setattr(evaluate.Evaluator, "_embed_all", lambda self, audio, label: rng.normal(size=(8, 8)))
    monkeypatch.setattr(evaluate.Evaluator, "_transcribe_all", lambda self, audio, label: ["person one went home"] * 8)
    result = ev.evaluate("fake", seed=1)
    assert result.wer == pytest.approx(2 / 3)
    assert result.wer_intended == (0.0 if intended else None)


def test_method_options_from_the_command_line() -> None:
    from safeconduct.testimony.voice.method import parse_options

    assert parse_options(["colour_db=1.5", "wobble=0", "tracker=harvest"]) == {
        "colour_db": 1.5,
        "wobble": 0,
        "tracker": "harvest",
    }
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_options(["colour_db"])
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_options(["=3"])
