"""Checking that a file downloaded from the archive is what the organisation published, unaltered.

Beside every published file the archive serves `entry.json` (what was published: each file's SHA-256) and
`entry.sig` (the organisation's Ed25519 signature over it). The check needs only those two and the key the
checker pinned: the signature must hold under that key, and the file's SHA-256 must be one the entry names.
When the site's `log.json` is at hand (a static copy, two folders up), a signed withdrawal of the entry
makes the answer NOT VERIFIED too: the organisation took it back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
from nacl.signing import VerifyKey

from safeconduct.archive.entries import ENTRY_CONTEXT, ENTRY_KIND, WITHDRAWAL_CONTEXT
from safeconduct.ledger.trust import Pins, fingerprint


class ArchiveVerificationError(Exception):
    """The file is not what the organisation published; the message names the file and why."""


@dataclass
class ArchiveReport:
    file: str
    name: str
    entry_id: str
    published: str
    organisation: str
    public_key: bytes
    key_confirmed: bool
    #: "leaf N of the organisation's log of M entries" when entry.proof.json was beside the file
    logged: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def summary(self) -> str:
        logged = (f"; logged as {self.logged}" if self.logged else
                  "; no entry.proof.json beside it, so its place in the organisation's log was not checked")
        return (f"{self.file} is {self.name} of the testimony {self.entry_id}, published {self.published} by "
                f"{self.organisation}, unaltered; signed by key {self.fingerprint}{logged}")

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.key_confirmed, "key_confirmed": self.key_confirmed, "kind": "archive",
                "file": self.file, "name": self.name, "entry": self.entry_id, "published": self.published,
                "organisation": self.organisation, "public_key": self.public_key.hex(),
                "fingerprint": self.fingerprint, "logged": self.logged}


def has_entry(path: Path) -> bool:
    """Whether `path` sits beside an archive entry (the layout of a download from a testimony's page)."""
    return path.is_file() and (path.parent / "entry.json").is_file() and path.name not in ("entry.json", "entry.sig")


def _withdrawn(path: Path, entry_id: str, key: VerifyKey) -> str | None:
    log = path.parent.parent.parent / "log.json"
    if not log.is_file():
        return None
    try:
        records = json.loads(log.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for record in records if isinstance(records, list) else []:
        withdrawal = record.get("withdrawal") if isinstance(record, dict) else None
        if not withdrawal or withdrawal.get("id") != entry_id:
            continue
        from safeconduct.ledger.bundle import canonical_json

        try:
            key.verify(WITHDRAWAL_CONTEXT + canonical_json(withdrawal), bytes.fromhex(record["withdrawal_signature"]))
        except (nacl.exceptions.BadSignatureError, ValueError, KeyError, TypeError):
            continue  # a withdrawal nobody signed proves nothing either way
        return str(withdrawal.get("withdrawn"))
    return None


def _logged(path: Path, raw_entry: bytes, key: VerifyKey) -> str | None:
    """Check entry.proof.json, if present: the tree head's signature and the entry's inclusion under it."""
    from safeconduct.ledger import merkle
    from safeconduct.ledger.chain import tree_head_message
    from safeconduct.ledger.service import public_record_message

    proof_path = path.parent / "entry.proof.json"
    if not proof_path.is_file():
        return None
    try:
        proof = json.loads(proof_path.read_text(encoding="utf-8"))
        size, index, root = int(proof["tree_size"]), int(proof["leaf_index"]), bytes.fromhex(proof["root"])
        key.verify(tree_head_message(size, int(proof["issued_at_ms"]), root), bytes.fromhex(proof["signature"]))
        leaf = merkle.leaf_hash(public_record_message(hashlib.sha256(raw_entry).digest()))
        merkle.verify_inclusion(leaf, index, size, [bytes.fromhex(p) for p in proof["proof"]], root)
    except nacl.exceptions.BadSignatureError:
        raise ArchiveVerificationError("entry.proof.json was changed: the signature over its tree head does not "
                                       "verify") from None
    except merkle.ProofError as error:
        raise ArchiveVerificationError(f"entry.proof.json does not place this entry in the log: {error}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ArchiveVerificationError(f"entry.proof.json is malformed ({error})") from None
    return f"leaf {index} of the organisation's log of {size} entries (root {root.hex()[:16]}…)"


def verify_file(path: Path, *, pins: Pins | None) -> ArchiveReport:
    """Check one downloaded file against the signed entry beside it."""
    try:
        raw = (path.parent / "entry.json").read_bytes()
        signature = bytes.fromhex((path.parent / "entry.sig").read_text(encoding="ascii").strip())
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ArchiveVerificationError(f"{Path(str(error.filename)).name} is missing beside {path.name}: download "
                                       "entry.json and entry.sig from the testimony's page") from None
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ArchiveVerificationError(f"entry.sig or {path.name} cannot be read ({error})") from None
    try:
        entry = json.loads(raw)
        public_key = bytes.fromhex(entry["public_key"])
        key = VerifyKey(public_key)
        key.verify(ENTRY_CONTEXT + raw, signature)
    except nacl.exceptions.BadSignatureError:
        raise ArchiveVerificationError("entry.json was changed, or entry.sig is not its signature") from None
    except (ValueError, KeyError, TypeError, nacl.exceptions.CryptoError) as error:
        raise ArchiveVerificationError(f"entry.json is malformed ({error})") from None
    if entry.get("kind") != ENTRY_KIND:
        raise ArchiveVerificationError("entry.json is not a safeconduct archive entry")
    confirmed = pins is not None and pins.matches(public_key)
    if pins is not None and not confirmed:
        raise ArchiveVerificationError(f"the entry is signed by key {fingerprint(public_key)}, not by the key you "
                                       f"gave ({pins.describe()})")
    digest = hashlib.sha256(data).hexdigest()
    files: dict[str, Any] = entry.get("files", {})
    name = next((n for n, f in files.items() if f.get("sha256") == digest), None)
    if name is None:
        if path.name in files:
            raise ArchiveVerificationError(f"{path.name} was changed: its SHA-256 is not the one the organisation "
                                           "published")
        raise ArchiveVerificationError(f"{path.name} is not a file of this testimony (no published file has its "
                                       "SHA-256)")
    withdrawn = _withdrawn(path, str(entry["id"]), key)
    if withdrawn:
        raise ArchiveVerificationError(f"{path.name} was published, then withdrawn from the archive on {withdrawn} "
                                       "by the organisation")
    return ArchiveReport(file=path.name, name=name, entry_id=str(entry["id"]), published=str(entry["published"]),
                         organisation=str(entry.get("organisation", "")), public_key=public_key,
                         key_confirmed=confirmed, logged=_logged(path, raw, key))
