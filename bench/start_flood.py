"""Flood the server with conversation starts and wrong codenames; report its peak memory and whether the
holder of a real codename still gets in (audit findings 2 and 4).

    PYTHONPATH=$PWD/src .venv/bin/python bench/start_flood.py --starts 48 --parallel 16 --guesses 150

Each start and each codename log-in costs one Argon2id derivation of 64 MiB; the process-wide bound
(`argon2_concurrency`, 2 by default) is what keeps the peak memory flat however many arrive at once.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from _server import running_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=48)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--guesses", type=int, default=150)
    args = parser.parse_args()
    with running_server() as server, httpx.Client(base_url=server.url, timeout=600,
                                                  limits=httpx.Limits(max_connections=args.parallel + 4)) as client:
        start = client.get("/api/v1/contact/start-token").json()
        codename = client.post("/api/v1/contact/start", json={"start_token": start["start_token"]}).json()["codename"]
        rss_idle = server.peak_rss_mib()

        def one_start(_: int) -> int:
            token = client.get("/api/v1/contact/start-token").json()
            return client.post("/api/v1/contact/start", json={"start_token": token["start_token"]}).status_code

        def one_guess(n: int) -> int:
            return client.post("/api/v1/contact/session", json={"codename": f"wrong guess {n}"}).status_code

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            starts = list(pool.map(one_start, range(args.starts)))
            guesses = pool.map(one_guess, range(args.guesses))
            t0 = time.perf_counter()
            holder = client.post("/api/v1/contact/session", json={"codename": codename}).status_code
            holder_s = time.perf_counter() - t0
            guess_codes = list(guesses)
        elapsed = time.perf_counter() - began
        print(json.dumps({
            "starts": args.starts, "parallel": args.parallel, "start_codes": sorted(set(starts)),
            "guesses": args.guesses, "guess_codes": sorted(set(guess_codes)),
            "holder_status_during_flood": holder, "holder_seconds": round(holder_s, 2),
            "rss_idle_mib": round(rss_idle), "rss_peak_mib": round(server.peak_rss_mib()),
            "seconds": round(elapsed, 1),
        }, indent=2))


if __name__ == "__main__":
    main()
