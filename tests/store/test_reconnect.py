"""No ping per pooled connection: a dropped PostgreSQL connection costs no message and no error page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from safeconduct.cases.models import Message
from safeconduct.store import db as store_db
from tests.conftest import Installation, client_for, make_installation, postgres_available, postgres_database
from tests.flows import bearer, csrf_of, start_contact
from tests.support import require

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_installation(tmp_path: Path) -> Iterator[Installation]:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        inst = make_installation(tmp_path / "data", url, "postgres")
        yield inst
        inst.runtime.engine.dispose()


def drop_server_connections(inst: Installation) -> int:
    """What a database restart or a firewall does to pooled connections: the server ends them all."""
    name = inst.runtime.engine.url.database
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        ended = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                             (name,)).fetchone()
    return int(ended[0]) if ended else 0


def stored_messages(inst: Installation) -> int:
    with inst.runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(Message)) or 0)


def test_the_engine_pings_no_connection_that_was_just_used(pg_installation: Installation) -> None:
    assert not pg_installation.runtime.engine.pool._pre_ping  # type: ignore[attr-defined]
    assert pg_installation.runtime.engine.pool._recycle == store_db.RECYCLE_SECONDS  # type: ignore[attr-defined]


def test_work_found_on_a_dead_connection_runs_again_on_a_fresh_one(pg_installation: Installation) -> None:
    with pg_installation.runtime.db() as db:
        db.execute(text("SELECT 1"))  # a connection now waits in the pool, used a moment ago: not pinged
    assert drop_server_connections(pg_installation) >= 1
    calls: list[int] = []

    def work(db: Session) -> int:
        calls.append(1)
        return int(db.scalar(text("SELECT 42")) or 0)

    assert store_db.run_retrying(pg_installation.runtime.sessions, work) == 42
    assert len(calls) == 2


def test_a_message_sent_after_the_server_dropped_the_connections_is_stored_once(pg_installation: Installation) -> None:
    with client_for(pg_installation) as client:
        _, token = start_contact(client, first_message="before")
        assert drop_server_connections(pg_installation) >= 1
        r = client.post("/api/v1/contact/messages", json={"text": "after"}, headers=bearer(token))
        assert r.status_code == 201, r.text
        texts = [m["text"] for m in client.get("/api/v1/contact/messages", headers=bearer(token)).json()["messages"]]
    assert texts == ["before", "after"]
    assert stored_messages(pg_installation) == 2


def test_the_form_path_survives_a_dropped_connection_too(pg_installation: Installation) -> None:
    with client_for(pg_installation) as client:
        _, token = start_contact(client, first_message="before")
        client.cookies.set("sc_contact", token)
        csrf = csrf_of(client.get("/contact/conversation").text)
        assert drop_server_connections(pg_installation) >= 1
        r = client.post("/contact/messages", data={"text": "after", "csrf_token": csrf})
        assert r.status_code == 303, r.text
    assert stored_messages(pg_installation) == 2


def test_a_connection_idle_for_long_is_pinged_and_replaced(pg_installation: Installation,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Routes without the retry (here: reading the conversation) still get a live connection after a quiet spell."""
    monkeypatch.setattr(store_db, "IDLE_PING_SECONDS", 0.0)
    with client_for(pg_installation) as client:
        _, token = start_contact(client, first_message="before")
        assert drop_server_connections(pg_installation) >= 1
        r = client.get("/api/v1/contact/messages", headers=bearer(token))
        assert r.status_code == 200 and [m["text"] for m in r.json()["messages"]] == ["before"]


def test_a_connection_lost_during_commit_is_not_retried(pg_installation: Installation) -> None:
    """The write may have been kept: doing it again could store it twice, so the error is the answer."""
    calls: list[int] = []

    def work(db: Session) -> None:
        calls.append(1)
        db.execute(text("SELECT 1"))
        drop_server_connections(pg_installation)
        db.commit()

    with pytest.raises(Exception) as raised:
        store_db.run_retrying(pg_installation.runtime.sessions, work)
    assert "terminat" in str(raised.value).lower() or "closed" in str(raised.value).lower()
    assert calls == [1]
