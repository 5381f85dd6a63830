"""A letter in the organisation's name as PDF: a request to an authority, drawn with the dossier's fonts.

The letter's words (the template filled in) come from the caller; this module only lays them out: the
organisation, the day, the addressee, the subject and reference, the paragraphs, and on every page a footer
with the reference and the organisation key's fingerprint, which is what the recipient checks the signed
file against (``ledger/signed_letter.py``). Right-to-left paragraphs are shaped and ordered like the
dossier's.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from safeconduct.i18n_markers import N_
from safeconduct.ledger.dossier_pdf import has_rtl, register_fonts, visual_lines

WORDS = {
    "to": N_("To:"), "subject": N_("Subject:"), "reference": N_("Reference:"), "for": N_("For %(organisation)s"),
    "signed": N_("Signed electronically with the organisation's key; the file can be checked offline "
                 "(see below)."),
    "attached": N_("Attached file: %(name)s"),
    "check": N_("How to check this letter: run `safeconduct verify FILE.pdf --expect-key FINGERPRINT` with the "
                "fingerprint the organisation gave you through a channel you trust. It checks the signature of "
                "this file and of any attached dossier."),
    "footer": N_("Reference %(reference)s · key %(fingerprint)s · page %(page)s"),
}


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class Letter:
    organisation: str
    authority: str
    subject: str
    reference: str
    day: dt.date
    paragraphs: list[str]
    fingerprint: str
    language: str = "en"
    attachments: list[str] = field(default_factory=list)
    #: Translates the frame's words (To:, Subject:, …) into the letter's language.
    gettext: Callable[[str], str] = _same


def render_letter(letter: Letter) -> bytes:
    """The letter as PDF bytes (unsigned: ``signed_letter.seal`` signs it)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    register_fonts()

    def word(key: str) -> str:
        return letter.gettext(WORDS[key])

    rtl_doc = letter.language == "ar"
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=10.5, leading=15, spaceAfter=8,
                          alignment=TA_RIGHT if rtl_doc else TA_LEFT)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVu-Bold")
    head = ParagraphStyle("head", parent=bold, fontSize=14, leading=18, spaceAfter=2)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.HexColor("#444444"))
    width = A4[0] - 50 * mm

    def para(value: str, style: ParagraphStyle = body) -> Paragraph:
        lines: list[tuple[str, bool]] = []
        for line in value.split("\n"):
            lines += visual_lines(line, width - 2 * mm, style.fontName, style.fontSize) if has_rtl(line) \
                else [(line, False)]
        align = TA_RIGHT if rtl_doc or (lines and lines[0][1]) else TA_LEFT
        if not any(rtl for _line, rtl in lines):
            return Paragraph("<br/>".join(escape(line) for line, _rtl in lines), style)
        return Paragraph("<br/>".join(escape(line) or "&nbsp;" for line, _rtl in lines),
                         ParagraphStyle(style.name + "-bidi", parent=style, alignment=align))

    story: list[Any] = [
        para(letter.organisation, head),
        para(letter.day.isoformat(), small),
        Spacer(1, 8 * mm),
        para(f"{word('to')} {letter.authority}", body),
        para(f"{word('subject')} {letter.subject}", bold),
        para(f"{word('reference')} {letter.reference}", body),
        Spacer(1, 4 * mm),
    ]
    story += [para(p) for p in letter.paragraphs]
    story += [Spacer(1, 6 * mm), para(word("for") % {"organisation": letter.organisation}, bold),
              para(word("signed"), small)]
    story += [para(word("attached") % {"name": name}, small) for name in letter.attachments]
    story += [Spacer(1, 6 * mm), para(word("check"), small), para(letter.fingerprint, small)]

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.setDateFormatter(lambda *_parts: letter.day.strftime("D:%Y%m%d000000+00'00'"))
        canvas.saveState()
        canvas.setFont("DejaVu", 7)
        text = word("footer") % {"reference": letter.reference, "fingerprint": letter.fingerprint,
                                     "page": doc.page}
        line = visual_lines(text, A4[0] - 40 * mm, "DejaVu", 7)[0][0] if has_rtl(text) else text
        canvas.drawString(20 * mm, 10 * mm, line)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=letter.subject, author=letter.organisation, subject="",
                            creator="safeconduct", keywords="", invariant=True, lang=letter.language)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
