"""Database engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

#: A pooled PostgreSQL connection that sat unused this long is pinged before it is handed out. Under load
#: connections come back within milliseconds and are never pinged (a ping is a round trip per request);
#: one idle through a database restart is. What a ping cannot see (the server gone in the last seconds)
#: the request path survives with :func:`run_retrying`.
IDLE_PING_SECONDS = 10.0
#: Connections are replaced after this long whatever happens (firewalls and proxies drop old ones quietly).
RECYCLE_SECONDS = 1800
_IDLE_SINCE = "safeconduct_idle_since"
_COMMIT_TRIED = "safeconduct_commit_tried"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrent requests."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_recycle", RECYCLE_SECONDS)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a connection on checkout only when it sat in the pool for `IDLE_PING_SECONDS` or more."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool replaces the connection and tries again
            raise DisconnectionError("the pooled connection is gone") from exc
        if not alive:
            raise DisconnectionError("the pooled connection is gone")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (we render after committing)."""
    made = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(made, "before_commit")
    def _commit_tried(session: Session) -> None:
        session.info[_COMMIT_TRIED] = True

    return made


def run_retrying(sessions: Callable[[], Session], work: Callable[[Session], T]) -> T:
    """`work` in a new session; run once more on a new connection if the database connection turned out
    to be dead before anything was committed (the server restarted, or dropped a pooled connection).

    A connection lost during a COMMIT is not retried: the write may have been kept, and doing it again
    could store it twice. SQLAlchemy invalidates the whole pool on the first disconnect it sees, so the
    retry and the requests after it get fresh connections.
    """
    for attempt in range(2):
        with sessions() as db:
            try:
                return work(db)
            except DBAPIError as exc:
                if attempt or not exc.connection_invalidated or db.info.get(_COMMIT_TRIED):
                    raise
    raise AssertionError("unreachable")
