"""Staff TOTP: one code opens one log-in even under concurrency, and a seized database yields no secret."""

from __future__ import annotations

import datetime as dt
import threading

import pyotp
import pytest
from sqlalchemy import update

from safeconduct.crypto import staff_totp
from safeconduct.errors import AuthenticationFailed
from safeconduct.staff import service as staff_service
from safeconduct.staff.models import StaffMember
from tests.conftest import Installation

CONCURRENT = 6


def _log_in(inst: Installation, username: str, password: str, code: str) -> staff_service.StaffAccess:
    with inst.runtime.db() as db:
        return staff_service.authenticate(db, inst.settings, username=username, password=password, totp=code)


def _race(inst: Installation, username: str, password: str, code: str) -> list[str]:
    """Log in CONCURRENT times at once with one code; each thread's outcome."""
    barrier = threading.Barrier(CONCURRENT)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        try:
            _log_in(inst, username, password, code)
            outcome = "in"
        except AuthenticationFailed:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _make_legacy(inst: Installation, staff_id: int, secret: str) -> None:
    """Put an account back in the shape accounts had before migration 0008: secret and counter in the clear."""
    with inst.runtime.db() as db:
        db.execute(update(StaffMember).where(StaffMember.id == staff_id).values(
            totp_secret=secret, last_totp_counter=0, sealed_totp_secret=None, last_totp_tag=None))
        db.commit()


def test_one_totp_code_logs_in_once_under_concurrent_log_ins(installation: Installation) -> None:
    login = installation.add_staff("olga")
    outcomes = _race(installation, "olga", login.password, login.code())
    assert sorted(outcomes) == ["in"] + ["refused"] * (CONCURRENT - 1)


def test_one_totp_code_logs_in_once_while_an_old_account_is_being_sealed(installation: Installation) -> None:
    login = installation.add_staff("pavel")
    _make_legacy(installation, login.staff_id, login.totp_secret)
    outcomes = _race(installation, "pavel", login.password, login.code())
    assert sorted(outcomes) == ["in"] + ["refused"] * (CONCURRENT - 1)
    with installation.runtime.db() as db:
        member = staff_service.get_staff(db, login.staff_id)
        assert member.totp_secret == "" and member.sealed_totp_secret is not None


def test_a_code_is_refused_the_second_time(sqlite_installation: Installation) -> None:
    login = sqlite_installation.add_staff("quinn")
    code = login.code()
    _log_in(sqlite_installation, "quinn", login.password, code)
    with pytest.raises(AuthenticationFailed):
        _log_in(sqlite_installation, "quinn", login.password, code)
    with sqlite_installation.runtime.db() as db:
        assert staff_service.get_staff(db, login.staff_id).failed_logins == 1  # counted like any failure


def test_totp_secret_and_last_log_in_time_are_not_in_the_database(installation: Installation) -> None:
    login = installation.add_staff("rosa")
    access = _log_in(installation, "rosa", login.password, login.code())
    with installation.runtime.db() as db:
        member = staff_service.get_staff(db, login.staff_id)
        assert member.totp_secret == "" and member.last_totp_counter == 0
        assert member.sealed_totp_secret is not None and member.last_totp_tag is not None
        assert login.totp_secret.encode() not in member.sealed_totp_secret
        # only the password-unwrapped key opens them: the tag names the counter of the code just used
        private = bytes(access.private_key)
        assert staff_totp.open_secret(private, member.sealed_totp_secret) == login.totp_secret
        now = pyotp.TOTP(login.totp_secret).timecode(dt.datetime.now(dt.UTC))
        assert member.last_totp_tag in {staff_totp.counter_tag(private, c) for c in range(now - 2, now + 2)}


def test_an_account_made_before_sealing_is_sealed_at_its_next_log_in(installation: Installation) -> None:
    login = installation.add_staff("sami")
    _make_legacy(installation, login.staff_id, login.totp_secret)
    code = login.code()
    _log_in(installation, "sami", login.password, code)
    with installation.runtime.db() as db:
        member = staff_service.get_staff(db, login.staff_id)
        assert (member.totp_secret, member.last_totp_counter) == ("", 0)
        assert member.sealed_totp_secret is not None and member.last_totp_tag is not None
    with pytest.raises(AuthenticationFailed):  # the code spent before sealing stays spent after it
        _log_in(installation, "sami", login.password, code)


def test_a_wrong_password_never_opens_the_totp_secret(sqlite_installation: Installation,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    login = sqlite_installation.add_staff("tariq")
    opened: list[bytes] = []
    real = staff_totp.open_secret

    def counting(key: bytes, blob: bytes) -> str:
        opened.append(key)
        return real(key, blob)

    monkeypatch.setattr(staff_totp, "open_secret", counting)
    with pytest.raises(AuthenticationFailed):
        _log_in(sqlite_installation, "tariq", "wrong password!", login.code())
    assert opened == []
    _log_in(sqlite_installation, "tariq", login.password, login.code())
    assert len(opened) == 1
