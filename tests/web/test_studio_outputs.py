"""The testimony outputs endpoint: decrypted as it streams, every Range form (RFC 9110), and who may read it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from safeconduct.web.api.testimony_outputs import NOT_SATISFIABLE, parse_range
from tests.flows import bearer, staff_token
from tests.testimony import studio_support as support
from tests.web.studio_web_support import Studio, finish, page_login, studio

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Studio, str, dict[str, bytes]]]:
    with studio(tmp_path_factory.mktemp("studio-outputs")) as s:
        tid = finish(s)
        whole = {}
        for name in s.api(tid)["outputs"]:
            r = s.client.get(_url(s, tid, name), headers=bearer(s.staff))
            assert r.status_code == 200, r.text
            whole[name] = r.content
        yield s, tid, whole


def _url(s: Studio, tid: str, name: str) -> str:
    return f"/api/v1/staff/cases/{s.case_id}/testimonies/{tid}/outputs/{name}"


def _get(s: Studio, tid: str, name: str, range_: str | None = None):  # type: ignore[no-untyped-def]
    headers = bearer(s.staff)
    if range_ is not None:
        headers["Range"] = range_
    return s.client.get(_url(s, tid, name), headers=headers)


def test_each_output_comes_whole_with_its_type_and_no_caching(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, whole = done
    types = {"testimony.mp4": "video/mp4", "transcript.vtt": "text/vtt; charset=utf-8",
             "transcript.txt": "text/plain; charset=utf-8", "report.json": "application/json"}
    for name, content_type in types.items():
        r = _get(s, tid, name)
        assert r.status_code == 200
        assert r.headers["content-type"] == content_type
        assert r.headers["accept-ranges"] == "bytes"
        assert r.headers["cache-control"] == "no-store"
        assert int(r.headers["content-length"]) == len(r.content) > 0
    assert whole["testimony.mp4"][4:8] == b"ftyp"
    assert whole["transcript.vtt"].startswith(b"WEBVTT")
    assert support.NAME.encode() not in whole["transcript.txt"]
    assert support.NAME.encode() not in whole["report.json"]


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-100", -100, None), ("bytes=5-5", 5, 5),
    ("bytes=10-999999999", 10, None), (" bytes = 0 - 9 ", 0, 9),
])
def test_one_range_is_answered_206_with_its_content_range(done: tuple[Studio, str, dict[str, bytes]], header: str,
                                                         first: int, last: int | None) -> None:
    s, tid, whole = done
    media = whole["testimony.mp4"]
    size = len(media)
    start = size + first if first < 0 else first
    end = size - 1 if last is None else last
    r = _get(s, tid, "testimony.mp4", header)
    assert r.status_code == 206, r.text
    assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
    assert r.content == media[start:end + 1]
    assert int(r.headers["content-length"]) == end - start + 1
    assert r.headers["content-type"] == "video/mp4"
    assert r.headers["cache-control"] == "no-store"


def test_a_suffix_longer_than_the_output_is_the_whole_output(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, whole = done
    size = len(whole["testimony.mp4"])
    r = _get(s, tid, "testimony.mp4", f"bytes=-{size * 10}")
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 0-{size - 1}/{size}"
    assert r.content == whole["testimony.mp4"]


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{more}", "bytes=-0"])
def test_a_range_beyond_the_output_is_416_with_its_size(done: tuple[Studio, str, dict[str, bytes]],
                                                        header: str) -> None:
    s, tid, whole = done
    size = len(whole["testimony.mp4"])
    r = _get(s, tid, "testimony.mp4", header.format(size=size, more=size + 50))
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{size}"
    assert r.json()["error"] == "range_not_satisfiable"
    assert whole["testimony.mp4"][:16] not in r.content


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=abc", "bytes=", "bytes=-", "items=0-9", "0-9", "bytes=1-2-3",
                                    "bytes=0-1,5-9", "bytes=--5", "bytes=0x10-"])
def test_a_malformed_or_multiple_range_is_ignored_and_the_whole_output_sent(
        done: tuple[Studio, str, dict[str, bytes]], header: str) -> None:
    s, tid, whole = done
    r = _get(s, tid, "testimony.mp4", header)
    assert r.status_code == 200
    assert "content-range" not in r.headers
    assert r.content == whole["testimony.mp4"]


def test_a_range_works_on_any_output_not_only_the_media(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, whole = done
    r = _get(s, tid, "report.json", "bytes=0-0")
    assert r.status_code == 206 and r.content == whole["report.json"][:1] == b"{"
    assert r.headers["content-type"] == "application/json"
    r = _get(s, tid, "transcript.vtt", "bytes=-3")
    assert r.status_code == 206 and r.content == whole["transcript.vtt"][-3:]


def test_the_console_cookie_session_reads_outputs_as_a_media_element_does(
        done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, whole = done
    page_login(s.client, s.login)
    try:
        r = s.client.get(_url(s, tid, "testimony.mp4"), headers={"Range": "bytes=0-"})
        assert r.status_code == 206 and r.content == whole["testimony.mp4"]
    finally:
        s.client.cookies.clear()


def test_unknown_outputs_and_testimonies_are_404(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, _ = done
    for url in (_url(s, tid, "report.html"), _url(s, tid, "..%2Fkeys"), _url(s, "0" * 32, "testimony.mp4"),
                f"/api/v1/staff/cases/{'0' * 32}/testimonies/{tid}/outputs/testimony.mp4"):
        r = s.client.get(url, headers=bearer(s.staff))
        assert r.status_code == 404, (url, r.status_code)


def test_without_a_session_or_access_to_the_case_nothing_leaks(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, tid, whole = done
    url = _url(s, tid, "testimony.mp4")
    assert s.client.get(url).status_code == 401
    assert s.client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    outsider = s.inst.add_staff("mallory", intake=False)
    token = staff_token(s.client, outsider)
    for name, body in whole.items():
        r = s.client.get(_url(s, tid, name), headers={**bearer(token), "Range": "bytes=0-"})
        assert r.status_code in (403, 404), r.status_code
        assert "content-range" not in r.headers
        assert body[:64] not in r.content
        assert support.NAME.encode() not in r.content


def test_a_testimony_not_finished_has_no_outputs(done: tuple[Studio, str, dict[str, bytes]]) -> None:
    s, _, _ = done
    r = s.client.post(f"/api/v1/staff/cases/{s.case_id}/testimonies", json={"file_id": s.file_id},
                      headers=bearer(s.staff))
    tid = r.json()["id"]
    assert _get(s, tid, "testimony.mp4").status_code == 404
    assert s.client.post(f"/api/v1/staff/cases/{s.case_id}/testimonies/{tid}/cancel",
                         headers=bearer(s.staff)).status_code == 200


def test_parse_range_edge_cases() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-", 0) == NOT_SATISFIABLE
    assert parse_range("bytes=-5", 0) == NOT_SATISFIABLE
    assert parse_range("bytes=9-", 10) == (9, 9)
    assert parse_range("bytes=-1", 10) == (9, 9)
    assert parse_range("BYTES=0-1", 10) is None  # the unit is case-sensitive: ignored




def test_the_case_key_and_the_decryption_stay_off_the_event_loop(done: tuple[Studio, str, dict[str, bytes]],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from safeconduct.cases import inbox
    from safeconduct.crypto import filestream
    from safeconduct.testimony.studio import service
    from tests.web.test_event_loop import LoopWatch

    s, tid, whole = done
    watch = LoopWatch(monkeypatch)
    for owner, name in ((inbox, "open_case"), (service, "open_output"), (filestream, "_open_record")):
        watch.watch(owner, name)
    r = _get(s, tid, "testimony.mp4", "bytes=100-")
    assert r.status_code == 206 and r.content == whole["testimony.mp4"][100:]
    assert set(watch.calls) == {"safeconduct.cases.inbox.open_case", "safeconduct.testimony.studio.service.open_output",
                                "safeconduct.crypto.filestream._open_record"}, watch.calls
    assert watch.on_loop() == []
