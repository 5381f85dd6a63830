"""The web application: contact pages, staff console and JSON API over one installation."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from safeconduct import __version__
from safeconduct.cases import housekeeping, intake, retention
from safeconduct.contact import start_tokens
from safeconduct.crypto.argon2_gate import gate
from safeconduct.notifications.mail import Mailer, MailSettings
from safeconduct.referrals import tasks as followups
from safeconduct.runtime import Runtime
from safeconduct.web import errors, i18n, openapi
from safeconduct.web.api import accounts as api_accounts
from safeconduct.web.api import authority as api_authority
from safeconduct.web.api import casework as api_casework
from safeconduct.web.api import contact as api_contact
from safeconduct.web.api import identity as api_identity
from safeconduct.web.api import publications as api_publications
from safeconduct.web.api import referrals as api_referrals
from safeconduct.web.api import retention as api_retention
from safeconduct.web.api import staff as api_staff
from safeconduct.web.api import testimony as api_testimony
from safeconduct.web.api import testimony_outputs as api_testimony_outputs
from safeconduct.web.api import tus
from safeconduct.web.api import vetting as api_vetting
from safeconduct.web.archive import pages as archive_pages
from safeconduct.web.console import account as account_pages
from safeconduct.web.console import admin as admin_pages
from safeconduct.web.console import authority as authority_pages
from safeconduct.web.console import canned as canned_pages
from safeconduct.web.console import casework as casework_pages
from safeconduct.web.console import identity as identity_console
from safeconduct.web.console import inbox as inbox_pages
from safeconduct.web.console import notifications as notification_pages
from safeconduct.web.console import organisation as org_pages
from safeconduct.web.console import publications as publication_pages
from safeconduct.web.console import referrals as referral_pages
from safeconduct.web.console import staff as staff_pages
from safeconduct.web.console import stats as stats_pages
from safeconduct.web.console import studio as studio_pages
from safeconduct.web.console import uploads as staff_uploads
from safeconduct.web.contact import identity as identity_pages
from safeconduct.web.contact import pages as contact_pages
from safeconduct.web.contact import rights as rights_pages
from safeconduct.web.security import SecurityHeaders

STATIC = Path(__file__).with_name("static")
HOUSEKEEPING_SECONDS = 15 * 60
SEQUENCER_SECONDS = 1.0
MAIL_SECONDS = 60.0  # the mailer's own batching decides when a mail goes (notifications/mail.py)
log = logging.getLogger("safeconduct.housekeeping")


def _lifespan(runtime: Runtime,
              mail: MailSettings) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Background work: log new case events in the Merkle log every second; purge expired sessions,
    abandoned uploads, long-empty conversations and expired start tokens at start-up and every quarter of
    an hour; send due notification e-mails every minute when [mail] is set."""

    def sweep() -> None:
        with runtime.db() as db:
            purged = housekeeping.run(db, runtime.settings)
            empty = intake.purge_empty(db, runtime.settings)
            start_tokens.purge_spent(db)
            shredded = retention.run(db, runtime.settings)
            reminded = followups.remind(db)
        if reminded:
            log.info("reminded caseworkers of due tasks (%d notifications)", reminded)
        if any(purged):
            log.info("purged %d expired sessions and %d abandoned uploads", *purged)
        if empty:
            log.info("forgot %d conversation(s) in which nothing was ever written", empty)
        if shredded:
            log.info("retention: crypto-shredded %d case(s)", len(shredded))

    def sequence() -> None:
        with runtime.db() as db:
            housekeeping.sequence_ledger(db)

    async def every(seconds: float, job: Callable[[], object]) -> None:
        while True:
            try:
                await run_in_threadpool(job)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("background job failed")
            await asyncio.sleep(seconds)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(every(HOUSEKEEPING_SECONDS, sweep)),
                 asyncio.create_task(every(SEQUENCER_SECONDS, sequence))]
        if mail.enabled:  # notification e-mails, off the request path
            mailer = Mailer(mail, db=runtime.db, signing_key=runtime.org.signing_key,
                            translate=lambda lang, message: i18n.gettext_for(lang).gettext(message))
            tasks.append(asyncio.create_task(every(MAIL_SECONDS, mailer.run_once)))
        embedded = None
        if embedded_worker_wanted(runtime):  # SQLite: the server runs jobs itself (jobs/embedded.py)
            from safeconduct.jobs.embedded import EmbeddedWorker

            embedded = EmbeddedWorker(runtime)
            embedded.start()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            if embedded is not None:
                await run_in_threadpool(embedded.stop)

    return lifespan


def embedded_worker_wanted(runtime: Runtime) -> bool:
    """On SQLite the server runs one worker itself, unless SAFECONDUCT_EMBEDDED_WORKER=0 turns it off."""
    import os

    from safeconduct.jobs.engine import uses_procrastinate

    return not uses_procrastinate(runtime.settings.database_url) and \
        os.environ.get("SAFECONDUCT_EMBEDDED_WORKER", "1") != "0"


#: FastAPI 0.16x traces every request with OpenTelemetry (the client's address among the span attributes) as
#: soon as a provider is configured in the process or `FASTAPI_OTEL_AUTO_CONFIGURE=true` adds exporters from
#: the environment. No request of ours is ever traced or exported: the threat model's "no IP address logged".
_TELEMETRY_OFF = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                  "auto_configure": False}


def _no_telemetry() -> dict[str, Any]:
    """FastAPI's `telemetry` argument turned off, where the installed FastAPI has one."""
    return {"telemetry": dict(_TELEMETRY_OFF)} if "telemetry" in inspect.signature(FastAPI.__init__).parameters else {}


def create_app(runtime: Runtime) -> FastAPI:
    """Build the app; fails at once (not at the first request) if the installation is missing."""
    _ = runtime.org
    mail = MailSettings.from_settings(runtime.settings)  # a wrong [mail] table fails here, at start
    app = FastAPI(
        title="safeconduct",
        version=__version__,
        description="Anonymous contact and case work. Contacts authenticate with a codename; staff with "
        "password and TOTP. Every content field is encrypted at rest.",
        docs_url=None,  # the interactive docs page loads scripts from a CDN: never on this server
        redoc_url=None,
        lifespan=_lifespan(runtime, mail),
        **_no_telemetry(),
    )
    app.state.runtime = runtime
    app.state.mail_settings = mail
    # Memory bound of this process whatever the flood: Argon2id work waits its turn (crypto/argon2_gate.py).
    gate.configure(runtime.settings.argon2_concurrency)
    errors.install(app)
    # Routes are matched in order, one pattern after another: the contact channel's (the busiest, and the
    # one a flood hits) come first.
    app.include_router(contact_pages.router)
    app.include_router(api_contact.router)
    app.include_router(inbox_pages.pages)
    app.include_router(inbox_pages.api)
    app.include_router(staff_pages.router)
    app.include_router(account_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(api_accounts.router)
    app.include_router(api_identity.router)
    app.include_router(identity_pages.router)
    app.include_router(identity_console.router)
    app.include_router(tus.router)
    app.include_router(api_staff.router)
    app.include_router(api_retention.router)
    app.include_router(api_casework.router)
    app.include_router(api_referrals.router)
    app.include_router(api_authority.router)
    app.include_router(api_publications.router)
    app.include_router(archive_pages.router)
    app.include_router(publication_pages.router)
    app.include_router(authority_pages.router)
    app.include_router(referral_pages.router)
    app.include_router(referral_pages.staff_router)
    app.include_router(api_vetting.router)
    app.include_router(api_testimony.router)
    app.include_router(api_testimony_outputs.router)
    app.include_router(studio_pages.router)
    app.include_router(casework_pages.router)
    app.include_router(casework_pages.staff_router)
    app.include_router(stats_pages.router)
    app.include_router(notification_pages.router)
    app.include_router(canned_pages.router)
    app.include_router(org_pages.router)
    app.include_router(rights_pages.router)
    app.include_router(staff_uploads.api)
    app.include_router(staff_uploads.pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    openapi.install(app)
    app.add_middleware(SecurityHeaders)
    logging.getLogger("safeconduct.http").setLevel(logging.INFO)
    return app
