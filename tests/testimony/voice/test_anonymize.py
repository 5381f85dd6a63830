"""`safeconduct voice anonymize`: formats, bad input, the report, and secrets that never leak."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from safeconduct.cli.voice import app
from safeconduct.testimony.media import MediaError, decode_audio, probe, write_audio
from safeconduct.testimony.voice import AnonymizeError, anonymize_file
from safeconduct.testimony.voice.report import report_paths
from tests.testimony.voice.conftest import require_module

SEED = 982_451_653  # a distinctive number to look for in outputs


@pytest.fixture(autouse=True)
def _needs() -> None:
    require_module("pyworld")
    require_module("resemblyzer")


@pytest.fixture
def clip(tmp_path: Path, speech: np.ndarray) -> Path:
    path = tmp_path / "clip.flac"
    write_audio(path, speech[:48_000], 16_000)
    return path


def test_anonymize_writes_output_and_report(tmp_path: Path, speech: np.ndarray) -> None:
    # Six seconds: on a 3 s clip the attacker's voice-activity trimming of some random disguises leaves under
    # a second of speech, and the report then (rightly) says "not measured" — about 1 run in 12.
    clip = tmp_path / "clip6.flac"
    write_audio(clip, speech, 16_000)
    out = tmp_path / "out.wav"
    report = anonymize_file(clip, out, "disguise")
    audio, rate = decode_audio(out)
    assert rate == 16_000 and audio.shape[0] == speech.shape[0]
    json_path, html_path = report_paths(out)
    data = json.loads(json_path.read_text())
    assert data["method"] == "disguise" and data["similarity"] == report.similarity
    assert data["level"] in {"strong", "moderate", "weak"} and data["verdict"]
    page = html_path.read_text()
    assert "<script" not in page and "http" not in page and "Voice privacy report" in page


def test_seed_and_secrets_are_never_written(tmp_path: Path, clip: Path) -> None:
    """test_per_recording_parameters_are_never_stored: not in the output, its metadata or the report."""
    out = tmp_path / "out.flac"
    anonymize_file(clip, out, "disguise", seed=SEED)
    for path in [out, *report_paths(out)]:
        blob = path.read_bytes()
        assert str(SEED).encode() not in blob and SEED.to_bytes(8, "little") not in blob
        assert b"seed" not in blob.lower() and b"clip.flac" not in blob
    tags = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(tags).get("format", {}).get("tags", {}) == {}


def test_stereo_48k_keeps_rate_channels_and_length(tmp_path: Path, speech: np.ndarray) -> None:
    stereo = np.stack([speech[:32_000], 0.5 * speech[:32_000]], axis=1)
    src = tmp_path / "st.wav"
    from scipy.signal import resample_poly

    write_audio(src, resample_poly(stereo, 3, 1, axis=0).astype(np.float32), 48_000)
    out = tmp_path / "st.ogg"
    anonymize_file(src, out, "mcadams", measure=False)
    info = probe(out)
    assert info.audio is not None and (info.audio.sample_rate, info.audio.channels) == (48_000, 2)
    assert info.duration == pytest.approx(2.0, abs=0.05)


def test_video_keeps_its_picture_and_gets_new_sound(tmp_path: Path, clip: Path) -> None:
    src = tmp_path / "v.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=10:duration=3",
            "-i",
            str(clip),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(src),
        ],
        check=True,
    )
    out = tmp_path / "out.mp4"
    anonymize_file(src, out, "mcadams", measure=False)
    md5 = [
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(p), "-map", "0:v", "-c", "copy", "-f", "md5", "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for p in (src, out)
    ]
    assert md5[0] == md5[1]
    assert probe(out).audio is not None


def test_silence_gives_silence_and_an_unmeasured_report(tmp_path: Path) -> None:
    src = tmp_path / "silence.wav"
    write_audio(src, np.zeros(32_000, np.float32), 16_000)
    report = anonymize_file(src, tmp_path / "out.wav", "disguise")
    audio, _ = decode_audio(tmp_path / "out.wav")
    assert audio.shape[0] == 32_000 and np.abs(audio).max() < 1e-3
    assert report.level == "not measured" and report.similarity is None


def test_a_clip_of_a_fifth_of_a_second_works(tmp_path: Path, speech: np.ndarray) -> None:
    src = tmp_path / "short.wav"
    write_audio(src, speech[16_000:19_200], 16_000)
    report = anonymize_file(src, tmp_path / "out.wav", "disguise")
    assert decode_audio(tmp_path / "out.wav")[0].shape[0] == 3_200
    assert report.level == "not measured"


def test_an_existing_output_is_refused(tmp_path: Path, clip: Path) -> None:
    out = tmp_path / "out.wav"
    out.write_bytes(b"keep me")
    with pytest.raises(AnonymizeError, match="already exists"):
        anonymize_file(clip, out)
    assert out.read_bytes() == b"keep me"


def test_an_unknown_output_type_is_refused(tmp_path: Path, clip: Path) -> None:
    with pytest.raises(AnonymizeError, match="unsupported output type .txt"):
        anonymize_file(clip, tmp_path / "out.txt")


def test_a_file_that_is_not_audio_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "letter.mp3"
    src.write_text("Dear friend,\n" * 50)
    with pytest.raises(MediaError, match="not a readable media file"):
        anonymize_file(src, tmp_path / "out.wav")
    assert not (tmp_path / "out.wav").exists()


def test_a_corrupt_file_is_refused_and_leaves_nothing(tmp_path: Path, clip: Path) -> None:
    src = tmp_path / "broken.flac"
    src.write_bytes(clip.read_bytes()[:100] + bytes(range(256)) * 40)
    with pytest.raises((MediaError, AnonymizeError), match="could not be decoded|not a readable"):
        anonymize_file(src, tmp_path / "out.wav")
    assert list(tmp_path.glob("out*")) == [] and list(tmp_path.glob(".safeconduct-*")) == []


def test_a_video_without_sound_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "mute.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48:rate=10:duration=1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(src),
        ],
        check=True,
    )
    with pytest.raises(MediaError, match="has no audio track"):
        anonymize_file(src, tmp_path / "out.mp4")


def test_audio_cannot_become_a_video(tmp_path: Path, clip: Path) -> None:
    with pytest.raises(AnonymizeError, match="has no picture"):
        anonymize_file(clip, tmp_path / "out.mp4")


def test_cli_anonymizes_and_reports_errors_clearly(tmp_path: Path, clip: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["anonymize", str(clip), "-o", str(tmp_path / "o.mp3"), "--method", "mcadams"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "o.mp3").is_file()
    again = runner.invoke(app, ["anonymize", str(clip), "-o", str(tmp_path / "o.mp3")])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["anonymize", str(clip), "-o", str(tmp_path / "x.wav"), "--method", "robot"])
    assert bad.exit_code == 2 and "choose one of" in bad.output


def test_careful_disguise_uses_the_harvest_tracker_and_applies_to_disguise_only(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safeconduct.testimony.voice import disguise

    used: list[str] = []
    analyse = disguise._analyse
    monkeypatch.setattr(
        disguise, "_analyse", lambda x, tracker="dio", *rest: used.append(tracker) or analyse(x, tracker, *rest)
    )
    runner = CliRunner()
    out = tmp_path / "careful.wav"
    ok = runner.invoke(app, ["anonymize", str(clip), "-o", str(out), "--careful"])
    assert ok.exit_code == 0, ok.output
    assert out.is_file() and used and set(used) == {"harvest"}
    wrong = runner.invoke(
        app, ["anonymize", str(clip), "-o", str(tmp_path / "m.wav"), "--method", "mcadams", "--careful"]
    )
    assert wrong.exit_code == 2 and "disguise only" in wrong.output and not (tmp_path / "m.wav").exists()
    with pytest.raises(ValueError, match="unknown F0 tracker"):
        disguise.Disguise(seed=1, tracker="crepe")


def test_a_long_file_is_streamed_in_blocks(tmp_path: Path, speech: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks, not the whole file, reach the method: memory stays bounded for an hour-long recording."""
    from safeconduct.testimony.voice import anonymize as module
    from safeconduct.testimony.voice.stream import blocks_at_pauses

    monkeypatch.setattr(module, "blocks_at_pauses", lambda chunks, rate: blocks_at_pauses(chunks, rate, 2.0, 0.5))
    src = tmp_path / "long.flac"
    write_audio(src, np.tile(speech, 2), 16_000)  # 12 s → about six blocks of 2 s
    sizes: list[int] = []
    from safeconduct.testimony.voice.mcadams import McAdams

    original = McAdams.process
    monkeypatch.setattr(McAdams, "process", lambda self, x: sizes.append(x.size) or original(self, x))
    anonymize_file(src, tmp_path / "out.flac", "mcadams", measure=False)
    assert len(sizes) >= 5 and max(sizes) <= 16_000 * 2.5
    assert decode_audio(tmp_path / "out.flac")[0].shape[0] == 2 * speech.size


@pytest.mark.parametrize(
    ("option", "message"), [("bogus=1", "does not take these options"), ("colour_db", "KEY=VALUE")]
)
def test_evaluate_refuses_an_option_the_method_does_not_have(tmp_path: Path, option: str, message: str) -> None:
    """Before loading any model or recording, and without writing the JSON it was asked for."""
    out = tmp_path / "figures.json"
    args = ["evaluate", "--data", str(tmp_path), "--method", "disguise", "--option", option, "--json", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.output and not out.exists()


@pytest.fixture
def clip6(tmp_path: Path, speech: np.ndarray) -> Path:
    """Six seconds, so that every draw leaves the attacker enough speech to measure (see the first test)."""
    path = tmp_path / "clip6.flac"
    write_audio(path, speech, 16_000)
    return path


def _scripted_scores(monkeypatch: pytest.MonkeyPatch, scores: list[float]) -> list[float]:
    """The attacker returns `scores` in turn (one per draw); returns the list of scores it gave."""
    from safeconduct.testimony.voice import attacker

    given: list[float] = []

    def scripted(_a: np.ndarray, _b: np.ndarray) -> float:
        given.append(scores[len(given)])
        return given[-1]

    monkeypatch.setattr(attacker, "similarity", scripted)
    return given


def _draw_alone(tmp_path: Path, clip: Path, seed: int) -> np.ndarray:
    out = tmp_path / f"alone-{seed}.flac"
    anonymize_file(clip, out, "disguise", seed=seed, measure=False)
    return decode_audio(out)[0]


def test_a_draw_the_attacker_takes_for_the_original_is_drawn_again(
    tmp_path: Path, clip6: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safeconduct.testimony.voice.anonymize import DRAW_SEED_STEP

    given = _scripted_scores(monkeypatch, [0.9, 0.6])
    out = tmp_path / "out.flac"
    report = anonymize_file(clip6, out, "disguise", seed=SEED)
    assert given == [0.9, 0.6]
    assert report.level == "moderate" and report.similarity == 0.6
    assert any("drawn again (2 draws" in note for note in report.notes)
    kept = decode_audio(out)[0]
    assert np.array_equal(kept, _draw_alone(tmp_path, clip6, SEED + DRAW_SEED_STEP))  # the second draw's sound
    assert not np.array_equal(kept, _draw_alone(tmp_path, clip6, SEED))
    assert json.loads(report_paths(out)[0].read_text())["similarity"] == 0.6
    assert not list(tmp_path.glob(".safeconduct-*"))  # no draw left behind


def test_when_every_draw_is_weak_the_closest_to_a_stranger_is_kept_and_called_weak(
    tmp_path: Path, clip6: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safeconduct.testimony.voice.anonymize import DRAW_SEED_STEP, MAX_DRAWS

    given = _scripted_scores(monkeypatch, [0.9, 0.75, 0.95, 0.85, 0.88])
    out = tmp_path / "out.flac"
    report = anonymize_file(clip6, out, "disguise", seed=SEED)
    assert len(given) == MAX_DRAWS == 5
    assert report.level == "weak" and report.similarity == 0.75 and "Do not publish" in report.verdict
    assert np.array_equal(decode_audio(out)[0], _draw_alone(tmp_path, clip6, SEED + DRAW_SEED_STEP))


def test_a_good_first_draw_is_not_drawn_again(tmp_path: Path, clip6: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = _scripted_scores(monkeypatch, [0.5, 0.1])
    report = anonymize_file(clip6, tmp_path / "out.flac", "disguise", seed=SEED)
    assert given == [0.5] and report.level == "strong"
    assert not any("drawn again" in note for note in report.notes)
