"""The contact's pages: fully usable with JavaScript off, nothing loaded from anywhere else."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.archive import publications
from safeconduct.auth import sessions
from safeconduct.cases import consent, contact_language, contact_status, content
from safeconduct.cases.content import CONTACT
from safeconduct.contact import service as contact
from safeconduct.contact import start_tokens
from safeconduct.contact.service import ContactAccess
from safeconduct.crypto import codename as codenames
from safeconduct.errors import AuthenticationFailed, Refusal
from safeconduct.org import intro
from safeconduct.referrals import relatives
from safeconduct.web.api.contact import receive_file, start_session
from safeconduct.web.deps import CONTACT_COOKIE, contact_access, contact_for, get_db, run_unit, runtime
from safeconduct.web.errors import status_for
from safeconduct.web.forms import check_csrf, check_csrf_fields, checked_form, read_form
from safeconduct.web.i18n import LANGUAGES, choose_language
from safeconduct.web.render import render, translate
from safeconduct.web.security import set_cookie

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Session = Depends(get_db)) -> Response:
    return render(request, "contact/home.html", {
        "start_token": start_tokens.issue(runtime(request).org),
        "codename_style": codenames.style_for(None, choose_language(request)),
        **_org_context(request, db)})


def _org_context(request: Request, db: Session) -> dict[str, object]:
    """The organisation's name, introduction (in the visitor's language if it has one) and answer delay."""
    org = intro.read(db)
    shown = org.intro_for(choose_language(request))
    return {"org_name": org.name, "org_intro": shown[0] if shown else None,
            "org_intro_lang": shown[1] if shown else None, "answer_days": org.answer_days}


@router.post("/contact/start", response_class=HTMLResponse)
async def start(request: Request, db: Session = Depends(get_db)) -> Response:
    """Spend the form's start token (refused before any slow hash), then start in a worker thread: the
    codename's hash may wait its turn behind a flood (crypto/argon2_gate.py)."""
    form = await checked_form(request)
    org = runtime(request).org
    await run_in_threadpool(start_tokens.spend, db, org, form.get("start_token"))
    style = codenames.style_for(form.get("codename_style"), choose_language(request))
    writer = form.get("writer")
    codename, access = await run_in_threadpool(contact.start_conversation, db, org, style,
                                               str(writer) if writer is not None else None)
    days = runtime(request).settings.empty_conversation_days
    response = render(request, "contact/codename.html",
                      {"codename": codename.split(" "), "style": codenames.STYLES[style], "empty_days": days})
    set_cookie(request, response, CONTACT_COOKIE, await run_in_threadpool(start_session, request, db, access))
    return response


@router.get("/contact/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "contact/login.html", {"ended": request.query_params.get("ended") == "1"})


@router.post("/contact/login", response_class=HTMLResponse)
async def login(request: Request, db: Session = Depends(get_db)) -> Response:
    form = await checked_form(request)
    try:
        access = await run_in_threadpool(contact.log_in, db, runtime(request).org, str(form.get("codename", "")))
    except AuthenticationFailed as exc:
        return render(request, "contact/login.html",
                      {"error": translate(request, exc.message, **exc.params)}, status_code=status_for(exc))
    response = RedirectResponse("/contact/conversation", status_code=303)
    set_cookie(request, response, CONTACT_COOKIE, await run_in_threadpool(start_session, request, db, access))
    return response


def conversation_page(request: Request, db: Session, access: ContactAccess, *, error: str | None = None,
                      draft: str = "", status_code: int = 200) -> Response:
    contact_language.remember(db, access.case_id, choose_language(request), allowed=set(LANGUAGES))
    messages = content.read_messages(db, case_id=access.case_id, case_key=access.case_key)
    files = content.files_for_contact(db, case_id=access.case_id, case_key=access.case_key)
    choice = consent.current(db, case_id=access.case_id, case_key=access.case_key)
    status = contact_status.describe(content.get_case(db, access.case_id).state,
                                     caseworker_replied=any(m.author.kind != "contact" for m in messages))
    return render(request, "contact/conversation.html",
                  {"messages": messages, "files": files, "error": error, "draft": draft, "status": status,
                   **_org_context(request, db),
                   "consent_requested": choice.requested_at is not None and not choice.exported,
                   "link_proposed": any(link.state == "proposed" and not link.consented_here for link in
                                        relatives.links(db, case_id=access.case_id, case_key=access.case_key)),
                   "publications_waiting": any(p.state == "awaiting_consent" for p in publications.list_for_case(
                       db, case_id=access.case_id, case_key=access.case_key)),
                   "max_upload_bytes": runtime(request).settings.max_upload_bytes},
                  status_code=status_code)


@router.get("/contact/conversation", response_class=HTMLResponse)
def conversation(request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> Response:
    return conversation_page(request, db, access)


@router.post("/contact/messages", response_class=HTMLResponse)
async def send(request: Request) -> Response:
    form = await read_form(request)
    # The session, the CSRF check, the database work and its COMMIT wait run in one worker-thread call,
    # never on the event loop (and not one hop per dependency).
    return await run_in_threadpool(run_unit, request, lambda db: _send(request, db, form))


def _send(request: Request, db: Session, form: FormData) -> Response:
    access = contact_for(request, db, None)  # a session that ended is told before a stale form
    check_csrf(request, form)
    text = str(form.get("text", ""))
    try:
        content.post_contact_message(db, runtime(request).settings, case_id=access.case_id,
                                     case_key=access.case_key, signing_key=runtime(request).org.signing_key,
                                     text=text)
    except Refusal as exc:  # show the page again with the text kept, so nothing typed is lost
        return conversation_page(request, db, access, error=translate(request, exc.message, **exc.params),
                                 draft=text, status_code=status_for(exc))
    return RedirectResponse("/contact/conversation?sent=1#latest", status_code=303)


@router.post("/contact/files", response_class=HTMLResponse)
async def upload(request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> Response:
    try:
        await receive_file(request, db, access, CONTACT, check_csrf_fields(request))
    except Refusal as exc:
        return await run_in_threadpool(conversation_page, request, db, access,
                                       error=translate(request, exc.message, **exc.params), status_code=status_for(exc))
    return RedirectResponse("/contact/conversation?uploaded=1#files", status_code=303)


@router.post("/contact/logout")
async def logout(request: Request, db: Session = Depends(get_db)) -> Response:
    await checked_form(request)
    token = request.cookies.get(CONTACT_COOKIE)
    if token:
        await run_in_threadpool(sessions.end, db, token)
    response = RedirectResponse("/?left=1", status_code=303)
    response.delete_cookie(CONTACT_COOKIE, path="/")
    return response
