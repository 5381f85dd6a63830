"""Issue 15 over HTTP: an approved testimony proposed, agreed by the person, confirmed by a second caseworker
after the checks, built into a static site, served at /archive/, verified, withdrawn; every refusal writes
nothing and publishes nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from safeconduct.archive.models import ArchiveEntry
from safeconduct.cli import app as cli_app
from safeconduct.ledger.models import LedgerEntry
from safeconduct.ledger.trust import fingerprint
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer, staff_token, start_contact
from tests.support import require
from tests.testimony import studio_support as support


@pytest.fixture
def studio_installation(tmp_path: Path):  # type: ignore[no-untyped-def]
    scratch = support.scratch_settings_for(tmp_path.name)
    inst = make_installation(tmp_path / "data", None, "sqlite", **scratch)
    yield inst
    inst.runtime.engine.dispose()
    shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)


def _counts(inst: Installation) -> tuple[int, int]:
    with inst.runtime.db() as db:
        return (db.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                db.scalar(select(func.count()).select_from(ArchiveEntry)) or 0)


def approved_testimony(client: TestClient, login, tmp_path: Path) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    """A contact's clip prepared, reviewed (the false alarm kept, the missed nickname added) and approved;
    returns (case id, testimony id, staff token, contact token)."""
    clip = support.make_clip(tmp_path / "clip")
    _codename, contact = start_contact(client, first_message="here is my testimony")
    sent = client.post("/api/v1/contact/files", files={"file": ("interview.mp4", clip.read_bytes(), "video/mp4")},
                       headers=bearer(contact))
    assert sent.status_code == 201, sent.text
    staff = staff_token(client, login)
    case_id = client.get("/api/v1/staff/cases", headers=bearer(staff)).json()[0]["id"]
    base = f"/api/v1/staff/cases/{case_id}/testimonies"
    tid = client.post(base, json={"file_id": sent.json()["id"]}, headers=bearer(staff)).json()["id"]

    def state() -> dict:  # type: ignore[type-arg]
        return client.get(f"{base}/{tid}", headers=bearer(staff)).json()  # type: ignore[no-any-return]

    view = support.wait_for(lambda: (v := state())["state"] in ("review", "failed") and v)
    assert view["state"] == "review", view
    alarm = [f["id"] for f in view["findings"] if f["text"] == support.FALSE_ALARM]
    r = client.put(f"{base}/{tid}/review", headers=bearer(staff),
                   json={"rejected": alarm, "added": [{"kind": "PERSON", "text": support.MISSED}]})
    assert r.status_code == 200, r.text
    view = support.wait_for(lambda: (v := state())["state"] in ("done", "failed") and v)
    assert view["state"] == "done", view
    return case_id, tid, staff, contact


@pytest.mark.slow
def test_a_testimony_is_published_built_served_verified_and_withdrawn(  # type: ignore[no-untyped-def]
        studio_installation: Installation, tmp_path: Path) -> None:
    require(shutil.which("exiftool") is not None, "exiftool not installed")
    inst = studio_installation
    alice, bruno = inst.add_staff("alice"), inst.add_staff("bruno")
    with client_for(inst) as client:
        case_id, tid, staff, contact = approved_testimony(client, alice, tmp_path)
        other = staff_token(client, bruno)
        propose = f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/publication"

        # not approved yet: refused, nothing written
        before = _counts(inst)
        r = client.post(propose, json={"themes": ["corruption"]}, headers=bearer(staff))
        assert r.status_code == 409 and "approved" in r.text
        assert _counts(inst) == before
        assert client.post(f"/api/v1/staff/cases/{case_id}/testimonies/{tid}/approve",
                           headers=bearer(staff)).status_code == 200
        r = client.post(propose, json={"themes": ["bakery"]}, headers=bearer(staff))
        assert r.status_code == 422 and "Unknown theme bakery" in r.text
        r = client.post(propose, json={"themes": ["corruption", "the-way-out"]}, headers=bearer(staff))
        assert r.status_code == 201, r.text
        publication = r.json()
        assert publication["state"] == "awaiting_consent"
        pid = publication["id"]
        assert client.post(propose, json={"themes": ["violence"]}, headers=bearer(staff)).status_code == 409

        # the person sees exactly what would be public
        listed = client.get("/api/v1/contact/publications", headers=bearer(contact)).json()
        assert [p["id"] for p in listed] == [pid]
        assert support.NAME not in listed[0]["transcript"] and "[PERSON" in listed[0]["transcript"]
        media = client.get(listed[0]["media"], headers=bearer(contact))
        assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
        part = client.get(listed[0]["media"], headers={**bearer(contact), "Range": "bytes=10-59"})
        assert part.status_code == 206 and part.content == media.content[10:60]  # the player can seek

        # no consent yet: the second caseworker cannot publish
        confirm = f"/api/v1/staff/publications/{pid}/confirm"
        before = _counts(inst)
        r = client.post(confirm, headers=bearer(other))
        assert r.status_code == 409 and "not agreed" in r.text
        assert _counts(inst) == before
        r = client.put(f"/api/v1/contact/publications/{pid}", json={"consent": True}, headers=bearer(contact))
        assert r.status_code == 200 and r.json()["state"] == "consented"
        # the proposer's own confirmation: refused
        r = client.post(confirm, headers=bearer(staff))
        assert r.status_code == 403 and "second caseworker" in r.text
        assert _counts(inst)[1] == 0
        r = client.post(confirm, headers=bearer(other))
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["state"] == "published" and done["entry_id"]
        assert {c["name"]: c["passed"] for c in done["checks"]} == {
            "review": True, "metadata": True, "transcript": True, "voice": True, "faces": True}
        entry_id = done["entry_id"]

        # the served archive: no session, no script, nothing from elsewhere; search is harmless
        client.cookies.clear()
        page = client.get(f"/archive/fr/t-{entry_id}.html")
        assert page.status_code == 200 and "<script" not in page.text and "Corruption" in page.text
        assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
        assert "set-cookie" not in page.headers
        assert entry_id in client.get("/archive/en/theme-corruption-language-en.html").text
        assert entry_id in client.get("/archive/en/theme-corruption-language-en-short.html").text
        assert entry_id not in client.get("/archive/en/theme-violence.html").text
        arabic = client.get("/archive/ar/index.html").text
        assert 'dir="rtl"' in arabic and "الفساد" in arabic
        for query in ("' OR 1=1 --", "<script>alert(1)</script>", "%", "_"):
            r = client.get("/archive/en/search.html", params={"q": query})
            assert r.status_code == 200 and "<script>alert" not in r.text and entry_id not in r.text
        assert entry_id in client.get("/archive/en/search.html", params={"q": "camp"}).text
        media_url = f"/archive/media/{entry_id}/testimony.mp4"
        ranged = client.get(media_url, headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206 and len(ranged.content) == 100
        assert client.get("/archive/feed.atom").text.count("<entry>") == 1
        proof = client.get(f"/archive/media/{entry_id}/entry.proof.json").json()
        assert proof["leaf_index"] < proof["tree_size"] and proof["proof"] is not None

    # the static build: self-contained, no script, nothing external
    site = tmp_path / "site"
    result = CliRunner().invoke(cli_app, ["archive", "build", "--data", str(inst.settings.data_dir), "-o", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file() and (site / "fr" / f"t-{entry_id}.html").is_file()
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r"(src|href)=\"(https?:)?//", text), html
    key = fingerprint(bytes(inst.runtime.org.signing_key.verify_key))
    published = site / "media" / entry_id / "testimony.mp4"
    result = CliRunner().invoke(cli_app, ["verify", str(published), "--expect-key", key])
    assert result.exit_code == 0 and result.output.startswith("VERIFIED"), result.output
    assert "logged as leaf" in result.output  # entry.proof.json: its place in the organisation's Merkle log
    transcript = site / "media" / entry_id / "transcript.txt"
    assert CliRunner().invoke(cli_app, ["verify", str(transcript), "--expect-key", key]).exit_code == 0
    changed = bytearray(published.read_bytes())
    changed[len(changed) // 2] ^= 1
    published.write_bytes(bytes(changed))
    result = CliRunner().invoke(cli_app, ["verify", str(published), "--expect-key", key])
    assert result.exit_code == 1 and "testimony.mp4 was changed" in result.output
    entry = json.loads((site / "media" / entry_id / "entry.json").read_text())
    assert "case" not in json.dumps(entry) and entry["published"]

    # the person says no after publication: withdrawn at once, media gone, the log says so
    with client_for(inst) as client:
        r = client.put(f"/api/v1/contact/publications/{pid}", json={"consent": False}, headers=bearer(contact))
        assert r.status_code == 200 and r.json()["state"] == "withdrawn"
        assert client.get(f"/archive/en/t-{entry_id}.html").status_code == 404
        assert client.get(media_url).status_code == 404
        assert entry_id not in client.get("/archive/en/index.html").text
        log = client.get("/archive/log.json").json()
        assert log[0]["withdrawal"]["id"] == entry_id
    assert not any((inst.settings.data_dir / "archive" / "media").iterdir())
    # the old static copy's file no longer verifies once the log is rebuilt
    result = CliRunner().invoke(cli_app, ["archive", "build", "--data", str(inst.settings.data_dir), "-o", str(site)])
    assert result.exit_code == 0, result.output
    assert not (site / "media" / entry_id).exists()
