"""Codenames: enough words from a long enough list, forgiving input, deterministic derivation."""

from __future__ import annotations

import math

from safeconduct.crypto import codename


def test_codenames_have_at_least_90_bits() -> None:
    words = codename.wordlist()
    assert len(words) >= 7421 and len(set(words)) == len(words)  # 2 ** (90 / 7) = 7,420.4
    assert codename.WORDS >= 7
    assert codename.WORDS * math.log2(len(words)) >= 90


def test_hyphenated_words_of_the_list_survive_normalisation() -> None:
    hyphenated = [w for w in codename.wordlist() if "-" in w]
    assert hyphenated  # "t-shirt", "yo-yo", …
    text = " ".join([hyphenated[0]] + list(codename.wordlist()[:6]))
    assert codename.looks_valid(text) and codename.normalize(text.upper()) == text


def test_generated_codenames_are_words_of_the_list_and_differ() -> None:
    drawn = {codename.generate() for _ in range(50)}
    assert len(drawn) == 50
    for text in drawn:
        assert codename.looks_valid(text)


def test_derivation_is_deterministic_and_forgiving_of_how_it_is_typed() -> None:
    salt = b"s" * 16
    text = codename.generate()
    first = codename.derive(text, salt, opslimit=1, memlimit=8 * 1024 * 1024)
    sloppy = "  " + text.upper().replace(" ", " \t ") + "\n"
    again = codename.derive(sloppy, salt, opslimit=1, memlimit=8 * 1024 * 1024)
    assert first.lookup_id == again.lookup_id and first.public_key == again.public_key
    other_salt = codename.derive(text, b"t" * 16, opslimit=1, memlimit=8 * 1024 * 1024)
    assert other_salt.lookup_id != first.lookup_id
    assert first.lookup_id != first.public_key
