"""The case workflow: which state may follow which, who must agree, and what the organisation calls them.

Pure logic — no database, no clock, no HTTP — so every rule can be read here and tested exhaustively;
``cases/`` services call :meth:`Workflow.transition` and store/ledger the :class:`Transition` it returns.

Default path (design.md): new contact → vetting → advising → return requested → return organised →
returned → in proceedings → closed. Side exits: withdrawn and contact lost (from any open state), rejected
(from new contact or vetting, with a rationale). A case whose contact was lost may resume in the state it
was lost from. Leaving vetting for advising is the "vetted" decision; it and "rejected" need two different
caseworkers (four eyes): one proposes, another confirms.

An organisation renames states and adds sub-states in `data/safeconduct.toml`, e.g.::

    [organisation.workflow.labels]
    vetting = "Prüfung"
    [organisation.workflow.substates]
    advising = ["legal", "family", "housing"]

Sub-states are written ``advising/legal``; moving between sub-states of one state is always allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAIN_PATH = (
    "new_contact", "vetting", "advising", "return_requested", "return_organised", "returned", "in_proceedings",
    "closed",
)
SIDE_EXITS = ("withdrawn", "contact_lost", "rejected")
STATES = MAIN_PATH + SIDE_EXITS
TERMINAL = frozenset({"closed", "withdrawn", "rejected"})
#: Target states whose decision needs two different caseworkers, keyed by the state left.
FOUR_EYES = frozenset({("vetting", "advising"), ("vetting", "rejected"), ("new_contact", "rejected")})
#: Transitions that must say why.
NEEDS_REASON = frozenset({"rejected", "withdrawn", "contact_lost", "closed"})
DEFAULT_LABELS = {
    "new_contact": "New contact", "vetting": "Vetting", "advising": "Advising",
    "return_requested": "Return requested", "return_organised": "Return organised", "returned": "Returned",
    "in_proceedings": "In proceedings", "closed": "Closed", "withdrawn": "Withdrawn",
    "contact_lost": "Contact lost", "rejected": "Rejected",
}


class WorkflowError(ValueError):
    """Base class of every refusal below; the message says what to do instead."""


class IllegalTransition(WorkflowError):
    pass


class UnknownState(WorkflowError):
    pass


class ReasonRequired(WorkflowError):
    pass


class FourEyesRequired(WorkflowError):
    pass


class WorkflowConfigError(WorkflowError):
    pass


@dataclass(frozen=True)
class State:
    """A main state and an optional sub-state chosen by the organisation."""

    main: str
    sub: str | None = None

    def __str__(self) -> str:
        return self.main if self.sub is None else f"{self.main}/{self.sub}"


@dataclass(frozen=True)
class Transition:
    """A checked change of state: what the caller stores and records in the ledger."""

    from_state: State
    to_state: State
    actor: str
    at: dt.datetime
    reason: str
    confirmed_by: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The plaintext the ledger commits to (and a dossier may disclose)."""
        return {
            "from": str(self.from_state), "to": str(self.to_state), "by": self.actor,
            "confirmed_by": self.confirmed_by, "at": self.at.isoformat(), "why": self.reason,
        }


@dataclass(frozen=True)
class Proposal:
    """The first half of a four-eyes decision: who proposed which transition, and why."""

    case_state: State
    target: State
    proposed_by: str
    reason: str


@dataclass(frozen=True)
class WorkflowConfig:
    labels: Mapping[str, str] = field(default_factory=dict)
    substates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object] | None) -> WorkflowConfig:
        """Read the ``[workflow]`` table of the organisation's config; refuse anything it does not know."""
        raw = dict(raw or {})
        unknown_keys = set(raw) - {"labels", "substates"}
        if unknown_keys:
            raise WorkflowConfigError(f"workflow config: unknown setting {sorted(unknown_keys)[0]!r}")
        labels = raw.get("labels") or {}
        substates = raw.get("substates") or {}
        if not isinstance(labels, Mapping) or not isinstance(substates, Mapping):
            raise WorkflowConfigError("workflow config: labels and substates must be tables")
        for name, label in labels.items():
            if name not in STATES:
                raise WorkflowConfigError(f"workflow config: cannot rename unknown state {name!r}")
            if not isinstance(label, str) or not label.strip():
                raise WorkflowConfigError(f"workflow config: the label of {name!r} must be non-empty text")
        subs: dict[str, tuple[str, ...]] = {}
        for name, values in substates.items():
            if name not in STATES:
                raise WorkflowConfigError(f"workflow config: sub-states for unknown state {name!r}")
            if name in TERMINAL:
                raise WorkflowConfigError(f"workflow config: {name!r} is final and cannot have sub-states")
            if not isinstance(values, list | tuple) or not all(isinstance(v, str) and v for v in values):
                raise WorkflowConfigError(f"workflow config: sub-states of {name!r} must be a list of names")
            if any("/" in v for v in values) or len(set(values)) != len(values):
                raise WorkflowConfigError(f"workflow config: sub-states of {name!r} must be unique, without '/'")
            subs[name] = tuple(values)
        return cls(labels={k: v.strip() for k, v in labels.items()}, substates=subs)


class Workflow:
    """The rules of one organisation (default rules plus its names)."""

    def __init__(self, config: WorkflowConfig | None = None) -> None:
        self.config = config or WorkflowConfig()

    def parse(self, text: str) -> State:
        main, _, sub = text.partition("/")
        if main not in STATES:
            raise UnknownState(f"unknown case state {text!r}; known states: {', '.join(STATES)}")
        if sub:
            if sub not in self.config.substates.get(main, ()):
                raise UnknownState(f"{main!r} has no sub-state {sub!r} in this organisation's config")
            return State(main, sub)
        return State(main)

    def label(self, state: State | str) -> str:
        s = self.parse(state) if isinstance(state, str) else state
        base = self.config.labels.get(s.main, DEFAULT_LABELS[s.main])
        return base if s.sub is None else f"{base} – {s.sub}"

    def next_states(self, current: State | str, *, lost_from: str | None = None) -> list[str]:
        """Main states reachable from `current` (what the console offers)."""
        cur = self.parse(current) if isinstance(current, str) else current
        if cur.main in TERMINAL:
            return []
        if cur.main == "contact_lost":
            return ([lost_from] if lost_from else []) + ["withdrawn", "closed"]
        out = []
        i = MAIN_PATH.index(cur.main)
        out.append(MAIN_PATH[i + 1])
        if cur.main in ("new_contact", "vetting"):
            out.append("rejected")
        out += ["withdrawn", "contact_lost"]
        return out

    def needs_four_eyes(self, current: State | str, target: State | str) -> bool:
        cur = self.parse(current) if isinstance(current, str) else current
        tgt = self.parse(target) if isinstance(target, str) else target
        return (cur.main, tgt.main) in FOUR_EYES

    def _check(self, cur: State, tgt: State, reason: str, lost_from: str | None) -> None:
        if cur.main == tgt.main:
            if cur.sub == tgt.sub:
                raise IllegalTransition(f"the case is already in {self.label(cur)!r}")
            return
        allowed = self.next_states(cur, lost_from=lost_from)
        if tgt.main not in allowed:
            if cur.main in TERMINAL:
                raise IllegalTransition(f"{self.label(cur)!r} is final; a case cannot leave it")
            options = ", ".join(repr(self.label(s)) for s in allowed)
            raise IllegalTransition(
                f"a case cannot go from {self.label(cur)!r} to {self.label(tgt)!r}; possible next: {options}"
            )
        if tgt.main in NEEDS_REASON and not reason.strip():
            raise ReasonRequired(f"moving a case to {self.label(tgt)!r} needs a reason")

    def transition(self, current: State | str, target: State | str, *, actor: str, at: dt.datetime,
                   reason: str = "", lost_from: str | None = None) -> Transition:
        """Check and describe a change made by one caseworker (not for four-eyes decisions)."""
        cur = self.parse(current) if isinstance(current, str) else current
        tgt = self.parse(target) if isinstance(target, str) else target
        self._check(cur, tgt, reason, lost_from)
        if self.needs_four_eyes(cur, tgt):
            raise FourEyesRequired(
                f"{self.label(tgt)!r} from {self.label(cur)!r} is a four-eyes decision: propose it, and a second "
                "caseworker confirms"
            )
        return Transition(cur, tgt, actor, at, reason.strip())

    def propose(self, current: State | str, target: State | str, *, actor: str, reason: str) -> Proposal:
        """First caseworker of a four-eyes decision (vetted / rejected)."""
        cur = self.parse(current) if isinstance(current, str) else current
        tgt = self.parse(target) if isinstance(target, str) else target
        self._check(cur, tgt, reason, None)
        if not self.needs_four_eyes(cur, tgt):
            raise WorkflowError(f"{self.label(tgt)!r} needs no second caseworker; change the state directly")
        if not reason.strip():
            raise ReasonRequired("a four-eyes decision needs a rationale")
        return Proposal(cur, tgt, actor, reason.strip())

    def confirm(self, proposal: Proposal, current: State | str, *, actor: str, at: dt.datetime) -> Transition:
        """Second caseworker: must differ from the proposer, and the case must not have moved meanwhile."""
        cur = self.parse(current) if isinstance(current, str) else current
        if actor == proposal.proposed_by:
            raise FourEyesRequired(
                f"{proposal.proposed_by} proposed this decision; a different caseworker must confirm it"
            )
        if cur != proposal.case_state:
            raise IllegalTransition(
                f"the case moved to {self.label(cur)!r} after the proposal was made; propose again"
            )
        return Transition(cur, proposal.target, proposal.proposed_by, at, proposal.reason, confirmed_by=actor)


def distinct_approvers(approvers: Iterable[str], needed: int = 2) -> bool:
    """Four-eyes helper for other decisions (e.g. sharing a case): at least `needed` different people."""
    return len({a for a in approvers if a}) >= needed
