"""`redact_text`: find the identifying details of a text and replace each entity by a numbered placeholder."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from safeconduct.testimony.text import arabizi
from safeconduct.testimony.text.arabic import back_on_marked, split_clitics, strip_marks, widen, without_marks
from safeconduct.testimony.text.errors import RedactionError
from safeconduct.testimony.text.keep import keep_generic
from safeconduct.testimony.text.language import detect_language
from safeconduct.testimony.text.model import Finding, Kind, RedactionResult
from safeconduct.testimony.text.nlp import load_pipeline
from safeconduct.testimony.text.placeholders import (
    Span,
    attach_articles,
    clean,
    extend_names,
    join_dates,
    merge,
    number,
    propagate,
)
from safeconduct.testimony.text.recognizers.lexicon import CHAT_WORDS
from safeconduct.testimony.text.spoken import Run, normalise
from safeconduct.testimony.text.terms import Term, find_terms
from safeconduct.testimony.text.truecase import truecase, unknown_words
from safeconduct.testimony.text.vocabulary import known_words

#: Arabic-Indic digits read as ASCII digits for matching (one character for one, so offsets stay true).
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: A Latin-script word inside Arabic text: most often a name, a brand or an address.
#: An initial may follow it ("Ahmed K.").
_LATIN_WORD = re.compile(
    r"(?<![A-Za-zÀ-ÿ0-9_@.])[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]+(?:\s[A-Z]\.)?(?![A-Za-zÀ-ÿ0-9_@])"
)
#: Detections below this score are ignored; ours start at 0.4, spaCy's NER reports 0.85.
MIN_SCORE = 0.35
#: A word that is in no word list and that no detector claimed: hidden, at the lowest score.
UNKNOWN_WORD_SCORE = 0.4


def redact_text(
    text: str,
    language: str = "auto",
    *,
    ner_model: str | None = None,
    domain: bool = True,
    min_score: float = MIN_SCORE,
    extra_terms: Iterable[Term] = (),
    rejected: Iterable[str] = (),
) -> RedactionResult:
    """Find names, places, units, dates, contacts, document numbers and peoples in `text` and hide them.

    `language` is `en`, `fr`, `ar` or `auto`; `ner_model` is a path to any spaCy pipeline (another language,
    a larger model). `domain=False` runs Presidio with the NER alone (the benchmark's baseline).
    `extra_terms` (see `case_terms` and the reviewers' list) are hidden wherever they occur, whatever the
    models say; a finding whose text is one of `rejected` (a reviewer's rejected false alarm, compared
    without case) is left readable, unless it is also an extra term.
    Raises UnsupportedLanguageError when no pipeline covers the language.
    """
    if not isinstance(text, str):
        raise RedactionError(f"expected text (str), got {type(text).__name__}")
    lang = detect_language(text) if language == "auto" else language.lower()
    unmarked = without_marks(text) if domain else None
    if unmarked is not None:
        bare, where = unmarked
        inner = redact_text(
            bare, lang, ner_model=ner_model, min_score=min_score, extra_terms=extra_terms, rejected=rejected
        )
        moved = []
        for f in inner.findings:
            start, end = back_on_marked(text, where, f.start, f.end)
            moved.append(dataclasses.replace(f, start=start, end=end, text=text[start:end]))
        return RedactionResult(replace_spans(text, moved), moved, inner.language)
    if not text.strip():
        return RedactionResult(text, [], lang)
    from safeconduct.testimony.text.engine import analyzer

    engine = analyzer(lang, ner_model, domain)
    analysis_text = text.translate(_DIGITS)
    known: frozenset[str] = frozenset()
    runs: list[Run] = []
    if domain:  # spoken forms written out, fused Arabic prefixes split, lower-case names capitalised
        analysis_text, runs = normalise(analysis_text)
        if lang == "ar":
            analysis_text = split_clitics(strip_marks(analysis_text))
        pipeline = load_pipeline(lang, ner_model)
        known = known_words(lang, pipeline)
        analysis_text = truecase(analysis_text, lang, pipeline)
    results = engine.analyze(analysis_text, language=lang, score_threshold=min_score)
    spans = [
        Span(Kind(r.entity_type), r.start, r.end, r.score, (r.recognition_metadata or {}).get("recognizer_name", ""))
        for r in results
        if r.entity_type in Kind.__members__
    ]
    if domain:
        spans = _widen(spans, text, runs, lang)
        taken = [(s.start, s.end) for s in spans]
        # a word no detector claimed but that no word list knows either is taken for a name
        for start, end in unknown_words(text, analysis_text, lang, known):
            if not any(s < end and start < e for s, e in taken):
                spans.append(Span(Kind.PERSON, start, end, UNKNOWN_WORD_SCORE, "UnknownWordRecognizer"))
    spans = clean(spans, text, analysis_text)
    if domain:
        spans = extend_names(propagate(spans, text, lang, known), text, lang, known)
    spans = merge(spans)
    if domain:
        spans = join_dates(attach_articles(keep_generic(spans, text), text), text)
    refused = {" ".join(w.split()).casefold() for w in rejected}
    if refused:
        spans = [s for s in spans if " ".join(text[s.start : s.end].split()).casefold() not in refused]
    forced = [Span(kind, start, end, 1.0, "ListedTerm") for kind, start, end in find_terms(text, extra_terms)]
    if forced:
        spans = merge(spans + forced)
    findings = number(spans, text)
    return RedactionResult(replace_spans(text, findings), findings, lang)


def _widen(spans: list[Span], text: str, runs: list[Run], language: str) -> list[Span]:
    """Findings cover whole spoken runs and whole Arabic words; spoken contacts and years are findings even
    if no detector saw their written form; a Latin-script word inside Arabic text is taken for a name."""
    out = list(spans)
    for run in runs:
        out.append(Span(run.kind, run.start, run.end, 0.8, "SpokenFormRecognizer"))
    for s in out:
        for run in runs:
            if s.start < run.end and run.start < s.end:
                s.start, s.end = min(s.start, run.start), max(s.end, run.end)
        if language == "ar":
            s.start, s.end = widen(text, s.start, s.end)
    arabic_letters = len(re.findall(r"[\u0621-\u064A]", text))
    latin_letters = len(re.findall(r"[A-Za-zÀ-ÿ]", text))
    if language == "ar" and arabic_letters > latin_letters:  # a Latin-script word inside Arabic text
        for m in _LATIN_WORD.finditer(text):
            if m.group().lower() in CHAT_WORDS:
                continue
            if not any(s.start < m.end() and m.start() < s.end for s in out):
                out.append(Span(Kind.PERSON, m.start(), m.end(), UNKNOWN_WORD_SCORE, "LatinInArabicRecognizer"))
    elif language == "ar" and latin_letters:  # Arabic written in Latin letters (Arabizi): no Arabic rule reads it
        for start, end in arabizi.date_spans(text):
            touching = [s for s in out if s.start < end and start < s.end]
            if all(s.kind in (Kind.PERSON, Kind.DATE) for s in touching):  # a date read as a name, or in part
                out = [s for s in out if s not in touching]
                start, end = min([start, *(s.start for s in touching)]), max([end, *(s.end for s in touching)])
                out.append(Span(Kind.DATE, start, end, 0.8, "ArabiziRecognizer"))
        for kind, start, end in arabizi.headed_spans(text):
            out = [s for s in out if not (start <= s.start and s.end <= end)]
            out.append(Span(Kind(kind), start, end, 0.6, "ArabiziRecognizer"))
        for start, end in _arabizi_names(text):
            if not any(s.start < end and start < s.end for s in out):
                out.append(Span(Kind.PERSON, start, end, UNKNOWN_WORD_SCORE, "ArabiziRecognizer"))
    return out


#: A word of an Arabizi chat: Latin letters, with the digits that write ع ح خ ق ء (3 7 5 9 2) anywhere in it.
_ARABIZI_WORD = re.compile(r"(?<![\w@.])(?=[\w'’-]*[A-Za-zÀ-ÿ])[A-Za-zÀ-ÿ0-9][A-Za-zÀ-ÿ0-9'’-]*[A-Za-zÀ-ÿ0-9](?![\w@])")


@lru_cache(maxsize=1)
def _arabizi_known() -> frozenset[str]:
    """The words an Arabizi chat shares with English, French and chat spelling (built once per process)."""
    from safeconduct.testimony.text.keep import FILLERS
    from safeconduct.testimony.text.vocabulary import everyday_words

    return everyday_words("en") | everyday_words("fr") | CHAT_WORDS | FILLERS


#: The word before a name that makes it a kunya ("abu fadi", "oum Walid").
_KUNYA_BEFORE = re.compile(r"(?i)(?<![\w@])(?:abu|abou|abo|bou|bu|umm|um|om|oum|im|imm)[ \t]+$")


def _arabizi_names(text: str) -> list[tuple[int, int]]:
    """Words of an Arabizi chat that read as a name, or as nothing at all (most are names and places): a
    word that reads as everyday Arabic ("mar7aba", "5alti", "3end") stays, unless it is capitalised inside a
    sentence and also a given name ("3end 5alti Saba7")."""
    from safeconduct.testimony.text.keep import is_generic_word

    known = _arabizi_known()
    found = []
    for m in _ARABIZI_WORD.finditer(text):
        word = m.group()
        if len(word) < 3:
            continue
        before = text[: m.start()].rstrip()
        capital_name = word[0].isupper() and bool(before) and before[-1] not in ".!?:/\n"
        capital_name = capital_name and arabizi.is_given_name(word)
        sender = word[0].isupper() and (not before or before[-1] in "/\n") and text.startswith(":", m.end())
        if sender and word.lower() not in known:
            capital_name = True  # a chat's sender label ("Hayat: …"): a name even when it is also a word
        kunya = _KUNYA_BEFORE.search(text, 0, m.start())
        if not (capital_name or kunya) and (
            word.lower() in known or is_generic_word(word.lower()) or arabizi.classify(word) is arabizi.Reading.WORD
        ):
            continue
        nisba = _NISBA_AFTER.match(text, m.end())
        found.append((kunya.start() if kunya else m.start(), nisba.end() if nisba else m.end()))
    return found


#: A family name by origin right after a name ("abu 7abib el-masri", "Karim el Halabi").
_NISBA_AFTER = re.compile(r"[ \t]+(?:el|al)[- ]?[A-Za-z0-9']{2,}(?:i|y|ie|iyy?e)(?![\w@])", re.I)


def replace_spans(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding's span by its placeholder (findings must not overlap)."""
    out, cursor = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < cursor:
            raise RedactionError(f"overlapping findings at {f.start}: {f.text!r}")
        out.append(text[cursor : f.start])
        out.append(f.placeholder)
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)
