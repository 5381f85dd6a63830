"""The lease on an unfinished upload: one writer at a time, taken over once a dead holder's lease expires.

Clocks are injected: nothing here waits on wall time.
"""

from __future__ import annotations

import datetime as dt
import os
import selectors
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import content, housekeeping, upload_lease
from safeconduct.cases.keys import unseal_for_recipient
from safeconduct.cases.models import Case
from safeconduct.crypto import filestream
from safeconduct.crypto.keys import parse_recovery_key
from safeconduct.errors import Conflict
from tests.conftest import Installation
from tests.flows import start_contact

BLOCK = filestream.BLOCK
BUSY = "This upload is already receiving data from another request."


@dataclass
class Pending:
    case_id: str
    case_key: bytes
    upload_id: str


def _new_upload(inst: Installation, client: TestClient, length: int) -> Pending:
    start_contact(client)
    with inst.runtime.db() as db:
        case_id = db.scalars(select(Case.id)).one()
        key = unseal_for_recipient(db, case_id, "recovery", parse_recovery_key(inst.recovery_key))
        state = content.create_upload(db, inst.settings, case=content.get_case(db, case_id), case_key=key,
                                      signing_key=inst.runtime.org.signing_key, author=content.CONTACT,
                                      length=length, name="t.bin", content_type="application/octet-stream")
    return Pending(case_id, key, state.id)


def _appender(inst: Installation, db: Session, up: Pending, offset: int,
              clock: upload_lease.Clock) -> content.UploadAppender:
    return content.UploadAppender(db, inst.settings, case_id=up.case_id, case_key=up.case_key,
                                  signing_key=inst.runtime.org.signing_key, upload_id=up.upload_id, offset=offset,
                                  clock=clock)


def _stored(inst: Installation, up: Pending) -> bytes:
    with inst.runtime.db() as db:
        view, blocks = content.open_file(db, inst.settings, case_id=up.case_id, case_key=up.case_key,
                                         file_id=up.upload_id)
        body = b"".join(blocks)
    assert view.size == len(body)
    return body


HOLD_AND_HANG = """
import sys, time
from safeconduct.cases import content
from safeconduct.config import load_settings
from safeconduct.runtime import Runtime

data_dir, url, case_id, key, upload_id, body = sys.argv[1:]
runtime = Runtime.open(load_settings(data_dir, database_url=url))
with runtime.db() as db:
    appender = content.UploadAppender(db, runtime.settings, case_id=case_id, case_key=bytes.fromhex(key),
                                      signing_key=runtime.org.signing_key, upload_id=upload_id, offset=0)
    with open(body, "rb") as fh:
        appender.write(fh.read())
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_lease_held_by_a_killed_process_is_taken_over_once_it_expires(installation: Installation,
                                                                        client: TestClient, tmp_path: Path) -> None:
    data = os.urandom(3 * BLOCK + 777)
    up = _new_upload(installation, client, len(data))
    (tmp_path / "body").write_bytes(data[: 2 * BLOCK + 100])
    before = upload_lease.utc_now()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_HANG, str(installation.settings.data_dir), installation.settings.database_url,
         up.case_id, up.case_key.hex(), up.upload_id, str(tmp_path / "body")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(holder.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
            assert sel.select(timeout=120), "the holding process never said it holds the lease"
        line = holder.stdout.readline()  # type: ignore[union-attr]
        assert line == b"holding\n", (line, holder.stderr.read() if holder.poll() is not None else b"")  # type: ignore[union-attr]
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
        holder.stderr.close()  # type: ignore[union-attr]

    with installation.runtime.db() as db:
        # Half-way through its lease, the dead holder still blocks writers (it might only be slow)...
        with pytest.raises(Conflict, match=BUSY):
            _appender(installation, db, up, 2 * BLOCK, lambda: before + upload_lease.LEASE / 2)
        # ...and once the lease has run out, the next request takes over from what reached the disk.
        later = upload_lease.utc_now() + upload_lease.LEASE + dt.timedelta(seconds=1)
        assert content.upload_state(db, installation.settings, case_id=up.case_id, case_key=up.case_key,
                                    upload_id=up.upload_id).offset == 2 * BLOCK  # its last 100 bytes died with it
        appender = _appender(installation, db, up, 2 * BLOCK, lambda: later)
        appender.write(data[2 * BLOCK :])
        state = appender.close(db)
    assert state.file is not None and state.file.size == len(data)
    assert _stored(installation, up) == data


def test_a_holder_that_stalled_past_its_lease_stops_writing_and_leaves_the_file_alone(
        installation: Installation, client: TestClient) -> None:
    data, other = os.urandom(2 * BLOCK + 50), os.urandom(2 * BLOCK + 50)
    up = _new_upload(installation, client, len(data))
    now = upload_lease.utc_now()
    clock = {"stalled": now}
    with installation.runtime.db() as db_a, installation.runtime.db() as db_b:
        stalled = _appender(installation, db_a, up, 0, lambda: clock["stalled"])
        stalled.write(other[: BLOCK + 10])
        # Its client goes quiet past the lease; a retry takes the upload over and resumes where it stands.
        after = now + upload_lease.LEASE + dt.timedelta(seconds=1)
        retry = _appender(installation, db_b, up, BLOCK, lambda: after)
        part = content.part_path(installation.settings, up.upload_id)
        retry.write(data[BLOCK : BLOCK + 20])  # (block 0 holds `other`: the same file, as a real retry sends)
        clock["stalled"] = after
        assert stalled.lease_due()
        with pytest.raises(Conflict, match=BUSY):
            stalled.write(other[BLOCK + 10 :])
        size_before = part.stat().st_size
        with pytest.raises(Conflict, match=BUSY):
            stalled.close(db_a)
        assert part.stat().st_size == size_before
        assert not part.with_name(part.name + ".tail").exists()  # the stalled request checkpointed nothing
        retry.write(data[BLOCK + 20 :])
        state = retry.close(db_b)
    assert state.offset == len(data)
    assert _stored(installation, up) == other[:BLOCK] + data[BLOCK:]


def test_an_upload_receiving_bytes_is_neither_terminated_nor_purged(installation: Installation,
                                                                   client: TestClient) -> None:
    data = os.urandom(BLOCK + 10)
    up = _new_upload(installation, client, len(data))
    # Long past the upload's expiry, a request is still receiving its bytes.
    late = upload_lease.utc_now() + dt.timedelta(hours=installation.settings.upload_expiry_hours + 1)
    part = content.part_path(installation.settings, up.upload_id)
    with installation.runtime.db() as db, installation.runtime.db() as other:
        appender = _appender(installation, db, up, 0, lambda: late)
        appender.write(data[:BLOCK])
        with pytest.raises(Conflict, match=BUSY):
            content.cancel_upload(other, installation.settings, case_id=up.case_id, upload_id=up.upload_id,
                                  clock=lambda: late)
        assert housekeeping.purge_abandoned_uploads(other, installation.settings, now=late) == 0
        assert part.exists()
        appender.write(data[BLOCK:])
        state = appender.close(db)
    assert state.file is not None
    assert _stored(installation, up) == data


def test_a_second_appender_in_the_same_process_is_refused(installation: Installation, client: TestClient) -> None:
    up = _new_upload(installation, client, 10)
    with installation.runtime.db() as db, installation.runtime.db() as other:
        first = _appender(installation, db, up, 0, upload_lease.utc_now)
        first.write(b"12345")
        with pytest.raises(Conflict, match=BUSY):
            _appender(installation, other, up, 0, upload_lease.utc_now)
        assert first.close(db).offset == 5
        second = _appender(installation, other, up, 5, upload_lease.utc_now)  # released at close
        second.write(b"67890")
        assert second.close(other).file is not None
    assert _stored(installation, up) == b"1234567890"


def test_a_running_hash_is_not_trusted_once_another_process_wrote_the_upload(installation: Installation,
                                                                            client: TestClient) -> None:
    """The hash recorded with a finished file is always the hash of the bytes stored, whoever wrote them."""
    import base64
    import hashlib
    import json

    from safeconduct.cases.models import Upload
    from safeconduct.crypto import aead

    first, then = os.urandom(BLOCK + 100), os.urandom(BLOCK + 100)
    up = _new_upload(installation, client, len(first))
    part = content.part_path(installation.settings, up.upload_id)
    with installation.runtime.db() as db:
        appender = _appender(installation, db, up, 0, upload_lease.utc_now)
        appender.write(first[:100])
        appender.close(db)  # this process keeps the running hash of those 100 bytes
        # Another process's request: the tail was lost (the offset fell back to 0), other bytes came.
        row = db.get(Upload, up.upload_id)
        assert row is not None
        meta = json.loads(aead.decrypt(up.case_key, row.meta_ciphertext,
                                       f"upload:{up.case_id}:{up.upload_id}".encode()))
        part.with_name(part.name + ".tail").unlink()
        other = filestream.EncryptedFileWriter.resume(part, up.upload_id.encode(), base64.b64decode(meta["key"]))
        other.write(then[:100])
        other.close()
        appender = _appender(installation, db, up, 100, upload_lease.utc_now)
        appender.write(then[100:])
        state = appender.close(db)
    assert state.file is not None and state.file.sha256 == hashlib.sha256(then).hexdigest()
    assert _stored(installation, up) == then
