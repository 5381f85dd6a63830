"""The log-in throttle is shared by every server process, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from safeconduct.auth.attempts import AttemptLimiter
from safeconduct.auth.models import LoginAttemptWindow
from safeconduct.errors import RateLimited
from tests.conftest import Installation


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_two_processes_share_one_limit(installation: Installation) -> None:
    """Two limiters (as in two server processes) on one database allow the rate once, not once each."""
    clock = Clock(1_800_000_000.0)  # the start of a minute
    sessions = installation.runtime.sessions
    first, second = (AttemptLimiter(sessions, "codename", 4, clock) for _ in range(2))
    for limiter in (first, second, first, second):
        limiter.check()
    with pytest.raises(RateLimited, match="wait a minute"):
        second.check()
    with pytest.raises(RateLimited):
        first.check()
    AttemptLimiter(sessions, "staff", 4, clock).check()  # another scope has its own window


def test_the_window_slides_and_old_minutes_are_forgotten(installation: Installation) -> None:
    clock = Clock(1_800_000_000.0)
    sessions = installation.runtime.sessions
    limiter = AttemptLimiter(sessions, "codename", 4, clock)
    for _ in range(4):
        limiter.check()
    clock.now += 30  # the next minute has not begun: still full
    with pytest.raises(RateLimited):
        limiter.check()
    clock.now += 45  # 15 s into the next minute: 5 attempts of the last minute weigh 5 * 0.75
    with pytest.raises(RateLimited):
        limiter.check()  # 3.75 + 1 > 4
    clock.now += 40  # 55 s in: 5 * 0.08 + 2 <= 4
    limiter.check()
    clock.now += 180  # minutes later: only the current and previous minutes are kept
    limiter.check()
    with sessions() as db:
        minutes = db.scalars(select(LoginAttemptWindow.minute)).all()
    assert len(minutes) <= 2 and int(clock.now // 60) in minutes


def test_concurrent_attempts_are_all_counted(installation: Installation) -> None:
    """No lost update: attempts racing from many threads are each counted once."""
    clock = Clock(1_800_000_000.0)
    limiter = AttemptLimiter(installation.runtime.sessions, "codename", 1000, clock)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: limiter.check(), range(40)))
    with installation.runtime.sessions() as db:
        assert db.scalar(select(LoginAttemptWindow.attempts)) == 40
