"""revoice without the heavy models: phrasing, redaction of what is re-spoken, user TTS commands."""

from __future__ import annotations

import re
import shutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from safeconduct.testimony.text import Finding, Kind
from safeconduct.testimony.transcribe import Segment, Word
from safeconduct.testimony.voice import revoice
from safeconduct.testimony.voice.revoice import Revoice, RevoiceError, Speaker, phrases
from safeconduct.testimony.voice.script import redacted_script
from tests.support import require


def segments() -> list[Segment]:
    words = [
        Word("My", 0.5, 0.7),
        Word("name", 0.7, 0.9),
        Word("is", 0.9, 1.0),
        Word("Okello.", 1.0, 1.5),
        Word("I", 2.5, 2.6),
        Word("left.", 2.6, 3.0),
    ]
    return [Segment("My name is Okello. I left.", 0.5, 3.0, words)]


def test_words_are_grouped_into_phrases_at_pauses() -> None:
    got = phrases(segments())
    assert [(p.text, p.start, p.end) for p in got] == [("My name is Okello.", 0.5, 1.5), ("I left.", 2.5, 3.0)]


@dataclass
class FakeResult:
    findings: list[Finding]


def fake_redaction(monkeypatch: pytest.MonkeyPatch, calls: list[str] | None = None) -> None:
    """A text pipeline that hides every "Okello" as [PERSON 1] (numbered once for the text it is given)."""
    fake = types.ModuleType("safeconduct.testimony.text")

    def redact_text(text: str, language: str) -> FakeResult:
        if calls is not None:
            calls.append(text)
        hits = [m.span() for m in re.finditer("Okello", text)]
        return FakeResult([Finding(Kind.PERSON, "Okello", a, b, "[PERSON 1]") for a, b in hits])

    fake.redact_text = redact_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "safeconduct.testimony.text", fake)


def test_names_said_aloud_are_redacted_before_they_are_spoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """test_revoice_does_not_respeak_names: the block's transcript is redacted once, placeholders said in words."""
    calls: list[str] = []
    fake_redaction(monkeypatch, calls)
    spoken: list[str] = []
    monkeypatch.setattr(revoice, "transcribe", lambda *a, **k: segments())
    monkeypatch.setattr(
        Speaker, "say", lambda self, text, rate=175: spoken.append(text) or np.full(8000, 0.1, np.float32)
    )
    method = Revoice(seed=1, engine="espeak")
    out = method.process(np.full(16_000 * 4, 0.05, np.float32))
    assert calls == ["My name is Okello. I left."]  # one redaction of the whole text, not one per phrase
    assert spoken and all("Okello" not in t and "[" not in t for t in spoken)
    assert any("person one" in t for t in spoken)
    assert out.shape == (64_000,) and np.abs(out[: int(0.45 * 16_000)]).max() == 0.0  # nothing before speech


def test_a_failing_redaction_stops_revoice(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("safeconduct.testimony.text")

    def broken(text: str, language: str) -> FakeResult:
        raise RuntimeError("no model for xx")

    fake.redact_text = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "safeconduct.testimony.text", fake)
    with pytest.raises(RevoiceError, match="text redaction failed"):
        redacted_script(segments()[0].words, "xx")
    monkeypatch.setattr(revoice, "transcribe", lambda *a, **k: segments())
    monkeypatch.setattr(Speaker, "say", lambda *a, **k: pytest.fail("spoke a phrase whose redaction failed"))
    with pytest.raises(RevoiceError, match="text redaction failed"):
        Revoice(seed=1, engine="espeak").process(np.full(16_000 * 4, 0.05, np.float32))


def test_a_user_command_can_be_the_voice() -> None:
    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed (Debian package espeak-ng)")
    speech = Speaker(command=["espeak-ng", "--stdout"]).say("-v hello there")  # text never becomes an option
    assert speech.size > 16_000 * 0.5 and np.abs(speech).max() > 0.05


def test_a_command_that_fails_is_reported() -> None:
    with pytest.raises(RevoiceError, match="text-to-speech failed"):
        Speaker(command=["sh", "-c", "echo broken >&2; exit 3"]).say("hello")


def test_a_command_that_writes_no_wav_is_reported() -> None:
    with pytest.raises(RevoiceError, match="did not produce a WAV"):
        Speaker(command=["sh", "-c", "echo not a wav"]).say("hello")


def test_festival_script_cannot_be_escaped_by_the_words_spoken(tmp_path: Path) -> None:
    """A transcript is the speaker's words: quotes, brackets or backslashes must not end the Scheme string."""
    script = revoice.festival_script(['he said ") (system "rm -rf /") ("', "back\\slash"], [1.0, 1.25], tmp_path)
    spoken = re.findall(r'\(Utterance Text "([^"]*)"\)', script)
    assert spoken == ["he said system rm -rf", "back slash"]
    assert "system" not in script.replace('"he said system rm -rf"', "")
    assert '(list "-r" 1.250)' in script
    accented = revoice.festival_script(["Café naïve Ḥalab"], [1.0], tmp_path)
    assert '(Utterance Text "Cafe naive Halab")' in accented  # accents dropped, the words kept


def test_festival_speaks_every_phrase_of_a_block_and_faster_when_asked() -> None:
    require(revoice.default_engine() == "festival", "festival's HTS voice is missing (festival, festvox-us-slt-hts)")
    speaker = Speaker(engine="festival")
    texts = ["The river was cold that morning.", "", "We walked until the road turned."]
    own, empty, other = speaker.say_many(texts)
    assert own.size > 16_000 and other.size > 16_000 and empty.size == 0
    faster = speaker.say_many(texts[:1], [1.5])[0]
    assert 0.55 < faster.size / own.size < 0.8  # synthesized faster, not cut
    assert np.abs(faster).max() > 0.05


def test_a_festival_failure_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TTS run that writes no audio for a phrase stops revoice with a clear error (nothing half-spoken)."""
    monkeypatch.setattr(revoice, "festival_script", lambda texts, speeds, folder: "(car nil nil)\n")
    require(shutil.which("festival") is not None, "festival is not installed (Debian package festival)")
    with pytest.raises(RevoiceError, match="text-to-speech failed"):
        Speaker(engine="festival").say_many(["hello"])


def test_festival_asked_for_but_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(revoice.shutil, "which", lambda name: None)
    with pytest.raises(RevoiceError, match="festvox-us-slt-hts"):
        Speaker(engine="festival")
    with pytest.raises(RevoiceError, match="espeak-ng"):
        Speaker()  # nothing installed at all
