"""Start a throw-away installation and `safeconduct serve` in its own process, for benchmarks."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "safeconduct"
PASSWORD = "benchmark password 123"


@dataclass
class Server:
    url: str
    data: Path
    process: subprocess.Popen[bytes]
    totp_secret: str

    def peak_rss_mib(self) -> float:
        """High-water mark of the server process's resident memory (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_url() -> Iterator[str]:
    import psycopg

    name = "sc_bench_" + secrets.token_hex(4)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_server(database_url: str | None = None, extra_env: dict[str, str] | None = None,
                   workers: int = 1) -> Iterator[Server]:
    data = Path(tempfile.mkdtemp(prefix="sc-bench-")) / "data"
    env = dict(os.environ, **(extra_env or {}))
    if database_url:
        env["SAFECONDUCT_DATABASE_URL"] = database_url
    subprocess.run([str(BIN), "init", "--data", str(data)], env=env, check=True, capture_output=True)
    added = subprocess.run([str(BIN), "staff", "add", "--data", str(data), "--username", "bench",
                            "--password-stdin"], input=PASSWORD.encode(), env=env, check=True, capture_output=True)
    secret = next(line.split(":", 1)[1].strip() for line in added.stdout.decode().splitlines()
                  if line.startswith("TOTP secret"))
    port = _free_port()
    process = subprocess.Popen([str(BIN), "serve", "--data", str(data), "--port", str(port),
                                "--workers", str(workers)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield Server(url=url, data=data, process=process, totp_secret=secret)
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(data.parent, ignore_errors=True)
