"""The organisation's redaction list (words reviewers added or rejected), encrypted at rest.

Like staff e-mail addresses (mail_address.py), the key is derived from the ledger signing key, kept in the
keys folder outside the database: any run of the redaction on this installation can read the list without
a staff member's key, and a stolen database or backup of it alone shows no entry (nor how many of each kind).
"""

from __future__ import annotations

import nacl.encoding
from nacl.hash import blake2b
from nacl.signing import SigningKey

from safeconduct.crypto import aead

_PERSON = b"sc-redact-terms"
_AAD = b"redaction_terms:"


def _key(signing_key: SigningKey) -> bytes:
    return blake2b(
        b"", key=bytes(signing_key), person=_PERSON.ljust(16, b"\0"), digest_size=32, encoder=nacl.encoding.RawEncoder
    )


def encrypt_entry(signing_key: SigningKey, entry_id: int, plaintext: bytes) -> bytes:
    """One entry, bound to its row id so that a row's ciphertext copied to another row does not open."""
    return aead.encrypt(_key(signing_key), plaintext, _AAD + str(entry_id).encode())


def decrypt_entry(signing_key: SigningKey, entry_id: int, ciphertext: bytes) -> bytes:
    return aead.decrypt(_key(signing_key), ciphertext, _AAD + str(entry_id).encode())
