"""Append rate of ledger events (signed, chained, Merkle-logged), on PostgreSQL by default.

    PYTHONPATH=src .venv/bin/python bench/ledger_append.py --events 5000 --batch 1
    PYTHONPATH=src .venv/bin/python bench/ledger_append.py --events 20000 --batch 100

`--batch 1` calls append_event and commits every event on its own (one message = one transaction, the
worst case); `--batch N` calls append_events with N events per transaction (what a busy server does when
it queues events and appends them together; see docs/ledger.md). Each run
uses a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid

from nacl.signing import SigningKey
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import safeconduct.ledger.models  # noqa: F401
from safeconduct.ledger import service
from safeconduct.ledger.commitments import commit
from safeconduct.store.base import Base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()

    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(args.url)
    is_pg = args.url.startswith("postgresql")
    if is_pg:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(args.url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = admin
    tables = [t for name, t in Base.metadata.tables.items() if name.startswith("ledger_")]
    Base.metadata.create_all(engine, tables=tables)
    key, case_key = SigningKey.generate(), bytes(32)
    cases = [uuid.uuid4().hex for _ in range(args.cases)]
    commitments = [commit(f"message {i}".encode())[1] for i in range(args.events)]
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    try:
        with Session(engine) as db:
            start, cpu_start = time.perf_counter(), time.process_time()
            if args.batch == 1:  # one append_event per transaction, as one message is stored
                for i in range(args.events):
                    service.append_event(db, case_id=cases[i % len(cases)], kind="message_in",
                                         commitment=commitments[i], at=t0 + dt.timedelta(seconds=i),
                                         signing_key=key, case_key=case_key)
                    db.commit()
            else:  # append_events: one transaction per batch
                for b in range(0, args.events, args.batch):
                    batch = [service.NewEvent(cases[i % len(cases)], "message_in", commitments[i],
                                              t0 + dt.timedelta(seconds=i), case_key)
                             for i in range(b, min(b + args.batch, args.events))]
                    service.append_events(db, batch, signing_key=key)
                    db.commit()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(f"{args.events} events, batch {args.batch}, {args.cases} cases: {elapsed:.2f} s, "
              f"{args.events / elapsed:,.0f} events/s ({engine.dialect.name}); Python CPU {cpu:.2f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        engine.dispose()
        if is_pg:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
