"""An in-memory SQLite database with the ledger tables, a signing key and a case key per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from nacl.signing import SigningKey
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

import safeconduct.ledger.models  # noqa: F401  (registers the tables)
from safeconduct.store.base import Base

T0 = dt.datetime(2026, 3, 2, 9, 15, 0, tzinfo=dt.UTC)


@contextmanager
def memory_db() -> Iterator[Session]:
    """A fresh in-memory database with the ledger tables (one organisation's log)."""
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ledger_tables = [t for name, t in Base.metadata.tables.items() if name.startswith("ledger_")]
    Base.metadata.create_all(engine, tables=ledger_tables)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def db() -> Iterator[Session]:
    with memory_db() as session:
        yield session


@pytest.fixture
def org_key() -> SigningKey:
    return SigningKey(bytes(range(32)))


@pytest.fixture
def case_key() -> bytes:
    return bytes(range(100, 132))
