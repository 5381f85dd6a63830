"""A consistent copy of the database as one SQLite file, and back into SQLite or PostgreSQL.

Every backup carries its database as SQLite at the Alembic revision it was taken at, whatever the engine:
SQLite is copied with its online backup API (one read transaction, so the copy is a snapshot even while
the server writes), PostgreSQL row by row inside one REPEATABLE READ transaction (the same snapshot for
every table). One format means one restore path, and a backup restores into either engine. pg_dump is
not used: its output restores only into a PostgreSQL of a compatible version, through psql.

A restore creates the schema at the backup's revision with the migrations of today's code, copies the
rows, then runs the migrations up to today: an old backup meets a newer schema exactly the way an old
installation is upgraded, never by hoping the tables still match.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, insert, select, text

from safeconduct.store import migrate
from safeconduct.store.db import make_engine

VERSION_TABLE = "alembic_version"
BATCH = 1000
#: Tables derived from others and rebuilt after a restore, never copied: SQLite's full-text index of the
#: archive (an FTS5 virtual table and its shadow tables, which PostgreSQL has as an expression index instead).
DERIVED = ("archive_search",)


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database; None for another engine."""
    if engine.dialect.name != "sqlite":
        return None
    return Path(str(engine.url.database)).resolve()


def snapshot(engine: Engine, target: Path) -> str:
    """Write a consistent copy of the database to `target` (a new SQLite file); return its revision."""
    source = sqlite_path(engine)
    if source is not None:
        with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(target)) as out:
            live.backup(out)  # all pages in one step: one read transaction, one moment
            out.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        revision = revision_of(target)
        if revision is None:
            raise ValueError("the database has no schema version")
        return revision
    with engine.connect() as live:
        live = live.execution_options(isolation_level="REPEATABLE READ")
        with live.begin():
            _utc(live)
            revision = migrate.current_revision(live)
            if revision is None:
                raise ValueError("the database has no schema version")
            copy = make_engine(f"sqlite:///{target}")
            try:
                migrate.upgrade(copy, revision)
                with copy.begin() as out:
                    copy_rows(live, out)
            finally:
                copy.dispose()
    return revision


def revision_of(path: Path) -> str | None:
    """The revision recorded in a SQLite snapshot."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()  # noqa: S608 - a constant
    except sqlite3.DatabaseError:  # no version table: not a database safeconduct made
        return None
    return str(row[0]) if row else None


def load_into(snapshot_file: Path, connection: Connection, revision: str) -> None:
    """Fill an empty database from a snapshot, inside the caller's transaction, then upgrade it to today."""
    if connection.dialect.name == "postgresql":
        _utc(connection)
    migrate.upgrade(connection, revision)
    source_engine = make_engine(f"sqlite:///{snapshot_file}")
    try:
        with source_engine.connect() as source:
            copy_rows(source, connection)
    finally:
        source_engine.dispose()
    from safeconduct.archive.entries import rebuild_search

    rebuild_search(connection)
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    migrate.upgrade(connection)


def copy_rows(source: Connection, target: Connection) -> None:
    """Copy every row of every table (parents first) from `source` into the same, empty tables of `target`."""
    source_meta, target_meta = MetaData(), MetaData()
    source_meta.reflect(bind=source, only=lambda name, _meta: not name.startswith(DERIVED))
    target_meta.reflect(bind=target, only=lambda name, _meta: not name.startswith(DERIVED))
    for table in target_meta.sorted_tables:
        if table.name == VERSION_TABLE or table.name.startswith(DERIVED):
            continue
        origin = source_meta.tables[table.name]
        names = [c.name for c in table.columns if c.name in origin.columns]
        result = source.execute(select(*(origin.c[n] for n in names)).execution_options(yield_per=BATCH))
        for rows in result.partitions(BATCH):
            target.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])


def _utc(connection: Connection) -> None:
    """Read and write timestamps in UTC, as SQLite stores them."""
    connection.execute(text("SET LOCAL TIME ZONE 'UTC'"))


def _reset_sequences(connection: Connection) -> None:
    """After rows were copied with their ids, the next generated id must follow the largest one."""
    meta = MetaData()
    meta.reflect(bind=connection)
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                         {"t": table.name, "c": column.name})
            if sequence:
                largest = f'SELECT MAX("{column.name}") FROM "{table.name}"'  # noqa: S608 - reflected names
                connection.execute(text(f"SELECT setval(:s, COALESCE(({largest}), 0) + 1, false)"), {"s": sequence})
