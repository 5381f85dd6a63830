"""Nationalities, peoples and tribes: quasi-identifiers that, with a place and a date, name a person."""

from __future__ import annotations

import re

from safeconduct.testimony.text.recognizers.base import CAP, Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import ARABIC_STOPWORDS, PEOPLES_ARABIC, PEOPLES_LATIN
from safeconduct.testimony.text.vocabulary import arabic_zipf


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: Minorities and peoples named by a broken plural (not the -ون/-ين plurals the demonym rule forms).
_AR_MINORITIES = (
    "تركمان|أرمن|ارمن|شركس|سريان|آشوريين|اشوريين|طوارق|فلاتة|زغاوة|مساليت|بقارة|هوسا|كانوري|تبو|امازيغ|أمازيغ|قبايل|"
    "شاوية|ريافة|صحراوة|شبك|كاكائية|صابئة|يزيدية|ايزيدية|إيزيدية|دروز|بلوش|هزارة|بشتون|اويغور|أويغور|شيشان|داغستان"
)
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))


def _rare_clan_name(mention: str) -> bool:
    head, name = mention.split()[0], mention.split()[-1]
    if head.endswith("رير"):  # a Somali lineage: never an everyday phrase
        return True
    return name not in ("آدم", "ادم", "عمي", "خالي", "عمنا", "الحرام", "الناس") and arabic_zipf(name) < 4.0


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
        # the tribe's name may be two words ("عشيرة رير أوباخ", a Somali clan said in Arabic)
        rule(
            "NATIONALITY",
            rf"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ف)?(?:عشيرة|قبيلة|فخذ|عشائر|قبائل)\s+(?:ال)?[\u0621-\u064A]{{3,}}"
            rf"(?:\s+(?!(?:{_AR_STOP})(?![\u0621-\u064A]))[\u0621-\u064A]{{3,}}(?=\s*[،,.]|\s*$|\s+(?:{_AR_STOP})(?![\u0621-\u064A])))?",
            0.7,
        ),
        # A clan or family named by "sons of", "house of" ("بني عويمر", "أولاد جمعة", "عيلة الدغيمات", "رير عبدالله"),
        # when the name after it is no everyday word ("أولاد عمي" are cousins, "بني آدم" people).
        rule(
            "NATIONALITY",
            rf"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ف)?(?:بني|أولاد|اولاد|ولاد|عيلة|عيلت|عائلة|رير)\s+"
            rf"(?!(?:{_AR_STOP})(?![\u0621-\u064A]))[\u0621-\u064A]{{3,}}",
            0.55,
            keep=_rare_clan_name,
        ),
        # Peoples named by a broken plural, a small minority wherever the testimony is set (التركمان، الزغاوة).
        rule(
            "NATIONALITY", rf"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ف)?(?:ال)?(?:{_AR_MINORITIES})(?![\u0621-\u064A])", 0.65
        ),
        rule("NATIONALITY", r"(?<![\u0621-\u064A])(?:ال)?شبك(?![\u0621-\u064A])", 0.7),
    ]
