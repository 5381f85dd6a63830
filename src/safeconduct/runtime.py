"""One installation opened for use: settings, database and organisation keys together.

The web app and the command line both build one of these and hand it to the domain services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from safeconduct.config import Settings
from safeconduct.org import service as org_service
from safeconduct.org.service import OrgKeys
from safeconduct.store.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine))

    @contextmanager
    def db(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @cached_property
    def org(self) -> OrgKeys:
        with self.db() as session:
            return org_service.load(self.settings, session)
