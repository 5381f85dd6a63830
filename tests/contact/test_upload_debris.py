"""Housekeeping sweeps what killed uploads left in the uploads folder, and never a file a live request writes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fastapi.testclient import TestClient
from nacl.signing import SigningKey

import safeconduct
from safeconduct.cases import housekeeping
from safeconduct.cases.content import CONTACT, FileSink
from tests.conftest import Installation
from tests.flows import bearer, start_contact

TUS = {"Tus-Resumable": "1.0.0"}

# A server process receiving a plain (non-tus) upload, killed with SIGKILL in the middle of it.
WRITER = textwrap.dedent("""
    import os, sys
    from nacl.signing import SigningKey
    from safeconduct.cases.content import CONTACT, FileSink
    from safeconduct.config import load_settings

    sink = FileSink(load_settings(sys.argv[1]), case_id="c", case_key=bytes(32), signing_key=SigningKey.generate(),
                    author=CONTACT, name="a.bin", content_type="application/octet-stream")
    sink.write(os.urandom(3 * 1024 * 1024 + 5))
    print(sink.file_id, flush=True)
    sys.stdin.read()  # wait to be killed
""")


def killed_mid_upload(data_dir: Path) -> str:
    """Run a writer in another process, kill -9 it once its file is on disk; returns the file's upload id."""
    env = {**os.environ, "PYTHONPATH": str(Path(safeconduct.__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        upload_id = proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait()
    assert upload_id
    return upload_id


def names(inst: Installation) -> set[str]:
    return {p.name for p in inst.settings.uploads_dir.iterdir()}


def age(path: Path, minutes: int) -> None:
    then = (dt.datetime.now() - dt.timedelta(minutes=minutes)).timestamp()
    os.utime(path, (then, then))


def test_debris_of_killed_uploads_is_swept_and_live_uploads_are_kept(sqlite_installation: Installation,
                                                                     sqlite_client: TestClient) -> None:
    inst, settings = sqlite_installation, sqlite_installation.settings
    dead = killed_mid_upload(settings.data_dir)
    assert f"{dead}.part" in names(inst)

    # A tus upload under way (it has its row): its body and tail stay; a temporary tail a full disk left goes.
    _, token = start_contact(sqlite_client)
    created = sqlite_client.post("/api/v1/contact/uploads", headers={**bearer(token), **TUS, "Upload-Length": "100"})
    tus_id = created.headers["location"].rsplit("/", 1)[1]
    sqlite_client.patch(created.headers["location"], content=b"x" * 40, headers={
        **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
    (settings.uploads_dir / f"{tus_id}.part.tail.tmp").write_bytes(b"half a checkpoint")
    # The remains of a resumable upload whose row never got written (its process died in between).
    for suffix in (".part", ".part.tail", ".part.tail.tmp"):
        (settings.uploads_dir / f"{'ab' * 16}{suffix}").write_bytes(b"remains")
    # A one-request upload being received right now, silent for an hour (a slow client): locked, so kept.
    live = FileSink(settings, case_id="c", case_key=bytes(32), signing_key=SigningKey.generate(), author=CONTACT,
                    name="b.bin", content_type="application/octet-stream")
    live.write(os.urandom(1024 * 1024 + 7))
    age(settings.uploads_dir / f"{live.file_id}.part", 60)
    (settings.uploads_dir / "README").write_text("not ours")
    everything = names(inst)

    # Fresh files are never touched: a live request may have just created one and not yet locked it.
    with inst.runtime.db() as db:
        assert housekeeping.sweep_orphan_partials(db, settings) == 0
    assert names(inst) == everything

    later = dt.datetime.now(dt.UTC) + housekeeping.ORPHAN_GRACE + dt.timedelta(minutes=1)
    with inst.runtime.db() as db:
        assert housekeeping.sweep_orphan_partials(db, settings, now=later) == 2
    assert names(inst) == {f"{tus_id}.part", f"{tus_id}.part.tail", f"{live.file_id}.part", "README"}

    # The live upload and the tus upload carry on as if nothing happened.
    live.abort()
    r = sqlite_client.patch(created.headers["location"], content=b"y" * 60, headers={
        **bearer(token), **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "40"})
    assert r.status_code == 204
    assert [f["size"] for f in sqlite_client.get("/api/v1/contact/files", headers=bearer(token)).json()] == [100]
    assert names(inst) == {"README"}


def test_the_regular_housekeeping_round_sweeps_debris(sqlite_installation: Installation) -> None:
    """`housekeeping.run` (at start-up and every quarter of an hour) includes the sweep, first of all."""
    settings = sqlite_installation.settings
    dead = killed_mid_upload(settings.data_dir)
    age(settings.uploads_dir / f"{dead}.part", 30)
    with sqlite_installation.runtime.db() as db:
        assert housekeeping.run(db, settings) == (0, 1)
    assert list(settings.uploads_dir.iterdir()) == []
