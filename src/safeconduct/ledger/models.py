"""Ledger tables. Only hashes, signatures and positions are in the clear; kind and time are sealed.

A seized database shows how many events each case has and in which order they reached the org-wide
log, but not when (to the second) or of what kind — those sit in ``sealed_meta`` under the case key
(see docs/ledger.md, "What a seized server shows").
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from safeconduct.store.base import Base

_BigInt = BigInteger().with_variant(Integer, "sqlite")


class LedgerEntry(Base):
    """One event of one case's hash chain, signed and logged in the Merkle tree."""

    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_ledger_entries_case_seq"),)

    id: Mapped[int] = mapped_column(_BigInt, primary_key=True, autoincrement=True)
    #: ``cases.id`` (no foreign key: the ledger outlives retention of case content by design choice of
    #: the caller, and must not be cascaded away by accident).
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    meta_commitment: Mapped[bytes] = mapped_column(LargeBinary(32))
    commitment: Mapped[bytes] = mapped_column(LargeBinary(32))
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    #: Position in the org-wide log; NULL until a deferred entry is sequenced (``service.sequence_pending``).
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    #: XChaCha20-Poly1305 under the case key of ``{"kind", "at", "meta_nonce"}``; AAD binds case and seq.
    sealed_meta: Mapped[bytes] = mapped_column(LargeBinary)


class ChainHead(Base):
    """The last entry of one case's chain: the per-case sequencer row.

    An append locks this row (``SELECT … FOR UPDATE`` on PostgreSQL) and moves it forward in the same
    transaction as the entry, so concurrent appends to one case queue on it and never read a stale head;
    appends to other cases never wait. It repeats what ``ledger_entries`` already shows in the clear (the
    case's last seq and entry hash), so finding the head costs one primary-key read, not a MAX over the chain.
    """

    __tablename__ = "ledger_chain_heads"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class MerkleNode(Base):
    """The hash of a perfect subtree ``[index·2^level, (index+1)·2^level)`` of the org-wide log."""

    __tablename__ = "ledger_merkle_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogState(Base):
    """The single row that serialises appends: current size and right edge (frontier) of the log."""

    __tablename__ = "ledger_log_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, default=0)
    frontier: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class TreeHead(Base):
    """A signed tree head that was handed out (kept so later consistency proofs can be asked for)."""

    __tablename__ = "ledger_tree_heads"

    id: Mapped[int] = mapped_column(_BigInt, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: Milliseconds since 1970-01-01 UTC, exactly as signed (no time zone round trip through the driver).
    issued_at_ms: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
