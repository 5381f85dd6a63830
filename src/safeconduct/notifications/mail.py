"""Telling opted-in staff members by e-mail that something waits, without saying what.

Every mail has the same fixed text in the member's language: no content, no case label, no link, no
Reply-To, plain text. Mails go out only at the start of a batching slot (``batch_minutes``, 15 by default)
after the slot in which the mailer first saw something due, at most one per member per slot, so their times
sit on a coarse grid instead of following a contact's activity. What is due lives in the database
(``Notification.mailed``): a failed round leaves it due and the next round retries, and nothing is lost.
Sending runs in the server's background loop, never on a request. Logs name the staff id and the kind
of failure only: never the address, never the SMTP server's reply (which may quote the address).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from safeconduct.config import Settings
from safeconduct.crypto.aead import DecryptionError
from safeconduct.crypto.mail_address import decrypt_address
from safeconduct.i18n_markers import N_
from safeconduct.notifications.models import MailOptIn, Notification

log = logging.getLogger("safeconduct.mail")

MAIL_SUBJECT = N_("New activity in safeconduct")
MAIL_BODY = N_("There is new activity in safeconduct. Log in to see it.")
MAIL_FOOTER = N_("This message was sent automatically. Replies are not read.")
SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class MailSettings:
    """The ``[mail]`` table of safeconduct.toml, overridden by ``SAFECONDUCT_MAIL_*`` variables."""

    host: str = ""
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit TLS, usually port 465) or "none" (local relay)
    user: str = ""
    password: str = ""
    sender: str = ""  # the From address: a no-reply mailbox
    batch_minutes: int = 15
    timeout_seconds: float = 30.0

    @property
    def enabled(self) -> bool:
        """Off by default: only with a host and a sender."""
        return bool(self.host and self.sender)

    @classmethod
    def from_settings(cls, settings: Settings, env: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {k: v for k, v in settings.mail.items() if k in cls.__dataclass_fields__}
        if "from" in settings.mail:
            values["sender"] = settings.mail["from"]
        for name in cls.__dataclass_fields__:
            key = "SAFECONDUCT_MAIL_" + ("FROM" if name == "sender" else name.upper())
            if env.get(key):
                values[name] = env[key]
        for name, cast in (("port", int), ("batch_minutes", int), ("timeout_seconds", float)):
            if name in values:
                values[name] = cast(values[name])
        mail = cls(**values)
        if mail.security not in SECURITY:
            raise ValueError(f"[mail] security must be one of {', '.join(SECURITY)}, not {mail.security!r}")
        if mail.batch_minutes < 1:
            raise ValueError("[mail] batch_minutes must be at least 1")
        return mail


Translate = Callable[[str, str], str]  # (language, message) -> text


def compose(mail: MailSettings, *, to: str, language: str, translate: Translate) -> EmailMessage:
    """The one mail there is: fixed words, no Reply-To, no links, plain text."""
    message = EmailMessage()
    message["From"] = formataddr(("safeconduct", mail.sender))
    message["To"] = to
    message["Subject"] = translate(language, MAIL_SUBJECT)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back to the no-reply box
    message.set_content(translate(language, MAIL_BODY) + "\n\n" + translate(language, MAIL_FOOTER) + "\n")
    return message


def _connect(mail: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if mail.security == "tls":
        smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout_seconds, context=context)
    else:
        smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds)
        if mail.security == "starttls":
            smtp.starttls(context=context)
    if mail.user:
        smtp.login(mail.user, mail.password)
    return smtp


class Mailer:
    """One instance per server process; `run_once` is called by the background loop (and by tests)."""

    def __init__(self, mail: MailSettings, *, db: Callable[[], AbstractContextManager[Session]],
                 signing_key: SigningKey, translate: Translate,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 connect: Callable[[MailSettings], smtplib.SMTP] = _connect) -> None:
        self.mail, self._db, self._signing_key, self._translate = mail, db, signing_key, translate
        self._clock, self._connect = clock, connect
        # member -> the slot in which something was first seen due, and the slot of their last mail. In
        # memory only: after a restart a due mail waits one more slot, never goes twice in one slot.
        self._seen: dict[int, int] = {}
        self._sent: dict[int, int] = {}

    def _slot(self) -> int:
        return int(self._clock().timestamp() // (self.mail.batch_minutes * 60))

    def _due(self, db: Session) -> list[MailOptIn]:
        members = set(db.scalars(select(Notification.staff_id).where(
            Notification.read.is_(False), Notification.mailed.is_(False)).distinct()))
        # read before any mail went out: nothing left to tell
        db.execute(update(Notification).where(Notification.read.is_(True), Notification.mailed.is_(False))
                   .values(mailed=True))
        db.commit()
        return [row for row in db.scalars(select(MailOptIn).order_by(MailOptIn.staff_id)) if row.staff_id in members]

    def run_once(self) -> int:
        """Send the mails due in this slot; return how many went. Failures are logged and retried later."""
        if not self.mail.enabled:
            return 0
        slot = self._slot()
        with self._db() as db:
            ready: list[tuple[MailOptIn, str]] = []
            for row in self._due(db):
                first = self._seen.setdefault(row.staff_id, slot)
                if first >= slot or self._sent.get(row.staff_id) == slot:
                    continue
                try:
                    ready.append((row, decrypt_address(self._signing_key, row.staff_id, row.address_ciphertext)))
                except DecryptionError:
                    log.error("the e-mail address of staff member %d does not decrypt (new signing key?); "
                              "they must enter it again", row.staff_id)
            if not ready:
                return 0
            return self._send(db, ready, slot)

    def _send(self, db: Session, ready: list[tuple[MailOptIn, str]], slot: int) -> int:
        try:
            smtp = self._connect(self.mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail server unreachable (%s); %d mail(s) will be retried", type(exc).__name__, len(ready))
            return 0
        sent = 0
        with _closing(smtp):
            for row, address in ready:
                claimed = self._claim(db, row.staff_id)
                if not claimed:  # another server process is mailing this member
                    self._seen.pop(row.staff_id, None)
                    continue
                message = compose(self.mail, to=address, language=row.language, translate=self._translate)
                try:
                    smtp.send_message(message)
                except (OSError, smtplib.SMTPException) as exc:
                    # the server's reply may quote the address: only the kind of failure is logged
                    log.warning("mail to staff member %d failed (%s); it will be retried",
                                row.staff_id, type(exc).__name__)
                    db.execute(update(Notification).where(Notification.id.in_(claimed)).values(mailed=False))
                    db.commit()
                    continue
                self._seen.pop(row.staff_id, None)
                self._sent[row.staff_id] = slot
                sent += 1
        if sent:
            log.info("sent %d notification mail(s)", sent)
        return sent


    @staticmethod
    def _claim(db: Session, staff_id: int) -> list[int]:
        """Mark the member's due notifications mailed before sending, so that of several server processes
        (``serve --workers``) only one sends; a failed send hands them back."""
        ids = list(db.scalars(select(Notification.id).where(
            Notification.staff_id == staff_id, Notification.read.is_(False), Notification.mailed.is_(False))))
        if not ids:
            return []
        taken = db.execute(update(Notification).where(Notification.id.in_(ids), Notification.mailed.is_(False))
                           .values(mailed=True))
        db.commit()
        return ids if getattr(taken, "rowcount", 0) else []


class _closing(AbstractContextManager[None]):  # noqa: N801 (reads like contextlib.closing)
    """QUIT the SMTP session, ignoring a server that already hung up."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp

    def __exit__(self, *exc: object) -> None:
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()


