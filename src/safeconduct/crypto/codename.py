"""Codenames: the contact's only credential.

A codename is drawn by the server from the EFF long word list (7,776 words, shipped by the `xkcdpass`
package) and shown once. It is never stored: Argon2id turns it, with the installation's salt, into a lookup
id (stored, to find the case) and the seed of the contact's X25519 key pair (only the public half is
stored). Guessing is hopeless at 7 words (90 bits), and the slow hash keeps even a seized database from
being searched for codenames seen on a seized phone faster than Argon2id allows.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from importlib import resources

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey

from safeconduct.crypto.argon2_gate import gate

WORDS = 7

# Argon2id cost of a codename log-in; see docs/benchmarks.md ("Codename log-in cost").
OPSLIMIT = 3
MEMLIMIT = 64 * 1024 * 1024


@functools.cache
def wordlist() -> tuple[str, ...]:
    """The EFF long list, one word per dice roll outcome."""
    text = resources.files("xkcdpass").joinpath("static/eff-long").read_text(encoding="utf-8")
    words = tuple(sorted({w.strip() for w in text.split() if w.strip()}))
    if len(words) < 7776:
        raise RuntimeError(f"word list too short: {len(words)} words")
    return words


def generate() -> str:
    """A new codename of uniformly random words, space separated."""
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(WORDS))


def normalize(codename: str) -> str:
    """Forgive what people do when they copy a codename by hand: case, extra spaces, NFKC forms.

    Hyphens stay: four words of the list are hyphenated ("t-shirt", "yo-yo").
    """
    text = unicodedata.normalize("NFKC", codename).lower().replace("_", " ")
    return " ".join(text.split())


def looks_valid(codename: str) -> bool:
    """Cheap shape check used only to give a helpful message; never to skip the slow hash."""
    words = normalize(codename).split(" ")
    return len(words) == WORDS and all(w in _word_set() for w in words)


@functools.cache
def _word_set() -> frozenset[str]:
    return frozenset(wordlist())


@dataclass(frozen=True)
class CodenameSecrets:
    """What a codename unlocks, held in memory only."""

    lookup_id: bytes
    private_key: PrivateKey

    @property
    def public_key(self) -> bytes:
        return bytes(self.private_key.public_key)


def derive(codename: str, salt: bytes, *, opslimit: int = OPSLIMIT, memlimit: int = MEMLIMIT) -> CodenameSecrets:
    """Run the slow hash once (within the process-wide Argon2id bound) and split it into the lookup id and
    the key-pair seed."""
    with gate.slot():
        material = argon2id.kdf(
            64, normalize(codename).encode("utf-8"), salt[: argon2id.SALTBYTES], opslimit=opslimit, memlimit=memlimit
        )
    lookup = hashlib.blake2b(material[:32], digest_size=32, person=b"sc-lookup").digest()
    seed = hashlib.blake2b(material[32:], digest_size=32, person=b"sc-contactkey").digest()
    return CodenameSecrets(lookup_id=lookup, private_key=PrivateKey.from_seed(seed))
