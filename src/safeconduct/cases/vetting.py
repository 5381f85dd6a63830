"""The structured vetting record of a case: the person's claims, how each was checked, risk flags, decisions.

Vetting decides whether an organisation helps someone who says they want to leave an armed group; an
infiltrator or a false story puts staff and other defectors at risk, and a wrongly rejected person is left
in danger. So the record is structured — each claim (when and where they joined, role, unit, how they want
to leave) is marked unverified, corroborated or contradicted with the evidence — and every change says who
made it and when, so a second caseworker deciding "vetted" or "rejected" (four eyes, ``transitions.py``)
sees what the first one relied on.

Everything content-bearing is sealed under the case key (AAD binds case and record id), because a seized
server must not tell the group what the person admitted to or who vouched for it. Each change is a
"vetting" ledger event and an audit row, written in the same transaction as the sealed record, or not at
all. The decision itself is not stored twice: it is the four-eyes state change, whose reason is the
rationale; ``overview`` shows those changes and pending proposals next to the claims.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events, transitions
from safeconduct.cases.transitions import Actor, history, locked_case, open_record, seal_record
from safeconduct.cases.vetting_models import VettingClaim, VettingRisk
from safeconduct.cases.workflow import FOUR_EYES
from safeconduct.errors import InvalidInput, NotFound, TooLarge

#: What a claim is about; the console groups claims by these.
TOPICS = ("joined_when", "joined_where", "role", "unit", "exit_plan", "other")
#: How far a claim has been checked.
STATUSES = ("unverified", "corroborated", "contradicted")
MAX_TEXT_CHARS = 4000
MAX_FLAGS = 20
MAX_FLAG_CHARS = 64


@dataclass(frozen=True)
class ClaimChange:
    """One step in a claim's history: what it was set to, by whom, when."""

    status: str
    evidence: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class ClaimView:
    id: str
    topic: str
    text: str
    status: str
    evidence: str
    by: str
    at: dt.datetime
    changed_by: str
    changed_at: dt.datetime
    history: list[ClaimChange]


@dataclass(frozen=True)
class RiskView:
    flags: list[str]
    note: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class DecisionView:
    """A four-eyes vetting decision: taken (confirmed_by set) or waiting for a second caseworker."""

    from_state: str
    to_state: str
    by: str
    confirmed_by: str | None
    at: dt.datetime
    rationale: str
    pending: bool
    proposal_id: str | None = None


@dataclass(frozen=True)
class VettingView:
    claims: list[ClaimView]
    risk: RiskView | None
    decisions: list[DecisionView]


# --- sealing ---------------------------------------------------------------------------------------

def _claim_aad(case_id: str, claim_id: str) -> bytes:
    return f"vetting_claim:{case_id}:{claim_id}".encode()


def _risk_aad(case_id: str) -> bytes:
    return f"vetting_risk:{case_id}:risk".encode()


def _ledger(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, event: dict[str, Any],
            at: dt.datetime) -> dict[str, str]:
    """Append the "vetting" event; return what the sealed record keeps so it can be disclosed later."""
    plaintext = json.dumps(event, sort_keys=True)
    nonce = events.record(db, case_id=case_id, case_key=case_key, signing_key=signing_key, kind="vetting",
                          plaintext=plaintext.encode(), at=at)
    return {"event": plaintext, "nonce": base64.b64encode(nonce).decode()}


# --- validation ------------------------------------------------------------------------------------

def _text(value: object, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("The claim, evidence and note must be text.")
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if required and not value:
        raise InvalidInput("Write down what the person claims.")
    if len(value) > MAX_TEXT_CHARS:
        raise TooLarge("The text is too long: at most %(n)s characters.", n=MAX_TEXT_CHARS)
    return value


def _topic(value: object) -> str:
    if value not in TOPICS:
        raise InvalidInput("Unknown claim topic; choose one of: %(choices)s.", choices=", ".join(TOPICS))
    return str(value)


def _status(value: object) -> str:
    if value not in STATUSES:
        raise InvalidInput("Unknown claim status; choose one of: %(choices)s.", choices=", ".join(STATUSES))
    return str(value)


def _check_evidence(status: str, evidence: str) -> None:
    """A claim marked corroborated or contradicted must say on what grounds: the second caseworker checks it."""
    if status != "unverified" and not evidence:
        raise InvalidInput("Say what evidence corroborates or contradicts the claim.")


def _flags(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidInput("Risk flags must be a list of short labels.")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidInput("Risk flags must be a list of short labels.")
        label = unicodedata.normalize("NFC", item).strip()
        if not label:
            raise InvalidInput("A risk flag is empty.")
        if len(label) > MAX_FLAG_CHARS:
            raise TooLarge("A risk flag is too long: at most %(n)s characters.", n=MAX_FLAG_CHARS)
        if label not in out:
            out.append(label)
    if len(out) > MAX_FLAGS:
        raise TooLarge("Too many risk flags: at most %(n)s.", n=MAX_FLAGS)
    return out


# --- reading ---------------------------------------------------------------------------------------

def _claim_view(claim_id: str, data: dict[str, Any]) -> ClaimView:
    steps = [json.loads(c["event"]) for c in data["changes"]]
    return ClaimView(
        id=claim_id, topic=data["topic"], text=data["text"], status=data["status"], evidence=data["evidence"],
        by=data["by"], at=dt.datetime.fromisoformat(data["at"]), changed_by=data["changed_by"],
        changed_at=dt.datetime.fromisoformat(data["changed_at"]),
        history=[ClaimChange(status=s["status"], evidence=s["evidence"], by=s["by"],
                             at=dt.datetime.fromisoformat(s["at"])) for s in steps])


def _risk_view(data: dict[str, Any]) -> RiskView:
    return RiskView(flags=list(data["flags"]), note=data["note"], by=data["by"],
                    at=dt.datetime.fromisoformat(data["at"]))


def claims(db: Session, *, case_id: str, case_key: bytes) -> list[ClaimView]:
    """The claims of a case in the order they were recorded, decrypted in memory."""
    rows = db.scalars(select(VettingClaim).where(VettingClaim.case_id == case_id)
                      .order_by(VettingClaim.created_on, VettingClaim.id))
    views = [_claim_view(r.id, open_record(case_key, r.ciphertext, _claim_aad(case_id, r.id))) for r in rows]
    return sorted(views, key=lambda v: (v.at, v.id))


def risk(db: Session, *, case_id: str, case_key: bytes) -> RiskView | None:
    row = db.get(VettingRisk, case_id)
    return None if row is None else _risk_view(open_record(case_key, row.ciphertext, _risk_aad(case_id)))


def _is_decision(from_state: str, to_state: str) -> bool:
    return (from_state.split("/")[0], to_state.split("/")[0]) in FOUR_EYES


def decisions(db: Session, *, case_id: str, case_key: bytes) -> list[DecisionView]:
    """Four-eyes decisions (vetted, rejected) taken on the case, then those waiting for a second caseworker.

    The rationale is the reason given with the decision; it is not copied, so it cannot drift from the
    signed state change.
    """
    out = [DecisionView(from_state=h.from_state, to_state=h.to_state, by=h.by, confirmed_by=h.confirmed_by,
                        at=h.at, rationale=h.reason, pending=False)
           for h in history(db, case_id=case_id, case_key=case_key) if _is_decision(h.from_state, h.to_state)]
    for row, data in transitions._pending(db, case_id, case_key):  # noqa: SLF001 (same package)
        out.append(DecisionView(from_state=data["from"], to_state=data["to"], by=data["by"], confirmed_by=None,
                                at=dt.datetime.fromisoformat(data["at"]), rationale=data["why"], pending=True,
                                proposal_id=row.id))
    return out


def overview(db: Session, *, case_id: str, case_key: bytes, viewer: Actor | None = None) -> VettingView:
    """Claims, risk flags and decisions of a case; reading it is audited when a `viewer` is given."""
    if viewer is not None:
        audit.record(db, staff_id=viewer.staff_id, action="view_vetting", case_id=case_id)
        db.commit()
    return VettingView(claims=claims(db, case_id=case_id, case_key=case_key),
                       risk=risk(db, case_id=case_id, case_key=case_key),
                       decisions=decisions(db, case_id=case_id, case_key=case_key))


# --- changing --------------------------------------------------------------------------------------

def add_claim(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
              topic: object, text: object, status: object = "unverified", evidence: object = "") -> ClaimView:
    """Record a claim of the person, sealed, with its ledger event and audit row, all in one commit.

    Everything is checked before anything is written, so a refusal leaves the case as it was.
    """
    topic_, text_, status_ = _topic(topic), _text(text, required=True), _status(status)
    evidence_ = _text(evidence, required=False)
    _check_evidence(status_, evidence_)
    case = locked_case(db, case_id)
    at = dt.datetime.now(dt.UTC)
    claim_id = secrets.token_hex(16)
    event = {"action": "add_claim", "claim": claim_id, "topic": topic_, "text": text_, "status": status_,
             "evidence": evidence_, "by": actor.username, "at": at.isoformat()}
    change = _ledger(db, case_id=case_id, case_key=case_key, signing_key=signing_key, event=event, at=at)
    data = {"v": 1, "topic": topic_, "text": text_, "status": status_, "evidence": evidence_,
            "by": actor.username, "by_id": actor.staff_id, "at": at.isoformat(), "changed_by": actor.username,
            "changed_by_id": actor.staff_id, "changed_at": at.isoformat(), "changes": [change]}
    db.add(VettingClaim(id=claim_id, case_id=case_id, created_on=at.date(),
                        ciphertext=seal_record(case_key, data, _claim_aad(case_id, claim_id))))
    audit.record(db, staff_id=actor.staff_id, action="add_claim", case_id=case_id, target=claim_id, on=at.date())
    case.last_activity_on = at.date()
    db.commit()
    return _claim_view(claim_id, data)


def change_claim(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
                 claim_id: str, status: object = None, evidence: object = None) -> ClaimView:
    """Mark a claim unverified, corroborated or contradicted, with the evidence (omitted: kept as it was).

    The earlier status and evidence stay in the claim's history: what a first caseworker relied on must
    remain visible to the second.
    """
    if status is None and evidence is None:
        raise InvalidInput("Give a new status or new evidence for the claim.")
    status_ = None if status is None else _status(status)
    evidence_ = None if evidence is None else _text(evidence, required=False)
    case = locked_case(db, case_id)
    row = db.get(VettingClaim, claim_id) if isinstance(claim_id, str) else None
    if row is None or row.case_id != case_id:
        db.rollback()
        raise NotFound("No such claim in this case.")
    data = open_record(case_key, row.ciphertext, _claim_aad(case_id, claim_id))
    new_status = data["status"] if status_ is None else status_
    new_evidence = data["evidence"] if evidence_ is None else evidence_
    try:
        _check_evidence(new_status, new_evidence)
    except InvalidInput:
        db.rollback()
        raise
    at = dt.datetime.now(dt.UTC)
    event = {"action": "change_claim", "claim": claim_id, "status": new_status, "evidence": new_evidence,
             "by": actor.username, "at": at.isoformat()}
    change = _ledger(db, case_id=case_id, case_key=case_key, signing_key=signing_key, event=event, at=at)
    data.update(status=new_status, evidence=new_evidence, changed_by=actor.username,
                changed_by_id=actor.staff_id, changed_at=at.isoformat(), changes=[*data["changes"], change])
    row.ciphertext = seal_record(case_key, data, _claim_aad(case_id, claim_id))
    audit.record(db, staff_id=actor.staff_id, action="change_claim", case_id=case_id, target=claim_id,
                 on=at.date())
    case.last_activity_on = at.date()
    db.commit()
    return _claim_view(claim_id, data)


def set_risk(db: Session, *, case_id: str, case_key: bytes, signing_key: SigningKey, actor: Actor,
             flags: object, note: object = "") -> RiskView:
    """Replace the case's risk flags and note (an empty list clears them); the change is a ledger event."""
    flags_, note_ = _flags(flags), _text(note, required=False)
    case = locked_case(db, case_id)
    at = dt.datetime.now(dt.UTC)
    event = {"action": "set_risk", "flags": flags_, "note": note_, "by": actor.username, "at": at.isoformat()}
    change = _ledger(db, case_id=case_id, case_key=case_key, signing_key=signing_key, event=event, at=at)
    row = db.get(VettingRisk, case_id)
    earlier: list[dict[str, str]] = [] if row is None else \
        open_record(case_key, row.ciphertext, _risk_aad(case_id))["changes"]
    data = {"v": 1, "flags": flags_, "note": note_, "by": actor.username, "by_id": actor.staff_id,
            "at": at.isoformat(), "changes": [*earlier, change]}
    sealed = seal_record(case_key, data, _risk_aad(case_id))
    if row is None:
        db.add(VettingRisk(case_id=case_id, updated_on=at.date(), ciphertext=sealed))
    else:
        row.ciphertext, row.updated_on = sealed, at.date()
    audit.record(db, staff_id=actor.staff_id, action="set_risk", case_id=case_id, on=at.date())
    case.last_activity_on = at.date()
    db.commit()
    return _risk_view(data)


def disclosures(db: Session, *, case_id: str, case_key: bytes) -> list[tuple[bytes, bytes]]:
    """(nonce, plaintext) of every vetting event, for a dossier that chooses to disclose the vetting."""
    out: list[tuple[bytes, bytes]] = []
    sealed = [open_record(case_key, r.ciphertext, _claim_aad(case_id, r.id))
              for r in db.scalars(select(VettingClaim).where(VettingClaim.case_id == case_id))]
    row = db.get(VettingRisk, case_id)
    if row is not None:
        sealed.append(open_record(case_key, row.ciphertext, _risk_aad(case_id)))
    for data in sealed:
        out.extend((base64.b64decode(c["nonce"]), c["event"].encode()) for c in data["changes"])
    return out


__all__ = [
    "STATUSES", "TOPICS", "ClaimChange", "ClaimView", "DecisionView", "RiskView", "VettingView", "add_claim",
    "change_claim", "claims", "decisions", "disclosures", "overview", "risk", "set_risk",
]
