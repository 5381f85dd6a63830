"""The organisation's redaction list: words reviewers taught the redaction, reused by every later run.

A reviewer who finds a missed name adds it (`hide`, with its kind); one who rejects a false alarm ("Idlib
is the region, not the village") adds it as `keep`. `redact_text` then hides every spelling of each `hide`
entry (see `text.terms.case_terms`) and leaves each `keep` word readable, unless the case's own list says
otherwise. `remove` takes an entry off the list: the next run no longer uses it. Entries are encrypted at
rest under a key derived from the signing key (crypto/redaction_terms.py): kind, text and action alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.crypto.redaction_terms import decrypt_entry, encrypt_entry
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.testimony.terms_models import RedactionTermRow
from safeconduct.testimony.text.model import Kind
from safeconduct.testimony.text.terms import Term, case_terms

HIDE = "hide"
KEEP = "keep"
ACTIONS = (HIDE, KEEP)
MAX_TEXT = 200


@dataclass(frozen=True)
class Entry:
    id: int
    action: str
    text: str
    kind: Kind | None  # None for a `keep` entry


def _checked(action: str, text: str, kind: str | Kind | None) -> tuple[str, str, Kind | None]:
    action = action.strip().lower()
    if action not in ACTIONS:
        raise InvalidInput("An entry either hides a word (hide) or keeps a false alarm readable (keep).")
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("Give the word or words to hide or keep.")
    if len(text) > MAX_TEXT:
        raise InvalidInput("An entry has at most %(n)s characters.", n=MAX_TEXT)
    if action == KEEP:
        return action, text, None
    try:
        return action, text, Kind(str(kind or "").strip().upper())
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise InvalidInput("Say what kind of detail it is: one of %(kinds)s.", kinds=kinds) from None


def list_entries(db: Session, signing_key: SigningKey) -> list[Entry]:
    entries = []
    for row in db.scalars(select(RedactionTermRow).order_by(RedactionTermRow.id)):
        data = json.loads(decrypt_entry(signing_key, row.id, row.ciphertext))
        kind = Kind(data["kind"]) if data.get("kind") else None
        entries.append(Entry(row.id, data["action"], data["text"], kind))
    return entries


def add(db: Session, signing_key: SigningKey, *, action: str, text: str, kind: str | Kind | None = None) -> int:
    """Add an entry; the same word with the same action twice is refused (the list stays as it was)."""
    action, text, checked_kind = _checked(action, text, kind)
    for entry in list_entries(db, signing_key):
        if entry.action == action and entry.text.casefold() == text.casefold():
            raise Conflict("This word is already on the list (entry %(id)s).", id=entry.id)
    row = RedactionTermRow(ciphertext=b"")
    db.add(row)
    db.flush()  # the id binds the ciphertext to its row
    payload = {"action": action, "text": text, "kind": checked_kind.value if checked_kind else None}
    row.ciphertext = encrypt_entry(signing_key, row.id, json.dumps(payload, ensure_ascii=False).encode())
    db.commit()
    return row.id


def remove(db: Session, entry_id: int) -> None:
    row = db.get(RedactionTermRow, entry_id)
    if row is None:
        raise NotFound("No such entry on the redaction list; it may have been removed.")
    db.delete(row)
    db.commit()


def for_redaction(db: Session, signing_key: SigningKey) -> tuple[list[Term], list[str]]:
    """What `redact_text(extra_terms=…, rejected=…)` takes: every spelling of each hidden word, and the kept words."""
    entries = list_entries(db, signing_key)
    hide = case_terms([(e.kind, e.text) for e in entries if e.action == HIDE and e.kind is not None])
    keep = [e.text for e in entries if e.action == KEEP]
    return hide, keep
