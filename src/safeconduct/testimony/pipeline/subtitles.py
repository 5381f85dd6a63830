"""Writing the redacted transcript as SRT, WebVTT and plain text."""

from __future__ import annotations

from collections.abc import Sequence

from safeconduct.testimony.pipeline.transcript import Transcript
from safeconduct.testimony.text import Finding


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def redacted_cues(transcript: Transcript, findings: Sequence[Finding]) -> list[tuple[float, float, str]]:
    """Each segment's text with the findings inside it replaced by their placeholders."""
    text = transcript.text
    cues = []
    for start_s, end_s, a, b in transcript.segments():
        inside = sorted((f for f in findings if f.start < b and a < f.end), key=lambda f: f.start)
        out, cursor = [], a
        for f in inside:
            s, e = max(f.start, a), min(f.end, b)
            if s < cursor:
                continue
            out.append(text[cursor:s])
            out.append(f.placeholder)
            cursor = e
        out.append(text[cursor:b])
        cues.append((start_s, end_s, "".join(out).strip()))
    return cues


def to_srt(cues: list[tuple[float, float, str]]) -> str:
    return "".join(f"{i}\n{_stamp(s, ',')} --> {_stamp(e, ',')}\n{t}\n\n" for i, (s, e, t) in enumerate(cues, 1))


def to_vtt(cues: list[tuple[float, float, str]]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(s, '.')} --> {_stamp(e, '.')}\n{t}\n\n" for s, e, t in cues)


def to_text(cues: list[tuple[float, float, str]]) -> str:
    return "\n".join(t for _, _, t in cues) + "\n"
