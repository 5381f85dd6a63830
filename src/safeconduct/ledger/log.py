"""The org-wide Merkle log kept in the database: append, root, proofs, signed tree heads.

Appends are serialised by a row lock on :class:`LogState` (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writers anyway): the log is one sequence, and the caller's transaction holds the lock until it
commits, so a rolled-back message leaves no leaf behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nacl.signing import SigningKey
from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.orm import Session

from safeconduct.ledger import merkle
from safeconduct.ledger.chain import SignedTreeHead
from safeconduct.ledger.models import LogState, MerkleNode, TreeHead

_STATE_ID = 1


class LogError(Exception):
    """The stored log is inconsistent or a request does not fit its size."""


# Statements built once: constructing SQLAlchemy expressions per call cost more CPU than the crypto.
_LOCK_STATE = select(LogState.tree_size, LogState.frontier).where(LogState.id == _STATE_ID).with_for_update()
_STORE_STATE = (
    update(LogState)
    .where(LogState.id == _STATE_ID)
    .values(tree_size=bindparam("new_size"), frontier=bindparam("new_frontier"))
)
_SIZE = select(LogState.tree_size).where(LogState.id == _STATE_ID)
_TOUCH_STATE = update(LogState).where(LogState.id == _STATE_ID).values(tree_size=LogState.tree_size)


def take_write_lock(db: Session) -> None:
    """SQLite: take the database write lock now (a no-op write), before reading what the write depends on."""
    db.execute(_TOUCH_STATE)


def locked_state(db: Session) -> tuple[int, bytes]:
    """``(tree_size, frontier)`` of the log, row-locked for this transaction; the row is created on first use.

    SQLite has no row locks: a no-op write first takes its database write lock (waiting up to the busy
    timeout), so two appenders cannot both read the same size. A transaction that already *read* before
    appending can still hit SQLite's "database is locked" on upgrade; use BEGIN IMMEDIATE there.
    """
    if db.get_bind().dialect.name == "sqlite":
        db.execute(_TOUCH_STATE)
    row = db.execute(_LOCK_STATE).first()
    if row is None:
        ensure_log(db)
        row = db.execute(_LOCK_STATE).one()
    return row.tree_size, bytes(row.frontier)


def store_state(db: Session, frontier: merkle.Frontier) -> None:
    """Write the new size and right edge (under the lock taken by :func:`locked_state`)."""
    db.execute(_STORE_STATE, {"new_size": frontier.size, "new_frontier": frontier.to_bytes()})


def ensure_log(db: Session) -> None:
    """Create the log's state row if absent, race-free (``INSERT … ON CONFLICT DO NOTHING``).

    Call it at ``init``; :func:`locked_state` also calls it, so two first appenders cannot both create it.
    """
    dialect = db.get_bind().dialect.name
    values = {"id": _STATE_ID, "tree_size": 0, "frontier": b""}
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        db.execute(pg_insert(LogState).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        db.execute(sqlite_insert(LogState).values(**values).on_conflict_do_nothing())
    elif db.get(LogState, _STATE_ID) is None:
        db.add(LogState(**values))
        db.flush()


def current_size(db: Session) -> int:
    size = db.execute(_SIZE).scalar_one_or_none()
    return 0 if size is None else size


def _lookup_for(db: Session, keys: set[tuple[int, int]]) -> merkle.NodeSource:
    """Fetch the given perfect subtrees in one query and serve them to the pure algorithms."""
    found: dict[tuple[int, int], bytes] = {}
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start : start + 500]
        rows = db.execute(
            select(MerkleNode.level, MerkleNode.index, MerkleNode.hash).where(
                tuple_(MerkleNode.level, MerkleNode.index).in_(chunk)
            )
        )
        found.update({(level, index): h for level, index, h in rows})

    def lookup(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise LogError(f"Merkle node ({level}, {index}) is missing from the database") from None

    return lookup


def root_at(db: Session, size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.root_hash(size, _lookup_for(db, merkle.needed_nodes([(0, size)])))


def inclusion_proof(db: Session, leaf_index: int, tree_size: int) -> list[bytes]:
    """Audit path of a leaf against the tree of `tree_size` (RFC 9162 §2.1.3.1)."""
    if not 0 <= leaf_index < tree_size <= current_size(db):
        raise LogError(f"no leaf {leaf_index} in a tree of size {tree_size}")
    lookup = _lookup_for(db, merkle.inclusion_nodes(leaf_index, tree_size))
    return merkle.inclusion_proof(leaf_index, tree_size, lookup)


def consistency_proof(db: Session, old_size: int, new_size: int) -> list[bytes]:
    """Proof that the log of `old_size` is a prefix of the log of `new_size` (RFC 9162 §2.1.4.1)."""
    if not 0 <= old_size <= new_size <= current_size(db):
        raise LogError(f"no consistency proof from size {old_size} to {new_size}")
    lookup = _lookup_for(db, merkle.consistency_nodes(old_size, new_size))
    return merkle.consistency_proof(old_size, new_size, lookup)


def sign_tree_head(db: Session, signing_key: SigningKey, *, now: dt.datetime,
                   timestamper: Callable[[bytes], bytes] | None = None) -> SignedTreeHead:
    """Sign the current root with the organisation key and remember it (not committed here).

    `timestamper` gets the signed bytes and returns an RFC 3161 token for them (see ``timestamps.py``).
    """
    size = current_size(db)
    root = root_at(db, size)
    if now.tzinfo is None:
        raise LogError("tree head time must be timezone-aware")
    issued = int(now.timestamp() * 1000)
    head = SignedTreeHead(size, root, issued, b"")
    signature = signing_key.sign(head.message()).signature
    token = timestamper(head.message()) if timestamper else None
    head = SignedTreeHead(size, root, issued, signature, token)
    # The token travels in the bundle; storing it too needs a ``timestamp_token`` column (not migrated yet).
    db.add(TreeHead(tree_size=size, root_hash=root, issued_at_ms=issued, signature=signature))
    return head
