"""Raw video frames in and out of ffmpeg through pipes (the audio track is copied, untouched, in sync).

media.py (the voice work's module) handles audio only; frames live here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np


class VideoError(Exception):
    """ffmpeg could not read or write the video; the message is meant for the user."""


@dataclass(frozen=True)
class VideoInfo:
    """The first video stream: size, exact frame rate, frame count (estimated when not stored)."""

    width: int
    height: int
    rate: Fraction
    frames: int
    duration: float
    has_audio: bool
    video_codec: str


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise VideoError(f"{name} is not installed (Debian package: ffmpeg)")
    return found


def probe_video(path: Path) -> VideoInfo | None:
    """Describe the first video stream, None when the file has none (audio only, a still image's absence)."""
    cmd = [_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "unreadable"
        raise VideoError(f"cannot read {Path(path).name} as media: {message}")
    data = json.loads(done.stdout)
    streams = data.get("streams", [])
    video = next(
        (s for s in streams if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")),
        None,
    )
    if video is None:
        return None
    rate = Fraction(video.get("avg_frame_rate") or "0/1") or Fraction(video.get("r_frame_rate") or "25/1")
    duration = float(video.get("duration") or data.get("format", {}).get("duration") or 0)
    frames = int(video.get("nb_frames") or round(duration * rate))
    return VideoInfo(
        int(video["width"]),
        int(video["height"]),
        rate,
        frames,
        duration,
        any(s.get("codec_type") == "audio" for s in streams),
        video.get("codec_name", ""),
    )


def read_frames(path: Path, width: int, height: int) -> Iterator[np.ndarray]:
    """Yield every frame as a BGR array of the given size (ffmpeg scales), in presentation order."""
    cmd = [
        _tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-fps_mode",
        "passthrough",
        "-vf",
        f"scale={width}:{height}",
        "-pix_fmt",
        "bgr24",
        "-f",
        "rawvideo",
        "-",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    size = width * height * 3
    assert proc.stdout is not None
    try:
        while True:
            buf = proc.stdout.read(size)
            if len(buf) < size:
                break
            yield np.frombuffer(buf, np.uint8).reshape(height, width, 3)
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
        if code not in (0, -15) and err.strip():
            raise VideoError(f"ffmpeg could not decode {Path(path).name}: {err.strip().splitlines()[-1]}")


class FrameWriter:
    """Encodes BGR frames at the source's exact rate and muxes the source's audio track beside them."""

    def __init__(self, out: Path, info: VideoInfo, audio_from: Path, crf: int = 20, preset: str = "veryfast") -> None:
        self.out = out
        audio = ["-map", "1:a?", "-c:a", "copy"] if info.has_audio else []
        if info.has_audio and out.suffix.lower() != audio_from.suffix.lower():
            audio = ["-map", "1:a?", "-c:a", "aac", "-b:a", "160k"]
        cmd = [
            _tool("ffmpeg"),
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgr24",
            "-s",
            f"{info.width}x{info.height}",
            "-r",
            str(info.rate),
            "-i",
            "-",
            "-i",
            str(audio_from),
            "-map",
            "0:v",
            *audio,
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            str(crf),
            "-pix_fmt",
            "yuv420p",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            str(out),
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def write(self, frame: np.ndarray) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame).tobytes())
        except BrokenPipeError as error:
            raise VideoError(f"ffmpeg stopped writing {self.out.name}: {self._stderr()}") from error

    def close(self) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        if self._proc.wait() != 0:
            raise VideoError(f"ffmpeg could not write {self.out.name}: {self._stderr()}")

    def abort(self) -> None:
        self._proc.kill()
        self._proc.wait()

    def _stderr(self) -> str:
        err = self._proc.stderr.read().decode(errors="replace").strip() if self._proc.stderr else ""
        return err.splitlines()[-1] if err else "unknown error (is the disk full?)"
