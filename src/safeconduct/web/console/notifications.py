"""The staff member's notifications page: the list (newest first), marking read, and the e-mail opt-in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from safeconduct.errors import Refusal
from safeconduct.notifications import service
from safeconduct.notifications.mail import MailSettings
from safeconduct.staff.service import StaffAccess
from safeconduct.web import i18n
from safeconduct.web.deps import get_db, runtime, staff_access
from safeconduct.web.errors import status_for
from safeconduct.web.forms import checked_form
from safeconduct.web.render import render, translate

router = APIRouter(prefix="/staff/notifications", include_in_schema=False)


def _mail_settings(request: Request) -> MailSettings:
    mail: MailSettings = request.app.state.mail_settings
    return mail


def _page(request: Request, db: Session, staff: StaffAccess, *, error: str | None = None, address: str = "",
          status_code: int = 200) -> Response:
    signing_key = runtime(request).org.signing_key
    current = service.mail_address(db, staff_id=staff.staff_id, signing_key=signing_key)
    return render(request, "staff/notifications.html", {
        "staff": staff,
        "notifications": service.list_for(db, staff_id=staff.staff_id, private_key=staff.private_key),
        "mail_enabled": _mail_settings(request).enabled, "mail_address": current,
        "batch_minutes": _mail_settings(request).batch_minutes,
        "error": error, "address": address or (current or ""),
    }, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def notifications_page(request: Request, staff: StaffAccess = Depends(staff_access),
                       db: Session = Depends(get_db)) -> Response:
    return _page(request, db, staff)


@router.post("/read")
def mark_all_read(request: Request, staff: StaffAccess = Depends(staff_access),
                  db: Session = Depends(get_db),
                  _form: FormData = Depends(checked_form)) -> Response:
    service.mark_read(db, staff_id=staff.staff_id)
    return RedirectResponse("/staff/notifications", status_code=303)


@router.post("/{notification_id}/read")
def mark_read(notification_id: int, request: Request, staff: StaffAccess = Depends(staff_access),
              db: Session = Depends(get_db),
              _form: FormData = Depends(checked_form)) -> Response:
    service.mark_read(db, staff_id=staff.staff_id, notification_id=notification_id)
    return RedirectResponse("/staff/notifications", status_code=303)


@router.post("/mail", response_class=HTMLResponse)
def mail_opt_in(request: Request, staff: StaffAccess = Depends(staff_access),
                db: Session = Depends(get_db),
                form: FormData = Depends(checked_form)) -> Response:
    address = str(form.get("address", ""))
    try:
        service.mail_opt_in(db, staff_id=staff.staff_id, signing_key=runtime(request).org.signing_key,
                            address=address, language=i18n.choose_language(request))
    except Refusal as exc:
        db.rollback()
        return _page(request, db, staff, error=translate(request, exc.message, **exc.params), address=address,
                     status_code=status_for(exc))
    return RedirectResponse("/staff/notifications#mail", status_code=303)


@router.post("/mail/off")
def mail_opt_out(request: Request, staff: StaffAccess = Depends(staff_access),
                 db: Session = Depends(get_db),
                 _form: FormData = Depends(checked_form)) -> Response:
    service.mail_opt_out(db, staff_id=staff.staff_id)
    return RedirectResponse("/staff/notifications#mail", status_code=303)
