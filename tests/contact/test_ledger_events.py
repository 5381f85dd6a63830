"""Every event of the contact channel lands in the case's signed hash chain, with the plaintext committed."""

from __future__ import annotations

import base64
import json

from fastapi.testclient import TestClient
from nacl.signing import VerifyKey
from sqlalchemy import select

from safeconduct.cases.models import CaseFile, Message
from safeconduct.crypto import aead
from safeconduct.ledger import commitments
from safeconduct.ledger import service as ledger
from safeconduct.org.models import Organisation
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact


def test_messages_replies_and_files_are_chained_signed_and_committed(sqlite_installation: Installation,
                                                                     sqlite_client: TestClient) -> None:
    login = sqlite_installation.add_staff("rita")
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "I decided to leave"}, headers=bearer(token))
    sqlite_client.post("/api/v1/contact/files", files={"file": ("plan.txt", b"my plan")}, headers=bearer(token))
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    sqlite_client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": "We will help"}, headers=bearer(staff))

    with sqlite_installation.runtime.db() as db:
        org = db.get(Organisation, 1)
        assert org is not None
        assert ledger.check_case_chain(db, case_id, VerifyKey(org.signing_public_key)) == 4
        from safeconduct.cases.keys import unseal_for_staff
        from safeconduct.staff.service import authenticate

        access = authenticate(db, sqlite_installation.settings, username="rita", password=login.password,
                              totp=__import__("pyotp").TOTP(login.totp_secret).at(__import__("time").time() + 30))
        key = unseal_for_staff(db, case_id, access.staff_id, access.private_key)
        events = ledger.open_events(ledger.case_entries(db, case_id), key)
        assert [e.kind for e in events] == ["case_opened", "message_in", "file_in", "reply_out"]
        # the nonce kept inside each encrypted message opens its commitment in the chain
        texts = {}
        for row in db.scalars(select(Message).where(Message.case_id == case_id)):
            payload = json.loads(aead.decrypt(key, row.ciphertext, b"message:" + case_id.encode()))
            texts[payload["text"]] = base64.b64decode(payload["nonce"])
        by_commitment = {e.commitment: e.kind for e in events}
        for text, nonce in texts.items():
            assert by_commitment[commitments.commitment_of(nonce, text.encode())] in ("message_in", "reply_out")
        row = db.scalar(select(CaseFile).where(CaseFile.case_id == case_id))
        assert row is not None
        meta = json.loads(aead.decrypt(key, row.meta_ciphertext, f"file:{case_id}:{row.id}".encode()))
        plain = json.dumps({"name": "plan.txt", "sha256": meta["sha256"], "size": 7}).encode()
        assert by_commitment[commitments.commitment_of(base64.b64decode(meta["nonce"]), plain)] == "file_in"


def test_staff_views_downloads_and_replies_are_audited_and_chained(sqlite_installation: Installation,
                                                                   sqlite_client: TestClient) -> None:
    from safeconduct.cases import audit

    login = sqlite_installation.add_staff("sami")
    _, token = start_contact(sqlite_client)
    file_id = sqlite_client.post("/api/v1/contact/files", files={"file": ("a.txt", b"abc")},
                                 headers=bearer(token)).json()["id"]
    staff = staff_token(sqlite_client, login)
    case_id = only_case_id(sqlite_client, staff)
    assert sqlite_client.get(f"/api/v1/staff/cases/{case_id}/messages", headers=bearer(staff)).status_code == 200
    assert sqlite_client.get(f"/api/v1/staff/cases/{case_id}/files/{file_id}", headers=bearer(staff)).content == b"abc"
    sqlite_client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": "ok"}, headers=bearer(staff))
    r = sqlite_client.post(f"/api/v1/staff/cases/{case_id}/replies", json={"text": " "}, headers=bearer(staff))
    assert r.status_code == 422
    with sqlite_installation.runtime.db() as db:
        actions = sorted(e.action for e in audit.entries(db, case_id=case_id))
        assert actions == ["download_file", "reply", "view_messages"]  # the refused reply left no row
        org = db.get(Organisation, 1)
        assert org is not None
        # case opened, file, view, download, reply
        assert ledger.check_case_chain(db, case_id, VerifyKey(org.signing_public_key)) == 5


def test_case_events_get_their_place_in_the_merkle_log_after_a_merge_delay(installation: Installation,
                                                                          client: TestClient) -> None:
    from safeconduct.cases import housekeeping
    from safeconduct.ledger import log
    from safeconduct.ledger.models import LedgerEntry

    tokens = [start_contact(client)[1] for _ in range(2)]
    for token in tokens:
        client.post("/api/v1/contact/messages", json={"text": "hello"}, headers=bearer(token))
    with installation.runtime.db() as db:
        housekeeping.sequence_ledger(db)  # the app's background loop may have done part of it already
        entries = list(db.scalars(select(LedgerEntry).order_by(LedgerEntry.leaf_index)))
        assert len(entries) == 4 and [e.leaf_index for e in entries] == [0, 1, 2, 3]
        assert log.current_size(db) == 4
        # each case's entries sit in the log in chain order
        for case_id in {e.case_id for e in entries}:
            seqs = [e.seq for e in entries if e.case_id == case_id]
            assert seqs == sorted(seqs)
        assert housekeeping.sequence_ledger(db) == 0
