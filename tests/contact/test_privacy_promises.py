"""The contact side's privacy promises, each named after the promise it guards."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from safeconduct.auth.attempts import AttemptLimiter
from safeconduct.auth.models import LoginAttemptWindow
from safeconduct.cases.models import Case
from safeconduct.contact import service as contact_service
from safeconduct.crypto import codename as codenames
from safeconduct.staff import service as staff_service
from safeconduct.store.models import Base
from tests.conftest import Installation, LiveServer, client_for, make_installation
from tests.flows import bearer, only_case_id, staff_token, start_contact


def _database_text(inst: Installation) -> bytes:
    """Every row of every table, as bytes, whatever the backend."""
    chunks: list[bytes] = []
    with inst.runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    chunks.append(value if isinstance(value, bytes) else str(value).encode())
        if inst.backend == "postgres":  # also the catalogue's view of the data, e.g. statistics samples
            for (value,) in conn.execute(text("SELECT coalesce(string_agg(most_common_vals::text, ','), '') "
                                               "FROM pg_stats WHERE schemaname = 'public'")):
                chunks.append(str(value).encode())
    return b"\n".join(chunks)


def _folder_bytes(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_no_address_user_agent_codename_or_content_is_written_anywhere(installation: Installation) -> None:
    marker = "CANARY" + secrets.token_hex(8)
    agent = "CanaryAgent/" + secrets.token_hex(8)
    login = installation.add_staff("alice")
    with LiveServer(installation) as server, httpx.Client(base_url=server.url, headers={"User-Agent": agent},
                                                          timeout=30) as client:
        codename, token = start_contact(client)
        assert client.post("/api/v1/contact/messages", json={"text": f"message {marker}"},
                           headers=bearer(token)).status_code == 201
        assert client.post("/api/v1/contact/files", files={"file": (f"{marker}.txt", f"file {marker}".encode() * 500)},
                           headers=bearer(token)).status_code == 201
        created = client.post("/api/v1/contact/uploads", headers={
            **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Length": str(len(marker) * 1000)})
        client.patch(created.headers["location"], content=marker.encode() * 1000, headers={
            **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream"})
        staff = staff_token(client, login)
        case_id = only_case_id(client, staff)
        assert client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": f"reply {marker}"},
                           headers=bearer(staff)).status_code == 201
        # the pages too, with the codename typed into the form
        page = client.get("/contact/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = client.post("/contact/login", data={"csrf_token": csrf, "codename": codename})
        assert r.status_code == 303
        read = client.get("/api/v1/contact/messages", headers=bearer(token)).json()
        assert [m["text"] for m in read["messages"]] == [f"message {marker}", f"reply {marker}"]
        logs = "\n".join(server.records).encode()
    installation.runtime.engine.dispose()
    assert logs, "the server logged nothing: the scan would prove nothing"
    stored = _folder_bytes(installation.settings.data_dir) + _database_text(installation)
    for secret in (marker, codename, codenames.normalize(codename), "127.0.0.1", agent):
        assert secret.encode() not in stored, f"{secret!r} was written to the data folder or database"
        assert secret.encode() not in logs, f"{secret!r} was written to the logs"


def test_codename_is_never_stored(sqlite_installation: Installation) -> None:
    with sqlite_installation.runtime.db() as db:
        codename, access = contact_service.start_conversation(db, sqlite_installation.runtime.org)
        case = db.get(Case, access.case_id)
        assert case is not None
        derived = codenames.derive(codename, sqlite_installation.runtime.org.codename_salt)
        assert case.contact_lookup == derived.lookup_id  # only the slow hash's output is kept
    sqlite_installation.runtime.engine.dispose()
    stored = _folder_bytes(sqlite_installation.settings.data_dir)
    for form in (codename, codename.replace(" ", ""), codename.upper(), *codename.split(" ")[:1]):
        assert form.encode() not in stored or form in ("",), form


def test_message_content_is_encrypted_before_it_reaches_the_database(sqlite_installation: Installation,
                                                                     sqlite_client: TestClient) -> None:
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "meet me at the old bridge"}, headers=bearer(token))
    sqlite_installation.runtime.engine.dispose()
    assert b"old bridge" not in _folder_bytes(sqlite_installation.settings.data_dir)


def test_caseworker_private_key_is_stored_only_wrapped_by_the_password(sqlite_installation: Installation) -> None:
    login = sqlite_installation.add_staff("henry")
    with sqlite_installation.runtime.db() as db:
        member = staff_service.get_staff(db, login.staff_id)
        access = staff_service.authenticate(db, sqlite_installation.settings, username="henry",
                                            password=login.password, totp=login.code())
        assert bytes(access.private_key) not in member.wrapped_private_key
    sqlite_installation.runtime.engine.dispose()
    assert bytes(access.private_key) not in _folder_bytes(sqlite_installation.settings.data_dir)


def test_recovery_private_key_is_never_kept_on_the_server(sqlite_installation: Installation) -> None:
    from safeconduct.crypto.keys import parse_recovery_key

    private = bytes(parse_recovery_key(sqlite_installation.recovery_key))
    sqlite_installation.runtime.engine.dispose()
    stored = _folder_bytes(sqlite_installation.settings.data_dir)
    assert private not in stored and sqlite_installation.recovery_key.encode() not in stored


PAGES_NEEDING_NOTHING = ["/", "/contact/login", "/staff/login", "/openapi.json", "/static/style.css"]


def _logged_in_pages(client: TestClient, inst: Installation) -> list[str]:
    login = inst.add_staff("ivy")
    admin = inst.add_staff("admin", role="admin")
    codename, _ = start_contact(client)
    page = client.get("/contact/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.post("/contact/login", data={"csrf_token": csrf, "codename": codename}).status_code == 303
    case_id = only_case_id(client, staff_token(client, login))
    r = client.post("/staff/login", data={"csrf_token": csrf, "username": "admin", "password": admin.password,
                                          "totp": admin.code()})
    assert r.status_code == 303
    return ["/contact/conversation", "/staff", "/staff/admin", f"/staff/cases/{case_id}"]


def test_security_headers_on_every_page(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    paths = PAGES_NEEDING_NOTHING + _logged_in_pages(sqlite_client, sqlite_installation)
    for path in paths:
        r = sqlite_client.get(path)
        assert r.status_code in (200, 403), (path, r.status_code)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert "http" not in csp and "*" not in csp, csp
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "no-store" in r.headers["cache-control"], path  # static files too: a cache shows the visit


def test_no_page_loads_anything_from_elsewhere(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    paths = PAGES_NEEDING_NOTHING[:3] + _logged_in_pages(sqlite_client, sqlite_installation)
    for path in paths:
        html = sqlite_client.get(path).text
        for attr in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert not re.match(r"^(?:[a-z]+:)?//", attr, re.I), (path, attr)
        assert "@import" not in html and "url(http" not in html


def test_every_form_carries_a_csrf_token(sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    paths = PAGES_NEEDING_NOTHING[:3] + _logged_in_pages(sqlite_client, sqlite_installation)
    seen = 0
    for path in paths:
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", sqlite_client.get(path).text, re.S):
            seen += 1
            assert 'name="csrf_token"' in form, (path, form[:200])
    assert seen >= 8


def test_a_form_without_its_csrf_token_is_refused_and_stores_nothing(sqlite_client: TestClient) -> None:
    codename, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "first"}, headers=bearer(token))
    page = sqlite_client.get("/contact/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sqlite_client.post("/contact/login", data={"csrf_token": csrf, "codename": codename})
    r = sqlite_client.post("/contact/messages", data={"text": "forged"})
    assert r.status_code == 403 and "expired" in r.text
    r = sqlite_client.post("/contact/messages", data={"text": "forged", "csrf_token": "x" * 43})
    assert r.status_code == 403
    texts = [m["text"] for m in sqlite_client.get("/api/v1/contact/messages", headers=bearer(token)).json()["messages"]]
    assert texts == ["first"]
    # the API called with the page's cookie (as upload.js does) needs the token in a header
    r = sqlite_client.post("/api/v1/contact/messages", json={"text": "via cookie"})
    assert r.status_code == 403
    r = sqlite_client.post("/api/v1/contact/messages", json={"text": "via cookie"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_session_cookies_are_httponly_and_samesite_strict(sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    start = re.search(r'name="start_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = sqlite_client.post("/contact/start", data={"csrf_token": csrf, "start_token": start})
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    assert any(c.startswith("sc_contact=") for c in cookies)
    for cookie in cookies + page.headers.get_list("set-cookie"):
        lowered = cookie.lower()
        assert "httponly" in lowered and "samesite=strict" in lowered and "expires" not in lowered, cookie


def test_codename_log_in_is_rate_limited_without_storing_addresses(tmp_path: Path) -> None:
    inst = make_installation(tmp_path / "data", None, "sqlite", codename_logins_per_minute=3)
    with client_for(inst) as client:
        codes = [client.post("/api/v1/contact/session", json={"codename": "wrong " * 7}).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert "wait a minute" in client.post("/api/v1/contact/session", json={"codename": "x"}).json()["message"]
    limiter = AttemptLimiter(inst.runtime.sessions, "codename", 1)
    assert not any("addr" in name or "host" in name for name in vars(limiter))
    columns = {c.name for c in LoginAttemptWindow.__table__.columns}
    assert columns == {"scope", "minute", "attempts"}  # a count per minute, nothing about who tried


def test_wrong_codenames_get_the_same_answer_at_the_same_cost(sqlite_client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    codename, _ = start_contact(sqlite_client)
    calls: list[str] = []
    real = codenames.derive

    def counting(text: str, salt: bytes, **kw: object) -> codenames.CodenameSecrets:
        calls.append(text)
        return real(text, salt, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(codenames, "derive", counting)
    other = codenames.generate()
    answers = []
    for attempt in (other, "x", "", codename.replace(codename.split()[0], "zzz")):
        r = sqlite_client.post("/api/v1/contact/session", json={"codename": attempt})
        answers.append((r.status_code, r.json()))
    assert len(set(map(str, answers))) == 1 and answers[0][0] == 401
    assert len(calls) == 4  # the slow hash ran for each, valid-looking or not
    assert sqlite_client.post("/api/v1/contact/session", json={"codename": codename}).status_code == 200
    assert len(calls) == 5


def test_wrong_passwords_get_the_same_answer_at_the_same_cost(sqlite_installation: Installation,
                                                              sqlite_client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    login = sqlite_installation.add_staff("jack")
    verified: list[str] = []
    real = staff_service._verify

    def counting(hashed: str, password: str) -> bool:
        verified.append(password)
        return real(hashed, password)

    monkeypatch.setattr(staff_service, "_verify", counting)
    attempts = [
        {"username": "nobody", "password": login.password, "totp": login.code()},
        {"username": "jack", "password": "wrong password!", "totp": login.code()},
        {"username": "jack", "password": login.password, "totp": "000000"},
    ]
    answers = [sqlite_client.post("/api/v1/staff/session", json=a) for a in attempts]
    assert {(r.status_code, r.text) for r in answers} == {(answers[0].status_code, answers[0].text)}
    assert answers[0].status_code == 401 and len(verified) == 3


def test_staff_account_locks_after_repeated_failures(sqlite_installation: Installation,
                                                     sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("kate")
    for _ in range(sqlite_installation.settings.staff_failures_before_lock):
        sqlite_client.post("/api/v1/staff/session", json={"username": "kate", "password": "nope nope nope",
                                                          "totp": "123456"})
    r = sqlite_client.post("/api/v1/staff/session", json={"username": "kate", "password": login.password,
                                                          "totp": login.code()})
    assert r.status_code == 401  # locked: even the right password waits
    with sqlite_installation.runtime.db() as db:
        assert db.scalar(select(staff_service.StaffMember.locked_until).where(
            staff_service.StaffMember.username == "kate")) is not None


def test_reloading_the_codename_page_does_not_start_a_second_conversation(sqlite_installation: Installation,
                                                                          sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    start = re.search(r'name="start_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    first = sqlite_client.post("/contact/start", data={"csrf_token": csrf, "start_token": start})
    assert first.status_code == 200 and "sc_contact=" in first.headers["set-cookie"]
    again = sqlite_client.post("/contact/start", data={"csrf_token": csrf, "start_token": start})
    assert again.status_code == 409 and "already been started" in again.text
    assert "sc_contact=" not in again.headers.get("set-cookie", "")  # the first session is kept
    with sqlite_installation.runtime.db() as db:
        assert db.query(Case).count() == 1
