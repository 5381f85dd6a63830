"""Staff e-mail addresses encrypted under a key derived from the organisation's signing key.

The mailer must read an address while its owner is logged out, so it cannot be sealed to the member's own
key. Deriving the key from the signing key file (kept in the keys folder, outside the database) means a
stolen database or backup shows no address; a seized server with its keys folder does.
"""

from __future__ import annotations

import nacl.encoding
from nacl.hash import blake2b
from nacl.signing import SigningKey

from safeconduct.crypto import aead

_PERSON = b"sc-mail-addr"
_AAD = b"notification_mail:"


def _key(signing_key: SigningKey) -> bytes:
    return blake2b(b"", key=bytes(signing_key), person=_PERSON.ljust(16, b"\0"), digest_size=32,
                   encoder=nacl.encoding.RawEncoder)


def encrypt_address(signing_key: SigningKey, staff_id: int, address: str) -> bytes:
    """The address bound to its staff member, so a row copied to another member does not open."""
    return aead.encrypt(_key(signing_key), address.encode(), _AAD + str(staff_id).encode())


def decrypt_address(signing_key: SigningKey, staff_id: int, ciphertext: bytes) -> str:
    return aead.decrypt(_key(signing_key), ciphertext, _AAD + str(staff_id).encode()).decode()
