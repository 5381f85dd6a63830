"""Messages, replies and files of a case, encrypted under the case key before they reach storage."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import and_, bindparam, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from safeconduct.cases import events, intake, partial_uploads, upload_lease
from safeconduct.cases.models import Case, CaseFile, CaseKeySeal, Message, Upload
from safeconduct.config import Settings
from safeconduct.crypto import aead, filestream
from safeconduct.errors import ByteSize, Conflict, InvalidInput, NotFound, TooLarge
from safeconduct.notifications import service as notifications
from safeconduct.staff.models import StaffMember
from safeconduct.store import coarse, diskspace


@dataclass(frozen=True)
class Author:
    """Who wrote something; stored only inside the ciphertext."""

    kind: str  # "contact" or "staff"
    staff_id: int | None = None
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "staff_id": self.staff_id, "name": self.name}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Author:
        return cls(kind=data["kind"], staff_id=data.get("staff_id"), name=data.get("name"))


CONTACT = Author("contact")


@dataclass(frozen=True)
class MessageView:
    id: int
    author: Author
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class FileView:
    id: str
    name: str
    size: int
    content_type: str
    author: Author
    at: dt.datetime
    sha256: str
    #: the organisation's own (an interview it recorded): in the case for its staff, never shown to the contact
    internal: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _touch(case: Case, at: dt.datetime) -> None:
    case.last_activity_on = at.date()


def get_case(db: Session, case_id: str) -> Case:
    case = db.get(Case, case_id)
    if case is None:
        raise NotFound("No such case.")
    return case


# --- messages -------------------------------------------------------------------------------------

def clean_text(text: object, max_chars: int) -> str:
    """Validate a message body: a non-empty string within the size limit."""
    if not isinstance(text, str):
        raise InvalidInput("A message must be text.")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("The message is empty.")
    if len(text) > max_chars:
        raise TooLarge("The message is too long: at most %(n)s characters.", n=max_chars)
    return text


def _message_aad(case_id: str) -> bytes:
    return b"message:" + case_id.encode()


_MESSAGES = Message.__table__
_INSERT_MESSAGE = insert(_MESSAGES).returning(_MESSAGES.c.id)  # type: ignore[arg-type]
_CASES = Case.__table__
_AFTER_MESSAGE = (update(_CASES).where(_CASES.c.id == bindparam("b_case_id"))  # type: ignore[arg-type]
                  .values(last_activity_on=bindparam("b_day"), last_message_id=bindparam("b_message_id")))


# PostgreSQL: the message and its case's update in one statement (one round trip)
_MESSAGE_AND_CASE_PG = text(
    "WITH m AS (INSERT INTO messages (case_id, created_on, ciphertext) VALUES (:case_id, :day, :ciphertext) "
    "RETURNING id), c AS (UPDATE cases SET last_activity_on = :day, last_message_id = (SELECT id FROM m) "
    "WHERE id = :case_id) SELECT id FROM m")


def _store_message(db: Session, case_id: str, day: dt.date, ciphertext: bytes) -> int:
    if db.get_bind().dialect.name == "postgresql":
        return int(db.execute(_MESSAGE_AND_CASE_PG, {"case_id": case_id, "day": day,
                                                     "ciphertext": ciphertext}).scalar_one())
    message_id = int(db.execute(_INSERT_MESSAGE, {"case_id": case_id, "created_on": day,
                                                  "ciphertext": ciphertext}).scalar_one())
    db.execute(_AFTER_MESSAGE, {"b_case_id": case_id, "b_day": day, "b_message_id": message_id})
    return message_id


def post_message(
    db: Session, settings: Settings, *, case: Case, case_key: bytes, signing_key: SigningKey, author: Author,
    text: object,
) -> MessageView:
    """Encrypt and store a message or reply, record it in the ledger, commit both together.

    Core statements, not the ORM's unit of work: this runs for every message (docs/benchmarks.md).
    """
    return _post(db, settings, case_id=case.id, case=case, case_key=case_key, signing_key=signing_key,
                 author=author, text=text)


# The case's opened day and the staff to notify, in one statement (a row per holder, or one with no holder)
_CASE_AND_HOLDERS = (
    select(Case.opened_on, StaffMember.id, StaffMember.public_key)
    .select_from(Case)
    .outerjoin(CaseKeySeal, and_(CaseKeySeal.case_id == Case.id, CaseKeySeal.recipient == "staff"))
    .outerjoin(StaffMember, and_(StaffMember.id == CaseKeySeal.staff_id, StaffMember.active.is_(True)))
    .where(Case.id == bindparam("case_id"))
    .order_by(StaffMember.id)
)


def post_contact_message(db: Session, settings: Settings, *, case_id: str, case_key: bytes,
                         signing_key: SigningKey, text: object) -> MessageView:
    """The contact's message (what `post_message` does for `CONTACT`), reading only what it needs of the case:
    a conversation already open takes one small read instead of loading the whole case row."""
    rows = db.execute(_CASE_AND_HOLDERS, {"case_id": case_id}).all()
    if not rows:
        raise NotFound("No such case.")
    if rows[0].opened_on is None:  # the first words open the case: the full path, with the case loaded
        return post_message(db, settings, case=get_case(db, case_id), case_key=case_key, signing_key=signing_key,
                            author=CONTACT, text=text)
    holders = [r for r in rows if r.id is not None]
    return _post(db, settings, case_id=case_id, case=None, case_key=case_key, signing_key=signing_key,
                 author=CONTACT, text=text, holders=holders)


def _post(db: Session, settings: Settings, *, case_id: str, case: Case | None, case_key: bytes,
          signing_key: SigningKey, author: Author, text: object,
          holders: list[Any] | None = None) -> MessageView:
    """`case` given: the contact's first words are delivered (`intake.deliver`) and the loaded case kept current.
    `holders` (id and public key of each active holder), when the caller read them already: who is notified."""
    body = clean_text(text, settings.max_message_chars)
    at = _now()
    kind = "message_in" if author.kind == "contact" else "reply_out"
    with diskspace.refused_when_full(db):  # a full disk: the event and the message are both rolled back
        if author.kind == "contact" and case is not None:
            intake.deliver(db, case=case, case_key=case_key, signing_key=signing_key, at=at)
        nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind=kind,
                              plaintext=body.encode(), at=at)
        payload = {"v": 1, "author": author.to_json(), "text": body, "at": at.isoformat(),
                   "nonce": base64.b64encode(nonce).decode()}
        ciphertext = aead.encrypt(case_key, json.dumps(payload).encode(), _message_aad(case_id))
        # the case's day of last activity and latest message (the inbox's "unread") move with it
        message_id = _store_message(db, case_id, at.date(), ciphertext)
        if case is not None:
            set_committed_value(case, "last_activity_on", at.date())
            set_committed_value(case, "last_message_id", message_id)
        if author.kind == "contact" and holders is not None:
            notifications.notify_members(db, holders, kind=notifications.Kind.MESSAGE, case_id=case_id, at=at)
        elif author.kind == "contact":
            notifications.notify(db, case_id=case_id, kind=notifications.Kind.MESSAGE, at=at)
        db.commit()
    return MessageView(id=message_id, author=author, text=body, at=at)


def read_messages(db: Session, *, case_id: str, case_key: bytes, after_id: int = 0) -> list[MessageView]:
    """The conversation in order, decrypted in memory."""
    rows = db.scalars(
        select(Message).where(Message.case_id == case_id, Message.id > after_id).order_by(Message.id)
    )
    views = []
    for row in rows:
        data = json.loads(aead.decrypt(case_key, row.ciphertext, _message_aad(case_id)))
        views.append(
            MessageView(id=row.id, author=Author.from_json(data["author"]), text=data["text"],
                        at=dt.datetime.fromisoformat(data["at"]))
        )
    return views


def latest_message_id(db: Session, case_id: str) -> int:
    return db.scalar(select(Message.id).where(Message.case_id == case_id).order_by(Message.id.desc()).limit(1)) or 0


# --- files ----------------------------------------------------------------------------------------

def clean_filename(name: object) -> str:
    """Keep only the last path component, printable, at most 200 characters."""
    if not isinstance(name, str):
        name = ""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip(" .")
    return base[:200] or "file"


def clean_content_type(value: object) -> str:
    if isinstance(value, str) and "/" in value and len(value) < 128 and value.isprintable():
        return value.split(";")[0].strip().lower()
    return "application/octet-stream"


def _meta_aad(case_id: str, file_id: str) -> bytes:
    return f"file:{case_id}:{file_id}".encode()


def part_path(settings: Settings, file_id: str) -> Path:
    return settings.uploads_dir / f"{file_id}.part"


def final_path(settings: Settings, file_id: str) -> Path:
    return settings.files_dir / f"{file_id}.enc"


class FileSink:
    """Receives a file body piece by piece, encrypting as it goes; `finish` stores it, `abort` forgets it."""

    def __init__(self, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                 author: Author, name: str, content_type: str, internal: bool = False) -> None:
        self._settings, self._signing_key, self.internal = settings, signing_key, internal
        self.case_id, self._case_key, self.author = case_id, case_key, author
        self.name, self.content_type = clean_filename(name), clean_content_type(content_type)
        self.file_id = secrets.token_hex(16)
        self._file_key = aead.new_key()
        self._sha = hashlib.sha256()
        settings.uploads_dir.mkdir(parents=True, exist_ok=True)
        self._writer = partial_uploads.OneRequestWriter.start(
            settings, part_path(settings, self.file_id), self.file_id.encode(), self._file_key
        )

    @property
    def size(self) -> int:
        return self._writer.offset

    def write(self, data: bytes) -> None:
        if self._writer.offset + len(data) > self._settings.max_upload_bytes:
            self.abort()
            raise TooLarge(_too_large_message(), n=ByteSize(self._settings.max_upload_bytes))
        self._sha.update(data)
        self._writer.write(data)

    def abort(self) -> None:
        self._writer.abandon()

    def finish(self, db: Session) -> FileView:
        """Seal and record the file; on any failure (a full disk included) nothing of it is left."""
        try:
            with diskspace.refused_when_full(db):
                size = self._writer.finish()
                return _store_finished(
                    db, self._settings, case=get_case(db, self.case_id), case_key=self._case_key,
                    signing_key=self._signing_key, file_id=self.file_id,
                    file_key=self._file_key, name=self.name, content_type=self.content_type, size=size,
                    sha256=self._sha.hexdigest(), author=self.author, internal=self.internal,
                )
        except BaseException:
            self.abort()
            raise


def _too_large_message() -> str:
    return "The file is too large: at most %(n)s."


def _store_finished(
    db: Session, settings: Settings, *, case: Case, case_key: bytes, signing_key: SigningKey, file_id: str,
    file_key: bytes, name: str,
    content_type: str, size: int, sha256: str, author: Author, internal: bool = False,
) -> FileView:
    """Move the sealed body into place and record the file in one transaction."""
    at = _now()
    if author.kind == "contact":
        intake.deliver(db, case=case, case_key=case_key, signing_key=signing_key, at=at)
    nonce = events.record(
        db, case_id=case.id, case_key=case_key, signing_key=signing_key,
        kind="file_in" if author.kind == "contact" else "file_out",
        plaintext=json.dumps({"name": name, "sha256": sha256, "size": size}).encode(), at=at,
    )
    meta = {"v": 1, "name": name, "size": size, "content_type": content_type, "sha256": sha256,
            "key": base64.b64encode(file_key).decode(), "author": author.to_json(), "at": at.isoformat(),
            "nonce": base64.b64encode(nonce).decode(), "internal": internal}
    settings.files_dir.mkdir(parents=True, exist_ok=True)
    final = final_path(settings, file_id)
    os.replace(part_path(settings, file_id), final)
    coarse.day_mtimes(final, final.parent, settings.uploads_dir)  # no exact time of this file on the disk
    try:
        db.add(CaseFile(id=file_id, case_id=case.id, created_on=at.date(),
                        meta_ciphertext=aead.encrypt(case_key, json.dumps(meta).encode(), _meta_aad(case.id, file_id))))
        _touch(case, at)
        if author.kind == "contact":
            notifications.notify(db, case_id=case.id, kind=notifications.Kind.MESSAGE, at=at)
        db.commit()
    except Exception:
        db.rollback()
        final.unlink(missing_ok=True)
        raise
    return FileView(id=file_id, name=name, size=size, content_type=content_type, author=author, at=at, sha256=sha256,
                    internal=internal)


def _file_view(case_id: str, case_key: bytes, row: CaseFile) -> tuple[FileView, bytes]:
    meta = json.loads(aead.decrypt(case_key, row.meta_ciphertext, _meta_aad(case_id, row.id)))
    view = FileView(id=row.id, name=meta["name"], size=meta["size"], content_type=meta["content_type"],
                    author=Author.from_json(meta["author"]), at=dt.datetime.fromisoformat(meta["at"]),
                    sha256=meta["sha256"], internal=bool(meta.get("internal", False)))
    return view, base64.b64decode(meta["key"])


def list_files(db: Session, *, case_id: str, case_key: bytes) -> list[FileView]:
    rows = db.scalars(select(CaseFile).where(CaseFile.case_id == case_id).order_by(CaseFile.created_on))
    views = [_file_view(case_id, case_key, row)[0] for row in rows]
    return sorted(views, key=lambda v: v.at)


def files_for_contact(db: Session, *, case_id: str, case_key: bytes) -> list[FileView]:
    """What the contact sees: every file of the conversation, not the organisation's own recordings."""
    return [f for f in list_files(db, case_id=case_id, case_key=case_key) if not f.internal]


def open_file(db: Session, settings: Settings, *, case_id: str, case_key: bytes,
              file_id: str) -> tuple[FileView, Iterator[bytes]]:
    """The file's description and a generator of its decrypted body (memory: one block)."""
    row = db.get(CaseFile, file_id)
    if row is None or row.case_id != case_id:
        raise NotFound("No such file in this case.")
    view, key = _file_view(case_id, case_key, row)
    return view, filestream.decrypt_blocks(final_path(settings, file_id), file_id.encode(), key)


# --- resumable uploads (tus) ----------------------------------------------------------------------

@dataclass(frozen=True)
class UploadState:
    id: str
    offset: int
    length: int
    file: FileView | None = None


def _upload_aad(case_id: str, upload_id: str) -> bytes:
    return f"upload:{case_id}:{upload_id}".encode()


def create_upload(db: Session, settings: Settings, *, case: Case, case_key: bytes, signing_key: SigningKey,
                  author: Author, length: object, name: object, content_type: object) -> UploadState:
    """Announce a resumable upload; refuses a file that is too large before any byte of it is sent."""
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise InvalidInput("The upload length must be a whole number of bytes.")
    if length > settings.max_upload_bytes:
        raise TooLarge(_too_large_message(), n=ByteSize(settings.max_upload_bytes))
    diskspace.require_room(settings, length)
    upload_id = secrets.token_hex(16)
    file_key = aead.new_key()
    meta = {"name": clean_filename(name), "content_type": clean_content_type(content_type),
            "key": base64.b64encode(file_key).decode(), "author": author.to_json()}
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    writer = filestream.EncryptedFileWriter.create(part_path(settings, upload_id), upload_id.encode(), file_key)
    writer.close()
    db.add(Upload(id=upload_id, case_id=case.id, length=length,
                  meta_ciphertext=aead.encrypt(case_key, json.dumps(meta).encode(), _upload_aad(case.id, upload_id)),
                  expires_at=_now() + dt.timedelta(hours=settings.upload_expiry_hours)))
    db.commit()
    if length == 0:
        return append_upload(db, settings, case_id=case.id, case_key=case_key, signing_key=signing_key,
                             upload_id=upload_id, offset=0, chunks=iter(()))
    return UploadState(id=upload_id, offset=0, length=length)


def upload_state(db: Session, settings: Settings, *, case_id: str, case_key: bytes, upload_id: str) -> UploadState:
    """Where a resumable upload stands (a finished one reports its full length)."""
    row = db.get(Upload, upload_id)
    if row is None or row.case_id != case_id:
        done = db.get(CaseFile, upload_id)
        if done is not None and done.case_id == case_id:
            view, _ = _file_view(case_id, case_key, done)
            return UploadState(id=upload_id, offset=view.size, length=view.size, file=view)
        raise NotFound("No such upload.")
    meta = json.loads(aead.decrypt(case_key, row.meta_ciphertext, _upload_aad(case_id, upload_id)))
    # Read-only: a HEAD may arrive while another request (in any process) is writing this file.
    offset = filestream.stored_offset(part_path(settings, upload_id), upload_id.encode(),
                                      base64.b64decode(meta["key"]))
    return UploadState(id=upload_id, offset=offset, length=row.length)


# Running SHA-256 of each upload in progress, kept in memory between requests (offset it covers, hash, the
# files as this process left them), so a finished upload needs no second pass over the stored file. When
# another process wrote to the upload since, or after a restart, the pass is done instead.
_running_hashes: dict[str, tuple[int, Any, tuple[int, ...]]] = {}


def _fingerprint(part: Path) -> tuple[int, ...]:
    """Size and modification times of an upload's files: they change when any other process writes."""
    tail = part.with_name(part.name + ".tail")
    stats = [part.stat(), tail.stat() if tail.exists() else None]
    return tuple(n for st in stats for n in ((st.st_size, st.st_mtime_ns, st.st_ino) if st else (-1, -1, -1)))


class UploadAppender:
    """Adds bytes to a resumable upload as they arrive; `close` keeps what came, or stores the finished file.

    One appender per upload at a time, across every server process: it holds the upload's lease
    (`upload_lease`) from the start to `close`, and a second concurrent request is refused with a 409.
    """

    def __init__(self, db: Session, settings: Settings, *, case_id: str, case_key: bytes,
                 signing_key: SigningKey, upload_id: str, offset: int,
                 clock: upload_lease.Clock = upload_lease.utc_now) -> None:
        self._lease = upload_lease.UploadLease.take(db, case_id=case_id, upload_id=upload_id, clock=clock)
        try:
            row = db.get(Upload, upload_id, populate_existing=True)
            if row is None:
                raise NotFound("No such upload.")
            meta = json.loads(aead.decrypt(case_key, row.meta_ciphertext, _upload_aad(case_id, upload_id)))
            self._settings, self._case_id, self._case_key = settings, case_id, case_key
            self._signing_key = signing_key
            self._upload_id, self._length, self._meta = upload_id, row.length, meta
            self._file_key = base64.b64decode(meta["key"])
            covered, running, seen = _running_hashes.pop(upload_id, (-1, None, ()))
            if seen != _fingerprint(part_path(settings, upload_id)):
                running = None
            self._writer = filestream.EncryptedFileWriter.resume(
                part_path(settings, upload_id), upload_id.encode(), self._file_key
            )
            if offset != self._writer.offset:
                current = self._writer.offset
                self._writer.close()
                raise Conflict("The upload is at byte %(n)s, not at the offset given.", n=current)
            if running is None and self._writer.offset == 0:
                covered, running = 0, hashlib.sha256()
            self._sha = running if covered == self._writer.offset else None
        except BaseException:
            self._lease.release()
            raise

    @property
    def offset(self) -> int:
        return self._writer.offset

    def lease_due(self) -> bool:
        """Whether `renew_lease` should run (in a worker thread) before the next `write`."""
        return self._lease.due()

    def renew_lease(self) -> None:
        """Extend this request's lease; a 409 `Conflict` if another request has taken the upload over."""
        self._lease.renew()

    def write(self, chunk: bytes) -> None:
        if self._writer.offset + len(chunk) > self._length:
            raise InvalidInput("More bytes were sent than the upload announced.")
        diskspace.require_room(self._settings, len(chunk) + filestream.RECORD)
        self._lease.keep()  # never a byte on disk without the lease
        self._writer.write(chunk)
        if self._sha is not None:
            self._sha.update(chunk)

    def close(self, db: Session) -> UploadState:
        """Checkpoint an unfinished upload, or seal and record a complete one; then let the next request in."""
        try:
            self._lease.renew()
        except Conflict:
            self._writer.abandon()  # the request that took over owns the file now: leave it as it is
            raise
        try:
            if self._writer.offset < self._length:
                self._writer.close()
                if self._sha is not None:
                    _running_hashes[self._upload_id] = (
                        self._writer.offset, self._sha, _fingerprint(part_path(self._settings, self._upload_id)))
                return UploadState(id=self._upload_id, offset=self._writer.offset, length=self._length)
            sha = self._sha
            if sha is None:  # the running hash is elsewhere or lost: one pass over what is stored, under lease
                sha = hashlib.sha256()
                for block in self._writer.replay():
                    self._lease.keep()
                    sha.update(block)
                self._lease.renew()
            size = self._writer.finish()
            self._lease.claim_finished()
            view = _store_finished(
                db, self._settings, case=get_case(db, self._case_id), case_key=self._case_key,
                signing_key=self._signing_key, file_id=self._upload_id, file_key=self._file_key,
                name=self._meta["name"],
                content_type=self._meta["content_type"], size=size, sha256=sha.hexdigest(),
                author=Author.from_json(self._meta["author"]),
            )
            return UploadState(id=self._upload_id, offset=size, length=size, file=view)
        finally:
            self._writer.abandon()
            coarse.day_mtimes(*self._settings.uploads_dir.glob(f"{self._upload_id}.*"), self._settings.uploads_dir)
            self._lease.release()


def append_upload(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                  upload_id: str, offset: int, chunks: Iterator[bytes]) -> UploadState:
    """Add bytes at `offset`; whatever arrived before a failure is kept for the next try."""
    appender = UploadAppender(db, settings, case_id=case_id, case_key=case_key, signing_key=signing_key,
                              upload_id=upload_id, offset=offset)
    try:
        for chunk in chunks:
            appender.write(chunk)
    finally:
        state = appender.close(db)
    return state


def cancel_upload(db: Session, settings: Settings, *, case_id: str, upload_id: str,
                  clock: upload_lease.Clock = upload_lease.utc_now) -> None:
    """Forget an unfinished upload (tus termination); refused while a request is writing to it."""
    upload_lease.delete_unleased(db, case_id=case_id, upload_id=upload_id, now=clock())
    _running_hashes.pop(upload_id, None)
    filestream.discard(part_path(settings, upload_id))
