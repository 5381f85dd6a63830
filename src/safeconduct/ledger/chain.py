"""The per-case hash chain: how one event is encoded, hashed, signed and logged.

Pure functions shared by the server (which appends) and the offline verifier (which recomputes), so the
two can never disagree about a byte. Each event is ``{seq, kind, at, commitment, prev_hash}`` as in
design.md, with one refinement: ``kind`` and ``at`` are themselves committed to with their own nonce
(``meta_commitment``), so a bundle can prove that an event exists at a place in the chain while hiding
*when* it happened and *what sort* of event it was — exact times and kinds are activity patterns, and the
person chooses what to reveal. Byte layouts are fixed-width and written down in docs/ledger.md so that a
verifier can be rewritten from the documentation alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import nacl.exceptions
from nacl.signing import SigningKey, VerifyKey

from safeconduct.ledger.commitments import COMMITMENT_BYTES, NONCE_BYTES, commitment_of

HASH_BYTES = 32
SIGNATURE_BYTES = 64
#: ``prev_hash`` of the first event of every chain.
GENESIS = b"\x00" * HASH_BYTES
ENTRY_DOMAIN = b"safeconduct chain entry v1\x00"
HEAD_DOMAIN = b"safeconduct chain head v1\x00"
TREE_HEAD_DOMAIN = b"safeconduct tree head v1\x00"

CASE_ID = re.compile(r"^[0-9a-f]{1,32}$")
KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Kinds the contact and case code records (others matching ``KIND`` are accepted for new features).
KNOWN_KINDS = frozenset({
    "message_in", "reply_out", "file", "state_change", "vetting_decision", "note", "share", "view", "copy",
    "export", "consent", "assign",
})


class ChainError(ValueError):
    """An event cannot be encoded (bad case id, kind, time or commitment)."""


def check_case_id(case_id: str) -> str:
    if not isinstance(case_id, str) or not CASE_ID.match(case_id):
        raise ChainError(f"case id must be 1-32 lowercase hex characters, got {case_id!r}")
    return case_id


def format_time(at: dt.datetime) -> str:
    """UTC, to the second, ISO 8601 with ``Z``: one spelling per instant, so hashes are stable."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ChainError("event time must be timezone-aware (naive datetimes are ambiguous)")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def parse_time(text: str) -> dt.datetime:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise ChainError(f"event time {text!r} is not of the form 2026-01-31T12:00:00Z")
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def meta_bytes(kind: str, at: str) -> bytes:
    """The committed metadata of an event: canonical JSON (sorted keys, no spaces, ASCII)."""
    if not KIND.match(kind):
        raise ChainError(f"event kind must be a short lowercase identifier, got {kind!r}")
    if not isinstance(at, str) or not _TIME.fullmatch(at):
        raise ChainError(f"event time {at!r} is not of the form 2026-01-31T12:00:00Z")
    return json.dumps({"at": at, "kind": kind}, sort_keys=True, separators=(",", ":")).encode("ascii")


def meta_commitment(kind: str, at: str, nonce: bytes) -> bytes:
    return commitment_of(nonce, meta_bytes(kind, at))


def entry_hash(case_id: str, seq: int, prev_hash: bytes, meta_commit: bytes, commitment: bytes) -> bytes:
    """SHA-256(domain ‖ len(case) ‖ case ‖ seq:u64be ‖ prev_hash ‖ meta_commitment ‖ commitment)."""
    case = check_case_id(case_id).encode("ascii")
    if seq < 0:
        raise ChainError("sequence numbers start at 0")
    for name, value in (("prev_hash", prev_hash), ("meta_commitment", meta_commit), ("commitment", commitment)):
        if len(value) != HASH_BYTES:
            raise ChainError(f"{name} must be {HASH_BYTES} bytes, got {len(value)}")
    return hashlib.sha256(
        ENTRY_DOMAIN + bytes([len(case)]) + case + seq.to_bytes(8, "big") + prev_hash + meta_commit + commitment
    ).digest()


def head_message(entry_hash_: bytes) -> bytes:
    """What the organisation signs for a chain head — and, unchanged, the leaf of the Merkle log."""
    return HEAD_DOMAIN + entry_hash_


def sign_head(signing_key: SigningKey, entry_hash_: bytes) -> bytes:
    return signing_key.sign(head_message(entry_hash_)).signature


def head_signature_ok(verify_key: VerifyKey, entry_hash_: bytes, signature: bytes) -> bool:
    try:
        verify_key.verify(head_message(entry_hash_), signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True


def tree_head_message(tree_size: int, issued_at_ms: int, root: bytes) -> bytes:
    """TREE_HEAD_DOMAIN ‖ tree_size:u64be ‖ issued_at (ms since 1970, UTC):u64be ‖ root hash."""
    return TREE_HEAD_DOMAIN + tree_size.to_bytes(8, "big") + issued_at_ms.to_bytes(8, "big") + root


@dataclass(frozen=True)
class SignedTreeHead:
    """The org-wide log's size and root at a moment, signed with the organisation key."""

    tree_size: int
    root_hash: bytes
    issued_at_ms: int
    signature: bytes
    #: RFC 3161 answer of the organisation's timestamp authority over :meth:`message`, if configured.
    timestamp_token: bytes | None = None

    def message(self) -> bytes:
        return tree_head_message(self.tree_size, self.issued_at_ms, self.root_hash)


@dataclass(frozen=True)
class ChainEvent:
    """One event as the chain sees it. ``kind``/``at``/``meta_nonce`` are None where withheld."""

    case_id: str
    seq: int
    prev_hash: bytes
    meta_commitment: bytes
    commitment: bytes
    signature: bytes
    kind: str | None = None
    at: str | None = None
    meta_nonce: bytes | None = None

    @property
    def entry_hash(self) -> bytes:
        return entry_hash(self.case_id, self.seq, self.prev_hash, self.meta_commitment, self.commitment)

    @property
    def meta_disclosed(self) -> bool:
        return self.meta_nonce is not None


__all__ = [
    "COMMITMENT_BYTES", "NONCE_BYTES", "GENESIS", "ChainError", "ChainEvent", "entry_hash", "format_time",
    "SignedTreeHead", "head_message", "head_signature_ok", "meta_bytes", "meta_commitment", "parse_time", "sign_head",
    "tree_head_message",
]
