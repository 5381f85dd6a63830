"""Inverse text normalisation for speech transcripts: spoken years, digits, e-mail addresses and handles.

A recogniser writes "two thousand sixteen", "zéro six douze trente quatre …", "sami dot k eighty one at
gmail dot com" or "abu underscore layth". The detectors look for "2016", "0612 34…", "sami.k81@gmail.com"
and "abu_layth". `normalise` returns a copy of the text of the same length in which each such run is
replaced by what it means, left-aligned and padded with spaces (the written form is always shorter than
the spoken one), and the list of runs it replaced with the kind each stands for. A finding that touches a
run is widened to the whole run, so offsets in the original text stay true.

text2num (on PyPI) reads English and French numbers but not Arabic, nor e-mail addresses: this module is
our own, small and covers only what a testimony needs (years, digits read one or two at a time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from safeconduct.testimony.text.model import Kind

_UNITS = {
    # English
    "zero": 0,
    "oh": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    # French
    "zéro": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    # Arabic (standard and Levantine/Iraqi spoken forms)
    "صفر": 0,
    "واحد": 1,
    "وحدة": 1,
    "اثنين": 2,
    "اثنان": 2,
    "اتنين": 2,
    "ثنين": 2,
    "ثلاثة": 3,
    "ثلاث": 3,
    "تلاتة": 3,
    "أربعة": 4,
    "اربعة": 4,
    "أربع": 4,
    "اربع": 4,
    "خمسة": 5,
    "خمس": 5,
    "ستة": 6,
    "ست": 6,
    "سبعة": 7,
    "سبع": 7,
    "ثمانية": 8,
    "ثمان": 8,
    "ثماني": 8,
    "تمانية": 8,
    "تسعة": 9,
    "تسع": 9,
    "عشرة": 10,
    "عشر": 10,
    "إحدى": 1,
    "احدعش": 11,
    "اطنعش": 12,
    "تلطعش": 13,
    "اربعطعش": 14,
    "خمسطعش": 15,
    "ستطعش": 16,
    "سبعطعش": 17,
    "تمنطعش": 18,
    "تسعطعش": 19,
    "عشرين": 20,
    "عشرون": 20,
    "ثلاثين": 30,
    "ثلاثون": 30,
    "أربعين": 40,
    "اربعين": 40,
    "خمسين": 50,
    "ستين": 60,
    "سبعين": 70,
    "ثمانين": 80,
    "تمانين": 80,
    "تسعين": 90,
}
_HUNDREDS = {
    "hundred": 100,
    "cent": 100,
    "cents": 100,
    "مية": 100,
    "مئة": 100,
    "مائة": 100,
    "ميتين": 200,
    "مئتين": 200,
    "مائتين": 200,
    "تسعمية": 900,
    "تسعمائة": 900,
    "تسعمئة": 900,
    "ثمانمية": 800,
    "ثمانمائة": 800,
}
_THOUSANDS = {"thousand": 1000, "mille": 1000, "ألف": 1000, "الف": 1000, "ألفين": 2000, "الفين": 2000}
_AND = frozenset({"and", "et", "و"})
_DOT = frozenset({"dot", "point", "نقطة", "نقطه", "دوت"})
_AT = frozenset({"at", "arobase", "arobas", "آت", "ات"})
_UNDERSCORE = ("underscore", "under score", "tiret bas", "tiret du bas", "شرطة سفلية", "اندرسكور")
_DASH = frozenset({"dash", "hyphen", "tiret", "شرطة"})
_TLDS = frozenset("com fr org net be uk de nl ch ca io me info co sy iq tr lb jo كوم نت اورج".split())

_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[@._-]")


@dataclass(frozen=True)
class Run:
    """A stretch of the original text that was written in words and replaced by its written form."""

    start: int
    end: int
    kind: Kind
    written: str


def _number_value(word: str) -> int | None:
    w = word.lower().replace("أ", "ا").replace("إ", "ا")
    if w.isdigit():
        return int(w)
    if w in _UNITS:
        return _UNITS[w]
    if w.startswith("و") and w[1:] in _UNITS:
        return _UNITS[w[1:]]
    return None


def _is_number_word(word: str) -> bool:
    w = word.lower()
    bare = w[1:] if w.startswith("و") and len(w) > 2 else w
    return (
        _number_value(w) is not None
        or bare in _HUNDREDS
        or bare in _THOUSANDS
        or w in _AND
        or all(_number_value(p) is not None or p in _HUNDREDS or p in _AND for p in w.split("-"))
    )


def _parts(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        for p in w.lower().split("-"):
            if p.startswith("و") and len(p) > 2 and p[1:] in {**_UNITS, **_HUNDREDS, **_THOUSANDS}:
                out.append(p[1:])
            elif p:
                out.append(p)
    return out


def _year(words: list[str]) -> int | None:
    """The year a run of number words says: "two thousand sixteen", "nineteen ninety eight",
    "mille neuf cent quatre-vingt-dix", "ألفين وسبعة عشر"; None when it is not a year."""
    parts = [p for p in _parts(words) if p not in _AND]
    if not parts:
        return None
    if parts[0] in ("nineteen", "twenty", "dix-neuf") and len(parts) > 1 and parts[1] not in _HUNDREDS:
        rest = _cardinal(parts[1:])
        if rest is not None and 10 <= rest < 100:  # "nineteen ninety", "twenty sixteen"; not "twenty two"
            return _UNITS[parts[0]] * 100 + rest
    if not any(p in _THOUSANDS or p in _HUNDREDS for p in parts):
        return None
    value = _cardinal(parts)
    return value if value is not None and 1900 <= value <= 2039 else None


def _cardinal(parts: list[str]) -> int | None:
    total, current = 0, 0
    for i, p in enumerate(parts):
        if p in _THOUSANDS:
            total += max(current, 1) * _THOUSANDS[p] if _THOUSANDS[p] == 1000 else _THOUSANDS[p]
            current = 0
        elif p in _HUNDREDS:
            current = max(current, 1) * _HUNDREDS[p] if _HUNDREDS[p] == 100 else current + _HUNDREDS[p]
        elif (v := _number_value(p)) is not None:
            if p == "vingt" and i and parts[i - 1] == "quatre" and current % 100 == 4:
                current += 76  # quatre-vingt(s) = 80
            elif p in ("dix",) and i and current % 100 in (60, 80):
                current += 10
            elif i and parts[i - 1] == "soixante" and p in ("onze", "douze", "treize", "quatorze", "quinze", "seize"):
                current += v
            elif 0 < current % 100 < 10 and v < 10 and p not in _UNITS:
                return None
            else:
                current += v
        else:
            return None
    return total + current


def _digit_groups(words: list[str]) -> str | None:
    """Digits read one or two at a time ("zero seven nine one …", "zéro six douze trente-quatre …")."""
    values = [_cardinal(_parts([w])) for w in words if w.lower() not in _AND]
    groups: list[str] = []
    i = 0
    while i < len(values):
        v = values[i]
        if v is None or v >= 100:
            return None
        nxt = values[i + 1] if i + 1 < len(values) else None
        if v >= 20 and v % 10 == 0 and nxt is not None and (nxt < 10 or (v in (60, 80) and nxt < 20)):
            v += nxt  # "trente quatre", "soixante dix-huit"
            i += 1
        groups.append(str(v) if v < 10 else f"{v:02d}")
        i += 1
    digits = "".join(groups)
    return digits if len(groups) >= 5 and len(digits) >= 7 else None


def _number_runs(tokens: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of number words."""
    runs, i = [], 0
    while i < len(tokens):
        if _is_number_word(tokens[i].group()) and tokens[i].group().lower() not in _AND:
            j = i
            while j < len(tokens) and _is_number_word(tokens[j].group()):
                j += 1
            while j > i and tokens[j - 1].group().lower() in _AND:
                j -= 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _spelled(word: str) -> bool:
    return (len(word) == 1 and word.isalnum()) or _is_number_word(word) or word.isdigit()


def _contact_runs(text: str, tokens: list[re.Match[str]]) -> list[Run]:
    """E-mail addresses and handles said aloud, with "at/dot/underscore" and their French and Arabic words."""
    lowered = text.lower()
    for phrase in _UNDERSCORE:  # several words for one symbol: marked on a copy, offsets unchanged
        lowered = lowered.replace(phrase, "_" + "\u0001" * (len(phrase) - 1))
    toks = [m for m in _TOKEN.finditer(lowered)]
    runs: list[Run] = []
    i = 0
    while i < len(toks):
        word = toks[i].group()
        if word in _AT and 0 < i < len(toks) - 2:
            # the domain: word (dot word)+ ending on a top-level domain
            j, domain_ok = i + 1, False
            while j + 2 < len(toks) + 1 and j + 1 < len(toks) and toks[j + 1].group() in _DOT:
                if j + 2 < len(toks) and toks[j + 2].group() in _TLDS:
                    domain_ok, j = True, j + 2
                    break
                j += 2
            if domain_ok:
                k = _local_start(toks, i)
                runs.append(_run(text, toks, k, j + 1, Kind.EMAIL))
                i = j + 1
                continue
        if word in _DOT and 0 < i < len(toks) - 1 and _after_platform(toks, i):
            k = _local_start(toks, i)
            j = i + 1
            while j + 2 < len(toks) and toks[j + 1].group() in ("_", *_DOT, *_DASH):
                j += 2
            while j + 1 < len(toks) and _spelled(toks[j].group()) and _spelled(toks[j + 1].group()):
                j += 1
            runs.append(_run(text, toks, k, j + 1, Kind.HANDLE))
            i = j + 1
            continue
        if word == "_" and i > 0 and i + 1 < len(toks):
            k = _local_start(toks, i)
            j = i + 1
            while j + 1 < len(toks) and (toks[j + 1].group() in ("_", *_DOT, *_DASH) or _spelled(toks[j + 1].group())):
                if toks[j + 1].group() in ("_", *_DOT, *_DASH):
                    if j + 2 >= len(toks):
                        break
                    j += 2
                elif _spelled(toks[j].group()) or _spelled(toks[j + 1].group()) and len(toks[j + 1].group()) == 1:
                    j += 1
                else:
                    break
            runs.append(_run(text, toks, k, j + 1, Kind.HANDLE))
            i = j + 1
            continue
        i += 1
    return runs


#: Words after which a dotted name is a profile, not a sentence ("on facebook firas dot hamdani").
_PLATFORMS = frozenset(
    "facebook fb instagram insta telegram tiktok snapchat snap twitter x signal threads youtube فيسبوك فيس انستغرام "
    "انستا تلغرام تيليغرام تيك".split()
)


def _after_platform(toks: list[re.Match[str]], i: int) -> bool:
    start = _local_start(toks, i)
    before = [t.group() for t in toks[max(0, start - 4) : start]]
    return any(w in _PLATFORMS for w in before)


def _local_start(toks: list[re.Match[str]], i: int) -> int:
    """Walk back from the "at" or first "underscore" over the spelled-out local part."""
    k = i - 1
    while k > 0:
        prev, cur = toks[k - 1].group(), toks[k].group()
        connectors = ("_", *_DOT, *_DASH)
        if prev in connectors or cur in connectors or (_spelled(prev) and _spelled(cur)):
            k -= 1
        else:
            break
    return k


def _run(text: str, toks: list[re.Match[str]], i: int, j: int, kind: Kind) -> Run:
    start, end = toks[i].start(), toks[j - 1].end()
    out: list[str] = []
    words = [t.group() for t in toks[i:j]]
    n = 0
    while n < len(words):
        w = words[n]
        if w in _AT:
            out.append("@")
        elif w in _DOT:
            out.append(".")
        elif w == "_":
            out.append("_")
        elif w in _DASH:
            out.append("-")
        elif _is_number_word(w) and w not in _AND:
            m = n
            while m < len(words) and _is_number_word(words[m]) and words[m] not in _AT:
                m += 1
            value = _cardinal(_parts(words[n:m]))
            out.append(str(value) if value is not None else "".join(words[n:m]))
            n = m
            continue
        else:
            out.append(text[toks[n + i].start() : toks[n + i].end()].lower())
        n += 1
    return Run(start, end, kind, "".join(out))


def normalise(text: str) -> tuple[str, list[Run]]:
    """The same-length copy of `text` with spoken years, digits, e-mails and handles written out, and the runs."""
    tokens = list(_TOKEN.finditer(text))
    runs = _contact_runs(text, tokens)
    taken = [(r.start, r.end) for r in runs]
    for i, j in _number_runs(tokens):
        start, end = tokens[i].start(), tokens[j - 1].end()
        if any(s < end and start < e for s, e in taken):
            continue
        words = [t.group() for t in tokens[i:j]]
        year = _year(words)
        if year is not None:
            runs.append(Run(start, end, Kind.DATE, str(year)))
            continue
        digits = _digit_groups(words)
        if digits is not None:
            kind = Kind.PHONE if digits.startswith("0") or 8 <= len(digits) <= 13 else Kind.ID
            runs.append(Run(start, end, kind, digits))
    if not runs:
        return text, []
    chars = list(text)
    for r in runs:
        written = r.written[: r.end - r.start].ljust(r.end - r.start)
        chars[r.start : r.end] = list(written)
    return "".join(chars), sorted(runs, key=lambda r: r.start)
