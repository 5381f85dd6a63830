"""Log-in sessions: the database row alone opens nothing, and tokens cannot be forged."""

from __future__ import annotations

import secrets

import pytest

from safeconduct.auth import sessions
from safeconduct.auth.models import AuthSession
from tests.conftest import Installation


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
