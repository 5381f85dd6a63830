"""The review file, `redactions.yaml`: every finding, accepted by default, for a person to check.

A reviewer sets `accepted: false` on a false alarm, or adds `{kind: PERSON, text: "Hamza"}` for a word the
detector missed (every occurrence in the transcript is then hidden). The same list feeds the report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from safeconduct.testimony.pipeline.transcript import Transcript
from safeconduct.testimony.text import Finding, Kind

HEADER = """\
# safeconduct redactions: SENSITIVE. This file holds the very words that identify the speaker; keep it
# inside the output folder and delete it with the working files once the testimony is published.
#
# Review: set `accepted: false` to keep a word that is not identifying; add an entry with only `kind` and
# `text` (kinds: PERSON PLACE UNIT DATE PHONE EMAIL HANDLE ID NATIONALITY) to hide a word that was missed:
# every occurrence in the transcript is hidden. Then re-run with --apply redactions.yaml.
"""


class ReviewError(Exception):
    """The review file cannot be used; the message names the entry."""


def write_review(path: Path, findings: list[Finding], transcript: Transcript, fingerprint: str) -> None:
    """Write the findings (with their time spans) for review, atomically."""
    import yaml

    entries = []
    for f in findings:
        span = transcript.span_of(f.start, f.end) or (0.0, 0.0)
        entries.append(
            {
                "kind": str(f.kind),
                "text": f.text,
                "placeholder": f.placeholder,
                "start": round(span[0], 2),
                "end": round(span[1], 2),
                "char_start": f.start,
                "char_end": f.end,
                "accepted": True,
            }
        )
    body = yaml.safe_dump({"input": fingerprint, "redactions": entries}, allow_unicode=True, sort_keys=False)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(HEADER + body, encoding="utf-8")
    partial.replace(path)


def read_review(path: Path, transcript: Transcript, fingerprint: str) -> list[Finding]:
    """The accepted findings of a reviewed file, new entries located in the transcript."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ReviewError(f"no such review file: {path}") from error
    except yaml.YAMLError as error:
        raise ReviewError(f"{Path(path).name} is not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("redactions"), list):
        raise ReviewError(f"{Path(path).name} has no `redactions:` list")
    if data.get("input") not in (None, fingerprint):
        raise ReviewError(f"{Path(path).name} was written for another recording (or another transcript)")
    text = transcript.text
    findings: list[Finding] = []
    placeholders: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    for entry in data["redactions"]:
        if isinstance(entry, dict) and entry.get("placeholder") and "char_start" in entry:
            key = (str(entry.get("kind")), str(entry.get("text")).casefold())
            placeholders.setdefault(key, str(entry["placeholder"]))
            kind_n = re.search(r"(\d+)\]$", str(entry["placeholder"]))
            if kind_n:
                counters[str(entry.get("kind"))] = max(counters.get(str(entry.get("kind")), 0), int(kind_n.group(1)))
    for number, entry in enumerate(data["redactions"], 1):
        findings.extend(_entry(entry, number, path, text, placeholders, counters))
    findings.sort(key=lambda f: f.start)
    kept: list[Finding] = []
    for f in findings:  # a word added by hand may overlap a finding: keep the first
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def _entry(
    entry: Any, number: int, path: Path, text: str, placeholders: dict[tuple[str, str], str], counters: dict[str, int]
) -> list[Finding]:
    where = f"{Path(path).name}, entry {number}"
    if not isinstance(entry, dict):
        raise ReviewError(f"{where}: expected `kind:` and `text:`")
    raw_kind, surface = entry.get("kind"), entry.get("text")
    if raw_kind not in Kind.__members__:
        raise ReviewError(f"{where}: unknown kind {raw_kind!r} (one of {', '.join(Kind.__members__)})")
    kind = str(raw_kind)
    if not isinstance(surface, str) or not surface.strip():
        raise ReviewError(f"{where}: `text` is empty")
    if entry.get("accepted", True) is False:
        return []
    key = (kind, surface.casefold())
    if key not in placeholders:
        counters[kind] = counters.get(kind, 0) + 1
        placeholders[key] = f"[{kind} {counters[kind]}]"
    if "char_start" in entry and "char_end" in entry:
        s, e = int(entry["char_start"]), int(entry["char_end"])
        if text[s:e] != surface:
            raise ReviewError(f"{where}: {surface!r} is not at characters {s}–{e} of this transcript")
        return [Finding(Kind(kind), surface, s, e, placeholders[key], 1.0, "review")]
    hits = [m for m in re.finditer(rf"(?<!\w){re.escape(surface.strip())}(?!\w)", text, re.IGNORECASE)]
    if not hits:
        raise ReviewError(f"{where}: {surface!r} does not occur in the transcript")
    return [Finding(Kind(kind), m.group(), m.start(), m.end(), placeholders[key], 1.0, "review") for m in hits]
