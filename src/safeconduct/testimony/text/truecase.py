"""Truecasing for speech transcripts: capitalise the lower-case words a language does not know.

A transcript may write names in lower case ("we stayed with rashid near garsila"). The NER models and our
rules look for capitals, so they would miss them. The analysis runs instead on a copy of the text in which
each lower-case word that is not a word of the language ("rashid", "garsila", "al-tawhid") starts with a
capital, and so does a word that the large word lists know but that is a common given name or a town of
15,000 people or more and no everyday word ("moussa", "maiduguri"; not "said", "bath"). Every character
keeps its offset, so findings apply to the original text unchanged. Ordinary words keep their case, so
this changes nothing for text that is already cased.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from safeconduct.testimony.text.recognizers.lexicon import GIVEN_NAMES_LATIN, NAME_PARTICLES
from safeconduct.testimony.text.vocabulary import ELIDED, WORD, big_places, everyday_words, is_known, known_words

if TYPE_CHECKING:
    from spacy.language import Language

#: Arabic articles joined to a transliterated name by a hyphen ("al-tawhid" → "al-Tawhid").
_ARTICLES = frozenset("al el ad an ar as ash at az ed es et ech er ul".split())
_LATIN = re.compile(r"^[a-zß-öø-ÿā-ž]")
#: Characters that, just before or after a word, make it part of an address, a handle or a number.
_GLUE_BEFORE = "@./:#_\\0123456789"
_GLUE_AFTER = "@_0123456789"
_MIN_LENGTH = 3


def _capitalise_at(chars: list[str], start: int) -> None:
    upper = chars[start].upper()
    if len(upper) == 1:  # one character for one: offsets stay true
        chars[start] = upper


def _glued(text: str, start: int, end: int) -> bool:
    """Part of an e-mail address, a link, a handle or a code ("gmail.com", "@nightbird", "x7")."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and before in _GLUE_BEFORE:
        return True
    if after and after in _GLUE_AFTER:
        return True
    return after == "." and end + 1 < len(text) and text[end + 1].isalnum()


def _name_not_word(word: str, language: str) -> bool:
    """A given name or a large town that is no everyday word ("moussa", "maiduguri"; not "said", "bath")."""
    if word not in GIVEN_NAMES_LATIN and word not in big_places():
        return False
    return not is_known(word, language, everyday_words(language))


def truecase(text: str, language: str, nlp: Language | None = None) -> str:
    """A copy of `text`, same length, with lower-case words unknown to `language` capitalised."""
    if language not in ("en", "fr"):
        return text
    known = known_words(language, nlp)
    chars: list[str] | None = None
    for m in WORD.finditer(text):
        word = m.group()
        if not word.islower() or not _LATIN.match(word) or _glued(text, m.start(), m.end()):
            continue
        if len(word) < _MIN_LENGTH:
            continue
        if is_known(word, language, known) and not _name_not_word(word, language):
            continue
        if chars is None:
            chars = list(text)
        offset = m.start()
        for part in re.finditer(r"[^'’-]+", word):
            piece = part.group().lower()
            before = word[part.start() - 1] if part.start() else ""
            after = word[part.end()] if part.end() < len(word) else ""
            if after == "-" and piece in _ARTICLES:
                continue  # "al-" stays lower case, as the rules expect: "al-Tawhid"
            if after in ("'", "’") and piece in ELIDED:
                continue  # "d'abéché" → "d'Abéché"
            if before in ("'", "’") and piece == "s":
                continue  # English possessive
            _capitalise_at(chars, offset + part.start())
    if chars is None:
        chars = list(text)
    _first_names(chars)
    return "".join(chars)


def _first_names(chars: list[str]) -> None:
    """Capitalise a lower-case given name that stands before a capitalised name, even if it is an everyday
    word ("grace Akello", "jean-pierre Mwamba", "moussa ag Elkher")."""
    cased = "".join(chars)
    words = list(WORD.finditer(cased))
    for i, m in enumerate(words[:-1]):
        word = m.group()
        if not word.islower() or not all(p in GIVEN_NAMES_LATIN for p in word.split("-")):
            continue
        j = i + 1
        gap = cased[m.end() : words[j].start()]
        if words[j].group() in NAME_PARTICLES and j + 1 < len(words):  # "moussa ag Elkher"
            j += 1
            gap += cased[words[j - 1].end() : words[j].start()]
        following = words[j].group()
        if following[0].isupper() and not following.isupper() and not gap.strip(" ") and "\n" not in gap:
            for part in re.finditer(r"[^-]+", word):
                _capitalise_at(chars, m.start() + part.start())


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"“«'(":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n…"


def unknown_words(original: str, cased: str, language: str, known: frozenset[str]) -> list[tuple[int, int]]:
    """Words that look like names only because the language does not know them: those truecasing
    capitalised, and capitalised words inside a sentence that are no word of the language ("with Ansaru").

    Every detector may miss such a word (no cue, no model's guess); a name left in clear costs more than a
    rare word hidden, so the caller hides them at a low score.
    """
    if language not in ("en", "fr"):
        return []
    found = []
    for m in WORD.finditer(cased):
        word, start = m.group(), m.start()
        if len(word) < _MIN_LENGTH or not word[0].isupper() or word.isupper():
            continue
        if original[start] != cased[start]:  # capitalised by truecasing
            found.append((start, m.end()))
        elif not _sentence_start(original, start) and not is_known(word, language, known):
            found.append((start, m.end()))
    return found
