"""Console pages of the testimony studio: prepare from a case file, follow the job, review, preview, approve.

Every page works without JavaScript: while a job is queued or running the page refreshes itself every
five seconds (a `<meta http-equiv="refresh">` inside `<noscript>`); with JavaScript, /static/studio.js
polls the JSON view and moves the bars instead, and reloads the page when the job reaches a new state.
Reads go through `studio.view(..., staff_id=...)`, so a look at the findings is audited. Form routes are
plain `def` routes (they run in the threadpool) with the CSRF-checked form as a dependency.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import inbox
from safeconduct.errors import Forbidden, Refusal
from safeconduct.i18n_markers import N_
from safeconduct.staff.service import StaffAccess
from safeconduct.testimony import studio
from safeconduct.testimony.studio.service import ERRORS, FACE_MODES, KINDS, LANGUAGES, STAGES, VOICE_METHODS
from safeconduct.web.console.publications import publication_context
from safeconduct.web.console.workspace import workspace_page
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import check_csrf, checked_form
from safeconduct.web.i18n import choose_language
from safeconduct.web.render import render, translate

router = APIRouter(prefix="/staff/cases/{case_id}/testimonies", include_in_schema=False)
#: Rows the review form offers for words the detector missed.
ADDED_ROWS = 3
#: One checkbox per finding: more fields than the shared small-form limit allows.
MAX_FINDINGS = 5000

STAGE_NAMES = {
    "probe": N_("Reading the recording"), "transcribe": N_("Transcribing"), "detect": N_("Finding names and details"),
    "voice": N_("Changing the voice"), "faces": N_("Hiding faces"), "audio": N_("Covering words in the audio"),
    "metadata": N_("Removing metadata"), "outputs": N_("Writing the outputs"),
}
STATUS_NAMES = {"done": N_("done"), "running": N_("running"), "waiting": N_("waiting"), "failed": N_("failed"),
                "skipped": N_("skipped")}
STATE_NAMES = {"queued": N_("Queued"), "running": N_("Running"), "review": N_("Waiting for your review"),
               "done": N_("Done"), "failed": N_("Failed"), "cancelled": N_("Cancelled")}
VOICE_NAMES = {
    "disguise": N_("Disguise (default: the best privacy we measured)"),
    "mcadams": N_("McAdams coefficient"), "pitch": N_("Pitch shift"),
    "revoice": N_("Re-voice with a synthetic voice"), "none": N_("Keep the voice"),
}
FACE_NAMES = {"blur": N_("Blur (default)"), "mask": N_("Solid mask"), "silhouette": N_("Silhouette"),
              "keep": N_("Keep faces")}
LANGUAGE_NAMES = {"auto": N_("Detect the language"), "en": "English", "fr": "Français", "ar": "العربية"}
KIND_NAMES = {"PERSON": N_("Person"), "PLACE": N_("Place"), "UNIT": N_("Unit or group"), "DATE": N_("Date"),
              "PHONE": N_("Phone number"), "EMAIL": N_("Email address"), "HANDLE": N_("Online handle"),
              "ID": N_("Identity number"), "NATIONALITY": N_("Nationality")}
#: The names the preview shows first, and the kind of media element each needs.
MEDIA = {"testimony.mp4": "video", "testimony.m4a": "audio"}


def choices() -> dict[str, Any]:
    """What the "Prepare a testimony" form offers (the domain's defaults first)."""
    return {"voice_methods": [(v, VOICE_NAMES[v]) for v in VOICE_METHODS],
            "face_modes": [(f, FACE_NAMES[f]) for f in FACE_MODES],
            "studio_languages": [(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES]}


def _media(view: studio.TestimonyView) -> tuple[str | None, str | None]:
    """(output name, "video" or "audio") of the anonymized recording, if there is one."""
    for name in view.outputs:
        if name in MEDIA:
            return name, MEDIA[name]
        suffix = name.rsplit(".", 1)[-1].lower()
        if name.startswith("testimony.") and suffix in ("mp4", "mov", "mkv", "webm"):
            return name, "video"
        if name.startswith("testimony.") and suffix in ("m4a", "wav", "flac", "mp3", "ogg", "opus"):
            return name, "audio"
    return None, None


def error_in_words(request: Request, error: str | None) -> str | None:
    """A job's error in the reader's language when it is one of the domain's stock sentences (they come
    formatted in English, naming the stage); a detail stored with the job is shown as it was written."""
    if not error:
        return error
    for message in ERRORS.values():
        pattern = re.escape(message).replace(re.escape("%(stage)s"), r"(\w+)")
        found = re.fullmatch(pattern, error)
        if found:
            if "%(stage)s" not in message:
                return translate(request, message)
            stage = found.group(1)
            return translate(request, message, stage=translate(request, STAGE_NAMES.get(stage, stage)))
    return error


def testimony_page(request: Request, db: Session, staff: StaffAccess, case_id: str, testimony_id: str, *,
                   error: str | None = None, status_code: int = 200) -> Response:
    case, key = inbox.open_case(db, staff, case_id)
    # while the job runs the page refreshes itself every few seconds: it shows progress only, so that a
    # caseworker watching it does not fill the audit log with reads that quote nothing
    view = studio.view(db, case_id=case_id, case_key=key, testimony_id=testimony_id, quote=False)
    if view.state not in ("queued", "running"):
        view = studio.view(db, case_id=case_id, case_key=key, testimony_id=testimony_id, staff_id=staff.staff_id)
    media, media_kind = _media(view)
    return render(request, "staff/testimony.html", {
        "staff": staff, "case": case, "t": view, "error": error, "job_error": error_in_words(request, view.error),
        "stage_names": STAGE_NAMES,
        "status_names": STATUS_NAMES, "state_names": STATE_NAMES, "voice_names": VOICE_NAMES,
        "face_names": FACE_NAMES, "language_names": LANGUAGE_NAMES, "kinds": KINDS, "kind_names": KIND_NAMES,
        "added_rows": ADDED_ROWS, "media": media, "media_kind": media_kind,
        "live": view.state in ("queued", "running"),
        "outputs_url": f"/api/v1/staff/cases/{case_id}/testimonies/{testimony_id}/outputs",
        "stage_count": len(STAGES),
        **(publication_context(db, runtime(request).settings, case_id=case_id, case_key=key,
                               testimony_id=testimony_id, staff=staff, language=choose_language(request))
           if view.approved else {}),
    }, status_code=status_code)


def _page_url(case_id: str, testimony_id: str) -> str:
    return f"/staff/cases/{case_id}/testimonies/{testimony_id}"


def _act(request: Request, db: Session, staff: StaffAccess, case_id: str, testimony_id: str,
         action: Callable[[bytes], object], *, anchor: str = "") -> Response:
    """Run one action with the case's key; show the page again with the refusal, or go back to it (303)."""
    try:
        _, key = inbox.open_case(db, staff, case_id)
        action(key)
    except Refusal as exc:
        db.rollback()
        if isinstance(exc, Forbidden):
            raise
        return testimony_page(request, db, staff, case_id, testimony_id,
                              error=translate(request, exc.message, **exc.params), status_code=status_for(exc))
    return RedirectResponse(_page_url(case_id, testimony_id) + anchor, status_code=303)


@router.post("", response_class=HTMLResponse)
def prepare(case_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    try:
        _, key = inbox.open_case(db, staff, case_id)
        view = studio.prepare(db, rt.settings, case_id=case_id, case_key=key, staff_id=staff.staff_id,
                              file_id=str(form.get("file_id", "")), voice_method=str(form.get("voice_method") or "")
                              or None, faces=str(form.get("faces") or "") or None,
                              language=str(form.get("language") or "") or None, signing_key=rt.org.signing_key)
    except Refusal as exc:
        db.rollback()
        if isinstance(exc, Forbidden):
            raise
        return workspace_page(request, db, staff, case_id, tab="files", status_code=status_for(exc),
                              error=translate(request, exc.message, **exc.params))
    return RedirectResponse(_page_url(case_id, view.id) + "?queued=1", status_code=303)


@router.get("/{testimony_id}", response_class=HTMLResponse)
def show(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
         db: Session = Depends(get_db)) -> Response:
    return testimony_page(request, db, staff, case_id, testimony_id)


@router.post("/{testimony_id}/cancel", response_class=HTMLResponse)
def cancel(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
           db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    return _act(request, db, staff, case_id, testimony_id, lambda key: studio.cancel(
        db, case_id=case_id, testimony_id=testimony_id, staff_id=staff.staff_id, case_key=key))


@router.post("/{testimony_id}/retry", response_class=HTMLResponse)
def retry(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
          db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    return _act(request, db, staff, case_id, testimony_id, lambda key: studio.retry(
        db, runtime(request).settings, case_id=case_id, case_key=key, testimony_id=testimony_id,
        staff_id=staff.staff_id))


async def review_form(request: Request) -> FormData:
    """The review form, CSRF-checked: one checkbox per finding, so a larger field limit than other forms."""
    form = await request.form(max_files=0, max_fields=MAX_FINDINGS + 4 * ADDED_ROWS + 4, max_part_size=64 * 1024)
    check_csrf(request, form)
    return form


def read_review(form: FormData, finding_ids: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(rejected ids, added (kind, text)) from the review form: a finding left unticked is a false alarm."""
    kept = {str(v) for v in form.getlist("accept")}
    rejected = [i for i in finding_ids if i not in kept]
    kinds, texts = form.getlist("add_kind"), form.getlist("add_text")
    added = [(str(k), str(t).strip()) for k, t in zip(kinds, texts, strict=False) if str(t).strip()]
    return rejected, added


@router.post("/{testimony_id}/review", response_class=HTMLResponse)
def review(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
           db: Session = Depends(get_db), form: FormData = Depends(review_form)) -> Response:
    rt = runtime(request)

    def act(key: bytes) -> object:
        current = studio.view(db, case_id=case_id, case_key=key, testimony_id=testimony_id)
        listed = {str(v) for v in form.getlist("finding")}  # the findings the page showed
        ids = [f.id for f in current.findings if not f.added and f.id in listed]
        rejected, added = read_review(form, ids)
        return studio.review(db, rt.settings, case_id=case_id, case_key=key, staff_id=staff.staff_id,
                             testimony_id=testimony_id, rejected=rejected, added=added,
                             signing_key=rt.org.signing_key)

    return _act(request, db, staff, case_id, testimony_id, act)


@router.post("/{testimony_id}/approve", response_class=HTMLResponse)
def approve(case_id: str, testimony_id: str, request: Request, staff: StaffAccess = Depends(staff_access),
            db: Session = Depends(get_db), form: FormData = Depends(checked_form)) -> Response:
    rt = runtime(request)
    return _act(request, db, staff, case_id, testimony_id, lambda key: studio.approve(
        db, rt.settings, case_id=case_id, case_key=key, testimony_id=testimony_id, staff_id=staff.staff_id,
        signing_key=rt.org.signing_key), anchor="?approved=1")
