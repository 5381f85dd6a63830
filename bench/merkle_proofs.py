"""Merkle inclusion/consistency proof size and time against log size, up to 1,000,000 entries.

    PYTHONPATH=src .venv/bin/python bench/merkle_proofs.py --max 1000000
    PYTHONPATH=src .venv/bin/python bench/merkle_proofs.py --max 1000000 --postgres

In memory it uses the same stored-subtree layout as the database; with ``--postgres`` the perfect-subtree
hashes of the 1,000,000-leaf tree are loaded into ``ledger_merkle_nodes`` (COPY) in a scratch schema and
proofs are served by ``safeconduct.ledger.log`` exactly as in production (one indexed query per proof).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid

from safeconduct.ledger import merkle


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median microseconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    rng = random.Random(7)

    start = time.perf_counter()
    tree = merkle.MemoryTree()
    for i in range(args.max):
        tree.append_leaf(i.to_bytes(8, "big"))
    print(f"built {args.max:,}-leaf tree in memory in {time.perf_counter() - start:.1f} s")

    sizes = [s for s in (1_000, 10_000, 100_000, 1_000_000, 10_000_000) if s <= args.max]
    print("| log size | inclusion proof (hashes / bytes) | generate µs | verify µs | consistency proof "
          "(hashes / bytes) | generate µs | verify µs |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        root = tree.root(size)
        index = rng.randrange(size)
        proof = tree.inclusion_proof(index, size)
        leaf = merkle.leaf_hash(index.to_bytes(8, "big"))
        gen = timed(lambda: tree.inclusion_proof(rng.randrange(size), size), args.repeat)  # noqa: B023
        ver = timed(lambda: merkle.verify_inclusion(leaf, index, size, proof, root), args.repeat)  # noqa: B023
        old = rng.randrange(1, size)
        cproof = tree.consistency_proof(old, size)
        old_root = tree.root(old)
        cgen = timed(lambda: tree.consistency_proof(rng.randrange(1, size), size), args.repeat)  # noqa: B023
        cver = timed(lambda: merkle.verify_consistency(old, size, old_root, root, cproof), args.repeat)  # noqa: B023
        print(f"| {size:,} | {len(proof)} / {32 * len(proof)} | {gen:.0f} | {ver:.0f} | {len(cproof)} / "
              f"{32 * len(cproof)} | {cgen:.0f} | {cver:.0f} |")

    if args.postgres:
        postgres(tree, args.url, rng, args.repeat)


def postgres(tree: merkle.MemoryTree, url: str, rng: random.Random, repeat: int) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    import safeconduct.ledger.models  # noqa: F401
    from safeconduct.ledger import log
    from safeconduct.ledger.models import LogState
    from safeconduct.store.base import Base

    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine, tables=[t for n, t in Base.metadata.tables.items() if n.startswith("ledger_")])
        start = time.perf_counter()
        raw = engine.raw_connection()
        with raw.cursor() as cur, cur.copy("COPY ledger_merkle_nodes (level, index, hash) FROM STDIN") as copy:
            for level, hashes in enumerate(tree.levels):
                for index, h in enumerate(hashes):
                    copy.write_row((level, index, h))
        raw.commit()
        raw.close()
        with Session(engine) as db:
            db.add(LogState(id=1, tree_size=tree.size, frontier=tree.frontier.to_bytes()))
            db.commit()
            rows = sum(len(level) for level in tree.levels)
            print(f"\nPostgreSQL: loaded {rows:,} node rows in {time.perf_counter() - start:.1f} s")
            print("| log size | inclusion proof from PostgreSQL, median ms | consistency proof, median ms |")
            print("|---:|---:|---:|")
            for size in (1_000, 10_000, 100_000, 1_000_000):
                if size > tree.size:
                    continue
                proof_ms = timed(lambda: log.inclusion_proof(db, rng.randrange(size), size), repeat) / 1000  # noqa: B023
                cons_ms = timed(lambda: log.consistency_proof(db, rng.randrange(1, size), size), repeat) / 1000  # noqa: B023
                index = rng.randrange(size)
                assert log.inclusion_proof(db, index, size) == tree.inclusion_proof(index, size)
                print(f"| {size:,} | {proof_ms:.2f} | {cons_ms:.2f} |")
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
