"""Codenames: the contact's only credential.

A codename is drawn by the server and shown once, in a form the person can keep in their own script
(`STYLES`): seven English words (the EFF long list without its charged words, 7,578 words, 90.2 bits),
seven French words (16,013 common words, 97.8 bits; see `wordlists`), or seven groups of four digits
(93.0 bits) written in Latin or Arabic-Indic numerals. It is never stored: Argon2id turns it, with the
installation's salt, into a lookup id (stored, to find the case) and the seed of the contact's X25519 key
pair (only the public half is stored). Guessing is hopeless at ≥ 90 bits, and the slow hash keeps even a
seized database from being searched for codenames seen on a seized phone faster than Argon2id allows.

Log-in accepts any style without being told which: `normalize` maps digits of either script to one form,
ignores case, accents, spacing and how digits are grouped, so "١٢٣٤ ٥٦٧٨…" and "12345678…" open the same
conversation, as do "élève" and "ELEVE".
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey

from safeconduct.crypto import wordlists
from safeconduct.crypto.argon2_gate import gate

WORDS = 7
#: Digit codenames: this many groups of `DIGITS_PER_GROUP` digits (28 digits, 93.0 bits).
DIGIT_GROUPS = 7
DIGITS_PER_GROUP = 4

# Argon2id cost of a codename log-in; see docs/benchmarks.md ("Codename log-in cost").
OPSLIMIT = 3
MEMLIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Style:
    """One way of writing a codename: words of a list, or groups of digits in a script's numerals."""

    name: str
    lang: str  # the HTML language of the codename itself
    words: Callable[[], tuple[str, ...]] | None = None
    numerals: str = "0123456789"

    def bits(self) -> float:
        if self.words is not None:
            return WORDS * math.log2(len(self.words()))
        return DIGIT_GROUPS * DIGITS_PER_GROUP * math.log2(10)


ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"  # Persian and Urdu keyboards type these

STYLES: dict[str, Style] = {
    "en": Style("en", "en", words=wordlists.english),
    "fr": Style("fr", "fr", words=wordlists.french),
    "digits-ar": Style("digits-ar", "ar", numerals=ARABIC_INDIC),
    "digits": Style("digits", "en"),
}
#: The style offered first to a reader of each interface language.
DEFAULT_STYLE = {"en": "en", "fr": "fr", "ar": "digits-ar"}

_TO_ASCII_DIGITS = str.maketrans(ARABIC_INDIC + EXTENDED_ARABIC_INDIC, "0123456789" * 2)
_DIGIT_SEPARATORS = re.compile(r"[\s\-.,،/]+")


def wordlist(style: str = "en") -> tuple[str, ...]:
    """The words a codename of `style` is drawn from."""
    words = STYLES[style].words
    if words is None:
        raise ValueError(f"{style} codenames are digits, not words")
    return words()


def style_for(requested: object, lang: str) -> str:
    """The style asked for on the start form if it is one, else the default for the page's language."""
    if isinstance(requested, str) and requested in STYLES:
        return requested
    return DEFAULT_STYLE.get(lang, "en")


def generate(style: str = "en") -> str:
    """A new codename of `style`: uniformly random words or digit groups, space separated."""
    chosen = STYLES[style]
    if chosen.words is not None:
        words = chosen.words()
        return " ".join(secrets.choice(words) for _ in range(WORDS))
    groups = ("".join(secrets.choice(chosen.numerals) for _ in range(DIGITS_PER_GROUP)) for _ in range(DIGIT_GROUPS))
    return " ".join(groups)


def normalize(codename: str) -> str:
    """Forgive what people do when they copy a codename by hand: case, spaces, accents, NFKC forms, digits.

    Digits of either script become ASCII and are regrouped by four whatever separators were typed, so the
    grouping is never part of the secret. Hyphens inside words stay: four English words have one ("t-shirt").
    Accents are dropped so a French codename typed on a keyboard without them still opens the conversation
    (the French list keeps one word per accent-free spelling, so no strength is lost).
    """
    text = unicodedata.normalize("NFKC", codename).lower().replace("_", " ").translate(_TO_ASCII_DIGITS)
    squeezed = _DIGIT_SEPARATORS.sub("", text)
    if squeezed.isascii() and squeezed.isdigit():
        return " ".join(squeezed[i:i + DIGITS_PER_GROUP] for i in range(0, len(squeezed), DIGITS_PER_GROUP))
    return " ".join(wordlists.fold(text).split())


def looks_valid(codename: str) -> bool:
    """Cheap shape check used only to give a helpful message; never to skip the slow hash."""
    words = normalize(codename).split(" ")
    if all(w.isdigit() for w in words):
        return len("".join(words)) == DIGIT_GROUPS * DIGITS_PER_GROUP
    return len(words) == WORDS and any(all(w in _word_set(s) for w in words)
                                       for s, style in STYLES.items() if style.words is not None)


@functools.cache
def _word_set(style: str) -> frozenset[str]:
    return frozenset(wordlists.fold(w) for w in wordlist(style))


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
