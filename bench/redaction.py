"""Redaction quality on the labelled set in bench/data/redaction: entity-level recall and precision per kind.

An entity counts as protected only when every one of its mentions is hidden (every letter and digit of the
mention lies inside some finding, whatever kind the finding was given). A finding is correct when it
overlaps an annotated mention. The baseline is plain Presidio: its default recognizer registry and default
NER label mapping for the language, over the same installed spaCy pipelines (Presidio's stock default loads
en_core_web_lg, which is not installed and may not be downloaded). Its e-mail recognizer is given
tldextract's bundled suffix list so that it does not go to the network.

    PYTHONPATH=src .venv/bin/python bench/redaction.py [--split dev|holdout|blind|blind2|all] [--errors] [--json OUT]
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
BLIND_SPLITS = ("blind", "blind2")
KINDS = ["PERSON", "PLACE", "UNIT", "DATE", "PHONE", "EMAIL", "HANDLE", "ID", "NATIONALITY"]


@dataclass
class Passage:
    pid: str
    language: str
    split: str
    text: str = ""
    # (kind, entity key, start, end)
    mentions: list[tuple[str, str, int, int]] = field(default_factory=list)


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
            if kind not in KINDS:
                raise ValueError(f"{path.name} {p.pid}: unknown kind {kind}")
            start = len(p.text)
            p.text += surface
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


def evaluate(passages: list[Passage], domain: bool) -> dict:
    from safeconduct.testimony.text import redact_text

    recall: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [protected, total]
    precision: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [correct, total]
    errors: list[str] = []
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
            if not ok:
                missed = [p.text[s:e] for s, e in spans if not _hidden(p.text, s, e, covered)]
                errors.append(f"MISS {p.pid} {kind}: {missed}")
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

    return {
        "passages": len(passages),
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


def table(ours: dict, base: dict) -> str:
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
    parser.add_argument("--split", default="all", choices=["dev", "holdout", *BLIND_SPLITS, "all"])
    parser.add_argument("--language", default=None, help="only passages in this language")
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    passages = load(args.split)
    if args.language:
        passages = [p for p in passages if p.language == args.language]
    ours, base = evaluate(passages, True), evaluate(passages, False)
    print(
        f"{ours['passages']} passages, {ours['entities']} entities, {ours['mentions']} mentions "
        f"(split={args.split}); ours {ours['seconds']} s, baseline {base['seconds']} s"
    )
    print(table(ours, base))
    if args.errors:
        print("\n".join(ours["errors"]))
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "baseline": base}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
