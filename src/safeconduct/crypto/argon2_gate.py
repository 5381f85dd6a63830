"""One process-wide bound on concurrent Argon2id work, served first come, first served.

Every codename derivation (start and log-in), staff password check and key unwrap costs tens of MiB of
memory for a fraction of a second. Without a bound, a flood of such requests (one per worker thread) takes
the server's memory with it. With it, at most `slots` run at once whatever arrives; the others wait in
arrival order, so the person who holds a valid secret is served, only later, and never refused. The
guessing rate of a flood is capped by the same bound: slots divided by the cost of one derivation.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator

DEFAULT_SLOTS = 2


class Argon2Gate:
    """A fair (FIFO) counting semaphore whose size can be set once the settings are known."""

    def __init__(self, slots: int = DEFAULT_SLOTS) -> None:
        self._cond = threading.Condition()
        self._slots = max(1, slots)
        self._busy = 0
        self._queue: collections.deque[object] = collections.deque()

    @property
    def slots(self) -> int:
        return self._slots

    def configure(self, slots: int) -> None:
        """Change the bound (the settings' `argon2_concurrency`); waiting callers see it at once."""
        with self._cond:
            self._slots = max(1, int(slots))
            self._cond.notify_all()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a turn (in arrival order), then hold one slot for the duration of the block."""
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            self._cond.notify_all()  # lets observers (tests, metrics) see the queue grow
            try:
                while self._queue[0] is not ticket or self._busy >= self._slots:
                    self._cond.wait()
            except BaseException:
                self._queue.remove(ticket)
                self._cond.notify_all()
                raise
            self._queue.popleft()
            self._busy += 1
            self._cond.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()


#: The one gate of this process, shared by every caller of Argon2id.
gate = Argon2Gate()
