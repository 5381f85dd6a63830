"""`safeconduct backup` / `restore`: a snapshot of a running installation, sealed to the recovery key.

Every refusal (an installation already there, a wrong key, a damaged or cut archive) is checked for its
message AND for leaving nothing behind. The old-backup test builds an installation at the first schema
revision, as the first release left it, and restores it with today's code.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nacl.public import PrivateKey
from sqlalchemy import MetaData, insert, select
from typer.testing import CliRunner

from safeconduct.backup import BackupError, create_backup, restore_backup
from safeconduct.cases import content, keys
from safeconduct.cases.models import Case, CaseFile, CaseKeySeal, Message
from safeconduct.cli import app
from safeconduct.config import Settings, load_settings
from safeconduct.crypto import aead, filestream, sealing
from safeconduct.crypto.keys import format_recovery_key, parse_recovery_key, write_signing_key
from safeconduct.org.models import Organisation
from safeconduct.org.service import signing_key_path
from safeconduct.runtime import Runtime
from safeconduct.store import migrate
from safeconduct.store.db import make_engine
from tests.conftest import Installation, client_for, make_installation, postgres_available, postgres_database
from tests.flows import bearer, start_contact
from tests.support import require


@contextlib.contextmanager
def _target(backend: str, tmp_path: Path, name: str = "restored") -> Iterator[Settings]:
    """Settings of a new installation to restore into, on the same engine as the source."""
    if backend == "sqlite":
        yield load_settings(tmp_path / name)
        return
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        yield load_settings(tmp_path / name, database_url=url)


@dataclass
class Read:
    """What the recovery key reads back from a (restored) installation."""

    messages: list[str]
    files: dict[str, bytes]


def _read_with_recovery_key(settings: Settings, recovery_key: str) -> dict[str, Read]:
    runtime = Runtime.open(settings)
    try:
        assert migrate.is_current(runtime.engine)
        _ = runtime.org  # the keys folder came back with the database it belongs to
        private = parse_recovery_key(recovery_key)
        out = {}
        with runtime.db() as db:
            for case_id in db.scalars(select(Case.id)):
                key = keys.unseal_for_recipient(db, case_id, "recovery", private)
                texts = [m.text for m in content.read_messages(db, case_id=case_id, case_key=key)]
                files = {}
                for f in content.list_files(db, case_id=case_id, case_key=key):
                    _, blocks = content.open_file(db, settings, case_id=case_id, case_key=key, file_id=f.id)
                    files[f.name] = b"".join(blocks)
                out[case_id] = Read(texts, files)
        return out
    finally:
        runtime.engine.dispose()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _post(client: object, token: str, text: str) -> None:
    r = client.post("/api/v1/contact/messages", json={"text": text}, headers=bearer(token))  # type: ignore[attr-defined]
    assert r.status_code == 201, r.text


def test_a_backup_taken_while_people_write_restores_everything_acknowledged_before_it(
    installation: Installation, tmp_path: Path
) -> None:
    inst = installation
    with client_for(inst) as client, client_for(inst) as other:
        _, token = start_contact(client)
        _post(client, token, "before the backup")
        body = secrets.token_bytes(3 * 1024 * 1024 + 17)  # several encrypted blocks
        r = client.post("/api/v1/contact/files", files={"file": ("evidence.bin", body)}, headers=bearer(token))
        assert r.status_code == 201, r.text

        acknowledged: list[str] = []
        started, stop = threading.Event(), threading.Event()

        def keep_writing() -> None:  # another person keeps writing all through the backup
            _, their_token = start_contact(other)
            n = 0
            while not stop.is_set():
                _post(other, their_token, f"ongoing {n}")
                acknowledged.append(f"ongoing {n}")
                n += 1
                if n == 3:
                    started.set()

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            assert started.wait(60)
            before = list(acknowledged)

            def write_after_the_snapshot() -> None:  # a message and a file the database copy cannot know of
                _post(client, token, "after the snapshot")
                r = client.post("/api/v1/contact/files", files={"file": ("late.txt", b"late")},
                                headers=bearer(token))
                assert r.status_code == 201, r.text

            summary = create_backup(inst.settings, tmp_path / "backup.scb", after_snapshot=write_after_the_snapshot)
        finally:
            stop.set()
            writer.join(60)
    assert summary.files == 1 and summary.source == inst.runtime.engine.dialect.name
    backup = (tmp_path / "backup.scb").read_bytes()
    assert b"before the backup" not in backup and b"ongoing" not in backup and b"SQLite format" not in backup

    with _target(inst.backend, tmp_path) as target:
        restore_backup(target, tmp_path / "backup.scb", parse_recovery_key(inst.recovery_key))
        cases = _read_with_recovery_key(target, inst.recovery_key)
    assert len(cases) == 2
    mine = next(c for c in cases.values() if "before the backup" in c.messages)
    theirs = next(c for c in cases.values() if c is not mine)
    assert mine.files == {"evidence.bin": body}  # the late file has no row in the copy, and is not missing
    assert mine.messages == ["before the backup"]
    assert theirs.messages[: len(before)] == before  # acknowledged before the backup: all there, in order
    assert set(theirs.messages) <= set(acknowledged)
    assert (target.data_dir / "keys" / "ledger-signing.key").read_bytes() == \
        signing_key_path(inst.settings).read_bytes()


def test_backup_and_restore_from_the_command_line(sqlite_installation: Installation, tmp_path: Path) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        _, token = start_contact(client)
        _post(client, token, "from the command line")
    data, out = str(inst.settings.data_dir), tmp_path / "nightly.scb"
    result = CliRunner().invoke(app, ["backup", "--data", data, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o077 == 0
    result = CliRunner().invoke(app, ["backup", "--data", data, "-o", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output  # never overwrites a backup
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["backup", "--data", str(tmp_path / "empty"), "-o", str(tmp_path / "x.scb")])
    assert result.exit_code == 1 and "no installation" in result.output
    (tmp_path / "empty").rmdir()  # nothing was created in it

    restored = tmp_path / "restored"
    result = CliRunner().invoke(app, ["restore", str(out), "--data", str(restored)], input=inst.recovery_key + "\n")
    assert result.exit_code == 0, result.output
    [read] = _read_with_recovery_key(load_settings(restored), inst.recovery_key).values()
    assert read.messages == ["from the command line"]

    # Over an installation (the source, or the one just restored): refused, nothing touched.
    for existing in (inst.settings.data_dir, restored):
        snapshot = _tree(existing)
        result = CliRunner().invoke(app, ["restore", str(out), "--data", str(existing)],
                                    input=inst.recovery_key + "\n")
        assert result.exit_code == 1
        assert f"Error: {existing} is not empty" in result.output and "Nothing was changed." in result.output
        assert _tree(existing) == snapshot
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "nightly.scb", "restored"]


@pytest.mark.postgres
def test_restore_refuses_a_postgres_database_that_is_not_empty(tmp_path: Path) -> None:
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        inst = make_installation(tmp_path / "data", url, "postgres")
        try:
            create_backup(inst.settings, tmp_path / "b.scb")
            target = load_settings(tmp_path / "new", database_url=url)
            with pytest.raises(BackupError, match="not empty"):
                restore_backup(target, tmp_path / "b.scb", parse_recovery_key(inst.recovery_key))
            _read_with_recovery_key(inst.settings, inst.recovery_key)  # the installation there is untouched
        finally:
            inst.runtime.engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.scb", "data"]


def test_a_wrong_key_or_a_damaged_archive_is_refused_and_nothing_is_written(
    sqlite_installation: Installation, tmp_path: Path
) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        _, token = start_contact(client)
        _post(client, token, "hello")
        client.post("/api/v1/contact/files", files={"file": ("f.bin", secrets.token_bytes(2_500_000))},
                    headers=bearer(token))
    good = tmp_path / "good.scb"
    create_backup(inst.settings, good)
    blob = good.read_bytes()
    damaged = {
        "flipped": blob[:len(blob) // 2] + bytes([blob[len(blob) // 2] ^ 1]) + blob[len(blob) // 2 + 1:],
        "cut": blob[:-1000],
        "cut at a block": blob[:6 + 80 + 20 + 1024 * 1024 + 16],
        "head only": blob[:100],
        "empty": b"",
    }
    foreign = format_recovery_key(PrivateKey.generate())
    cases = [(good, foreign, "does not open this backup")]
    for name, data in damaged.items():
        path = tmp_path / f"{name}.scb"
        path.write_bytes(data)
        cases.append((path, inst.recovery_key, "not a safeconduct backup" if name == "empty" else "damaged"))
    for path, key, message in cases:
        result = CliRunner().invoke(app, ["restore", str(path), "--data", str(tmp_path / "restored")],
                                    input=key + "\n")
        assert result.exit_code == 1, (path.name, result.output)
        assert message in result.output and "Nothing was changed." in result.output, (path.name, result.output)
        assert not (tmp_path / "restored").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a staging folder was left behind"
    result = CliRunner().invoke(app, ["restore", str(good), "--data", str(tmp_path / "restored")],
                                input="SCRK-NOT-A-KEY\n")
    assert result.exit_code == 1 and not (tmp_path / "restored").exists()


# --- a backup of the first release restores into today's code -------------------------------------

def _installation_at_first_revision(settings: Settings) -> tuple[str, bytes]:
    """A data folder and database exactly as revision 0001 knew them: one case, a message and a file."""
    for folder in (settings.data_dir, settings.files_dir, settings.uploads_dir, settings.keys_dir):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine, "0001")
    signing = write_signing_key(signing_key_path(settings))
    recovery, contact = PrivateKey.generate(), PrivateKey.generate()
    case_id, file_id, case_key = secrets.token_hex(16), secrets.token_hex(16), aead.new_key()
    today, now = dt.date.today(), dt.datetime.now(dt.UTC)
    body = secrets.token_bytes(1024 * 1024 + 5)
    file_key = aead.new_key()
    writer = filestream.EncryptedFileWriter.create(settings.files_dir / f"{file_id}.enc", file_id.encode(), file_key)
    writer.write(body)
    writer.finish()
    message = {"v": 1, "author": {"kind": "contact", "staff_id": None, "name": None}, "text": "from 0001",
               "at": now.isoformat(), "nonce": ""}
    meta = {"v": 1, "name": "old.bin", "size": len(body), "content_type": "application/octet-stream",
            "sha256": hashlib.sha256(body).hexdigest(), "key": base64.b64encode(file_key).decode(),
            "author": {"kind": "contact", "staff_id": None, "name": None}, "at": now.isoformat(), "nonce": ""}
    # The tables as revision 0001 made them: today's models carry columns (and defaults) it has not.
    old = MetaData()
    old.reflect(engine)
    with engine.begin() as db:
        db.execute(insert(old.tables[Organisation.__tablename__]).values(
            id=1, name="Old", codename_salt=secrets.token_bytes(16), recovery_public_key=bytes(recovery.public_key),
            signing_public_key=bytes(signing.verify_key), created_on=today))
        db.execute(insert(old.tables[Case.__tablename__]).values(
            id=case_id, label="ABCD-EFGH", state="new_contact", created_on=today, last_activity_on=today,
            contact_lookup=secrets.token_bytes(32), contact_public_key=bytes(contact.public_key)))
        db.execute(insert(old.tables[CaseKeySeal.__tablename__]).values(
            case_id=case_id, recipient="recovery", sealed=sealing.seal(bytes(recovery.public_key), case_key)))
        db.execute(insert(old.tables[Message.__tablename__]).values(
            case_id=case_id, created_on=today,
            ciphertext=aead.encrypt(case_key, json.dumps(message).encode(), b"message:" + case_id.encode())))
        db.execute(insert(old.tables[CaseFile.__tablename__]).values(
            id=file_id, case_id=case_id, created_on=today,
            meta_ciphertext=aead.encrypt(case_key, json.dumps(meta).encode(), f"file:{case_id}:{file_id}".encode())))
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0001"
    engine.dispose()
    return format_recovery_key(recovery), body


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_backup_of_the_first_schema_restores_into_todays_code(backend: str, tmp_path: Path) -> None:
    with _target(backend, tmp_path, "old") as old, _target(backend, tmp_path, "new") as new:
        recovery_key, body = _installation_at_first_revision(old)
        summary = create_backup(old, tmp_path / "old.scb")
        assert summary.revision == "0001"
        restore_backup(new, tmp_path / "old.scb", parse_recovery_key(recovery_key))
        [read] = _read_with_recovery_key(new, recovery_key).values()  # migrated to today's head, and readable
    assert read.messages == ["from 0001"] and read.files == {"old.bin": body}


def test_a_backup_restores_into_the_other_engine(installation: Installation, tmp_path: Path) -> None:
    inst = installation
    with client_for(inst) as client:
        _, token = start_contact(client)
        _post(client, token, "moving house")
    create_backup(inst.settings, tmp_path / "b.scb")
    other = "postgres" if inst.backend == "sqlite" else "sqlite"
    with _target(other, tmp_path) as target:
        restore_backup(target, tmp_path / "b.scb", parse_recovery_key(inst.recovery_key))
        [read] = _read_with_recovery_key(target, inst.recovery_key).values()
        assert read.messages == ["moving house"]
        runtime = Runtime.open(target)
        try:  # a new message after the restore gets a fresh id (PostgreSQL's sequences follow the copied rows)
            with client_for(Installation(runtime, inst.recovery_key, other)) as client:
                _, token = start_contact(client)
                _post(client, token, "after the move")
        finally:
            runtime.engine.dispose()


def test_a_file_shredded_during_the_backup_makes_it_start_again_from_a_new_copy(
    sqlite_installation: Installation, tmp_path: Path
) -> None:
    inst = sqlite_installation
    with client_for(inst) as client:
        _, token = start_contact(client)
        _post(client, token, "kept")
        for name in ("shredded.txt", "kept.txt"):
            r = client.post("/api/v1/contact/files", files={"file": (name, name.encode())}, headers=bearer(token))
            assert r.status_code == 201, r.text
    with inst.runtime.db() as db:
        ids = list(db.scalars(select(CaseFile.id)))
    calls = []

    def shred_one_after_the_first_copy() -> None:
        calls.append(1)
        if len(calls) == 1:  # the copy names both files; one of them is deleted before it is read
            with inst.runtime.db() as db:
                db.execute(CaseFile.__table__.delete().where(CaseFile.id == ids[0]))
                db.commit()
            content.final_path(inst.settings, ids[0]).unlink()

    create_backup(inst.settings, tmp_path / "b.scb", after_snapshot=shred_one_after_the_first_copy)
    assert len(calls) == 2
    with _target("sqlite", tmp_path) as target:
        restore_backup(target, tmp_path / "b.scb", parse_recovery_key(inst.recovery_key))
        [read] = _read_with_recovery_key(target, inst.recovery_key).values()
    assert read.messages == ["kept"] and len(read.files) == 1  # the other file, and nothing missing
