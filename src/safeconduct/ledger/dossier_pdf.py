"""The court PDF, rendered only from a bundle that has just verified.

Rendering from a :class:`~safeconduct.ledger.verify.VerificationReport` (never from the database) means
the PDF can show nothing that the bundle does not prove, and shows no metadata the person did not choose
to disclose: undisclosed events appear only as a count.

ReportLab (pure Python wheel, no system libraries, maintained since 2000) draws it. Arabic and other
right-to-left text: ``arabic-reshaper`` picks the joined letter forms and ``python-bidi`` orders each
line for display, with DejaVu Sans (Debian ``fonts-dejavu-core``), which has Arabic glyphs. Lines are
wrapped *before* reordering so that a long Arabic paragraph reads top to bottom correctly.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from safeconduct.ledger.verify import VerificationReport, VerifiedEvent

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SECTION_TITLES = {
    "wish_to_leave": "Stated wish to leave",
    "planning": "Planning steps",
    "distancing": "Distancing statements",
}
KIND_LABELS = {
    "message_in": "message from the person", "reply_out": "reply from the organisation",
    "state_change": "case state change", "vetting_decision": "vetting decision", "note": "caseworker note",
    "file": "file", "share": "case shared", "view": "case viewed", "copy": "case copied", "export": "export",
    "consent": "consent", "assign": "caseworker responsible",
}


class DossierError(Exception):
    """The PDF cannot be rendered (missing font, nothing disclosed)."""


@dataclass(frozen=True)
class DossierText:
    """Words on the PDF that the organisation chooses (its name, the document title, the language)."""

    organisation: str = "safeconduct"
    title: str = "Case dossier: verified record of the return process"


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise DossierError(f"font {name} not found; install the Debian package fonts-dejavu-core")


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("DejaVu", str(_font_file("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(_font_file("DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFont(TTFont("DejaVuMono", str(_font_file("DejaVuSansMono.ttf"))))
    from reportlab.lib.fonts import addMapping

    addMapping("DejaVu", 0, 0, "DejaVu")
    addMapping("DejaVu", 1, 0, "DejaVu-Bold")


def is_rtl(text: str) -> bool:
    """Base direction of a paragraph: that of its first strong character (Unicode rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def visual_lines(text: str, width: float, font: str = "DejaVu", size: float = 10) -> list[tuple[str, bool]]:
    """Wrap in logical order, then shape and reorder each line for display; ``(line, right_to_left)``."""
    import arabic_reshaper
    from bidi.algorithm import get_display
    from reportlab.lib.utils import simpleSplit

    out: list[tuple[str, bool]] = []
    for paragraph in text.splitlines() or [""]:
        rtl = is_rtl(paragraph)
        shaped = arabic_reshaper.reshape(paragraph)
        for line in simpleSplit(shaped, font, size, width) or [""]:
            out.append((get_display(line, base_dir="R" if rtl else "L"), rtl))
    return out


def _display_text(event: VerifiedEvent) -> str:
    assert event.content is not None
    try:
        text = event.content.decode("utf-8")
    except UnicodeDecodeError:
        return f"[binary content, {len(event.content)} bytes; in the bundle as disclosed/{event.seq:06d}.bin]"
    if event.kind in ("state_change", "vetting_decision"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text
        if isinstance(data, dict):
            return _describe_decision(data)
    return text


def _describe_decision(data: dict[str, object]) -> str:
    """A workflow record (``cases.workflow.Transition.to_json``) as one readable line."""
    if "from" in data and "to" in data:
        line = f"{data['from']} → {data['to']}"
        if data.get("by"):
            line += f", by {data['by']}"
        if data.get("confirmed_by"):
            line += f", confirmed by {data['confirmed_by']}"
        if data.get("why"):
            line += f": {data['why']}"
        return line
    return "; ".join(f"{k}: {v}" for k, v in data.items() if v not in (None, ""))


def render_pdf(
    report: VerificationReport,
    *,
    sections: Mapping[int, str] | None = None,
    text: DossierText | None = None,
) -> bytes:
    """The dossier as PDF bytes. `sections` maps an event's seq to ``wish_to_leave``, ``planning`` or
    ``distancing`` (the caseworker's and the person's choice at export); other disclosed events are listed
    in the conversation, state changes in the workflow history."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    text = text or DossierText()
    sections = dict(sections or {})
    unknown = set(sections.values()) - set(SECTION_TITLES)
    if unknown:
        raise DossierError(f"unknown dossier section {sorted(unknown)[0]!r}; use one of {sorted(SECTION_TITLES)}")
    disclosed = [e for e in report.events if e.content is not None]
    if not disclosed:
        raise DossierError("nothing is disclosed in this bundle; a dossier needs at least one disclosed event")
    if not report.key_confirmed:
        raise DossierError(f"the bundle is signed by key {report.fingerprint}, which was not confirmed; a dossier "
                           "is rendered only from a bundle checked against the organisation's key (--expect-key)")

    body = ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=14)
    rtl_body = ParagraphStyle("rtl", parent=body, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    mono = ParagraphStyle("mono", parent=body, fontName="DejaVuMono", fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=17, leading=22, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName="DejaVu-Bold", fontSize=13, leading=17, spaceBefore=10,
                        spaceAfter=5)
    big_mono = ParagraphStyle("bigmono", parent=body, fontName="DejaVuMono", fontSize=13, leading=18)
    width = A4[0] - 40 * mm

    def para(value: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(value), style)

    def event_block(e: VerifiedEvent) -> KeepTogether:
        when = e.at.replace("T", " ").replace("Z", " UTC") if e.at else "time not disclosed"
        kind = KIND_LABELS.get(e.kind or "", e.kind or "kind not disclosed")
        parts: list[object] = [para(f"Event {e.seq} · {when} · {kind}", small)]
        for line, rtl in visual_lines(_display_text(e), width - 6 * mm):
            parts.append(Paragraph(escape(line) or "&nbsp;", rtl_body if rtl else body))
        parts.append(Spacer(1, 4 * mm))
        return KeepTogether(parts)

    first = report.events[0]
    story: list[object] = [
        para(text.organisation, small),
        para(text.title, h1),
        para(
            f"This dossier shows {len(disclosed)} of the {len(report.events)} recorded events of case "
            f"{report.case_id}, as the person chose to disclose them. Every event, disclosed or not, is part "
            "of a signed hash chain; the bundle that accompanies this PDF lets anyone check offline that no "
            "event was altered, removed or reordered (see the verification page)."
        ),
        Spacer(1, 4 * mm),
        Table(
            [
                [para("First contact"), para(first.at.replace("T", " ").replace("Z", " UTC") if first.at
                                             else "not disclosed")],
                [para("Events recorded"), para(str(len(report.events)))],
                [para("Events disclosed"), para(str(len(disclosed)))],
            ],
            colWidths=[45 * mm, width - 45 * mm],
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        Spacer(1, 4 * mm),
        Table(
            [
                [para("Organisation key fingerprint", small)],
                [para(report.fingerprint, big_mono)],
                [para("Compare it, group by group, with the fingerprint the organisation gave you through a "
                      "channel you trust (its website, a letter). To check this dossier offline, run in the folder "
                      "of the download (or give the downloaded .zip itself):", small)],
                [para(f"safeconduct verify bundle.zip --expect-key {report.fingerprint}", mono)],
                [para("VERIFIED (exit status 0) means every hash, signature and Merkle proof holds and the bundle "
                      "was signed by that key. Details on the verification page.", small)],
            ],
            colWidths=[width],
            style=TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                              ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f2f2f2")),
                              ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm), ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm)]),
        ),
    ]
    for key, title in SECTION_TITLES.items():
        chosen = [e for e in disclosed if sections.get(e.seq) == key]
        if chosen:
            story += [para(title, h2), *[event_block(e) for e in chosen]]
    workflow = [e for e in disclosed if e.kind in ("state_change", "vetting_decision") and e.seq not in sections]
    conversation = [e for e in disclosed if e.seq not in sections and e not in workflow]
    if conversation:
        story += [para("Further disclosed events", h2), *[event_block(e) for e in conversation]]
    if workflow:
        story += [para("Workflow history", h2), *[event_block(e) for e in workflow]]

    issued = report.tree_head_issued_at.strftime("%Y-%m-%d %H:%M:%S UTC") if report.tree_head_issued_at else "?"
    story += [
        PageBreak(),
        para("Verification", h1),
        para(report.summary()),
        Spacer(1, 3 * mm),
        Table(
            [
                [para("Organisation key (Ed25519)"), para(report.public_key.hex(), mono)],
                [para("Key fingerprint"), para(report.fingerprint, mono)],
                [para("Case"), para(report.case_id, mono)],
                [para("Merkle tree size"), para(str(report.tree_size))],
                [para("Merkle root (SHA-256)"), para(report.root_hash.hex(), mono)],
                [para("Tree head signed"), para(issued)],
                [para("Chain head leaf index"), para(str(report.head_leaf_index))],
                [para("Independent timestamp"), para(
                    f"{report.timestamp_time.strftime('%Y-%m-%d %H:%M:%S UTC')} by {report.timestamp_authority} "
                    "(RFC 3161)" + ("" if report.timestamp_confirmed else "; its authority is not confirmed here: "
                                    "check it with --tsa-root")
                    if report.timestamp_time else "none (no timestamp authority configured)")],
            ],
            colWidths=[50 * mm, width - 50 * mm],
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        para("How to check this dossier", h2),
        para("1. Obtain the bundle (bundle.zip, in the download with this PDF), and the organisation's public "
             "key fingerprint from a source you trust: a fingerprint read only from a PDF that came with the bundle "
             "proves nothing, since anyone can sign a fabricated bundle with a key of their own."),
        para("2. Install safeconduct (pip install 'safeconduct[ledger]') on any computer; no network access is "
             "needed."),
        Paragraph(escape(f"safeconduct verify bundle.zip --expect-key {report.fingerprint}"), mono),
        para("Exit status 0 and VERIFIED: everything holds and the key is the one you gave. Exit status 3 (KEY "
             "NOT CONFIRMED): intact, but signed by a key you did not confirm. Exit status 1 (NOT VERIFIED): "
             "something was changed. A timestamp counts only against the authority's root certificate you give "
             "with --tsa-root ROOT.pem.", small),
        para("3. The command recomputes every SHA-256 commitment of the disclosed texts, every link of the "
             "hash chain, every Ed25519 signature, and the RFC 9162 Merkle inclusion of the chain head in the "
             "signed tree head, and prints what holds. Any change to the bundle makes it fail and name the "
             "first broken link. The texts in this PDF are copies of the files in the bundle's disclosed/ "
             "folder; compare them there."),
        para("Undisclosed events are present in the chain only as salted hashes: they prove that the "
             "sequence is complete without revealing their content, kind or time.", small),
    ]

    out = io.BytesIO()

    def footer(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("DejaVu", 7)  # type: ignore[attr-defined]
        canvas.drawString(20 * mm, 10 * mm, f"Case {report.case_id} · key {report.fingerprint}")  # type: ignore[attr-defined]
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"page {doc.page}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=text.title, author=text.organisation, subject="", creator="safeconduct", keywords="",
        invariant=True,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


__all__ = ["DossierError", "DossierText", "SECTION_TITLES", "render_pdf", "visual_lines"]
