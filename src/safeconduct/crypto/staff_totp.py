"""A staff member's TOTP secret and last-used code, readable only once their password has opened their key.

The TOTP secret is sealed under a key derived from the member's private key, which itself is wrapped by
their password: a seized database yields neither the secret (so no valid code can be made) nor the time of
their last log-in. The last accepted TOTP counter is kept only as a keyed tag: the server, holding the key
during a log-in, can tell whether a candidate counter was the last one used; anyone else sees random bytes.
"""

from __future__ import annotations

import hashlib

from nacl.public import PrivateKey

from safeconduct.crypto import aead, sealing

_AAD = b"safeconduct totp secret v1"
TAG_BYTES = 16
#: Marks a secret sealed to the public key; an AEAD blob starts with a random nonce, so one in 2**64 would
#: collide, and then only its opening fails (the member asks for a new authenticator again).
_FOR_MEMBER = b"sc-totp-pub-v1\x00\x00"


def _subkey(private_key: bytes, purpose: bytes) -> bytes:
    return hashlib.blake2b(purpose, key=private_key, digest_size=aead.KEY_BYTES, person=b"sc-staff-totp").digest()


def seal_secret(private_key: bytes, secret: str) -> bytes:
    """The TOTP secret encrypted under a key only the member's password can reach."""
    return aead.encrypt(_subkey(private_key, b"secret"), secret.encode("ascii"), _AAD)


def open_secret(private_key: bytes, sealed: bytes) -> str:
    """Inverse of :func:`seal_secret`; raises :class:`aead.DecryptionError` on a wrong key or altered blob."""
    return aead.decrypt(_subkey(private_key, b"secret"), sealed, _AAD).decode("ascii")


def seal_for_member(public_key: bytes, secret: str) -> bytes:
    """A new TOTP secret set by an administrator, who never holds the member's private key: sealed to the
    member's public key, it opens only after their password unwrapped that key, and the first log-in with it
    re-seals it as :func:`seal_secret` does (see :func:`open_any`)."""
    return _FOR_MEMBER + sealing.seal(public_key, secret.encode("ascii"))


def open_any(private_key: bytes, sealed: bytes) -> tuple[str, bool]:
    """The secret, and whether it still needs re-sealing (it was set by an administrator)."""
    if sealed.startswith(_FOR_MEMBER):
        return sealing.unseal(PrivateKey(private_key), sealed[len(_FOR_MEMBER):]).decode("ascii"), True
    return open_secret(private_key, sealed), False


def counter_tag(private_key: bytes, counter: int) -> bytes:
    """A keyed tag of a TOTP counter: comparable by whoever holds the key, a random string to anyone else."""
    return hashlib.blake2b(counter.to_bytes(8, "big"), key=_subkey(private_key, b"counter"),
                           digest_size=TAG_BYTES).digest()
