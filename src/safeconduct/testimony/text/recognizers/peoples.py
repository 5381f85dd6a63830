"""Nationalities, peoples and tribes: quasi-identifiers that, with a place and a date, name a person."""

from __future__ import annotations

import re

from safeconduct.testimony.text.recognizers.base import CAP, Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import PEOPLES_ARABIC, PEOPLES_LATIN


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def people_rules() -> list[Rule]:
    """Demonyms (with plural and feminine forms) and "tribe of …" phrases."""
    latin = _alternation(PEOPLES_LATIN)
    arabic = _alternation(PEOPLES_ARABIC)
    return [
        rule("NATIONALITY", rf"\b(?:{latin})(?:e|s|es|ne|nes)?\b", 0.7, flags=re.IGNORECASE),
        rule(
            "NATIONALITY", rf"\b(?:tribe of|tribu des|tribu de|clan|ethnie|community of)\s+(?:the\s+)?(?P<m>{CAP})", 0.6
        ),
        rule("NATIONALITY", rf"(?<![\u0621-\u064A])(?:ال)?(?:{arabic})(?:ة|ون|ين|ية)?(?![\u0621-\u064A])", 0.7),
        # Two origins joined ("Moroccan-Danish", "franco-égyptien"): few people share both; always hidden.
        rule(
            "NATIONALITY",
            rf"\b(?:franco|anglo|italo|belgo|germano|hispano|afro|arabo|turco|russo|néerlando|(?:{latin}))"
            rf"-(?:{latin})(?:e|s|es|ne|nes)?\b",
            0.8,
            flags=re.IGNORECASE,
        ),
        # A tribe named by its Iraqi/Syrian "Al Bu" form or as "the tribe of" (البو عيسى، عشيرة الجبور).
        rule(
            "NATIONALITY",
            r"(?<![\u0621-\u064A])(?:(?:عشيرة|عشائر|قبيلة|فخذ)\s+)?(?:ال)?بو\s+[\u0621-\u064A]{3,}",
            0.7,
        ),
        rule("NATIONALITY", r"(?<![\u0621-\u064A])(?:عشيرة|قبيلة|فخذ)\s+(?:ال)?[\u0621-\u064A]{3,}", 0.7),
        rule("NATIONALITY", r"(?<![\u0621-\u064A])(?:ال)?شبك(?![\u0621-\u064A])", 0.7),
    ]
