"""Private keys wrapped by a password, so a seized database yields no usable key.

The wrapping key comes from Argon2id over the password with a per-wrap salt; the private key is encrypted
with it and unwrapped only in memory when its owner logs in.
"""

from __future__ import annotations

import nacl.pwhash.argon2id as argon2id
import nacl.utils

from safeconduct.crypto import aead
from safeconduct.crypto.argon2_gate import gate

OPSLIMIT = argon2id.OPSLIMIT_INTERACTIVE
MEMLIMIT = argon2id.MEMLIMIT_INTERACTIVE
_AAD = b"safeconduct wrapped private key v1"


def wrap(secret: bytes, password: str, *, opslimit: int = OPSLIMIT, memlimit: int = MEMLIMIT) -> bytes:
    """salt ‖ opslimit ‖ memlimit ‖ aead(secret), so costs can rise later without breaking old wraps."""
    salt = nacl.utils.random(argon2id.SALTBYTES)
    with gate.slot():
        key = argon2id.kdf(aead.KEY_BYTES, password.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit)
    header = salt + opslimit.to_bytes(4, "big") + memlimit.to_bytes(8, "big")
    return header + aead.encrypt(key, secret, _AAD + header)


def unwrap(blob: bytes, password: str) -> bytes:
    """Recover the secret; raises :class:`aead.DecryptionError` for a wrong password or altered blob."""
    salt, rest = blob[: argon2id.SALTBYTES], blob[argon2id.SALTBYTES :]
    opslimit, memlimit = int.from_bytes(rest[:4], "big"), int.from_bytes(rest[4:12], "big")
    with gate.slot():
        key = argon2id.kdf(aead.KEY_BYTES, password.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit)
    header = blob[: argon2id.SALTBYTES + 12]
    return aead.decrypt(key, rest[12:], _AAD + header)
