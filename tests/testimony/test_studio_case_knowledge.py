"""What the case already knows is hidden in the person's testimony whatever the models say: a name a caseworker
wrote in a note is found by the detection without anyone adding it in review; the reviewers' list too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safeconduct.testimony.studio.case_knowledge import terms_for
from safeconduct.testimony.text import redact_text
from tests.conftest import Installation, client_for, make_installation
from tests.flows import bearer
from tests.testimony import studio_support as support


def test_terms_come_from_the_case_texts_in_every_spelling_and_leave_dates_out() -> None:
    knowledge = {"texts": ["He says his commander was Abu Sayyaf, in the Katiba al-Nour, on 3 March 2016."],
                 "hide": [["PLACE", "Tell Dibs"]], "keep": ["Daech"]}
    terms, kept = terms_for(knowledge, "en")
    spellings = {t.text.casefold() for t in terms}
    assert "tell dibs" in spellings
    assert any("sayyaf" in s for s in spellings)
    assert any("\u0623\u0628\u0648 " in s for s in spellings)  # an Arabic spelling with its kunya, أبو
    assert not any("2016" in s or "march" in s for s in spellings)  # a date in a note is not hidden everywhere
    assert kept == ("Daech",)
    said = "then sayyaf sent us to tell dibs"  # lower case, no cue word: what a speech recogniser writes
    hidden = redact_text(said, "en", extra_terms=terms).redacted_text
    assert "sayyaf" not in hidden and "dibs" not in hidden, hidden


def test_nothing_known_gives_no_terms() -> None:
    assert terms_for(None) == ((), ())
    assert terms_for({"texts": [], "hide": [], "keep": []}) == ((), ())


@pytest.fixture
def studio_installation(tmp_path: Path):  # type: ignore[no-untyped-def]
    scratch = support.scratch_settings_for(tmp_path.name)
    inst = make_installation(tmp_path / "data", None, "sqlite", **scratch)
    yield inst
    inst.runtime.engine.dispose()
    shutil.rmtree(scratch["worker_scratch"], ignore_errors=True)


@pytest.mark.slow
def test_a_name_in_a_caseworker_s_note_is_found_in_the_testimony_without_review(
        studio_installation: Installation, tmp_path: Path) -> None:
    inst = studio_installation
    body = support.make_clip(tmp_path / "clip").read_bytes()
    login = inst.add_staff("alice")
    with client_for(inst) as client:
        case_id, file_id, staff = support.send_clip(client, login, body)
        note = f"She mentioned a driver, a man they called {support.MISSED}, who took them to the camp."
        r = client.post(f"/api/v1/staff/cases/{case_id}/notes", json={"text": note}, headers=bearer(staff))
        assert r.status_code == 201, r.text
        r = client.post(f"/api/v1/staff/cases/{case_id}/testimonies", json={"file_id": file_id},
                        headers=bearer(staff))
        assert r.status_code == 202, r.text
        tid = r.json()["id"]
        url = f"/api/v1/staff/cases/{case_id}/testimonies/{tid}"
        view = support.wait_for(lambda: (v := client.get(url, headers=bearer(staff)).json())["state"] in
                                ("review", "failed") and v)
        assert view["state"] == "review", view
        found = [f for f in view["findings"] if support.MISSED.lower() in f["text"].lower()]
        assert found, view["findings"]  # hidden without a reviewer adding it
