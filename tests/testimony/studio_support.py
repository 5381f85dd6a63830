"""Helpers for the testimony studio's tests: a short spoken video with a face, sent by a contact; jobs run.

`make_clip` makes a few seconds of video from scikit-image's astronaut and espeak-ng speech in which a
made-up person names himself (`NAME`), mentions a false alarm (`FALSE_ALARM`, a month) and a nickname the
detector misses (`MISSED`). `send_clip` sends it as a contact file through the ordinary upload path and
returns (case id, file id, staff token). On PostgreSQL call `enrol_worker` before preparing.
`run_until_idle` runs every queued job to its next stop in this
process (the embedded worker's loop on SQLite, a Procrastinate worker on PostgreSQL).
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from safeconduct.config import Settings
from tests.flows import bearer, only_case_id, staff_token, start_contact
from tests.support import require

SPEECH = "My name in the group was Abu Hamza. I joined them in March. Our cook was known as Pepper. " \
         "He drove us to the camp."
NAME = "Hamza"  # detected: hidden everywhere
FALSE_ALARM = "March"  # detected as a date; the review keeps it
MISSED = "Pepper"  # not detected; the review adds it


def make_clip(folder: Path, speech: str = SPEECH, *, audio: bool = True) -> Path:
    """A 320×240 video at 10 frames/s of a real face with `speech` spoken over it, and a title in its metadata."""
    for tool in ("ffmpeg", "espeak-ng"):
        require(shutil.which(tool) is not None, f"{tool} not installed")
    from PIL import Image
    from skimage import data

    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(data.astronaut()).resize((160, 160)).save(folder / "face.png")
    path = folder / "interview.mp4"
    if audio:
        subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(folder / "speech.wav"), speech], check=True)
        inputs = ["-loop", "1", "-i", str(folder / "face.png"), "-i", str(folder / "speech.wav")]
        tail = ["-c:a", "aac", "-shortest"]
    else:
        inputs = ["-loop", "1", "-t", "2", "-i", str(folder / "face.png")]
        tail = ["-an"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-vf", "pad=320:240:80:40:gray,fps=10",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *tail,
                    "-metadata", f"title=Interview of {NAME}", str(path)], check=True)
    return path


def send_clip(client: Any, login: Any, body: bytes, name: str = "interview.mp4",
              content_type: str = "video/mp4") -> tuple[str, str, str]:
    """A contact sends `body` as a file; returns (case id, file id, a staff token for `login`)."""
    _codename, token = start_contact(client)
    sent = client.post("/api/v1/contact/files", files={"file": (name, body, content_type)}, headers=bearer(token))
    assert sent.status_code == 201, sent.text
    staff = staff_token(client, login)
    case_id = only_case_id(client, staff)
    return case_id, sent.json()["id"], staff


def enrol_worker(settings: Settings) -> None:
    """Enrol this process as a worker, BEFORE preparing on PostgreSQL: a job's key is sealed to the workers
    enrolled when it is queued. (On SQLite the embedded worker is enrolled automatically.)"""
    from safeconduct.jobs import workers
    from safeconduct.runtime import Runtime

    runtime = Runtime.open(settings)
    try:
        with runtime.db() as db:
            workers.enrol(db, settings)
    finally:
        runtime.engine.dispose()


def run_until_idle(settings: Settings, timeout: float = 600.0) -> int:
    """Run every queued job in this process until none is left."""
    from safeconduct.jobs import run_until_idle as run

    return run(settings, timeout=timeout)


def wait_for(check: Callable[[], Any], timeout: float = 300.0, every: float = 0.5) -> Any:
    """Poll `check` until it returns something truthy (generous timeout: never races the machine load)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s")
        time.sleep(every)


def scratch_settings_for(tmp_name: str) -> dict[str, str]:
    """Overrides giving a test its own scratch root in memory (/dev/shm), so it can check it is empty after.
    The folder name is unique per call: pytest-xdist workers give their tests the same tmp_path names."""
    folder = Path("/dev/shm") / f"sc-test-{tmp_name}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True, exist_ok=True)
    return {"worker_scratch": str(folder)}
