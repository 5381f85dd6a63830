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
    "تمنية": 8,
    "تمنيه": 8,
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
#: Levantine and Iraqi spellings a transcript writes as heard (their standard forms are above).
_UNITS.update(
    {
        "تنين": 2,
        "تلت": 3,
        "تمن": 8,
        "حداعش": 11,
        "حدعش": 11,
        "طنعش": 12,
        "تنعش": 12,
        "تلتعش": 13,
        "تلتطعش": 13,
        "اربعتعش": 14,
        "خمستعش": 15,
        "ستعش": 16,
        "سبعتعش": 17,
        "تمنتعش": 18,
        "تمنطعش": 18,
        "تسعتعش": 19,
    }
)
#: Teens as the Gulf, Egypt, Sudan and the Maghreb say them (اربعتاشر، حداشر، تلطاشر): stem and ending.
_TEEN_STEMS = {"حد": 11, "احد": 11, "حدا": 11, "اتن": 12, "اطن": 12, "طن": 12, "تن": 12, "تلت": 13, "تلات": 13,
               "تلط": 13, "اربع": 14, "ارب": 14, "خمس": 15, "سبع": 17, "تمن": 18, "تمان": 18, "تسع": 19}
_UNITS.update({stem + end: n for stem, n in _TEEN_STEMS.items() for end in ("تاشر", "طاشر", "اشر", "اش", "طاش", "تاش")})
_UNITS.update({"ستاشر": 16, "سطاشر": 16, "سطعش": 16, "ستطاشر": 16, "سطاش": 16, "ستاش": 16})
_HUNDREDS.update(
    {
        "تلتمية": 300,
        "ثلاثمية": 300,
        "ثلاثمائة": 300,
        "ثلاثمئة": 300,
        "اربعمية": 400,
        "أربعمائة": 400,
        "أربعمئة": 400,
        "خمسمية": 500,
        "خمسمائة": 500,
        "خمسمئة": 500,
        "ستمية": 600,
        "ستمائة": 600,
        "ستمئة": 600,
        "سبعمية": 700,
        "سبعمائة": 700,
        "سبعمئة": 700,
        "تمنمية": 800,
        "تمانمية": 800,
    }
)


def _fold(word: str) -> str:
    """One spelling for the Arabic letters a transcript writes either way (ث/ت, ة/ه, ى/ي, hamza on alif)."""
    return word.lower().translate(_FOLD)


_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ث": "ت", "ة": "ه", "ى": "ي", "ئ": "ي"})
_UNITS = {_fold(k): v for k, v in _UNITS.items()}
_HUNDREDS = {_fold(k): v for k, v in _HUNDREDS.items()}
_THOUSANDS = {_fold(k): v for k, v in _THOUSANDS.items()}
#: Words for "year" said before one in Arabic (folded spellings, with a fused preposition).
_YEAR_WORDS = frozenset({"سنه", "بسنه", "عام", "بعام", "العام", "السنه", "بالسنه", "بالعام"})
#: Hesitations a speaker puts inside a number ("zero seven uh five", "zéro six euh zéro six").
_FILLERS = frozenset({"uh", "um", "er", "erm", "euh", "heu", "bah", "يعني", "اه", "آه", "ايه", "امم", "هاا"})
#: Said between the parts of a reference number ("l c r slash two two one five").
_SEPARATORS = frozenset({"slash", "dash", "hyphen", "tiret", "barre", "شرطة", "سلاش"})
#: Words said inside a number that are no digit of it.
_NOT_DIGITS = _FILLERS | _SEPARATORS
#: Said before a phone number's country code.
_PLUS = frozenset({"plus", "زائد", "زايد"})
#: Arabic names of Latin letters, as an ID is spelled aloud ("اتش او ال" for HOL).
_AR_LETTERS = frozenset(
    "اي بي سي دي اف جي اتش اش اي جاي كي ال ام ان او بي كيو ار اس تي يو في دبليو اكس واي زد زي".split()
)
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
    w = _bare(_fold(word))
    if w.isdigit():
        return int(w)
    if w in _UNITS:
        return _UNITS[w]
    if w.startswith("و") and w[1:] in _UNITS:
        return _UNITS[w[1:]]
    return None


def _bare(w: str) -> str:
    """An Arabic number word without the preposition written onto it ("بألفين" in 2000, "بتسعة" on the 9th)."""
    for prefix in ("وبال", "بال", "فال", "وب", "ب", "ل"):
        rest = w[len(prefix) :]
        if w.startswith(prefix) and len(rest) > 2 and (rest in _UNITS or rest in _HUNDREDS or rest in _THOUSANDS):
            return rest
    return w


def _is_number_word(word: str) -> bool:
    w = _bare(_fold(word))
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
        for p in _bare(_fold(w)).split("-"):
            if p.startswith("و") and len(p) > 2 and p[1:] in {**_UNITS, **_HUNDREDS, **_THOUSANDS}:
                out.append(p[1:])
            elif p:
                out.append(p)
    return out


#: Hijri months and the words that mark a Hijri year: a number beside them may be a year of 1350–1460.
_HIJRI = frozenset(
    _fold(w)
    for w in "محرم صفر ربيع جمادى جمادي رجب شعبان رمضان شوال القعدة الحجة هـ هجري هجرية للهجرة muharram safar "
    "rajab shaaban shaban ramadan shawwal hijri hégire".split()
)


def _hijri_context(tokens: list[re.Match[str]], i: int, j: int) -> bool:
    near = [tokens[k].group() for k in (i - 2, i - 1, j, j + 1) if 0 <= k < len(tokens)]
    return any(_fold(w) in _HIJRI for w in near)


def _year(words: list[str], hijri: bool = False) -> int | None:
    """The year a run of number words says: "two thousand sixteen", "nineteen ninety eight",
    "mille neuf cent quatre-vingt-dix", "ألفين وسبعة عشر", or beside a Hijri month "الف واربعمية وتمنتعش";
    None when it is not a year."""
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
    if value is not None and hijri and 1350 <= value <= 1460:
        return value
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
    said = [w for w in words if _fold(w) not in _AND]
    values = [_cardinal(_parts([w])) for w in said]
    groups: list[str] = []
    i = 0
    while i < len(values):
        v = values[i]
        if v is None or v >= 1000:
            return None
        nxt = values[i + 1] if i + 1 < len(values) else None
        if v < 10 and nxt == 100 and _fold(said[i + 1]) in _HUNDREDS:  # "cinq cent douze"
            v, i = v * 100, i + 1
            nxt = values[i + 1] if i + 1 < len(values) else None
        if v >= 100 and v % 100 == 0 and nxt is not None and nxt < 100:
            v += nxt  # "cinq cent douze", "تسعمية وتلاتة …"
            i += 1
            nxt = values[i + 1] if i + 1 < len(values) else None
            if v % 10 and nxt is not None and nxt >= 20 and nxt % 10 == 0 and nxt < 100 and said[i + 1].startswith("و"):
                v += nxt  # "… وتلاتة وتلاتين": three and thirty
                i += 1
            groups.append(f"{v:03d}")
            i += 1
            continue
        if v >= 100:
            return None
        after = said[i + 2] if i + 2 < len(said) else ""
        if (
            v >= 20
            and v % 10 == 0
            and nxt is not None
            and (nxt < 10 or (v in (60, 80) and nxt < 20))
            and _fold(after) not in _HUNDREDS
        ):
            v += nxt  # "trente quatre", "soixante dix-huit"; not "quatre-vingt-dix | cinq cent …"
            i += 1
        elif v < 10 and nxt is not None and 20 <= nxt < 100 and nxt % 10 == 0 and said[i + 1].startswith("و"):
            v += nxt  # "تلاتة وتلاتين": Arabic says the unit first
            i += 1
        groups.append(str(v) if v < 10 else f"{v:02d}")
        i += 1
    digits = "".join(groups)
    return digits if len(groups) >= 4 and len(digits) >= 7 else None


def _number_runs(tokens: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of number words."""
    runs, i = [], 0
    while i < len(tokens):
        if _is_number_word(tokens[i].group()) and tokens[i].group().lower() not in _AND:
            j = i
            while j < len(tokens) and (
                _is_number_word(tokens[j].group())
                or (
                    _fold(tokens[j].group()) in _NOT_DIGITS
                    and j + 1 < len(tokens)
                    and _is_number_word(tokens[j + 1].group())
                    and _fold(tokens[j + 1].group()) not in _AND
                )
            ):
                j += 1
            while j > i and tokens[j - 1].group().lower() in _AND:
                j -= 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _spelled_letters(tokens: list[re.Match[str]], i: int) -> int:
    """How many letters spelled one by one come just before token `i` (two at least, or none)."""
    if i and _fold(tokens[i - 1].group()) in _SEPARATORS:  # "l c r slash two …"
        i -= 1
    k = i
    while k > 0:
        w = tokens[k - 1].group()
        if (len(w) == 1 and w.isalpha()) or w in _AR_LETTERS:
            k -= 1
        else:
            break
    return i - k if i - k >= 2 else 0


def _loose_digits(words: list[str], at_least: int = 5) -> str | None:
    """The digits of a reference said in parts ("two two one five slash zero zero eight"), five at least (two
    when spelled letters stand on both sides: a postcode)."""
    values = [_cardinal(_parts([w])) for w in words if _fold(w) not in _AND]
    if any(v is None or v >= 100 for v in values):
        return None
    digits = "".join(str(v) for v in values if v is not None)
    return digits if len(digits) >= at_least else None


def _letters_after(tokens: list[re.Match[str]], j: int) -> int:
    """How many letters (one or two) are spelled right after a number run ending before token `j`."""
    n = 0
    while j + n < len(tokens) and n < 2:
        w = tokens[j + n].group()
        if len(w) == 1 and w.isalpha() and w.lower() not in ("a", "i", "y", "à"):
            n += 1
        else:
            break
    return n


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
        if word in _AT_ONLY and i + 1 < len(toks) and toks[i + 1].group() not in (*_DOT, "_", *_AT):
            j = i + 1
            while j + 2 < len(toks) + 1 and j + 1 < len(toks) and toks[j + 1].group() in ("_", *_DOT, *_DASH):
                if j + 2 >= len(toks):
                    break
                j += 2
            runs.append(_run(text, toks, i, j + 1, Kind.HANDLE))
            i = j + 1
            continue
        if (word in _DOT or word in _DASH) and 0 < i < len(toks) - 1 and _after_platform(toks, i):
            k = _local_start(toks, i)
            j = i + 1
            while j + 2 < len(toks) and toks[j + 1].group() in ("_", *_DOT, *_DASH):
                j += 2
            while j + 1 < len(toks) and _spelled(toks[j].group()) and _spelled(toks[j + 1].group()):
                j += 1
            while j + 1 < len(toks) and _is_number_word(toks[j + 1].group()) and toks[j].group() not in _AND:
                j += 1  # digits said after the last part ("tiret trente et un")
            if toks[j].group() in _AND:
                j -= 1
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
    """Walk back from the "at" or first "underscore" over the spelled-out local part; a word said just before
    the digits that end it belongs to it ("moussa point sy soixante-dix-huit arobase …": moussa.sy78@…)."""
    k = i - 1
    # the digits that end it, said in several words ("moreau trente et un arobase"), and the word before them
    n = k
    while n > 0 and _is_number_word(toks[n].group()) and toks[n].group() not in _AT:
        n -= 1
    if n < k and toks[n].group().isalpha() and toks[n].group() not in _AT and not _is_number_word(toks[n].group()):
        k = n
    while k > 0:
        prev, cur = toks[k - 1].group(), toks[k].group()
        connectors = ("_", *_DOT, *_DASH)
        if prev in connectors or cur in connectors or (_spelled(prev) and _spelled(cur)):
            k -= 1
        else:
            break
    return k


#: Words for "@" that mean nothing else: a handle may start with them ("arobase sabre point de point allah").
_AT_ONLY = frozenset({"arobase", "arobas", "آت"})


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
        said = [t.group() for t in tokens[i:j]]
        words = [w for w in said if _fold(w) not in _NOT_DIGITS]
        separated = len(words) < len(said) and any(_fold(w) in _SEPARATORS for w in said)
        year = None if separated else _year(words, hijri=_hijri_context(tokens, i, j))
        if year is not None:
            if i and _fold(tokens[i - 1].group()) in _YEAR_WORDS:  # "سنة الفين وسبعتعش": the year said as a date
                start = tokens[i - 1].start()
            runs.append(Run(start, end, Kind.DATE, str(year)))
            continue
        letters = _spelled_letters(tokens, i)
        after = _letters_after(tokens, j) if letters or len(words) >= 4 else 0
        digits = _digit_groups(words) if len(words) >= 4 else None
        if digits is None and (letters or separated):
            digits = _loose_digits(words, at_least=2 if letters and after else 5)
        if digits is None:
            continue
        if after:  # "… nine zero d", "… nine q d": letters said after the digits end the reference
            end = tokens[j + after - 1].end()
        if letters:  # "h o l four dash zero …": the letters belong to the reference
            first = i - letters - (1 if _fold(tokens[i - 1].group()) in _SEPARATORS else 0)
            postcode = letters <= 2 and after == 2 and len(digits) <= 2  # "l u four nine q d": LU4 9QD
            runs.append(Run(tokens[first].start(), end, Kind.PLACE if postcode else Kind.ID, f"X{digits}"))
        elif separated:
            runs.append(Run(start, end, Kind.ID, digits))
        elif i and _fold(tokens[i - 1].group()) in _PLUS:  # "plus nine six three …"
            runs.append(Run(tokens[i - 1].start(), end, Kind.PHONE, f"+{digits}"))
        else:
            kind = Kind.PHONE if digits.startswith("0") or 8 <= len(digits) <= 13 else Kind.ID
            runs.append(Run(start, end, kind, digits))
    if not runs:
        return text, []
    chars = list(text)
    for r in runs:
        written = r.written[: r.end - r.start].ljust(r.end - r.start)
        chars[r.start : r.end] = list(written)
    return "".join(chars), sorted(runs, key=lambda r: r.start)
