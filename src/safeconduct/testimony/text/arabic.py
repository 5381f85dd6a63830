"""Light stemming of Arabic attached prepositions and conjunctions, on a copy that keeps every offset.

Arabic writes "and", "in/with", "to", "like", "so" and, in speech,
"on the" (عال… for على ال…) fused to the next word: وبمنبج "and in Manbij",
للواء "to the brigade", بالرقة "in Raqqa", بخالد "with Khalid". The gazetteer, the given names and the unit
rules look for the bare word, so before analysis each fused prefix in front of a word we know (a place, a
given name, a unit's or a place's head noun, a month) is turned into spaces; "لل" (li + al-) becomes "ال"
(same length: للرقة → الرقة). A finding is then widened back to the whole written word, prefix included,
so the redacted text never leaves a stray letter.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Arabic letters, tatweel and the short-vowel marks (harakat, shadda, dagger alif) written on them.
ARABIC_WORD = re.compile(r"[\u0621-\u064A\u064B-\u065F\u0670\u0671-\u06D3\u0640]+")
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
#: Attached prefixes, longest first (و and, ف so, ب in/with, ل to/for, ك like; spoken ع "on" and م "from"
#: before the article: عالحدود، مالعريش).
_PREFIXES = ("وب", "فب", "ول", "فل", "وك", "وع", "وم", "و", "ف", "ب", "ل", "ك", "ع", "م")
_HEADS = frozenset(
    """كتيبة لواء سرايا سرية جيش فيلق جبهة حركة فوج فرقة كتائب ألوية تنظيم مجموعة ديوان مكتب مخيم قرية مدينة
    بلدة حي منطقة شارع سوق مسجد محل مخبز روضة مدرسة مستشفى قطاع تل كفر وادي بئر بير جبل عين دير رأس راس خربة
    دار معرة جسر حوش مزرعة كلية مغسلة محكمة مصنع فندق مفرزة فصيل""".split()
)


@lru_cache(maxsize=1)
def known_arabic() -> frozenset[str]:
    """Words worth splitting a prefix off for: places, given names, head nouns and months."""
    from safeconduct.testimony.text.recognizers.gazetteer import place_names
    from safeconduct.testimony.text.recognizers.lexicon import ARABIC_GIVEN_NAMES, MONTHS_AR

    words = {n for n in place_names() if ARABIC_WORD.fullmatch(n.replace(" ", ""))}
    return frozenset(words | ARABIC_GIVEN_NAMES | _HEADS | set(MONTHS_AR.split("|")))


def _known(word: str, following: str, known: frozenset[str]) -> bool:
    if word in known or (following and f"{word} {following}" in known):
        return True
    return word.startswith("ال") and (word[2:] in known or bool(following and f"{word[2:]} {following}" in known))


def split_clitics(text: str, known: frozenset[str] | None = None) -> str:
    """A same-length copy of `text` with the prefixes fused to known words turned into spaces."""
    known = known_arabic() if known is None else known
    words = list(ARABIC_WORD.finditer(text))
    chars: list[str] | None = None
    for n, m in enumerate(words):
        word = m.group()
        following = words[n + 1].group() if n + 1 < len(words) and text[m.end() : words[n + 1].start()] == " " else ""
        if len(word) < 3 or _known(word, following, known):
            continue
        for prefix in _PREFIXES:
            if not word.startswith(prefix):
                continue
            rest = word[len(prefix) :]
            if prefix.endswith(("ع", "م")) and not rest.startswith("ال"):
                continue  # spoken "على ال…", "من ال…" are written عال…, مال…: alone they are no prefix
            replacement = " " * len(prefix)
            if not _known(rest, following, known) and rest.startswith("ل") and prefix.endswith("ل"):
                replacement = " " * (len(prefix) - 1) + "ا"  # لل / ولل: li + al- with its alif dropped
                rest = "ا" + rest
            if (len(rest) >= 3 or following) and _known(rest, following, known):
                chars = list(text) if chars is None else chars
                chars[m.start() : m.start() + len(prefix)] = list(replacement)
                break
    return text if chars is None else "".join(chars)


def without_marks(text: str) -> tuple[str, list[int]] | None:
    """`text` without its Arabic vowel marks and tatweel, and where each remaining character was in it;
    None when it has none. Fully vowelled text ("نُورُ الدِّينِ بِبَابِ التَّبَّانَةِ") is then read like any
    other, multi-word names and months included, and the findings are put back on the original."""
    if not _MARKS.search(text):
        return None
    where = [i for i, ch in enumerate(text) if not _MARKS.match(ch)]
    return "".join(text[i] for i in where), where


def back_on_marked(text: str, where: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of `text` that [start, end) of its unmarked copy covers, with the marks after its last letter."""
    first, last = where[start], where[end - 1] + 1
    while last < len(text) and _MARKS.match(text[last]):
        last += 1
    return first, last


def strip_marks(text: str) -> str:
    """A same-length copy of `text` with the vowel marks and tatweel of each Arabic word moved out of it.

    Names are written with or without vowels (زُهيرة, مهنّد); every list and rule knows the bare letters, so
    each marked word becomes its bare letters padded with spaces after it. A finding on the bare word is
    widened back over the marks by `widen`.
    """
    if not _MARKS.search(text):
        return text

    def bare(m: re.Match[str]) -> str:
        word = m.group()
        letters = _MARKS.sub("", word)
        return letters + " " * (len(word) - len(letters))

    return ARABIC_WORD.sub(bare, text)


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the whole Arabic word(s) it touches ("منبج" inside "وبمنبج" → "وبمنبج")."""
    while start > 0 and ARABIC_WORD.match(text[start - 1]) and ARABIC_WORD.match(text[start]):
        start -= 1
    while end < len(text) and ARABIC_WORD.match(text[end]) and ARABIC_WORD.match(text[end - 1]):
        end += 1
    return start, end
