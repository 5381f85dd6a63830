"""The court PDF: rendered from a verified bundle only, Arabic shaped, PAdES-signed, damage refused."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.ledger import service
from safeconduct.ledger.bundle import Disclosure
from safeconduct.ledger.commitments import commit
from safeconduct.ledger.dossier_pdf import DossierError, _register_fonts, is_rtl, render_pdf, visual_lines
from safeconduct.ledger.pdf_signing import PdfSignatureError, check_pdf_signature, make_org_certificate, sign_pdf
from safeconduct.ledger.verify import VerificationReport, VerifiedEvent, verify_bundle
from tests.ledger.conftest import T0
from tests.support import require

CASE = "d05e1e2d05e1e2d05e1e2d05e1e2d05e"
TEXTS = [
    ("message_in", "Ich will raus aus der Gruppe."),
    ("message_in", "أريد أن أترك الجماعة وأن أعود إلى عائلتي."),
    ("note", "SECRET internal assessment, not for the court"),
    ("state_change", '{"from": "vetting", "to": "advising"}'),
]


@pytest.fixture
def report(db: Session, org_key: SigningKey, case_key: bytes) -> VerificationReport:
    disclosures = []
    for i, (kind, text) in enumerate(TEXTS):
        nonce, c = commit(text.encode())
        service.append_event(db, case_id=CASE, kind=kind, commitment=c, at=T0 + dt.timedelta(days=i),
                             signing_key=org_key, case_key=case_key)
        if kind != "note":
            disclosures.append(Disclosure(nonce, text.encode()))
    db.commit()
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                                 disclosures=disclosures, now=T0 + dt.timedelta(days=9))
    return verify_bundle(data, expect_key=bytes(org_key.verify_key).hex())


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed")
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_dossier_shows_disclosed_events_sections_and_verification_page(report: VerificationReport,
                                                                        tmp_path: Path) -> None:
    pdf = render_pdf(report, sections={1: "wish_to_leave"})
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for expected in ("Stated wish to leave", "Ich will raus aus der Gruppe.", "Workflow history",
                     "vetting → advising", "First contact", "2026-03-02 09:15:00 UTC", "Verification",
                     f"safeconduct verify bundle.zip --expect-key {report.fingerprint}", report.root_hash.hex()):
        assert expected in text, expected


def test_dossier_never_shows_what_was_not_disclosed(report: VerificationReport, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(report), tmp_path)
    assert "SECRET" not in text and "caseworker note" not in text and "2026-03-04" not in text


def test_arabic_lines_are_shaped_and_reordered_for_display() -> None:
    assert is_rtl("أريد العودة") and not is_rtl("Ich will")
    [(line, rtl)] = visual_lines("أريد العودة", width=400)
    assert rtl
    assert "\ufe8d" in line or "\ufe8e" in line  # presentation forms: letters joined, not isolated codepoints
    assert line[-1] in "\ufe83\ufe84"  # visual order: the first letter (alef with hamza) is drawn rightmost
    long = visual_lines("أريد أن أترك الجماعة " * 20, width=200)
    assert len(long) > 3 and all(rtl for _l, rtl in long)


def test_text_the_bidi_algorithm_cannot_order_is_still_rendered() -> None:
    # found by schemathesis (tests/web/test_api_fuzz.py): a message holding an unassigned code point or a
    # bidi isolate made the dossier export a 500
    _register_fonts()
    assert visual_lines("a\u2066b\u2069 \u0378 c", width=400) == [("ab \ufffd c", False)]
    assert visual_lines("\u2067أريد\u2069", width=400)[0][1]


def test_bad_dossier_requests_are_refused(report: VerificationReport) -> None:
    with pytest.raises(DossierError, match="unknown dossier section"):
        render_pdf(report, sections={0: "confession"})
    empty = VerificationReport(case_id=report.case_id, public_key=report.public_key,
                               events=[VerifiedEvent(seq=0, kind=None, at=None, content=None)])
    with pytest.raises(DossierError, match="nothing is disclosed"):
        render_pdf(empty)


def test_signed_dossier_verifies_and_any_change_or_truncation_is_refused(report: VerificationReport) -> None:
    key_pem, cert_pem = make_org_certificate("Beratungsstelle Ausweg", now=T0)
    signed = sign_pdf(render_pdf(report), key_pem=key_pem, cert_pem=cert_pem)
    assert check_pdf_signature(signed, cert_pem=cert_pem) == "Beratungsstelle Ausweg"
    altered = bytearray(signed)
    altered[len(signed) // 3] ^= 1
    with pytest.raises(PdfSignatureError, match="changed after it was signed"):
        check_pdf_signature(bytes(altered), cert_pem=cert_pem)
    with pytest.raises(PdfSignatureError, match="truncated or damaged"):
        check_pdf_signature(signed[: len(signed) // 2], cert_pem=cert_pem)
    _k, other = make_org_certificate("Someone else", now=T0)
    with pytest.raises(PdfSignatureError, match="not by the expected organisation"):
        check_pdf_signature(signed, cert_pem=other)
    with pytest.raises(PdfSignatureError, match="no signature"):
        check_pdf_signature(render_pdf(report), cert_pem=cert_pem)
    with pytest.raises(PdfSignatureError, match="not a readable PDF"):
        sign_pdf(b"%PDF-1.4 truncated", key_pem=key_pem, cert_pem=cert_pem)
