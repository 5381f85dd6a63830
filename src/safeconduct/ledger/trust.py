"""Which signing keys a verifier trusts: fingerprints as people read, type and paste them.

A bundle is self-consistent whoever made it: anyone can sign a fabricated chain with a fresh key. What
makes it evidence is that its key is the organisation's, which only the person checking can establish,
by comparing the fingerprint with one from a source they trust (the organisation's website or letter,
the first page of the dossier PDF handed over by the organisation, `safeconduct key fingerprint`).

The fingerprint is the first 128 bits of SHA-256 over the 32-byte Ed25519 public key, written as eight
groups of four lowercase hex digits joined by colons (``3f2a:91c0:…``): short enough to read aloud and
compare group by group, long enough that no one can make a key that matches it. A pin is accepted in
any case, with or without spaces, colons or hyphens between the groups, or as the full public key in hex.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s:\-]+")
_HEX = re.compile(r"[0-9a-f]+")


class PinError(ValueError):
    """A fingerprint or trusted-keys file that cannot be read; the message says what to fix."""


def fingerprint(public_key: bytes) -> str:
    """The one spelling shown everywhere (console, PDF, README, `init`, `verify`)."""
    digest = hashlib.sha256(public_key).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def normalise(text: str) -> str:
    """A pin as 32 (fingerprint) or 64 (public key) lowercase hex digits; :class:`PinError` otherwise."""
    compact = _SEPARATORS.sub("", text).lower()
    if len(compact) not in (32, 64) or not _HEX.fullmatch(compact):
        raise PinError(
            f"{text.strip()!r} is not a key fingerprint: expected 32 hex digits in eight groups of four, such "
            "as 3f2a:91c0:7be4:0d15:a2c8:5e66:b901:4f3d (spaces, colons or hyphens between groups are fine), "
            "or the 64-hex-digit public key"
        )
    return compact


@dataclass(frozen=True)
class Pins:
    """The keys a verifier trusts, each with where it came from (for messages)."""

    keys: tuple[str, ...]
    source: str

    @classmethod
    def of(cls, texts: Iterable[str], source: str = "--expect-key") -> Pins:
        return cls(tuple(normalise(t) for t in texts), source)

    def matches(self, public_key: bytes) -> bool:
        return bool({public_key.hex(), fingerprint(public_key).replace(":", "")} & set(self.keys))

    def describe(self) -> str:
        if len(self.keys) == 1:
            key = self.keys[0]
            shown = ":".join(key[i : i + 4] for i in range(0, 32, 4)) if len(key) == 32 else key
            return f"the expected key {shown}"
        return f"any of the {len(self.keys)} keys in {self.source}"


def read_trusted_keys(text: str, source: str) -> Pins:
    """Parse a trusted-keys file: one fingerprint or public key per line; ``#`` starts a comment (a name)."""
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            found.append(normalise(entry))
        except PinError as exc:
            raise PinError(f"{source}, line {number}: {exc}") from None
    if not found:
        raise PinError(f"{source} lists no key fingerprint (one per line; '#' starts a comment)")
    return Pins(tuple(found), source)
