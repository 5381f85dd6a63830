"""A log-in throttle shared by every server process: bounds guessing without remembering who tried.

Each scope keeps a counter per wall-clock minute in the database, so two or more server processes (or
machines) share one limit instead of each allowing the full rate. The limit is a sliding window
estimated from this minute's count and the previous minute's, weighted by how much of it is still
inside the last sixty seconds. Refused attempts count too: a flood keeps the door shut while it lasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from safeconduct.auth.models import LoginAttemptWindow
from safeconduct.errors import RateLimited
from safeconduct.store import diskspace

TOO_MANY_TRIES = "Too many attempts right now. Please wait a minute and try again."


class AttemptLimiter:
    """At most `per_minute` attempts in any sixty seconds for `scope`, counted in the shared database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        scope: str,
        per_minute: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions, self._scope, self._per_minute, self._clock = sessions, scope, per_minute, clock
        self._fallback: dict[int, int] = {}  # minute -> attempts, used only while the database is full
        self._lock = threading.Lock()

    def check(self) -> None:
        """Count this attempt; raise RateLimited when the window is already full."""
        now = self._clock()
        minute = int(now // 60)
        try:
            with self._sessions.begin() as db:
                current = self._count(db, minute)
                previous = db.scalar(
                    select(LoginAttemptWindow.attempts).where(
                        LoginAttemptWindow.scope == self._scope, LoginAttemptWindow.minute == minute - 1
                    )
                )
                db.execute(
                    delete(LoginAttemptWindow).where(
                        LoginAttemptWindow.scope == self._scope, LoginAttemptWindow.minute < minute - 1
                    )
                )
        except Exception as exc:
            # The database cannot be written (a full disk): count in this process's memory instead, so the
            # limit still holds here and log-in stays open to the person who holds the secret.
            if not diskspace.is_disk_full(exc):
                raise
            current, previous = self._count_in_memory(minute)
        still_inside = 1.0 - (now - minute * 60) / 60
        if current + (previous or 0) * still_inside > self._per_minute:
            raise RateLimited(TOO_MANY_TRIES)

    def _count_in_memory(self, minute: int) -> tuple[int, int]:
        """(this minute's count after adding one, last minute's) from the fallback counters."""
        with self._lock:
            self._fallback = {m: n for m, n in self._fallback.items() if m >= minute - 1}
            self._fallback[minute] = self._fallback.get(minute, 0) + 1
            return self._fallback[minute], self._fallback.get(minute - 1, 0)

    def _count(self, db: Session, minute: int) -> int:
        """Add one to this minute's counter in one statement (no lost update between processes)."""
        insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        new = insert(LoginAttemptWindow).values(scope=self._scope, minute=minute, attempts=1)
        bump = new.on_conflict_do_update(
            index_elements=["scope", "minute"], set_={"attempts": LoginAttemptWindow.attempts + 1}
        ).returning(LoginAttemptWindow.attempts)
        return int(db.execute(bump).scalar_one())
