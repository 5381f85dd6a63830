"""Build real cases and bundles for the ledger tests."""

from __future__ import annotations

import datetime as dt

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.ledger import service
from safeconduct.ledger.bundle import Disclosure
from safeconduct.ledger.commitments import commit
from tests.ledger.conftest import T0, memory_db

CASE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
KINDS = ["message_in", "reply_out", "state_change", "message_in", "note", "reply_out", "message_in",
         "vetting_decision", "reply_out", "message_in", "state_change", "export"]


def make_case(db: Session, key: SigningKey, case_key: bytes, n: int = 12, case_id: str = CASE,
              noise_cases: int = 2) -> list[Disclosure]:
    """`n` events in one case (interleaved with other cases' events); returns every (nonce, text)."""
    disclosures = []
    for i in range(n):
        text = f"Ereignis {i}: ich möchte aussteigen — أريد العودة إلى بيتي".encode()
        nonce, c = commit(text)
        service.append_event(db, case_id=case_id, kind=KINDS[i % len(KINDS)], commitment=c,
                             at=T0 + dt.timedelta(days=i, minutes=7 * i), signing_key=key, case_key=case_key)
        disclosures.append(Disclosure(nonce, text))
        for j in range(noise_cases):
            service.append_event(db, case_id=f"{j:02x}" * 16, kind="note", commitment=commit(b"n")[1],
                                 at=T0, signing_key=key, case_key=case_key)
    db.commit()
    return disclosures


def make_bundle(db: Session, key: SigningKey, case_key: bytes, n: int = 12, disclose: int = 9) -> bytes:
    disclosures = make_case(db, key, case_key, n)
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=key,
                                 disclosures=disclosures[:disclose], now=T0 + dt.timedelta(days=30))
    db.commit()
    return data


def forged_bundle(case_key: bytes, n: int = 12, disclose: int = 9) -> bytes:
    """What anyone can make: a self-consistent bundle for the same case, signed with a fresh key of their own."""
    with memory_db() as other:
        return make_bundle(other, SigningKey.generate(), case_key, n, disclose)


def make_package(bundle: bytes, key: SigningKey, organisation: str = "Beratungsstelle Ausweg") -> bytes:
    """The download as the web export builds it: bundle.zip, the PAdES-signed dossier.pdf, README.txt."""
    from safeconduct.ledger import package
    from safeconduct.ledger.dossier_pdf import DossierText, render_pdf
    from safeconduct.ledger.pdf_signing import make_org_certificate, sign_pdf
    from safeconduct.ledger.verify import verify_bundle

    report = verify_bundle(bundle, expect_key=bytes(key.verify_key).hex())
    key_pem, cert_pem = make_org_certificate(organisation, now=T0)
    pdf = sign_pdf(render_pdf(report, text=DossierText(organisation=organisation)), key_pem=key_pem,
                   cert_pem=cert_pem)
    return package.build(bundle, pdf, key)
