"""The person's consent: which messages and files of their conversation may go into a dossier.

The choice reveals intent (what the person is ready to show an authority), so it is sealed under the case
key like the messages themselves, and every change is a "consent" event in the case's ledger, whose
plaintext (the chosen item ids) the dossier discloses so that a court sees that the person agreed. The
person can change the choice until a dossier is exported; after that it is fixed, because the exported
dossier was built on it.

Items are every message and file of the conversation, the organisation's replies included: the person's
words are often answers, and whether the other side of the exchange is shown is theirs to decide too.
Item ids: ``m:<message id>`` and ``f:<file id>``.

The record has separate parts. Whether the person agrees to be referred to partner organisations
(a lawyer, an exit programme, a reintegration service: ``referrals/service.py``). It is a "consent_referrals"
event of its own, disclosed in every referral package, and it can be given and withdrawn at any time (a
dossier's export does not fix it). Which items a referral package may show is still the dossier choice.
Whether they agree that the organisation asks their country's authorities for a travel document in their
name ("consent_authority_request", ``returns/requests.py``) works the same way.

A caseworker may ask for the choice (`request_consent`): the request is kept in the same sealed record, is
a "consent_request" event in the ledger and an audit row, and the person sees it on their next visit until
they save a choice, which answers it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.casework_models import Consent
from safeconduct.cases.content import _message_aad, _meta_aad
from safeconduct.cases.models import CaseFile, Message
from safeconduct.cases.transitions import open_record, seal_record
from safeconduct.crypto import aead
from safeconduct.errors import Conflict, InvalidInput
from safeconduct.notifications import service as notifications

PREVIEW_CHARS = 80


@dataclass(frozen=True)
class ConsentItem:
    """One message or file the person may consent to disclose (what the consent page lists)."""

    id: str
    kind: str  # "message" or "file"
    author: str  # "contact" or "caseworker"
    preview: str
    at: dt.datetime
    consented: bool


@dataclass(frozen=True)
class Disclosable:
    """An item with what the ledger committed to: the nonce and the exact plaintext."""

    id: str
    kind: str
    author: str
    preview: str
    at: dt.datetime
    nonce: bytes
    plaintext: bytes


@dataclass(frozen=True)
class ConsentChoice:
    """The stored choice: everything, or a list of item ids; and whether a dossier was built on it."""

    all: bool
    items: frozenset[str]
    exported: bool
    nonce: bytes | None
    event: str | None
    #: When a caseworker last asked for a choice that the person has not saved since (None: nothing asked).
    requested_at: dt.datetime | None = None

    def covers(self, item_id: str) -> bool:
        return self.all or item_id in self.items

    @property
    def empty(self) -> bool:
        return not self.all and not self.items


NO_CONSENT = ConsentChoice(all=False, items=frozenset(), exported=False, nonce=None, event=None)


@dataclass(frozen=True)
class ReferralConsent:
    """The person's answer to referrals, with the ledger event that recorded it (to disclose it)."""

    given: bool
    nonce: bytes | None
    event: str | None


NO_REFERRALS = ReferralConsent(given=False, nonce=None, event=None)


def _aad(case_id: str) -> bytes:
    return b"consent:" + case_id.encode()


def disclosable_items(db: Session, *, case_id: str, case_key: bytes) -> list[Disclosable]:
    """Every message, file and approved testimony (its outputs' hashes) of the case with its ledger nonce and
    committed plaintext, oldest first."""
    items: list[Disclosable] = []
    for msg in db.scalars(select(Message).where(Message.case_id == case_id).order_by(Message.id)):
        data = json.loads(aead.decrypt(case_key, msg.ciphertext, _message_aad(case_id)))
        text: str = data["text"]
        preview = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"
        items.append(Disclosable(
            id=f"m:{msg.id}", kind="message", author=_author(data), preview=preview,
            at=dt.datetime.fromisoformat(data["at"]), nonce=base64.b64decode(data["nonce"]),
            plaintext=text.encode()))
    for row in db.scalars(select(CaseFile).where(CaseFile.case_id == case_id)):
        meta = json.loads(aead.decrypt(case_key, row.meta_ciphertext, _meta_aad(case_id, row.id)))
        if "nonce" not in meta:
            continue  # stored before the ledger existed: nothing committed, nothing to disclose
        plaintext = json.dumps({"name": meta["name"], "sha256": meta["sha256"], "size": meta["size"]}).encode()
        items.append(Disclosable(
            id=f"f:{row.id}", kind="file", author=_author(meta), preview=meta["name"],
            at=dt.datetime.fromisoformat(meta["at"]), nonce=base64.b64decode(meta["nonce"]), plaintext=plaintext))
    from safeconduct.testimony.studio.service import approved_disclosures

    for testimony_id, names, at, nonce, plaintext in approved_disclosures(db, case_id=case_id, case_key=case_key):
        items.append(Disclosable(id=f"t:{testimony_id}", kind="testimony", author="caseworker", preview=names,
                                 at=at, nonce=nonce, plaintext=plaintext))
    return sorted(items, key=lambda i: i.at)


def _author(data: dict[str, Any]) -> str:
    return "contact" if data["author"]["kind"] == "contact" else "caseworker"


def current(db: Session, *, case_id: str, case_key: bytes) -> ConsentChoice:
    """The person's current choice (no row: nothing consented)."""
    row = db.get(Consent, case_id)
    if row is None:
        return NO_CONSENT
    data = open_record(case_key, row.ciphertext, _aad(case_id))
    requested = data.get("requested")
    return ConsentChoice(all=data["all"], items=frozenset(data["items"]), exported=data["exported"],
                         nonce=base64.b64decode(data["nonce"]) if data.get("nonce") else None,
                         event=data.get("event"),
                         requested_at=dt.datetime.fromisoformat(requested["at"]) if requested else None)


def items(db: Session, *, case_id: str, case_key: bytes) -> list[ConsentItem]:
    """What the consent page shows: each item, a short preview, and whether it is consented."""
    choice = current(db, case_id=case_id, case_key=case_key)
    return [ConsentItem(id=i.id, kind=i.kind, author=i.author, preview=i.preview, at=i.at,
                        consented=choice.covers(i.id))
            for i in disclosable_items(db, case_id=case_id, case_key=case_key)]


def set_consent(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                all_items: bool | None = None, item_ids: list[str] | None = None) -> ConsentChoice:
    """Store the person's new choice and record it in the ledger, in one transaction.

    ``all_items`` covers every item present when the dossier is exported; otherwise exactly `item_ids`
    (an empty list withdraws consent). Unknown ids are refused, so a typo never silently shows nothing.
    """
    if all_items is None and item_ids is None:
        raise InvalidInput("Say what may be shown: everything, or a list of items (an empty list shows nothing).")
    if all_items and item_ids:
        raise InvalidInput("Choose either everything or a list of items, not both.")
    chosen = sorted(set(item_ids or []))
    existing = {i.id for i in disclosable_items(db, case_id=case_id, case_key=case_key)}
    unknown = [i for i in chosen if i not in existing]
    if unknown:
        raise InvalidInput("There is no item %(item)s in your conversation.", item=unknown[0])
    if current(db, case_id=case_id, case_key=case_key).exported:
        raise Conflict("A dossier was already made with your choice, so it can no longer be changed. "
                       "Write to your caseworker if something is wrong.")
    at = dt.datetime.now(dt.UTC)
    event = json.dumps({"all": bool(all_items), "items": chosen}, sort_keys=True)
    nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="consent",
                          plaintext=event.encode(), at=at)
    row = db.get(Consent, case_id)
    kept = {} if row is None else open_record(case_key, row.ciphertext, _aad(case_id))
    _store(db, case_id=case_id, case_key=case_key, at=at,
           data={"v": 1, "all": bool(all_items), "items": chosen, "exported": False,
                 "nonce": base64.b64encode(nonce).decode(), "event": event, "at": at.isoformat(),
                 **{name: kept[name] for name in PARTS if name in kept}})
    notifications.notify(db, case_id=case_id, kind=notifications.Kind.CONSENT, at=at)
    db.commit()
    return current(db, case_id=case_id, case_key=case_key)


def request_consent(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, staff_id: int,
                    username: str) -> ConsentChoice:
    """A caseworker asks the person to choose what a dossier may show; they see it on their next visit.

    Without a choice no dossier can be made, and the person would not know to make one. The request keeps
    the current choice as it is (asking is not changing), and is refused once a dossier fixed the choice.
    """
    row = db.get(Consent, case_id)
    data: dict[str, Any] = ({"v": 1, "all": False, "items": [], "exported": False, "nonce": None, "event": None}
                            if row is None else open_record(case_key, row.ciphertext, _aad(case_id)))
    if data["exported"]:
        raise Conflict("A dossier was already made with the person's choice, so it can no longer be changed.")
    at = dt.datetime.now(dt.UTC)
    events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="consent_request",
                  plaintext=json.dumps({"by": username}, sort_keys=True).encode(), at=at)
    audit.record(db, staff_id=staff_id, action="request_consent", case_id=case_id, on=at.date())
    data["requested"] = {"at": at.isoformat(), "by": username}
    _store(db, case_id=case_id, case_key=case_key, at=at, data=data)
    db.commit()
    return current(db, case_id=case_id, case_key=case_key)


#: The separate yes/no parts of the record, each with the ledger event kind that records a change.
PARTS = {"referrals": "consent_referrals", "authority_request": "consent_authority_request"}


def part(db: Session, *, case_id: str, case_key: bytes, name: str) -> ReferralConsent:
    """The person's answer to one separate part (`PARTS`); no answer is no."""
    row = db.get(Consent, case_id)
    value = None if row is None else open_record(case_key, row.ciphertext, _aad(case_id)).get(name)
    if not value:
        return NO_REFERRALS
    return ReferralConsent(given=bool(value["given"]), nonce=base64.b64decode(value["nonce"]), event=value["event"])


def set_part(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, name: str, given: bool,
             commit: bool = True) -> ReferralConsent:
    """Give or withdraw one separate part: its own ledger event, kept in the sealed record."""
    row = db.get(Consent, case_id)
    data: dict[str, Any] = ({"v": 1, "all": False, "items": [], "exported": False, "nonce": None, "event": None}
                            if row is None else open_record(case_key, row.ciphertext, _aad(case_id)))
    at = dt.datetime.now(dt.UTC)
    event = json.dumps({name: bool(given)}, sort_keys=True)
    nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key,
                          kind=PARTS[name], plaintext=event.encode(), at=at)
    data[name] = {"given": bool(given), "nonce": base64.b64encode(nonce).decode(), "event": event,
                  "at": at.isoformat()}
    _store(db, case_id=case_id, case_key=case_key, at=at, data=data)
    notifications.notify(db, case_id=case_id, kind=notifications.Kind.CONSENT, at=at)
    if commit:
        db.commit()
    return ReferralConsent(given=bool(given), nonce=nonce, event=event)


def referrals(db: Session, *, case_id: str, case_key: bytes) -> ReferralConsent:
    """Whether the person agrees to be referred to partner organisations (no answer: no)."""
    return part(db, case_id=case_id, case_key=case_key, name="referrals")


def set_referrals(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, given: bool,
                  commit: bool = True) -> ReferralConsent:
    """Give or withdraw consent to referrals: a "consent_referrals" event, kept in the sealed record."""
    return set_part(db, case_id=case_id, case_key=case_key, signing_key=signing_key, name="referrals",
                    given=given, commit=commit)


def authority_request(db: Session, *, case_id: str, case_key: bytes) -> ReferralConsent:
    """Whether the person agrees that the organisation asks their country's authorities for a travel document
    in their name, with the identity they gave (no answer: no)."""
    return part(db, case_id=case_id, case_key=case_key, name="authority_request")


def mark_exported(db: Session, *, case_id: str, case_key: bytes) -> None:
    """Fix the choice: a dossier was built on it (the caller commits with its export)."""
    row = db.get(Consent, case_id)
    if row is None:
        return
    data = open_record(case_key, row.ciphertext, _aad(case_id))
    data["exported"] = True
    row.ciphertext = seal_record(case_key, data, _aad(case_id))


def _store(db: Session, *, case_id: str, case_key: bytes, at: dt.datetime, data: dict[str, Any]) -> None:
    row = db.get(Consent, case_id)
    sealed = seal_record(case_key, data, _aad(case_id))
    if row is None:
        db.add(Consent(case_id=case_id, updated_on=at.date(), ciphertext=sealed))
    else:
        row.ciphertext, row.updated_on = sealed, at.date()
