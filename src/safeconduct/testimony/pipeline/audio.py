"""Silencing, or covering with a tone, the time spans of identifying words in the recording."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

#: Seconds added before and after each word: word time stamps are approximate.
PAD = 0.15


class AudioRedactionError(Exception):
    """ffmpeg could not rewrite the audio."""


def merge_spans(spans: list[tuple[float, float]], pad: float = PAD) -> list[tuple[float, float]]:
    """Pad each span and merge those that touch."""
    merged: list[list[float]] = []
    for a, b in sorted((max(0.0, a - pad), b + pad) for a, b in spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def cover_spans(
    source: Path,
    output: Path,
    spans: list[tuple[float, float]],
    mode: str = "tone",
    audio_codec: list[str] | None = None,
) -> None:
    """Write `output`: the picture copied, the audio with every span silenced or replaced by a 1 kHz tone."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise AudioRedactionError("ffmpeg is not installed (Debian package: ffmpeg)")
    codec = audio_codec or ["-c:a", "aac", "-b:a", "160k"]
    if not spans:
        expression = "0"
    else:
        expression = "+".join(f"between(t,{a:.3f},{b:.3f})" for a, b in spans)
    if mode == "tone" and spans:
        graph = (
            f"[0:a]volume=volume=0:enable='{expression}'[muted];"
            f"sine=frequency=1000:sample_rate=48000,volume=0.12,volume=volume=0:enable='not({expression})'[tone];"
            f"[muted][tone]amix=inputs=2:duration=first:normalize=0[a]"
        )
    else:
        graph = f"[0:a]volume=volume=0:enable='{expression}'[a]"
    cmd = [
        ffmpeg,
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-i",
        str(source),
        "-filter_complex",
        graph,
        "-map",
        "0:v?",
        "-map",
        "[a]",
        "-c:v",
        "copy",
        *codec,
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        str(output),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        Path(output).unlink(missing_ok=True)
        lines = done.stderr.strip().splitlines()
        raise AudioRedactionError(f"could not rewrite the audio: {lines[-1] if lines else 'unknown error'}")
