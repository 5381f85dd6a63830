"""Notifications without content: in the console, and by e-mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import re
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select

from safeconduct.cases.models import Case
from safeconduct.config import load_settings
from safeconduct.notifications.mail import MAIL_BODY, Mailer, MailSettings
from safeconduct.notifications.models import MailOptIn, Notification
from safeconduct.web import i18n
from safeconduct.web.app import create_app
from tests.conftest import (
    Installation,
    StaffLogin,
    client_for,
    free_port,
    make_installation,
    postgres_available,
    postgres_database,
)
from tests.flows import bearer, staff_page_login, start_contact
from tests.support import require

SENDER = "no-reply@org.example"
SECRET = "meet me at the old mill"
FRENCH = "Il y a du nouveau dans safeconduct. Connectez-vous pour le voir."


# --- a real SMTP server ----------------------------------------------------------------------------

@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Inbox:
    """What the test's SMTP server received; `refuse` makes it answer 550 quoting the recipient."""

    received: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), parsed, raw))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


class Clock:
    """The mailer's clock, moved by the test: batching is decided on it, never on the wall clock."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 10, 0, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def next_slot(self, minutes: int = 15) -> None:
        self.now += dt.timedelta(minutes=minutes)


def _mail_table(port: int) -> dict[str, object]:
    return {"host": "127.0.0.1", "port": port, "security": "none", "from": SENDER, "batch_minutes": 15}


@pytest.fixture(params=["sqlite", "postgres"])
def mail_installation(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpServer) -> Iterator[Installation]:
    """An installation whose [mail] table points at the test's SMTP server, on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        inst = make_installation(tmp_path / "data", None, "sqlite", mail=_mail_table(smtp.port))
        yield inst
        inst.runtime.engine.dispose()
        return
    require(postgres_available(), "PostgreSQL is not running at 127.0.0.1:5432")
    with postgres_database() as url:
        inst = make_installation(tmp_path / "data", url, "postgres", mail=_mail_table(smtp.port))
        yield inst
        inst.runtime.engine.dispose()


@pytest.fixture
def mail_sqlite(tmp_path: Path, smtp: SmtpServer) -> Iterator[Installation]:
    inst = make_installation(tmp_path / "data", None, "sqlite", mail=_mail_table(smtp.port))
    yield inst
    inst.runtime.engine.dispose()


def mailer_for(inst: Installation, clock: Clock) -> Mailer:
    """The mailer the server's background loop runs, driven by the test instead."""
    return Mailer(MailSettings.from_settings(inst.settings, env={}), db=inst.runtime.db,
                  signing_key=inst.runtime.org.signing_key, clock=clock,
                  translate=lambda lang, message: i18n.gettext_for(lang).gettext(message))


def console(inst: Installation, login: StaffLogin, lang: str = "en") -> tuple[TestClient, str]:
    """A caseworker's browser (its own cookies; no lifespan, so no background mailer) and its CSRF token."""
    browser = client_for(inst)
    browser.cookies.set(i18n.COOKIE, lang)
    return browser, staff_page_login(browser, login)


def opt_in(browser: TestClient, csrf: str, address: str) -> None:
    r = browser.post("/staff/notifications/mail", data={"csrf_token": csrf, "address": address})
    assert r.status_code == 303, r.text


def unread(inst: Installation, staff_id: int) -> int:
    with inst.runtime.db() as db:
        return len(list(db.scalars(select(Notification).where(Notification.staff_id == staff_id,
                                                               Notification.read.is_(False)))))


# --- e-mail ----------------------------------------------------------------------------------------

def test_a_contact_writes_and_the_caseworker_holding_the_case_gets_one_mail_without_content(
        mail_installation: Installation, smtp: SmtpServer) -> None:
    inst = mail_installation
    alice, bob = inst.add_staff("alice"), inst.add_staff("bob")
    carol = inst.add_staff("carol", intake=False)  # opted in, but holds no case
    alice_browser, alice_csrf = console(inst, alice, lang="fr")
    opt_in(alice_browser, alice_csrf, "alice@org.example")
    carol_browser, carol_csrf = console(inst, carol)
    opt_in(carol_browser, carol_csrf, "carol@org.example")
    clock = Clock()
    mailer = mailer_for(inst, clock)

    contact = client_for(inst)
    start_contact(contact, first_message=SECRET)
    assert mailer.run_once() == 0  # first seen in this slot: it waits for the next one
    clock.next_slot()
    assert mailer.run_once() == 1
    assert mailer.run_once() == 0  # nothing new: nothing more

    [mail] = smtp.inbox.received
    assert mail.envelope_to == ["alice@org.example"]
    msg = mail.message
    body = msg.get_content()
    assert FRENCH in body  # the member's language, chosen when she opted in
    with inst.runtime.db() as db:
        label = db.scalar(select(Case.label))
    assert label and label not in mail.raw.decode("utf-8", "replace") and label not in body
    assert SECRET not in body and "old mill" not in mail.raw.decode("utf-8", "replace")
    assert "http" not in body and "Reply-To" not in msg and msg["From"].addresses[0].addr_spec == SENDER
    assert msg.get_content_type() == "text/plain" and not msg.is_multipart()
    # bob holds the case too but did not opt in; both see it in the console
    assert unread(inst, alice.staff_id) == 1 and unread(inst, bob.staff_id) == 1
    assert unread(inst, carol.staff_id) == 0


def test_mails_are_batched_one_per_member_per_slot_and_none_once_read(mail_sqlite: Installation,
                                                                      smtp: SmtpServer) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    clock = Clock()
    mailer = mailer_for(inst, clock)
    contact = client_for(inst)
    _, token = start_contact(contact, first_message="one")
    for text in ("two", "three"):
        assert contact.post("/api/v1/contact/messages", json={"text": text}, headers=bearer(token)).status_code == 201
    mailer.run_once()
    clock.next_slot()
    assert mailer.run_once() == 1  # three messages, one mail
    assert contact.post("/api/v1/contact/messages", json={"text": "four"}, headers=bearer(token)).status_code == 201
    clock.now += dt.timedelta(minutes=1)
    assert mailer.run_once() == 0  # the same slot as the last mail
    clock.next_slot()
    assert mailer.run_once() == 1
    assert len(smtp.inbox.received) == 2
    assert "There is new activity in safeconduct. Log in to see it." in smtp.inbox.received[0].message.get_content()

    # read in the console before the next slot: no mail is owed any more
    assert contact.post("/api/v1/contact/messages", json={"text": "five"}, headers=bearer(token)).status_code == 201
    mailer.run_once()
    assert browser.post("/staff/notifications/read", data={"csrf_token": csrf}).status_code == 303
    clock.next_slot()
    assert mailer.run_once() == 0 and len(smtp.inbox.received) == 2


def test_two_server_processes_send_one_mail_not_two(mail_installation: Installation, smtp: SmtpServer) -> None:
    """`serve --workers 2` runs a mailer in each process: the database decides which one sends."""
    inst = mail_installation
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    clock = Clock()
    second = mailer_for(inst, clock)
    second_sent: list[int] = []

    def connect_and_let_the_other_process_run(mail: MailSettings) -> smtplib.SMTP:
        real = smtplib.SMTP(mail.host, mail.port)
        send = real.send_message

        def send_message(message: EmailMessage) -> Any:
            second_sent.append(second.run_once())  # the other process's round, while this one sends
            return send(message)

        real.send_message = send_message  # type: ignore[method-assign]
        return real

    first = Mailer(MailSettings.from_settings(inst.settings, env={}), db=inst.runtime.db,
                   signing_key=inst.runtime.org.signing_key, clock=clock, translate=lambda lang, m: m,
                   connect=connect_and_let_the_other_process_run)
    start_contact(client_for(inst), first_message="hello")
    first.run_once(), second.run_once()
    clock.next_slot()
    assert first.run_once() == 1 and second_sent == [0]
    assert len(smtp.inbox.received) == 1


def test_opting_out_stops_the_mails_and_forgets_the_address(mail_sqlite: Installation, smtp: SmtpServer) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    page = browser.get("/staff/notifications").text
    assert "alice@org.example" in page  # shown back to her, and only to her
    with inst.runtime.db() as db:
        stored = db.get(MailOptIn, alice.staff_id)
        assert stored is not None and b"alice@org.example" not in stored.address_ciphertext
    assert browser.post("/staff/notifications/mail/off", data={"csrf_token": csrf}).status_code == 303
    with inst.runtime.db() as db:
        assert db.get(MailOptIn, alice.staff_id) is None
    clock = Clock()
    mailer = mailer_for(inst, clock)
    start_contact(client_for(inst), first_message="hello")
    mailer.run_once()
    clock.next_slot()
    assert mailer.run_once() == 0 and smtp.inbox.received == []
    assert unread(inst, alice.staff_id) == 1  # the console still shows it


def test_smtp_down_leaves_the_request_path_alone_and_the_mail_goes_out_later(
        mail_sqlite: Installation, smtp: SmtpServer, caplog: pytest.LogCaptureFixture) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    clock = Clock()
    mailer = mailer_for(inst, clock)
    smtp.stop()
    contact = client_for(inst)
    _, token = start_contact(contact, first_message="hello")  # the request succeeds with the mail server down
    mailer.run_once()
    clock.next_slot()
    with caplog.at_level(logging.INFO, logger="safeconduct.mail"):
        assert mailer.run_once() == 0
    assert "retried" in caplog.text and "alice" not in caplog.text
    # the server comes back, but refuses the recipient with an answer that quotes the address
    smtp.start()
    smtp.inbox.refuse = True
    clock.next_slot()
    with caplog.at_level(logging.INFO, logger="safeconduct.mail"):
        assert mailer.run_once() == 0
    assert "SMTPRecipientsRefused" in caplog.text and "alice@" not in caplog.text and "org.example" not in caplog.text
    smtp.inbox.refuse = False
    clock.next_slot()
    assert mailer.run_once() == 1  # nothing was lost
    assert [r.envelope_to for r in smtp.inbox.received] == [["alice@org.example"]]
    assert contact.post("/api/v1/contact/messages", json={"text": "again"}, headers=bearer(token)).status_code == 201


def test_a_proposal_notifies_the_other_caseworkers_not_the_proposer(mail_sqlite: Installation,
                                                                    smtp: SmtpServer) -> None:
    inst = mail_sqlite
    anna, ben = inst.add_staff("anna"), inst.add_staff("ben")
    anna_browser, anna_csrf = console(inst, anna)
    opt_in(anna_browser, anna_csrf, "anna@org.example")
    ben_browser, ben_csrf = console(inst, ben)
    opt_in(ben_browser, ben_csrf, "ben@org.example")
    contact = client_for(inst)
    start_contact(contact, first_message="hello")
    # both read the first message's notification: only what follows counts
    for browser, csrf in ((anna_browser, anna_csrf), (ben_browser, ben_csrf)):
        assert browser.post("/staff/notifications/read", data={"csrf_token": csrf}).status_code == 303
    # anna proposes through the API with her console's session cookie (one log-in per member per test)
    [case] = anna_browser.get("/api/v1/staff/cases").json()
    case_id = case["id"]
    r = anna_browser.post(f"/api/v1/staff/cases/{case_id}/transitions", json={"to": "rejected", "reason": "why"},
                          headers={"X-CSRF-Token": anna_csrf})
    assert r.status_code == 202, r.text
    assert unread(inst, anna.staff_id) == 0 and unread(inst, ben.staff_id) == 1
    page = ben_browser.get("/staff/notifications").text
    assert "waits for a second caseworker" in page
    clock = Clock()
    mailer = mailer_for(inst, clock)
    mailer.run_once()
    clock.next_slot()
    assert mailer.run_once() == 1
    assert [r.envelope_to for r in smtp.inbox.received] == [["ben@org.example"]]


def test_consent_given_notifies_the_caseworkers(mail_sqlite: Installation) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    contact = client_for(inst)
    _, token = start_contact(contact, first_message="hello")
    assert browser.post("/staff/notifications/read", data={"csrf_token": csrf}).status_code == 303
    r = contact.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert unread(inst, alice.staff_id) == 1
    assert "gave or changed their consent" in browser.get("/staff/notifications").text
    # a refused choice notifies nobody
    r = contact.put("/api/v1/contact/consent", json={"items": ["m:999999"]}, headers=bearer(token))
    assert r.status_code == 422, r.text
    assert unread(inst, alice.staff_id) == 1


# --- the console -----------------------------------------------------------------------------------

def test_the_console_counts_lists_newest_first_and_marks_read(mail_installation: Installation) -> None:
    inst = mail_installation
    alice, bob = inst.add_staff("alice"), inst.add_staff("bob")
    browser, csrf = console(inst, alice)
    contact = client_for(inst)
    _, token = start_contact(contact, first_message="hello")
    assert contact.put("/api/v1/contact/consent", json={"all": True}, headers=bearer(token)).status_code == 200
    inbox = browser.get("/staff").text
    assert re.search(r'href="/staff/notifications"[^>]*>Notifications <span class="badge"[^>]*>2</span>', inbox)
    page = browser.get("/staff/notifications").text
    assert page.index("gave or changed their consent") < page.index("New message or file")  # newest first
    ids = [int(i) for i in re.findall(r'action="/staff/notifications/(\d+)/read"', page)]
    assert len(ids) == 2
    # bob cannot mark alice's notification read
    bob_browser, bob_csrf = console(inst, bob)
    assert bob_browser.post(f"/staff/notifications/{ids[0]}/read", data={"csrf_token": bob_csrf}).status_code == 303
    assert unread(inst, alice.staff_id) == 2
    assert browser.post(f"/staff/notifications/{ids[0]}/read", data={"csrf_token": csrf}).status_code == 303
    assert unread(inst, alice.staff_id) == 1
    assert '<span class="badge" title="Unread notifications">1</span>' in browser.get("/staff").text
    assert browser.post("/staff/notifications/read", data={"csrf_token": csrf}).status_code == 303
    assert 'title="Unread notifications"' not in browser.get("/staff").text
    # a form without its CSRF token changes nothing
    r = browser.post("/staff/notifications/mail", data={"address": "x@y.example"})
    assert r.status_code == 403
    with inst.runtime.db() as db:
        assert db.get(MailOptIn, alice.staff_id) is None


def test_a_seized_database_shows_no_case_kind_or_time_of_a_notification(mail_installation: Installation) -> None:
    inst = mail_installation
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    start_contact(client_for(inst), first_message="hello")
    with inst.runtime.db() as db:
        case = db.scalar(select(Case))
        assert case is not None
        rows = list(db.scalars(select(Notification)))
        optin = db.get(MailOptIn, alice.staff_id)
    assert len(rows) == 1 and optin is not None
    for row in rows:
        # Needles long enough that random ciphertext never holds them by chance (two-byte ones like b"T1"
        # turned up in about one run in a hundred): the case, the kind, and today's date as a time would carry.
        today = dt.datetime.now(dt.UTC).date().isoformat().encode()
        for needle in (case.id.encode(), case.label.encode(), b"message", today):
            assert needle not in row.sealed
        assert isinstance(row.created_on, dt.date) and not isinstance(row.created_on, dt.datetime)
    assert b"alice" not in optin.address_ciphertext and b"org.example" not in optin.address_ciphertext


def test_every_notification_has_the_same_stored_length_whatever_its_kind(sqlite_installation: Installation) -> None:
    from safeconduct.notifications import service
    from safeconduct.staff.models import StaffMember

    inst = sqlite_installation
    alice = inst.add_staff("alice")
    start_contact(client_for(inst), first_message="hello")
    with inst.runtime.db() as db:
        member = db.get(StaffMember, alice.staff_id)
        case_id = db.scalar(select(Case.id))
        assert member is not None and case_id is not None
        for kind in service.Kind:
            service.notify_members(db, [member], kind=kind, case_id=case_id)
        service.notify_members(db, [member], kind=service.Kind.PROPOSAL)  # and with no case
        db.commit()
        lengths = {len(row.sealed) for row in db.scalars(select(Notification))}
    assert len(lengths) == 1, lengths


@pytest.mark.parametrize("address", ["", "not an address", "a@b.example\nBcc: spy@evil.example",
                                     "Alice <alice@org.example>", "a@b.example, c@d.example"])
def test_a_bad_address_is_refused_clearly_and_kept_in_the_form(mail_sqlite: Installation, address: str) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice, lang="fr")
    r = browser.post("/staff/notifications/mail", data={"csrf_token": csrf, "address": address})
    assert r.status_code == 422, r.text
    assert "adresse" in r.text  # the refusal, in French
    if address.strip() and "\n" not in address:
        assert f'value="{address.strip()}"'.replace("<", "&lt;").replace(">", "&gt;") in r.text
    with inst.runtime.db() as db:
        assert db.get(MailOptIn, alice.staff_id) is None


def test_without_mail_settings_the_page_says_so_and_offers_no_form(sqlite_installation: Installation) -> None:
    alice = sqlite_installation.add_staff("alice")
    browser, _ = console(sqlite_installation, alice)
    page = browser.get("/staff/notifications").text
    assert "not set up on this server" in page and 'action="/staff/notifications/mail"' not in page


# --- settings ----------------------------------------------------------------------------------------

def test_mail_settings_come_from_the_config_file_and_the_environment(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "safeconduct.toml").write_text(
        '[mail]\nhost = "smtp.org.example"\nport = 465\nsecurity = "tls"\nuser = "u"\npassword = "p"\n'
        'from = "no-reply@org.example"\nbatch_minutes = 30\n', encoding="utf-8")
    mail = MailSettings.from_settings(load_settings(data), env={})
    assert (mail.host, mail.port, mail.security, mail.sender, mail.batch_minutes) == (
        "smtp.org.example", 465, "tls", "no-reply@org.example", 30)
    assert mail.enabled
    mail = MailSettings.from_settings(load_settings(data), env={"SAFECONDUCT_MAIL_PORT": "587",
                                                               "SAFECONDUCT_MAIL_SECURITY": "starttls"})
    assert (mail.port, mail.security) == (587, "starttls")
    assert not MailSettings.from_settings(load_settings(tmp_path / "empty"), env={}).enabled  # off by default
    with pytest.raises(ValueError, match="security"):
        MailSettings.from_settings(load_settings(data), env={"SAFECONDUCT_MAIL_SECURITY": "ssl3"})


def test_a_wrong_mail_table_stops_the_server_at_start(sqlite_installation: Installation, tmp_path: Path) -> None:
    settings = load_settings(sqlite_installation.settings.data_dir,
                             database_url=sqlite_installation.settings.database_url, mail={"security": "maybe"})
    from safeconduct.runtime import Runtime

    with pytest.raises(ValueError, match="security"):
        create_app(Runtime.open(settings))


def test_the_mail_text_is_translated() -> None:
    assert i18n.gettext_for("fr").gettext(MAIL_BODY) == FRENCH
    assert i18n.gettext_for("ar").gettext(MAIL_BODY) != MAIL_BODY


def test_reading_a_case_or_replying_in_it_reads_its_notifications_and_owes_no_mail(
        mail_sqlite: Installation, smtp: SmtpServer) -> None:
    inst = mail_sqlite
    alice = inst.add_staff("alice")
    browser, csrf = console(inst, alice)
    opt_in(browser, csrf, "alice@org.example")
    clock = Clock()
    mailer = mailer_for(inst, clock)
    start_contact(client_for(inst), first_message="first case")
    start_contact(client_for(inst), first_message="second case")
    assert unread(inst, alice.staff_id) == 2
    cases = browser.get("/api/v1/staff/cases").json()
    assert browser.post(f"/staff/cases/{cases[0]['id']}/read", data={"csrf_token": csrf}).status_code == 303
    assert unread(inst, alice.staff_id) == 1  # only that case's
    r = browser.post(f"/staff/cases/{cases[1]['id']}/replies", data={"csrf_token": csrf, "text": "hello"})
    assert r.status_code == 303, r.text
    assert unread(inst, alice.staff_id) == 0
    mailer.run_once()
    clock.next_slot()
    assert mailer.run_once() == 0 and smtp.inbox.received == []


def test_the_server_runs_the_mailer_in_its_background_loop_only_when_mail_is_set(
        mail_sqlite: Installation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from safeconduct.web import app as web_app

    ran, made = threading.Event(), threading.Event()

    class Watched(Mailer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.set()
            super().__init__(*args, **kwargs)

        def run_once(self) -> int:
            ran.set()
            return super().run_once()

    monkeypatch.setattr(web_app, "Mailer", Watched)
    plain = make_installation(tmp_path / "plain", None, "sqlite")
    with client_for(plain):  # no [mail]: no mailer at all
        pass
    plain.runtime.engine.dispose()
    assert not made.is_set()
    with client_for(mail_sqlite):
        assert ran.wait(timeout=60), "the lifespan never ran the mailer"


def test_news_about_no_case_and_notifications_that_no_longer_open_are_still_listed(
        sqlite_installation: Installation) -> None:
    """The base later kinds build on (a job finished, a task due): a notification may name no case."""
    from nacl.public import PrivateKey

    from safeconduct.crypto import sealing
    from safeconduct.notifications import service
    from safeconduct.staff.models import StaffMember

    inst = sqlite_installation
    alice = inst.add_staff("alice")
    browser, _ = console(inst, alice)
    with inst.runtime.db() as db:
        member = db.get(StaffMember, alice.staff_id)
        assert member is not None
        assert service.notify_members(db, [member], kind=service.Kind.MESSAGE) == 1
        # sealed to a key she no longer has
        db.add(Notification(staff_id=member.id, created_on=dt.date.today(),
                            sealed=sealing.seal(bytes(PrivateKey.generate().public_key), b"{}")))
        db.commit()
    page = browser.get("/staff/notifications").text
    assert "Something needs your attention." in page and "A notification that can no longer be opened." in page
    assert '<span class="badge" title="Unread notifications">2</span>' in page
