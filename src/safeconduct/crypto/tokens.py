"""Short authenticated tokens the server issues and later recognises, without storing them at issue.

The MAC key is derived from the organisation's signing key for one purpose only, so every server process
of the installation recognises the tokens of every other, and a token of one purpose is worthless for another.
"""

from __future__ import annotations

import hashlib
import hmac

from nacl.signing import SigningKey

MAC_BYTES = 16


def purpose_key(signing_key: SigningKey, purpose: bytes) -> bytes:
    """A 32-byte MAC key for `purpose` (at most 16 bytes), never usable to sign anything."""
    return hashlib.blake2b(purpose, key=bytes(signing_key), digest_size=32, person=b"sc-tokenkey").digest()


def mac(key: bytes, data: bytes) -> bytes:
    return hashlib.blake2b(data, key=key, digest_size=MAC_BYTES).digest()


def mac_matches(key: bytes, data: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(mac(key, data), tag)
