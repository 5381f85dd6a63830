"""CLI messages arrive whole: never hard-wrapped, whatever the width of a terminal there may not be.

Run as an operator's script runs it: a separate process, output to pipes, no terminal, COLUMNS unset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_installation

SRC = Path(__file__).resolve().parents[2] / "src"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TERMINAL_WIDTH")}
    env["PYTHONPATH"] = str(SRC)
    return subprocess.run([sys.executable, "-c", "from safeconduct.cli import main; main()", *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=120)


def test_a_long_refusal_is_printed_on_one_line(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-folder-with-a-rather-long-name"] * 6, "data")
    make_installation(deep, None, "sqlite").runtime.engine.dispose()
    result = _run("init", "--data", str(deep))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"Error: {deep} already holds an installation. Nothing was changed." in lines, result.stderr


def test_a_long_usage_error_is_printed_on_one_line(tmp_path: Path) -> None:
    result = _run("serve", "--data", str(tmp_path), "--workers", "many")
    assert result.returncode == 2
    message = "Error: Invalid value for '--workers': Input should be a valid integer"  # over 80 columns with the rest
    assert any(line.startswith(message) and line.endswith("as an integer") for line in result.stderr.splitlines()), (
        result.stderr)
