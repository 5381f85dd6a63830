"""Calling asyncio code from synchronous code that may itself be running under an event loop.

`asyncio.run()` refuses to start when the calling thread already runs a loop (a FastAPI route in the
server's loop thread, a test session that keeps Playwright's loop open): then the call goes to a worker
thread with a loop of its own, and the caller waits for it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def outside_event_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` here, or in a worker thread when this thread has a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(make())`, wherever it is called from (the coroutine is made in the thread that runs it)."""
    return outside_event_loop(lambda: asyncio.run(make()))
