"""Relatives: who writes in a conversation, and links between a relative's case and the person's case.

The contact pages ask who is writing — the person themself, or a parent, sibling, spouse or other relative
— never a name. The answer is sealed under the case key (``case_writers``) and is a "writer" event.

A caseworker holding both cases may propose to link them. Each contact then consents in their own
conversation (a "link_consent" event in their own ledger); only once both did may a caseworker confirm the
link ("link" events on both sides). Linked cases show each other's pathway state and label on the case
page, never a message or a file: nothing here opens the other case's content. Each side's row is sealed
under its own case key, so a seized database does not show which conversations belong to one family.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.models import Case
from safeconduct.cases.transitions import Actor, open_record, seal_record
from safeconduct.errors import Conflict, InvalidInput, NotFound, Refusal
from safeconduct.referrals.models import CaseLink, CaseWriter

WRITERS = ("self", "parent", "sibling", "spouse", "other")
RELATIVES = WRITERS[1:]
UNKNOWN_WRITER = "Say who is writing: yourself, or a parent, sibling, spouse or other relative."
RELATIVE_NOT_AGREED = ("Both people must agree before their conversations are linked: the relative has not agreed "
                       "yet in their own conversation. Nothing was linked.")
PERSON_NOT_AGREED = ("Both people must agree before their conversations are linked: the person has not agreed yet "
                     "in their own conversation. Nothing was linked.")
SECOND_CONSENT_MISSING = {"relative": RELATIVE_NOT_AGREED, "person": PERSON_NOT_AGREED}


# --- who writes ------------------------------------------------------------------------------------

def _writer_aad(case_id: str) -> bytes:
    return b"writer:" + case_id.encode()


def set_writer(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, writer: object,
               commit: bool = True) -> str:
    """Record who writes (a relation, never a name); refuse anything not on the list."""
    if writer not in WRITERS:
        raise InvalidInput(UNKNOWN_WRITER)
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="writer",
                  plaintext=json.dumps({"writer": writer}).encode(), at=at)
    sealed = seal_record(case_key, {"v": 1, "writer": writer}, _writer_aad(case_id))
    row = db.get(CaseWriter, case_id)
    if row is None:
        db.add(CaseWriter(case_id=case_id, ciphertext=sealed))
    else:
        row.ciphertext = sealed
    if commit:
        db.commit()
    return str(writer)


def writer(db: Session, *, case_id: str, case_key: bytes) -> str | None:
    """Who writes in this conversation; None for a conversation started before the question was asked."""
    row = db.get(CaseWriter, case_id)
    return None if row is None else str(open_record(case_key, row.ciphertext, _writer_aad(case_id))["writer"])


# --- links -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkView:
    """One link as seen from a case: the other case's label and state only, never its content."""

    id: str
    other_case_id: str
    other_label: str
    other_state: str
    #: How this case relates to the other: "relative" (this case is a relative's) or "person".
    role: str
    relation: str  # parent, sibling, spouse, other
    state: str  # "proposed" or "linked"
    consented_here: bool
    consented_there: bool
    proposed_by: str


def _link_aad(case_id: str, row_id: str) -> bytes:
    return b"link:" + case_id.encode() + b":" + row_id.encode()


def _rows(db: Session, case_id: str, case_key: bytes) -> list[tuple[CaseLink, dict[str, Any]]]:
    return [(r, open_record(case_key, r.ciphertext, _link_aad(case_id, r.id)))
            for r in db.scalars(select(CaseLink).where(CaseLink.case_id == case_id).order_by(CaseLink.created_on))]


def _find(db: Session, case_id: str, case_key: bytes, link_id: str) -> tuple[CaseLink, dict[str, Any]]:
    for row, data in _rows(db, case_id, case_key):
        if data["link"] == link_id:
            return row, data
    raise NotFound("There is no such link on this case.")


def _store(row: CaseLink, case_key: bytes, data: dict[str, Any]) -> None:
    row.ciphertext = seal_record(case_key, data, _link_aad(row.case_id, row.id))


def _view(db: Session, data: dict[str, Any]) -> LinkView:
    other = db.get(Case, data["other_case"])
    if other is None:  # the other case was forgotten or deleted: the link ends with it
        return LinkView(id=data["link"], other_case_id=data["other_case"], other_label="", other_state="",
                        role=data["role"], relation=data["relation"], state="gone",
                        consented_here=data["consented_here"], consented_there=False,
                        proposed_by=data["proposed_by"])
    # the other case's state is shown only while both agree
    return LinkView(id=data["link"], other_case_id=other.id, other_label=other.label,
                    other_state=other.state if data["state"] == "linked" else "",
                    role=data["role"], relation=data["relation"], state=data["state"],
                    consented_here=data["consented_here"], consented_there=data["consented_there"],
                    proposed_by=data["proposed_by"])


def propose(db: Session, *, relative_case_id: str, relative_key: bytes, person_case_id: str, person_key: bytes,
            signing_key: SigningKey, actor: Actor, relation: object) -> LinkView:
    """A caseworker holding both cases proposes the link; nothing is shown across until both consent.

    Returns the link as seen from the relative's case.
    """
    if relation not in RELATIVES:
        raise InvalidInput("Say how the relative is related: parent, sibling, spouse or other.")
    if relative_case_id == person_case_id:
        raise InvalidInput("A case cannot be linked to itself.")
    for view in links(db, case_id=relative_case_id, case_key=relative_key):
        if view.other_case_id == person_case_id:
            raise Conflict("These two cases are already linked, or a link between them is proposed.")
    at = dt.datetime.now(dt.UTC)
    link_id = secrets.token_hex(16)
    sides = ((relative_case_id, relative_key, person_case_id, "relative"),
             (person_case_id, person_key, relative_case_id, "person"))
    for case_id, key, other, role in sides:
        events.record(db, case_id=case_id, case_key=key, signing_key=signing_key, kind="link_proposal",
                      plaintext=json.dumps({"link": link_id, "role": role, "relation": relation,
                                            "by": actor.username}, sort_keys=True).encode(), at=at)
        row = CaseLink(id=secrets.token_hex(16), case_id=case_id, created_on=at.date(), ciphertext=b"")
        _store(row, key, {"v": 1, "link": link_id, "other_case": other, "role": role, "relation": relation,
                          "state": "proposed", "consented_here": False, "consented_there": False,
                          "proposed_by": actor.username, "at": at.isoformat()})
        db.add(row)
        audit.record(db, staff_id=actor.staff_id, action="propose_link", case_id=case_id, on=at.date())
    db.commit()
    return _view(db, {"link": link_id, "other_case": person_case_id, "role": "relative", "relation": relation,
                      "state": "proposed", "consented_here": False, "consented_there": False,
                      "proposed_by": actor.username})


def links(db: Session, *, case_id: str, case_key: bytes,
          other_key_for: Callable[[str], bytes] | None = None) -> list[LinkView]:
    """The case's links (proposed and made), each with the other case's label and state only.

    With `other_key_for` (a caseworker who may hold the other case too), a link the other contact no longer
    agrees to is shown as withdrawn here as well: the contact's withdrawal is recorded only on their side,
    under their own key.
    """
    views = []
    for _, data in _rows(db, case_id, case_key):
        if data["state"] == "linked" and other_key_for is not None:
            try:
                _, there = _find(db, data["other_case"], other_key_for(data["other_case"]), data["link"])
            except Refusal:  # the other case is not this caseworker's (or is gone): show what this side knows
                there = data
            if there["state"] != "linked" or not there["consented_here"]:
                data = {**data, "state": "withdrawn", "consented_there": False}
        views.append(_view(db, data))
    return views


def contact_consent(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, link_id: str,
                    given: bool) -> LinkView:
    """The contact agrees (or no longer agrees) in their own conversation; a "link_consent" event.

    Withdrawing undoes a made link on this side: the other side keeps only the proposal until both agree
    again. The other side's "consented_there" is updated by the caseworker's confirm (it needs its key).
    """
    row, data = _find(db, case_id, case_key, link_id)
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="link_consent",
                  plaintext=json.dumps({"link": link_id, "given": bool(given)}, sort_keys=True).encode(), at=at)
    data["consented_here"] = bool(given)
    if not given:
        data["state"] = "withdrawn" if data["state"] == "linked" else data["state"]
    _store(row, case_key, data)
    db.commit()
    return _view(db, data)


def confirm(db: Session, *, case_id: str, case_key: bytes, other_key_for: Any, signing_key: SigningKey,
            actor: Actor, link_id: str) -> LinkView:
    """Make the link once both contacts agreed, or refuse clearly naming who has not (nothing written).

    `other_key_for(case_id)` opens the other case for this caseworker (they must hold both).
    """
    row, data = _find(db, case_id, case_key, link_id)
    other_id = data["other_case"]
    other_key = other_key_for(other_id)
    other_row, other_data = _find(db, other_id, other_key, link_id)
    if data["state"] == "linked" and other_data["state"] == "linked":
        raise Conflict("These cases are already linked.")
    missing = [(d["role"]) for d in (data, other_data) if not d["consented_here"]]
    if missing:
        raise Conflict(SECOND_CONSENT_MISSING[missing[0]])
    at = dt.datetime.now(dt.UTC)
    for r, d, cid, key in ((row, data, case_id, case_key), (other_row, other_data, other_id, other_key)):
        events.record(db, case_id=cid, case_key=key, signing_key=signing_key, kind="link",
                      plaintext=json.dumps({"link": link_id, "by": actor.username}, sort_keys=True).encode(), at=at)
        d.update(state="linked", consented_there=True, linked_by=actor.username, linked_at=at.isoformat())
        _store(r, key, d)
        audit.record(db, staff_id=actor.staff_id, action="confirm_link", case_id=cid, on=at.date())
    db.commit()
    return _view(db, data)


def pending_for_contact(db: Session, *, case_id: str, case_key: bytes) -> list[LinkView]:
    """What the contact's consent page shows: every link proposal or link of their conversation."""
    return links(db, case_id=case_id, case_key=case_key)
