"""Passport, identity card and registration numbers: codes with digits, or long numbers near a document word."""

from __future__ import annotations

from safeconduct.testimony.text.recognizers.base import Rule, rule

_CONTEXT = (
    r"passport|passeport|ID|identity|identité|card|carte|registration|enregistrement|licen[cs]e|permis|"
    r"matricule|serial|family book|livret|جواز|هوي|بطاقة|سجل|قيد|دفتر"
)
_DIGITS = r"[0-9٠-٩]"


def document_rules() -> list[Rule]:
    """Codes with letters and digits ("A04519873", "DDR-IT-004417") and long numbers after a document word."""
    return [
        rule("ID", r"\b(?=[A-Z0-9-]*\d[A-Z0-9-]*\d[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z-])[A-Z0-9]+(?:-[A-Z0-9]+)*\b", 0.7),
        rule("ID", rf"(?:{_CONTEXT})[^.\n]{{0,60}}?(?<![\d+])(?P<m>{_DIGITS}{{6,}})(?!\d)", 0.85),
        rule("ID", rf"(?<![\d+\s])(?P<m>{_DIGITS}{{6,}})(?![\d])", 0.5),
        # Nine digits or more in one run, said with no cue word: a national or civil-registry number.
        rule("ID", rf"(?<![\d+])(?P<m>{_DIGITS}{{9,}})(?![\d])", 0.45),
        # A residence permit's letters, a space and its number ("AT-RP 5521-0973"); an Arabic file number with
        # its register letter between slashes ("٤٤١/ج/٢٠٢٢").
        rule("ID", r"\b[A-Z]{1,4}(?:-[A-Z]{1,4})+\s\d{3,}(?:[-/]\d{2,})*\b", 0.7),
        rule("ID", rf"(?<![0-9٠-٩/]){_DIGITS}{{1,6}}/[\u0621-\u064A]{{1,3}}/{_DIGITS}{{2,4}}(?![0-9٠-٩])", 0.7),
        # A number written in groups after a document word or "number" ("SD 0448 2917", "n° 12 445 908").
        rule(
            "ID",
            rf"(?i:{_CONTEXT}|number|numéro|num[ée]ro|n°|no\.)[^.\n]{{0,30}}?(?<![\w+])"
            rf"(?P<m>(?:[A-Z]{{1,3}}[\s-]?)?{_DIGITS}{{2,5}}(?:[\s-]{_DIGITS}{{2,5}}){{1,4}})(?![\w])",
            0.6,
            keep=lambda m: sum(c.isdigit() for c in m) >= 7,
        ),
    ]
