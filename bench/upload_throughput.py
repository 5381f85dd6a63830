"""Upload speed of a large file through the resumable (tus) route, and the server's peak memory.

    .venv/bin/python bench/upload_throughput.py --size-mib 1024

The server runs as `safeconduct serve` in its own process on loopback (SQLite). The client streams
the body in 64 MiB PATCH requests from a generator (no file on disk); the server encrypts each 1 MiB block
as it arrives. Peak memory is the server process's VmHWM, reset (``/proc/PID/clear_refs``) once the contact
and the caseworker have logged in, so the figure is what the upload and the download themselves cost; the
log-ins' Argon2id (64 MiB each, freed at once) is reported separately as the peak before the reset.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import httpx
import pyotp
from _server import PASSWORD, running_server

MiB = 1024 * 1024


def _body(size: int) -> bytes:
    return (hashlib.sha256(b"bench").digest() * (MiB // 32))[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--chunk-mib", type=int, default=64)
    args = parser.parse_args()
    size = args.size_mib * MiB
    block = _body(MiB)
    with running_server() as server, httpx.Client(base_url=server.url, timeout=300) as client:
        rss_idle = server.peak_rss_mib()
        start = client.get("/api/v1/contact/start-token").json()
        codename = client.post("/api/v1/contact/start", json={"start_token": start["start_token"]}).json()["codename"]
        token = client.post("/api/v1/contact/session", json={"codename": codename}).json()["token"]
        auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
        url = client.post("/api/v1/contact/uploads", headers={**auth, "Upload-Length": str(size)}).headers["location"]
        chunk = args.chunk_mib * MiB
        staff = client.post("/api/v1/staff/session", json={
            "username": "bench", "password": PASSWORD, "totp": pyotp.TOTP(server.totp_secret).now()}).json()["token"]
        peak_logins = server.peak_rss_mib()
        Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
        rss_before = server.peak_rss_mib()

        def stream(start: int, end: int):  # type: ignore[no-untyped-def]
            for _ in range(start, end, MiB):
                yield block

        began = time.perf_counter()
        offset = 0
        while offset < size:
            end = min(size, offset + chunk)
            r = client.patch(url, content=stream(offset, end), headers={
                **auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset),
                "Content-Length": str(end - offset)})
            assert r.status_code == 204, r.text
            offset = int(r.headers["upload-offset"])
        elapsed = time.perf_counter() - began
        case_id = client.get("/api/v1/staff/cases", headers={"Authorization": f"Bearer {staff}"}).json()[0]["id"]
        file_id = client.get("/api/v1/contact/files", headers=auth).json()[0]["id"]
        began_down = time.perf_counter()
        got = 0
        with client.stream("GET", f"/api/v1/staff/cases/{case_id}/files/{file_id}",
                           headers={"Authorization": f"Bearer {staff}"}) as download:
            for part in download.iter_bytes():
                got += len(part)
        down = time.perf_counter() - began_down
        assert got == size
        peak = server.peak_rss_mib()
    print(f"size={args.size_mib}MiB upload={size / MiB / elapsed:.0f}MiB/s ({elapsed:.1f}s, incl. final hash pass) "
          f"download={size / MiB / down:.0f}MiB/s server_rss: idle={rss_idle:.0f}MiB "
          f"after-logins-peak={peak_logins:.0f}MiB "
          f"before-upload={rss_before:.0f}MiB peak-during-transfer={peak:.0f}MiB")


if __name__ == "__main__":
    main()
