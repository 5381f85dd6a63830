"""The verifiable bundle: a zip anyone can check offline with ``safeconduct verify``.

Layout (all members stored uncompressed, in this order, with fixed timestamps, so the same content always
gives the same bytes and the verifier can insist on exactly those bytes — no byte of the file escapes the
check, not even in zip headers):

``manifest.json``    format, case id, the organisation's Ed25519 public key, counts
``events.json``      every event of the chain up to its head: seq, prev_hash, meta_commitment,
                     commitment, signature; ``meta`` (kind, at, nonce) where disclosed; ``content``
                     (file name and nonce) where the content is disclosed
``disclosed/NNNNNN.txt|.bin``  the disclosed plaintexts, byte for byte
``tree_head.json``   the signed tree head of the org-wide Merkle log
``inclusion.json``   the audit path of the chain head (last event) in that tree
``timestamp/tree_head.tsr``, ``timestamp/authority_roots.pem``  (optional) the RFC 3161 answer of the
                     organisation's timestamp authority over the signed tree head, and its root(s)

One inclusion proof suffices: every entry is hashed into its successor, so the head's presence in the
signed tree pins the whole chain before it.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from safeconduct.ledger.chain import ChainEvent, SignedTreeHead, check_case_id
from safeconduct.ledger.commitments import commitment_of, verify_commitment

FORMAT = "safeconduct-bundle/1"
MEMBER_ORDER = ("manifest.json", "events.json", "tree_head.json", "inclusion.json")
#: Present when the organisation has a timestamp authority: its RFC 3161 answer for the tree head, and
#: the authority's root certificate(s) as the organisation configured them.
TIMESTAMP_MEMBERS = ("timestamp/tree_head.tsr", "timestamp/authority_roots.pem")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BundleError(ValueError):
    """A bundle cannot be built from what was given (nothing is written)."""


@dataclass(frozen=True)
class Disclosure:
    """Content the person chose to show: the plaintext and the nonce kept with it."""

    nonce: bytes
    plaintext: bytes


@dataclass(frozen=True)
class BundleContent:
    """Everything a bundle holds, before it is serialised."""

    case_id: str
    public_key: bytes
    events: Sequence[ChainEvent]
    content: dict[int, Disclosure]
    tree_head: SignedTreeHead
    head_leaf_index: int
    inclusion_path: Sequence[bytes]
    timestamp_token: bytes | None = None
    timestamp_roots_pem: bytes | None = None


def canonical_json(value: object) -> bytes:
    """The one spelling of a member: sorted keys; a list has one compact item per line (readable with a
    pager, and fast: the C encoder does each line), an object is indented by one space."""
    if isinstance(value, list):
        lines = [json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(", ", ": ")) for item in value]
        return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8") if lines else b"[]\n"
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def content_file(seq: int, plaintext: bytes) -> str:
    try:
        plaintext.decode("utf-8")
    except UnicodeDecodeError:
        return f"disclosed/{seq:06d}.bin"
    return f"disclosed/{seq:06d}.txt"


def zip_members(members: Sequence[tuple[str, bytes]]) -> bytes:
    """The one byte-exact zip encoding of these members (used to write and to re-check)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data)
    return out.getvalue()


def match_disclosures(events: Sequence[ChainEvent], disclosures: Iterable[Disclosure]) -> dict[int, Disclosure]:
    """Find the event each disclosure opens, by recomputing its commitment; refuse ones that open nothing.

    The caller keeps only (nonce, plaintext) with each message; it need not remember sequence numbers.
    """
    by_commitment = {e.commitment: e.seq for e in events}
    matched: dict[int, Disclosure] = {}
    for d in disclosures:
        seq = by_commitment.get(commitment_of(d.nonce, d.plaintext))
        if seq is None:
            raise BundleError("a disclosed text does not open any event of this case (wrong nonce or text)")
        matched[seq] = d
    return matched


def build(content: BundleContent, *, reveal_metadata: Iterable[int] = ()) -> bytes:
    """Serialise a bundle. Metadata (kind, time) is shown for disclosed events and for `reveal_metadata`."""
    check_case_id(content.case_id)
    events = list(content.events)
    if not events:
        raise BundleError("the case has no ledger events to export")
    if [e.seq for e in events] != list(range(len(events))):
        raise BundleError("events must be the whole chain from seq 0, in order")
    show_meta = set(reveal_metadata) | set(content.content)
    unknown = show_meta - {e.seq for e in events}
    if unknown:
        raise BundleError(f"no event with seq {sorted(unknown)[0]} in this case")
    files: list[tuple[str, bytes]] = []
    records = []
    for e in events:
        record: dict[str, object] = {
            "seq": e.seq, "prev_hash": e.prev_hash.hex(), "meta_commitment": e.meta_commitment.hex(),
            "commitment": e.commitment.hex(), "signature": e.signature.hex(), "meta": None, "content": None,
        }
        if e.seq in show_meta:
            if e.meta_nonce is None or e.kind is None or e.at is None:
                raise BundleError(f"event {e.seq}: its metadata is not open, cannot disclose it")
            record["meta"] = {"kind": e.kind, "at": e.at, "nonce": e.meta_nonce.hex()}
        if e.seq in content.content:
            d = content.content[e.seq]
            if not verify_commitment(e.commitment, d.nonce, d.plaintext):
                raise BundleError(f"event {e.seq}: the disclosed text does not match its commitment")
            name = content_file(e.seq, d.plaintext)
            record["content"] = {"file": name, "nonce": d.nonce.hex()}
            files.append((name, d.plaintext))
        records.append(record)
    head = content.tree_head
    manifest = {
        "format": FORMAT, "case_id": content.case_id, "public_key": content.public_key.hex(),
        "events": len(events), "disclosed": len(content.content),
    }
    members = [
        ("manifest.json", canonical_json(manifest)),
        ("events.json", canonical_json(records)),
        ("tree_head.json", canonical_json({
            "tree_size": head.tree_size, "root_hash": head.root_hash.hex(), "issued_at_ms": head.issued_at_ms,
            "signature": head.signature.hex(),
        })),
        ("inclusion.json", canonical_json({
            "leaf_index": content.head_leaf_index, "tree_size": head.tree_size,
            "path": [p.hex() for p in content.inclusion_path],
        })),
    ]
    if content.timestamp_token is not None:
        if not content.timestamp_roots_pem:
            raise BundleError("a timestamp needs the authority's root certificate to be checkable")
        members += list(zip(TIMESTAMP_MEMBERS, (content.timestamp_token, content.timestamp_roots_pem), strict=True))
    members += files
    return zip_members(members)
