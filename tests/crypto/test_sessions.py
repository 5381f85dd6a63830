"""Log-in sessions: the database row alone opens nothing, and tokens cannot be forged."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import time

import pyotp
import pytest
from fastapi.testclient import TestClient

from safeconduct.auth import sessions
from safeconduct.auth.models import AuthSession
from safeconduct.crypto import aead
from safeconduct.staff import service as staff_service
from tests.conftest import Installation
from tests.flows import bearer, staff_token


def test_session_secret_is_useless_without_the_token(sqlite_installation: Installation) -> None:
    secret = secrets.token_bytes(32)
    with sqlite_installation.runtime.db() as db:
        token = sessions.create(db, kind="contact", subject="case", secret=secret, minutes=5)
        db.commit()
        row = db.query(AuthSession).one()
        assert secret not in row.secret_ciphertext and token.encode() not in row.token_id
        assert sessions.open_session(db, token, kind="contact", minutes=5).secret == secret
        with pytest.raises(sessions.InvalidSession):
            sessions.open_session(db, token, kind="staff", minutes=5)
        sessions.end(db, token)
        with pytest.raises(sessions.InvalidSession):
            sessions.open_session(db, token, kind="contact", minutes=5)


def test_expired_sessions_are_purged(sqlite_installation: Installation) -> None:
    with sqlite_installation.runtime.db() as db:
        token = sessions.create(db, kind="contact", subject="c", secret=b"x", minutes=-1)
        db.commit()
        with pytest.raises(sessions.InvalidSession, match="expired"):
            sessions.open_session(db, token, kind="contact", minutes=5)
        sessions.create(db, kind="contact", subject="d", secret=b"y", minutes=-1)
        db.commit()
        assert sessions.purge_expired(db) == 1


def test_a_reactivated_account_gets_none_of_its_old_sessions_back(installation: Installation,
                                                                   client: TestClient) -> None:
    login = installation.add_staff("uma")
    admin = installation.add_staff("boss", role="admin")
    old, other = staff_token(client, login), staff_token(client, admin)
    assert client.get("/api/v1/staff/cases", headers=bearer(old)).status_code == 200
    with installation.runtime.db() as db:
        staff_service.set_active(db, login.staff_id, False, actor_id=admin.staff_id)
        assert db.query(AuthSession).filter_by(kind="staff", subject=str(login.staff_id)).count() == 0
        staff_service.set_active(db, login.staff_id, True, actor_id=admin.staff_id)
    assert client.get("/api/v1/staff/cases", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/staff/cases", headers=bearer(other)).status_code == 200  # others' sessions stay
    # the account itself works again, with a new log-in
    fresh = pyotp.TOTP(login.totp_secret).at(time.time() + 30)  # the next code: the current one is spent
    r = client.post("/api/v1/staff/session", json={"username": "uma", "password": login.password, "totp": fresh})
    assert r.status_code == 200, r.text


def test_a_contact_session_names_its_case_only_inside_the_ciphertext(sqlite_installation: Installation) -> None:
    with sqlite_installation.runtime.db() as db:
        token = sessions.create(db, kind="contact", subject="c0ffee" * 5, secret=b"k" * 32, minutes=30)
        db.commit()
        row = db.query(AuthSession).one()
        assert row.subject == "" and b"c0ffee" not in row.secret_ciphertext
        assert (row.expires_at.second, row.expires_at.microsecond) == (0, 0)
        opened = sessions.open_session(db, token, kind="contact", minutes=30)
        assert (opened.subject, opened.secret) == ("c0ffee" * 5, b"k" * 32)


def test_a_contact_session_stored_before_sealing_still_opens(sqlite_installation: Installation) -> None:
    token_id, key = secrets.token_bytes(16), aead.new_key()
    token = "sc1." + base64.urlsafe_b64encode(token_id + key).decode().rstrip("=")
    with sqlite_installation.runtime.db() as db:
        db.add(AuthSession(token_id=sessions._row_key(token_id), kind="contact", subject="oldcase",
                           secret_ciphertext=aead.encrypt(key, b"s" * 32, b"contact:oldcase"),
                           expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)))
        db.commit()
        opened = sessions.open_session(db, token, kind="contact", minutes=30)
        assert (opened.subject, opened.secret) == ("oldcase", b"s" * 32)
