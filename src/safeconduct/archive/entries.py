"""Public archive entries: signed by the organisation, their media in a content-addressed public folder.

An entry says what was published: the files by SHA-256 and size, the language, themes, the day published
(never the recording's), the duration and the voice's measured privacy in words. The organisation's ledger
key signs its canonical JSON, so anyone with the pinned key tells a published file from a fake or an altered
copy (``archive/verify.py``). A withdrawal is signed the same way and the media are deleted; the entry stays,
marked withdrawn, so that the log shows what was once public and is no longer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import Connection, func, or_, select, text
from sqlalchemy.orm import Session

from safeconduct.archive.models import ArchiveEntry
from safeconduct.ledger import log
from safeconduct.ledger import service as ledger
from safeconduct.ledger.bundle import canonical_json
from safeconduct.ledger.chain import SignedTreeHead
from safeconduct.ledger.models import TreeHead

ENTRY_KIND = "safeconduct archive entry"
WITHDRAWAL_KIND = "safeconduct archive withdrawal"
ENTRY_CONTEXT = b"safeconduct archive entry v1\0"
WITHDRAWAL_CONTEXT = b"safeconduct archive withdrawal v1\0"
MAX_QUERY_CHARS = 200
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class PublicFile:
    name: str
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class EntryView:
    id: str
    published_on: dt.date
    withdrawn_on: dt.date | None
    language: str
    duration_s: int
    themes: list[str]
    transcript: str
    voice: str
    files: list[PublicFile]
    entry: str
    signature: str
    withdrawal: str | None
    withdrawal_signature: str | None

    @property
    def media(self) -> PublicFile | None:
        return next((f for f in self.files if f.name.startswith("testimony.")), None)

    def file(self, name: str) -> PublicFile | None:
        return next((f for f in self.files if f.name == name), None)


def media_folder(data_dir: Path) -> Path:
    return Path(data_dir) / "archive" / "media"


def media_path(data_dir: Path, sha256: str) -> Path:
    return media_folder(data_dir) / sha256


def store_file(data_dir: Path, source_chunks: Any) -> tuple[str, int]:
    """Write a public file from decrypted chunks; return (sha256, size). Content-addressed: same bytes, one file."""
    folder = media_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".incoming-{dt.datetime.now(dt.UTC).timestamp():.6f}"
    digest, size = hashlib.sha256(), 0
    try:
        with temporary.open("wb") as out:
            for chunk in source_chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        final = media_path(data_dir, digest.hexdigest())
        temporary.replace(final)
    finally:
        temporary.unlink(missing_ok=True)
    return digest.hexdigest(), size


def sign(signing_key: SigningKey, context: bytes, document: dict[str, Any]) -> tuple[str, str]:
    body = canonical_json(document)
    return body.decode("utf-8"), signing_key.sign(context + body).signature.hex()


def _view(row: ArchiveEntry) -> EntryView:
    doc = json.loads(row.entry)
    files = [PublicFile(name=n, sha256=f["sha256"], size=int(f["size"]), content_type=f["content_type"])
             for n, f in sorted(doc["files"].items())]
    return EntryView(id=row.id, published_on=row.published_on, withdrawn_on=row.withdrawn_on, language=row.language,
                     duration_s=row.duration_s, themes=row.themes.split(), transcript=row.transcript,
                     voice=str(doc.get("voice", "")), files=files, entry=row.entry, signature=row.signature,
                     withdrawal=row.withdrawal, withdrawal_signature=row.withdrawal_signature)


def add(db: Session, *, signing_key: SigningKey, organisation: str, entry_id: str, language: str,
        duration_s: int, themes: list[str], transcript: str, voice: str, files: list[PublicFile],
        on: dt.date) -> EntryView:
    """Sign and add an entry (the caller commits with the publication record)."""
    document = {"kind": ENTRY_KIND, "v": 1, "id": entry_id, "organisation": organisation,
                "public_key": bytes(signing_key.verify_key).hex(), "published": on.isoformat(),
                "language": language, "themes": themes, "duration_s": duration_s, "voice": voice,
                "files": {f.name: {"sha256": f.sha256, "size": f.size, "content_type": f.content_type}
                          for f in files}}
    body, signature = sign(signing_key, ENTRY_CONTEXT, document)
    row = ArchiveEntry(id=entry_id, published_on=on, language=language, duration_s=duration_s,
                       themes=" ".join(themes), transcript=transcript, entry=body, signature=signature,
                       log_index=ledger.log_public_record(db, hashlib.sha256(body.encode()).digest()))
    db.add(row)
    if _sqlite(db):
        db.execute(text("INSERT INTO archive_search (entry_id, transcript) VALUES (:id, :transcript)"),
                   {"id": entry_id, "transcript": transcript})
    log.sign_tree_head(db, signing_key, now=dt.datetime.now(dt.UTC))  # one that covers it, for its proof
    return _view(row)


def withdraw(db: Session, data_dir: Path, *, signing_key: SigningKey, entry_id: str, on: dt.date) -> None:
    """Mark withdrawn (signed) and delete the media no other published entry uses; the caller commits."""
    row = db.get(ArchiveEntry, entry_id)
    if row is None or row.withdrawn_on is not None:
        return
    body, signature = sign(signing_key, WITHDRAWAL_CONTEXT, {"kind": WITHDRAWAL_KIND, "v": 1, "id": entry_id,
                                                             "withdrawn": on.isoformat()})
    row.withdrawn_on, row.withdrawal, row.withdrawal_signature = on, body, signature
    row.withdrawal_log_index = ledger.log_public_record(db, hashlib.sha256(body.encode()).digest())
    if _sqlite(db):
        db.execute(text("DELETE FROM archive_search WHERE entry_id = :id"), {"id": entry_id})
    db.flush()
    still_used = {f.sha256 for other in published(db) for f in other.files}
    for f in _view(row).files:
        if f.sha256 not in still_used:
            media_path(data_dir, f.sha256).unlink(missing_ok=True)


def log_proofs(db: Session, signing_key: SigningKey, wanted: list[str]) -> dict[str, dict[str, Any]]:
    """The newest signed tree head of the organisation's log (a new one only when none covers the entries), and
    for each entry (by id) its leaf's inclusion proof against it: what `entry.proof.json` holds, so a file's
    publication can be checked as logged. A new tree head is remembered like any other (the caller commits)."""
    rows = {r.id: r for r in db.scalars(select(ArchiveEntry).where(ArchiveEntry.id.in_(wanted)))} if wanted else {}
    indexes = [r.log_index for r in rows.values() if r.log_index is not None]
    if not indexes:
        return {}
    newest = db.scalars(select(TreeHead).order_by(TreeHead.id.desc()).limit(1)).first()
    if newest is not None and newest.tree_size > max(indexes):  # a head already handed out covers them all
        head = SignedTreeHead(newest.tree_size, bytes(newest.root_hash), newest.issued_at_ms, bytes(newest.signature))
    else:
        head = log.sign_tree_head(db, signing_key, now=dt.datetime.now(dt.UTC))
    proofs = {}
    for entry_id, row in rows.items():
        if row.log_index is None or row.log_index >= head.tree_size:
            continue
        proofs[entry_id] = {"leaf_index": row.log_index, "tree_size": head.tree_size, "root": head.root_hash.hex(),
                            "issued_at_ms": head.issued_at_ms, "signature": head.signature.hex(),
                            "proof": [p.hex() for p in log.inclusion_proof(db, row.log_index, head.tree_size)]}
    return proofs


def get(db: Session, entry_id: str) -> EntryView | None:
    row = db.get(ArchiveEntry, entry_id)
    return None if row is None else _view(row)


def published(db: Session) -> list[EntryView]:
    """Every entry still published, newest first."""
    rows = db.scalars(select(ArchiveEntry).where(ArchiveEntry.withdrawn_on.is_(None))
                      .order_by(ArchiveEntry.published_on.desc(), ArchiveEntry.id))
    return [_view(r) for r in rows]


def everything(db: Session) -> list[EntryView]:
    """Published and withdrawn entries (the log a static copy carries), oldest first."""
    return [_view(r) for r in db.scalars(select(ArchiveEntry).order_by(ArchiveEntry.published_on, ArchiveEntry.id))]


def _sqlite(db: Session) -> bool:
    return db.get_bind().dialect.name == "sqlite"


def rebuild_search(connection: Connection) -> None:
    """Fill SQLite's full-text index from the published entries (after a restore; PostgreSQL's index is an
    expression index and needs nothing). A no-op where the index does not exist yet (an older schema)."""
    if connection.dialect.name != "sqlite":
        return
    exists = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'archive_search'")).first()
    if exists is None:
        return
    connection.execute(text("DELETE FROM archive_search"))
    connection.execute(text("INSERT INTO archive_search (entry_id, transcript) SELECT id, transcript "
                            "FROM archive_entries WHERE withdrawn_on IS NULL"))


def words_of(query: str) -> list[str]:
    """The words a search looks for: letters and digits of any script, at most ten."""
    return _WORDS.findall(query[:MAX_QUERY_CHARS])[:10]


def search(db: Session, *, query: str = "", theme: str = "", language: str = "", max_minutes: int = 0,
           limit: int = 100) -> list[EntryView]:
    """Published entries whose transcript holds every word of `query` (full text: SQLite FTS5, PostgreSQL
    `to_tsvector('simple', …)` with a GIN index; any case, any script), of a theme, a language and at most a
    duration. Bound parameters only: SQL or markup in a query are just characters between words."""
    statement = select(ArchiveEntry).where(ArchiveEntry.withdrawn_on.is_(None))
    words = words_of(query)
    if query.strip() and not words:
        return []
    if words and _sqlite(db):
        phrase = " ".join('"' + w + '"' for w in words)  # each word quoted: FTS5 syntax never reaches the query
        statement = statement.where(ArchiveEntry.id.in_(
            text("SELECT entry_id FROM archive_search WHERE archive_search MATCH :phrase").bindparams(phrase=phrase)))
    elif words:
        statement = statement.where(func.to_tsvector("simple", ArchiveEntry.transcript).op("@@")(
            func.plainto_tsquery("simple", " ".join(words))))
    if theme:
        statement = statement.where(or_(ArchiveEntry.themes == theme, ArchiveEntry.themes.like(f"{theme} %"),
                                        ArchiveEntry.themes.like(f"% {theme}"),
                                        ArchiveEntry.themes.like(f"% {theme} %")))
    if language:
        statement = statement.where(ArchiveEntry.language == language)
    if max_minutes > 0:
        statement = statement.where(ArchiveEntry.duration_s <= max_minutes * 60)
    rows = db.scalars(statement.order_by(ArchiveEntry.published_on.desc(), ArchiveEntry.id).limit(limit))
    return [_view(r) for r in rows]


def copy_media(data_dir: Path, entry: EntryView, folder: Path) -> None:
    """The entry's files into `folder` under their public names (the static build)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in entry.files:
        shutil.copyfile(media_path(data_dir, f.sha256), folder / f.name)
