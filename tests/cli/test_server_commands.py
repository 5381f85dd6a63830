"""`safeconduct serve` and `staff add` run without a terminal: clear messages, never a hidden failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from sqlalchemy import func, select

from safeconduct.staff.models import StaffMember
from tests.conftest import Installation


def test_serve_on_a_busy_port_says_the_port_is_taken_and_how_to_pick_another(
    sqlite_installation: Installation,
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "SAFECONDUCT_DATABASE_URL")}
        done = subprocess.run(
            [sys.executable, "-c", "from safeconduct.cli import main; main()", "serve", "--data",
             str(sqlite_installation.settings.data_dir), "--port", str(port)],
            capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL,
        )
    assert done.returncode != 0
    output = " ".join((done.stdout + done.stderr).split())
    assert f"Port {port} is already in use" in output
    assert f"PORT={port + 1} make run" in output
    assert "serving" not in output  # it never claims to serve
    assert "[address]" not in output


def test_staff_add_without_a_terminal_or_password_says_how_to_give_one(sqlite_installation: Installation) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from safeconduct.cli import main; main()", "staff", "add", "--data",
         str(sqlite_installation.settings.data_dir), "--username", "amal"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    output = " ".join((done.stdout + done.stderr).split())
    assert "No password was given" in output and "--password-stdin" in output
    with sqlite_installation.runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(StaffMember)) == 0  # nothing was created
