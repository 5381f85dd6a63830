"""The case state machine: every legal step, every illegal jump refused clearly, four eyes, renames."""

from __future__ import annotations

import datetime as dt

import pytest

from safeconduct.cases.workflow import (
    MAIN_PATH,
    STATES,
    FourEyesRequired,
    IllegalTransition,
    ReasonRequired,
    State,
    UnknownState,
    Workflow,
    WorkflowConfig,
    WorkflowConfigError,
    WorkflowError,
    distinct_approvers,
)

AT = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
wf = Workflow()


def test_a_case_walks_the_whole_default_path() -> None:
    state = State("new_contact")
    state = wf.transition(state, "vetting", actor="anna", at=AT).to_state
    proposal = wf.propose(state, "advising", actor="anna", reason="identity and story consistent")
    step = wf.confirm(proposal, state, actor="ben", at=AT)
    assert (step.actor, step.confirmed_by, str(step.to_state)) == ("anna", "ben", "advising")
    state = step.to_state
    for target in MAIN_PATH[3:]:
        step = wf.transition(state, target, actor="anna", at=AT, reason="done" if target == "closed" else "")
        state = step.to_state
    assert str(state) == "closed" and wf.next_states(state) == []
    assert step.to_json()["from"] == "in_proceedings"


@pytest.mark.parametrize("current", MAIN_PATH[:-1])
def test_no_jump_over_a_step(current: str) -> None:
    i = MAIN_PATH.index(current)
    for target in MAIN_PATH[i + 2 :] + MAIN_PATH[:i]:
        with pytest.raises(IllegalTransition, match="cannot go from"):
            wf.transition(current, target, actor="anna", at=AT, reason="x")


def test_new_contact_cannot_jump_to_returned_and_the_message_lists_options() -> None:
    with pytest.raises(IllegalTransition) as err:
        wf.transition("new_contact", "returned", actor="anna", at=AT)
    assert str(err.value) == ("a case cannot go from 'New contact' to 'Returned'; possible next: 'Vetting', "
                              "'Rejected', 'Withdrawn', 'Contact lost'")


@pytest.mark.parametrize("final", ["closed", "withdrawn", "rejected"])
def test_final_states_cannot_be_left(final: str) -> None:
    for target in STATES:
        if target != final:
            with pytest.raises(IllegalTransition, match="is final"):
                wf.transition(final, target, actor="anna", at=AT, reason="x")


def test_side_exits_need_a_reason_and_contact_lost_resumes_where_it_was() -> None:
    with pytest.raises(ReasonRequired, match="needs a reason"):
        wf.transition("advising", "withdrawn", actor="anna", at=AT, reason="  ")
    lost = wf.transition("advising", "contact_lost", actor="anna", at=AT, reason="no answer for 3 months")
    back = wf.transition(lost.to_state, "advising", actor="anna", at=AT, lost_from="advising")
    assert str(back.to_state) == "advising"
    with pytest.raises(IllegalTransition):
        wf.transition(lost.to_state, "returned", actor="anna", at=AT, lost_from="advising")


def test_vetted_and_rejected_need_two_different_caseworkers() -> None:
    with pytest.raises(FourEyesRequired, match="four-eyes decision"):
        wf.transition("vetting", "advising", actor="anna", at=AT)
    with pytest.raises(FourEyesRequired, match="four-eyes"):
        wf.transition("vetting", "rejected", actor="anna", at=AT, reason="infiltrator")
    proposal = wf.propose("vetting", "rejected", actor="anna", reason="contradictions in the account")
    with pytest.raises(FourEyesRequired, match="a different caseworker must confirm"):
        wf.confirm(proposal, "vetting", actor="anna", at=AT)
    with pytest.raises(ReasonRequired):
        wf.propose("vetting", "advising", actor="anna", reason="")
    with pytest.raises(WorkflowError, match="needs no second caseworker"):
        wf.propose("advising", "return_requested", actor="anna", reason="x")


def test_a_stale_proposal_cannot_be_confirmed() -> None:
    proposal = wf.propose("vetting", "advising", actor="anna", reason="ok")
    with pytest.raises(IllegalTransition, match="propose again"):
        wf.confirm(proposal, "contact_lost", actor="ben", at=AT)


def test_unknown_states_are_refused() -> None:
    with pytest.raises(UnknownState, match="unknown case state 'freed'"):
        wf.transition("advising", "freed", actor="anna", at=AT)
    with pytest.raises(UnknownState, match="no sub-state"):
        wf.parse("advising/legal")


def test_organisation_renames_and_substates() -> None:
    custom = Workflow(WorkflowConfig.from_mapping(
        {"labels": {"vetting": "Prüfung"}, "substates": {"advising": ["legal", "family"]}}))
    assert custom.label("vetting") == "Prüfung" and custom.label("advising/legal") == "Advising – legal"
    step = custom.transition("advising/legal", "advising/family", actor="anna", at=AT)
    assert str(step.to_state) == "advising/family"
    step = custom.transition("advising/family", "return_requested", actor="anna", at=AT)
    assert str(step.from_state) == "advising/family"
    with pytest.raises(IllegalTransition, match="'Prüfung' to 'Returned'"):
        custom.transition("vetting", "returned", actor="anna", at=AT)
    with pytest.raises(IllegalTransition, match="already in"):
        custom.transition("advising/legal", "advising/legal", actor="anna", at=AT)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"labels": {"limbo": "X"}}, "unknown state 'limbo'"),
        ({"labels": {"vetting": " "}}, "non-empty"),
        ({"substates": {"closed": ["a"]}}, "is final"),
        ({"substates": {"advising": ["a/b"]}}, "without '/'"),
        ({"substates": {"advising": ["a", "a"]}}, "unique"),
        ({"substates": {"advising": "legal"}}, "list of names"),
        ({"colours": {}}, "unknown setting 'colours'"),
    ],
)
def test_bad_workflow_config_is_refused(raw: dict, message: str) -> None:
    with pytest.raises(WorkflowConfigError, match=message):
        WorkflowConfig.from_mapping(raw)


def test_distinct_approvers_counts_people_not_clicks() -> None:
    assert not distinct_approvers(["anna", "anna"])
    assert distinct_approvers(["anna", "ben"])
    assert not distinct_approvers(["anna", ""])
