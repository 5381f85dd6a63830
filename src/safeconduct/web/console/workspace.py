"""The caseworker's work page: the conversation beside one section (vetting, pathway, notes, dossier, files).

One page with a section navigation of plain links (``?tab=``), so it works without JavaScript: the
conversation and its reply form stay in view while the caseworker vets, moves the case or exports; on a
phone the section comes first and the conversation below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from safeconduct.cases import (
    assignment,
    audit,
    cleaning,
    consent,
    content,
    inbox,
    notes,
    transitions,
    triage,
    vetting,
)
from safeconduct.cases.workflow import DEFAULT_LABELS, MAIN_PATH, SIDE_EXITS
from safeconduct.org import canned
from safeconduct.staff.service import StaffAccess
from safeconduct.web import i18n
from safeconduct.web.deps import runtime
from safeconduct.web.render import render

TABS = ("conversation", "vetting", "pathway", "notes", "dossier", "files", "referrals", "relatives", "tasks")
#: The PDF headings a consented item may be placed under (ledger/dossier_pdf.py SECTION_TITLES).
DOSSIER_SECTIONS = ("wish_to_leave", "planning", "distancing")


@dataclass(frozen=True)
class Step:
    """One state of the legal return pathway, as the step list shows it."""

    state: str
    status: str  # "done", "current" or "next"


def tab_of(value: object, default: str = "conversation") -> str:
    return str(value) if value in TABS else default


def tab_url(case_id: str, tab: str) -> str:
    return f"/staff/cases/{case_id}" if tab == "conversation" else f"/staff/cases/{case_id}/work?tab={tab}"


def pathway(state: str) -> tuple[list[Step], str | None]:
    """The main path with the case's place on it, and the side exit it took (if any)."""
    main = state.split("/", 1)[0]
    if main in SIDE_EXITS:
        return [Step(s, "next") for s in MAIN_PATH], main
    at = MAIN_PATH.index(main) if main in MAIN_PATH else -1
    return [Step(s, "done" if i < at else "current" if i == at else "next") for i, s in enumerate(MAIN_PATH)], None


def workspace_page(request: Request, db: Session, staff: StaffAccess, case_id: str, *, tab: str = "conversation",
                   error: str | None = None, draft: str = "", canned_lang: str | None = None,
                   dossier_form: Mapping[str, Any] | None = None, status_code: int = 200,
                   identity_shown: Any = None) -> Response:
    """Render the page; showing the conversation is a read of case content, so it is recorded (custody):
    one audit row and one ledger event per look at the page, naming the section shown."""
    rt = runtime(request)
    case, key = inbox.open_case(db, staff, case_id)
    audit.record_custody(db, staff_id=staff.staff_id, username=staff.username, action="view_messages",
                         case_id=case_id, case_key=key, signing_key=rt.org.signing_key, target=tab)
    files = content.list_files(db, case_id=case_id, case_key=key)
    context: dict[str, Any] = {
        "staff": staff, "case": case, "tab": tab, "tabs": TABS, "error": error, "draft": draft,
        "unread": triage.unread_count(db, staff.staff_id, case_id),
        "assignee": assignment.assignee(db, case_id), "holders": assignment.holders(db, case_id),
        "messages": content.read_messages(db, case_id=case_id, case_key=key),
        "files": files, "cleanings": cleaning.states(db, case_id=case_id, case_key=key, files=files),
        "canned": canned.list_replies(db), "canned_languages": canned.LANGUAGES,
        "canned_lang": canned_lang if canned_lang in canned.LANGUAGES else i18n.choose_language(request),
    }
    if tab == "pathway":
        view = transitions.overview(db, rt.settings, case=case, case_key=key)
        steps, exit_state = pathway(view.state)
        context.update(view=view, steps=steps, exit_state=exit_state, default_labels=DEFAULT_LABELS)
        from safeconduct.web.console.authority import authority_context
        from safeconduct.web.console.identity import identity_context
        from safeconduct.web.contact.identity import LABELS as identity_labels

        context.update(identity_context(db, case=case, case_key=key, staff=staff), identity_shown=identity_shown,
                       identity_labels=identity_labels)
        context.update(authority_context(db, rt.settings, case_id=case_id, case_key=key, staff=staff))
    elif tab == "vetting":
        context.update(vetting=vetting.overview(db, case_id=case_id, case_key=key),
                       topics=vetting.TOPICS, statuses=vetting.STATUSES)
    elif tab == "notes":
        context["notes"] = notes.list_notes(db, case_id=case_id, case_key=key)
    elif tab == "dossier":
        choice = consent.current(db, case_id=case_id, case_key=key)
        context.update(consent=choice, dossier_sections=DOSSIER_SECTIONS,
                       dossier_items=[i for i in consent.items(db, case_id=case_id, case_key=key)
                                      if choice.covers(i.id)],
                       dossier_form=dossier_form or {"workflow": False, "sections": {}})
    elif tab in ("referrals", "relatives", "tasks"):
        from safeconduct.web.console.referral_sections import section_context

        context.update(section_context(db, tab, case_id=case_id, case_key=key,
                                       other_key_for=lambda other: inbox.open_case(db, staff, other)[1]))
    elif tab == "files":
        from safeconduct.testimony import studio
        from safeconduct.web.console.studio import STATE_NAMES, choices

        context.update(media=studio.media_files(db, case_id=case_id, case_key=key),
                       testimonies=studio.list_for_case(db, case_id=case_id, case_key=key),
                       testimony_states=STATE_NAMES, **choices())
    return render(request, "staff/workspace.html", context, status_code=status_code)
