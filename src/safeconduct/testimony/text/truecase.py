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

from safeconduct.testimony.text.recognizers.lexicon import GIVEN_NAMES_LATIN
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
    return "".join(chars) if chars is not None else text
