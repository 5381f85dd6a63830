"""People: kunyas and noms de guerre, titled names, "known as …" nicknames, Arabic-script given names."""

from __future__ import annotations

import re

from safeconduct.testimony.text.recognizers.base import ART, ARW, CAP, Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import ARABIC_GIVEN_NAMES, ARABIC_STOPWORDS

_KUNYA = r"(?:Abu|Abū|Abou|Aboul|Abul|Umm|Oum|Om|Ummu|Ibn|Bint)"
_PARTICLE = r"(?:ibn|bin|ben|bint|ould|Ould|ag|Ag|wuld|dan|de|da|van|el|al)"
_NAME_TAIL = rf"(?:\s+(?:{_PARTICLE}\s+)?{ART}?{CAP}){{0,3}}"
_TITLES = (
    r"Colonel|Col\.|Captain|Capt\.|Lieutenant|Lt\.|Commander|General|Major|Sergeant|Corporal|Sheikh|Shaykh|"
    r"Cheikh|Cheick|Imam|Emir|Amir|Mullah|Hajj|Hajja|Hadja|El Hadj|Alhaji|Malam|Mallam|Dr\.?|Doctor|Mr\.?|"
    r"Mrs\.?|Ms\.?|Mme|Mlle|Madame|Monsieur|Uncle|Aunt|Tonton|Tata|Mama|Papa|Brother|Sister|colonel|"
    r"capitaine|commandant|lieutenant|général|sergent|marabout|docteur|imam|cheikh|émir|adjudant|caporal|"
    r"tonton|Pasteur|Father|Abbé"
)
_CALLED = (
    r"called|named|known as|nicknamed|alias|name is|name was|called me|called him|called her|"
    r"appelait|appelaient|appelle|appelé|appelée|nommé|nommée|surnommé|surnommée|s'appelle|s'appelait|"
    r"m'appelait|m'appellent|je m'appelle|dit"
)
_NOT_NAME = (
    r"I|The|A|An|My|Our|His|Her|Their|Your|This|That|These|Those|God|Allah|Dieu|Le|La|Les|Un|Une|Mon|Ma|Mes|"
    r"Notre|Nos|Leur|Ce|Cette|Il|Elle|Nous|Vous|Ils|Elles|Je|On|Street|Road|Avenue|Market"
)
_AR_TITLES = (
    "العقيد|الدكتور|الطبيب|الضابط|الشيخ|القائد|الأمير|الحاج|الحاجة|المدعو|المدعوة|النقيب|الملازم|الرائد|اللواء|"
    "الأخ|الأخت"
)
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))
_AR_NEXT = rf"(?:\s+(?!(?:{_AR_STOP})(?![\u0621-\u064A])){ARW})"
_AR_GIVEN = "|".join(sorted(ARABIC_GIVEN_NAMES, key=len, reverse=True))


def name_rules() -> list[Rule]:
    """Rules for people's names, in Latin and Arabic script."""
    return [
        rule("PERSON", rf"\b{_KUNYA}\s+{ART}?{CAP}(?:\s+{ART}{CAP}|\s+(?:al|el)\s+{CAP})*", 0.85),
        rule("PERSON", rf"\b(?:{_TITLES})\s+{ART}?{CAP}{_NAME_TAIL}", 0.75),
        rule(
            "PERSON",
            rf"\b(?:{_CALLED})\s+(?:(?:me|him|her|moi|lui)\s+)?(?P<m>(?:(?:the|le|la|l')\s+)?{CAP}{_NAME_TAIL})",
            0.6,
        ),
        rule("PERSON", rf"\b{ART}{CAP}\b", 0.45),
        # Two or three capitalised words inside a sentence ("… and Bilal Touré of …"), none an everyday word.
        rule(
            "PERSON",
            rf"(?<=[a-zà-ÿ,] )(?!(?:{_NOT_NAME})\b){CAP}(?:\s+(?:{_PARTICLE}\s+)?(?!(?:{_NOT_NAME})\b){CAP}){{1,2}}",
            0.45,
        ),
        # Arabic script: kunya (أبو …, أم …), a title, or a common given name, with the following name words.
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:أبو|أبي|أبا|أم|ابن|بنت)\s+{ARW}{_AR_NEXT}?", 0.85),
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:{_AR_TITLES}){_AR_NEXT}{{1,3}}", 0.75),
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:{_AR_GIVEN})(?![\u0621-\u064A]){_AR_NEXT}?", 0.6),
        rule(
            "PERSON",
            rf"(?:ينادونه|ينادونها|ينادونني|يدعى|تدعى|اسمه|اسمها|اسمي|لقبه|لقبها)(?P<m>{_AR_NEXT}{{1,2}})",
            0.6,
        ),
    ]


TITLE_WORDS = frozenset(re.split(r"\|", _TITLES.replace("\\", ""))) | frozenset(_AR_TITLES.split("|"))
