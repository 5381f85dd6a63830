"""Message throughput of the contact API: N concurrent contacts posting for a fixed time.

    .venv/bin/python bench/contact_throughput.py --backend sqlite --contacts 20 --seconds 20
    .venv/bin/python bench/contact_throughput.py --backend postgres --contacts 20 --seconds 20

The server runs as `safeconduct serve` in its own process on loopback; the load comes from one asyncio
client process. Each message is encrypted, committed to the case ledger (hash chain, Ed25519 signature,
Merkle log) and stored in one transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time

import httpx
from _server import postgres_url, running_server


async def _run(url: str, contacts: int, seconds: float) -> dict[str, float]:
    limits = httpx.Limits(max_connections=contacts, max_keepalive_connections=contacts)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        # Log everyone in first (one Argon2id each), then measure posting only.
        latencies: list[float] = []
        errors: list[int] = []
        sessions = []
        for _ in range(contacts):
            start = {"start_token": (await client.get("/api/v1/contact/start-token")).json()["start_token"]}
            codename = (await client.post("/api/v1/contact/start", json=start)).json()["codename"]
            token = (await client.post("/api/v1/contact/session", json={"codename": codename})).json()["token"]
            sessions.append({"Authorization": f"Bearer {token}"})

        async def post_loop(headers: dict[str, str], until: float) -> None:
            n = 0
            while time.perf_counter() < until:
                t0 = time.perf_counter()
                r = await client.post("/api/v1/contact/messages", json={"text": f"message {n} " + "x" * 200},
                                      headers=headers)
                if r.status_code != 201:
                    errors.append(r.status_code)
                latencies.append(time.perf_counter() - t0)
                n += 1

        began = time.perf_counter()
        until = began + seconds
        await asyncio.gather(*(post_loop(h, until) for h in sessions))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "messages": len(latencies),
        "errors": len(errors),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    database = postgres_url() if args.backend == "postgres" else contextlib.nullcontext(None)
    with database as url, running_server(url, workers=args.workers) as server:
        result = asyncio.run(_run(server.url, args.contacts, args.seconds))
    print(f"backend={args.backend} workers={args.workers} contacts={args.contacts} seconds={args.seconds:.0f} "
          f"messages={result['messages']} errors={result['errors']} "
          f"rate={result['per_second']:.0f}/s p50={result['p50_ms']:.1f}ms p99={result['p99_ms']:.1f}ms")


if __name__ == "__main__":
    main()
