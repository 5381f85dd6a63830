"""Caseworkers' private notes on a case: sealed under the case key, never shown to the contact.

The contact's routes read only ``messages`` and ``case_files``; notes live in their own table so that no
query of the contact side can reach them. Each note is a "note" event in the ledger (its nonce is kept in
the sealed note, so it could be disclosed later like any other event).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.casework_models import CaseNote
from safeconduct.cases.content import clean_text, get_case
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.config import Settings


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    text: str
    at: dt.datetime


def _aad(case_id: str) -> bytes:
    return b"note:" + case_id.encode()


def add_note(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
             actor: Actor, text: object) -> NoteView:
    """Seal and store a note, record it in the ledger and the audit log, commit all together."""
    body = clean_text(text, settings.max_message_chars)
    case = get_case(db, case_id)
    at = dt.datetime.now(dt.UTC)
    nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="note",
                          plaintext=body.encode(), at=at)
    row = CaseNote(case_id=case_id, created_on=at.date(), ciphertext=seal_record(case_key, {
        "v": 1, "author": actor.username, "author_id": actor.staff_id, "text": body, "at": at.isoformat(),
        "nonce": base64.b64encode(nonce).decode()}, _aad(case_id)))
    db.add(row)
    audit.record(db, staff_id=actor.staff_id, action="add_note", case_id=case_id, on=at.date())
    case.last_activity_on = at.date()
    db.commit()
    return NoteView(id=row.id, author=actor.username, text=body, at=at)


def list_notes(db: Session, *, case_id: str, case_key: bytes, viewer: Actor | None = None) -> list[NoteView]:
    """The notes of a case, oldest first, decrypted in memory (audited when a `viewer` is given)."""
    if viewer is not None:
        audit.record(db, staff_id=viewer.staff_id, action="view_notes", case_id=case_id)
        db.commit()
    out = []
    for row in db.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)):
        data = open_record(case_key, row.ciphertext, _aad(case_id))
        out.append(NoteView(id=row.id, author=data["author"], text=data["text"],
                            at=dt.datetime.fromisoformat(data["at"])))
    return out
