"""Cost of a codename log-in (Argon2id over the codename) with the parameters the product uses.

    .venv/bin/python bench/codename_cost.py
"""

from __future__ import annotations

import math
import statistics
import time

from safeconduct.crypto import codename

RUNS = 10


def main() -> None:
    salt = b"0123456789abcdef"
    text = codename.generate()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        codename.derive(text, salt)
        times.append(time.perf_counter() - began)
    bits = codename.WORDS * math.log2(len(codename.wordlist()))
    per = statistics.median(times)
    years = 2 ** (bits - 1) * per / (3600 * 24 * 365)
    print(f"Argon2id opslimit={codename.OPSLIMIT} memlimit={codename.MEMLIMIT // 2**20}MiB: "
          f"median {per * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {RUNS} runs; "
          f"codename entropy {bits:.1f} bits; expected guessing time on one core: {years:.1e} years")


if __name__ == "__main__":
    main()
