"""The worker's private scratch space: memory-backed, one folder per job, wiped however the job ends.

A recording is decrypted only here, the pipeline runs here (its TMPDIR inside), and every output is
encrypted before it leaves. A scratch folder on a persistent disk would leave the plaintext recoverable
after deletion, so one is refused unless the operator says so explicitly (`[worker] scratch_on_disk`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from safeconduct.config import Settings

DEFAULT_ROOT = "/dev/shm"  # noqa: S108 - memory, on purpose; each run gets its own 0700 mkdtemp folder
MEMORY_FILESYSTEMS = {"tmpfs", "ramfs"}
PREFIX = "safeconduct-job-"


class ScratchError(Exception):
    """The scratch space cannot be used (on a persistent disk, missing, full); the message says why."""


def _mounts() -> list[tuple[str, str]]:
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((parts[1].replace("\\040", " "), parts[2]))
    return mounts


def filesystem_of(path: Path) -> str:
    """The type of the filesystem holding `path` (the longest mount point that contains it)."""
    real = str(Path(path).resolve())
    best, kind = "", "unknown"
    for point, fstype in _mounts():
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


def memory_backed(path: Path) -> bool:
    return filesystem_of(path) in MEMORY_FILESYSTEMS


def root(settings: Settings) -> Path:
    """The folder scratch spaces are made in, checked: it exists and is in memory (or explicitly allowed)."""
    folder = Path(settings.worker_scratch or DEFAULT_ROOT)
    if not folder.is_dir():
        raise ScratchError(f"the scratch folder {folder} does not exist (set [worker] scratch to a tmpfs folder)")
    if not memory_backed(folder) and not settings.worker_scratch_on_disk:
        raise ScratchError(
            f"the scratch folder {folder} is on a persistent disk ({filesystem_of(folder)}): a decrypted "
            "recording would stay recoverable there; use a tmpfs (e.g. /dev/shm) or set [worker] "
            "scratch_on_disk = true to accept it"
        )
    return folder


def wipe(folder: Path) -> None:
    """Remove a scratch folder and everything in it (on tmpfs, freed pages hold nothing afterwards)."""
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def space(settings: Settings) -> Iterator[Path]:
    """A new private folder (mode 0700) for one job run, wiped on success, failure and cancellation."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root(settings)))
    os.chmod(folder, 0o700)
    try:
        yield folder
    finally:
        wipe(folder)


def used_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def leftovers(settings: Settings) -> list[Path]:
    """Scratch folders of this installation's runs still present (after a crash: wiped at the next start)."""
    try:
        return sorted(root(settings).glob(PREFIX + "*"))
    except (ScratchError, OSError):
        return []


def wipe_dead(settings: Settings) -> int:
    """Wipe the scratch folders of runs whose process is gone (a worker killed mid-job); return how many."""
    wiped = 0
    for folder in leftovers(settings):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            wipe(folder)
            wiped += 1
    return wiped
