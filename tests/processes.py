"""Real `safeconduct` processes for tests that need more than one server on one database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.conftest import free_port


def safeconduct_command() -> list[str]:
    """The `safeconduct` console script of this environment, or the same entry point through Python."""
    script = Path(sys.executable).with_name("safeconduct")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from safeconduct.cli import main; main()"]


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll `condition` until it holds (a synchronisation point, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def serving(data: Path, database_url: str, count: int = 1) -> Iterator[list[str]]:
    """`count` separate `safeconduct serve` processes on one installation; yields their base URLs."""
    env = {**os.environ, "SAFECONDUCT_DATABASE_URL": database_url, "COLUMNS": "200", "NO_COLOR": "1"}
    started: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        for n in range(count):
            port = free_port()
            log = data.parent / f"serve-{n}.log"
            with log.open("wb") as sink:
                process = subprocess.Popen(safeconduct_command() + ["serve", "--data", str(data), "--port", str(port)],
                                           stdout=sink, stderr=subprocess.STDOUT, env=env)
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            def up(url: str = url, process: subprocess.Popen[bytes] = process, log: Path = log) -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"safeconduct serve exited:\n{log.read_text(errors='replace')}")
                with contextlib.suppress(OSError), urllib.request.urlopen(url + "/", timeout=2) as r:  # noqa: S310
                    return bool(r.status == 200)
                return False

            wait_until(up, f"safeconduct serve at {url}", seconds=90)
        yield [url for _, url, _ in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
