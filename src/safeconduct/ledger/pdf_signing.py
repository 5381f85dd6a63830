"""PAdES signatures on the dossier PDF, so any PDF reader shows who issued it and that it is unchanged.

pyHanko does the PDF side (incremental update, CMS signature, PAdES-B-B profile). The organisation's
PDF certificate is self-signed, made once at ``init`` (ECDSA P-256: Acrobat, Okular and pdf.js all
verify it, which Ed25519 in PDFs does not yet get everywhere). A reader therefore shows "signed by
<organisation>, identity not trusted" until the court imports the certificate or its fingerprint is
compared with the one on the verification page; the bundle, not the PDF signature, is the evidence of
the chain.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from safeconduct.event_loop import outside_event_loop


class PdfSignatureError(Exception):
    """The PDF is not signed, was changed after signing, or is not a readable PDF at all."""


def make_org_certificate(organisation: str, *, now: dt.datetime, years: int = 10) -> tuple[bytes, bytes]:
    """A fresh P-256 key and self-signed certificate for `organisation`; ``(key_pem, cert_pem)``.

    The caller (``init``) stores the key like the ledger signing key (mode 0600, data folder).
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, organisation),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _signer(key_pem: bytes, cert_pem: bytes) -> Any:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(asn1_pem.unarmor(cert_pem)[2])
    key = asn1_keys.PrivateKeyInfo.load(asn1_pem.unarmor(key_pem)[2])
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def sign_pdf(pdf: bytes, *, key_pem: bytes, cert_pem: bytes, reason: str = "Case dossier issued",
             field_name: str = "Dossier") -> bytes:
    """Return `pdf` with a PAdES-B-B signature appended (incremental update; the original bytes stay)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except Exception as exc:  # noqa: BLE001 — pyHanko raises several types for unreadable input
        raise PdfSignatureError(f"cannot sign: not a readable PDF ({exc})") from exc
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256", reason=reason,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    outside_event_loop(signers.sign_pdf, writer, meta, signer=_signer(key_pem, cert_pem), output=out)
    return out.getvalue()


def check_pdf_signature(pdf: bytes, *, cert_pem: bytes) -> str:
    """Verify the dossier's signature against the organisation certificate; return the signer's name."""
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    cert = asn1_x509.Certificate.load(asn1_pem.unarmor(cert_pem)[2])
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001
        raise PdfSignatureError(f"not a readable PDF (truncated or damaged): {exc}") from exc
    if not sigs:
        raise PdfSignatureError("the PDF carries no signature")
    try:
        status = outside_event_loop(validate_pdf_signature, sigs[0], ValidationContext(trust_roots=[cert]))
    except Exception as exc:  # noqa: BLE001
        raise PdfSignatureError(f"the PDF signature cannot be checked: {exc}") from exc
    if not status.intact or not status.valid:
        raise PdfSignatureError("the PDF was changed after it was signed (signature does not verify)")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        raise PdfSignatureError("content was added to the PDF after it was signed")
    if not status.trusted:
        raise PdfSignatureError("the PDF is signed, but not by the expected organisation certificate")
    return str(cert.subject.native.get("common_name", ""))
