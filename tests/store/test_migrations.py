"""Alembic migrations create the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from safeconduct.store import migrate
from safeconduct.store.db import make_engine
from safeconduct.store.models import Base
from tests.conftest import postgres_available, postgres_database
from tests.support import require


def _modelled(name: str | None, kind: str, _parents: object) -> bool:
    """What the models describe: not the archive's full-text index (SQLite FTS5 tables, a PostgreSQL expression
    index), which the migration makes and ``archive/entries.py`` queries in SQL."""
    return not (name or "").startswith(("archive_search", "ix_archive_entries_fts"))


def _check(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine, "0001")
    assert not migrate.is_current(engine)
    migrate.upgrade(engine)  # an upgrade from the previous release
    assert migrate.is_current(engine)
    migrate.upgrade(engine)  # running it again changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": _modelled}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'db.sqlite'}")


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres() -> None:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        _check(url)


def _backfill(url: str) -> None:
    """0018 gives every existing chain its head row and every case its latest message id."""
    from sqlalchemy import text

    engine = make_engine(url)
    migrate.upgrade(engine, "0014")
    with engine.begin() as conn:
        for case_id in ("a" * 32, "b" * 32):
            conn.execute(text("INSERT INTO cases (id, label, state, created_on, last_activity_on, contact_lookup, "
                              "contact_public_key) VALUES (:id, :label, 'new_contact', '2026-01-01', '2026-01-02', "
                              ":lookup, :key)"),
                         {"id": case_id, "label": case_id[:9].upper(), "lookup": case_id.encode()[:32],
                          "key": bytes(32)})
        for _ in range(3):  # three messages in case a, none in b
            conn.execute(text("INSERT INTO messages (case_id, created_on, ciphertext) VALUES (:c, '2026-01-02', :x)"),
                         {"c": "a" * 32, "x": b"x"})
        for seq in range(4):  # a chain of four entries for case a
            conn.execute(text("INSERT INTO ledger_entries (case_id, seq, prev_hash, meta_commitment, commitment, "
                              "entry_hash, signature, sealed_meta) VALUES (:c, :s, :z, :z, :z, :h, :sig, :z)"),
                         {"c": "a" * 32, "s": seq, "z": bytes(32), "h": bytes([seq]) * 32, "sig": bytes(64)})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        heads = conn.execute(text("SELECT case_id, seq, entry_hash FROM ledger_chain_heads")).all()
        latest = dict(conn.execute(text("SELECT id, last_message_id FROM cases")).all())
        top = conn.execute(text("SELECT MAX(id) FROM messages")).scalar()
    engine.dispose()
    assert [(c, s, bytes(h)) for c, s, h in heads] == [("a" * 32, 3, bytes([3]) * 32)]
    assert latest == {"a" * 32: top, "b" * 32: 0}


def test_migration_0018_fills_chain_heads_and_latest_messages_on_sqlite(tmp_path: Path) -> None:
    _backfill(f"sqlite:///{tmp_path / 'db.sqlite'}")


@pytest.mark.postgres
def test_migration_0018_fills_chain_heads_and_latest_messages_on_postgres() -> None:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        _backfill(url)
