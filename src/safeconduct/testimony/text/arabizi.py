"""Read a word of Arabizi (Arabic chatted in Latin letters and digits) back into Arabic script.

No English or French word list knows "mar7aba", "5alti" or "3end", so an Arabizi chat used to look like a
page of names. Each Latin letter or digit stands for one of a few Arabic letters (3 ع, 7 ح, 5 خ, 2 ء or ق,
9 ق or ص, "sh" ش …) and short vowels are mostly not written in Arabic, so a word has a handful of
possible Arabic spellings. Only spellings that lead somewhere are followed: every partial spelling must
begin some word of wordfreq's Arabic list or of the Arabic name index, so the search stays small.

What a word is, then (`classify`): a town when a reading is in our Arabic gazetteer ("derna" → درنة); a
given name when a name is its most common reading ("fadi" → فادي, "Mo7ammad" → محمد), or nearly so and the
word is capitalised; an everyday word when a reading is common Arabic ("mar7aba" → مرحبا); otherwise unknown
(probably a name or a place: hidden, as every unknown word of a chat was before).
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from safeconduct.testimony.text.recognizers.arabic_names import key, name_index
from safeconduct.testimony.text.recognizers.lexicon import ARABIC_GIVEN_NAMES, ARABIC_NAMES_THAT_ARE_WORDS
from safeconduct.testimony.text.vocabulary import arabic_frequencies

#: An everyday word is at least this common (Zipf); rarer list entries are too often names and places.
EVERYDAY_ZIPF = 3.3
#: A name reading this much rarer than the most common reading still makes the word a name.
NAME_MARGIN = 0.5
#: Readings followed at most per word (a bound on time, far above what a real word needs).
MAX_READINGS = 400

# Latin letters and digits → Arabic letters they may stand for ("" = a vowel Arabic does not write).
# Longer spellings are tried before shorter ones at each position.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "sh": ("ش",), "ch": ("ش",), "kh": ("خ",), "gh": ("غ",), "th": ("ث", "ت"), "dh": ("ذ", "ض", "د"),
    "3'": ("غ",), "7'": ("خ",), "ou": ("و",), "oo": ("و",), "uu": ("و",), "ee": ("ي",), "ii": ("ي",),
    "aa": ("ا",), "ae": ("ائ", "اي", "ا"), "ai": ("ي", "اي"), "ay": ("ي", "اي"), "ei": ("ي",), "ey": ("ي",),
    "aw": ("و", "او"),
    "2": ("ء", "أ", "ق", "ئ", "ؤ", ""), "3": ("ع",), "5": ("خ",), "6": ("ط",), "7": ("ح",), "8": ("غ", "ق"),
    "9": ("ق", "ص"), "b": ("ب",), "t": ("ت", "ط"), "j": ("ج",), "d": ("د", "ض"), "r": ("ر",), "z": ("ز", "ظ"),
    "s": ("س", "ص"), "f": ("ف",), "q": ("ق",), "k": ("ك", "ق"), "l": ("ل",), "m": ("م",), "n": ("ن",),
    "h": ("ه", "ح"), "w": ("و",), "y": ("ي",), "g": ("ج", "ق", "غ"), "p": ("ب",), "v": ("ف",),
    "c": ("ك", "س"), "x": ("كس",), "a": ("", "ا"), "e": ("", "ي"), "i": ("", "ي"), "o": ("", "و"),
    "u": ("", "و"), "an": ("", "ان"),
}
_FINAL = {
    "an": ("ا", "ان"), "a": ("ا", "ه", "ى"), "e": ("ه", "ي", ""), "i": ("ي",), "o": ("و", "ه"), "u": ("و",),
    "t": ("ت", "ه"),
}
_INITIAL = {"a": ("ا",), "e": ("ا",), "i": ("ا",), "o": ("ا", "او"), "u": ("ا", "او")}
_ARTICLE = re.compile(r"^(?:el|al|il|l)-?(?=[a-z0-9]{3})")
_TOKEN = re.compile(r"sh|ch|kh|gh|th|dh|3'|7'|ou|oo|uu|ee|ii|aa|ae|ai|ay|ei|ey|aw|an$|.", re.DOTALL)


class Reading(Enum):
    NAME = "name"
    PLACE = "place"
    WORD = "word"
    UNKNOWN = "unknown"


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Our Arabic gazetteer's one-word names, folded (a town read back: "derna" → درنة, "lsirt" → لسرت)."""
    from safeconduct.testimony.text.recognizers.places_ar import arabic_places

    return frozenset(key(p) for p in arabic_places() if " " not in p)


@lru_cache(maxsize=1)
def _everyday() -> dict[str, float]:
    """Folded Arabic words → Zipf, for words at least `EVERYDAY_ZIPF` common."""
    out: dict[str, float] = {}
    for word, zipf in arabic_frequencies().items():
        if zipf >= EVERYDAY_ZIPF:
            k = key(word)
            out[k] = max(zipf, out.get(k, 0.0))
    return out


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    """Every beginning of every word a reading may end on (everyday words and name-index words)."""
    return frozenset(w[:i] for w in _whole() for i in range(1, len(w) + 1))


@lru_cache(maxsize=1)
def _whole() -> frozenset[str]:
    return frozenset(_everyday()) | name_index()[1] | name_index()[0] | _places()


def _units(word: str) -> list[str]:
    """The word cut into spelling units, a doubled consonant written once ("3ammo" → 3 a m o)."""
    units = _TOKEN.findall(word)
    out: list[str] = []
    for u in units:
        if out and u == out[-1] and u not in "aeiou":
            continue
        out.append(u)
    return out


def readings(word: str) -> set[str]:
    """The folded Arabic spellings `word` may stand for that are whole words of the lists."""
    word = word.lower().replace("’", "'")
    starts = [("", word)]
    m = _ARTICLE.match(word)
    if m:  # "el-7ajji": with the article, and the word alone (a title or word the list has without it)
        starts += [("ال", word[m.end() :]), ("", word[m.end() :])]
    prefixes, whole = _prefixes(), _whole()
    found: set[str] = set()
    for article, rest in starts:
        units = _units(rest)
        partial = {article}
        for i, unit in enumerate(units):
            if i == 0 and unit in _INITIAL:
                options = _INITIAL[unit]
            elif i == len(units) - 1 and unit in _FINAL:
                options = _FINAL[unit]
            else:
                options = _SPELLINGS.get(unit, ())  # a letter Arabizi does not use: no reading from here
            partial = {key(p + o) for p in partial for o in options}
            partial = {p for p in partial if p == "" or p in prefixes}
            if not partial or len(partial) > MAX_READINGS:
                break
        else:
            found |= {p for p in partial if p in whole and len(p) >= 2}
    return found


#: Dialect endings and beginnings (pronouns, "to me", the negation, the verb's person, and/to/in/with)
#: tried when the whole word reads as nothing: "ba3tile" → b-3at-li, "mte3ou" → mte3-ou.
_ENDINGS = ("ouna", "kom", "hom", "lik", "lak", "lek", "li", "le", "lo", "ha", "na", "ni", "ne", "ek", "ik",
            "ou", "te", "ti", "o", "e", "i", "a", "ch", "sh", "ش")
_BEGINNINGS = ("ma", "ya", "ba", "bi", "fi", "wi", "b", "l", "w", "f", "m", "y", "t", "n")
#: A stem found that way must be at least this common to make the word an everyday one.
STEM_ZIPF = 4.0


def _stem_is_word(word: str) -> bool:
    everyday = _everyday()
    for begin in ("", *_BEGINNINGS):
        if not word.startswith(begin):
            continue
        for end in ("", *_ENDINGS):
            if (begin or end) and word.endswith(end) and len(word) - len(begin) - len(end) >= 3:
                stem = word[len(begin) : len(word) - len(end)]
                if any(everyday.get(r, 0.0) >= STEM_ZIPF for r in readings(stem)):
                    return True
    return False


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """(names that are only names, names that are also everyday words) as folded keys: our own lists first,
    then the index (whose "ambiguous" set holds every name common in text, محمد or فاطمة too)."""
    given, _every, ambiguous = name_index()
    words = frozenset(key(n) for n in ARABIC_NAMES_THAT_ARE_WORDS)
    listed = frozenset(key(n) for n in ARABIC_GIVEN_NAMES) - words
    return listed | (given - ambiguous), words | (ambiguous - listed)


def classify(word: str) -> Reading:
    """What an Arabizi word most likely is (see the module's docstring). A name wins when it is the word's
    most common reading ("Mo7ammad" → محمد, "fadi" → فادي), or nearly so and the word is capitalised
    ("Rima" → ريما beside رمي "throwing"); "slah" stays سلاح "weapon" rather than the name صلاح."""
    found = readings(word)
    if not found:
        return Reading.WORD if _stem_is_word(word.lower()) else Reading.UNKNOWN
    if found & _places() or {r[1:] for r in found if r[:1] in "لبو"} & _places():
        return Reading.PLACE
    everyday = _everyday()
    names, name_words = _names()
    top = max(everyday.get(r, 0.0) for r in found)
    named = max((everyday.get(r, 0.0) for r in found if r in names), default=-1.0)
    capitalised = word[:1].isupper()
    if named >= 0 and (named >= top or top == 0 or (capitalised and named >= top - NAME_MARGIN)):
        return Reading.NAME
    if top:
        return Reading.WORD
    return Reading.NAME if any(r in name_words for r in found) else Reading.UNKNOWN


def is_given_name(word: str) -> bool:
    """Whether one reading of the word is a given name, one that is also an everyday word included
    ("Saba7" → صباح): what a capital letter inside a sentence then makes a name."""
    names, name_words = _names()
    return any(r in names or r in name_words for r in readings(word))


_DAY = (
    r"(?:a?7ad|ahad|[ie]?t[h]?n[ie]{1,2}n|tla?tha?|tlata|talat|th?l[ae]th|arb3a|arba3a?|(?:5|kh)a?m[ie]{0,2}s|je?m3a|ju?m3a|jom3a"
    r"|sa?bt|sebt)"
)
_BEFORE = r"(?:(?:nhar|yom|youm|yawm|lyom)\s+)?(?:el[- ]?|al[- ]?|l)"
_FEAST = (
    r"(?:ramadh?an|ramdh?an|rmdan|(?:el|l)?-?(?:3[ei]{1,2}d|eid)(?:\s+(?:el|l)-?(?:kbir|kebir|sghir|seghir|adha|fitr|fetr))?)"
)
_AFTER = r"(?:el[- ]?|l)?(?:madye|madi|mady|fat|fayet|faytet|elli\s+fat|jaye|jay|jeye|jaya|jeyye|elli\s+jaye)"
#: Spoken dates of an Arabizi chat: "el jem3a el madye", "l5mis jaye", "nhar sebt", "bukra", "mbere7".
_DATES = re.compile(
    rf"(?<![\w@.])(?:{_BEFORE}{_DAY}(?:\s+{_AFTER})?|{_DAY}\s+{_AFTER}"
    r"|(?:el|l)?(?:bukra|bokra|bukrah|bokrah|ghodwa|ghedwa|bokrat)"
    r"|(?:ams|emes|lbera7)(?:\s+(?:el[- ]?|l)?(?:3aser|3asr|3ser|dhuhr|dhohr|[sd]ob7|sbe7|sba7|lel|leil|lil"
    r"|mughrub|maghreb))?"
    rf"|(?:{_FEAST})(?:\s+(?:(?:19|20)\d\d|{_AFTER}))?"
    r"|(?:[ie]?m|el|l)?b[ae]r[ie]7|awel\s+(?:em|m)?b[ae]r[ie]7)(?![\w@])",
    re.IGNORECASE,
)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where an Arabizi chat names a day (weekdays with "last"/"next", tomorrow, yesterday)."""
    return [(m.start(), m.end()) for m in _DATES.finditer(text)]


_UNIT_HEADS = (
    r"katib[ae]t?|kat[ie]{1,2}b[ae]t?|saraya|sarayat|sar[iy]{1,3][ae]t?|liwa[2a]?|fawj|jaysh|ja[iy]sh|jeish"
    r"|jama3[ae]t|jam[a3]{1,2}at|[h7]arak[ae]t|fir[q9]a|fir[q9]et|majmou3[ae]t?|[k5]h?ali[y]{1,2][ae]t?|[k5]h?alyet"
)
_ORG_HEADS = (
    r"[9q]?ahwet|[9q]ahwa|[h7]anout(?:et)?|ma?[h7]all?|dokk?an|dukk?an|fou?rn|ma[t6]'?[3g]h?am|garage|madraset|mdrast?"
    r"|shar[ie]ket|sher[ie]?ket|shirket|ma3mal|saydal[iy]{1,2][ae]t"
)
#: Words that end a unit's or a shop's name in a chat ("katibet el-sha3ba, bas …", "… aw ma3 el dawle").
_NAME_ENDS = frozenset(
    "w wa aw ou bas ma ma3 m3a fi f b l la 3la 3al mn men min ila le li elli illi lli hiya howa howe hia kan kanet "
    "ya w2t lama ba3d 9bal abel tab tb ok".split()
)
_PLACE_HEADS = (
    r"jb[ae]l|j[ae]b[ae]l|wadi|w[ae]d|[h7]ayy?|[h7]ara|[h7]ouma|sou[q9k]|douar|dwar|[q9]ar[iy]{1,2]et|[q9]ar[iy]a"
    r"|mou?[k5]h?ayy?am|m5ayyam|[h7]arat|shar[ie]3|chare3|zan[q9]et|mante[q9]et|ma?nt[ie][q9]a"
)
_PEOPLE_HEADS = (
    r"3ash[iy]r[ae]t?|3ach[iy]r[ae]t?|[q9]ab[iy]l[ae]t?|[q9]b[iy]l[ae]t?|beni|bani|wl[ae]d|ouled|oulad|albu|al\s+bu"
)
_ANY_HEAD = f"{_UNIT_HEADS}|{_ORG_HEADS}|{_PLACE_HEADS}|{_PEOPLE_HEADS}"
_HEADED = re.compile(rf"(?<![\w@.])(?:(?:w|b|l|f|el|al)-?)?(?P<head>{_ANY_HEAD})(?![\w@])", re.I)
_KINDS = (
    ("ORG", re.compile(rf"(?:{_ORG_HEADS})$", re.I)),
    ("PLACE", re.compile(rf"(?:{_PLACE_HEADS})$", re.I)),
    ("NATIONALITY", re.compile(rf"(?:{_PEOPLE_HEADS})$", re.I)),
)
_NEXT_WORD = re.compile(r"[ \t]+(?P<word>[\w'’-]+)")


def headed_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of a unit, shop, place or tribe named after its head word in a chat: "katibet
    el-sha3ba", "9ahwet el Nakhla", "jbal el-ghorra", "3ashiret el-sharafat" (up to three name words, "el"
    not counted)."""
    found = []
    for m in _HEADED.finditer(text):
        end, words = m.end(), 0
        while words < 3:
            nxt = _NEXT_WORD.match(text, end)
            if not nxt or nxt.group("word").lower() in _NAME_ENDS:
                break
            end = nxt.end()
            if nxt.group("word").lower() not in ("el", "al", "l"):
                words += 1
        if words:
            kind = next((k for k, head in _KINDS if head.match(m.group("head"))), "UNIT")
            found.append((kind, m.start(), end))
    return found
