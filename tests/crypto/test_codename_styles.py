"""Codenames a person can keep in their own script: French words, digits in Arabic-Indic numerals."""

from __future__ import annotations

import math
import unicodedata

import pytest

from safeconduct.crypto import codename, wordlists

FAST = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}

#: Words that must never be drawn (the ones issue 11 quotes, and a sample of each filtered family).
CHARGED_EN_SAMPLE = ("fascism", "expulsion", "handgun", "prison", "regime", "dictator", "pope", "racism", "riot",
                     "hostage", "massacre", "exile", "traitor", "enslave", "undead", "revenge")
CHARGED_FR_SAMPLE = ("guerre", "fusil", "bombe", "mort", "tuer", "massacre", "dieu", "église", "mosquée",
                     "islam", "prière", "politique", "élection", "nazi", "fascisme", "prison", "otage", "sang",
                     "violence", "terroriste", "drogue", "putain", "racisme", "expulsion", "exil", "réfugié",
                     "soldat", "armée", "arme", "cadavre", "président", "démocratie")


@pytest.mark.parametrize("style", sorted(codename.STYLES))
def test_every_style_carries_at_least_90_bits(style: str) -> None:
    chosen = codename.STYLES[style]
    assert chosen.bits() >= 90
    if chosen.words is not None:
        words = chosen.words()
        assert len(set(words)) == len(words)
        # One word per accent-free spelling: typing without accents loses no strength.
        assert len({wordlists.fold(w) for w in words}) == len(words)


def test_the_french_list_is_large_common_and_clean() -> None:
    words = wordlists.french()
    assert len(words) >= 7776
    assert all(w == w.lower() and 3 <= len(w) <= 10 and w.isalpha() for w in words)
    assert "maison" in words and "soleil" in words and "pomme" in words  # common words survive
    present = [w for w in CHARGED_FR_SAMPLE if wordlists.fold(w) in {wordlists.fold(x) for x in words}]
    assert present == []
    assert not [w for w in words if wordlists.charged_french(w)]


def test_the_english_list_drops_charged_words_and_keeps_90_bits() -> None:
    words = set(wordlists.english())
    assert [w for w in CHARGED_EN_SAMPLE if w in words] == []
    assert wordlists.CHARGED_EN - words == wordlists.CHARGED_EN  # none left
    assert codename.WORDS * math.log2(len(words)) >= 90


def test_an_arabic_digit_codename_is_written_in_arabic_indic_numerals() -> None:
    text = codename.generate("digits-ar")
    groups = text.split(" ")
    assert len(groups) == codename.DIGIT_GROUPS
    assert all(len(g) == codename.DIGITS_PER_GROUP and all(ch in codename.ARABIC_INDIC for ch in g) for g in groups)
    assert codename.looks_valid(text)


def test_log_in_accepts_either_script_any_grouping_and_no_accents() -> None:
    salt = b"s" * 16
    arabic = codename.generate("digits-ar")
    latin = arabic.translate(str.maketrans(codename.ARABIC_INDIC, "0123456789"))
    persian = arabic.translate(str.maketrans(codename.ARABIC_INDIC, codename.EXTENDED_ARABIC_INDIC))
    first = codename.derive(arabic, salt, **FAST)
    for typed in (latin, latin.replace(" ", ""), persian, " " + latin.replace(" ", "-") + "\n",
                  arabic.replace(" ", "،")):
        assert codename.derive(typed, salt, **FAST).lookup_id == first.lookup_id, typed
    assert codename.derive(latin[:-1] + ("1" if latin[-1] != "1" else "2"), salt, **FAST).lookup_id != first.lookup_id

    french = "élève forêt château cœur été noël garçon"
    plain = "ELEVE  foret chateau COEUR ete noel garcon"
    assert codename.normalize(french) == codename.normalize(plain) == "eleve foret chateau coeur ete noel garcon"
    assert codename.derive(french, salt, **FAST).lookup_id == codename.derive(plain, salt, **FAST).lookup_id


def test_english_codenames_derive_as_before() -> None:
    """Codenames already handed out must keep opening their conversations: ASCII words normalise unchanged."""
    for _ in range(20):
        text = codename.generate("en")
        assert codename.normalize(text) == " ".join(unicodedata.normalize("NFKC", text).lower().split())


def test_generated_french_codenames_are_valid_and_differ() -> None:
    drawn = {codename.generate("fr") for _ in range(30)}
    assert len(drawn) == 30 and all(codename.looks_valid(t) for t in drawn)
    assert all(codename.looks_valid(wordlists.fold(t).upper()) for t in drawn)


def test_the_default_style_follows_the_reader_and_an_unknown_choice_is_ignored() -> None:
    assert codename.style_for(None, "ar") == "digits-ar"
    assert codename.style_for(None, "fr") == "fr"
    assert codename.style_for("fr", "ar") == "fr"
    assert codename.style_for("klingon", "en") == "en"
