"""Words a redaction must hide whatever the models say: a case's own list and the reviewers' additions.

`case_terms` turns what the case already knows ("PERSON", "Abu Hamza al-Shami"; "PLACE", "منبج") into every
spelling a testimony may use: with and without the article (al-/el-/ال), the kunya's other spellings
(Abu/Abou/Abū/أبو), and Arabic ↔ Latin transliterations. `find_terms` finds them in a text, whatever the
case, with Arabic prefixes attached (وبمنبج).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from safeconduct.testimony.text.model import Kind


@dataclass(frozen=True)
class Term:
    """One spelling to hide, and the kind its placeholder shows."""

    kind: Kind
    text: str


_KUNYA_LATIN = ("abu", "abou", "abū", "aboo", "abo")
_KUNYA_F = ("umm", "oum", "um", "om")
_ARTICLES_LATIN = ("al-", "el-", "al ", "el ", "ad-", "ash-", "as-", "at-", "az-", "an-", "ar-")
#: Latin letters and digraphs read for each Arabic letter (the usual spellings in testimonies).
_AR_TO_LATIN = {
    "ا": ["a", ""],
    "أ": ["a", ""],
    "إ": ["i", "e"],
    "آ": ["a"],
    "ب": ["b"],
    "ت": ["t"],
    "ث": ["th", "s"],
    "ج": ["j", "dj", "g"],
    "ح": ["h"],
    "خ": ["kh"],
    "د": ["d"],
    "ذ": ["dh", "z"],
    "ر": ["r"],
    "ز": ["z"],
    "س": ["s"],
    "ش": ["sh", "ch"],
    "ص": ["s"],
    "ض": ["d"],
    "ط": ["t"],
    "ظ": ["z", "dh"],
    "ع": ["", "a"],
    "غ": ["gh"],
    "ف": ["f"],
    "ق": ["q", "k"],
    "ك": ["k"],
    "ل": ["l"],
    "م": ["m"],
    "ن": ["n"],
    "ه": ["h", ""],
    "ة": ["a", "ah"],
    "و": ["w", "ou", "u", "o"],
    "ي": ["y", "i", "ee"],
    "ى": ["a"],
    "ئ": ["i"],
    "ؤ": ["u"],
    "ء": [""],
}
_LATIN_TO_AR = [
    ("kh", "خ"),
    ("sh", "ش"),
    ("ch", "ش"),
    ("th", "ث"),
    ("dh", "ذ"),
    ("gh", "غ"),
    ("dj", "ج"),
    ("ou", "و"),
    ("oo", "و"),
    ("ee", "ي"),
    ("ie", "ي"),
    ("aa", "ا"),
    ("a", "ا"),
    ("b", "ب"),
    ("t", "ت"),
    ("j", "ج"),
    ("h", "ح"),
    ("d", "د"),
    ("r", "ر"),
    ("z", "ز"),
    ("s", "س"),
    ("f", "ف"),
    ("q", "ق"),
    ("k", "ك"),
    ("c", "ك"),
    ("g", "ج"),
    ("l", "ل"),
    ("m", "م"),
    ("n", "ن"),
    ("w", "و"),
    ("u", "و"),
    ("o", "و"),
    ("y", "ي"),
    ("i", "ي"),
    ("e", ""),
    ("'", "ع"),
    ("v", "ف"),
    ("p", "ب"),
    ("x", "كس"),
]
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_MAX_SPELLINGS = 64


def _latin_variants(text: str) -> set[str]:
    """ "Abu Hamza al-Shami" → with Abou/Abū, with el-/without article, the name alone after the kunya."""
    words = text.split()
    out = {text}
    lowered = [w.lower() for w in words]
    if lowered and lowered[0] in _KUNYA_LATIN + _KUNYA_F:
        forms = _KUNYA_LATIN if lowered[0] in _KUNYA_LATIN else _KUNYA_F
        out |= {" ".join([f.capitalize(), *words[1:]]) for f in forms}
    for variant in list(out):
        for art in ("al-", "el-", "Al-", "El-"):
            if art in variant:
                out |= {variant.replace(art, other) for other in ("al-", "el-", "")}
    for variant in list(out):
        stripped = re.sub(r"\b(?:al|el|ad|ash|as|at|az|an|ar)[- ]", "", variant, flags=re.IGNORECASE)
        out.add(re.sub(r"\s+", " ", stripped).strip())
    return {v for v in out if v}


def _arabic_variants(text: str) -> set[str]:
    out = {text, text.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه")}
    for variant in list(out):
        out.add(re.sub(r"(?<!\S)ال", "", variant))
        out.add(re.sub(r"^(?:أبو|ابو)\s+", "أبو ", variant))
        out.add(re.sub(r"^(?:أبو|ابو)\s+", "ابو ", variant))
    return {v.strip() for v in out if len(v.strip()) >= 2}


def transliterate_to_latin(text: str) -> set[str]:
    """A few Latin spellings of an Arabic word or name (the common ones, not every possible one)."""
    spellings = {""}
    words = text.split()
    result: set[str] = set()
    for n, word in enumerate(words):
        article = word.startswith("ال") and len(word) > 3
        core = word[2:] if article else word
        if n == 0 and core in ("أبو", "ابو"):
            spellings = {f"{s} {k}".strip() for s in spellings for k in ("Abu", "Abou")}
            continue
        forms = {""}
        for i, ch in enumerate(core):
            options = _AR_TO_LATIN.get(ch, [""])
            if ch in "اأإآ" and i == 0:
                options = ["a", "i", "e"] if ch != "إ" else ["i", "e"]
            forms = {f + o for f in forms for o in options}
            if len(forms) > _MAX_SPELLINGS:
                forms = set(sorted(forms)[:_MAX_SPELLINGS])
        forms = {f for f in forms if len(f) >= 2}
        joined = {f.capitalize() for f in forms} | (
            {f"al-{f}" for f in forms} | {f"el-{f}" for f in forms} if article else set()
        )
        spellings = {f"{s} {j}".strip() for s in spellings for j in joined}
        if len(spellings) > _MAX_SPELLINGS * 4:
            spellings = set(sorted(spellings)[: _MAX_SPELLINGS * 4])
    result |= spellings
    return {r for r in result if r}


def transliterate_to_arabic(text: str) -> str:
    """The usual Arabic spelling of a transliterated name ("Shami" → "شامي", "al-Raqqa" → "الرقا")."""
    out = []
    for word in text.lower().split():
        if word in _KUNYA_LATIN:
            out.append("أبو")
            continue
        prefix = ""
        m = re.match(r"^(?:al|el|ad|ash|as|at|az|an|ar)-", word)
        if m:
            prefix, word = "ال", word[m.end() :]
        letters, i = [], 0
        while i < len(word):
            for latin, arabic in _LATIN_TO_AR:
                if word.startswith(latin, i):
                    if not (latin in ("a", "e", "i", "u", "o") and 0 < i < len(word) - 1 and latin != "a"):
                        letters.append(arabic)
                    elif latin in ("i", "u", "o"):
                        letters.append(arabic)
                    i += len(latin)
                    break
            else:
                i += 1
        core = "".join(letters)
        if core.startswith("ا") and len(core) > 1 and prefix == "":
            core = "أ" + core[1:]
        out.append(prefix + core)
    return " ".join(out)


def case_terms(entries: Iterable[tuple[Kind | str, str]]) -> list[Term]:
    """Every spelling of what a case records: `[(kind, text), …]` → terms for `redact_text(extra_terms=…)`.

    Latin names get their kunya and article variants, an Arabic spelling and its variants; Arabic names get
    their variants without the article and a few Latin spellings. A blank entry is an error.
    """
    terms: dict[tuple[Kind, str], Term] = {}
    for raw_kind, raw_text in entries:
        kind = Kind(str(raw_kind).upper())
        text = " ".join(str(raw_text).split())
        if not text:
            raise ValueError(f"empty {kind.value} in the case list")
        spellings: set[str] = set()
        if _ARABIC.search(text):
            spellings |= _arabic_variants(text)
            for arabic in list(spellings):
                spellings |= transliterate_to_latin(arabic)
        else:
            spellings |= _latin_variants(text)
            if kind in (Kind.PERSON, Kind.PLACE, Kind.UNIT, Kind.ORG):
                for latin in list(spellings):
                    spellings |= _arabic_variants(transliterate_to_arabic(latin))
        if kind is Kind.PERSON:  # each part of a full name is the person too ("Hamza" after "Abu Hamza")
            for spelling in list(spellings):
                parts = spelling.split()
                if len(parts) > 1:
                    spellings |= {
                        p for p in parts if len(p) >= 3 and p.lower() not in _KUNYA_LATIN + ("أبو", "ابو", "أم", "ام")
                    }
        for spelling in spellings:
            if len(spelling) >= 2:
                terms.setdefault((kind, spelling.casefold()), Term(kind, spelling))
    return sorted(terms.values(), key=lambda t: (t.kind.value, t.text))


_AR_PREFIX = r"(?:وب|فب|ول|فل|وك|و|ف|ب|ل|ك|لل)?"

#: Consonant classes shared by Arabic letters and their Latin spellings; vowels, و ي ا ع ء are dropped.
_AR_SKELETON = {
    "ب": "b",
    "ت": "t",
    "ط": "t",
    "ث": "s",
    "س": "s",
    "ص": "s",
    "ج": "j",
    "ح": "h",
    "ه": "h",
    "خ": "x",
    "د": "d",
    "ض": "d",
    "ذ": "d",
    "ز": "z",
    "ظ": "z",
    "ر": "r",
    "ش": "c",
    "غ": "g",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_LATIN_SKELETON = [
    ("kh", "x"),
    ("sh", "c"),
    ("ch", "c"),
    ("th", "s"),
    ("dh", "d"),
    ("gh", "g"),
    ("dj", "j"),
    ("ph", "f"),
    ("b", "b"),
    ("t", "t"),
    ("s", "s"),
    ("j", "j"),
    ("h", "h"),
    ("d", "d"),
    ("z", "z"),
    ("r", "r"),
    ("f", "f"),
    ("q", "k"),
    ("k", "k"),
    ("c", "k"),
    ("g", "g"),
    ("l", "l"),
    ("m", "m"),
    ("n", "n"),
    ("x", "ks"),
    ("p", "b"),
    ("v", "f"),
]
_SKELETON_KINDS = {Kind.PERSON, Kind.PLACE, Kind.UNIT, Kind.ORG}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LATIN_ARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|ed|es|et|er|ul)[-’']", re.IGNORECASE)


def skeleton(word: str) -> str:
    """The consonants of a name, in classes that Arabic and Latin spellings share ("al-Mayadeen" and
    "الميادين" → "mdn"); the article and doubled letters are dropped."""
    if _ARABIC.search(word):
        word = re.sub(r"^(?:ال)", "", word)
        out = [_AR_SKELETON.get(ch, "") for ch in word]
    else:
        word = _LATIN_ARTICLE.sub("", word.lower())
        out, i = [], 0
        while i < len(word):
            for latin, cls in _LATIN_SKELETON:
                if word.startswith(latin, i):
                    out.append(cls)
                    i += len(latin)
                    break
            else:
                i += 1  # vowels, w, y, apostrophes
    collapsed = [c for n, c in enumerate(out) if c and (n == 0 or c != out[n - 1])]
    return "".join(collapsed)


def _skeleton_hits(text: str, terms: list[Term]) -> list[tuple[Kind, int, int]]:
    """Spellings no variant list foresaw: the same consonants in the other script or another transliteration."""
    wanted: dict[tuple[str, ...], Kind] = {}
    for term in terms:
        if term.kind not in _SKELETON_KINDS:
            continue
        words = [w for w in _WORD.findall(term.text) if w.lower() not in _KUNYA_LATIN + ("أبو", "ابو", "أم", "ام")]
        keys = tuple(skeleton(w) for w in words)
        if keys and all(len(k) >= 2 for k in keys) and sum(len(k) for k in keys) >= 3:
            wanted.setdefault(keys, term.kind)
    if not wanted:
        return []
    sizes = {len(k) for k in wanted}
    tokens = list(_WORD.finditer(text))
    skeletons = [skeleton(t.group()) for t in tokens]
    hits = []
    for n in sizes:
        for i in range(len(tokens) - n + 1):
            kind = wanted.get(tuple(skeletons[i : i + n]))
            if kind is not None:
                hits.append((kind, tokens[i].start(), tokens[i + n - 1].end()))
    return hits


def find_terms(text: str, terms: Iterable[Term]) -> list[tuple[Kind, int, int]]:
    """Every occurrence of each term in `text`: any case; an Arabic term also with a fused prefix; a name,
    place, unit or employer also in any spelling with the same consonants (see `skeleton`)."""
    terms = list(terms)
    found = []
    for term in sorted(terms, key=lambda t: len(t.text), reverse=True):
        body = re.escape(term.text).replace(r"\ ", r"[\s-]+")
        if _ARABIC.search(term.text):
            if term.text.startswith("ال"):
                body = f"(?:{body}|{re.escape(term.text[1:])})"  # للرقة: li + al- with the alif dropped
            pattern = rf"(?<![\u0621-\u064A]){_AR_PREFIX}{body}(?![\u0621-\u064A])"
        else:
            pattern = rf"(?<![\w@.]){body}(?!\w)"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            found.append((term.kind, m.start(), m.end()))
    return sorted(set(found + _skeleton_hits(text, terms)), key=lambda hit: (hit[1], hit[2]))
