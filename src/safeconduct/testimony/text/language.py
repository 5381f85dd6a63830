"""Guessing the language of a testimony when the user says `auto`."""

from __future__ import annotations

import re

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ']+")
_FRENCH = frozenset(
    "le la les de des du un une et est je j' il elle nous vous ils que qui dans pour pas avec sur au aux "
    "mon ma mes son sa ses était avait été c'est ce cette".split()
)
_ENGLISH = frozenset(
    "the a an and is was were i he she we you they that which in on for not with to of my his her our "
    "their had have been it this from at".split()
)


def detect_language(text: str) -> str:
    """Return `ar`, `fr` or `en`: a cheap guess by script and common words, enough for these three."""
    sample = text[:20000]
    letters = len(_LETTER.findall(sample)) or 1
    if len(_ARABIC.findall(sample)) / letters > 0.3:
        return "ar"
    words = _WORD.findall(sample.lower())
    french = sum(w in _FRENCH for w in words)
    english = sum(w in _ENGLISH for w in words)
    return "fr" if french > english else "en"
