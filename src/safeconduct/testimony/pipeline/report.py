"""`report.json` and `report.html`: what was found and removed, by kind and time, and by each stage.

The report quotes the identifying words it hid (a caseworker must be able to check them), so it is as
sensitive as the original: it stays in the output folder with the review file.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any


def write_report(folder: Path, report: dict[str, Any]) -> tuple[Path, Path]:
    """Write both files atomically; return their paths."""
    json_path, html_path = folder / "report.json", folder / "report.html"
    for path, content in (
        (json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n"),
        (html_path, render_html(report)),
    ):
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(content, encoding="utf-8")
        partial.replace(path)
    return json_path, html_path


def by_kind(findings: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(f["kind"] for f in findings).most_common())


def render_html(report: dict[str, Any]) -> str:
    """A self-contained page (no script, no external resource)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(f['kind'])}</td><td>{e(f['placeholder'])}</td><td>{e(f['text'])}</td>"
        f"<td>{f['start']:.2f}–{f['end']:.2f} s</td></tr>"
        for f in report.get("findings", [])
    )
    kinds = "".join(f"<li>{e(k)}: {n}</li>" for k, n in report.get("findings_by_kind", {}).items())
    stages = "".join(f"<tr><td>{e(s)}</td><td>{e(str(v))} s</td></tr>" for s, v in report.get("stages", {}).items())
    metadata = "".join(f"<li>{e(k)} = {e(v)}</li>" for k, v in report.get("metadata_removed", {}).items())
    pad = report.get("audio_pad", 0)
    padded = f" (padded {e(str(pad))} s)" if pad else ""  # revoice says the placeholders: nothing is padded
    voice = report.get("voice") or {}
    faces = report.get("faces") or {}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Testimony anonymization report</title>
<style>body{{font:15px/1.5 sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}
.warn{{background:#fff3cd;padding:.5em 1em}}</style></head><body>
<h1>Testimony anonymization report</h1>
<p class="warn"><strong>Sensitive.</strong> This report quotes the identifying words that were hidden. Keep it
with the review file in the output folder; never publish it with the anonymized recording.</p>
<p>Input: {e(report.get("input", ""))}<br>Language: {e(report.get("language", ""))}<br>
Outputs: {e(", ".join(report.get("outputs", [])))}</p>
<h2>Identifying details hidden</h2><ul>{kinds or "<li>none found</li>"}</ul>
<p>In the audio each span was {e(report.get("audio_cover", ""))}{padded}.</p>
<table><tr><th>kind</th><th>placeholder</th><th>words</th><th>time</th></tr>{rows}</table>
<h2>Voice</h2><p>Method: {e(str(voice.get("method", "none")))}. {e(str(voice.get("verdict", "")))}</p>
<h2>Faces</h2><p>Mode: {e(str(faces.get("mode", "none")))}; frames with a face hidden:
{faces.get("frames_hidden", 0)} of {faces.get("frames", 0)}; time spans: {e(str(faces.get("spans", [])))}</p>
<h2>Metadata removed</h2><ul>{metadata or "<li>none present</li>"}</ul>
<h2>Stages</h2><table>{stages}</table>
</body></html>
"""
