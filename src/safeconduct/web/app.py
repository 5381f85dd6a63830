"""The web application: contact pages, staff console and JSON API over one installation."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from safeconduct import __version__
from safeconduct.contact.service import AttemptLimiter
from safeconduct.runtime import Runtime
from safeconduct.web import api_contact, api_staff, contact_pages, errors, staff_pages, tus
from safeconduct.web.security import SecurityHeaders

STATIC = Path(__file__).with_name("static")


def create_app(runtime: Runtime) -> FastAPI:
    """Build the app; fails at once (not at the first request) if the installation is missing."""
    _ = runtime.org
    app = FastAPI(
        title="safeconduct",
        version=__version__,
        description="Anonymous contact and case work. Contacts authenticate with a codename; staff with "
        "password and TOTP. Every content field is encrypted at rest.",
        docs_url=None,  # the interactive docs page loads scripts from a CDN: never on this server
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.codename_limiter = AttemptLimiter(runtime.settings.codename_logins_per_minute)
    app.state.staff_limiter = AttemptLimiter(runtime.settings.codename_logins_per_minute)
    errors.install(app)
    app.include_router(contact_pages.router)
    app.include_router(staff_pages.router)
    app.include_router(api_contact.router)
    app.include_router(tus.router)
    app.include_router(api_staff.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    logging.getLogger("safeconduct.http").setLevel(logging.INFO)
    return app
