"""The testimony studio over HTTP: a contact's video prepared, reviewed, approved, on the embedded worker."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from safeconduct.testimony import studio
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer
from tests.support import require
from tests.testimony import studio_support as support


@pytest.fixture
def studio_installation(tmp_path: Path):
    scratch = support.scratch_settings_for(tmp_path.name)
    inst = make_installation(tmp_path / "data", None, "sqlite", **scratch)
    yield inst
    inst.runtime.engine.dispose()
    shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)


def _get(client, case_id: str, tid: str, staff: str) -> dict:
    r = client.get(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}", headers=bearer(staff))
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.slow
def test_a_contact_video_is_prepared_reviewed_and_approved_on_the_embedded_worker(
        studio_installation: Installation, tmp_path: Path) -> None:
    require(shutil.which("exiftool") is not None, "exiftool not installed")
    inst = studio_installation
    clip = support.make_clip(tmp_path / "clip")
    body = clip.read_bytes()
    login = inst.add_staff("alice")
    with client_for(inst) as client:  # the lifespan starts the embedded worker
        case_id, file_id, staff = support.send_clip(client, login, body)
        r = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id},
                        headers=bearer(staff))
        assert r.status_code == 202, r.text
        tid = r.json()["id"]
        assert r.json()["state"] in ("queued", "running")
        view = support.wait_for(lambda: (v := _get(client, case_id, tid, staff))["state"] in
                                ("review", "failed") and v)
        assert view["state"] == "review", view
        texts = {f["text"]: f for f in view["findings"]}
        assert any(support.NAME in t for t in texts), texts
        alarm = [f for f in view["findings"] if f["text"] == support.FALSE_ALARM]
        assert alarm, texts
        assert not any(support.MISSED.lower() in t.lower() for t in texts)
        assert [s["status"] for s in view["stages"]][:3] == ["done", "done", "done"]
        r = client.put(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/review", headers=bearer(staff),
                       json={"rejected": [alarm[0]["id"]], "added": [{"kind": "PERSON", "text": support.MISSED}]})
        assert r.status_code == 200, r.text
        assert r.json()["state"] in ("queued", "running")
        view = support.wait_for(lambda: (v := _get(client, case_id, tid, staff))["state"] in ("done", "failed") and v)
        assert view["state"] == "done", view
        assert set(view["outputs"]) >= {"testimony.mp4", "transcript.vtt", "transcript.txt", "report.json"}
        transcript = view["redacted_transcript"]
        assert support.NAME not in transcript and support.MISSED.lower() not in transcript.lower()
        assert support.FALSE_ALARM in transcript  # the false alarm was kept as spoken
        r = client.post(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/approve", headers=bearer(staff))
        assert r.status_code == 200 and r.json()["approved"] is True, r.text
        assert client.post(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/approve",
                           headers=bearer(staff)).status_code == 409
    # the outputs, read through the domain (the HTTP outputs endpoint is the console's)
    with inst.runtime.db() as db:
        key = _case_key(inst, login, case_id)
        media = studio.open_output(db, inst.settings, case_id=case_id, case_key=key, testimony_id=tid,
                                   name="testimony.mp4")
        data = b"".join(media.iter_bytes(0, None))
        assert len(data) == media.size
        assert b"".join(media.iter_bytes(10, 1000)) == data[10:1000]
        text = b"".join(studio.open_output(db, inst.settings, case_id=case_id, case_key=key, testimony_id=tid,
                                           name="transcript.txt").iter_bytes()).decode()
        assert support.NAME not in text and support.MISSED.lower() not in text.lower()
        report = json.loads(b"".join(studio.open_output(db, inst.settings, case_id=case_id, case_key=key,
                                                        testimony_id=tid, name="report.json").iter_bytes()))
        assert support.NAME not in json.dumps(report)
        # the approval is a case event committing to the outputs' hashes, which a dossier may disclose
        from safeconduct.cases import consent
        from safeconduct.ledger.commitments import commitment_of
        from safeconduct.ledger.models import LedgerEntry

        [item] = [i for i in consent.disclosable_items(db, case_id=case_id, case_key=key) if i.id == f"t:{tid}"]
        committed = json.loads(item.plaintext)
        assert {o["name"]: o["sha256"] for o in committed["outputs"]}["testimony.mp4"] == media.sha256
        assert hashlib.sha256(data).hexdigest() == media.sha256
        assert db.scalar(select(LedgerEntry).where(LedgerEntry.case_id == case_id,
                                                   LedgerEntry.commitment == commitment_of(item.nonce, item.plaintext)))
    out = tmp_path / "testimony.mp4"
    out.write_bytes(data)
    tags = json.loads(subprocess.run(["exiftool", "-j", "-Title", str(out)], capture_output=True, text=True,
                                     check=True).stdout)[0]
    assert "Title" not in tags
    # nothing in the clear: not the name, not the recording's bytes, in the data folder or the scratch space
    assert list(Path(inst.settings.worker_scratch).iterdir()) == []
    stored = b"\n".join(p.read_bytes() for p in inst.settings.data_dir.rglob("*") if p.is_file())
    assert support.NAME.encode() not in stored
    assert body[1000:1064] not in stored


def _case_key(inst: Installation, login: object, case_id: str) -> bytes:
    """The case key as the caseworker's log-in opens it (their private key unwrapped by the password)."""
    from nacl.public import PrivateKey

    from safeconduct.cases import keys
    from safeconduct.crypto import wrapping
    from safeconduct.staff.models import StaffMember

    with inst.runtime.db() as db:
        member = db.get(StaffMember, login.staff_id)  # type: ignore[attr-defined]
        private = PrivateKey(wrapping.unwrap(member.wrapped_private_key, login.password))  # type: ignore[attr-defined]
        return keys.unseal_for_staff(db, case_id, login.staff_id, private)  # type: ignore[attr-defined]
