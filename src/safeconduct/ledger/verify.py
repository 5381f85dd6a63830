"""Offline verification of a bundle: every hash, signature, commitment and proof, nothing trusted.

Needs no database, no network and no secret — only the bundle (or the dossier package that holds it) and
what the person checking trusts: the organisation's key fingerprint (see ``trust.py``) and, for the
independent timestamp, the authority's root certificate. Without them the checks still run, but the result
says plainly that the key (or the timestamp authority) is not confirmed: anyone can make a self-consistent
bundle with a key of their own, and embed a root certificate of their own. Checks run in chain order and
stop at the first broken link, which the error names: a court expert reads *where* the evidence breaks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nacl.exceptions
from nacl.signing import VerifyKey

from safeconduct.ledger import chain, merkle, package
from safeconduct.ledger.bundle import FORMAT, MEMBER_ORDER, TIMESTAMP_MEMBERS, canonical_json, zip_members
from safeconduct.ledger.commitments import commitment_of
from safeconduct.ledger.trust import Pins, fingerprint

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # refuse zip bombs before inflating anything


class VerificationError(Exception):
    """The bundle does not verify; the message names the first broken link."""


@dataclass(frozen=True)
class VerifiedEvent:
    seq: int
    kind: str | None
    at: str | None
    content: bytes | None


@dataclass
class VerificationReport:
    """What holds, after every check passed."""

    case_id: str
    public_key: bytes
    events: list[VerifiedEvent] = field(default_factory=list)
    tree_size: int = 0
    root_hash: bytes = b""
    tree_head_issued_at: dt.datetime | None = None
    head_leaf_index: int = 0
    timestamp_time: dt.datetime | None = None
    timestamp_authority: str | None = None
    #: True only when the signing key matched a pin the checker gave (``expect_key``).
    key_confirmed: bool = False
    #: True only when the timestamp verified against a root the checker gave (``tsa_roots_pem``).
    timestamp_confirmed: bool = False
    bundle_sha256: str = ""
    #: What else was checked when a dossier package (or its folder) was given, one phrase each.
    package_checks: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def disclosed(self) -> int:
        return sum(e.content is not None for e in self.events)

    def to_json(self) -> dict[str, Any]:
        """What holds, for programs (the API, ``safeconduct verify --json``); texts stay in the bundle."""
        return {
            "verified": self.key_confirmed, "key_confirmed": self.key_confirmed, "case_id": self.case_id,
            "events": len(self.events), "disclosed": self.disclosed,
            "public_key": self.public_key.hex(), "fingerprint": self.fingerprint,
            "first_event_at": self.events[0].at if self.events else None,
            "tree_size": self.tree_size, "root_hash": self.root_hash.hex(), "head_leaf_index": self.head_leaf_index,
            "tree_head_issued_at": self.tree_head_issued_at.isoformat() if self.tree_head_issued_at else None,
            "timestamp": {"time": self.timestamp_time.isoformat(), "authority": self.timestamp_authority,
                          "authority_confirmed": self.timestamp_confirmed} if self.timestamp_time else None,
            "package": self.package_checks or None,
            "timeline": [{"seq": e.seq, "kind": e.kind, "at": e.at, "disclosed": e.content is not None}
                         for e in self.events],
        }

    def summary(self) -> str:
        first = self.events[0].at if self.events and self.events[0].at else None
        first_text = f"first event {first}" if first else "time of first event withheld"
        issued = self.tree_head_issued_at.strftime("%Y-%m-%dT%H:%M:%SZ") if self.tree_head_issued_at else "?"
        return (
            f"{len(self.events)} events, {self.disclosed} disclosed, chain intact, signed by key "
            f"{self.fingerprint}, {first_text}; chain head is entry {self.head_leaf_index} of the "
            f"organisation's log of {self.tree_size} entries (tree head signed {issued}, root "
            f"{self.root_hash.hex()[:16]}…)"
            + self._timestamp_text()
            + (f"; {', '.join(self.package_checks)}" if self.package_checks else "")
        )

    def _timestamp_text(self) -> str:
        if self.timestamp_time is None:
            return ""
        stamp = f"{self.timestamp_time.strftime('%Y-%m-%dT%H:%M:%SZ')} by {self.timestamp_authority} (RFC 3161)"
        if self.timestamp_confirmed:
            return f"; tree head timestamped {stamp}, authority confirmed by the root you gave"
        return (f"; timestamp present ({stamp}) but its authority is not confirmed: the root it chains to came "
                "inside the bundle; give the authority's root certificate you trust with --tsa-root")


def _hex(value: Any, nbytes: int, where: str) -> bytes:
    try:
        raw = bytes.fromhex(value)
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != nbytes or raw.hex() != value:  # exactly lowercase hex, nothing else
        raise VerificationError(f"{where} is not {2 * nbytes} lowercase hex characters")
    return raw


def _json(members: dict[str, bytes], name: str) -> Any:
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"{name} is not valid JSON: {exc}") from exc


def _read_zip(data: bytes, where: str = "the file") -> tuple[list[str], dict[str, bytes]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — zipfile raises many types on damaged input; all mean the same
        raise VerificationError(f"not a safeconduct bundle: {where} is not a zip archive") from exc
    members: dict[str, bytes] = {}
    names: list[str] = []
    with zf:
        if sum(info.file_size for info in zf.infolist()) > MAX_TOTAL_BYTES:
            raise VerificationError("bundle unpacks to more than any bundle may hold (a zip bomb?)")
        for info in zf.infolist():
            if info.filename in members:
                raise VerificationError(f"bundle contains {info.filename} twice")
            if info.file_size > MAX_MEMBER_BYTES:
                raise VerificationError(f"{info.filename} is larger than any bundle member may be")
            try:
                members[info.filename] = zf.read(info)
            except Exception as exc:  # noqa: BLE001 — CRC, header, flag or length damage
                raise VerificationError(f"{where} is damaged: {info.filename} cannot be read intact ({exc})") from exc
            names.append(info.filename)
    return names, members


def _pins(expect_key: str | Pins | None) -> Pins | None:
    if expect_key is None or isinstance(expect_key, Pins):
        return expect_key
    return Pins.of([expect_key])


def verify_bundle(data: bytes, *, expect_key: str | Pins | None = None,
                  tsa_roots_pem: bytes | None = None) -> VerificationReport:
    """Check everything in a bundle (or a dossier package); return what holds or raise :class:`VerificationError`.

    `expect_key`: the fingerprint(s) or public key(s) the checker trusts (raises :class:`trust.PinError` when
    malformed). A bundle signed by another key fails; without pins the report holds with
    ``key_confirmed=False``, which callers must not present as verified.
    `tsa_roots_pem`: the timestamp authority root(s) the checker trusts; then a timestamp is required and
    checked against them; without them a timestamp is checked against the roots the bundle brings along,
    which shows it is well-formed and for this tree head, not who made it (``timestamp_confirmed=False``).
    """
    pins = _pins(expect_key)
    names, members = _read_zip(data)
    if package.is_package(names):
        return _verify_package(members, names, pins, tsa_roots_pem, data)
    return _verify_bundle(data, names, members, pins, tsa_roots_pem)


def _verify_package(members: dict[str, bytes], names: list[str], pins: Pins | None, tsa_roots_pem: bytes | None,
                    data: bytes) -> VerificationReport:
    extra = [n for n in names if n not in package.MEMBERS]
    if extra:
        raise VerificationError(f"the dossier package contains {extra[0]}, which safeconduct does not put there")
    missing = [n for n in package.MEMBERS if n not in members]
    if missing:
        raise VerificationError(f"the dossier package has no {missing[0]}")
    report = check_package_members(members, pins, tsa_roots_pem)
    if names != list(package.MEMBERS) or zip_members([(n, members[n]) for n in names]) != data:
        raise VerificationError(
            "the dossier package's zip container was altered (headers or layout differ from what safeconduct "
            "writes, though bundle.zip, dossier.pdf and README.txt verify)"
        )
    return report


def check_package_members(members: dict[str, bytes], pins: Pins | None,
                          tsa_roots_pem: bytes | None) -> VerificationReport:
    """Verify ``bundle.zip``, then ``dossier.pdf`` and ``README.txt`` (both, or neither in a folder)."""
    try:
        inner_names, inner = _read_zip(members[package.BUNDLE], where="it")
        if package.is_package(inner_names):
            raise VerificationError("it is itself a dossier package, not a bundle")
        report = _verify_bundle(members[package.BUNDLE], inner_names, inner, pins, tsa_roots_pem)
    except VerificationError as exc:
        raise VerificationError(f"bundle.zip: {exc}") from exc
    report.package_checks.append("bundle.zip verified")
    present = [n for n in (package.PDF, package.README) if n in members]
    if len(present) == 1:
        other = package.README if present[0] == package.PDF else package.PDF
        raise VerificationError(f"{present[0]} is here without {other}, which is needed to check it (give "
                                "bundle.zip alone to check only the bundle)")
    if present:
        try:
            package.check_readme_and_pdf(
                members[package.README], members[package.PDF], bundle=members[package.BUNDLE],
                case_id=report.case_id, public_key=report.public_key, events=len(report.events),
                disclosed=report.disclosed)
        except package.PackageError as exc:
            raise VerificationError(str(exc)) from exc
        report.package_checks.append("dossier.pdf and README.txt exactly as the organisation's key signed them")
    return report


def _verify_bundle(data: bytes, names: list[str], members: dict[str, bytes], pins: Pins | None,
                   tsa_roots_pem: bytes | None) -> VerificationReport:
    missing = [m for m in MEMBER_ORDER if m not in members]
    if missing:
        raise VerificationError(f"not a safeconduct bundle: {missing[0]} is missing")
    manifest = _json(members, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise VerificationError(f"manifest.json does not declare the format {FORMAT}")
    try:
        case_id = chain.check_case_id(manifest.get("case_id"))  # type: ignore[arg-type]
    except chain.ChainError as exc:
        raise VerificationError(f"manifest.json: {exc}") from exc
    public_key = _hex(manifest.get("public_key"), 32, "manifest.json public_key")
    if pins is not None and not pins.matches(public_key):
        raise VerificationError(
            f"bundle is signed by key {fingerprint(public_key)}, not by {pins.describe()} "
            "(a bundle from another organisation, or a forged one)"
        )
    try:
        verify_key = VerifyKey(public_key)
    except (ValueError, TypeError, nacl.exceptions.CryptoError) as exc:
        raise VerificationError("manifest.json public_key is not an Ed25519 public key") from exc

    report = VerificationReport(case_id=case_id, public_key=public_key, key_confirmed=pins is not None,
                                bundle_sha256=hashlib.sha256(data).hexdigest())
    records = _json(members, "events.json")
    if not isinstance(records, list) or not records:
        raise VerificationError("events.json holds no events")
    referenced: set[str] = set()
    prev = chain.GENESIS
    signed: list[tuple[bytes, bytes]] = []
    broken: VerificationError | None = None
    for position, rec in enumerate(records):
        try:
            prev = _check_event(position, rec, prev, case_id, members, referenced, report, signed)
        except VerificationError as exc:
            broken = exc
            break
    # Signatures are checked after the hashes, in parallel (libsodium releases the GIL), but reported in
    # chain order: a bad signature before the first broken link is the first broken link.
    bad = _first_bad_signature(verify_key, signed)
    if bad is not None:
        raise VerificationError(f"event {bad}: signature does not verify with key {fingerprint(public_key)}")
    if broken is not None:
        raise broken

    if manifest.get("events") != len(records):
        raise VerificationError(
            f"manifest.json says {manifest.get('events')} events but the chain holds {len(records)}"
        )
    if manifest.get("disclosed") != report.disclosed:
        raise VerificationError(
            f"manifest.json says {manifest.get('disclosed')} disclosed but {report.disclosed} texts are present"
        )
    _check_log(members, prev, len(records) - 1, verify_key, report)
    stamped = _check_timestamp(members, tsa_roots_pem, report)

    extra = [n for n in names if n not in MEMBER_ORDER and n not in referenced and n not in stamped]
    if extra:
        raise VerificationError(f"bundle contains {extra[0]}, which no event refers to")
    expected_names = list(MEMBER_ORDER) + stamped + [n for n in names if n in referenced]
    for name in MEMBER_ORDER:
        if members[name] != canonical_json(_json(members, name)):
            raise VerificationError(f"{name} was rewritten (it is not in the form safeconduct writes)")
    if names != expected_names or zip_members([(n, members[n]) for n in names]) != data:
        raise VerificationError(
            "the zip container was altered (headers or layout differ from what safeconduct writes, "
            "though every recorded file still verifies)"
        )
    return report


def _first_bad_signature(verify_key: VerifyKey, signed: list[tuple[bytes, bytes]]) -> int | None:
    """Index of the first (entry_hash, signature) pair that does not verify, or None."""

    def first_bad(start: int, stop: int) -> int | None:
        for i in range(start, stop):
            if not chain.head_signature_ok(verify_key, *signed[i]):
                return i
        return None

    workers = min(8, os.cpu_count() or 1)
    if workers == 1 or len(signed) < 512:
        return first_bad(0, len(signed))
    step = -(-len(signed) // workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda start: first_bad(start, min(start + step, len(signed))),
                           range(0, len(signed), step))
        return next((r for r in results if r is not None), None)


def _check_event(position: int, rec: Any, prev: bytes, case_id: str, members: dict[str, bytes],
                 referenced: set[str], report: VerificationReport, signed: list[tuple[bytes, bytes]]) -> bytes:
    where = f"event {position}"
    if not isinstance(rec, dict):
        raise VerificationError(f"{where}: not a JSON object")
    seq = rec.get("seq")
    if seq != position:
        raise VerificationError(
            f"{where}: found seq {seq!r} where seq {position} belongs — events were dropped or reordered"
        )
    prev_hash = _hex(rec.get("prev_hash"), 32, f"{where} prev_hash")
    if prev_hash != prev:
        before = "the chain's start" if position == 0 else f"event {position - 1}"
        raise VerificationError(
            f"{where}: does not link to {before} (prev_hash differs) — an event was removed, inserted or reordered"
        )
    meta_commit = _hex(rec.get("meta_commitment"), 32, f"{where} meta_commitment")
    commitment = _hex(rec.get("commitment"), 32, f"{where} commitment")
    signature = _hex(rec.get("signature"), 64, f"{where} signature")
    kind = at = None
    meta = rec.get("meta")
    if meta is not None:
        if not isinstance(meta, dict):
            raise VerificationError(f"{where}: meta is not a JSON object")
        kind, at = meta.get("kind"), meta.get("at")
        nonce = _hex(meta.get("nonce"), 32, f"{where} meta nonce")
        try:
            ok = commitment_of(nonce, chain.meta_bytes(kind, at)) == meta_commit  # type: ignore[arg-type]
        except (chain.ChainError, TypeError) as exc:
            raise VerificationError(f"{where}: kind or time is malformed ({exc})") from exc
        if not ok:
            raise VerificationError(f"{where}: its kind or time was changed (does not match meta_commitment)")
    content = None
    disclosed = rec.get("content")
    if disclosed is not None:
        if not isinstance(disclosed, dict):
            raise VerificationError(f"{where}: content is not a JSON object")
        name = disclosed.get("file")
        if name not in (f"disclosed/{position:06d}.txt", f"disclosed/{position:06d}.bin"):
            raise VerificationError(f"{where}: content file name {name!r} is not disclosed/{position:06d}.txt|.bin")
        if name not in members:
            raise VerificationError(f"{where}: disclosed text {name} is missing from the bundle")
        nonce = _hex(disclosed.get("nonce"), 32, f"{where} content nonce")
        content = members[name]
        if commitment_of(nonce, content) != commitment:
            raise VerificationError(f"{where}: disclosed text {name} does not match its commitment (it was changed)")
        referenced.add(name)
    h = chain.entry_hash(case_id, position, prev_hash, meta_commit, commitment)
    signed.append((h, signature))
    report.events.append(VerifiedEvent(seq=position, kind=kind, at=at, content=content))
    return h


def _count(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 2**63:
        raise VerificationError(f"{name} is not a non-negative integer")
    return value


def _check_log(members: dict[str, bytes], head_hash: bytes, head_seq: int, verify_key: VerifyKey,
               report: VerificationReport) -> None:
    th = _json(members, "tree_head.json")
    inc = _json(members, "inclusion.json")
    if not isinstance(th, dict) or not isinstance(inc, dict):
        raise VerificationError("tree_head.json or inclusion.json is not a JSON object")
    size = _count(th.get("tree_size"), "tree_size")
    issued = _count(th.get("issued_at_ms"), "issued_at_ms")
    leaf_index = _count(inc.get("leaf_index"), "leaf_index")
    root = _hex(th.get("root_hash"), 32, "tree_head.json root_hash")
    head = chain.SignedTreeHead(size, root, issued, _hex(th.get("signature"), 64, "tree_head.json signature"))
    try:
        verify_key.verify(head.message(), head.signature)
    except nacl.exceptions.BadSignatureError as exc:
        raise VerificationError("the signed tree head does not verify with the bundle's key") from exc
    if inc.get("tree_size") != size:
        raise VerificationError("inclusion.json refers to another tree size than the signed tree head")
    path = inc.get("path")
    if not isinstance(path, list):
        raise VerificationError("inclusion.json path is not a list")
    proof = [_hex(p, 32, f"inclusion.json path[{i}]") for i, p in enumerate(path)]
    try:
        merkle.verify_inclusion(merkle.leaf_hash(chain.head_message(head_hash)), leaf_index, size, proof, root)
    except merkle.ProofError as exc:
        raise VerificationError(
            f"chain head (event {head_seq}) is not in the signed Merkle tree: {exc} — the chain was cut short "
            "or extended after logging"
        ) from exc
    report.tree_size, report.root_hash, report.head_leaf_index = size, root, leaf_index
    report.tree_head_issued_at = dt.datetime.fromtimestamp(issued / 1000, tz=dt.UTC)


def _check_timestamp(members: dict[str, bytes], roots_pem: bytes | None, report: VerificationReport) -> list[str]:
    """Verify the RFC 3161 token over the signed tree head, if the bundle has one; return its members."""
    token_name, roots_name = TIMESTAMP_MEMBERS
    present = [n for n in TIMESTAMP_MEMBERS if n in members]
    if not present:
        if roots_pem is not None:
            raise VerificationError("the bundle carries no RFC 3161 timestamp, but one was required (--tsa-root)")
        return []
    if len(present) != len(TIMESTAMP_MEMBERS):
        raise VerificationError(f"the timestamp is incomplete: {present[0]} without its partner")
    from safeconduct.ledger.timestamps import TimestampError, verify_timestamp

    th = json.loads(members["tree_head.json"])
    message = chain.tree_head_message(th["tree_size"], th["issued_at_ms"], bytes.fromhex(th["root_hash"]))
    try:
        stamp = verify_timestamp(members[token_name], message, roots_pem=roots_pem or members[roots_name])
    except TimestampError as exc:
        raise VerificationError(f"timestamp of the tree head: {exc}") from exc
    report.timestamp_time, report.timestamp_authority = stamp.time, stamp.authority
    report.timestamp_confirmed = roots_pem is not None
    return list(TIMESTAMP_MEMBERS)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise VerificationError(f"cannot read {path}: {exc.strerror}") from exc


def verify_file(path: Path, *, expect_key: str | Pins | None = None,
                tsa_roots_pem: bytes | None = None) -> VerificationReport:
    """Verify a bundle, a dossier package, or the folder a package unzips to; an unreadable path is a
    :class:`VerificationError` too. In a folder, files other than the package's are ignored."""
    path = Path(path)
    if not path.is_dir():
        return verify_bundle(_read(path), expect_key=expect_key, tsa_roots_pem=tsa_roots_pem)
    if not (path / package.BUNDLE).is_file():
        raise VerificationError(f"{path} is a folder without {package.BUNDLE} (give the bundle or the dossier "
                                "package, or the folder the package unzips to)")
    members = {name: _read(path / name) for name in package.MEMBERS if (path / name).is_file()}
    return check_package_members(members, _pins(expect_key), tsa_roots_pem)
