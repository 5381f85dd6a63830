"""What revoice is given to say: scripts built from timed words and findings, and how it speaks them.

No speech model runs here: the text-to-speech is replaced by a recorder, so these check the words and the
timing, not the sound.
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml

from safeconduct.testimony.pipeline.review import read_review, write_review
from safeconduct.testimony.pipeline.spoken import covered_spans, revoice_script, voice_options
from safeconduct.testimony.pipeline.transcript import TimedWord, Transcript
from safeconduct.testimony.text import Finding, Kind
from safeconduct.testimony.transcribe import Segment, Word
from safeconduct.testimony.voice import revoice
from safeconduct.testimony.voice.revoice import Revoice, Speaker
from safeconduct.testimony.voice.script import Phrase, build_script, speakable, spoken_placeholder

#: Two phrases (a 1 s pause between them), "Okello" in both, "Gulu" in the second.
WORDS = [
    ("I", 0.0, 0.2),
    ("met", 0.2, 0.5),
    ("Okello", 0.5, 1.0),
    ("Odong.", 1.0, 1.4),
    ("Okello", 2.4, 2.9),
    ("went", 2.9, 3.2),
    ("to", 3.2, 3.3),
    ("Gulu.", 3.3, 3.8),
]


def transcript() -> Transcript:
    return Transcript([TimedWord(t, a, b, 0 if a < 2 else 1) for t, a, b in WORDS])


def finding(text: str, kind: Kind, placeholder: str, nth: int = 0) -> Finding:
    m = list(re.finditer(re.escape(text), transcript().text))[nth]
    return Finding(kind, text, m.start(), m.end(), placeholder)


FINDINGS = [
    finding("Okello Odong", Kind.PERSON, "[PERSON 1]"),
    finding("Okello", Kind.PERSON, "[PERSON 1]", 1),
    finding("Gulu", Kind.PLACE, "[PLACE 1]"),
]


def test_findings_are_said_as_their_placeholders_with_one_numbering_across_phrases() -> None:
    script = revoice_script(transcript(), FINDINGS, "en")
    assert script == [Phrase("I met person one.", 0.0, 1.4), Phrase("person one went to place one.", 2.4, 3.8)]


def test_placeholders_are_said_in_the_transcript_language() -> None:
    assert [p.text for p in revoice_script(transcript(), FINDINGS, "fr")] == [
        "I met personne un.",
        "personne un went to lieu un.",
    ]
    assert spoken_placeholder("[PERSON 2]", "ar") == "شخص رقم اثنان"
    assert spoken_placeholder("[PHONE 3]", "fr") == "numéro de téléphone trois"
    assert spoken_placeholder("[DATE 31]", "en") == "date 31"  # read by the voice in its language
    assert speakable("from [PLACE 2] to [PLACE 12]", "en") == "from place two to place twelve"


def test_a_finding_across_a_pause_is_said_once_and_none_of_its_words_are_spoken() -> None:
    words = [Word("Idris", 0.0, 0.4), Word("Kamara", 1.4, 1.9), Word("left.", 1.9, 2.2)]
    script = build_script(words, [Finding(Kind.PERSON, "Idris Kamara", 0, 12, "[PERSON 4]")], "en")
    assert script == [Phrase("person four", 0.0, 0.4), Phrase("left.", 1.9, 2.2)]


def test_a_finding_dropped_in_review_is_spoken_and_one_added_is_hidden(tmp_path: Path) -> None:
    """The reviewed list, not the detector's, decides what revoice says."""
    path = tmp_path / "redactions.yaml"
    write_review(path, FINDINGS, transcript(), "print")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["redactions"]:
        if entry["text"] == "Gulu":
            entry["accepted"] = False  # a false alarm: the town is public knowledge here
    data["redactions"].append({"kind": "PERSON", "text": "met"})  # a word the detector missed
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    reviewed = read_review(path, transcript(), "print")
    said = " ".join(p.text for p in revoice_script(transcript(), reviewed, "en"))
    assert said == "I person two person one. person one went to Gulu."
    assert "met" not in said and "Okello" not in said and "Odong" not in said


def test_the_pipeline_gives_revoice_its_script_and_covers_no_span_for_it() -> None:
    options = voice_options("revoice", transcript(), FINDINGS, "fr")
    assert options["language"] == "fr" and options["script"][0].text == "I met personne un."
    assert voice_options("disguise", transcript(), FINDINGS, "fr") == {}
    assert covered_spans("revoice", [(0.5, 1.4)]) == [] and covered_spans("disguise", [(0.5, 1.4)]) == [(0.5, 1.4)]


def recorder(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the voice by one that records the text and says 0.5 s of a constant."""
    spoken: list[str] = []
    monkeypatch.setattr(
        Speaker, "say", lambda self, text, rate=175: spoken.append(text) or np.full(8000, 0.1, np.float32)
    )
    return spoken


def test_a_given_script_is_spoken_at_its_times_across_blocks_without_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    spoken = recorder(monkeypatch)
    monkeypatch.setattr(revoice, "transcribe", lambda *a, **k: pytest.fail("revoice transcribed a second time"))
    script = [Phrase("person one", 0.5, 0.7), Phrase("went home", 1.8, 2.0)]
    method = Revoice(seed=3, engine="espeak", script=script)
    length = 8000 / float(method._scale) / 16_000  # the voice's 0.5 s, resized for this recording
    # Consecutive 1 s blocks: the second phrase starts in the second one. Each phrase is said once, at the
    # voice's own pace, although the original took 0.2 s: there is room before the next one.
    first = method.process(np.full(16_000, 0.05, np.float32))
    second = method.process(np.full(16_000, 0.05, np.float32))
    third = method.process(np.full(16_000, 0.05, np.float32))
    out = np.concatenate([first, second, third])
    assert spoken == ["person one", "went home"]
    loud = np.flatnonzero(np.abs(out) > 1e-3) / 16_000
    assert 0.49 < loud[0] < 0.52 and np.abs(out[int(0.55 * 16_000) : int(0.95 * 16_000)]).min() > 0.0
    assert np.abs(out[int(1.05 * 16_000) : int(1.75 * 16_000)]).max() == 0.0
    assert np.abs(out[int(1.85 * 16_000) : int((1.75 + length) * 16_000)]).min() > 0.0
    assert abs(loud[-1] - (1.8 + length)) < 0.02


def test_a_phrase_that_overruns_delays_the_next_one_instead_of_speeding_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speeding up every phrase that overruns its original span would copy the speaker's speaking rate into
    the output; the voice falls behind a little and catches up in the pauses instead."""
    spoken = recorder(monkeypatch)
    script = [Phrase("we left", 0.2, 0.4), Phrase("at night", 0.5, 0.7), Phrase("quietly", 3.0, 3.2)]
    method = Revoice(seed=3, engine="espeak", script=script)
    length = 8000 / float(method._scale) / 16_000
    out = method.process(np.full(16_000 * 5, 0.05, np.float32))
    assert spoken == ["we left", "at night", "quietly"]  # nobody said again faster
    loud = np.abs(out) > 1e-3
    second = 0.2 + length + revoice.NEXT_GAP  # after the first phrase, not at its own onset (0.5 s)
    assert not loud[int((second - 0.03) * 16_000) : int((second - 0.01) * 16_000)].any()
    assert loud[int((second + 0.02) * 16_000) : int((second + 0.1) * 16_000)].all()
    assert not loud[int(2.9 * 16_000) : int(2.98 * 16_000)].any() and loud[int(3.02 * 16_000)]  # caught up


def test_the_output_level_does_not_follow_the_original_loudness(monkeypatch: pytest.MonkeyPatch) -> None:
    """How loud a recording is belongs to the speaker and their microphone: a whisper and a shout saying
    the same words come out identical, at the fixed speech level."""
    recorder(monkeypatch)
    script = [Phrase("we left", 0.2, 0.6), Phrase("at night", 1.5, 1.9)]
    outs = [
        Revoice(seed=3, engine="espeak", script=script).process(np.full(48_000, level, np.float32))
        for level in (0.001, 0.5)
    ]
    np.testing.assert_array_equal(outs[0], outs[1])
    loud = outs[0][np.abs(outs[0]) > 1e-3]
    assert abs(float(np.sqrt(np.mean(loud**2))) - revoice.SPEECH_LEVEL) < 0.01


def test_the_voice_speeds_up_only_when_it_would_fall_too_far_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many phrases in quick succession: the voice may fall MAX_LAG behind, then it speaks faster."""
    calls: list[tuple[str, int]] = []

    def say(self: Speaker, text: str, rate: int = 175) -> np.ndarray:
        calls.append((text, rate))
        return np.full(int(16_000 * 0.6 * 175 / rate), 0.1, np.float32)  # 0.6 s at the normal rate

    monkeypatch.setattr(Speaker, "say", say)
    script = [Phrase(f"word {i}", 0.3 * i, 0.3 * i + 0.2) for i in range(12)]  # 0.3 s apart: 0.6 s each
    out = Revoice(seed=5, engine="espeak", script=script).process(np.full(16_000 * 6, 0.05, np.float32))
    faster = [text for text, rate in calls if rate > 175]
    assert faster and "word 0" not in faster and "word 1" not in faster  # the first ones fit within the lag
    assert sorted({t for t, _ in calls}) == sorted(p.text for p in script)  # every phrase said
    assert np.abs(out).max() > 0


def test_the_original_speaking_rate_does_not_reach_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow and a fast speaker saying the same words, with room to spare, get the same speech."""
    recorder(monkeypatch)
    outputs = []
    for span in (0.3, 1.2):
        script = [Phrase("went home", 0.5, 0.5 + span), Phrase("and slept", 3.0, 3.5)]
        outputs.append(Revoice(seed=3, engine="espeak", script=script).process(np.full(64_000, 0.05, np.float32)))
    np.testing.assert_array_equal(outputs[0], outputs[1])


@dataclass
class FakeResult:
    findings: list[Finding]


def test_standalone_revoice_redacts_the_whole_recording_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Long files are read in blocks: the name in the second block still gets the first block's number."""
    from safeconduct.testimony.media import write_audio
    from safeconduct.testimony.voice import anonymize_file

    calls: list[str] = []

    def redact_text(text: str, language: str) -> FakeResult:
        calls.append(text)
        names = {"Okello": "[PERSON 1]", "Achan": "[PERSON 2]"}
        hits = [(m, names[m.group()]) for m in re.finditer("Okello|Achan", text)]
        return FakeResult([Finding(Kind.PERSON, m.group(), m.start(), m.end(), p) for m, p in hits])

    fake = types.ModuleType("safeconduct.testimony.text")
    fake.redact_text = redact_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "safeconduct.testimony.text", fake)

    def transcribe(audio: np.ndarray, *args: object, **kwargs: object) -> list[Segment]:
        words = [Word("Achan", 1.0, 1.5), Word("met", 1.5, 1.8), Word("Okello.", 1.8, 2.4)]
        return [Segment("Achan met Okello.", 1.0, 2.4, words)]

    monkeypatch.setattr(revoice, "transcribe", transcribe)
    spoken = recorder(monkeypatch)
    src = tmp_path / "long.wav"
    rng = np.random.default_rng(0)
    write_audio(src, (0.05 * rng.standard_normal(16_000 * 70)).astype(np.float32), 16_000)  # 70 s: 2+ blocks
    anonymize_file(src, tmp_path / "out.wav", "revoice", measure=False, method_options={"engine": "espeak"})
    assert len(calls) == 1 and calls[0].count("Okello") >= 2  # one redaction of the whole transcript
    # the phrase is said once in each of the three 30 s blocks
    assert len(set(spoken)) == 1 and spoken[0] == "person two met person one." and len(spoken) == 3


def test_each_recording_gets_its_own_voice_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stock voice is resized per recording: its pitch moves by the drawn factor, within the range."""
    tone = np.sin(2 * np.pi * 200 * np.arange(16_000) / 16_000).astype(np.float32) * 0.1
    monkeypatch.setattr(Speaker, "say", lambda self, text, rate=175: tone)
    peaks = []
    for seed in range(6):
        method = Revoice(seed=seed, engine="espeak", script=[Phrase("went home", 0.2, 1.4)])
        out = method.process(np.full(48_000, 0.05, np.float32))
        spectrum = np.abs(np.fft.rfft(out))
        peak = float(np.argmax(spectrum) * 16_000 / out.size)
        scale = float(method._scale)
        assert revoice.VOICE_SCALE[0] - 0.01 <= scale <= revoice.VOICE_SCALE[1] + 0.01
        assert abs(peak - 200 * scale) < 3, (peak, scale)
        peaks.append(peak)
    assert max(peaks) - min(peaks) > 10  # the voices differ from one recording to the next
