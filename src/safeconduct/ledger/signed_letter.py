"""A letter PDF that proves on its own who issued it: checkable offline with ``safeconduct verify FILE.pdf``.

A consulate receives one file. It must be able to tell that the organisation issued it, that not a byte was
changed, and that an attached dossier is the organisation's too — with the same pinned key as a dossier
(``--expect-key``), not with trust in whoever sent the file. The file is built in three layers:

1. the letter as drawn (``letter_pdf``);
2. an incremental update that attaches ``statement.json`` (the reference, the day, the SHA-256 and length
   of layer 1, the SHA-256 of every other attachment, the SHA-256 of the organisation's PDF certificate
   and its ledger public key), ``statement.sig`` (the ledger key's Ed25519 signature over the statement)
   and any other file (the dossier package);
3. a PAdES signature over the whole file with the organisation's PDF certificate, so that ordinary PDF
   readers show it as signed and unchanged.

The check reverses this: the PAdES signature covers the entire file; its certificate is the one the
statement names; the statement's signature holds under a key the checker pinned; layer 1 and each
attachment hash as stated. Re-signing a doctored copy with another certificate fails at the second step,
and a statement signed by another key fails at the third.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

import nacl.exceptions
from nacl.signing import SigningKey, VerifyKey

from safeconduct.ledger.bundle import canonical_json
from safeconduct.ledger.pdf_signing import sign_pdf
from safeconduct.ledger.trust import Pins, fingerprint

STATEMENT, SIGNATURE = "statement.json", "statement.sig"
_CONTEXT = b"safeconduct signed letter v1\0"
KIND = "safeconduct letter"


class LetterError(Exception):
    """The letter does not verify; the message names what is wrong."""


@dataclass
class LetterReport:
    """What holds once every check passed (the same questions a dossier's report answers)."""

    public_key: bytes
    reference: str
    issued: str
    organisation: str
    attachments: dict[str, str]
    key_confirmed: bool = False
    dossier_summary: str | None = None
    checks: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def summary(self) -> str:
        parts = [f"letter {self.reference} issued {self.issued} by {self.organisation}, signed by key "
                 f"{self.fingerprint}; PDF signature intact over the whole file"]
        parts += [f"attachment {name} intact" for name in sorted(self.attachments)]
        if self.dossier_summary:
            parts.append(f"attached dossier: {self.dossier_summary}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.key_confirmed, "key_confirmed": self.key_confirmed, "kind": "letter",
                "reference": self.reference, "issued": self.issued, "organisation": self.organisation,
                "public_key": self.public_key.hex(), "fingerprint": self.fingerprint,
                "attachments": self.attachments, "dossier": self.dossier_summary}


def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def _attach(pdf: bytes, files: list[tuple[str, bytes, str]]) -> bytes:
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for name, data, mime in files:
        embed.embed_file(writer, embed.FileSpec(
            file_spec_string=name, file_name=name, description=name,
            embedded_data=embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type=mime)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seal(letter_pdf: bytes, *, reference: str, issued: str, organisation: str, signing_key: SigningKey,
         key_pem: bytes, cert_pem: bytes, attachments: dict[str, bytes] | None = None) -> bytes:
    """The letter with its statement, attachments and PAdES signature: the file the authority receives."""
    from asn1crypto import pem as asn1_pem

    attachments = dict(attachments or {})
    if {STATEMENT, SIGNATURE} & set(attachments):
        raise ValueError("statement.json and statement.sig are the letter's own attachments")
    cert_der = asn1_pem.unarmor(cert_pem)[2]
    statement = canonical_json({
        "kind": KIND, "v": 1, "reference": reference, "issued": issued, "organisation": organisation,
        "letter": {"sha256": hashlib.sha256(letter_pdf).hexdigest(), "bytes": len(letter_pdf)},
        "attachments": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(attachments.items())},
        "pdf_certificate_sha256": hashlib.sha256(cert_der).hexdigest(),
        "public_key": bytes(signing_key.verify_key).hex(),
    })
    signature = signing_key.sign(_CONTEXT + statement).signature.hex().encode()
    files = [(STATEMENT, statement, "application/json"), (SIGNATURE, signature, "text/plain")]
    files += [(name, data, "application/zip" if name.endswith(".zip") else "application/octet-stream")
              for name, data in sorted(attachments.items())]
    return sign_pdf(_attach(letter_pdf, files), key_pem=key_pem, cert_pem=cert_pem, reason="Letter issued",
                    field_name="Letter")


def _resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _embedded(reader: Any) -> dict[str, bytes]:
    """The PDF's embedded files by name (a flat or nested name tree)."""
    found: dict[str, bytes] = {}

    def walk(node: Any) -> None:
        node = _resolve(node)
        names = _resolve(node.get("/Names"))
        if names is not None:
            for i in range(0, len(names) - 1, 2):
                spec = _resolve(names[i + 1])
                found[str(_resolve(names[i]))] = _resolve(_resolve(spec["/EF"])["/F"]).data
        for kid in _resolve(node.get("/Kids", [])):
            walk(kid)

    try:
        tree = _resolve(_resolve(reader.root["/Names"])["/EmbeddedFiles"])
    except KeyError:
        return found
    walk(tree)
    return found


def check(pdf: bytes, *, pins: Pins | None) -> LetterReport:
    """Verify a sealed letter; raise :class:`LetterError` naming the first thing that does not hold."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from safeconduct.event_loop import outside_event_loop

    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 — pyHanko raises several types for damaged input
        raise LetterError(f"not a readable PDF (truncated or damaged): {exc}") from exc
    if len(sigs) != 1:
        raise LetterError("the PDF carries no signature" if not sigs else
                          "the PDF carries more than one signature; safeconduct signs a letter once")
    cert: asn1_x509.Certificate = sigs[0].signer_cert
    try:
        status = outside_event_loop(validate_pdf_signature, sigs[0], ValidationContext(trust_roots=[cert]))
    except Exception as exc:  # noqa: BLE001
        raise LetterError(f"the PDF signature cannot be checked: {exc}") from exc
    if not status.intact or not status.valid:
        raise LetterError("the PDF was changed after it was signed (its signature does not verify)")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        raise LetterError("content was added to the PDF after it was signed")
    files = _embedded(reader)
    if STATEMENT not in files or SIGNATURE not in files:
        raise LetterError("the PDF has no safeconduct statement attached, so it is not a signed letter; to check "
                          "a dossier, give its .zip download (or the folder it unzips to): the bundle is the evidence")
    raw = files[STATEMENT]
    try:
        statement = json.loads(raw)
        public_key = bytes.fromhex(statement["public_key"])
        VerifyKey(public_key).verify(_CONTEXT + raw, bytes.fromhex(files[SIGNATURE].decode("ascii")))
    except nacl.exceptions.BadSignatureError:
        raise LetterError("statement.json was changed: the organisation's signature over it does not verify") \
            from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, nacl.exceptions.CryptoError) as exc:
        raise LetterError(f"statement.json or statement.sig is malformed ({exc})") from None
    if statement.get("kind") != KIND:
        raise LetterError("statement.json is not a safeconduct letter statement")
    if hashlib.sha256(cert.dump()).hexdigest() != statement["pdf_certificate_sha256"]:
        raise LetterError("the PDF was signed with another certificate than the organisation's (it was re-signed "
                          "after a change)")
    size = int(statement["letter"]["bytes"])
    if hashlib.sha256(pdf[:size]).hexdigest() != statement["letter"]["sha256"]:
        raise LetterError("the letter's pages were changed (their SHA-256 is not the one the organisation signed)")
    stated: dict[str, str] = dict(statement["attachments"])
    extra = sorted(set(files) - set(stated) - {STATEMENT, SIGNATURE})
    if extra:
        raise LetterError(f"the PDF carries the file {extra[0]}, which the organisation did not attach")
    for name, digest in sorted(stated.items()):
        if name not in files:
            raise LetterError(f"the attached file {name} is missing")
        if hashlib.sha256(files[name]).hexdigest() != digest:
            raise LetterError(f"the attached file {name} was changed")
    report = LetterReport(public_key=public_key, reference=str(statement["reference"]),
                          issued=str(statement["issued"]), organisation=str(statement["organisation"]),
                          attachments=stated, key_confirmed=pins is not None and pins.matches(public_key))
    if pins is not None and not report.key_confirmed:
        raise LetterError(f"the letter is signed by key {report.fingerprint}, not by the key you gave "
                          f"({pins.describe()})")
    if "dossier.zip" in files:
        from safeconduct.ledger.verify import VerificationError, verify_bundle

        try:
            dossier = verify_bundle(files["dossier.zip"], expect_key=pins or public_key.hex())
        except VerificationError as exc:
            raise LetterError(f"the attached file dossier.zip does not verify: {exc}") from None
        if dossier.public_key != public_key:
            raise LetterError("the attached dossier is signed by another key than the letter")
        report.dossier_summary = dossier.summary()
    return report
