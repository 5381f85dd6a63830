"""What `revoice` says: timed phrases whose identifying words are already replaced by spoken placeholders.

Revoice re-speaks a transcript with a stock voice. The words that identify someone must never be spoken,
and what replaces them must be the same numbered placeholder the redacted transcript shows ("[PERSON 1]"
everywhere the same person is named), said aloud in the testimony's language ("person one", "personne
un", "شخص رقم واحد") so that a listener hears that something was hidden and which mentions go together.

A script is built from timed words and the findings of one redaction of the whole text (character
offsets into the words joined by single spaces, as `pipeline.transcript.Transcript.text` and
`redact_text` use). The pipeline hands its reviewed findings; standalone revoice redacts its own
transcript once (`redacted_script`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

#: A pause longer than this (seconds) between two words starts a new phrase.
PHRASE_GAP = 0.35
#: A phrase this long (seconds) ends at the next word even without a pause, so fitting it to its span
#: never spreads one speaking rate over a long stretch of continuous speech.
MAX_PHRASE = 10.0


@dataclass(frozen=True)
class Phrase:
    """Words spoken without a long pause, and where they lie in the recording (seconds)."""

    text: str
    start: float
    end: float


class TimedText(Protocol):
    """A word with its time span: `transcribe.Word` and `pipeline.transcript.TimedWord` both fit."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...


class Replacement(Protocol):
    """A character range of the joined text and its placeholder: `text.Finding` fits."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def placeholder(self) -> str: ...


#: How each kind of placeholder is said, per language (the labels of `text.Kind`).
KIND_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "PERSON": "person",
        "PLACE": "place",
        "UNIT": "unit",
        "DATE": "date",
        "PHONE": "phone number",
        "EMAIL": "email address",
        "HANDLE": "account name",
        "ID": "identity number",
        "NATIONALITY": "nationality",
    },
    "fr": {
        "PERSON": "personne",
        "PLACE": "lieu",
        "UNIT": "unité",
        "DATE": "date",
        "PHONE": "numéro de téléphone",
        "EMAIL": "adresse e-mail",
        "HANDLE": "nom de compte",
        "ID": "numéro d'identité",
        "NATIONALITY": "nationalité",
    },
    "ar": {
        "PERSON": "شخص",
        "PLACE": "مكان",
        "UNIT": "وحدة",
        "DATE": "تاريخ",
        "PHONE": "هاتف",
        "EMAIL": "بريد إلكتروني",
        "HANDLE": "حساب",
        "ID": "هوية",
        "NATIONALITY": "جنسية",
    },
}
NUMBER_WORDS: dict[str, list[str]] = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "dix-sept dix-huit dix-neuf vingt".split(),
    "ar": "صفر واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة".split()
    + ["أحد عشر", "اثنا عشر", "ثلاثة عشر", "أربعة عشر", "خمسة عشر", "ستة عشر", "سبعة عشر", "ثمانية عشر"]
    + ["تسعة عشر", "عشرون"],
}
#: Between the kind and its number: Arabic says "person number one" (a bare cardinal would read "one person").
JOINER = {"en": " ", "fr": " ", "ar": " رقم "}
PLACEHOLDER = re.compile(r"\[([A-Z]+) (\d+)\]")


def spoken_placeholder(placeholder: str, language: str) -> str:
    """'[PERSON 1]' as words in `language` ('person one'); numbers past twenty stay digits, which every
    text-to-speech voice reads in its own language. Unknown languages are read in English."""
    m = PLACEHOLDER.fullmatch(placeholder.strip())
    lang = language if language in KIND_WORDS else "en"
    if not m:
        return placeholder.strip("[] ").lower()
    kind, n = m.group(1), int(m.group(2))
    numbers = NUMBER_WORDS[lang]
    return KIND_WORDS[lang].get(kind, kind.lower()) + JOINER[lang] + (numbers[n] if n < len(numbers) else str(n))


def speakable(text: str, language: str) -> str:
    """`text` with every placeholder in it said in words (for text redacted elsewhere)."""
    return PLACEHOLDER.sub(lambda m: spoken_placeholder(m.group(), language), text)


def build_script(
    words: Sequence[TimedText],
    findings: Sequence[Replacement],
    language: str,
    gap: float = PHRASE_GAP,
) -> list[Phrase]:
    """Group `words` into phrases at pauses longer than `gap`, each finding said as its placeholder.

    `findings` are character ranges of the words joined by single spaces. A finding's words are replaced
    by its spoken placeholder once, in the phrase where it starts, at the time of its first word; its
    other words are dropped even when a pause falls inside it, so no part of it is ever spoken.
    """
    offsets, cursor = [], 0
    for w in words:
        offsets.append((cursor, cursor + len(w.text)))
        cursor += len(w.text) + 1
    ordered = sorted(findings, key=lambda f: f.start)
    phrases: list[Phrase] = []
    current: list[str] = []
    span: list[float] = []
    said: set[int] = set()
    last_end = 0.0
    for w, (a, b) in zip(words, offsets, strict=True):
        if current and (w.start - last_end > gap or w.start - span[0] > MAX_PHRASE):
            phrases.append(Phrase(" ".join(current), span[0], span[1]))
            current, span = [], []
        hit = [i for i, f in enumerate(ordered) if f.start < b and a < f.end]
        token = w.text
        if hit:
            token = _replace(w.text, a, [(i, ordered[i]) for i in hit], said, language)
        last_end = w.end
        if current:  # the phrase lasts to this word even when nothing of it is left to say
            span[1] = w.end
        if not token:
            continue
        if current and not any(c.isalnum() for c in token):  # the "." left after a replaced last word
            current[-1] += token
            continue
        current.append(token)
        span = [span[0] if span else w.start, w.end]
    if current:
        phrases.append(Phrase(" ".join(current), span[0], span[1]))
    return phrases


def _replace(word: str, at: int, hits: list[tuple[int, Replacement]], said: set[int], language: str) -> str:
    """The word with the parts that findings cover replaced (placeholder said only at a finding's first word)."""
    out, cursor = [], 0
    for i, f in hits:
        s, e = max(f.start - at, 0), min(f.end - at, len(word))
        out.append(word[cursor:s])
        if i not in said:
            said.add(i)
            out.append(spoken_placeholder(f.placeholder, language))
        cursor = max(cursor, e)
    out.append(word[cursor:])
    return "".join(out).strip()


def redacted_script(words: Sequence[TimedText], language: str, gap: float = PHRASE_GAP) -> tuple[list[Phrase], bool]:
    """Redact the whole transcript once (one numbering for the recording) and build its script.

    Returns the script and whether redaction ran. Fails closed: a redaction that raises stops revoice
    rather than let it speak names. When the text pipeline is not installed the words are spoken as
    recognised, and the caller says so in the privacy report.
    """
    from safeconduct.testimony.voice.revoice import RevoiceError

    try:
        from safeconduct.testimony.text import redact_text
    except ImportError:
        return build_script(words, [], language, gap), False
    text = " ".join(w.text for w in words)
    try:
        findings = redact_text(text, language).findings if text.strip() else []
    except Exception as exc:  # fail closed: never re-speak a transcript whose redaction failed
        raise RevoiceError(f"text redaction failed ({type(exc).__name__}: {exc})") from exc
    return build_script(words, findings, language, gap), True
