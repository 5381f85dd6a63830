"""Publication in the browser: the person's answer on their own page (no JavaScript, seeing exactly what
would be public), and on the studio's testimony page the proposal, the second caseworker's confirmation
with the checks, and withdrawal."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.archive import publications, themes
from safeconduct.cases import inbox
from safeconduct.cases.transitions import Actor
from safeconduct.config import Settings
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Refusal
from safeconduct.i18n_markers import N_
from safeconduct.staff.service import StaffAccess
from safeconduct.testimony.studio import service as studio
from safeconduct.web.api.testimony_outputs import output_response
from safeconduct.web.deps import contact_access, get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.i18n import choose_language
from safeconduct.web.render import render, translate

router = APIRouter(include_in_schema=False)
STATES = {"awaiting_consent": N_("waiting for the person's answer"), "consented": N_("agreed by the person"),
          "declined": N_("declined by the person"), "published": N_("published"), "withdrawn": N_("withdrawn")}
CHECKS = {"review": N_("Review approved"), "metadata": N_("No identifying metadata"),
          "transcript": N_("Transcript redacted again"), "voice": N_("Voice disguised"), "faces": N_("Faces hidden")}
STEPS = {"proposed": N_("Proposed"), "consented": N_("Agreed by the person"), "declined": N_("Declined by the person"),
         "published": N_("Published"), "withdrawn": N_("Withdrawn")}


def publication_context(db: Session, settings: Settings, *, case_id: str, case_key: bytes, testimony_id: str,
                        staff: StaffAccess, language: str) -> dict[str, Any]:
    """What the testimony page's publication section shows."""
    mine = [p for p in publications.list_for_case(db, case_id=case_id, case_key=case_key)
            if p.testimony_id == testimony_id]
    return {"publications": mine, "publication_states": STATES, "check_names": CHECKS, "step_names": STEPS,
            "archive_themes": [(t.slug, t.name(language)) for t in themes.load(settings.data_dir)],
            "can_propose": not any(p.state in ("awaiting_consent", "consented", "published") for p in mine),
            "staff_id": staff.staff_id}


def _actor(staff: StaffAccess) -> Actor:
    return Actor(staff_id=staff.staff_id, username=staff.username)


def _back(case_id: str, testimony_id: str) -> RedirectResponse:
    return RedirectResponse(f"/staff/cases/{case_id}/testimonies/{testimony_id}#publication", status_code=303)


def _refused(request: Request, db: Session, staff: StaffAccess, case_id: str, testimony_id: str,
             exc: Refusal) -> Response:
    from safeconduct.web.console.studio import testimony_page

    db.rollback()
    return testimony_page(request, db, staff, case_id, testimony_id,
                          error=translate(request, exc.message, **exc.params), status_code=status_for(exc))


@router.post("/staff/cases/{case_id}/testimonies/{testimony_id}/publication", response_class=HTMLResponse)
def propose(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    try:
        publications.propose(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                             actor=_actor(staff), testimony_id=testimony_id,
                             chosen_themes=[str(v) for v in form.getlist("theme")])
    except Refusal as exc:
        return _refused(request, db, staff, case_id, testimony_id, exc)
    return _back(case_id, testimony_id)


@router.post("/staff/publications/{publication_id}/{action}", response_class=HTMLResponse)
def decide(publication_id: str, action: str, request: Request, staff: StaffAccess = Depends(staff_access),
           db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    """`confirm` (the second caseworker) or `withdraw`."""
    case_id = publications.case_of(db, publication_id)
    _, key = inbox.open_case(db, staff, case_id)
    rt = runtime(request)
    testimony_id = publications.get(db, case_id=case_id, case_key=key, publication_id=publication_id).testimony_id
    try:
        if action == "confirm":
            publications.confirm(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                                 actor=_actor(staff), organisation=rt.org.name, publication_id=publication_id)
        elif action == "withdraw":
            publications.withdraw(db, rt.settings, case_id=case_id, case_key=key, signing_key=rt.org.signing_key,
                                  actor=_actor(staff), publication_id=publication_id)
        else:
            return Response(status_code=404)
    except Refusal as exc:
        return _refused(request, db, staff, case_id, testimony_id, exc)
    return _back(case_id, testimony_id)


# --- the person ----------------------------------------------------------------------------------------

def _contact_page(request: Request, db: Session, access: ContactAccess, *, error: str | None = None,
                  status_code: int = 200) -> Response:
    language = choose_language(request)
    names = {t.slug: t.name(language) for t in themes.load(runtime(request).settings.data_dir)}
    shown = []
    for p in publications.list_for_case(db, case_id=access.case_id, case_key=access.case_key):
        testimony = studio.view(db, case_id=access.case_id, case_key=access.case_key, testimony_id=p.testimony_id,
                                quote=True)
        media = next((n for n in testimony.outputs if n.startswith(publications.MEDIA_PREFIX)), "")
        shown.append({"p": p, "transcript": testimony.redacted_transcript or "", "video": media.endswith(".mp4"),
                      "themes": [names.get(s, s) for s in p.themes]})
    return render(request, "contact/publications.html", {"shown": shown, "states": STATES, "error": error},
                  status_code=status_code)


@router.get("/contact/publications", response_class=HTMLResponse)
def contact_show(request: Request, access: ContactAccess = Depends(contact_access),
                 db: Session = Depends(get_db)) -> Response:
    return _contact_page(request, db, access)


@router.post("/contact/publications/{publication_id}", response_class=HTMLResponse)
def contact_answer(publication_id: str, request: Request, access: ContactAccess = Depends(contact_access),
                   db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    try:
        publications.contact_answer(db, rt.settings, case_id=access.case_id, case_key=access.case_key,
                                    signing_key=rt.org.signing_key, publication_id=publication_id,
                                    consent=form.get("consent") == "yes")
    except Refusal as exc:
        db.rollback()
        return _contact_page(request, db, access, error=translate(request, exc.message, **exc.params),
                             status_code=status_for(exc))
    return RedirectResponse("/contact/publications?saved=1", status_code=303)


@router.get("/contact/publications/{publication_id}/media")
def contact_media(publication_id: str, request: Request, access: ContactAccess = Depends(contact_access),
                  db: Session = Depends(get_db)) -> Response:
    """The anonymized recording as it would be published (the page's player)."""
    return output_response(request, publications.preview(db, runtime(request).settings, case_id=access.case_id,
                                                          case_key=access.case_key, publication_id=publication_id))
