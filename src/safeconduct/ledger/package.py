"""The dossier package as downloaded: one zip with the bundle, its PDF and a README, checkable as a whole.

``bundle.zip`` is the evidence; ``dossier.pdf`` its readable rendering; ``README.txt`` says how to check
them and carries the PDF's SHA-256 with the organisation's Ed25519 signature over it (and over the
bundle's SHA-256), made with the same ledger key that signs the bundle. So once the person checking has
pinned that key, every byte of the PDF is covered by it too, and the PDF cannot be paired with another
bundle. The README is otherwise a pure function of the bundle, and the package is written
byte-canonically like the bundle (``bundle.zip_members``): ``safeconduct verify`` on the package (or on the
folder it unzips to) catches a change to any byte of any of the three files, and names the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

import nacl.exceptions
from nacl.signing import SigningKey, VerifyKey

from safeconduct.ledger.bundle import zip_members
from safeconduct.ledger.trust import fingerprint

BUNDLE, PDF, README = "bundle.zip", "dossier.pdf", "README.txt"
MEMBERS = (BUNDLE, PDF, README)
_PDF_CONTEXT = b"safeconduct dossier pdf v1\0"
_PDF_HASH_LINE = re.compile(r"^dossier\.pdf SHA-256: ([0-9a-f]{64})$", re.M)
_SIGNATURE_LINE = re.compile(r"^dossier\.pdf signature \(Ed25519, organisation key\): ([0-9a-f]{128})$", re.M)


class PackageError(Exception):
    """dossier.pdf or README.txt is not what the organisation issued with this bundle."""


def pdf_message(pdf: bytes, bundle: bytes) -> bytes:
    """What the organisation signs for the PDF: context ‖ SHA-256(bundle) ‖ SHA-256(pdf)."""
    return _PDF_CONTEXT + hashlib.sha256(bundle).digest() + hashlib.sha256(pdf).digest()


def sign_pdf(pdf: bytes, bundle: bytes, signing_key: SigningKey) -> bytes:
    return signing_key.sign(pdf_message(pdf, bundle)).signature


def readme(*, case_id: str, public_key: bytes, events: int, disclosed: int, pdf: bytes,
           pdf_signature: bytes) -> str:
    """What a court clerk reads first; the verifier re-derives it from the bundle, the PDF and the signature."""
    fp = fingerprint(public_key)
    return (
        "Case dossier exported by safeconduct\n"
        "====================================\n\n"
        f"Case: {case_id}\nEvents recorded: {events}, of which disclosed: {disclosed}\n"
        f"Signed by the organisation key with fingerprint:\n\n    {fp}\n\n"
        "bundle.zip is the evidence; dossier.pdf is its readable rendering, made only after the bundle verified.\n\n"
        "How to check (offline, no account needed):\n\n"
        "1. Compare the fingerprint above, group by group, with the one the organisation gave you through a "
        "channel you trust (its website, a letter, the first page of a dossier it handed to you). A fingerprint "
        "read only from this download proves nothing: anyone can sign a fabricated dossier with a key of their "
        "own.\n"
        "2. Install safeconduct (pip install 'safeconduct[ledger]') and run, with the fingerprint from that "
        "channel:\n\n"
        f"    safeconduct verify bundle.zip --expect-key {fp}\n\n"
        "   in the folder this download unzips to (or give the downloaded .zip or the folder instead of "
        "bundle.zip: then dossier.pdf and this file are checked too).\n"
        "3. Exit status 0 and VERIFIED: every hash, signature and Merkle proof holds and the key is the one you "
        "trust. Exit status 3 (KEY NOT CONFIRMED): intact, but signed by a key you did not confirm. Exit status 1 "
        "(NOT VERIFIED): something was changed; the message names the first broken link.\n\n"
        f"dossier.pdf SHA-256: {hashlib.sha256(pdf).hexdigest()}\n"
        f"dossier.pdf signature (Ed25519, organisation key): {pdf_signature.hex()}\n"
    )


def _manifest(bundle: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        manifest: dict[str, Any] = json.loads(zf.read("manifest.json"))
    return manifest


def build(bundle: bytes, pdf: bytes, signing_key: SigningKey) -> bytes:
    """The one byte-exact package of a bundle (verified moments ago, at export) and its PDF."""
    manifest = _manifest(bundle)
    text = readme(case_id=str(manifest["case_id"]), public_key=bytes(signing_key.verify_key),
                  events=int(manifest["events"]), disclosed=int(manifest["disclosed"]),
                  pdf=pdf, pdf_signature=sign_pdf(pdf, bundle, signing_key))
    return zip_members([(BUNDLE, bundle), (PDF, pdf), (README, text.encode("utf-8"))])


def is_package(names: list[str]) -> bool:
    return BUNDLE in names and "manifest.json" not in names


def check_readme_and_pdf(readme_bytes: bytes, pdf: bytes, *, bundle: bytes, case_id: str, public_key: bytes,
                         events: int, disclosed: int) -> None:
    """Check that the PDF is the one the bundle's key signed with this bundle (the signature is in the README)
    and that the README is exactly what safeconduct writes for both; raise :class:`PackageError` naming the file.
    """
    text = readme_bytes.decode("utf-8", errors="replace")
    match, stated = _SIGNATURE_LINE.search(text), _PDF_HASH_LINE.search(text)
    if match is None or stated is None:
        raise PackageError("README.txt was changed: its dossier.pdf SHA-256 or signature line is missing or "
                           "malformed")
    signature = bytes.fromhex(match.group(1))
    try:
        VerifyKey(public_key).verify(pdf_message(pdf, bundle), signature)
    except nacl.exceptions.BadSignatureError:
        if hashlib.sha256(pdf).hexdigest() != stated.group(1):
            raise PackageError("dossier.pdf was changed, or belongs to another bundle (its SHA-256 is not the "
                               "one in README.txt, and the organisation's signature does not cover it)") from None
        raise PackageError("README.txt was changed: the organisation's signature over dossier.pdf in it does not "
                           "verify (or both files belong to another bundle)") from None
    expected = readme(case_id=case_id, public_key=public_key, events=events, disclosed=disclosed, pdf=pdf,
                      pdf_signature=signature)
    if readme_bytes != expected.encode("utf-8"):
        raise PackageError("README.txt was changed (it differs from the one safeconduct writes for this bundle: "
                           "check the fingerprint and instructions in it)")
