"""Salted commitments to the content of case events (the disclosure idea of SD-JWT).

A commitment is ``SHA-256(domain ‖ nonce ‖ plaintext)`` with a fresh 32-byte random nonce. The ledger
stores only the commitment; the nonce lives encrypted beside the content (inside the caller's encrypted
message payload). Later the person may disclose one event by handing over plaintext + nonce: anyone can
recompute the hash, while the undisclosed events stay hidden — the nonce makes even a one-word answer
("yes") impossible to guess from its commitment.

Why SHA-256: it is what SD-JWT (RFC 9901, ``_sd_alg`` default) and RFC 9162 use, every court expert's
toolbox has it (``sha256sum``, OpenSSL, any language's standard library), so a bundle can be checked
without libsodium; 256 bits leave no room for finding a second plaintext that matches. The domain prefix
keeps a commitment from ever being confused with a chain hash or a Merkle node.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

NONCE_BYTES = 32
COMMITMENT_BYTES = 32
_DOMAIN = b"safeconduct commitment v1\x00"


def commitment_of(nonce: bytes, plaintext: bytes) -> bytes:
    """The commitment for a given nonce and plaintext (what a verifier recomputes)."""
    if len(nonce) != NONCE_BYTES:
        raise ValueError(f"commitment nonce must be {NONCE_BYTES} bytes, got {len(nonce)}")
    return hashlib.sha256(_DOMAIN + nonce + plaintext).digest()


def commit(plaintext: bytes) -> tuple[bytes, bytes]:
    """Commit to `plaintext`; return ``(nonce, commitment)``. Keep the nonce secret, with the content."""
    if not isinstance(plaintext, bytes | bytearray | memoryview):
        raise TypeError("commit() takes bytes; encode text as UTF-8 first")
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, commitment_of(nonce, bytes(plaintext))


def verify_commitment(commitment: bytes, nonce: bytes, plaintext: bytes) -> bool:
    """True when `plaintext` with `nonce` is exactly what `commitment` was made from (constant time)."""
    if len(commitment) != COMMITMENT_BYTES or len(nonce) != NONCE_BYTES:
        return False
    return hmac.compare_digest(commitment, commitment_of(nonce, plaintext))
