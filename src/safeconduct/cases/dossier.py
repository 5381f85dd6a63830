"""Exporting a dossier: the verifiable bundle of a case and its court PDF, disclosing what the person chose.

One transaction: the "export" ledger event, the signed tree head, the fixing of the consent and the audit
row are committed only once the bundle was built, verified offline-style and the PDF rendered; any failure
(no consent, a broken chain, a missing font) leaves nothing written.

What is disclosed: exactly the consented messages and files (their committed plaintexts with the nonces
kept inside the encrypted payloads), the person's consent record itself (so a court sees that they agreed),
the export event, and — only if the caseworker asks — the case's state changes (reasons included).
Everything else appears in the bundle as salted commitments only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.cases import audit, consent, events, transitions
from safeconduct.cases.content import get_case
from safeconduct.config import Settings
from safeconduct.errors import Conflict, InvalidInput
from safeconduct.ledger import service as ledger
from safeconduct.ledger.bundle import Disclosure
from safeconduct.ledger.commitments import commitment_of

PDF_KEY_FILE = "dossier-pdf.key"
PDF_CERT_FILE = "dossier-pdf.crt"


@dataclass(frozen=True)
class Dossier:
    """The exported files: the bundle (the evidence) and the PDF (the readable rendering of it)."""

    case_label: str
    bundle: bytes
    pdf: bytes
    pdf_signed: bool
    disclosed: int
    summary: str
    fingerprint: str
    #: The download: bundle.zip, dossier.pdf and README.txt, checkable as one by ``safeconduct verify``.
    package: bytes


def pdf_certificate(settings: Settings, organisation: str) -> tuple[bytes, bytes]:
    """The organisation's PDF signing key and certificate, kept like the ledger key (``keys/``, mode 0600).

    ``safeconduct init`` makes them; an installation made before that gets them on its first export.
    """
    from safeconduct.ledger.pdf_signing import make_org_certificate

    key_path, cert_path = settings.keys_dir / PDF_KEY_FILE, settings.keys_dir / PDF_CERT_FILE
    if not (key_path.exists() and cert_path.exists()):
        key_pem, cert_pem = make_org_certificate(organisation, now=dt.datetime.now(dt.UTC))
        settings.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(key_path, key_pem)
        cert_path.write_bytes(cert_pem)
    return key_path.read_bytes(), cert_path.read_bytes()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _section_seqs(db: Session, case_id: str, chosen: list[consent.Disclosable],
                  sections: Mapping[str, str]) -> dict[int, str]:
    """Translate item ids to the ledger positions the PDF's sections are keyed by (matched by commitment)."""
    from safeconduct.ledger.dossier_pdf import SECTION_TITLES

    by_id = {i.id: i for i in chosen}
    for item_id, section in sections.items():
        if item_id not in by_id:
            raise InvalidInput("Only items the person consented to can be placed in a section; %(item)s is not one.",
                               item=item_id)
        if section not in SECTION_TITLES:
            raise InvalidInput("Unknown dossier section %(section)s; use wish_to_leave, planning or distancing.",
                               section=section)
    seq_of = {e.commitment: e.seq for e in ledger.case_entries(db, case_id)}
    return {seq_of[commitment_of(by_id[i].nonce, by_id[i].plaintext)]: s for i, s in sections.items()}


def export(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
           actor: transitions.Actor, organisation: str, include_workflow: bool = False,
           sections: Mapping[str, str] | None = None, sign_pdf: bool = True, language: str = "en",
           gettext: Callable[[str], str] | None = None, confirm: Callable[[], None] | None = None) -> Dossier:
    """Build, check and record the dossier of a case; refuse clearly when the person consented to nothing.

    `sections` places consented items (by item id) under the PDF's headings ``wish_to_leave``,
    ``planning`` or ``distancing``; everything else disclosed is listed as conversation or workflow.
    `confirm` (the console's re-authentication, ``staff/reauth.py``) runs once the request is known to be
    valid and before anything is written: a refusal for missing consent never spends a one-time code.
    The PDF is written in `language`, whose catalogue `gettext` is (the caller's: the domain has none).
    """
    from safeconduct.cases import thumbnails
    from safeconduct.ledger.dossier_pdf import DossierText, render_pdf
    from safeconduct.ledger.verify import verify_bundle

    case = get_case(db, case_id)
    choice = consent.current(db, case_id=case_id, case_key=case_key)
    chosen = [i for i in consent.disclosable_items(db, case_id=case_id, case_key=case_key) if choice.covers(i.id)]
    if not choice.empty and not chosen:
        raise Conflict("The person consented to everything, but the conversation holds nothing to show yet; "
                       "nothing was written.")
    if choice.empty or choice.nonce is None or choice.event is None:
        raise Conflict("The person has not consented to disclose anything, so no dossier was made. They choose "
                       "what may be shown on their consent page; nothing was written.")
    section_seqs = _section_seqs(db, case_id, chosen, sections or {})
    if confirm is not None:
        confirm()
    disclosures = [Disclosure(i.nonce, i.plaintext) for i in chosen]
    disclosures.append(Disclosure(choice.nonce, choice.event.encode()))
    if include_workflow:
        disclosures += [Disclosure(n, p) for n, p in
                        transitions.history_disclosures(db, case_id=case_id, case_key=case_key)]
    now = dt.datetime.now(dt.UTC)
    try:
        export_text = json.dumps({"disclosed_items": sorted(i.id for i in chosen),
                                  "workflow": include_workflow}, sort_keys=True).encode()
        nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="export",
                              plaintext=export_text, at=now)
        disclosures.append(Disclosure(nonce, export_text))
        # The date of first contact (the case's opening event: its kind and time, never any content) is what
        # a court asks first; a person who consents to a dossier consents to that date being in it.
        bundle = ledger.export_bundle(db, case_id=case_id, case_key=case_key, signing_key=signing_key,
                                      disclosures=disclosures, reveal_metadata=(0,), now=now)
        report = verify_bundle(bundle, expect_key=bytes(signing_key.verify_key).hex())
        translate = gettext or (lambda message: message)
        seq_of = {e.commitment: e.seq for e in ledger.case_entries(db, case_id)}
        files = [(i.id[2:], i.preview) for i in chosen if i.kind == "file"]
        pictures = thumbnails.for_files(db, settings, case_id=case_id, case_key=case_key, files=files,
                                        gettext=translate)
        by_file = {i.id[2:]: seq_of[commitment_of(i.nonce, i.plaintext)] for i in chosen if i.kind == "file"}
        text = DossierText(organisation=organisation, case_label=case.label, language=language,
                           gettext=translate, state_labels=transitions.workflow_for(settings).config.labels)
        pdf = render_pdf(report, sections=section_seqs, text=text,
                         thumbnails={by_file[f]: t for f, t in pictures.items()})
        signed = False
        if sign_pdf:
            from safeconduct.ledger.pdf_signing import sign_pdf as pades

            key_pem, cert_pem = pdf_certificate(settings, organisation)
            pdf, signed = pades(pdf, key_pem=key_pem, cert_pem=cert_pem), True
        from safeconduct.ledger import package

        download = package.build(bundle, pdf, signing_key)
        consent.mark_exported(db, case_id=case_id, case_key=case_key)
        audit.record(db, staff_id=actor.staff_id, action="export", case_id=case_id, on=now.date())
        case.last_activity_on = now.date()
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return Dossier(case_label=case.label, bundle=bundle, pdf=pdf, pdf_signed=signed, disclosed=report.disclosed,
                   summary=report.summary(), fingerprint=report.fingerprint, package=download)
