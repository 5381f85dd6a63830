"""The sealed identity: the real name and papers a person gives so that their return can be organised.

It is the most dangerous thing the system holds, so it is kept apart from everything else: a separate
record sealed under the case key (never in the inbox, the statistics, a message or the audit log's text),
readable only by the caseworkers the case's owner (its assignee) names, each read a ledger event. The person
sees what they gave and can change or withdraw it until it has been used in a request to the authorities.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.content import get_case
from safeconduct.cases.identity_models import CaseIdentity
from safeconduct.cases.models import CaseKeySeal
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.errors import Conflict, Forbidden, InvalidInput, NotFound
from safeconduct.staff.models import StaffMember

#: The fields a person may give, and their longest length (characters).
FIELDS: dict[str, int] = {
    "full_name": 200, "other_names": 300, "date_of_birth": 40, "place_of_birth": 200, "nationality": 100,
    "document_numbers": 300, "notes": 2000,
}
NOT_NAMED = "The person's identity is shown only to the caseworkers the case's owner names."


@dataclass(frozen=True)
class IdentityView:
    fields: dict[str, str]
    readers: list[int]
    used: bool


def _aad(case_id: str) -> bytes:
    return f"identity:{case_id}".encode()


def _row(db: Session, case_id: str) -> CaseIdentity | None:
    return db.get(CaseIdentity, case_id)


def _open(row: CaseIdentity, case_key: bytes) -> dict[str, Any]:
    return open_record(case_key, row.ciphertext, _aad(row.case_id))


def _view(data: dict[str, Any]) -> IdentityView:
    return IdentityView(fields=dict(data["fields"]), readers=list(data.get("readers", [])),
                        used=bool(data.get("used", False)))


def clean_fields(fields: object) -> dict[str, str]:
    """Only the known fields, as trimmed text within their length; at least one; refusals name the field."""
    if not isinstance(fields, dict):
        raise InvalidInput("Give the identity as fields (full_name, date_of_birth, ...).")
    cleaned: dict[str, str] = {}
    for name, value in fields.items():
        if name not in FIELDS:
            raise InvalidInput("Unknown identity field %(field)s; use %(known)s.", field=str(name)[:40],
                               known=", ".join(FIELDS))
        if not isinstance(value, str):
            raise InvalidInput("The identity field %(field)s must be text.", field=name)
        text = " ".join(value.split()) if name != "notes" else value.strip()
        if len(text) > FIELDS[name]:
            raise InvalidInput("The identity field %(field)s is longer than %(n)s characters.", field=name,
                               n=FIELDS[name])
        if text:
            cleaned[name] = text
    if not cleaned:
        raise InvalidInput("Fill in at least one field of your identity.")
    return cleaned


def _event(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, kind: str, detail: dict[str, Any],
           at: dt.datetime) -> None:
    """A ledger event that says what happened, never the identity itself."""
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind=kind,
                  plaintext=json.dumps(detail, sort_keys=True).encode(), at=at)


def give(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, fields: object) -> IdentityView:
    """The person gives (or changes) their identity; refused once it was used in a request."""
    cleaned = clean_fields(fields)
    get_case(db, case_id)
    row = _row(db, case_id)
    data = _open(row, case_key) if row is not None else {"readers": [], "used": False}
    if data.get("used"):
        raise Conflict("Your identity was already used to ask for your return; it can no longer be changed here. "
                       "Write to your caseworker.")
    data["fields"] = cleaned
    at = dt.datetime.now(dt.UTC)
    _event(db, case_id=case_id, case_key=case_key, signing_key=signing_key,
           kind="identity_changed" if row is not None else "identity_given", detail={"fields": sorted(cleaned)}, at=at)
    sealed = seal_record(case_key, data, _aad(case_id))
    if row is None:
        db.add(CaseIdentity(case_id=case_id, ciphertext=sealed))
    else:
        row.ciphertext = sealed
    db.commit()
    return _view(data)


def for_contact(db: Session, *, case_id: str, case_key: bytes) -> IdentityView | None:
    """What the person gave (None if nothing)."""
    row = _row(db, case_id)
    return _view(_open(row, case_key)) if row is not None else None


def summary(db: Session, *, case_id: str, case_key: bytes) -> IdentityView | None:
    """Whether an identity was given, its readers and whether it was used: the fields themselves left out,
    so that showing this on the case page is not a read of the identity."""
    row = _row(db, case_id)
    if row is None:
        return None
    data = _open(row, case_key)
    return IdentityView(fields={}, readers=list(data.get("readers", [])), used=bool(data.get("used", False)))


def withdraw(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey) -> None:
    """The person takes their identity back: the record is deleted, unless a request already used it."""
    row = _row(db, case_id)
    if row is None:
        raise NotFound("You have not given your identity.")
    if _open(row, case_key).get("used"):
        raise Conflict("Your identity was already used to ask for your return; it can no longer be withdrawn "
                       "here. Write to your caseworker.")
    _event(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="identity_withdrawn", detail={},
           at=dt.datetime.now(dt.UTC))
    db.delete(row)
    db.commit()


def name_readers(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
                 staff_ids: object) -> IdentityView:
    """The case's owner (its assignee) names who may read the identity; only caseworkers holding the case."""
    case = get_case(db, case_id)
    if case.assignee_id is None:
        raise Conflict("Assign the case first: its owner names who may read the person's identity.")
    if case.assignee_id != actor.staff_id:
        raise Forbidden("Only the case's owner names who may read the person's identity.")
    if not isinstance(staff_ids, list) or not all(isinstance(i, int) for i in staff_ids):
        raise InvalidInput("Give the readers as a list of staff ids.")
    holding = set(db.scalars(select(CaseKeySeal.staff_id).join(StaffMember, StaffMember.id == CaseKeySeal.staff_id)
                             .where(CaseKeySeal.case_id == case_id, StaffMember.active.is_(True))))
    strangers = [i for i in staff_ids if i not in holding]
    if strangers:
        raise InvalidInput("Staff member %(id)s does not hold this case; share the case with them first.",
                           id=strangers[0])
    row = _row(db, case_id)
    if row is None:
        raise NotFound("The person has not given their identity.")
    data = _open(row, case_key)
    data["readers"] = sorted(set(staff_ids))
    _event(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="identity_readers",
           detail={"by": actor.username, "readers": len(data["readers"])}, at=dt.datetime.now(dt.UTC))
    row.ciphertext = seal_record(case_key, data, _aad(case_id))
    audit.record(db, staff_id=actor.staff_id, action="name_identity_readers", case_id=case_id)
    db.commit()
    return _view(data)


def read(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
         commit: bool = True) -> IdentityView:
    """A named caseworker reads the identity; every read is a ledger event and an audit row (committed with the
    caller's work when `commit` is false: a letter that uses the identity)."""
    get_case(db, case_id)
    row = _row(db, case_id)
    if row is None:
        raise NotFound("The person has not given their identity.")
    data = _open(row, case_key)
    if actor.staff_id not in data.get("readers", []):
        raise Forbidden(NOT_NAMED)
    _event(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="identity_viewed",
           detail={"by": actor.username}, at=dt.datetime.now(dt.UTC))
    audit.record(db, staff_id=actor.staff_id, action="view_identity", case_id=case_id)
    if commit:
        db.commit()
    return _view(data)


def mark_used(db: Session, *, case_id: str, case_key: bytes) -> None:
    """A request to the authorities used it: from now on the person can no longer change or withdraw it."""
    row = _row(db, case_id)
    if row is None:
        raise Conflict("The person has not given their identity: there is nothing to put in a request.")
    data = _open(row, case_key)
    data["used"] = True
    row.ciphertext = seal_record(case_key, data, _aad(case_id))
