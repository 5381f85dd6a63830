"""On the embedded SQLite database, concurrent appenders serialise instead of forking the log."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from nacl.signing import SigningKey
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from safeconduct.ledger import chain, log, merkle, service
from safeconduct.ledger.commitments import commit
from safeconduct.store.base import Base


def test_concurrent_appenders_on_a_sqlite_file_build_one_log(tmp_path: Path, org_key: SigningKey,
                                                            case_key: bytes) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    Base.metadata.create_all(engine, tables=[t for n, t in Base.metadata.tables.items() if n.startswith("ledger_")])
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                with Session(engine) as db:
                    service.append_event(db, case_id=f"{n:02x}" * 16, kind="note", commitment=commit(b"x")[1],
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
    with Session(engine) as db:
        assert log.current_size(db) == 100
        reference = merkle.MemoryTree()
        for h in db.scalars(text("SELECT entry_hash FROM ledger_entries ORDER BY leaf_index")).all():
            reference.append_leaf(chain.head_message(bytes(h)))
        assert log.root_at(db, 100) == reference.root()
        assert all(service.check_case_chain(db, f"{n:02x}" * 16, org_key.verify_key) == 25 for n in range(4))
    engine.dispose()


def test_deferred_appends_to_one_case_on_a_sqlite_file(tmp_path: Path, org_key: SigningKey, case_key: bytes) -> None:
    """The message path's appends (deferred logging) on one case from several threads: one unbroken chain."""
    from tests.ledger.test_postgres import _append_deferred_together

    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    Base.metadata.create_all(engine, tables=[t for n, t in Base.metadata.tables.items() if n.startswith("ledger_")])
    case = "ef" * 16
    assert _append_deferred_together(engine, org_key, case_key, [case], threads=4, each=10) == []
    with Session(engine) as db:
        assert service.check_case_chain(db, case, org_key.verify_key) == 40
        assert service.chain_heads(db, {case})[case][0] == 39
    engine.dispose()
