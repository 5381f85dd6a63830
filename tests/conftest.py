"""Fixtures shared by the suite: installations on SQLite and PostgreSQL, HTTP clients, a live server."""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from safeconduct import logs
from safeconduct.config import Settings, load_settings
from safeconduct.org import service as org_service
from safeconduct.runtime import Runtime
from safeconduct.staff import service as staff_service
from tests.support import require

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "a long and good password"


def postgres_available() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=1):
        return True
    return False


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = "sc_test_" + secrets.token_hex(6)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class StaffLogin:
    username: str
    password: str
    totp_secret: str
    staff_id: int

    def code(self) -> str:
        return pyotp.TOTP(self.totp_secret).now()

    def next_code(self) -> str:
        """The code of the next 30-s window: unused yet whatever code opened the session (TOTP codes are
        single-use), and accepted now (the server allows one window of drift)."""
        return pyotp.TOTP(self.totp_secret).at(time.time() + 30)


@dataclass
class Installation:
    runtime: Runtime
    recovery_key: str
    backend: str

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def add_staff(self, username: str, role: str = "caseworker", intake: bool = True) -> StaffLogin:
        with self.runtime.db() as db:
            new = staff_service.add_staff(db, username=username, role=role, password=PASSWORD, intake=intake)
        return StaffLogin(username=new.username, password=PASSWORD, totp_secret=new.totp_secret,
                          staff_id=new.staff_id)


def make_installation(data_dir: Path, database_url: str | None, backend: str, **overrides: object) -> Installation:
    kwargs: dict[str, object] = dict(overrides)
    if database_url:
        kwargs["database_url"] = database_url
    settings = load_settings(data_dir, **kwargs)
    runtime = Runtime.open(settings)
    with runtime.db() as db:
        recovery = org_service.initialise(settings, runtime.engine, db, name="Test organisation")
    return Installation(runtime=runtime, recovery_key=recovery, backend=backend)


@pytest.fixture(params=["sqlite", "postgres"])
def installation(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Installation]:
    """An initialised installation, once on embedded SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        inst = make_installation(tmp_path / "data", None, "sqlite")
        yield inst
        inst.runtime.engine.dispose()
        return
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        inst = make_installation(tmp_path / "data", url, "postgres")
        yield inst
        inst.runtime.engine.dispose()


@pytest.fixture
def sqlite_installation(tmp_path: Path) -> Iterator[Installation]:
    inst = make_installation(tmp_path / "data", None, "sqlite")
    yield inst
    inst.runtime.engine.dispose()


def client_for(inst: Installation) -> TestClient:
    from safeconduct.web.app import create_app

    return TestClient(create_app(inst.runtime), base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def client(installation: Installation) -> Iterator[TestClient]:
    with client_for(installation) as c:
        yield c


@pytest.fixture
def sqlite_client(sqlite_installation: Installation) -> Iterator[TestClient]:
    with client_for(sqlite_installation) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving an installation on 127.0.0.1 in a thread, its log records captured."""

    def __init__(self, inst: Installation) -> None:
        import uvicorn

        from safeconduct.web.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.records: list[str] = []
        config = uvicorn.Config(create_app(inst.runtime), host="127.0.0.1", port=self.port, access_log=False,
                                server_header=False, date_header=False, log_config=None, log_level="info")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self._handler = logs.redacting_handler(_Capture(self.records))

    def __enter__(self) -> LiveServer:
        root = logging.getLogger()
        root.addHandler(self._handler)
        self._old_level = root.level
        root.setLevel(logging.DEBUG)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        root = logging.getLogger()
        root.removeHandler(self._handler)
        root.setLevel(self._old_level)


class _Capture(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


@pytest.fixture
def live_server(installation: Installation) -> Iterator[LiveServer]:
    with LiveServer(installation) as server:
        yield server
