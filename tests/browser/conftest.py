"""A real `safeconduct serve` process and Debian's chromium, driven by Playwright, for the browser tests.

The server is started exactly as an operator would start it (`init`, `staff add`, `serve` console
commands), so these tests also cover the command line. Playwright never downloads a browser here: it
drives /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest

from tests.processes import safeconduct_command
from tests.support import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
PASSWORD = "correct horse battery staple 42"  # noqa: S105 (a test account)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Caseworker:
    username: str
    password: str
    totp_secret: str
    last_step: int = 0

    def code(self) -> str:
        """A code the server has not seen yet: it accepts each time step once, and the next step early."""
        totp = pyotp.TOTP(self.totp_secret)
        step = max(int(time.time() // totp.interval), self.last_step + 1)
        while step > int(time.time() // totp.interval) + 1:
            time.sleep(0.5)
        self.last_step = step
        return totp.at(step * totp.interval)


@dataclass
class Server:
    url: str
    data: Path
    recovery_key: str
    caseworker: Caseworker
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1]


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(safeconduct_command() + args, input=stdin, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, f"safeconduct {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`safeconduct init`, `staff add` and `serve` on a free port, stopped after the tests."""
    require(CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install chromium)")
    data = tmp_path_factory.mktemp("browser") / "data"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("SAFECONDUCT_DATABASE_URL", None)

    out = _run(["init", "--data", str(data), "--name", "Browser test"], env)
    recovery = re.search(r"\b(SCRK\S+)", out)
    assert recovery, out
    port = _free_port()
    log = data.parent / "serve.log"
    with log.open("wb") as sink:  # the server starts while the staff account is made (both take seconds)
        process = subprocess.Popen(safeconduct_command() + ["serve", "--data", str(data), "--port", str(port)],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        out = _run(["staff", "add", "--data", str(data), "--username", "amina", "--password-stdin"], env,
                   stdin=PASSWORD + "\n")
    except BaseException:
        process.kill()
        raise
    secret = re.search(r"TOTP secret:\s*([A-Z2-7]+)", out)
    assert secret, out
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as r:  # noqa: S310 (local test server)
                if r.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"safeconduct serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    try:
        yield Server(url=url, data=data, recovery_key=recovery.group(1),
                     caseworker=Caseworker("amina", PASSWORD, secret.group(1)), log=log, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Requests:
    """Every URL a page asked for, to prove that nothing leaves for another host."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, request) -> None:  # type: ignore[no-untyped-def]
        self.urls.append(request.url)

    def foreign(self, server: Server) -> list[str]:
        return [u for u in self.urls if not u.startswith(server.url + "/")]


class Screenshots:
    """Full-page screenshots, named in the order of the flow.

    They go to a temporary folder, or to docs/screenshots/ (kept in the repository for review) when
    SAFECONDUCT_SCREENSHOTS=1, so that an ordinary test run leaves the checkout unchanged.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session")
def shot(tmp_path_factory: pytest.TempPathFactory) -> Screenshots:
    keep = os.environ.get("SAFECONDUCT_SCREENSHOTS", "") == "1"
    return Screenshots(SCREENSHOTS if keep else tmp_path_factory.mktemp("screenshots"))


def log_in_to_console(page, server: Server, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    """The shared caseworker logs in through the console's form (a code the server has not seen yet)."""
    import re

    page.goto(server.url + f"/staff/login?lang={lang}")
    worker = server.caseworker
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(worker.password)
    page.get_by_label("Six-digit code from your authenticator app").fill(worker.code())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/staff$"))
