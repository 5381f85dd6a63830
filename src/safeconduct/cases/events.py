"""Every case event goes to the case's ledger; this is the one place the case code calls it."""

from __future__ import annotations

import datetime as dt

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.ledger import commitments
from safeconduct.ledger import service as ledger


def record(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, kind: str, plaintext: bytes,
           at: dt.datetime) -> bytes:
    """Append an event committing to `plaintext` in the caller's transaction; return the commitment nonce.

    The caller keeps the nonce inside the encrypted content, so that the person can later disclose exactly
    this plaintext in a dossier and a verifier can check it against the signed chain.
    """
    nonce, commitment = commitments.commit(plaintext)
    # Deferred logging: the case's chain is extended and signed now, under a lock on this case only; the
    # org-wide Merkle log picks the new head up within a second (web/app.py) and always before an export.
    ledger.append_event(db, case_id=case_id, kind=kind, commitment=commitment, at=at, signing_key=signing_key,
                        case_key=case_key, defer_log=True)
    return nonce
