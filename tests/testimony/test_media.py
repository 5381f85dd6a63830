"""ffmpeg probe, block decoding, encoding and re-muxing (safeconduct.testimony.media)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from safeconduct.testimony.media import (
    MediaError,
    decode_audio,
    iter_audio_blocks,
    probe,
    replace_audio_track,
    require_audio,
    write_audio,
)
from tests.support import require


@pytest.fixture(autouse=True)
def _ffmpeg() -> None:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (Debian package ffmpeg)")


def tone(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = 0.3 * np.sin(2 * np.pi * 220 * t)
    return np.stack([x * (c + 1) / channels for c in range(channels)], axis=1).astype(np.float32)


def make_video(path: Path, seconds: float = 1.0, audio: bool = True) -> None:
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}", "-c:a", "aac"]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(cmd, check=True)


def video_md5(path: Path) -> str:
    cmd = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "md5", "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def test_probe_describes_a_stereo_48k_file(tmp_path: Path) -> None:
    write_audio(tmp_path / "a.wav", tone(1.0, 48_000, 2), 48_000)
    info = probe(tmp_path / "a.wav")
    assert info.audio is not None
    assert (info.audio.sample_rate, info.audio.channels) == (48_000, 2)
    assert info.duration == pytest.approx(1.0, abs=0.01)
    assert not info.has_video


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3", ".m4a"])
def test_encode_then_decode_keeps_rate_and_channels(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    write_audio(path, tone(1.0, 44_100, 2), 44_100)
    audio, rate = decode_audio(path, mono=False)
    assert rate == 44_100 and audio.shape[1] == 2
    assert audio.shape[0] == pytest.approx(44_100, abs=3000)  # lossy codecs pad a little


def test_blocks_stream_the_whole_file_in_bounded_pieces(tmp_path: Path) -> None:
    write_audio(tmp_path / "a.flac", tone(5.0, 16_000), 16_000)
    blocks = list(iter_audio_blocks(tmp_path / "a.flac", block_seconds=1.0))
    assert max(len(b) for b in blocks) == 16_000
    assert sum(len(b) for b in blocks) == 80_000


def test_a_file_that_is_not_media_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio at all\n" * 20)
    with pytest.raises(MediaError, match="not a readable media file"):
        probe(path)


def test_a_corrupt_file_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.flac"
    write_audio(good, tone(2.0, 16_000), 16_000)
    bad = tmp_path / "bad.flac"
    bad.write_bytes(good.read_bytes()[:60] + bytes(range(256)) * 8)
    with pytest.raises(MediaError):
        decode_audio(bad)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "nothing.wav")


def test_a_video_without_sound_has_no_audio_track(tmp_path: Path) -> None:
    make_video(tmp_path / "mute.mp4", audio=False)
    info = probe(tmp_path / "mute.mp4")
    assert info.has_video and info.audio is None
    with pytest.raises(MediaError, match="has no audio track"):
        require_audio(info)


def test_new_audio_track_keeps_the_picture_bit_for_bit(tmp_path: Path) -> None:
    make_video(tmp_path / "v.mp4", seconds=1.0)
    write_audio(tmp_path / "new.wav", tone(1.0, 44_100), 44_100)
    replace_audio_track(tmp_path / "v.mp4", tmp_path / "new.wav", tmp_path / "out.mp4")
    assert video_md5(tmp_path / "v.mp4") == video_md5(tmp_path / "out.mp4")
    info = probe(tmp_path / "out.mp4")
    assert info.audio is not None and info.audio.sample_rate == 44_100
