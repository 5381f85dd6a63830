"""`safeconduct testimony faces` and `safeconduct testimony strip`: the stages on their own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from safeconduct.cli import app
from tests.support import require
from tests.testimony.clips import gray_video

runner = CliRunner()


def _video(path: Path) -> None:
    gray_video(path, "-metadata", "title=Abu Hamza")


def test_faces_command_writes_the_video(tmp_path: Path) -> None:
    source, out = tmp_path / "in.mp4", tmp_path / "out.mp4"
    _video(source)
    result = runner.invoke(app, ["testimony", "faces", str(source), "-o", str(out), "--mode", "mask"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "0 of 25 frames" in result.output


def test_faces_command_refuses_audio_only(tmp_path: Path) -> None:
    require(shutil.which("ffmpeg") is not None, "ffmpeg not installed")
    source = tmp_path / "voice.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(source)], check=True)
    result = runner.invoke(app, ["testimony", "faces", str(source), "-o", str(tmp_path / "out.mp4")])
    assert result.exit_code == 2 and "no video stream" in result.output
    assert not (tmp_path / "out.mp4").exists()


def test_strip_command_removes_tags_and_never_overwrites(tmp_path: Path) -> None:
    source, out = tmp_path / "in.mp4", tmp_path / "clean.mp4"
    _video(source)
    result = runner.invoke(app, ["testimony", "strip", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "metadata fields removed" in result.output
    again = runner.invoke(app, ["testimony", "strip", str(source), "-o", str(out)])
    assert again.exit_code == 2 and "exists already" in again.output
