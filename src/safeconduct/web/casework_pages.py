"""The contact's consent page: a plain checkbox form, usable with JavaScript off."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from safeconduct.cases import consent
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Forbidden, Refusal
from safeconduct.web.deps import contact_access, get_db, runtime
from safeconduct.web.errors import status_for
from safeconduct.web.forms import FORM_EXPIRED
from safeconduct.web.render import render, translate
from safeconduct.web.security import CSRF_FIELD, csrf_ok

router = APIRouter(include_in_schema=False)
#: One checkbox per message or file: more fields than the shared small-form limit allows.
MAX_ITEMS = 10_000


def consent_page(request: Request, db: Session, access: ContactAccess, *, error: str | None = None,
                 status_code: int = 200) -> Response:
    choice = consent.current(db, case_id=access.case_id, case_key=access.case_key)
    items = consent.items(db, case_id=access.case_id, case_key=access.case_key)
    return render(request, "contact/consent.html",
                  {"items": items, "all": choice.all, "exported": choice.exported, "error": error},
                  status_code=status_code)


@router.get("/contact/consent", response_class=HTMLResponse)
def show(request: Request, access: ContactAccess = Depends(contact_access),
         db: Session = Depends(get_db)) -> Response:
    return consent_page(request, db, access)


@router.post("/contact/consent", response_class=HTMLResponse)
async def save(request: Request, access: ContactAccess = Depends(contact_access),
               db: Session = Depends(get_db)) -> Response:
    form = await request.form(max_files=0, max_fields=MAX_ITEMS + 4, max_part_size=1024)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise Forbidden(FORM_EXPIRED)
    everything = form.get("all") == "1"
    chosen = [str(v) for v in form.getlist("item")]
    try:
        consent.set_consent(db, case_id=access.case_id, case_key=access.case_key,
                            signing_key=runtime(request).org.signing_key, all_items=everything,
                            item_ids=[] if everything else chosen)
    except Refusal as exc:
        return consent_page(request, db, access, error=translate(request, exc.message, **exc.params),
                            status_code=status_for(exc))
    return RedirectResponse("/contact/consent?saved=1", status_code=303)
