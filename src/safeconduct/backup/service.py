"""`backup` and `restore`: the whole installation in one encrypted file, and back, nothing lost.

What a backup holds: the database (see :mod:`safeconduct.backup.database`), the encrypted file bodies the
database refers to, the unfinished uploads, the organisation's keys folder and its configuration file —
all inside an archive sealed to the recovery key (:mod:`safeconduct.crypto.archive`).

Order matters while the server runs. The database is copied first; the files are then chosen from that
copy, never from a listing of the folder. A finished file is moved into place *before* its row commits and
is never changed afterwards, so every row in the copy has its body on disk; a file still being uploaded or
finished after the copy has no row in it and is left out. Only a file deleted in between (a case
crypto-shredded during the backup) could be missing: the backup then starts again from a new copy.

A restore decrypts and checks the whole archive into a folder beside the target before anything is
installed, builds the database there (or in PostgreSQL, in one transaction), runs the migrations, and only
then moves the folder into place: a wrong key, a damaged or truncated archive, or a refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from safeconduct.backup import database
from safeconduct.config import Settings
from safeconduct.crypto import archive
from safeconduct.crypto.aead import DecryptionError
from safeconduct.org.models import Organisation
from safeconduct.org.service import NotInitialised
from safeconduct.store import migrate
from safeconduct.store.db import make_engine

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite"
CONFIG = "safeconduct.toml"
ATTEMPTS = 3
_MEMBER = re.compile(
    r"manifest\.json|database\.sqlite|safeconduct\.toml|keys/[A-Za-z0-9][A-Za-z0-9._-]*"
    r"|files/[0-9a-f]{32}\.enc|uploads/[0-9a-f]{32}\.part(\.tail)?"
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds (or a restore put back)."""

    revision: str
    source: str
    files: int
    uploads: int


# --- backup ---------------------------------------------------------------------------------------

def create_backup(settings: Settings, output: Path, *,
                  after_snapshot: Callable[[], None] | None = None) -> Summary:
    """Write an encrypted backup of the running installation to `output` (which must not exist).

    `after_snapshot` runs between the database copy and the file copies (tests use it to write then).
    """
    output = Path(output).resolve()
    if output.exists():
        raise BackupError(f"{output} already exists: choose another file (a backup never overwrites one)")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    engine = make_engine(settings.database_url)
    try:
        recovery_public_key = _recovery_public_key(settings, engine)
        for _ in range(ATTEMPTS):
            with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".backup-") as work:
                copy = Path(work) / DATABASE
                try:
                    revision = database.snapshot(engine, copy)
                except ValueError as exc:
                    raise BackupError(f"the database cannot be backed up: {exc}") from exc
                if after_snapshot is not None:
                    after_snapshot()
                summary = _write_archive(settings, output, recovery_public_key, copy, revision,
                                         engine.dialect.name)
                if summary is not None:
                    return summary
    finally:
        engine.dispose()
    raise BackupError("files kept disappearing while the backup ran (cases being shredded?): try again")


def _recovery_public_key(settings: Settings, engine: Engine) -> bytes:
    path = database.sqlite_path(engine)
    if path is not None and not path.is_file():  # opening it would create an empty database
        raise NotInitialised(f"no installation in {settings.data_dir}: there is no database at {path}")
    try:
        with Session(engine) as db:  # one column: an installation at an older revision has fewer than the model
            key = db.scalar(select(Organisation.recovery_public_key).where(Organisation.id == 1))
    except Exception as exc:  # no database, no schema
        raise NotInitialised(f"no installation in {settings.data_dir} ({type(exc).__name__})") from exc
    if key is None:
        raise NotInitialised(f"no installation in {settings.data_dir}")
    return bytes(key)


def _referenced(copy: Path) -> tuple[list[str], list[str]]:
    """The file ids and upload ids the database copy refers to."""
    with closing(sqlite3.connect(copy)) as db:
        files = [row[0] for row in db.execute("SELECT id FROM case_files ORDER BY id")]
        uploads = [row[0] for row in db.execute("SELECT id FROM uploads ORDER BY id")]
    return files, uploads


def _forget_uploads(copy: Path, upload_ids: list[str]) -> None:
    """Uploads finished or expired after the copy: their part is gone, so the copy must not promise it."""
    if upload_ids:
        with closing(sqlite3.connect(copy)) as db, db:
            db.executemany("DELETE FROM uploads WHERE id = ?", [(i,) for i in upload_ids])


def _write_archive(settings: Settings, output: Path, recovery_public_key: bytes, copy: Path, revision: str,
                   source: str) -> Summary | None:
    """The archive from a database copy; None when a file it refers to vanished (the caller starts again)."""
    files, uploads = _referenced(copy)
    work = copy.parent
    kept_uploads: list[str] = []
    for upload_id in uploads:  # copied now: an upload in progress keeps growing
        part = settings.uploads_dir / f"{upload_id}.part"
        try:
            shutil.copyfile(part, work / part.name)
        except FileNotFoundError:
            continue
        with suppress(FileNotFoundError):
            shutil.copyfile(part.with_name(part.name + ".tail"), work / (part.name + ".tail"))
        kept_uploads.append(upload_id)
    _forget_uploads(copy, sorted(set(uploads) - set(kept_uploads)))
    partial = output.with_name(output.name + ".partial")
    archive.discard(partial)  # a leftover of an interrupted backup
    writer = archive.create(partial, recovery_public_key)
    try:
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
            manifest = {"format": FORMAT, "revision": revision, "source": source,
                        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "files": len(files), "uploads": len(kept_uploads)}
            _add_bytes(tar, MANIFEST, json.dumps(manifest).encode())
            tar.add(copy, DATABASE, recursive=False)
            if settings.config_file.is_file():
                tar.add(settings.config_file, CONFIG, recursive=False)
            for key_file in sorted(settings.keys_dir.iterdir()) if settings.keys_dir.is_dir() else []:
                if key_file.is_file():
                    tar.add(key_file, f"keys/{key_file.name}", recursive=False)
            for upload_id in kept_uploads:
                for name in (f"{upload_id}.part", f"{upload_id}.part.tail"):
                    if (work / name).exists():
                        tar.add(work / name, f"uploads/{name}", recursive=False)
            for file_id in files:  # a finished body never changes; only a shredding can remove it
                tar.add(settings.files_dir / f"{file_id}.enc", f"files/{file_id}.enc", recursive=False)
        writer.finish()
        os.replace(partial, output)
    except FileNotFoundError:
        writer.abort()
        return None
    except BaseException:
        writer.abort()
        raise
    return Summary(revision=revision, source=source, files=len(files), uploads=len(kept_uploads))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------------

def restore_backup(settings: Settings, backup: Path, recovery_key: PrivateKey) -> Summary:
    """Install the backup as a new installation in `settings.data_dir` (and its database); refuse over one."""
    target = settings.data_dir
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"no such backup file: {backup}")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist (create it, then restore into it)")
    _refuse_existing(settings)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.restoring-"))
    try:
        manifest = _unpack(backup, recovery_key, staging)
        revision = _check_revision(manifest, staging / DATABASE)
        for folder in ("files", "uploads", "keys"):
            (staging / folder).mkdir(mode=0o700, exist_ok=True)
        _install(settings, staging, revision)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Summary(revision=revision, source=str(manifest.get("source")), files=int(str(manifest.get("files"))),
                   uploads=int(str(manifest.get("uploads"))))


def _refuse_existing(settings: Settings) -> None:
    target = settings.data_dir
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty: a restore only creates a new installation "
                          "(restore into a new folder, or move this one away first)")
    engine = make_engine(settings.database_url)
    try:
        path = database.sqlite_path(engine)
        if path is not None:
            if path.exists():
                raise BackupError(f"the database {path} already exists: a restore never overwrites a database")
            return
        try:
            tables = inspect(engine).get_table_names()
        except Exception as exc:
            raise BackupError(f"cannot reach the database to restore into: {type(exc).__name__}: {exc}") from exc
        if tables:
            raise BackupError("the database to restore into is not empty (it holds "
                              f"{len(tables)} tables): restore only into a new, empty database")
    finally:
        engine.dispose()


class _BlockReader(io.RawIOBase):
    """A readable stream over the archive's decrypted blocks (tarfile reads it in stream mode)."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks, self._buffer = blocks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._buffer = block
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def drain(self) -> None:
        """Read to the end: the last block is what proves the archive was not cut short."""
        for _ in self._blocks:
            pass


def _unpack(backup: Path, recovery_key: PrivateKey, staging: Path) -> dict[str, object]:
    """Decrypt and check the whole archive into `staging`; raises :class:`BackupError` on any damage."""
    try:
        reader = _BlockReader(archive.read(backup, recovery_key))
        stream = io.BufferedReader(reader, buffer_size=1024 * 1024)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not _MEMBER.fullmatch(member.name):
                    raise BackupError(f"the backup holds an unexpected entry ({member.name!r}): not restoring it")
                destination = staging / member.name
                destination.parent.mkdir(mode=0o700, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
        stream.read()
        reader.drain()
    except archive.WrongKey as exc:
        raise BackupError(str(exc)) from exc
    except archive.NotAnArchive as exc:
        raise BackupError(str(exc)) from exc
    except (DecryptionError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"the backup {backup} is damaged or incomplete ({exc})") from exc
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"the backup {backup} has no readable manifest") from exc
    if manifest.get("format") != FORMAT or not (staging / DATABASE).is_file():
        raise BackupError(f"the backup {backup} is of an unknown format")
    (staging / MANIFEST).unlink()
    return dict(manifest)


def _check_revision(manifest: dict[str, object], snapshot: Path) -> str:
    revision = database.revision_of(snapshot)
    if revision is None or revision != manifest.get("revision"):
        raise BackupError("the backup's database does not carry the schema version its manifest names")
    if revision not in migrate.known_revisions():
        raise BackupError(f"this backup was made by a newer version of safeconduct (schema {revision}): "
                          "install that version or a later one to restore it")
    return revision


def _install(settings: Settings, staging: Path, revision: str) -> None:
    """Build the database from the snapshot, migrated to today, then move the folder into place."""
    snapshot = staging / DATABASE
    engine = make_engine(settings.database_url)
    try:
        path = database.sqlite_path(engine)
        if path is not None:
            staged_db = staging / "restored.sqlite"
            snapshot.rename(staged_db)
            staged = make_engine(f"sqlite:///{staged_db}")
            try:
                migrate.upgrade(staged)
            finally:
                staged.dispose()
            inside = path.parent == settings.data_dir
            if inside:
                staged_db.rename(staging / path.name)
            _move_into_place(staging, settings.data_dir)
            if not inside:
                shutil.move(settings.data_dir / staged_db.name, path)
            return
        moved = False
        try:
            with engine.begin() as connection:
                database.load_into(snapshot, connection, revision)
                snapshot.unlink()
                _move_into_place(staging, settings.data_dir)  # the transaction commits only once this is done
                moved = True
        except BaseException:
            if moved:  # the commit failed: take the folder back out, for the caller to remove
                os.rename(settings.data_dir, staging)
            raise
    finally:
        engine.dispose()


def _move_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        target.rmdir()  # empty, checked before anything was unpacked
    os.rename(staging, target)
    target.chmod(0o700)
