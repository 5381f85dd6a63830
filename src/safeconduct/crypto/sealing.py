"""Sealing a case key to a recipient's public key (libsodium sealed boxes).

The sender needs no key of its own, which is what lets the server seal a new case key to every intake
caseworker and to the recovery key while none of them is logged in.
"""

from __future__ import annotations

import nacl.exceptions
from nacl.public import PrivateKey, PublicKey, SealedBox

from safeconduct.crypto.aead import DecryptionError


def seal(public_key: bytes, secret: bytes) -> bytes:
    """Encrypt `secret` so that only the holder of the matching private key can open it."""
    return SealedBox(PublicKey(public_key)).encrypt(secret)


def unseal(private_key: PrivateKey, sealed: bytes) -> bytes:
    """Open a sealed secret; raises :class:`DecryptionError` when it was not sealed to this key."""
    try:
        return SealedBox(private_key).decrypt(sealed)
    except nacl.exceptions.CryptoError as exc:
        raise DecryptionError("sealed secret does not open with this key") from exc
