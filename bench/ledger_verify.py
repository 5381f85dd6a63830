"""Time `safeconduct verify` on a bundle of N events (default 10,000; target under 2 s).

    PYTHONPATH=src .venv/bin/python bench/ledger_verify.py --events 10000 --disclosed 2000 --out /tmp/b10k.zip
    time PYTHONPATH=src .venv/bin/python -c "from safeconduct.cli import app; app()" verify /tmp/b10k.zip \
        --expect-key FP   # FP: the pin the bench prints

The bundle is built on an in-memory SQLite database through the real service (append_events, export),
in a log that also holds other cases' events, so the Merkle proof has realistic depth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

import safeconduct.ledger.models  # noqa: F401
from safeconduct.ledger import service
from safeconduct.ledger.bundle import Disclosure
from safeconduct.ledger.commitments import commit
from safeconduct.ledger.verify import verify_bundle
from safeconduct.store.base import Base

CASE = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"


def build(events: int, disclosed: int, other: int) -> bytes:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    key, case_key = SigningKey(bytes(range(32))), bytes(32)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    disclosures = []
    with Session(engine) as db:
        batch: list[service.NewEvent] = []
        for i in range(events):
            text = f"Nachricht {i}: Ich plane meine Rückkehr. / رسالة {i}".encode()
            nonce, c = commit(text)
            if i < disclosed:
                disclosures.append(Disclosure(nonce, text))
            batch.append(service.NewEvent(CASE, "message_in", c, t0 + dt.timedelta(minutes=i), case_key))
            for j in range(other):
                batch.append(service.NewEvent(f"{j:032x}", "note", commit(b"n")[1], t0, case_key))
            if len(batch) >= 1000:
                service.append_events(db, batch, signing_key=key)
                batch = []
        service.append_events(db, batch, signing_key=key)
        db.commit()
        data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=key,
                                     disclosures=disclosures, now=t0 + dt.timedelta(days=400))
        db.commit()
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--disclosed", type=int, default=2_000)
    parser.add_argument("--other", type=int, default=3, help="other cases' events per event of this case")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    data = build(args.events, args.disclosed, args.other)
    print(f"built bundle: {args.events} events, {args.disclosed} disclosed, {len(data) / 1e6:.1f} MB "
          f"in {time.perf_counter() - start:.1f} s")
    if args.out:
        args.out.write_bytes(data)
    times, cpu = [], []
    for _ in range(args.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        report = verify_bundle(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    print(report.summary())
    print(f"pin for `safeconduct verify`: --expect-key {report.fingerprint}")
    print(f"verify_bundle: wall best {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s; "
          f"CPU median {sorted(cpu)[len(cpu) // 2]:.3f} s over {args.repeat} runs "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
