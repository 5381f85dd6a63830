"""Media input and output through ffmpeg: probe, decode in blocks, encode, re-mux.

Every testimony step reads and writes media through this module so that one set of ffmpeg invocations is
reviewed once. Audio is exchanged as float32 numpy arrays shaped (frames, channels); decoding streams
through a pipe so an hour-long recording never has to sit in memory at once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

#: Container/codec choices by output suffix; anything else is left to ffmpeg's default for the suffix.
AUDIO_ENCODERS: dict[str, list[str]] = {
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac"],
    ".mp3": ["-c:a", "libmp3lame", "-q:a", "2"],
    ".m4a": ["-c:a", "aac", "-b:a", "160k"],
    ".ogg": ["-c:a", "libvorbis", "-q:a", "5"],
    ".opus": ["-c:a", "libopus", "-b:a", "64k"],
}
VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".webm", ".avi"}
#: Audio codec that each video container accepts when we re-mux a new track into it.
VIDEO_AUDIO_CODEC: dict[str, list[str]] = {
    ".mp4": ["-c:a", "aac", "-b:a", "160k"],
    ".mov": ["-c:a", "aac", "-b:a", "160k"],
    ".mkv": ["-c:a", "flac"],
    ".webm": ["-c:a", "libopus", "-b:a", "96k"],
    ".avi": ["-c:a", "libmp3lame", "-q:a", "2"],
}


class MediaError(Exception):
    """A file that cannot be read or written as media, with a message meant for the user."""


@dataclass(frozen=True)
class AudioStream:
    """The first audio stream of a file, as ffprobe describes it."""

    index: int
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    """What a file holds: its duration, first audio stream (if any) and whether it has a picture."""

    path: Path
    duration: float
    audio: AudioStream | None
    has_video: bool
    format_name: str


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MediaError(f"{name} is not installed (Debian package: ffmpeg)")
    return found


def probe(path: Path) -> MediaInfo:
    """Describe a media file, raising MediaError when ffprobe cannot make sense of it."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"no such file: {path}")
    cmd = [
        _tool("ffprobe"),
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        str(path),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "unknown error"
        raise MediaError(f"{path.name} is not a readable media file ({detail})")
    info = json.loads(proc.stdout or "{}")
    streams = info.get("streams", [])
    fmt = info.get("format", {})
    audio = None
    has_video = False
    for s in streams:
        kind = s.get("codec_type")
        if kind == "audio" and audio is None:
            audio = AudioStream(
                index=int(s["index"]),
                codec=str(s.get("codec_name", "?")),
                sample_rate=int(s.get("sample_rate", 0) or 0),
                channels=int(s.get("channels", 0) or 0),
            )
        # Cover art in audio files is a one-frame "video" stream: it is not a picture to keep.
        elif kind == "video" and not s.get("disposition", {}).get("attached_pic"):
            has_video = True
    duration = float(fmt.get("duration") or 0.0)
    if duration <= 0.0 and audio is not None:
        duration = max((float(s.get("duration") or 0) for s in streams), default=0.0)
    return MediaInfo(path, duration, audio, has_video, str(fmt.get("format_name", "?")))


def require_audio(info: MediaInfo) -> AudioStream:
    """The audio stream of `info`, or a clear MediaError when the file has none."""
    if info.audio is None or info.audio.sample_rate <= 0 or info.audio.channels <= 0:
        raise MediaError(f"{info.path.name} has no audio track")
    return info.audio


def iter_audio_blocks(
    path: Path,
    block_seconds: float = 30.0,
    sample_rate: int | None = None,
    mono: bool = True,
) -> Iterator[np.ndarray]:
    """Decode the first audio track as float32 blocks of shape (frames, channels), streamed from ffmpeg.

    `sample_rate=None` keeps the file's rate; `mono=True` mixes channels down to one.
    """
    info = probe(path)
    stream = require_audio(info)
    sr = sample_rate or stream.sample_rate
    channels = 1 if mono else stream.channels
    cmd = [_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path), "-map", f"0:{stream.index}", "-vn"]
    cmd += ["-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(sr), "pipe:1"]
    frame_bytes = 4 * channels
    block_bytes = max(1, int(block_seconds * sr)) * frame_bytes
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        while True:
            data = proc.stdout.read(block_bytes)
            if not data:
                break
            usable = len(data) - len(data) % frame_bytes
            yield np.frombuffer(data[:usable], dtype="<f4").reshape(-1, channels).copy()
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        code = proc.wait()
    if code != 0:
        raise MediaError(f"{Path(path).name}: audio could not be decoded ({err.strip()[-300:]})")


def decode_audio(path: Path, sample_rate: int | None = None, mono: bool = True) -> tuple[np.ndarray, int]:
    """The whole first audio track as float32 (frames, channels) and its rate: for short clips only."""
    info = probe(path)
    sr = sample_rate or require_audio(info).sample_rate
    blocks = list(iter_audio_blocks(path, 60.0, sample_rate=sr, mono=mono))
    channels = 1 if mono else require_audio(info).channels
    audio = np.concatenate(blocks) if blocks else np.zeros((0, channels), dtype=np.float32)
    return audio, sr


class AudioWriter:
    """Encode float32 blocks to an audio file through an ffmpeg pipe (codec chosen by the suffix)."""

    def __init__(self, path: Path, sample_rate: int, channels: int, codec_args: list[str] | None = None):
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        if codec_args is None:
            codec_args = AUDIO_ENCODERS.get(self.path.suffix.lower(), [])
        # -map_metadata -1: nothing of the input's tags or encoder history travels with the new file.
        cmd = [_tool("ffmpeg"), "-nostdin", "-v", "error", "-y", "-f", "f32le", "-ar", str(sample_rate)]
        cmd += ["-ac", str(channels), "-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact"]
        cmd += [*codec_args, str(self.path)]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def write(self, block: np.ndarray) -> None:
        """Append a (frames, channels) or (frames,) float32 block."""
        block = np.asarray(block, dtype="<f4")
        if block.ndim == 1:
            block = block[:, None]
        if block.shape[1] != self.channels:
            raise ValueError(f"block has {block.shape[1]} channels, writer expects {self.channels}")
        assert self._proc.stdin is not None
        self._proc.stdin.write(np.clip(block, -1.0, 1.0).tobytes())

    def close(self) -> None:
        """Finish the file, raising MediaError when ffmpeg failed."""
        assert self._proc.stdin is not None and self._proc.stderr is not None
        if not self._proc.stdin.closed:
            self._proc.stdin.close()
        err = self._proc.stderr.read().decode(errors="replace")
        self._proc.stderr.close()
        if self._proc.wait() != 0:
            raise MediaError(f"could not write {self.path.name}: {err.strip()[-300:]}")

    def __enter__(self) -> AudioWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._proc.kill()
            self._proc.wait()


def write_audio(path: Path, audio: np.ndarray, sample_rate: int) -> None:
    """Encode a whole array to `path` in one go (short clips, tests)."""
    audio = np.asarray(audio, dtype=np.float32)
    channels = 1 if audio.ndim == 1 else audio.shape[1]
    with AudioWriter(path, sample_rate, channels) as w:
        w.write(audio)


def replace_audio_track(video: Path, audio: Path, out: Path) -> None:
    """Write `out` with the picture of `video` copied bit for bit and `audio` as its only sound track.

    Subtitles, data streams, chapters and metadata of the original are dropped: they may identify.
    """
    codec = VIDEO_AUDIO_CODEC.get(Path(out).suffix.lower(), ["-c:a", "aac", "-b:a", "160k"])
    cmd = [_tool("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(audio)]
    cmd += [
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-c:v",
        "copy",
        *codec,
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
    ]
    cmd += ["-fflags", "+bitexact", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise MediaError(f"could not write {Path(out).name}: {proc.stderr.strip()[-300:]}")


def is_video_output(path: Path) -> bool:
    """Whether `path` names a video container (the picture is copied, the audio replaced)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES
