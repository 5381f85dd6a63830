"""Background jobs: the engine (embedded on SQLite, Procrastinate on PostgreSQL), workers and their keys.

Public surface: `run_until_idle` (run every queued job to its next stop, in this process: tests, tools),
and the modules `engine`, `workers`, `scratch`, `runner`, `embedded`, `procrastinate_engine`.
"""

from __future__ import annotations

from typing import Any


def run_until_idle(settings: Any, *, timeout: float = 600.0) -> int:
    """Run queued jobs in this process until none is left; return how many runs were made."""
    from safeconduct.jobs.runner import run_until_idle as run

    return run(settings, timeout=timeout)


__all__ = ["run_until_idle"]
