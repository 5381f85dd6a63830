"""The ledger on PostgreSQL: same results, and concurrent appenders serialise on the log lock."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator

import pytest
from nacl.signing import SigningKey
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import safeconduct.ledger.models  # noqa: F401
from safeconduct.ledger import chain, log, merkle, service
from safeconduct.ledger.commitments import commit
from safeconduct.ledger.verify import verify_bundle
from safeconduct.store.base import Base
from tests.ledger.helpers import CASE, make_case
from tests.support import require

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[Engine]:
    schema = "ledger_test_" + uuid.uuid4().hex[:8]
    try:
        admin = create_engine(URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        require(False, f"PostgreSQL not reachable at {URL}: {exc}")
    engine = create_engine(URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=8)
    tables = [t for name, t in Base.metadata.tables.items() if name.startswith("ledger_")]
    Base.metadata.create_all(engine, tables=tables)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_append_export_and_verify_on_postgresql(pg: Engine, org_key: SigningKey, case_key: bytes) -> None:
    with Session(pg) as db:
        disclosures = make_case(db, org_key, case_key, n=5)
        data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                                     disclosures=disclosures[:3], now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
        db.commit()
        assert service.check_case_chain(db, CASE, org_key.verify_key) == 5
    assert verify_bundle(data).summary().startswith("5 events, 3 disclosed, chain intact")


def test_concurrent_appenders_build_one_consistent_log(pg: Engine, org_key: SigningKey, case_key: bytes) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                with Session(pg) as db:
                    service.append_event(db, case_id=f"{n:02x}" * 16, kind="message_in", commitment=commit(b"x")[1],
                                         at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i),
                                         signing_key=org_key, case_key=case_key)
                    db.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(pg) as db:
        assert log.current_size(db) == 60
        reference = merkle.MemoryTree()
        rows = db.scalars(text("SELECT entry_hash FROM ledger_entries ORDER BY leaf_index")).all()
        for h in rows:
            reference.append_leaf(chain.head_message(bytes(h)))
        assert log.root_at(db, 60) == reference.root()
        for n in range(4):
            assert service.check_case_chain(db, f"{n:02x}" * 16, org_key.verify_key) == 15


def test_bulk_append_uses_copy_and_gives_the_same_chains_and_tree(pg: Engine, org_key: SigningKey,
                                                                 case_key: bytes) -> None:
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    batch = [service.NewEvent(f"{i % 3:02x}" * 16, "message_in", commit(b"m%d" % i)[1], t0, case_key)
             for i in range(150)]
    with Session(pg) as db:
        service.append_event(db, case_id="00" * 16, kind="note", commitment=commit(b"first")[1], at=t0,
                             signing_key=org_key, case_key=case_key)
        appended = service.append_events(db, batch, signing_key=org_key)
        db.commit()
        assert [a.leaf_index for a in appended] == list(range(1, 151))
        assert appended[0].seq == 1 and appended[1].seq == 0
        reference = merkle.MemoryTree()
        for h in db.scalars(text("SELECT entry_hash FROM ledger_entries ORDER BY leaf_index")).all():
            reference.append_leaf(chain.head_message(bytes(h)))
        assert log.root_at(db, 151) == reference.root()
        assert service.check_case_chain(db, "00" * 16, org_key.verify_key) == 51
        events = service.open_events(service.case_entries(db, "01" * 16), case_key)
        assert len(events) == 50 and events[-1].at == "2026-02-01T00:00:00Z"


def _append_deferred_together(engine: Engine, org_key: SigningKey, case_key: bytes, cases: list[str],
                              threads: int, each: int) -> list[BaseException]:
    """`threads` writers, all released at once, each appending `each` deferred events to every case in turn."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        try:
            start.wait(timeout=60)
            for i in range(each):
                with Session(engine) as db:
                    service.append_event(db, case_id=cases[(n + i) % len(cases)], kind="message_in",
                                         commitment=commit(b"x")[1], at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                         signing_key=org_key, case_key=case_key, defer_log=True)
                    db.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    running = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join()
    return errors


def test_deferred_appends_to_one_case_queue_on_its_chain_head(pg: Engine, org_key: SigningKey,
                                                              case_key: bytes) -> None:
    """Racing first appends and many writers on the same cases: one unbroken chain each, heads up to date."""
    cases = ["ab" * 16, "cd" * 16]
    assert _append_deferred_together(pg, org_key, case_key, cases, threads=6, each=10) == []
    with Session(pg) as db:
        assert sum(service.check_case_chain(db, c, org_key.verify_key) for c in cases) == 60
        last = dict(db.execute(text("SELECT case_id, entry_hash FROM ledger_entries e WHERE seq = "
                                    "(SELECT MAX(seq) FROM ledger_entries WHERE case_id = e.case_id)")).all())
        heads = service.chain_heads(db, set(cases))
        assert {c: h for c, (_, h) in heads.items()} == {c: bytes(h) for c, h in last.items()}
        assert service.sequence_pending(db) == 60  # every head then finds its place in the log
        db.commit()
