"""The contact side's privacy promises, each named after the promise it guards."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from safeconduct.cases.models import Case, Message
from safeconduct.contact import service as contact_service
from safeconduct.crypto import codename as codenames
from safeconduct.crypto import wrapping
from safeconduct.staff import service as staff_service
from safeconduct.store.models import Base
from tests.conftest import Installation, LiveServer
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
    codename, _ = start_contact(client, first_message="hello")
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
    derived: list[str] = []  # the key derivation that unwraps the private key runs on every path too
    real_unwrap = wrapping.unwrap

    def counting_unwrap(blob: bytes, password: str) -> bytes:
        derived.append(password)
        return real_unwrap(blob, password)

    monkeypatch.setattr(wrapping, "unwrap", counting_unwrap)
    attempts = [
        {"username": "nobody", "password": login.password, "totp": login.code()},
        {"username": "jack", "password": "wrong password!", "totp": login.code()},
        {"username": "jack", "password": login.password, "totp": "000000"},
    ]
    answers = [sqlite_client.post("/api/v1/staff/session", json=a) for a in attempts]
    assert {(r.status_code, r.text) for r in answers} == {(answers[0].status_code, answers[0].text)}
    assert answers[0].status_code == 401 and len(verified) == 3 and len(derived) == 3


def test_staff_account_locks_after_repeated_failures_of_someone_holding_the_password(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("kate")
    wrong_code = f"{(int(login.code()) + 500_000) % 1_000_000:06d}"
    for _ in range(sqlite_installation.settings.staff_failures_before_lock):
        sqlite_client.post("/api/v1/staff/session", json={"username": "kate", "password": login.password,
                                                          "totp": wrong_code})
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


# --- what a seized server yields: times, and case ids next to times ------------------------------------------

_CLOCK_TEXT = re.compile(rb"\d{2}:\d{2}:\d{2}|\d{2}:\d{2}\.\d|T\d{2}:\d{2}")


def _seizable_conversation(inst: Installation, client: TestClient) -> tuple[str, str]:
    """A conversation with everything a server stores: messages, a file, an unfinished upload, a reply,
    a staff log-in; returns (case id, contact token)."""
    login = inst.add_staff("wendy")
    _, token = start_contact(client)
    assert client.post("/api/v1/contact/messages", json={"text": "hello"}, headers=bearer(token)).status_code == 201
    assert client.post("/api/v1/contact/files", files={"file": ("a.txt", b"file body " * 300)},
                       headers=bearer(token)).status_code == 201
    created = client.post("/api/v1/contact/uploads", headers={
        **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Length": "5000"})
    assert client.patch(created.headers["location"], content=b"x" * 1000, headers={
        **bearer(token), "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"}).status_code == 204
    staff = staff_token(client, login)
    case_id = only_case_id(client, staff)
    assert client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": "reply"},
                       headers=bearer(staff)).status_code == 201
    # a failed log-in run that locks an account (the right password, wrong codes), so `locked_until` is written
    for _ in range(inst.settings.staff_failures_before_lock):
        client.post("/api/v1/staff/session", json={"username": "wendy", "password": login.password, "totp": "1"})
    return case_id, token


def _rows(inst: Installation) -> Iterator[tuple[str, dict[str, object]]]:
    with inst.runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                yield table.name, dict(row._mapping)


#: Whole numbers that are times: (unit in seconds, name). Checked against every integer column.
_TIME_UNITS = ((1, "unix seconds"), (0.001, "unix milliseconds"), (30, "a TOTP counter"))


def test_a_seized_database_dates_nothing_finer_than_the_minute_and_ties_no_case_to_a_time(
        installation: Installation, client: TestClient) -> None:
    case_id, _ = _seizable_conversation(installation, client)
    now = time.time()
    seen_session = seen_upload = seen_lock = False
    for table, row in _rows(installation):
        for column, value in row.items():
            where = f"{table}.{column} = {value!r}"
            if isinstance(value, dt.datetime):
                assert (value.second, value.microsecond) == (0, 0), where
                if case_id in row.values():  # next to a case id, nothing finer than the day
                    assert value.time() == dt.time(0), where
            elif isinstance(value, int) and not isinstance(value, bool):
                for unit, name in _TIME_UNITS:
                    assert not abs(value - now / unit) < 2 * 86400 / unit, f"{where} looks like {name}"
            elif isinstance(value, str | bytes):
                raw = value.encode() if isinstance(value, str) else value
                if isinstance(value, str) or len(raw) < 40:  # ciphertexts are random: only short/clear bytes
                    assert not _CLOCK_TEXT.search(raw), where
        seen_session |= table == "auth_sessions"
        seen_upload |= table == "uploads"
        seen_lock |= table == "staff" and row["locked_until"] is not None
        if table == "auth_sessions":
            sealed = row["secret_ciphertext"]
            assert isinstance(sealed, bytes) and case_id.encode() not in sealed, row
            assert case_id not in row.values(), row
    assert seen_session and seen_upload and seen_lock, "the scan would prove nothing"


def test_a_seized_data_folder_dates_encrypted_files_and_their_folders_only_to_the_day(
        installation: Installation, client: TestClient) -> None:
    _seizable_conversation(installation, client)
    settings = installation.settings
    paths = [settings.files_dir, settings.uploads_dir, *settings.files_dir.iterdir(), *settings.uploads_dir.iterdir()]
    assert any(p.suffix == ".part" for p in paths) and len(list(settings.files_dir.iterdir())) == 1
    for path in paths:
        assert path.stat().st_mtime % 86400 == 0, f"{path} has the modification time {path.stat().st_mtime}"


def test_server_logs_date_nothing_finer_than_the_hour(installation: Installation) -> None:
    with LiveServer(installation) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        start_contact(client)
        records = list(server.records)
    assert records, "the server logged nothing: the check would prove nothing"
    for record in records:
        assert re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:00Z ", record), record


#: Every column of every table, sorted by what a seized database shows of it. docs/threat-model.md ("What a
#: seized server yields") describes each clear column; a new column fails this test until it is placed here
#: and there.
SEALED_OR_HASHED = {
    "auth_sessions": {"token_id", "secret_ciphertext"},
    "spent_start_tokens": {"token_id"},
    "cases": {"contact_lookup", "contact_public_key"},
    "case_consents": {"ciphertext"}, "case_files": {"meta_ciphertext"}, "case_key_seals": {"sealed"},
    "case_notes": {"ciphertext"}, "case_state_changes": {"ciphertext"}, "case_transition_proposals": {"ciphertext"},
    "case_vetting_claims": {"ciphertext"}, "case_vetting_risk": {"ciphertext"}, "messages": {"ciphertext"},
    "uploads": {"meta_ciphertext"},
    "ledger_entries": {"prev_hash", "meta_commitment", "commitment", "entry_hash", "signature", "sealed_meta"},
    "ledger_chain_heads": {"entry_hash"},  # the last entry's hash, as in ledger_entries
    "ledger_log_state": {"frontier"}, "ledger_merkle_nodes": {"hash"}, "ledger_tree_heads": {"root_hash", "signature"},
    "organisation": {"codename_salt", "recovery_public_key", "signing_public_key"},
    "staff": {"password_hash", "public_key", "wrapped_private_key", "sealed_totp_secret", "last_totp_tag"},
    # kind, case and exact time sealed to the staff member's public key; the address under a key derived
    # from the signing key (outside the database)
    "notifications": {"sealed"}, "notification_mail": {"address_ciphertext"},
    # the reviewers' redaction list: kind, words and action under a key derived from the signing key
    "redaction_terms": {"ciphertext"},
    # the person's real identity: the fields, its named readers, whether a request used it
    "case_identities": {"ciphertext"},
    # a request to the authorities: template, addressee, fields, steps; the signed letter (it holds the identity)
    "authority_requests": {"ciphertext", "pdf_ciphertext"},
    # a publication: which testimony, its themes, each step and who took it, the public entry's id
    "case_publications": {"ciphertext"},
    # which partner, what was sent, who writes, which other case, a task's title: sealed under the case key
    "case_referrals": {"ciphertext"}, "case_writers": {"ciphertext"}, "case_links": {"ciphertext"},
    "case_tasks": {"ciphertext"},
    # the testimony studio: a worker's public key; the case key sealed to it for one job; the error in words,
    # everything a testimony says (file name, findings, review, outputs' keys, report) under the case key
    "workers": {"public_key"}, "job_seals": {"sealed"}, "jobs": {"error_ciphertext"},
    "testimonies": {"meta_ciphertext", "findings_ciphertext", "result_ciphertext"},
}
CLEAR = {
    "auth_sessions": {"kind", "subject", "expires_at"},  # subject: the staff account; "" for a contact
    # assignee_id: a staff account, as in the audit log; contact_language: one of the interface languages
    # last_message_id: the largest of the case's message ids, which `messages` shows anyway
    "cases": {"id", "label", "state", "created_on", "opened_on", "last_activity_on", "assignee_id",
              "contact_language", "last_message_id"},
    "spent_start_tokens": {"expires_at"},
    "case_consents": {"case_id", "updated_on"}, "case_files": {"id", "case_id", "created_on"},
    "case_key_seals": {"id", "case_id", "recipient", "staff_id"},
    "case_notes": {"id", "case_id", "created_on"}, "case_state_changes": {"id", "case_id", "created_on"},
    "case_transition_proposals": {"id", "case_id", "created_on"},
    "case_vetting_claims": {"id", "case_id", "created_on"},
    "case_vetting_risk": {"case_id", "updated_on"}, "case_retention": {"case_id", "legal_hold", "shredded_on"},
    "messages": {"id", "case_id", "created_on"},
    # lease_*: only while a request is receiving the upload (cleared when it ends)
    "uploads": {"id", "case_id", "length", "expires_at", "lease_holder", "lease_expires_at"},
    "read_marks": {"staff_id", "case_id", "last_message_id"},
    "pending_reshares": {"staff_id", "case_id"},  # what the deleted seal of a reset account said, no more
    "staff_audit_log": {"id", "on", "staff_id", "action", "case_id", "target"},
    "ledger_entries": {"id", "case_id", "seq", "leaf_index"}, "ledger_chain_heads": {"case_id", "seq"},
    "ledger_log_state": {"id", "tree_size"},
    "ledger_merkle_nodes": {"level", "index"}, "ledger_tree_heads": {"id", "tree_size", "issued_at_ms"},
    # intros, answer_days: the public words of the contact home page (org/intro.py), nothing about anyone
    "organisation": {"id", "name", "created_on", "intros", "answer_days"},
    # organisation text (canned replies), never case content
    "canned_replies": {"id", "position", "title_en", "title_fr", "title_ar", "text_en", "text_fr", "text_ar"},
    # totp_secret and last_totp_counter: "" and 0 once sealed (accounts from before migration 0008: until
    # their next log-in)
    "staff": {"id", "username", "role", "active", "intake", "created_on", "failed_logins", "locked_until",
              "totp_secret", "last_totp_counter"},
    "notifications": {"id", "staff_id", "created_on", "read", "mailed"},
    "notification_mail": {"staff_id", "language"},
    "redaction_terms": {"id"},
    # which cases gave an identity (no date, nothing else)
    "case_identities": {"case_id"},
    # that a case had a request to the authorities prepared, and the day
    "authority_requests": {"id", "case_id", "created_on"},
    "case_publications": {"id", "case_id", "created_on"},
    # the public archive: what it shows anyway (signed entry, transcript as published, themes, language,
    # duration, days published and withdrawn); no case, testimony or recording date
    "archive_entries": {"id", "published_on", "withdrawn_on", "language", "duration_s", "themes", "transcript",
                        "entry", "signature", "withdrawal", "withdrawal_signature",
                        # its place (and its withdrawal's) among the leaves of the org-wide Merkle log
                        "log_index", "withdrawal_log_index"},
    # the organisation's address book of partner organisations (never about a person)
    "partners": {"id", "name", "kind", "country", "public_key", "created_on", "active"},
    "case_referrals": {"id", "case_id", "created_on"}, "case_writers": {"case_id"},
    "case_links": {"id", "case_id", "created_on"},
    # due_on: the day only; done: whether it still waits (the inbox and reminders find due work unopened)
    "case_tasks": {"id", "case_id", "created_on", "due_on", "done", "reminded_on"},
    # the testimony studio (jobs/models.py): state and stage names, a progress fraction, a short error code,
    # counters (beat: liveness without a time), random ids; dates only to the day
    "workers": {"id", "enrolled_on", "kind", "active"}, "job_seals": {"job_id", "worker_id"},
    "jobs": {"id", "kind", "case_id", "state", "phase", "stage", "progress", "stages_done", "error_code",
             "error_stage", "cancel_requested", "attempts", "holder", "worker_id", "beat", "engine_ref",
             "created_on"},
    "testimonies": {"id", "case_id", "created_on", "approved", "checkpoint"},
}


def test_every_column_a_seized_database_shows_is_one_the_threat_model_lists() -> None:
    actual = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    listed = {name: CLEAR.get(name, set()) | SEALED_OR_HASHED.get(name, set()) for name in actual}
    assert listed == actual
    assert set(CLEAR) | set(SEALED_OR_HASHED) == set(actual)
    assert not any(CLEAR.get(name, set()) & SEALED_OR_HASHED.get(name, set()) for name in actual)


def test_a_seized_database_shows_each_message_length_to_the_byte(sqlite_installation: Installation,
                                                                 sqlite_client: TestClient) -> None:
    """Not a promise but a limit, written down: message ciphertexts are not padded (docs/threat-model.md)."""
    _, token = start_contact(sqlite_client)
    for body in ("a", "a" * 101):
        assert sqlite_client.post("/api/v1/contact/messages", json={"text": body},
                                  headers=bearer(token)).status_code == 201
    with sqlite_installation.runtime.db() as db:
        short, long = [len(c) for c in db.scalars(select(Message.ciphertext).order_by(Message.id))]
    assert long - short == 100
