"""Whole-pipeline speed on a long 720p testimony: each stage's seconds and the real-time factors.

Builds an N-minute 1280×720, 25 frames/s video: LibriSpeech utterances from ../shared/data/speech (read
there, never copied into the repository) over scikit-image's astronaut photograph moving across the
frame; then runs `anonymize_testimony` on it and prints the report's stage timings.

    PYTHONPATH=src .venv/bin/python bench/pipeline.py [--minutes 10] [--voice-method disguise] [--faces blur]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
SPEECH = Path(os.environ.get("SAFECONDUCT_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "speech"


def make_audio(path: Path, seconds: float) -> None:
    clips = sorted((SPEECH / "librispeech-test-other").rglob("*.flac"))
    if not clips:
        raise SystemExit(f"no LibriSpeech clips under {SPEECH}")
    listing = path.with_suffix(".txt")
    repeats: list[Path] = []
    while len(repeats) < 2000:
        repeats.extend(clips)
    listing.write_text("".join(f"file '{c}'\n" for c in repeats))
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-t",
            str(seconds),
            "-c:a",
            "flac",
            str(path),
        ],
        check=True,
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (ffmpeg, espeak-ng)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--voice-method", default="disguise")
    parser.add_argument("--faces", default="blur")
    args = parser.parse_args()
    from faces import make_clip

    from safeconduct.testimony.pipeline import Options, anonymize_testimony

    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_audio(folder / "speech.flac", seconds)
        make_clip(folder / "picture.mp4", int(seconds))
        clip = folder / "testimony.mp4"
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(folder / "picture.mp4"),
                "-i",
                str(folder / "speech.flac"),
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-c:v",
                "copy",
                "-c:a",
                "aac",
                "-shortest",
                str(clip),
            ],
            check=True,
        )
        cpu_seconds: dict[str, float] = {}
        clock = {"stage": "", "cpu": _cpu()}

        def progress(stage: str, done: float, total: float) -> None:
            """Charge the CPU used since the last stage change (ours and ffmpeg's) to the stage that ran."""
            if stage != clock["stage"]:
                now = _cpu()
                if clock["stage"]:
                    cpu_seconds[str(clock["stage"])] = round(now - float(clock["cpu"]), 1)
                clock.update(stage=stage, cpu=now)

        started = time.perf_counter()
        report = anonymize_testimony(
            clip,
            folder / "out",
            Options(language="en", voice_method=args.voice_method, faces=args.faces),
            progress,
        )
        total = time.perf_counter() - started
        if clock["stage"]:
            cpu_seconds[str(clock["stage"])] = round(_cpu() - float(clock["cpu"]), 1)
    stages = report["stages"]
    result = {
        "minutes": args.minutes,
        "voice_method": args.voice_method,
        "faces": args.faces,
        "stage_seconds": stages,
        "stage_cpu_seconds": cpu_seconds,
        "cpu_seconds_total": round(sum(cpu_seconds.values()), 1),
        "total_seconds": round(total, 1),
        "real_time_factor_total": round(total / seconds, 3),
        "real_time_factor_transcription": round(stages.get("transcribe", 0) / seconds, 3),
        "faces_frames_per_second": (report.get("faces") or {}).get("frames_per_second"),
        "findings_by_kind": report["findings_by_kind"],
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
