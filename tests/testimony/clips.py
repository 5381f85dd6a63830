"""Small media files the testimony tests make with ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support import require


def gray_video(path: Path, *extra: str) -> Path:
    """One second of a plain gray 320x240 video at 25 frames/s, no audio, no face; `extra` ffmpeg output options."""
    require(shutil.which("ffmpeg") is not None, "ffmpeg not installed")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:size=320x240:rate=25", "-t", "1",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", *extra, str(path)],
        check=True,
    )
    return path
