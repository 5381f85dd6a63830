"""The organisation's keys: the recovery key pair and the ledger signing key.

The recovery private key is printed once at `init` and never kept on the server: with it, an
administrator can open any case even after every caseworker who held it is gone. The ledger signing key
must sign events while nobody is logged in, so it lives in the data folder (mode 0600); it can forge
signatures but decrypts nothing.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey

_RECOVERY_PREFIX = "SCRK"


class InvalidRecoveryKey(ValueError):
    """The recovery key text is mistyped or belongs to another installation."""


def format_recovery_key(key: PrivateKey) -> str:
    """Groups of base32 with a checksum, so a copying mistake is caught before anything is tried."""
    raw = bytes(key)
    checksum = hashlib.blake2b(raw, digest_size=3).digest()
    text = base64.b32encode(raw + checksum).decode().rstrip("=")
    return _RECOVERY_PREFIX + "-" + "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> PrivateKey:
    """Inverse of :func:`format_recovery_key`; tolerant of spaces, dashes and case."""
    compact = "".join(text.split()).upper().replace("-", "")
    if not compact.startswith(_RECOVERY_PREFIX):
        raise InvalidRecoveryKey("a recovery key starts with SCRK-")
    body = compact[len(_RECOVERY_PREFIX) :]
    try:
        blob = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError as exc:
        raise InvalidRecoveryKey("the recovery key contains characters that cannot be part of it") from exc
    if len(blob) != 35 or hashlib.blake2b(blob[:32], digest_size=3).digest() != blob[32:]:
        raise InvalidRecoveryKey("the recovery key is mistyped (its checksum does not match)")
    return PrivateKey(blob[:32])


def write_signing_key(path: Path) -> SigningKey:
    """Create the ledger signing key file, readable by the server's user only."""
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(key))
    return key


def read_signing_key(path: Path) -> SigningKey:
    return SigningKey(path.read_bytes())


def key_fingerprint(public_key: bytes) -> str:
    """A short, comparable name for a public key (shown in the console and the dossier)."""
    digest = hashlib.sha256(public_key).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))
