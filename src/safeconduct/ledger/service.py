"""What the contact and case code calls: append an event, read a case's chain back for export.

Nothing here commits. :func:`append_event` joins the caller's transaction, so the message (or state
change, or note) and its ledger entry are written together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import Executable, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from safeconduct.crypto import aead
from safeconduct.ledger import bundle, chain, log, merkle
from safeconduct.ledger.bundle import Disclosure
from safeconduct.ledger.chain import ChainError, ChainEvent
from safeconduct.ledger.commitments import COMMITMENT_BYTES, NONCE_BYTES
from safeconduct.ledger.models import ChainHead, LedgerEntry, MerkleNode


class LedgerIntegrityError(Exception):
    """What the database holds for a case no longer matches its hashes or signatures."""


def _meta_aad(case_id: str, seq: int) -> bytes:
    return b"safeconduct ledger meta v1\x00" + case_id.encode("ascii") + b"\x00" + str(seq).encode("ascii")


@dataclass(frozen=True)
class NewEvent:
    """One event to append with :func:`append_events` (same meaning as :func:`append_event`'s arguments)."""

    case_id: str
    kind: str
    commitment: bytes
    at: dt.datetime
    case_key: bytes


def append_event(
    db: Session,
    *,
    case_id: str,
    kind: str,
    commitment: bytes,
    at: dt.datetime,
    signing_key: SigningKey,
    case_key: bytes,
    defer_log: bool = False,
) -> LedgerEntry:
    """Chain, sign and log one case event inside the caller's transaction (the caller commits).

    `commitment` comes from :func:`safeconduct.ledger.commitments.commit`; the caller keeps its nonce
    inside the encrypted content. Kind and exact time are sealed under `case_key`; only hashes, the
    signature and positions are stored in the clear. Holds the log lock until the caller commits.

    With `defer_log` the event is chained and signed now, under a lock on its case only, and its chain
    head gets its place in the org-wide Merkle log later, from :func:`sequence_pending` (a merge delay,
    as in Certificate Transparency): concurrent cases then never wait for each other.
    """
    [row] = _append(db, [NewEvent(case_id, kind, commitment, at, case_key)], signing_key, defer_log=defer_log)
    return LedgerEntry(**row)


_PENDING = (
    select(LedgerEntry.id, LedgerEntry.entry_hash)
    .where(LedgerEntry.leaf_index.is_(None))
    .order_by(LedgerEntry.id)
    .limit(bindparam("limit"))
)


def sequence_pending(db: Session, *, limit: int = 10_000) -> int:
    """Give chain heads appended with `defer_log` their place in the Merkle log; return how many.

    Takes the log lock for the caller's transaction (the caller commits). Entries are logged in the
    order they were committed as far as this transaction can see; a case's entries are committed in
    chain order, so its last entry's inclusion covers the whole chain before it.
    """
    size, frontier_blob = log.locked_state(db)
    pending = db.execute(_PENDING, {"limit": limit}).all()
    if not pending:
        return 0
    frontier = merkle.Frontier.from_bytes(size, frontier_blob)
    nodes: list[dict[str, object]] = []
    positions: list[dict[str, object]] = []
    for entry_id, entry_hash in pending:
        positions.append({"b_id": entry_id, "b_leaf_index": frontier.size})
        for level, index, node in frontier.append(merkle.leaf_hash(chain.head_message(entry_hash))):
            nodes.append({"level": level, "index": index, "hash": node})
    db.execute(_PLACE_ENTRY, positions)  # Core executemany: the ORM's bulk update cost more than the hashing
    _bulk_insert(db, _NODES, nodes)
    log.store_state(db, frontier)
    return len(pending)


def log_public_record(db: Session, record_hash: bytes) -> int:
    """Append a public record (an archive entry or its withdrawal: ``archive/entries.py``) to the org-wide log,
    in the caller's transaction; return its leaf index. Its leaf is told apart from a chain head's by its own
    prefix (`PUBLIC_RECORD`), so neither can pass for the other."""
    size, frontier_blob = log.locked_state(db)
    frontier = merkle.Frontier.from_bytes(size, frontier_blob)
    index = frontier.size
    nodes = [{"level": level, "index": i, "hash": node}
             for level, i, node in frontier.append(merkle.leaf_hash(public_record_message(record_hash)))]
    _bulk_insert(db, _NODES, nodes)
    log.store_state(db, frontier)
    return index


#: The leaf of a public record: this prefix and the record's SHA-256 (a chain head's leaf has its own).
PUBLIC_RECORD = b"safeconduct public record v1\0"


def public_record_message(record_hash: bytes) -> bytes:
    return PUBLIC_RECORD + record_hash


def _locked_heads(db: Session, case_ids: set[str]) -> dict[str, tuple[int, bytes]]:
    """Last (seq, entry_hash) of each given case, its sequencer row locked until the caller commits.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the cases' rows of ``ledger_chain_heads`` (in case-id order, so two
    transactions never wait on each other crosswise); a transaction that waited reads the head its
    predecessor committed. A case's first append inserts its row (``ON CONFLICT DO NOTHING``: of two
    racing first appends one waits for the other) and locks it. SQLite serialises writers: a no-op write
    takes the database write lock before the heads are read.
    """
    ids = sorted(case_ids)
    if db.get_bind().dialect.name != "postgresql":
        log.take_write_lock(db)
        return _heads(db, _READ_HEADS, ids)
    heads = _heads(db, _LOCK_HEADS, ids)
    missing = [case_id for case_id in ids if case_id not in heads]
    if missing:
        db.execute(_NEW_HEAD_PG, [{"case_id": c, "seq": -1, "entry_hash": chain.GENESIS} for c in missing])
        heads.update(_heads(db, _LOCK_HEADS, missing))
    return heads


def _heads(db: Session, statement: Executable, ids: list[str]) -> dict[str, tuple[int, bytes]]:
    return {case_id: (seq, bytes(h)) for case_id, seq, h in db.execute(statement, {"case_ids": ids})}


@dataclass(frozen=True, slots=True)
class Appended:
    """Where an event landed (what :func:`append_events` returns; cheaper than ORM objects in bulk)."""

    case_id: str
    seq: int
    entry_hash: bytes
    leaf_index: int | None


def append_events(db: Session, events: Sequence[NewEvent], *, signing_key: SigningKey) -> list[Appended]:
    """Append several events (any cases) in one go: five statements whatever their number.

    Every event is validated before anything is written, so a bad one leaves nothing behind. Read the
    rows back with :func:`case_entries`.
    """
    rows = _append(db, events, signing_key)
    return [Appended(r["case_id"], r["seq"], r["entry_hash"], r["leaf_index"]) for r in rows]  # type: ignore[arg-type]


def _append(db: Session, events: Sequence[NewEvent], signing_key: SigningKey, *,
            defer_log: bool = False) -> list[dict[str, object]]:
    prepared = []
    for e in events:
        chain.check_case_id(e.case_id)
        if not isinstance(e.commitment, bytes) or len(e.commitment) != COMMITMENT_BYTES:
            raise ChainError(f"commitment must be {COMMITMENT_BYTES} bytes")
        if not isinstance(e.case_key, bytes) or len(e.case_key) != aead.KEY_BYTES:
            raise ChainError(f"case key must be {aead.KEY_BYTES} bytes")
        at_text = chain.format_time(e.at)
        meta_nonce = secrets.token_bytes(NONCE_BYTES)
        prepared.append((e, at_text, meta_nonce, chain.meta_commitment(e.kind, at_text, meta_nonce)))
    if not prepared:
        return []

    if defer_log:
        frontier = None
    else:
        size, frontier_blob = log.locked_state(db)  # serialises every append until the caller commits
        frontier = merkle.Frontier.from_bytes(size, frontier_blob)
    heads = _locked_heads(db, {e.case_id for e, *_ in prepared})
    before = dict(heads)
    rows: list[dict[str, object]] = []
    nodes: list[dict[str, object]] = []
    for e, at_text, meta_nonce, meta_commit in prepared:
        seq, prev = heads.get(e.case_id, (-1, chain.GENESIS))
        seq += 1
        h = chain.entry_hash(e.case_id, seq, prev, meta_commit, e.commitment)
        heads[e.case_id] = (seq, h)
        leaf_index = None
        if frontier is not None:
            leaf_index = frontier.size
            for level, index, node in frontier.append(merkle.leaf_hash(chain.head_message(h))):
                nodes.append({"level": level, "index": index, "hash": node})
        sealed = aead.encrypt(
            e.case_key,
            json.dumps({"kind": e.kind, "at": at_text, "meta_nonce": meta_nonce.hex()}).encode(),
            _meta_aad(e.case_id, seq),
        )
        rows.append({
            "case_id": e.case_id, "seq": seq, "prev_hash": prev, "meta_commitment": meta_commit,
            "commitment": e.commitment, "entry_hash": h, "signature": chain.sign_head(signing_key, h),
            "leaf_index": leaf_index, "sealed_meta": sealed,
        })
    if len(rows) == 1 and rows[0]["case_id"] in before and db.get_bind().dialect.name == "postgresql":
        db.execute(_ENTRY_AND_HEAD_PG, rows[0])  # the message path: entry and new head in one statement
    else:
        _bulk_insert(db, _ENTRIES, rows)
        _move_heads(db, before, heads)
    if frontier is not None:
        _bulk_insert(db, _NODES, nodes)
        log.store_state(db, frontier)
    return rows


def _bulk_insert(db: Session, table: Table, rows: list[dict[str, object]]) -> None:
    """COPY on PostgreSQL for big batches (in the session's transaction); executemany elsewhere.

    RETURNING or multi-row VALUES made SQLAlchemy build one huge statement per batch, which cost more than
    everything else together in bench/ledger_append.py; COPY is PostgreSQL's bulk path.
    """
    if len(rows) >= 50 and db.get_bind().dialect.name == "postgresql":
        columns = list(rows[0])
        dbapi = db.connection().connection.dbapi_connection
        assert dbapi is not None
        names = ", ".join(f'"{c}"' for c in columns)
        with dbapi.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    db.execute(_INSERT[table.name], rows)


_HEAD_TABLE: Table = ChainHead.__table__  # type: ignore[assignment]
# Core statements on the tables (not the ORM's bulk paths), built once
_HEADS = select(_HEAD_TABLE.c.case_id, _HEAD_TABLE.c.seq, _HEAD_TABLE.c.entry_hash).where(
    _HEAD_TABLE.c.case_id.in_(bindparam("case_ids", expanding=True))).order_by(_HEAD_TABLE.c.case_id)
_READ_HEADS = _HEADS
_LOCK_HEADS = _HEADS.with_for_update()
_NEW_HEAD_PG = pg_insert(_HEAD_TABLE).on_conflict_do_nothing(index_elements=["case_id"])
_NEW_HEAD = insert(_HEAD_TABLE)
_MOVE_HEAD = (update(_HEAD_TABLE).where(_HEAD_TABLE.c.case_id == bindparam("b_case_id"))
              .values(seq=bindparam("b_seq"), entry_hash=bindparam("b_hash")))
_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
# One event's entry and its case's new head together: one statement and one round trip instead of two
_ENTRY_AND_HEAD_PG = text(
    "WITH moved AS (UPDATE ledger_chain_heads SET seq = :seq, entry_hash = :entry_hash WHERE case_id = :case_id) "
    "INSERT INTO ledger_entries (case_id, seq, prev_hash, meta_commitment, commitment, entry_hash, signature, "
    "leaf_index, sealed_meta) VALUES (:case_id, :seq, :prev_hash, :meta_commitment, :commitment, :entry_hash, "
    ":signature, :leaf_index, :sealed_meta)")
_NODES: Table = MerkleNode.__table__  # type: ignore[assignment]
_PLACE_ENTRY = update(_ENTRIES).where(_ENTRIES.c.id == bindparam("b_id")).values(leaf_index=bindparam("b_leaf_index"))
_INSERT = {_ENTRIES.name: insert(_ENTRIES), _NODES.name: insert(_NODES)}


def _move_heads(db: Session, before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> None:
    """Write each case's new head (under the lock :func:`_locked_heads` took); create the rows SQLite lacks."""
    moved = [{"b_case_id": c, "b_seq": seq, "b_hash": h} for c, (seq, h) in after.items() if c in before]
    created = [{"case_id": c, "seq": seq, "entry_hash": h} for c, (seq, h) in after.items() if c not in before]
    if moved:
        db.execute(_MOVE_HEAD, moved)
    if created:
        db.execute(_NEW_HEAD, created)


def chain_heads(db: Session, case_ids: set[str]) -> dict[str, tuple[int, bytes]]:
    """Last (seq, entry_hash) of each given case, read without a lock (for checks and reports)."""
    return _heads(db, _READ_HEADS, sorted(case_ids))


def case_entries(db: Session, case_id: str) -> list[LedgerEntry]:
    """Every entry of one case, in chain order."""
    chain.check_case_id(case_id)
    return list(db.scalars(select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.seq)))


def open_events(entries: list[LedgerEntry], case_key: bytes) -> list[ChainEvent]:
    """Decrypt kind and time of each entry and check the chain links and meta commitments on the way."""
    events: list[ChainEvent] = []
    prev = chain.GENESIS
    for expected_seq, row in enumerate(entries):
        if row.seq != expected_seq:
            raise LedgerIntegrityError(f"case {row.case_id}: entry {expected_seq} is missing")
        if row.prev_hash != prev:
            raise LedgerIntegrityError(f"case {row.case_id}: entry {row.seq} does not link to entry {row.seq - 1}")
        try:
            meta = json.loads(aead.decrypt(case_key, row.sealed_meta, _meta_aad(row.case_id, row.seq)))
        except aead.DecryptionError as exc:
            raise LedgerIntegrityError(f"case {row.case_id}: entry {row.seq} metadata does not decrypt") from exc
        event = ChainEvent(
            case_id=row.case_id, seq=row.seq, prev_hash=row.prev_hash, meta_commitment=row.meta_commitment,
            commitment=row.commitment, signature=row.signature, kind=meta["kind"], at=meta["at"],
            meta_nonce=bytes.fromhex(meta["meta_nonce"]),
        )
        if chain.meta_commitment(event.kind or "", event.at or "", event.meta_nonce or b"") != row.meta_commitment:
            raise LedgerIntegrityError(f"case {row.case_id}: entry {row.seq} metadata does not match its commitment")
        if event.entry_hash != row.entry_hash:
            raise LedgerIntegrityError(f"case {row.case_id}: entry {row.seq} hash does not match its fields")
        events.append(event)
        prev = row.entry_hash
    return events


def check_case_chain(db: Session, case_id: str, verify_key: VerifyKey) -> int:
    """Audit a case's chain without its key (hashes, links, signatures); return the number of entries."""
    prev = chain.GENESIS
    entries = case_entries(db, case_id)
    for expected_seq, row in enumerate(entries):
        if row.seq != expected_seq or row.prev_hash != prev:
            raise LedgerIntegrityError(f"case {case_id}: chain broken at entry {expected_seq}")
        if chain.entry_hash(case_id, row.seq, row.prev_hash, row.meta_commitment, row.commitment) != row.entry_hash:
            raise LedgerIntegrityError(f"case {case_id}: entry {row.seq} hash does not match its fields")
        if not chain.head_signature_ok(verify_key, row.entry_hash, row.signature):
            raise LedgerIntegrityError(f"case {case_id}: entry {row.seq} signature does not verify")
        prev = row.entry_hash
    return len(entries)


def export_bundle(
    db: Session,
    *,
    case_id: str,
    case_key: bytes,
    signing_key: SigningKey,
    disclosures: Iterable[Disclosure],
    reveal_metadata: Iterable[int] = (),
    now: dt.datetime,
    timestamper: Callable[[bytes], bytes] | None = None,
    timestamp_roots_pem: bytes | None = None,
) -> bytes:
    """Build the verifiable bundle of a case (zip bytes) with a freshly signed tree head.

    `disclosures` are the (nonce, plaintext) pairs the person chose to show; each is matched to its event
    by commitment. Kind and time are shown for those events and for the seqs in `reveal_metadata` only.
    The new tree head is added to the session; the caller commits (together with its "export" event).
    With a `timestamper` (e.g. ``functools.partial(timestamps.request_timestamp, url)``) the tree head is
    stamped by the organisation's RFC 3161 authority, whose roots (`timestamp_roots_pem`) go in the bundle.
    """
    while sequence_pending(db):  # every deferred chain head gets its place in the log first
        pass
    events = open_events(case_entries(db, case_id), case_key)
    if not events:
        raise bundle.BundleError(f"case {case_id} has no ledger events to export")
    content = bundle.match_disclosures(events, disclosures)
    db.flush()
    head = log.sign_tree_head(db, signing_key, now=now, timestamper=timestamper)
    last = db.execute(
        select(LedgerEntry.leaf_index).where(LedgerEntry.case_id == case_id, LedgerEntry.seq == events[-1].seq)
    ).scalar_one()
    if last is None:  # sequenced above in this same transaction, so this cannot happen unless the log is broken
        raise LedgerIntegrityError(f"case {case_id}: its last entry has no place in the log")
    return bundle.build(
        bundle.BundleContent(
            case_id=case_id, public_key=bytes(signing_key.verify_key), events=events, content=content,
            tree_head=head, head_leaf_index=last, inclusion_path=log.inclusion_proof(db, last, head.tree_size),
            timestamp_token=head.timestamp_token, timestamp_roots_pem=timestamp_roots_pem,
        ),
        reveal_metadata=reveal_metadata,
    )
