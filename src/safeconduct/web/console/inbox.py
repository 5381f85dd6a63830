"""The caseworker's inbox for triage (console page and JSON) and the case's assignee.

The page is a plain GET form, so filters, sort, search and paging work with JavaScript off and every view
has an address a caseworker can bookmark. The API answers the same query as JSON.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from safeconduct.cases import assignment, inbox, keys, retention, triage
from safeconduct.cases.transitions import Actor
from safeconduct.errors import Refusal
from safeconduct.staff.service import StaffAccess
from safeconduct.web.console.workspace import workspace_page
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import refusals, status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate
from safeconduct.web.schemas import Strict

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])
#: Main states offered in the filter (sub-states are found under their main state).
STATES = ("new_contact", "vetting", "advising", "return_requested", "return_organised", "returned",
          "in_proceedings", "closed", "withdrawn", "contact_lost", "rejected")


def _page(request: Request, db: Session, staff: StaffAccess) -> triage.InboxPage:
    query = triage.InboxQuery.parse(dict(request.query_params))
    return triage.search(db, staff, query, overdue_days=runtime(request).settings.inbox_overdue_days)


@pages.get("/staff", response_class=HTMLResponse)
def inbox_page(request: Request, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> Response:
    error, status = None, 200
    try:
        page = _page(request, db, staff)
    except Refusal as exc:  # a hand-edited address: say what is wrong and show the unfiltered inbox
        error, status = translate(request, exc.message, **exc.params), status_for(exc)
        page = triage.search(db, staff, triage.InboxQuery(),
                             overdue_days=runtime(request).settings.inbox_overdue_days)
    due = retention.upcoming(db, runtime(request).settings)
    if due and not staff.is_admin:
        mine = set(keys.staff_case_ids(db, staff.staff_id))
        due = [d for d in due if d.case_id in mine]
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "lang") and v}

    def page_url(n: int) -> str:
        return "/staff?" + urlencode({**params, "page": n})

    return render(request, "staff/inbox.html", {
        "staff": staff, "page": page, "q": page.query, "retention_due": due, "error": error, "states": STATES,
        "page_url": page_url, "filtered": bool(params.keys() - {"sort"}),
        "overdue_days": runtime(request).settings.inbox_overdue_days}, status_code=status)


class InboxCaseOut(BaseModel):
    id: str
    label: str = Field(description="A pseudonymous label; never the codename.")
    state: str
    created_on: dt.date
    last_activity_on: dt.date = Field(description="The day of the last message, file or state change.")
    unread: int = Field(description="Messages after your read mark.")
    overdue: bool = Field(description="A message has waited unread `inbox_overdue_days` days or more.")
    proposal: bool = Field(description="A colleague's four-eyes proposal waits for your confirmation.")
    task_due: bool = Field(False, description="An open follow-up task on the case is due today or overdue.")
    assignee: str | None = Field(description="The caseworker responsible, if any.")
    language: str | None = Field(description="The interface language the contact last used (en, fr, ar).")


class InboxOut(BaseModel):
    cases: list[InboxCaseOut]
    total: int
    page: int
    per_page: int
    pages: int


@api.get("/inbox", response_model=InboxOut)
def inbox_json(request: Request, staff: StaffAccess = Depends(staff_access), db: Session = Depends(get_db)) -> InboxOut:
    """Your cases, filtered and paged: `waiting=me`, `state`, `assignee` (me, none or a username),
    `language`, `q` (part of a case label), `sort` (activity, created, state), `page`, `per_page` (≤ 200)."""
    page = _page(request, db, staff)
    return InboxOut(cases=[InboxCaseOut(**vars(r)) for r in page.rows], total=page.total, page=page.page,
                    per_page=page.per_page, pages=page.pages)


class AssigneeIn(Strict):
    username: str | None = Field(default=None, max_length=64,
                                 description="A caseworker holding the case; null or empty: nobody.")


class AssigneeOut(BaseModel):
    assignee: str | None


@api.put("/cases/{case_id}/assignee", response_model=AssigneeOut, responses=refusals(409))
def set_assignee(case_id: str, body: AssigneeIn, request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db)) -> AssigneeOut:
    """Make one caseworker responsible (audited, and an "assign" event in the case's ledger)."""
    _, key = inbox.open_case(db, staff, case_id)
    assignment.assign(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                      actor=Actor(staff.staff_id, staff.username), username=body.username)
    return AssigneeOut(assignee=assignment.assignee(db, case_id))


@pages.post("/staff/cases/{case_id}/assignee", response_class=HTMLResponse)
async def assignee_form(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
                        db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_assign, request, db, staff, case_id, str(form.get("username", "")))


def _assign(request: Request, db: Session, staff: StaffAccess, case_id: str, username: str) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    try:
        assignment.assign(db, case_id=case_id, case_key=key, signing_key=runtime(request).org.signing_key,
                          actor=Actor(staff.staff_id, staff.username), username=username)
    except Refusal as exc:  # the case page shows the refusal
        db.rollback()
        return workspace_page(request, db, staff, case_id, error=translate(request, exc.message, **exc.params),
                              status_code=status_for(exc))
    return RedirectResponse(f"/staff/cases/{case_id}#assignee", status_code=303)

