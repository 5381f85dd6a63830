"""Two server processes on one database receive PATCHes for the same upload at once (audit finding 1).

A tus client on a slow Tor circuit retries while its first PATCH still streams, and the retry reaches
another process. Exactly one request may write: the other gets a 409, nothing is lost, and the stored
file decrypts to exactly the bytes sent. The overlap is forced, not hoped for: the first PATCH's body
stops half-way and goes on only once the second PATCH has been answered.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from safeconduct.cases.models import Upload
from safeconduct.crypto import filestream
from tests.conftest import Installation, StaffLogin
from tests.flows import bearer, only_case_id, staff_token, start_contact
from tests.processes import serving, wait_until

BLOCK = filestream.BLOCK
SIZE = 3 * BLOCK + 12345
TUS = {"Tus-Resumable": "1.0.0"}
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


class Dropped(Exception):
    """The first client's connection dies (the circuit broke)."""


def _offset(client: httpx.Client, url: str, token: str) -> int:
    return int(client.head(url, headers={**bearer(token), **TUS}).headers["upload-offset"])


def _first_patch(base: str, url: str, token: str, data: bytes, answered: threading.Event, *,
                 drop: bool, result: dict[str, object]) -> threading.Thread:
    """PATCH the whole body from offset 0, pausing after one block and a bit until `answered` is set."""

    def body() -> Iterator[bytes]:
        yield data[: BLOCK + 100]
        answered.wait(timeout=120)
        if drop:
            raise Dropped
        yield data[BLOCK + 100 :]

    def send() -> None:
        try:
            result["response"] = httpx.patch(base + url, content=body(), timeout=120,
                                              headers={**bearer(token), **PATCH, "Upload-Offset": "0"})
        except Dropped:
            result["response"] = "dropped"

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def _check_stored(inst: Installation, client: httpx.Client, token: str, login: StaffLogin, data: bytes) -> None:
    """The contact sees one file of the right size and hash; the caseworker downloads exactly these bytes."""
    files = client.get("/api/v1/contact/files", headers=bearer(token)).json()
    assert [(f["size"], f["sha256"]) for f in files] == [(len(data), hashlib.sha256(data).hexdigest())]
    stored = inst.settings.files_dir / f"{files[0]['id']}.enc"
    assert stored.stat().st_size == filestream.stored_size(len(data))
    assert list(inst.settings.uploads_dir.iterdir()) == []
    staff = staff_token(client, login)
    case_id = only_case_id(client, staff)
    download = client.get(f"/api/v1/staff/cases/{case_id}/files/{files[0]['id']}", headers=bearer(staff))
    assert download.status_code == 200 and download.content == data


def test_concurrent_patches_on_two_servers_one_is_refused_and_nothing_is_lost(installation: Installation) -> None:
    data, login = os.urandom(SIZE), installation.add_staff("quinn")  # on intake: the new case is hers
    with serving(installation.settings.data_dir, installation.settings.database_url, count=2) as (one, two), \
            httpx.Client(base_url=one, timeout=60) as first, httpx.Client(base_url=two, timeout=60) as second:
        _, token = start_contact(first)
        created = first.post("/api/v1/contact/uploads", headers={**bearer(token), **TUS, "Upload-Length": str(SIZE)})
        assert created.status_code == 201, created.text
        url = created.headers["location"]

        answered, result = threading.Event(), {}
        thread = _first_patch(one, url, token, data, answered, drop=False, result=result)
        try:
            wait_until(lambda: _offset(second, url, token) >= BLOCK, "the first PATCH to write a block")
            offset = _offset(second, url, token)  # what a retrying client asks first
            retry = second.patch(url, content=data[offset:],
                                 headers={**bearer(token), **PATCH, "Upload-Offset": str(offset)})
        finally:
            answered.set()
            thread.join(timeout=120)

        assert retry.status_code == 409, retry.text
        assert retry.json()["message"] == "This upload is already receiving data from another request."
        response = result["response"]
        assert isinstance(response, httpx.Response) and response.status_code == 204, response
        assert int(response.headers["upload-offset"]) == SIZE
        assert _offset(second, url, token) == SIZE
        _check_stored(installation, second, token, login, data)


def test_a_tus_client_retrying_while_the_first_patch_streams_finishes_the_upload(
        installation: Installation) -> None:
    """tuspy against the second server: a 409 while the first PATCH holds the upload, then it resumes."""
    from tusclient.client import TusClient
    from tusclient.exceptions import TusUploadFailed

    data, login = os.urandom(SIZE), installation.add_staff("quinn")  # on intake: the new case is hers
    with serving(installation.settings.data_dir, installation.settings.database_url, count=2) as (one, two), \
            httpx.Client(base_url=two, timeout=60) as second:
        _, token = start_contact(second)
        tus = TusClient(two + "/api/v1/contact/uploads", headers=bearer(token))
        url = tus.uploader(file_stream=io.BytesIO(data), chunk_size=SIZE, metadata={"filename": "t.bin"}).create_url()
        path = url.removeprefix(two)

        answered, result = threading.Event(), {}
        thread = _first_patch(one, path, token, data, answered, drop=True, result=result)
        try:
            wait_until(lambda: _offset(second, path, token) >= BLOCK, "the first PATCH to write a block")
            retrying = tus.uploader(file_stream=io.BytesIO(data), url=url, chunk_size=SIZE)
            assert retrying.offset == BLOCK
            with pytest.raises(TusUploadFailed) as refused:
                retrying.upload()
        finally:
            answered.set()  # and the first connection breaks
            thread.join(timeout=120)
        assert refused.value.status_code == 409
        assert result["response"] == "dropped"

        def released() -> bool:
            with installation.runtime.db() as db:
                return db.scalar(select(Upload.lease_holder).where(Upload.id == path.rsplit("/", 1)[1])) is None

        wait_until(released, "the first server to end the dropped PATCH")
        resumed = tus.uploader(file_stream=io.BytesIO(data), url=url, chunk_size=SIZE)
        assert resumed.offset == BLOCK + 100  # what the dropped PATCH delivered is kept
        resumed.upload()
        assert _offset(second, path, token) == SIZE
        _check_stored(installation, second, token, login, data)
