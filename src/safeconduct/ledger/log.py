"""The org-wide Merkle log kept in the database: append, root, proofs, signed tree heads.

Appends are serialised by a row lock on :class:`LogState` (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writers anyway): the log is one sequence, and the caller's transaction holds the lock until it
commits, so a rolled-back message leaves no leaf behind.
"""

from __future__ import annotations

import datetime as dt

from nacl.signing import SigningKey
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from safeconduct.ledger import merkle
from safeconduct.ledger.chain import SignedTreeHead
from safeconduct.ledger.models import LogState, MerkleNode, TreeHead

_STATE_ID = 1


class LogError(Exception):
    """The stored log is inconsistent or a request does not fit its size."""


def locked_state(db: Session) -> LogState:
    """The log state row, locked for this transaction; created on first use."""
    state = db.execute(select(LogState).where(LogState.id == _STATE_ID).with_for_update()).scalar_one_or_none()
    if state is None:
        state = LogState(id=_STATE_ID, tree_size=0, frontier=b"")
        db.add(state)
        db.flush()
    return state


def append_leaf(db: Session, state: LogState, leaf: bytes) -> int:
    """Append raw leaf data under the lock held on `state`; return the leaf index."""
    frontier = merkle.Frontier.from_bytes(state.tree_size, state.frontier)
    index = frontier.size
    created = frontier.append(merkle.leaf_hash(leaf))
    db.add_all([MerkleNode(level=level, index=i, hash=h) for level, i, h in created])
    state.tree_size = frontier.size
    state.frontier = frontier.to_bytes()
    return index


def current_size(db: Session) -> int:
    state = db.get(LogState, _STATE_ID)
    return 0 if state is None else state.tree_size


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


def sign_tree_head(db: Session, signing_key: SigningKey, *, now: dt.datetime) -> SignedTreeHead:
    """Sign the current root with the organisation key and remember it (not committed here)."""
    size = current_size(db)
    root = root_at(db, size)
    if now.tzinfo is None:
        raise LogError("tree head time must be timezone-aware")
    issued = int(now.timestamp() * 1000)
    head = SignedTreeHead(size, root, issued, b"")
    head = SignedTreeHead(size, root, issued, signing_key.sign(head.message()).signature)
    db.add(TreeHead(tree_size=size, root_hash=root, issued_at_ms=issued, signature=head.signature))
    return head
