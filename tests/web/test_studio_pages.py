"""The testimony studio's console pages over HTTP, without JavaScript: prepare from the case's files, follow the
job on a page that refreshes itself, review with CSRF, preview, approve; refusals shown on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from safeconduct.cases import audit
from tests.flows import bearer, csrf_of, staff_token
from tests.testimony import studio_support as support
from tests.web.studio_web_support import Studio, page_login, studio

pytestmark = pytest.mark.slow
REFRESH = '<noscript><meta http-equiv="refresh" content="5"></noscript>'


@pytest.fixture(scope="module")
def s(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with studio(tmp_path_factory.mktemp("studio-pages")) as s:
        page_login(s.client, s.login)
        yield s


@pytest.fixture(scope="module")
def state() -> dict[str, str]:
    return {}


def _page(s: Studio, tid: str) -> str:
    r = s.client.get(f"/staff/cases/{s.case_id}/testimonies/{tid}")
    assert r.status_code == 200, r.text
    return r.text


def test_the_case_files_tab_lists_recordings_and_offers_to_prepare(s: Studio) -> None:
    r = s.client.get(f"/staff/cases/{s.case_id}/work?tab=files")
    assert r.status_code == 200
    page = r.text
    assert 'id="testimonies"' in page and "No testimony prepared yet." in page
    assert f'<option value="{s.file_id}">interview.mp4' in page
    assert 'value="disguise" selected>Disguise (default: the best privacy we measured)' in page
    assert 'value="blur" selected' in page and 'value="auto"' in page and 'value="ar" lang="ar"' in page


def test_a_form_without_its_csrf_token_prepares_nothing(s: Studio) -> None:
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies", data={"file_id": s.file_id})
    assert r.status_code == 403
    assert "No testimony prepared yet." in s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text


def test_a_bad_choice_is_refused_on_the_case_page(s: Studio) -> None:
    csrf = csrf_of(s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text)
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies",
                      data={"csrf_token": csrf, "file_id": s.file_id, "voice_method": "whisper"})
    assert r.status_code == 422
    assert "Unknown voice method" in r.text and 'role="alert"' in r.text
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies", data={"csrf_token": csrf, "file_id": "nope"})
    assert r.status_code == 404 and "No such file in this case." in r.text
    assert "No testimony prepared yet." in s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text


def test_preparing_queues_a_job_and_its_page_refreshes_itself(s: Studio, state: dict[str, str]) -> None:
    csrf = csrf_of(s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text)
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies",
                      data={"csrf_token": csrf, "file_id": s.file_id, "voice_method": "disguise", "faces": "blur",
                            "language": "en"})
    assert r.status_code == 303
    url = r.headers["location"]
    tid = state["tid"] = re.fullmatch(rf"/staff/cases/{s.case_id}/testimonies/(\w+)\?queued=1", url).group(1)
    page = s.client.get(url).text
    assert REFRESH in page and '<script src="/static/studio.js" defer></script>' in page
    assert "The testimony is queued" in page and 'data-state="queued"' in page
    assert page.count('<li class="stage stage-waiting"') == 8 and "Transcribing" in page
    assert f'action="/staff/cases/{s.case_id}/testimonies/{tid}/cancel"' in page
    files = s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text
    assert f'href="/staff/cases/{s.case_id}/testimonies/{tid}"' in files and "Queued" in files


def test_the_review_form_lists_findings_with_context(s: Studio, state: dict[str, str]) -> None:
    s.run_jobs()
    page = _page(s, state["tid"])
    assert REFRESH not in page and "studio.js" not in page
    assert 'id="review"' in page and "Waiting for your review" in page
    assert page.count('class="stage stage-done"') == 3
    assert re.search(r'name="accept" value="\w+" id="accept-\w+" checked', page)
    assert f"<strong>{support.FALSE_ALARM}</strong>" in page
    assert page.count('name="add_text"') == 3
    with s.inst.runtime.db() as db:  # reading the findings was audited
        assert audit.entries(db, case_id=s.case_id, action="view_testimony")


def test_a_progress_poll_and_the_list_quote_nothing_and_leave_no_audit_trail(s: Studio, state: dict[str, str]) -> None:
    base = f"/api/v1/staff/cases/{s.case_id}/testimonies"
    with s.inst.runtime.db() as db:
        before = len(audit.entries(db, case_id=s.case_id, action="view_testimony"))
    poll = s.client.get(f"{base}/{state['tid']}?progress=true", headers=bearer(s.staff))
    assert poll.status_code == 200 and poll.json()["state"] == "review"
    assert poll.json()["findings"] == [] and poll.json().get("report") is None
    listed = s.client.get(base, headers=bearer(s.staff)).json()["testimonies"]
    assert listed and all(t["findings"] == [] for t in listed)
    assert support.FALSE_ALARM not in poll.text + str(listed)
    with s.inst.runtime.db() as db:
        assert len(audit.entries(db, case_id=s.case_id, action="view_testimony")) == before
    full = s.api(state["tid"])  # the ordinary read quotes the findings, and is audited
    assert full["findings"]
    with s.inst.runtime.db() as db:
        assert len(audit.entries(db, case_id=s.case_id, action="view_testimony")) == before + 1


def test_a_review_without_csrf_or_with_a_word_not_spoken_changes_nothing(s: Studio, state: dict[str, str]) -> None:
    url = f"/staff/cases/{s.case_id}/testimonies/{state['tid']}/review"
    assert s.client.post(url, data={"add_kind": "PERSON", "add_text": support.MISSED}).status_code == 403
    csrf = csrf_of(_page(s, state["tid"]))
    r = s.client.post(url, data={"csrf_token": csrf, "add_kind": "PERSON", "add_text": "Zanzibar"})
    assert r.status_code == 422 and "does not occur in the transcript" in r.text and 'id="review"' in r.text
    assert s.api(state["tid"])["state"] == "review"


def test_the_review_drops_a_false_alarm_and_adds_a_missed_name(s: Studio, state: dict[str, str]) -> None:
    page = _page(s, state["tid"])
    view = s.api(state["tid"])
    ids = [f["id"] for f in view["findings"]]
    alarm = next(f["id"] for f in view["findings"] if f["text"] == support.FALSE_ALARM)
    data = [("csrf_token", csrf_of(page)), *[("finding", i) for i in ids], *[("accept", i) for i in ids if i != alarm],
            ("add_kind", "PERSON"), ("add_text", support.MISSED), ("add_kind", "PLACE"), ("add_text", "  "),
            ("add_kind", "DATE"), ("add_text", "")]
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies/{state['tid']}/review", content=urlencode(data),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 303, r.text
    after = s.api(state["tid"])
    assert after["state"] in ("queued", "running")
    assert {f["text"]: f["accepted"] for f in after["findings"]}[support.FALSE_ALARM] is False
    assert any(f["added"] and f["text"] == support.MISSED for f in after["findings"])
    assert REFRESH in _page(s, state["tid"])


def test_the_finished_testimony_plays_with_captions_and_its_privacy_report(s: Studio, state: dict[str, str]) -> None:
    s.run_jobs()
    page = _page(s, state["tid"])
    base = f"/api/v1/staff/cases/{s.case_id}/testimonies/{state['tid']}/outputs"
    assert f'<video controls preload="metadata" id="player" src="{base}/testimony.mp4">' in page
    assert f'<track kind="captions" src="{base}/transcript.vtt" srclang="en"' in page and " default>" in page
    assert "Measured re-identification risk" in page or "could not be measured" in page
    assert "Words covered" in page and "Metadata removed" in page and "Hidden in" in page
    transcript = re.search(r'<p dir="auto" id="transcript">(.*?)</p>', page, re.S).group(1)
    assert support.NAME not in transcript and support.MISSED not in transcript and support.FALSE_ALARM in transcript
    assert "no, kept as spoken" in page


def test_approve_then_a_second_approval_is_refused_on_the_page(s: Studio, state: dict[str, str]) -> None:
    url = f"/staff/cases/{s.case_id}/testimonies/{state['tid']}"
    r = s.client.post(url + "/approve", data={"csrf_token": csrf_of(_page(s, state["tid"]))})
    assert r.status_code == 303 and r.headers["location"] == url + "?approved=1"
    page = _page(s, state["tid"])
    assert 'id="approved"' in page and "/approve" not in page
    r = s.client.post(url + "/approve", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 409 and "already approved" in r.text and 'id="refusal"' in r.text


def test_cancel_and_retry_from_the_page(s: Studio) -> None:
    csrf = csrf_of(s.client.get(f"/staff/cases/{s.case_id}/work?tab=files").text)
    r = s.client.post(f"/staff/cases/{s.case_id}/testimonies", data={"csrf_token": csrf, "file_id": s.file_id})
    url = r.headers["location"].split("?")[0]
    tid = url.rsplit("/", 1)[1]
    assert s.client.post(url + "/retry", data={"csrf_token": csrf}).status_code == 409
    assert s.client.post(url + "/cancel", data={"csrf_token": csrf}).status_code == 303
    page = _page(s, tid)
    assert "Cancelled" in page and "Cancelled by a caseworker." in page and "/retry" in page and REFRESH not in page
    assert s.client.post(url + "/retry", data={"csrf_token": csrf}).status_code == 303
    assert s.api(tid)["state"] == "queued"
    assert s.client.post(url + "/cancel", data={"csrf_token": csrf}).status_code == 303


def test_someone_without_the_case_sees_nothing(s: Studio, state: dict[str, str]) -> None:
    outsider = s.inst.add_staff("mallory", intake=False)
    token = staff_token(s.client, outsider)
    r = s.client.get(f"/staff/cases/{s.case_id}/testimonies/{state['tid']}",
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (403, 404)
    assert support.FALSE_ALARM not in r.text and "interview.mp4" not in r.text


def test_a_stock_job_error_is_shown_in_the_reader_s_language() -> None:
    from types import SimpleNamespace

    from safeconduct.web.console.studio import error_in_words

    request = SimpleNamespace(query_params={"lang": "fr"}, cookies={}, headers={})
    failed = error_in_words(request, "The stage transcribe failed.")  # type: ignore[arg-type]
    assert failed != "The stage transcribe failed." and "Transcription" in str(failed)
    assert error_in_words(request, "Cancelled by a caseworker.") != "Cancelled by a caseworker."  # type: ignore[arg-type]
    assert error_in_words(request, "voice: no model") == "voice: no model"  # type: ignore[arg-type]
    assert error_in_words(request, None) is None  # type: ignore[arg-type]
