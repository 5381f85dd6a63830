"""The privacy report written next to every anonymized file: JSON for machines, HTML for people.

It states the method, how similar the attacker model finds the anonymized voice to the original, and a
verdict in plain words. It never contains the secret per-recording parameters, the input's name or
metadata, or the time of day.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Cosine scores of the GE2E attacker on original LibriSpeech test-other speech (10 speakers × 10
#: utterances; `python bench/voice_privacy.py --calibrate`): the threshold where its false acceptances
#: equal its false rejections, and the median score of two different people.
EER_THRESHOLD = 0.72
STRANGER_MEDIAN = 0.52

ATTACKER = "resemblyzer GE2E speaker encoder, cosine similarity"


@dataclass
class PrivacyReport:
    """What the report says (all fields are safe to publish alongside the output)."""

    method: str
    method_summary: str
    output: str
    duration_seconds: float
    measured_seconds: float
    similarity: float | None
    verdict: str
    level: str
    attacker: str = ATTACKER
    eer_threshold: float = EER_THRESHOLD
    stranger_median: float = STRANGER_MEDIAN
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def verdict(similarity: float | None, method: str = "") -> tuple[str, str]:
    """(level, sentence) for a similarity score between the anonymized and the original voice."""
    if method == "revoice" and similarity is not None and similarity < EER_THRESHOLD:
        return "strong", (
            f"Strong: no sound of the original reaches the output; the words are spoken by a stock synthetic "
            f"voice. The model scores it {similarity:.2f} against the original (same-speaker threshold "
            f"{EER_THRESHOLD:.2f}): that is how much the stock voice resembles this speaker to the model, and it "
            "resembles everyone who uses it the same way."
        )
    if similarity is None:
        return "not measured", (
            "Not measured: there was too little speech (or the attacker model is not installed) to compare "
            "the voices. Listen to the result before publishing it."
        )
    if similarity <= STRANGER_MEDIAN:
        return "strong", (
            f"Strong: the speaker-recognition model scores the anonymized voice {similarity:.2f} against the "
            f"original, no closer than two strangers typically are ({STRANGER_MEDIAN:.2f})."
        )
    if similarity < EER_THRESHOLD:
        return "moderate", (
            f"Moderate: the score {similarity:.2f} is below the model's same-speaker threshold "
            f"({EER_THRESHOLD:.2f}) but closer than two strangers typically are ({STRANGER_MEDIAN:.2f}). "
            "Prefer revoice for anyone at high risk."
        )
    return "weak", (
        f"Weak: the score {similarity:.2f} is above the model's same-speaker threshold "
        f"({EER_THRESHOLD:.2f}): the model would take the anonymized voice for the original speaker. "
        "Do not publish this."
    )


GENERAL_NOTES = [
    "The score comes from one public speaker-recognition model; a better-equipped adversary may do better.",
    "Voice is not the only identifier: words, names, places, accent and background sounds can identify too.",
    "The method's random parameters were drawn for this recording only and are not stored anywhere.",
]


def report_paths(output: Path) -> tuple[Path, Path]:
    """Where the JSON and HTML reports of `output` go (next to it)."""
    output = Path(output)
    return output.with_name(output.name + ".privacy.json"), output.with_name(output.name + ".privacy.html")


def write_report(output: Path, report: PrivacyReport) -> tuple[Path, Path]:
    """Write the JSON and HTML reports next to `output`; return their paths."""
    json_path, html_path = report_paths(output)
    json_path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def render_html(report: PrivacyReport) -> str:
    """A self-contained page (no script, no external resource) a caseworker can read."""
    e = html.escape
    sim = "—" if report.similarity is None else f"{report.similarity:.2f}"
    notes = "".join(f"<li>{e(n)}</li>" for n in report.notes)
    colour = {"strong": "#1b5e20", "moderate": "#8a6d00", "weak": "#b71c1c"}.get(report.level, "#444")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Voice privacy report: {e(report.output)}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}}
td,th{{text-align:left;padding:.2em 1em .2em 0}}.v{{border-left:6px solid {colour};padding:.5em 1em}}</style>
</head><body>
<h1>Voice privacy report</h1>
<p class="v"><strong>{e(report.level.capitalize())}.</strong> {e(report.verdict)}</p>
<table>
<tr><th>File</th><td>{e(report.output)}</td></tr>
<tr><th>Method</th><td>{e(report.method)}: {e(report.method_summary)}</td></tr>
<tr><th>Duration</th><td>{report.duration_seconds:.1f} s
(voice compared on the first {report.measured_seconds:.0f} s)</td></tr>
<tr><th>Similarity to the original voice</th><td>{sim} (same-speaker threshold {report.eer_threshold:.2f},
two strangers typically {report.stranger_median:.2f})</td></tr>
<tr><th>Attacker model</th><td>{e(report.attacker)}</td></tr>
</table>
<h2>Keep in mind</h2><ul>{notes}</ul>
</body></html>
"""
