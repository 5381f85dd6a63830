"""The contact's page for their sealed identity: give it, see it, change it, withdraw it - with JavaScript off."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.cases import identity
from safeconduct.contact.service import ContactAccess
from safeconduct.errors import Refusal
from safeconduct.i18n_markers import N_
from safeconduct.web.deps import contact_access, get_db, runtime
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate

router = APIRouter(include_in_schema=False)

#: The form's fields, in order, with their labels.
LABELS = {
    "full_name": N_("Full name, as on your papers"), "other_names": N_("Other names you were known by"),
    "date_of_birth": N_("Date of birth"), "place_of_birth": N_("Place of birth"),
    "nationality": N_("Nationality"), "document_numbers": N_("Passport or identity card numbers, if you know them"),
    "notes": N_("Anything else your lawyer should know to organise your return"),
}


def _page(request: Request, db: Session, access: ContactAccess, *, values: dict[str, str] | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    given = identity.for_contact(db, case_id=access.case_id, case_key=access.case_key)
    return render(request, "contact/identity.html", {
        "given": given, "values": values if values is not None else (given.fields if given else {}),
        "labels": LABELS, "limits": identity.FIELDS, "error": error}, status_code=status_code)


@router.get("/contact/identity", response_class=HTMLResponse)
def show(request: Request, access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db)) -> Response:
    return _page(request, db, access)


@router.post("/contact/identity", response_class=HTMLResponse)
def save(request: Request, access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db),
         form: FormData = Depends(checked_form)) -> Response:
    values = {name: str(form.get(name, "")) for name in identity.FIELDS}
    try:
        identity.give(db, case_id=access.case_id, case_key=access.case_key,
                      signing_key=runtime(request).org.signing_key, fields=values)
    except Refusal as exc:  # the page again with what was typed, so nothing is lost
        db.rollback()
        return _page(request, db, access, values=values, error=translate(request, exc.message, **exc.params),
                     status_code=status_for(exc))
    return RedirectResponse("/contact/identity?saved=1", status_code=303)


@router.post("/contact/identity/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, access: ContactAccess = Depends(contact_access), db: Session = Depends(get_db),
             form: FormData = Depends(checked_form)) -> Response:
    try:
        identity.withdraw(db, case_id=access.case_id, case_key=access.case_key,
                          signing_key=runtime(request).org.signing_key)
    except Refusal as exc:
        db.rollback()
        return _page(request, db, access, error=translate(request, exc.message, **exc.params),
                     status_code=status_for(exc))
    return RedirectResponse("/contact/identity?withdrawn=1", status_code=303)
