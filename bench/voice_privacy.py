"""Benchmark of voice anonymization: privacy against five attackers, word error rate, speed.

    PYTHONPATH=src .venv/bin/python bench/voice_privacy.py                       # all methods, full data
    PYTHONPATH=src .venv/bin/python bench/voice_privacy.py --methods disguise --per-speaker 4
    PYTHONPATH=src .venv/bin/python bench/voice_privacy.py --calibrate           # report thresholds
    PYTHONPATH=src .venv/bin/python bench/voice_privacy.py --methods disguise --option tracker=harvest

Data: any folder with one sub-folder per speaker; default ../shared/data/speech/librispeech-test-other
(LibriSpeech, CC BY 4.0). Prints a Markdown table for docs/benchmarks.md and writes JSON with --json.
Runs on one thread so that real-time factors mean "on one core".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rich.progress import track  # noqa: E402

from safeconduct.testimony.voice.evaluate import SCENARIOS, Evaluator, load_corpus, one_thread  # noqa: E402
from safeconduct.testimony.voice.method import method_names, parse_options  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "speech" / "librispeech-test-other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--methods", default=",".join(method_names()))
    parser.add_argument("--per-speaker", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-wer", action="store_true")
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="method option, e.g. tracker=harvest"
    )
    parser.add_argument("--calibrate", action="store_true", help="only the attacker's thresholds on originals")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    one_thread()
    corpus = load_corpus(args.data, args.per_speaker)
    evaluator = Evaluator(corpus, with_wer=not args.no_wer, progress=lambda it, label: track(it, label))
    if args.calibrate:
        print(json.dumps(evaluator.calibration(), indent=2))
        return
    options = parse_options(args.option)
    results, evaluations = [], []
    for method in args.methods.split(","):
        start = time.time()
        result = evaluator.evaluate(method, seed=args.seed, data=str(args.data), options=options)
        evaluations.append(result)
        results.append(result.to_dict() | {"wall_seconds": round(time.time() - start, 1)})
        print(json.dumps(results[-1]), flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\n{len(corpus)} recordings, {len({u.speaker for u in corpus})} speakers, seed {args.seed}\n")
    print("| method | " + " | ".join(f"EER {s}" for s in SCENARIOS) + " | WER vs original | WER vs text meant | RTF |")
    print("|---" * (len(SCENARIOS) + 4) + "|")
    for r in evaluations:
        eers = " | ".join(f"{100 * r.eer[s]:.1f} %" for s in SCENARIOS)
        wer = "—" if args.no_wer else f"{100 * r.wer:.1f} %"
        meant = "—" if r.wer_intended is None else f"{100 * r.wer_intended:.1f} %"
        print(f"| {r.method} | {eers} | {wer} | {meant} | {r.rtf:.3f} |")


if __name__ == "__main__":
    main()
