"""Authenticated encryption of small records (messages, notes, metadata, session secrets).

XChaCha20-Poly1305 from libsodium: a random 24-byte nonce per record is safe at any volume, and the
associated data binds a ciphertext to the row it belongs to, so a ciphertext copied into another case or
another column fails to decrypt instead of being shown out of context.
"""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

KEY_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class DecryptionError(Exception):
    """A ciphertext was altered, truncated, moved to another record, or the key is wrong."""


def new_key() -> bytes:
    """A fresh random symmetric key."""
    return nacl.utils.random(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Return nonce ‖ ciphertext."""
    nonce = nacl.utils.random(NONCE_BYTES)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Inverse of :func:`encrypt`; raises :class:`DecryptionError` on any mismatch."""
    if len(blob) < NONCE_BYTES + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES:
        raise DecryptionError("ciphertext too short")
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[NONCE_BYTES:], aad, blob[:NONCE_BYTES], key
        )
    except nacl.exceptions.CryptoError as exc:
        raise DecryptionError("ciphertext does not authenticate") from exc
