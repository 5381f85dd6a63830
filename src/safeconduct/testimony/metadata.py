"""Removing the metadata that betrays where, when and on what a testimony was recorded.

Media (audio, video) is re-muxed by ffmpeg with every container, stream and chapter tag dropped and
ffmpeg's own "encoder" stamp suppressed (bitexact); images and documents go through mat2. Both write to a
temporary name beside the target and rename at the end, so a failure never leaves a file that looks clean.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: Tags ffmpeg writes on its own that identify nobody (kept out of the "removed" list of the report).
_HARMLESS = frozenset({"handler_name", "vendor_id", "major_brand", "minor_version", "compatible_brands", "language"})


class MetadataError(Exception):
    """Metadata could not be removed; the message says why and what to install or fix."""


@dataclass(frozen=True)
class MetadataReport:
    """What was removed from one file: tag names with their former values (for the sensitive report)."""

    source: str
    output: str
    tool: str
    removed: dict[str, str] = field(default_factory=dict)


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MetadataError(f"{name} is not installed (Debian package: {package})")
    return found


def media_tags(path: Path) -> dict[str, str]:
    """Every container, stream and chapter tag ffprobe reports, keyed "format:title", "stream0:location"…"""
    return _probe(path)[0]


def _probe(path: Path) -> tuple[dict[str, str], list[str]]:
    cmd = [
        _tool("ffprobe", "ffmpeg"),
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-show_chapters",
        str(path),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MetadataError(f"cannot read {path.name} as media: {_last_line(done.stderr)}")
    data = json.loads(done.stdout or "{}")
    tags = {f"format:{k}": str(v) for k, v in data.get("format", {}).get("tags", {}).items()}
    for stream in data.get("streams", []):
        tags.update({f"stream{stream['index']}:{k}": str(v) for k, v in stream.get("tags", {}).items()})
    for i, chapter in enumerate(data.get("chapters", [])):
        tags.update({f"chapter{i}:{k}": str(v) for k, v in chapter.get("tags", {}).items()})
    return tags, [s.get("codec_name", "") for s in data.get("streams", [])]


#: Bitstream filters that drop SEI units, where encoders such as x264 write their name and settings.
_DROP_SEI = {"h264": "filter_units=remove_types=6", "hevc": "filter_units=remove_types=39|40"}


def strip_media(source: Path, output: Path) -> MetadataReport:
    """Copy the streams of `source` to `output` (same container) with every tag and chapter dropped."""
    source, output = Path(source), Path(output)
    before, codecs = _probe(source)
    sei = [arg for i, codec in enumerate(codecs) if codec in _DROP_SEI for arg in (f"-bsf:{i}", _DROP_SEI[codec])]
    partial = output.with_name(f".{output.stem}.partial{output.suffix}")
    cmd = [
        _tool("ffmpeg", "ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-map",
        "0",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-map_metadata:s",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-flags:a",
        "+bitexact",
        *sei,
        str(partial),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise MetadataError(f"ffmpeg could not rewrite {source.name}: {_last_line(done.stderr)}")
    after = media_tags(partial)
    partial.replace(output)
    removed = {k: v for k, v in before.items() if k not in after and k.split(":", 1)[1] not in _HARMLESS}
    return MetadataReport(str(source), str(output), "ffmpeg", removed)


def document_tags(path: Path) -> dict[str, str]:
    """The metadata mat2 finds in an image or document (`mat2 --show`)."""
    done = subprocess.run([_tool("mat2", "mat2"), "--show", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MetadataError(f"mat2 cannot read {path.name}: {_last_line(done.stderr or done.stdout)}")
    tags = {}
    for line in done.stdout.splitlines():
        if ":" in line and not line.startswith("["):
            key, _, value = line.partition(":")
            tags[key.strip()] = value.strip()
    return tags


def strip_document(source: Path, output: Path) -> MetadataReport:
    """Clean an image or document with mat2 into `output` (mat2 works in place on a private copy)."""
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise MetadataError(f"no such file: {source}")
    mat2 = _tool("mat2", "mat2")
    partial = output.with_name(f".{output.stem}.partial{source.suffix.lower()}")
    shutil.copyfile(source, partial)
    try:
        before = document_tags(partial)
        done = subprocess.run([mat2, "--inplace", str(partial)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise MetadataError(f"mat2 could not clean {source.name}: {_last_line(done.stderr or done.stdout)}")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return MetadataReport(str(source), str(output), "mat2", before)


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
