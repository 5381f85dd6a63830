"""Redaction quality on the labelled set in bench/data/redaction: entity-level recall and precision per kind.

An entity counts as protected only when every one of its mentions is hidden (every letter and digit of the
mention lies inside some finding, whatever kind the finding was given). A finding is correct when it
overlaps an annotated mention. The baseline is plain Presidio: its default recognizer registry and default
NER label mapping for the language, over the same installed spaCy pipelines (Presidio's stock default loads
en_core_web_lg, which is not installed and may not be downloaded). Its e-mail recognizer is given
tldextract's bundled suffix list so that it does not go to the network.

A `{{KEEP:…}}` mark is a word that must stay readable (a generic country, the group's name, a duration): the
keep-rate is the share of KEEP marks with no character inside any finding. Speed is given per 1,000 words with
the models loaded once (one warm-up passage is run before the clock starts).

    PYTHONPATH=src .venv/bin/python bench/redaction.py
        [--split dev|holdout|dev3|blind|blind2|…|blind11|all] [--language en|fr|ar]
        [--against-presidio] [--errors] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "redaction"
_HEADER = re.compile(r"^## (\S+) (\S+) (\S+)\s*$")
_MARK = re.compile(r"\{\{([A-Z]+)(?:#([\w-]+))?:(.+?)\}\}")
#: Splits written after the recognizers were frozen: run once, never tuned on, never folded into "all".
BLIND_SPLITS = tuple(["blind"] + [f"blind{n}" for n in range(2, 12)])
KINDS = ["PERSON", "PLACE", "UNIT", "ORG", "DATE", "PHONE", "EMAIL", "HANDLE", "ID", "NATIONALITY"]
#: Marks of words that must stay readable: not an entity, counted by the keep-rate.
KEEP = "KEEP"
LANGUAGES = ("en", "fr", "ar")


@dataclass
class Passage:
    pid: str
    language: str
    split: str
    text: str = ""
    # (kind, entity key, start, end)
    mentions: list[tuple[str, str, int, int]] = field(default_factory=list)
    # (start, end) of each word that must stay readable
    keeps: list[tuple[int, int]] = field(default_factory=list)


def parse(path: Path) -> list[Passage]:
    """Read one file of passages with inline {{KIND:text}} marks into plain text plus mention offsets."""
    passages: list[Passage] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        header = _HEADER.match(line)
        if header:
            pid, language, split = header.groups()
            passages.append(Passage(pid, language, split))
            continue
        if not line.strip() or not passages:
            continue
        p = passages[-1]
        if p.text:
            p.text += "\n"
        cursor = 0
        for m in _MARK.finditer(line):
            p.text += line[cursor : m.start()]
            kind, ref, surface = m.groups()
            if kind not in KINDS and kind != KEEP:
                raise ValueError(f"{path.name} {p.pid}: unknown kind {kind}")
            start = len(p.text)
            p.text += surface
            if kind == KEEP:
                p.keeps.append((start, len(p.text)))
            else:
                p.mentions.append((kind, ref or surface.casefold(), start, len(p.text)))
            cursor = m.end()
        p.text += line[cursor:]
    return passages


def load(split: str) -> list[Passage]:
    passages = [p for f in sorted(DATA.glob("*.txt")) for p in parse(f)]
    if split == "all":  # the blind sets are reported on their own (see docs/benchmarks.md)
        return [p for p in passages if p.split not in BLIND_SPLITS]
    return [p for p in passages if p.split == split]


def _hidden(text: str, start: int, end: int, covered: list[bool]) -> bool:
    return all(covered[i] for i in range(start, end) if text[i].isalnum())


#: Presidio's entity types, read as our kinds for the baseline.
PRESIDIO_KINDS = {
    "PERSON": "PERSON",
    "LOCATION": "PLACE",
    "ORGANIZATION": "UNIT",
    "NRP": "NATIONALITY",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "HANDLE",
}


def _plain_presidio(language: str):
    """Presidio's analyzer with its defaults, except the NLP engine (installed pipelines, no download)."""
    from types import SimpleNamespace

    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    from safeconduct.testimony.text.nlp import load_pipeline

    offline = tldextract.TLDExtract(suffix_list_urls=())  # the bundled snapshot: no network
    email_recognizer.tldextract = SimpleNamespace(extract=offline)  # type: ignore[assignment]
    engine = SpacyNlpEngine(models=[{"lang_code": language, "model_name": "preloaded"}])
    engine.nlp = {language: load_pipeline(language)}  # type: ignore[assignment]
    registry = RecognizerRegistry(supported_languages=[language])
    registry.load_predefined_recognizers(languages=[language], nlp_engine=engine)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[language])


_BASELINES: dict = {}


def baseline_findings(text: str, language: str) -> list:
    from types import SimpleNamespace

    if language not in _BASELINES:
        _BASELINES[language] = _plain_presidio(language)
    results = _BASELINES[language].analyze(text, language=language)
    return [
        SimpleNamespace(
            kind=PRESIDIO_KINDS.get(r.entity_type, "ID"), text=text[r.start : r.end], start=r.start, end=r.end
        )
        for r in results
    ]


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def evaluate(passages: list[Passage], domain: bool) -> dict:
    from safeconduct.testimony.text import redact_text

    recall: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [protected, total]
    by_language: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (lang, kind) -> ...
    precision: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [correct, total]
    kept = [0, 0]  # KEEP marks left readable, KEEP marks
    errors: list[str] = []
    for language in sorted({p.language for p in passages}):  # load the models before the clock starts
        sample = next(p.text for p in passages if p.language == language)
        redact_text(sample, language) if domain else baseline_findings(sample, language)
    started = time.perf_counter()
    for p in passages:
        if domain:
            findings = redact_text(p.text, p.language).findings
        else:
            findings = baseline_findings(p.text, p.language)
        covered = [False] * len(p.text)
        for f in findings:
            for i in range(f.start, f.end):
                covered[i] = True
        entities: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for kind, key, s, e in p.mentions:
            entities[(kind, key)].append((s, e))
        for (kind, _key), spans in entities.items():
            ok = all(_hidden(p.text, s, e, covered) for s, e in spans)
            recall[kind][0] += ok
            recall[kind][1] += 1
            by_language[(p.language, kind)][0] += ok
            by_language[(p.language, kind)][1] += 1
            if not ok:
                missed = [p.text[s:e] for s, e in spans if not _hidden(p.text, s, e, covered)]
                errors.append(f"MISS {p.pid} {kind}: {missed}")
        for s, e in p.keeps:
            readable = not any(covered[i] for i in range(s, e))
            kept[0] += readable
            kept[1] += 1
            if not readable:
                errors.append(f"KEEP {p.pid}: {p.text[s:e]!r} hidden")
        for f in findings:
            hit = any(s < f.end and f.start < e for _, _, s, e in p.mentions)
            precision[str(f.kind)][0] += hit
            precision[str(f.kind)][1] += 1
            if not hit:
                errors.append(f"FP   {p.pid} {f.kind}: {f.text!r}")
    seconds = time.perf_counter() - started

    def ratio(pair: list[int]) -> float | None:
        return round(pair[0] / pair[1], 3) if pair[1] else None

    def total(d: dict, kinds: list[str]) -> list[int]:
        return [sum(d[k][0] for k in kinds), sum(d[k][1] for k in kinds)]

    words = sum(_words(p.text) for p in passages)
    languages = {}
    for language in LANGUAGES:
        cells = {k: by_language[(language, k)] for k in KINDS if by_language[(language, k)][1]}
        if cells:
            languages[language] = {
                "recall": {k: {"value": ratio(v), "n": v[1]} for k, v in cells.items()},
                "recall_all": ratio(total(by_language, [(language, k) for k in KINDS])),  # type: ignore[list-item]
                "recall_person_place_unit": ratio(
                    total(by_language, [(language, k) for k in ("PERSON", "PLACE", "UNIT")])  # type: ignore[list-item]
                ),
            }
    return {
        "passages": len(passages),
        "words": words,
        "seconds_per_1000_words": round(seconds * 1000 / words, 2) if words else None,
        "keep_rate": ratio(kept),
        "keeps": kept[1],
        "by_language": languages,
        "entities": sum(v[1] for v in recall.values()),
        "mentions": sum(len(p.mentions) for p in passages),
        "seconds": round(seconds, 1),
        "recall": {k: {"value": ratio(recall[k]), "n": recall[k][1]} for k in KINDS if recall[k][1]},
        "precision": {k: {"value": ratio(precision[k]), "n": precision[k][1]} for k in KINDS if precision[k][1]},
        "recall_all": ratio(total(recall, KINDS)),
        "recall_person_place_unit": ratio(total(recall, ["PERSON", "PLACE", "UNIT"])),
        "precision_all": ratio(total(precision, KINDS)),
        "errors": errors,
    }


def language_table(ours: dict, base: dict | None) -> str:
    lines = [
        "| language | kind | entities | recall (ours) | recall (plain Presidio) |",
        "|---|---|---|---|---|",
    ]
    for language, figures in ours["by_language"].items():
        other = (base or {}).get("by_language", {}).get(language, {})
        for k, r in figures["recall"].items():
            b = other.get("recall", {}).get(k, {}).get("value", "")
            lines.append(f"| {language} | {k} | {r['n']} | {r['value']} | {b} |")
        lines.append(
            f"| {language} | people+places+units | | {figures['recall_person_place_unit']} | "
            f"{other.get('recall_person_place_unit', '')} |"
        )
        lines.append(f"| {language} | **all** | | {figures['recall_all']} | {other.get('recall_all', '')} |")
    return "\n".join(lines)


def table(ours: dict, base: dict | None) -> str:
    base = base or {
        "recall": {},
        "precision": {},
        "recall_all": "",
        "recall_person_place_unit": "",
        "precision_all": "",
    }
    lines = [
        "| kind | entities | recall (ours) | recall (plain Presidio) | findings (ours) | precision (ours) "
        "| precision (baseline) |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in KINDS:
        r, b = ours["recall"].get(k), base["recall"].get(k, {"value": 0.0})
        pr, pb = ours["precision"].get(k, {"value": None, "n": 0}), base["precision"].get(k, {"value": None})
        if r:
            lines.append(
                f"| {k} | {r['n']} | {r['value']} | {b['value']} | {pr['n']} | {pr['value']} | {pb['value']} |"
            )
    lines.append(
        f"| **all** | {ours['entities']} | {ours['recall_all']} | {base['recall_all']} | | "
        f"{ours['precision_all']} | {base['precision_all']} |"
    )
    lines.append(
        f"| people+places+units | | {ours['recall_person_place_unit']} | {base['recall_person_place_unit']} | | | |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["dev", "holdout", "dev3", "holdout3", *BLIND_SPLITS, "all"])
    parser.add_argument("--language", default=None, help="only passages in this language")
    parser.add_argument("--errors", action="store_true", help="print every miss, false alarm and hidden KEEP word")
    parser.add_argument("--against-presidio", action="store_true", help="also run plain Presidio on the same passages")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    passages = load(args.split)
    if args.language:
        passages = [p for p in passages if p.language == args.language]
    if not passages:
        print(f"no passages for split {args.split!r} in {DATA}", file=sys.stderr)
        return 1
    ours = evaluate(passages, True)
    base = evaluate(passages, False) if args.against_presidio else None
    print(
        f"{ours['passages']} passages, {ours['words']} words, {ours['entities']} entities, {ours['mentions']} "
        f"mentions, {ours['keeps']} KEEP words (split={args.split}); ours {ours['seconds']} s "
        f"({ours['seconds_per_1000_words']} s per 1,000 words, models loaded once)"
        + (f", plain Presidio {base['seconds']} s" if base else "")
    )
    print(table(ours, base))
    print(
        f"\nkeep-rate (ours): {ours['keep_rate']}"
        + (f"; plain Presidio: {base['keep_rate']}" if base else "")
        + f" ({ours['keeps']} KEEP marks)\n"
    )
    print(language_table(ours, base))
    if args.errors:
        print("\n".join(ours["errors"]))
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "baseline": base}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
