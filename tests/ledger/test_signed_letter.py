"""A signed letter proves on its own who issued it: every kind of tampering is named, a fake is told apart."""

from __future__ import annotations

import datetime as dt

import pytest
from nacl.signing import SigningKey

from safeconduct.ledger import signed_letter
from safeconduct.ledger.letter_pdf import Letter, render_letter
from safeconduct.ledger.pdf_signing import make_org_certificate, sign_pdf
from safeconduct.ledger.trust import Pins, fingerprint

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def org() -> tuple[SigningKey, bytes, bytes]:
    key_pem, cert_pem = make_org_certificate("Exit Network", now=NOW)
    return SigningKey.generate(), key_pem, cert_pem


def _letter(signing_key: SigningKey, paragraphs: list[str] | None = None) -> bytes:
    return render_letter(Letter(organisation="Exit Network", authority="Consulat", subject="Laissez-passer",
                                reference="ABCD-1", day=NOW.date(),
                                paragraphs=paragraphs or ["Nom complet : Yusuf Benali", "اسمي يوسف"],
                                fingerprint=fingerprint(bytes(signing_key.verify_key)), language="fr"))


def _sealed(org: tuple[SigningKey, bytes, bytes], **attachments: bytes) -> bytes:
    signing_key, key_pem, cert_pem = org
    return signed_letter.seal(_letter(signing_key), reference="ABCD-1", issued="2026-11-24",
                              organisation="Exit Network", signing_key=signing_key, key_pem=key_pem,
                              cert_pem=cert_pem, attachments=attachments)


def _pins(signing_key: SigningKey) -> Pins:
    return Pins.of([fingerprint(bytes(signing_key.verify_key))])


def test_a_sealed_letter_verifies_against_the_pinned_key_only(org) -> None:  # type: ignore[no-untyped-def]
    pdf = _sealed(org, **{"notes.txt": b"attached"})
    report = signed_letter.check(pdf, pins=_pins(org[0]))
    assert report.key_confirmed and report.reference == "ABCD-1" and "notes.txt" in report.attachments
    assert signed_letter.check(pdf, pins=None).key_confirmed is False
    with pytest.raises(signed_letter.LetterError, match="not by the key you gave"):
        signed_letter.check(pdf, pins=_pins(SigningKey.generate()))


@pytest.mark.parametrize("where", [0.05, 0.3, 0.6, 0.9])
def test_any_changed_byte_is_caught(org, where: float) -> None:  # type: ignore[no-untyped-def]
    pdf = bytearray(_sealed(org))
    pdf[int(len(pdf) * where)] ^= 0x01
    with pytest.raises(signed_letter.LetterError):
        signed_letter.check(bytes(pdf), pins=_pins(org[0]))


def test_a_doctored_copy_resigned_with_another_certificate_is_caught(org) -> None:  # type: ignore[no-untyped-def]
    genuine = _sealed(org)
    # strip the organisation's signature by taking the bytes before it, then sign with a forger's certificate
    start = genuine.rfind(b"%%EOF", 0, genuine.rfind(b"/ByteRange"))
    unsigned = genuine[:start + len(b"%%EOF\n")]
    forger_key, forger_cert = make_org_certificate("Exit Network", now=NOW)
    forged = sign_pdf(unsigned, key_pem=forger_key, cert_pem=forger_cert, field_name="Letter")
    with pytest.raises(signed_letter.LetterError, match="another certificate"):
        signed_letter.check(forged, pins=_pins(org[0]))


def test_a_letter_nobody_stated_or_a_forger_signed_is_refused(org) -> None:  # type: ignore[no-untyped-def]
    signing_key, key_pem, cert_pem = org
    plain = sign_pdf(_letter(signing_key), key_pem=key_pem, cert_pem=cert_pem)
    with pytest.raises(signed_letter.LetterError, match="no safeconduct statement.*give its .zip download"):
        signed_letter.check(plain, pins=_pins(signing_key))
    forger = SigningKey.generate()
    fake = signed_letter.seal(_letter(forger, ["Nom complet : quelqu'un d'autre"]), reference="ABCD-1",
                              issued="2026-11-24", organisation="Exit Network", signing_key=forger,
                              key_pem=key_pem, cert_pem=cert_pem)
    with pytest.raises(signed_letter.LetterError, match="not by the key you gave"):
        signed_letter.check(fake, pins=_pins(signing_key))
    with pytest.raises(signed_letter.LetterError, match="not a readable PDF|no signature"):
        signed_letter.check(b"%PDF-1.4\n garbage", pins=_pins(signing_key))
    with pytest.raises(signed_letter.LetterError, match="not a readable PDF|no signature"):
        signed_letter.check(_sealed(org)[:5000], pins=_pins(signing_key))
