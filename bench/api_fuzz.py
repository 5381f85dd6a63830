"""Schemathesis over the whole JSON API, at length: no 5xx and no schema violation, on SQLite or PostgreSQL.

    .venv/bin/python bench/api_fuzz.py                      # 100 examples per operation and mode, SQLite
    .venv/bin/python bench/api_fuzz.py --postgres --examples 300 --seed 7
    .venv/bin/python bench/api_fuzz.py --only /vetting      # the operations whose "METHOD /path" contains it

The same harness as tests/web/test_api_fuzz.py (tests/fuzzing.py), with many more examples: each operation
is fuzzed with schema-conforming and with schema-violating data as a contact, a caseworker or an
administrator (whoever may call it), and once more on the real case for the case-work routes. Prints, per
operation, the statuses it got, then each failure with a curl line that reproduces it; exits 1 on any.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import Installation, make_installation, postgres_database  # noqa: E402
from tests.fuzzing import Identities, fuzz  # noqa: E402

from safeconduct.web.app import create_app  # noqa: E402


@contextlib.contextmanager
def installation(postgres: bool) -> Iterator[Installation]:
    with tempfile.TemporaryDirectory() as tmp:
        if not postgres:
            inst = make_installation(Path(tmp) / "data", None, "sqlite")
            yield inst
            inst.runtime.engine.dispose()
            return
        with postgres_database() as url:
            inst = make_installation(Path(tmp) / "data", url, "postgres")
            yield inst
            inst.runtime.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100, help="per operation and generation mode")
    parser.add_argument("--argon2-examples", type=int, default=5,
                        help="for the start and log-in routes (64 MiB and ~0.1 s of Argon2id each)")
    parser.add_argument("--seed", type=int, default=None, help="derandomize with this seed (default: random)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--only", default="", help='fuzz only operations whose "METHOD /path" contains this')
    args = parser.parse_args()

    with installation(args.postgres) as inst:
        started = time.perf_counter()
        report = fuzz(create_app(inst.runtime), Identities.create(inst), examples=args.examples,
                      argon2_examples=args.argon2_examples, seed=args.seed, only=lambda label: args.only in label)
        seconds = time.perf_counter() - started
    for operation, statuses in report.statuses.items():
        print(f"{operation:70} {dict(sorted(statuses.items()))}")
    for operation, failure in report.failures.items():
        print(f"\n=== {operation}\n{failure}")
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{report.operations} operations, {report.cases} requests in {seconds:.0f} s on {backend} "
          f"(seed {args.seed}): {len(report.failures)} operation(s) failing")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
