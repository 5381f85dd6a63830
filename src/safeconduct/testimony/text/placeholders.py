"""Turning raw detections into findings: merge overlaps, find every other mention, number the entities.

Protection is per entity: a name hidden in one sentence and left in the next still names the person, so
every mention of a detected entity (and, for people, each part of a full name) is hidden the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from safeconduct.testimony.text.keep import is_generic_word
from safeconduct.testimony.text.model import Finding, Kind
from safeconduct.testimony.text.recognizers.arabic_names import everyday_name
from safeconduct.testimony.text.recognizers.lexicon import CHAT_WORDS, NOT_IDENTIFYING
from safeconduct.testimony.text.vocabulary import has_unknown_word, is_known

#: When merged detections disagree and score the same, the first kind here wins.
PRIORITY = [
    Kind.EMAIL,
    Kind.HANDLE,
    Kind.PHONE,
    Kind.ID,
    Kind.PERSON,
    Kind.UNIT,
    Kind.ORG,
    Kind.PLACE,
    Kind.NATIONALITY,
    Kind.DATE,
]
_LEAD = re.compile(r"^(?:the|le|la|les|l'|l’)\s*", re.IGNORECASE)
_TRIM = ' \t\n\r.,;:!?"“”«»()[]{}،؛؟'
#: Parts of names that are not names ("Abu", "Colonel"): never propagated on their own.
_NOT_A_NAME = frozenset(
    """abu abou umm oum om ibn bin ben bint ould ag al el the le la de du des mr mrs ms dr dr. mme colonel
    captain lieutenant commander general major sheikh cheikh cheick imam emir hajj hajja malam mallam
    doctor madame monsieur capitaine commandant marabout docteur uncle aunt mama papa sergeant el-hadj
    أبو أم ابن بن بنت العقيد الدكتور الضابط الشيخ القائد الحاج ولد ود منت آل ابو ام عبد""".split()
)
_PROPAGATE = {
    Kind.PERSON,
    Kind.PLACE,
    Kind.UNIT,
    Kind.ORG,
    Kind.NATIONALITY,
    Kind.EMAIL,
    Kind.HANDLE,
    Kind.PHONE,
    Kind.ID,
}


@dataclass
class Span:
    """A detection before numbering."""

    kind: Kind
    start: int
    end: int
    score: float
    source: str


def clean(spans: Iterable[Span], text: str, analysed: str | None = None) -> list[Span]:
    """Trim punctuation and drop detections of nothing identifying ("WhatsApp", "God").

    `analysed` is the text the detectors saw (truecased: same offsets); a model's person or place that is
    in lower case there is an ordinary word, and is dropped.
    """
    analysed = text if analysed is None else analysed
    kept = []
    for s in spans:
        while s.start < s.end and text[s.start] in _TRIM:
            s.start += 1
        while s.end > s.start and text[s.end - 1] in _TRIM:
            s.end -= 1
        _trim_words(s, text)
        surface = text[s.start : s.end]
        bare = _LEAD.sub("", surface).lower()
        if not surface.strip() or bare in NOT_IDENTIFYING or (s.source == "SpacyRecognizer" and bare in CHAT_WORDS):
            continue
        model_guess = s.source == "SpacyRecognizer" and s.kind in (Kind.PERSON, Kind.PLACE)
        if model_guess and analysed[s.start : s.end].islower():
            continue
        kept.append(s)
    return kept


#: Words trimmed off the edge of a detection: not "red", which starts names ("the Red Scorpions").
_GLUED = NOT_IDENTIFYING - {"red"}


def _trim_words(s: Span, text: str) -> None:
    """Drop words like "Telegram" that a model glued to the edge of a detection ("Telegram @handle"), and
    the chat words a model takes into a name in a text message ("wesh mimi", "yemma ke", "EI ca")."""
    if s.source == "SpokenFormRecognizer":  # a number said aloud starts and ends where the speaker said it
        return
    chat = s.source == "SpacyRecognizer"
    while True:
        words = list(re.finditer(r"\S+", text[s.start : s.end]))
        if len(words) < 2:
            return
        if _glued(words[0].group()) or (chat and _chat_word(words[0].group())):
            s.start += words[1].start()
        elif _glued(words[-1].group()) or (chat and _chat_word(words[-1].group())):
            s.end = s.start + words[-2].end()
        else:
            return


def _chat_word(word: str) -> bool:
    """A chat word as written (lower case): "wesh", "ke", "ca"; "Ca" or "KE" may be a name's part."""
    bare = word.strip(_TRIM)
    return bare.islower() and bare in CHAT_WORDS


def _glued(word: str) -> bool:
    """An app's or institution's name; "un" is one only when written "UN" (in lower case it is "one")."""
    bare = word.strip(_TRIM)
    return bare.lower() in _GLUED and not (bare.lower() == "un" and bare != "UN")


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@.]){re.escape(term)}(?!\w)", re.IGNORECASE)


def _same_entity(term: str, match: str, language: str, known: frozenset[str]) -> bool:
    """Whether `match` (found ignoring case) is the entity `term` is: an article may change case ("The
    Hawk" for "the Hawk"), and so may the rest if it has a word the language does not know ("rashid" for
    "Rashid", "sahel front" for "Sahel Front"; but not "hope" for "Hope", "license" for "License")."""
    core, other = _LEAD.sub("", term), _LEAD.sub("", match)
    if other == core:
        return True
    if language == "ar" and _LATIN_WORD.fullmatch(core):  # Arabizi: "Saba7" the woman, "saba7" the morning
        from safeconduct.testimony.text.arabizi import Reading, classify

        return classify(core.lower()) is not Reading.WORD
    return has_unknown_word(core, language, known)


_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9'’-]+")


_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")


def propagate(spans: list[Span], text: str, language: str = "", known: frozenset[str] = frozenset()) -> list[Span]:
    """Add every other occurrence of each detected entity, and of each part of a person's full name.

    Occurrences are found whatever their case ("Rashid" … "rashid") when the entity has a word unknown to
    `language` (`known`: see vocabulary.py); a name made of known words keeps its case ("Grace" does not
    reach "grace"): see `_same_entity`.
    """
    found = list(spans)
    terms: dict[tuple[Kind, str], float] = {}
    for s in spans:
        if s.kind not in _PROPAGATE:
            continue
        surface = text[s.start : s.end]
        terms[(s.kind, surface)] = max(terms.get((s.kind, surface), 0), s.score)
        parts = re.split(r"\s+", surface)
        if s.kind is Kind.PERSON and len(parts) > 1:
            for part in parts:
                if len(part) >= 3 and part.lower() not in _NOT_A_NAME and not part.islower():
                    # Part of a detected full name: stronger evidence than a model's guess about the lone word.
                    terms[(Kind.PERSON, part)] = max(terms.get((Kind.PERSON, part), 0), s.score + 0.05)
    for (kind, term), score in terms.items():
        if is_generic_word(term):
            continue  # a country or nationality is hidden only where its context narrows the person down
        if kind is Kind.PERSON and _ARABIC_WORD.fullmatch(term) and everyday_name(term):
            continue  # "اسمها أمل، وما ضل عندي أمل": the name, then hope
        for m in _pattern(term).finditer(text):
            if _same_entity(term, m.group(), language, known):
                found.append(Span(kind, m.start(), m.end(), score, "propagated"))
    return found


_NAME_BEFORE = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][\w'’-]{2,})[ \t]+$")
_NAME_AFTER = re.compile(r"[ \t]+([A-ZÀ-Ý][\w'’-]{2,})(?![\w'’-])")


def extend_names(spans: list[Span], text: str, language: str, known: frozenset[str]) -> list[Span]:
    """A person's name takes in the capitalised words right beside it that are no word of the language,
    written in the same case: the first name a model left at the start of a sentence ("Imran" before
    "Shafiq Hussain"), the rest of a name in capitals ("ASLANBEK" before "TURLAYEV")."""
    from safeconduct.testimony.text.recognizers.names import TITLE_WORDS

    def name_word(word: str, capitals: bool) -> bool:
        return (
            word.isupper() == capitals
            and word not in TITLE_WORDS
            and not is_known(word, language, known)
            and not is_generic_word(word)
        )

    out = []
    for s in spans:
        if s.kind is Kind.PERSON and language in ("en", "fr"):
            capitals = text[s.start : s.end].isupper()
            start, end = s.start, s.end
            while (m := _NAME_BEFORE.search(text, max(0, start - 40), start)) and name_word(m.group(1), capitals):
                start = m.start(1)
            while (m := _NAME_AFTER.match(text, end)) and name_word(m.group(1), capitals):
                end = m.end(1)
            s = Span(s.kind, start, end, s.score, s.source)
        out.append(s)
    return out


def merge(spans: list[Span]) -> list[Span]:
    """Merge overlapping detections into one span (the union), of the kind the surest detector gave."""
    merged: list[list[Span]] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and s.start < max(x.end for x in merged[-1]):
            merged[-1].append(s)
        else:
            merged.append([s])
    out = []
    for group in merged:
        best = max(group, key=lambda s: (s.score, -PRIORITY.index(s.kind), s.end - s.start))
        out.append(Span(best.kind, min(s.start for s in group), max(s.end for s in group), best.score, best.source))
    return out


#: What may stand between two parts of one date ("le quatorze mars, à dix heures", "Tue 17 Nov at 2pm").
_DATE_JOINT = re.compile(r"[\s,]*(?:(?:à|a|at|on|le|the|vers|around)\s+)?[\s,]*", re.IGNORECASE)
_YEAR_LEAD = re.compile(r"(?i:\b(?:l['’]an|en\s+l['’]an|the\s+year|in\s+the\s+year)\s+)$")


def join_dates(spans: list[Span], text: str) -> list[Span]:
    """One finding for a date said in parts: a day, its date and its hour next to each other are one
    date, and "L'an" before a year belongs to it (a procès-verbal's "L'an deux mille vingt-cinq, le
    quatorze mars, à dix heures vingt" leaves nothing of the date readable between its placeholders)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: s.start):
        if s.kind is Kind.DATE:
            lead = _YEAR_LEAD.search(text, 0, s.start)
            if lead:
                s = Span(s.kind, lead.start(), s.end, s.score, s.source)
            last = out[-1] if out else None
            if last is not None and last.kind is Kind.DATE and last.end <= s.start:
                joint = _DATE_JOINT.fullmatch(text, last.end, s.start)
                if joint is not None and s.start - last.end <= 8:
                    out[-1] = Span(Kind.DATE, last.start, s.end, max(last.score, s.score), last.source)
                    continue
        out.append(s)
    return out


#: Head nouns a group, an office or a sub-location is named by: its article belongs to the name ("la katiba
#: des Îles", "the explosives office"), and a place right after it says which one ("diwan of Jilda").
_HEAD_FIRST = re.compile(
    r"^(?:katiba|katibat|brigade|bataillon|battalion|groupe|group|unit[ée]?|section|secteur|sector|cellule|cell|"
    r"compagnie|company|front|milice|militia|diwan|office|bureau|centre|center|camp|quartier|cité|résidence|"
    r"crèche|association|mosquée|mosque|librairie|boulangerie|supérette|épicerie|prison|hôpital|hospital|"
    r"commissariat|madafa|school|école|collège|lycée|club|wilayat|wilaya)\b",
    re.IGNORECASE,
)
_ARTICLE_BEFORE = re.compile(r"(?:\b(?:the|la|le|les)\s+|\bl['’])$", re.IGNORECASE)
_LINK_TO_PLACE = re.compile(r"^\s+(?:of|in|at|de|du|d['’]|des|à|في)\s*$", re.IGNORECASE)


def attach_articles(spans: list[Span], text: str) -> list[Span]:
    """Give a group's or an office's name its article, and the place that says which one, so that "la
    [UNIT 1]" does not remain and "[UNIT 1] de [PLACE 1]" reads as the one name it is (spans sorted, disjoint)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: s.start):
        nickname = s.kind is Kind.NATIONALITY and re.search(
            r"(?:\b(?:the|le|la)\s+)$", text[max(0, s.start - 4) : s.start], re.I
        )
        if nickname or _HEAD_FIRST.match(text[s.start : s.end]):  # "le chinois" names one man; a head noun leads
            article = _ARTICLE_BEFORE.search(text[max(0, s.start - 6) : s.start])
            if article and not (out and out[-1].end > s.start - len(article.group())):
                s.start -= len(article.group())
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind in (Kind.UNIT, Kind.ORG)
            and s.kind is Kind.PLACE
            and _LINK_TO_PLACE.match(text[prev.end : s.start])
        ):
            prev.end = s.end
            continue
        out.append(s)
    return out


def canonical(surface: str) -> str:
    """The form under which mentions count as the same entity: no article, no title, case-folded."""
    words = [w for w in _LEAD.sub("", surface).split() if w.lower() not in _NOT_A_NAME or len(surface.split()) == 1]
    return " ".join(words).casefold() or surface.casefold()


def number(spans: list[Span], text: str) -> list[Finding]:
    """Give each entity one placeholder ("[PERSON 1]"), numbered per kind in order of first mention."""
    keys: list[tuple[Kind, str]] = [(s.kind, canonical(text[s.start : s.end])) for s in spans]
    persons = sorted({k for kind, k in keys if kind is Kind.PERSON and " " in k}, key=len, reverse=True)
    placeholders: dict[tuple[Kind, str], str] = {}
    counters: dict[Kind, int] = {}
    findings = []
    for s, (kind, key) in zip(spans, keys, strict=True):
        if kind is Kind.PERSON and " " not in key:
            key = next((full for full in persons if key in full.split()), key)
        if (kind, key) not in placeholders:
            counters[kind] = counters.get(kind, 0) + 1
            placeholders[(kind, key)] = f"[{kind.value} {counters[kind]}]"
        findings.append(
            Finding(kind, text[s.start : s.end], s.start, s.end, placeholders[(kind, key)], round(s.score, 3), s.source)
        )
    return findings
