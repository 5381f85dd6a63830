"""The workflow persisted: checked state changes, four-eyes proposals and the history of a case.

``cases/workflow.py`` decides what is allowed; this module stores what happened. Each change is written
three times in one transaction — ``Case.state`` (plaintext, so the inbox can filter), a sealed history row
(who, who confirmed, why, exact time) and a "state_change" ledger event committing to the same record —
or not at all. The organisation's names and sub-states come from ``[organisation.workflow]`` in
``safeconduct.toml`` (``labels`` and ``substates`` tables, see ``workflow.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from safeconduct.cases import audit, events
from safeconduct.cases.casework_models import StateChange, TransitionProposal
from safeconduct.cases.models import Case
from safeconduct.cases.workflow import (
    FourEyesRequired,
    IllegalTransition,
    Proposal,
    ReasonRequired,
    State,
    Transition,
    UnknownState,
    Workflow,
    WorkflowConfig,
    WorkflowConfigError,
    WorkflowError,
)
from safeconduct.config import Settings
from safeconduct.crypto import aead
from safeconduct.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal
from safeconduct.notifications import service as notifications

MAX_REASON_CHARS = 4000


@dataclass(frozen=True)
class Actor:
    """The caseworker acting: the id for the audit log, the username for the sealed record."""

    staff_id: int
    username: str


@dataclass(frozen=True)
class HistoryEntry:
    from_state: str
    to_state: str
    by: str
    confirmed_by: str | None
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class PendingProposal:
    id: str
    from_state: str
    to_state: str
    proposed_by: str
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class NextState:
    state: str
    label: str
    four_eyes: bool
    needs_reason: bool


@dataclass(frozen=True)
class WorkflowView:
    state: str
    label: str
    next_states: list[NextState]
    substates: list[str]
    history: list[HistoryEntry]
    pending: list[PendingProposal]


@dataclass(frozen=True)
class Outcome:
    """What a request to change state did: changed it, or left a proposal for a second caseworker."""

    state: str
    changed: bool
    proposal: PendingProposal | None = None


# --- sealed records (shared by the case-work modules) ----------------------------------------------

def seal_record(case_key: bytes, value: dict[str, Any], aad: bytes) -> bytes:
    """JSON sealed under the case key; `aad` binds it to its case and table."""
    return aead.encrypt(case_key, json.dumps(value, sort_keys=True).encode(), aad)


def open_record(case_key: bytes, ciphertext: bytes, aad: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(aead.decrypt(case_key, ciphertext, aad))
    return value


def _history_aad(case_id: str) -> bytes:
    return b"state_change:" + case_id.encode()


def _proposal_aad(case_id: str, proposal_id: str) -> bytes:
    return f"proposal:{case_id}:{proposal_id}".encode()


# --- the organisation's workflow -------------------------------------------------------------------

def workflow_for(settings: Settings) -> Workflow:
    """The organisation's rules: default states, with its renames and sub-states from the config file."""
    try:
        return Workflow(WorkflowConfig.from_mapping(settings.organisation.get("workflow")))
    except WorkflowConfigError as exc:
        raise InvalidInput("The organisation's workflow settings are wrong: %(problem)s", problem=str(exc)) from exc


def _refusal(exc: WorkflowError) -> Refusal:
    """The workflow's refusal as the error class the web layer and the command line understand."""
    cls: type[Refusal] = InvalidInput
    if isinstance(exc, FourEyesRequired):
        cls = Forbidden
    elif isinstance(exc, IllegalTransition):
        cls = Conflict
    elif isinstance(exc, UnknownState | ReasonRequired):
        cls = InvalidInput
    return cls("%(problem)s", problem=str(exc)[:1].upper() + str(exc)[1:] + ".")


def _clean_reason(reason: object) -> str:
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise InvalidInput("The reason must be text.")
    reason = reason.strip()
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput("The reason is too long: at most %(n)s characters.", n=MAX_REASON_CHARS)
    return reason


def locked_case(db: Session, case_id: str) -> Case:
    """The case row, locked until commit on PostgreSQL so that two changes cannot both pass the check."""
    case = db.scalar(select(Case).where(Case.id == case_id).with_for_update().execution_options(
        populate_existing=True))
    if case is None:
        raise NotFound("No such case.")
    return case


# --- reading ---------------------------------------------------------------------------------------

def history(db: Session, *, case_id: str, case_key: bytes) -> list[HistoryEntry]:
    """Every state change of the case, oldest first, decrypted in memory."""
    rows = db.scalars(select(StateChange).where(StateChange.case_id == case_id).order_by(StateChange.id))
    out = []
    for row in rows:
        record = json.loads(open_record(case_key, row.ciphertext, _history_aad(case_id))["event"])
        out.append(HistoryEntry(from_state=record["from"], to_state=record["to"], by=record["by"],
                                confirmed_by=record["confirmed_by"], at=dt.datetime.fromisoformat(record["at"]),
                                reason=record["why"]))
    return out


def history_disclosures(db: Session, *, case_id: str, case_key: bytes) -> list[tuple[bytes, bytes]]:
    """(nonce, plaintext) of every state change: what a dossier discloses to show the workflow."""
    rows = db.scalars(select(StateChange).where(StateChange.case_id == case_id).order_by(StateChange.id))
    out = []
    for row in rows:
        payload = open_record(case_key, row.ciphertext, _history_aad(case_id))
        out.append((base64.b64decode(payload["nonce"]), payload["event"].encode()))
    return out


def _pending(db: Session, case_id: str, case_key: bytes) -> list[tuple[TransitionProposal, dict[str, Any]]]:
    rows = db.scalars(select(TransitionProposal).where(TransitionProposal.case_id == case_id)
                      .order_by(TransitionProposal.created_on, TransitionProposal.id))
    return [(row, open_record(case_key, row.ciphertext, _proposal_aad(case_id, row.id))) for row in rows]


def proposer_id(row: TransitionProposal, case_key: bytes) -> int:
    """Who proposed a pending decision (sealed): the inbox asks everyone else to confirm it."""
    return int(open_record(case_key, row.ciphertext, _proposal_aad(row.case_id, row.id))["by_id"])


def _pending_view(row: TransitionProposal, data: dict[str, Any]) -> PendingProposal:
    return PendingProposal(id=row.id, from_state=data["from"], to_state=data["to"], proposed_by=data["by"],
                           reason=data["why"], at=dt.datetime.fromisoformat(data["at"]))


def _lost_from(entries: list[HistoryEntry]) -> str | None:
    """The main state a case was in when contact was lost (it may resume there)."""
    for entry in reversed(entries):
        if entry.to_state.split("/")[0] == "contact_lost":
            return entry.from_state.split("/")[0]
    return None


def overview(db: Session, settings: Settings, *, case: Case, case_key: bytes,
             viewer: Actor | None = None) -> WorkflowView:
    """State, what may come next (and which steps need four eyes), the history and pending proposals.

    The history holds reasons, so reading it is audited when a `viewer` is given.
    """
    wf = workflow_for(settings)
    if viewer is not None:
        audit.record(db, staff_id=viewer.staff_id, action="view_workflow", case_id=case.id)
        db.commit()
    past = history(db, case_id=case.id, case_key=case_key)
    current = wf.parse(case.state)
    nexts = [
        NextState(state=s, label=wf.label(s), four_eyes=wf.needs_four_eyes(current, s),
                  needs_reason=s in ("rejected", "withdrawn", "contact_lost", "closed") or
                  wf.needs_four_eyes(current, s))
        for s in wf.next_states(current, lost_from=_lost_from(past))
    ]
    subs = [f"{current.main}/{s}" for s in wf.config.substates.get(current.main, ()) if s != current.sub]
    return WorkflowView(state=str(current), label=wf.label(current), next_states=nexts, substates=subs,
                        history=past, pending=[_pending_view(r, d) for r, d in _pending(db, case.id, case_key)])


# --- changing --------------------------------------------------------------------------------------

def _apply(db: Session, *, case: Case, case_key: bytes, signing_key: SigningKey, transition: Transition,
           ids: dict[str, int | None]) -> None:
    """Store one checked transition: history row, ledger event, case state (the caller commits)."""
    new_state = str(transition.to_state)
    if len(new_state) > 32:
        raise InvalidInput("The state name %(state)s is longer than 32 characters; shorten the sub-state.",
                           state=new_state)
    event = json.dumps(transition.to_json(), sort_keys=True)
    nonce = events.record(db, case_id=case.id, case_key=case_key, signing_key=signing_key, kind="state_change",
                          plaintext=event.encode(), at=transition.at)
    payload = {"v": 1, "event": event, "nonce": base64.b64encode(nonce).decode(), **ids}
    db.add(StateChange(case_id=case.id, created_on=transition.at.date(),
                       ciphertext=seal_record(case_key, payload, _history_aad(case.id))))
    case.state = new_state
    case.last_activity_on = transition.at.date()
    # proposals were made against the state just left: none of them can be confirmed any more
    db.execute(delete(TransitionProposal).where(TransitionProposal.case_id == case.id))


def change_state(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
                 actor: Actor, to: object, reason: object = "") -> Outcome:
    """Move the case to `to`, or — for a four-eyes decision — record a proposal a colleague must confirm.

    Refusals (unknown state, illegal jump, missing reason) leave nothing written.
    """
    if not isinstance(to, str) or not to:
        raise InvalidInput("Say which state the case should move to.")
    why = _clean_reason(reason)
    wf = workflow_for(settings)
    case = locked_case(db, case_id)
    now = dt.datetime.now(dt.UTC)
    try:
        current, target = wf.parse(case.state), wf.parse(to)
        if wf.needs_four_eyes(current, target):
            proposal = wf.propose(current, target, actor=actor.username, reason=why)
        else:
            lost_from = _lost_from(history(db, case_id=case_id, case_key=case_key)) \
                if current.main == "contact_lost" else None
            transition = wf.transition(current, target, actor=actor.username, at=now, reason=why,
                                       lost_from=lost_from)
    except WorkflowError as exc:
        db.rollback()
        raise _refusal(exc) from exc
    if wf.needs_four_eyes(current, target):
        return _store_proposal(db, case=case, case_key=case_key, actor=actor, proposal=proposal, at=now)
    _apply(db, case=case, case_key=case_key, signing_key=signing_key, transition=transition,
           ids={"by_id": actor.staff_id, "confirmed_by_id": None})
    audit.record(db, staff_id=actor.staff_id, action="transition", case_id=case_id, target=case.state, on=now.date())
    db.commit()
    return Outcome(state=case.state, changed=True)


def _store_proposal(db: Session, *, case: Case, case_key: bytes, actor: Actor, proposal: Proposal,
                    at: dt.datetime) -> Outcome:
    for _row, data in _pending(db, case.id, case_key):
        if data["to"] == str(proposal.target) and data["from"] == str(proposal.case_state):
            db.rollback()
            raise Conflict("%(who)s already proposed this decision; a different caseworker confirms it.",
                           who=data["by"])
    proposal_id = secrets.token_hex(16)
    data = {"v": 1, "from": str(proposal.case_state), "to": str(proposal.target), "by": proposal.proposed_by,
            "by_id": actor.staff_id, "why": proposal.reason, "at": at.isoformat()}
    row = TransitionProposal(id=proposal_id, case_id=case.id, created_on=at.date(),
                             ciphertext=seal_record(case_key, data, _proposal_aad(case.id, proposal_id)))
    db.add(row)
    audit.record(db, staff_id=actor.staff_id, action="propose", case_id=case.id, target=proposal_id, on=at.date())
    notifications.notify(db, case_id=case.id, kind=notifications.Kind.PROPOSAL, at=at, exclude_staff_id=actor.staff_id)
    db.commit()
    return Outcome(state=case.state, changed=False, proposal=_pending_view(row, data))


def confirm(db: Session, settings: Settings, *, case_id: str, case_key: bytes, signing_key: SigningKey,
            actor: Actor, proposal_id: str) -> Outcome:
    """The second caseworker confirms a four-eyes decision; the proposer cannot confirm their own."""
    wf = workflow_for(settings)
    case = locked_case(db, case_id)
    row = db.get(TransitionProposal, proposal_id)
    if row is None or row.case_id != case_id:
        db.rollback()
        raise NotFound("No such proposal for this case; it may have been confirmed or withdrawn already.")
    data = open_record(case_key, row.ciphertext, _proposal_aad(case_id, proposal_id))
    if data["by_id"] == actor.staff_id:
        db.rollback()
        raise Forbidden("You proposed this decision; a different caseworker must confirm it.")
    now = dt.datetime.now(dt.UTC)
    try:
        proposal = Proposal(wf.parse(data["from"]), wf.parse(data["to"]), data["by"], data["why"])
        transition = wf.confirm(proposal, wf.parse(case.state), actor=actor.username, at=now)
    except WorkflowError as exc:
        db.rollback()
        raise _refusal(exc) from exc
    _apply(db, case=case, case_key=case_key, signing_key=signing_key, transition=transition,
           ids={"by_id": data["by_id"], "confirmed_by_id": actor.staff_id})
    audit.record(db, staff_id=actor.staff_id, action="confirm", case_id=case_id, target=case.state, on=now.date())
    db.commit()
    return Outcome(state=case.state, changed=True)


def withdraw_proposal(db: Session, *, case_id: str, case_key: bytes, actor: Actor, proposal_id: str) -> None:
    """The proposer takes back a proposal nobody has confirmed yet."""
    row = db.get(TransitionProposal, proposal_id)
    if row is None or row.case_id != case_id:
        raise NotFound("No such proposal for this case; it may have been confirmed or withdrawn already.")
    data = open_record(case_key, row.ciphertext, _proposal_aad(case_id, proposal_id))
    if data["by_id"] != actor.staff_id:
        raise Forbidden("Only the caseworker who proposed this decision can withdraw it.")
    db.delete(row)
    audit.record(db, staff_id=actor.staff_id, action="withdraw", case_id=case_id, target=proposal_id)
    db.commit()


__all__ = [
    "Actor", "HistoryEntry", "NextState", "Outcome", "PendingProposal", "State", "WorkflowView", "change_state",
    "confirm", "history", "history_disclosures", "open_record", "overview", "proposer_id", "seal_record",
    "withdraw_proposal",
    "workflow_for",
]
