"""A transcript as timed words over one text, so text findings map back to time spans in the audio.

The text is the words joined by single spaces; each word knows its character range, so a finding's
character offsets give the words it covers, and their time stamps give the span to silence.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


class TranscriptError(Exception):
    """A transcript file that cannot be read or does not fit the media."""


@dataclass(frozen=True)
class TimedWord:
    text: str
    start: float
    end: float
    segment: int


@dataclass(frozen=True)
class Transcript:
    """Timed words, grouped in segments (subtitle cues)."""

    words: list[TimedWord]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def offsets(self) -> list[tuple[int, int]]:
        """Character range of each word in `text`."""
        out, cursor = [], 0
        for w in self.words:
            out.append((cursor, cursor + len(w.text)))
            cursor += len(w.text) + 1
        return out

    def span_of(self, start: int, end: int) -> tuple[float, float] | None:
        """Time span of the words overlapping characters [start, end), or None if none."""
        hit = [w for w, (s, e) in zip(self.words, self.offsets(), strict=True) if s < end and start < e]
        return (min(w.start for w in hit), max(w.end for w in hit)) if hit else None

    def segments(self) -> list[tuple[float, float, int, int]]:
        """(start s, end s, first char, end char) of each segment in `text`."""
        groups: dict[int, list[int]] = {}
        for i, w in enumerate(self.words):
            groups.setdefault(w.segment, []).append(i)
        offsets = self.offsets()
        return [
            (self.words[ix[0]].start, self.words[ix[-1]].end, offsets[ix[0]][0], offsets[ix[-1]][1])
            for ix in groups.values()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"words": [asdict(w) for w in self.words]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls([TimedWord(**w) for w in data["words"]])


def from_segments(segments: list[Any]) -> Transcript:
    """From faster-whisper segments (safeconduct.testimony.transcribe) with word time stamps."""
    words = [TimedWord(w.text, w.start, w.end, i) for i, seg in enumerate(segments) for w in seg.words]
    return Transcript(words)


_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")


def _seconds(stamp: str) -> float:
    m = _TIME.fullmatch(stamp.strip())
    if not m:
        raise TranscriptError(f"not a time stamp: {stamp!r}")
    h, mnt, s, frac = m.groups()
    return int(h or 0) * 3600 + int(mnt) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def read_subtitles(path: Path) -> Transcript:
    """Read an SRT or WebVTT file; words get times spread evenly over their cue (cues carry no word times)."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise TranscriptError(f"no such transcript: {path}") from error
    except UnicodeDecodeError as error:
        raise TranscriptError(f"{Path(path).name} is not UTF-8 text") from error
    words: list[TimedWord] = []
    for cue_index, block in enumerate(re.split(r"\n\s*\n", raw.replace("\r\n", "\n"))):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        left, right = lines[timing].split("-->", 1)
        start, end = _seconds(left), _seconds(right.split()[0])
        if end < start:
            raise TranscriptError(f"{Path(path).name}: a cue ends before it starts ({lines[timing]})")
        tokens = " ".join(re.sub(r"<[^>]+>", "", line) for line in lines[timing + 1 :]).split()
        for i, token in enumerate(tokens):
            step = (end - start) / len(tokens)
            words.append(TimedWord(token, start + i * step, start + (i + 1) * step, cue_index))
    if not words:
        raise TranscriptError(f"{Path(path).name} holds no timed cues (SRT or WebVTT expected)")
    return Transcript(words)


def read_transcript(path: Path) -> Transcript:
    """A transcript the user already has: SRT or WebVTT. Plain text has no times to silence words by."""
    suffix = Path(path).suffix.lower()
    if suffix in (".srt", ".vtt"):
        return read_subtitles(path)
    if suffix == ".txt":
        raise TranscriptError(
            "a plain-text transcript has no time stamps, so the identifying words could not be silenced in "
            "the audio: give an SRT or WebVTT file, or leave out --transcript to transcribe the recording "
            "(`safeconduct text redact` redacts a .txt on its own)"
        )
    raise TranscriptError(f"unsupported transcript type {suffix or '(none)'}: use .srt or .vtt")


def check_fits(transcript: Transcript, duration: float, name: str) -> None:
    """Refuse a transcript whose words run past the end of the media: it belongs to another recording."""
    if transcript.words and duration > 0 and transcript.words[-1].end > duration + 2.0:
        raise TranscriptError(
            f"the transcript does not match {name}: it runs to {transcript.words[-1].end:.1f} s but the "
            f"recording lasts {duration:.1f} s"
        )
