"""The recovery key's printed form, and password wrapping of private keys."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey

from safeconduct.crypto import keys, wrapping
from safeconduct.crypto.aead import DecryptionError


def test_recovery_key_text_round_trips_and_catches_typos() -> None:
    key = PrivateKey.generate()
    text = keys.format_recovery_key(key)
    assert text.startswith("SCRK-")
    assert bytes(keys.parse_recovery_key(text.lower().replace("-", " "))) == bytes(key)
    typo = text[:7] + ("A" if text[7] != "A" else "B") + text[8:]
    with pytest.raises(keys.InvalidRecoveryKey, match="mistyped"):
        keys.parse_recovery_key(typo)
    with pytest.raises(keys.InvalidRecoveryKey, match="starts with"):
        keys.parse_recovery_key("hello")


def test_wrapped_key_opens_only_with_its_password() -> None:
    secret = bytes(PrivateKey.generate())
    blob = wrapping.wrap(secret, "correct horse", opslimit=1, memlimit=8 * 1024 * 1024)
    assert secret not in blob
    assert wrapping.unwrap(blob, "correct horse") == secret
    with pytest.raises(DecryptionError):
        wrapping.unwrap(blob, "wrong horse")
