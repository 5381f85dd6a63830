"""A Presidio recognizer driven by a list of regular expressions, one named group marking the mention.

Presidio's PatternRecognizer reports the whole match; ours reports the group `m` (and `m2`…), so a pattern
can require context ("known as …", "village of …") without hiding the context words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult

#: A capitalised word in Latin script (accents, apostrophes and inner hyphens allowed).
CAP = r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w’']*(?:-[\w’']+)*)"
#: Arabic article forms that join a Latin-script name ("al-Shami", "el-Hilal").
ART = r"(?:(?:al|el|ad|an|ar|as|ash|at|az|ed|es|et|ech|er|ul|Al|El)-)"
#: One Arabic-script word (letters, tatweel and Arabic-Indic digits).
ARW = r"[\u0621-\u064A\u0671-\u06D3\u0640]+"


@dataclass(frozen=True)
class Rule:
    """One pattern: the kind it finds, how sure it is, and the groups that hold the mention."""

    kind: str
    pattern: re.Pattern[str]
    score: float = 0.6
    groups: tuple[str, ...] = ("m",)
    #: A last check on the mention's text (a guard a pattern cannot say well: "not a stop word").
    keep: Callable[[str], bool] | None = None


def rule(
    kind: str,
    pattern: str,
    score: float = 0.6,
    flags: int = 0,
    groups: tuple[str, ...] = ("m",),
    keep: Callable[[str], bool] | None = None,
) -> Rule:
    """Compile a rule; patterns without a group `m` report the whole match."""
    compiled = re.compile(pattern, flags)
    if "m" not in compiled.groupindex:
        compiled = re.compile(f"(?P<m>{pattern})", flags)
    return Rule(kind, compiled, score, groups, keep)


class RuleRecognizer(EntityRecognizer):
    """Runs a fixed list of rules for one language."""

    def __init__(self, name: str, rules: Iterable[Rule], language: str) -> None:
        self.rules = list(rules)
        super().__init__(
            supported_entities=sorted({r.kind for r in self.rules}),
            name=name,
            supported_language=language,
        )

    def load(self) -> None:  # rules are compiled already
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for r in self.rules:
            if entities and r.kind not in entities:
                continue
            for match in r.pattern.finditer(text):
                for group in r.groups:
                    if group not in r.pattern.groupindex or match.group(group) is None:
                        continue
                    start, end = match.span(group)
                    if r.keep is not None and not r.keep(text[start:end]):
                        continue
                    if end > start:
                        results.append(RecognizerResult(r.kind, start, end, r.score))
        return results
