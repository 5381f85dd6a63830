"""Face hiding speed at 720p on this machine, and how many frames the face stayed hidden on.

Makes a clip from scikit-image's astronaut photograph moving across a 1280×720 frame (25 frames/s, with
a tone for the audio track), then times `hide_faces` end to end (both decoding passes, detection, tracking,
drawing, x264 encoding and muxing).

    PYTHONPATH=src .venv/bin/python bench/faces.py [--seconds 10] [--mode blur] [--detect-every 3] [--detect-width 320]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np


def make_clip(path: Path, seconds: int, width: int = 1280, height: int = 720, fps: int = 25) -> int:
    import cv2
    from skimage import data

    face = cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR), (320, 320))
    frames = seconds * fps
    proc = subprocess.Popen(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgr24",
            "-s",
            f"{width}x{height}",
            "-r",
            str(fps),
            "-i",
            "-",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=400:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    for i in range(frames):
        frame = np.full((height, width, 3), 80, np.uint8)
        x = int((width - 320) * (0.5 + 0.5 * np.sin(i / 40)))
        frame[200:520, x : x + 320] = face
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    proc.wait()
    return frames


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--mode", default="blur")
    parser.add_argument("--detect-every", type=int, default=3)
    parser.add_argument("--detect-width", type=int, default=320)
    args = parser.parse_args()
    from safeconduct.testimony.faces import hide_faces

    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.mp4"
        frames = make_clip(clip, args.seconds)
        report = hide_faces(
            clip, Path(tmp) / "out.mp4", args.mode, detect_every=args.detect_every, detect_width=args.detect_width
        )
    result = {
        "frames": frames,
        "hidden_frames": report.frames_hidden,
        "seconds": report.seconds,
        "frames_per_second": round(report.frames_per_second, 1),
        "mode": args.mode,
        "detect_every": args.detect_every,
        "detect_width": args.detect_width,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
