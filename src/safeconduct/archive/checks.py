"""The checklist a second caseworker confirms before anything goes public, filled in from measurements.

Each check is re-run on the final files, not taken from the pipeline's word: the review was approved; the
recording carries no identifying metadata (read back with ffprobe and exiftool); the redaction, run again
on the final transcript, finds nothing the review did not already decide (placeholders and the reviewers'
rejected false alarms aside); the voice was disguised; on a video, faces were hidden on the frames checked.
A failed check blocks publication and says why — by kind and count, never by quoting a word.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeconduct.config import Settings

#: Container and stream tags that say nothing about a person or a place.
HARMLESS_TAGS = frozenset({"handler_name", "vendor_id", "major_brand", "minor_version", "compatible_brands",
                           "language", "encoder"})
#: exiftool names that describe the container, not a person ("VideoHandler", "SoundHandler").
HARMLESS_EXIF = frozenset({"HandlerDescription", "HandlerType", "HandlerVendorID"})
#: exiftool groups that are only the file system's view of our own copy.
_EXIF_IGNORED_GROUPS = ("File", "ExifTool", "System")
_PLACEHOLDER = re.compile(r"\[[A-Z]+ \d+\]")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def _metadata(path: Path) -> Check:
    from safeconduct.testimony.metadata import MetadataError, media_tags

    try:
        tags = media_tags(path)
    except MetadataError as error:
        return Check("metadata", False, str(error))
    found = sorted(k for k in tags if k.split(":", 1)[-1].lower() not in HARMLESS_TAGS)
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        return Check("metadata", False, "exiftool is not installed (Debian package libimage-exiftool-perl)")
    done = subprocess.run([exiftool, "-j", "-G1", "-a", "-n", str(path)], capture_output=True, text=True, check=False)
    try:
        read = json.loads(done.stdout or "[{}]")[0]
    except (json.JSONDecodeError, IndexError):
        return Check("metadata", False, "exiftool could not read the recording back")
    risky = re.compile(r"gps|location|author|artist|creator|comment|title|description|copyright|make|model|"
                       r"serial|owner|keywords|software|usercomment", re.I)
    for key, value in read.items():
        group, _, name = key.partition(":")
        if group in _EXIF_IGNORED_GROUPS or not name:
            continue
        if risky.search(name) and str(value).strip() and name not in HARMLESS_EXIF \
                and name.lower() not in HARMLESS_TAGS:
            found.append(key)
    if found:
        return Check("metadata", False, "tags left in the recording: " + ", ".join(sorted(set(found))[:8]))
    return Check("metadata", True, "no identifying tag (ffprobe and exiftool)")


def _transcript(text: str, language: str, rejected: list[str]) -> Check:
    from safeconduct.testimony.text.errors import UnsupportedLanguageError
    from safeconduct.testimony.text.redact import redact_text

    if not text.strip():
        return Check("transcript", True, "no words")
    try:
        result = redact_text(text, language if language in ("en", "fr", "ar") else "auto", rejected=rejected)
    except UnsupportedLanguageError:
        return Check("transcript", False, f"no redaction model for the language {language}")
    placeholders = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
    left = [f for f in result.findings
            if not any(f.start < end and start < f.end for start, end in placeholders)]
    if left:
        kinds: dict[str, int] = {}
        for f in left:
            kinds[str(f.kind)] = kinds.get(str(f.kind), 0) + 1
        return Check("transcript", False, "the redaction, run again, finds " +
                     ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + " not hidden")
    return Check("transcript", True, "the redaction, run again on the final text, finds nothing new")


def voice_words(testimony: Any) -> str:
    """The voice's measured privacy in plain words, as the archive page shows it."""
    voice = (testimony.report or {}).get("voice") or {}
    verdict = str(voice.get("verdict") or "").strip()
    method = str(voice.get("method") or "none")
    if method == "none":
        return "The voice was not disguised."
    return verdict or f"The voice was disguised ({method})."


def _voice(testimony: Any) -> Check:
    """The re-identification risk the speaker model measured (the informed attacker of ``voice/report.py``):
    a voice it would take for the original ("weak"), or one it could not measure, is not published."""
    voice = (testimony.report or {}).get("voice") or {}
    if str(voice.get("method") or "none") == "none":
        return Check("voice", False, "the voice was not disguised")
    level = str(voice.get("level") or "")
    if level == "weak":
        return Check("voice", False, "the speaker model would take the disguised voice for the original")
    if level == "not measured":
        return Check("voice", False, "the voice's re-identification risk could not be measured; prepare it again "
                     "with more speech or with revoice")
    return Check("voice", True, voice_words(testimony))


def _faces(testimony: Any, has_video: bool) -> Check:
    if not has_video:
        return Check("faces", True, "no picture")
    faces = (testimony.report or {}).get("faces") or {}
    mode = str(faces.get("mode") or "none")
    if mode == "none":
        return Check("faces", False, "faces were not hidden")
    frames = int(faces.get("frames") or 0)
    return Check("faces", True, f"{mode}: faces hidden on {faces.get('frames_hidden', 0)} of {frames} frames checked")


def run(settings: Settings, *, testimony: Any, outputs: dict[str, Any], language: str) -> tuple[list[Check], int]:
    """Every check on the final files; returns the checks and the recording's duration in whole seconds."""
    from safeconduct.testimony.media import probe

    results = [Check("review", bool(testimony.approved), "review approved" if testimony.approved else
                     "the review was not approved")]
    media = next(o for name, o in outputs.items() if name.startswith("testimony."))
    from safeconduct.jobs import scratch

    with scratch.space(settings) as folder:  # the anonymized recording only, but in memory all the same
        path = folder / media.name
        with path.open("wb") as out:
            for chunk in media.iter_bytes():
                out.write(chunk)
        results.append(_metadata(path))
        info = probe(path)
    rejected = [f.text for f in testimony.findings if not f.accepted]
    text = b"".join(outputs["transcript.txt"].iter_bytes()).decode("utf-8") if "transcript.txt" in outputs \
        else (testimony.redacted_transcript or "")
    results += [_transcript(text, language, rejected), _voice(testimony), _faces(testimony, info.has_video)]
    return results, int(round(info.duration))
