"""The court PDF, rendered only from a bundle that has just verified.

Rendering from a :class:`~safeconduct.ledger.verify.VerificationReport` (never from the database) means
the PDF can show nothing that the bundle does not prove, and shows no metadata the person did not choose
to disclose: undisclosed events appear only as a count. The caller adds only presentation: the dossier's
language, the case's label, the organisation's names for the workflow states, and thumbnails of the
consented images (made from their cleaned copies, whose originals the bundle commits to).

ReportLab (pure Python wheel, no system libraries, maintained since 2000) draws it. Arabic and other
right-to-left text: ``arabic-reshaper`` picks the joined letter forms (keeping the diacritics: a name
written with its harakat must reach the court as written) and ``python-bidi`` orders each line for
display, with DejaVu Sans (Debian ``fonts-dejavu-core``), which has Arabic glyphs. ReportLab does neither
shaping nor bidi itself. Lines are wrapped *before* reordering so that a long Arabic paragraph reads top to
bottom correctly. So that the text searches and copies as Arabic, each joined letter form is mapped back
to its plain letter in the font's ToUnicode table (`_searchable_cmap`); text extractors put the visual
order back into logical order themselves.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from safeconduct.i18n_markers import N_
from safeconduct.ledger.verify import VerificationReport, VerifiedEvent

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SECTION_TITLES = {
    "wish_to_leave": N_("Stated wish to leave"),
    "planning": N_("Planning steps"),
    "distancing": N_("Distancing statements"),
}
KIND_LABELS = {
    "message_in": N_("message from the person"), "reply_out": N_("reply from the organisation"),
    "state_change": N_("case state change"), "vetting_decision": N_("vetting decision"),
    "vetting": N_("vetting decision"), "note": N_("caseworker note"), "file": N_("file"),
    "file_in": N_("file from the person"), "file_out": N_("file from the organisation"),
    "share": N_("case shared"), "view": N_("case viewed"), "copy": N_("case copied"), "export": N_("export"),
    "consent": N_("consent"), "case_opened": N_("first contact"), "assign": N_("caseworker responsible"),
}
#: The workflow's states under their default names (``cases.workflow.DEFAULT_LABELS``, marked for translation
#: here because the ledger may not import ``cases``); an organisation's own names replace them.
STATE_NAMES = {
    "new_contact": N_("New contact"), "vetting": N_("Vetting"), "advising": N_("Advising"),
    "return_requested": N_("Return requested"), "return_organised": N_("Return organised"),
    "returned": N_("Returned"), "in_proceedings": N_("In proceedings"), "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"), "contact_lost": N_("Contact lost"), "rejected": N_("Rejected"),
}
#: Presentation-form blocks of the Arabic script (the joined letter forms the reshaper produces).
_PRESENTATION_FORMS = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


class DossierError(Exception):
    """The PDF cannot be rendered (missing font, nothing disclosed)."""


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class DossierText:
    """Words on the PDF that the organisation chooses, and the language it is written in."""

    organisation: str = "safeconduct"
    title: str = N_("Case dossier: verified record of the return process")
    #: The case's label as caseworkers know it (e.g. ``ABCD-EF23``); the id stays on the verification page.
    case_label: str = ""
    language: str = "en"
    #: Translates the dossier's own words into `language` (the web layer's catalogue; English by default).
    gettext: Callable[[str], str] = _same
    #: The organisation's own names for states (``[organisation.workflow.labels]``), used as written.
    state_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Thumbnail:
    """A consented image's picture for the PDF (JPEG bytes, small), or why none is shown."""

    jpeg: bytes | None = None
    width: int = 0
    height: int = 0
    note: str | None = None


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise DossierError(f"font {name} not found; install the Debian package fonts-dejavu-core")


def _searchable_cmap(original: Callable[[str, list[int]], str]) -> Callable[[str, list[int]], str]:
    """ReportLab's ToUnicode writer, with each Arabic presentation form mapped to its plain letter(s)."""

    def make(fontname: str, subset: list[int]) -> str:
        text = original(fontname, subset)
        for i, code in enumerate(subset):
            if any(lo <= code <= hi for lo, hi in _PRESENTATION_FORMS):
                plain = unicodedata.normalize("NFKC", chr(code)).encode("utf-16-be").hex().upper()
                text = text.replace(f"<{i:02X}> <{code:04X}>\n", f"<{i:02X}> <{plain}>\n")
        return text

    make.searchable = True  # type: ignore[attr-defined]
    return make


def register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    if not getattr(ttfonts.makeToUnicodeCMap, "searchable", False):
        ttfonts.makeToUnicodeCMap = _searchable_cmap(ttfonts.makeToUnicodeCMap)
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


_ISOLATES = {"LRI", "RLI", "FSI", "PDI"}


def _renderable(text: str) -> str:
    """What the bidi algorithm can order: unassigned code points shown as U+FFFD, isolate controls (which
    python-bidi does not implement, and which are invisible) left out. The bundle keeps the exact text."""
    return "".join("\ufffd" if kind == "" else ch for ch in text
                   if (kind := unicodedata.bidirectional(ch)) not in _ISOLATES)


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual_lines(text: str, width: float, font: str = "DejaVu", size: float = 10) -> list[tuple[str, bool]]:
    """Wrap in logical order, then shape and reorder each line for display; ``(line, right_to_left)``.

    Diacritics are kept; the lam-alef ligature is not formed (the two letters join as in handwriting), so
    that every drawn glyph maps back to exactly one letter and the text extracts in logical order.
    """
    from arabic_reshaper import ArabicReshaper
    from bidi.algorithm import get_display
    from reportlab.lib.utils import simpleSplit

    register_fonts()
    reshaper = ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": False})
    out: list[tuple[str, bool]] = []
    for paragraph in _renderable(text).splitlines() or [""]:
        rtl = is_rtl(paragraph)
        shaped = reshaper.reshape(paragraph)
        for line in simpleSplit(shaped, font, size, width) or [""]:
            out.append((get_display(line, base_dir="R" if rtl else "L"), rtl))
    return out


def human_size(size: int) -> str:
    """Bytes as a court reads them: 2.1 MB, 340 kB, 12 bytes."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} B"


def _day(at: str | None) -> str:
    return at[:10] if at else "?"


def _when(at: str | None) -> str:
    return at.replace("T", " ").replace("Z", " UTC") if at else ""


class _Words:
    """The dossier's sentences in its language."""

    def __init__(self, text: DossierText) -> None:
        self.text = text
        self._ = text.gettext

    def state(self, name: object) -> str:
        main, _slash, sub = str(name).partition("/")
        label = self.text.state_labels.get(main) or self._(STATE_NAMES[main]) if main in STATE_NAMES else main
        return f"{label} – {sub}" if sub else label

    def describe(self, event: VerifiedEvent) -> str:
        """The disclosed content of an event, in sentences (never raw JSON)."""
        _ = self._
        assert event.content is not None
        try:
            raw = event.content.decode("utf-8")
        except UnicodeDecodeError:
            return _("[binary content, %(size)s bytes; in the bundle as %(path)s]") % {
                "size": len(event.content), "path": f"disclosed/{event.seq:06d}.bin"}
        if event.kind not in ("state_change", "vetting_decision", "vetting", "file_in", "file_out", "file",
                              "consent", "export"):
            return raw
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        if not isinstance(data, dict):
            return raw
        if event.kind in ("file_in", "file_out", "file") and {"name", "sha256", "size"} <= set(data):
            sentence = (_("The person sent a file: %(name)s (%(size)s, SHA-256 %(sha256)s)")
                        if event.kind != "file_out" else
                        _("The organisation sent a file: %(name)s (%(size)s, SHA-256 %(sha256)s)"))
            return sentence % {"name": data["name"], "size": human_size(int(data["size"])),
                               "sha256": data["sha256"]}
        if event.kind == "consent" and "items" in data:
            return self._consent(data, event.at)
        if event.kind == "export" and "disclosed_items" in data:
            line = _("Dossier exported on %(day)s with what the person consented to disclose (number of items: "
                     "%(count)s).") % {"day": _day(event.at), "count": len(data["disclosed_items"])}
            return line + " " + (_("The case's state changes are included.") if data.get("workflow") else
                                 _("The case's state changes are not included."))
        return self._decision(data)

    def _consent(self, data: dict[str, Any], at: str | None) -> str:
        _ = self._
        items = [str(i) for i in data.get("items", [])]
        if data.get("all"):
            return _("Consent given on %(day)s to disclose every message and file of the conversation.") % {
                "day": _day(at)}
        if not items:
            return _("Consent withdrawn on %(day)s: nothing may be disclosed.") % {"day": _day(at)}
        return _("Consent given on %(day)s to disclose the messages and files of the conversation shown in this "
                 "dossier (number of items: %(count)s).") % {"day": _day(at), "count": len(items)}

    def _decision(self, data: dict[str, Any]) -> str:
        """A workflow record (``cases.workflow.Transition.to_json``) as one sentence."""
        _ = self._
        if "from" in data and "to" in data:
            line = _("State changed from “%(from)s” to “%(to)s”") % {"from": self.state(data["from"]),
                                                                    "to": self.state(data["to"])}
            if data.get("by"):
                line += ", " + _("by %(name)s") % {"name": data["by"]}
            if data.get("confirmed_by"):
                line += ", " + _("confirmed by %(name)s") % {"name": data["confirmed_by"]}
            if data.get("why"):
                line += ": " + str(data["why"])
            return line
        return "; ".join(f"{k}: {v}" for k, v in data.items() if v not in (None, ""))


def _pdf_date(when: dt.datetime) -> str:
    utc = when.astimezone(dt.UTC) if when.tzinfo else when
    return utc.strftime("D:%Y%m%d%H%M%S+00'00'")


def render_pdf(
    report: VerificationReport,
    *,
    sections: Mapping[int, str] | None = None,
    text: DossierText | None = None,
    thumbnails: Mapping[int, Thumbnail] | None = None,
) -> bytes:
    """The dossier as PDF bytes. `sections` maps an event's seq to ``wish_to_leave``, ``planning`` or
    ``distancing`` (the caseworker's and the person's choice at export); other disclosed events are listed
    in the conversation, state changes in the workflow history. `thumbnails` maps a file event's seq to its
    picture (or to why there is none). The document is dated by the signed tree head of the export."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    register_fonts()
    text = text or DossierText()
    _ = text.gettext
    words = _Words(text)
    sections = dict(sections or {})
    thumbnails = dict(thumbnails or {})
    unknown = set(sections.values()) - set(SECTION_TITLES)
    if unknown:
        raise DossierError(f"unknown dossier section {sorted(unknown)[0]!r}; use one of {sorted(SECTION_TITLES)}")
    disclosed = [e for e in report.events if e.content is not None]
    if not disclosed:
        raise DossierError("nothing is disclosed in this bundle; a dossier needs at least one disclosed event")
    if not report.key_confirmed:
        raise DossierError(f"the bundle is signed by key {report.fingerprint}, which was not confirmed; a dossier "
                           "is rendered only from a bundle checked against the organisation's key (--expect-key)")

    rtl_doc = has_rtl(_("Verification")) or text.language == "ar"
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=14,
                          alignment=TA_RIGHT if rtl_doc else TA_LEFT)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.HexColor("#444444"))
    mono = ParagraphStyle("mono", parent=body, fontName="DejaVuMono", fontSize=8, leading=10, alignment=TA_LEFT)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=17, leading=22, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName="DejaVu-Bold", fontSize=13, leading=17, spaceBefore=10,
                        spaceAfter=5)
    big_mono = ParagraphStyle("bigmono", parent=mono, fontSize=13, leading=18)
    width = A4[0] - 40 * mm

    def para(value: str, style: ParagraphStyle = body, room: float = width) -> Paragraph:
        """A paragraph; right-to-left text is shaped, wrapped and ordered here (ReportLab cannot)."""
        if not has_rtl(value):
            return Paragraph(escape(value), style)
        lines = visual_lines(value, room - 2 * mm, style.fontName, style.fontSize)
        align = TA_RIGHT if (lines and lines[0][1]) or rtl_doc else TA_LEFT
        return Paragraph("<br/>".join(escape(line) or "&nbsp;" for line, _rtl in lines),
                         ParagraphStyle(style.name + "-bidi", parent=style, alignment=align))

    def row(*cells: Any) -> list[Any]:
        """A table row (or column widths), mirrored in a right-to-left dossier: labels stand on the right."""
        return list(reversed(cells)) if rtl_doc else list(cells)

    def picture(seq: int) -> list[object]:
        thumb = thumbnails.get(seq)
        if thumb is None:
            return []
        if thumb.jpeg is None:
            return [para(thumb.note or "", small)]
        scale = min(1.0, 60 * mm / max(thumb.width, thumb.height, 1))
        image = Image(io.BytesIO(thumb.jpeg), width=thumb.width * scale, height=thumb.height * scale)
        image.hAlign = "RIGHT" if rtl_doc else "LEFT"
        return [Spacer(1, 1.5 * mm), image,
                para(_("Picture of the cleaned copy (hidden details such as GPS position removed); the "
                       "original's SHA-256 above is the one the ledger committed to."), small)]

    def section(title: str, chosen: list[VerifiedEvent]) -> list[object]:
        """A heading kept on the page of its first event."""
        blocks = [event_block(e) for e in chosen]
        return [KeepTogether([para(title, h2), *blocks[0]]), *[KeepTogether(b) for b in blocks[1:]]]

    def event_block(e: VerifiedEvent) -> list[object]:
        when = _when(e.at) or _("time not disclosed")
        kind = _(KIND_LABELS[e.kind]) if e.kind in KIND_LABELS else (e.kind or _("kind not disclosed"))
        parts: list[object] = [para(_("Event %(seq)s · %(when)s · %(kind)s") % {"seq": e.seq, "when": when,
                                                                                "kind": kind}, small)]
        parts.append(para(words.describe(e), body, width - 6 * mm))
        parts += picture(e.seq)
        parts.append(Spacer(1, 4 * mm))
        return parts

    label = text.case_label or report.case_id
    first = report.events[0]
    key_box_rows = [
        [para(_("Organisation key fingerprint"), small)],
        [para(report.fingerprint, big_mono)],
        [para(_("Compare it, group by group, with the fingerprint the organisation gave you through a channel "
                "you trust (its website, a letter). To check this dossier offline, run in the folder of the "
                "download (or give the downloaded .zip itself):"), small)],
        [para(f"safeconduct verify bundle.zip --expect-key {report.fingerprint}", mono)],
        [para(_("VERIFIED (exit status 0) means every hash, signature and Merkle proof holds and the bundle was "
                "signed by that key. Details on the verification page."), small)],
    ]
    story: list[object] = [
        para(text.organisation, small),
        para(_(text.title), h1),
        para(_("This dossier shows %(shown)s of the %(total)s recorded events of case %(label)s, as the person "
               "chose to disclose them. Every event, disclosed or not, is part of a signed hash chain; the bundle "
               "that accompanies this PDF lets anyone check offline that no event was altered, removed or "
               "reordered (see the verification page).") % {"shown": len(disclosed), "total": len(report.events),
                                                             "label": label}),
        Spacer(1, 4 * mm),
        Table(
            [
                row(para(_("Case"), room=45 * mm), para(label)),
                row(para(_("First contact"), room=45 * mm), para(_when(first.at) or _("not disclosed"))),
                row(para(_("Events recorded"), room=45 * mm), para(str(len(report.events)))),
                row(para(_("Events disclosed"), room=45 * mm), para(str(len(disclosed)))),
            ],
            colWidths=row(45 * mm, width - 45 * mm),
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        Spacer(1, 4 * mm),
        Table(
            key_box_rows,
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
            story += section(_(title), chosen)
    workflow = [e for e in disclosed if e.kind in ("state_change", "vetting_decision") and e.seq not in sections]
    conversation = [e for e in disclosed if e.seq not in sections and e not in workflow]
    if conversation:
        story += section(_("Further disclosed events"), conversation)
    if workflow:
        story += section(_("Workflow history"), workflow)

    issued = report.tree_head_issued_at.strftime("%Y-%m-%d %H:%M:%S UTC") if report.tree_head_issued_at else "?"
    if report.timestamp_time:
        stamp = _("%(time)s by %(authority)s (RFC 3161)") % {
            "time": report.timestamp_time.strftime("%Y-%m-%d %H:%M:%S UTC"), "authority": report.timestamp_authority}
        if not report.timestamp_confirmed:
            stamp += "; " + _("its authority is not confirmed here: check it with --tsa-root")
    else:
        stamp = _("none (no timestamp authority configured)")
    cell = width - 50 * mm
    story += [
        PageBreak(),
        para(_("Verification"), h1),
        para(report.summary()),
        Spacer(1, 3 * mm),
        Table(
            [
                row(para(_("Organisation key (Ed25519)"), room=50 * mm), para(report.public_key.hex(), mono, cell)),
                row(para(_("Key fingerprint"), room=50 * mm), para(report.fingerprint, mono, cell)),
                row(para(_("Case"), room=50 * mm), para(f"{label} ({report.case_id})", mono, cell)),
                row(para(_("Merkle tree size"), room=50 * mm), para(str(report.tree_size), body, cell)),
                row(para(_("Merkle root (SHA-256)"), room=50 * mm), para(report.root_hash.hex(), mono, cell)),
                row(para(_("Tree head signed"), room=50 * mm), para(issued, body, cell)),
                row(para(_("Chain head leaf index"), room=50 * mm), para(str(report.head_leaf_index), body, cell)),
                row(para(_("Independent timestamp"), room=50 * mm), para(stamp, body, cell)),
            ],
            colWidths=row(50 * mm, cell),
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        para(_("How to check this dossier"), h2),
        para(_("1. Obtain the bundle (bundle.zip, in the download with this PDF), and the organisation's public key "
               "fingerprint from a source you trust: a fingerprint read only from a PDF that came with the bundle "
               "proves nothing, since anyone can sign a fabricated bundle with a key of their own.")),
        para(_("2. Install safeconduct on any computer and run the command below; no network access is needed.")),
        Paragraph(escape("pip install 'safeconduct[ledger]'"), mono),
        Paragraph(escape(f"safeconduct verify bundle.zip --expect-key {report.fingerprint}"), mono),
        para(_("Exit status 0 and VERIFIED: everything holds and the key is the one you gave. Exit status 3 (KEY "
               "NOT CONFIRMED): intact, but signed by a key you did not confirm. Exit status 1 (NOT VERIFIED): "
               "something was changed. A timestamp counts only against the authority's root certificate you give "
               "with --tsa-root ROOT.pem."), small),
        para(_("3. The command recomputes every SHA-256 commitment of the disclosed texts, every link of the hash "
               "chain, every Ed25519 signature, and the RFC 9162 Merkle inclusion of the chain head in the signed "
               "tree head, and prints what holds. Any change to the bundle makes it fail and name the first broken "
               "link. The texts in this PDF are copies of the files in the bundle's disclosed/ folder; compare "
               "them there.")),
        para(_("Undisclosed events are present in the chain only as salted hashes: they prove that the sequence "
               "is complete without revealing their content, kind or time."), small),
    ]

    out = io.BytesIO()
    footer_text = _("Case %(label)s · key %(fingerprint)s") % {"label": label, "fingerprint": report.fingerprint}
    created = report.tree_head_issued_at or dt.datetime.now(dt.UTC)

    def footer_line(value: str) -> str:
        return visual_lines(value, width, "DejaVu", 7)[0][0] if has_rtl(value) else value

    def on_page(canvas: Any, doc: Any) -> None:
        # The document's creation date is the export's (the signed tree head), not ReportLab's fixed one.
        canvas.setDateFormatter(lambda *_parts: _pdf_date(created))
        canvas.saveState()
        canvas.setFont("DejaVu", 7)
        page = footer_line(_("page %(number)s") % {"number": doc.page})
        if rtl_doc:
            canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, footer_line(footer_text))
            canvas.drawString(20 * mm, 10 * mm, page)
        else:
            canvas.drawString(20 * mm, 10 * mm, footer_line(footer_text))
            canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, page)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"{_(text.title)} – {label}", author=text.organisation, subject="", creator="safeconduct",
        keywords="", invariant=True, lang=text.language,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


__all__ = ["DossierError", "DossierText", "SECTION_TITLES", "STATE_NAMES", "Thumbnail", "human_size", "render_pdf",
           "visual_lines"]
