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


def _check(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine, "0001")
    assert not migrate.is_current(engine)
    migrate.upgrade(engine)  # an upgrade from the previous release
    assert migrate.is_current(engine)
    migrate.upgrade(engine)  # running it again changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'db.sqlite'}")


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres() -> None:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        _check(url)
