"""Message throughput and CPU per message of the contact channel, on the JSON API and the no-JavaScript form.

    .venv/bin/python bench/contact_throughput.py --backend sqlite --contacts 20 --seconds 20
    .venv/bin/python bench/contact_throughput.py --backend postgres --workers 2 --paths api,form --rounds 3
    .venv/bin/python bench/contact_throughput.py --backend postgres --workers 2 --rate 300 --seconds 20
    .venv/bin/python bench/contact_throughput.py --backend postgres --workers 2 --compare-src /tmp/sc-before/src

The server runs as `safeconduct serve` in its own process(es) on loopback; the load comes from this one asyncio
client process. Each message is encrypted, chained and signed in the case's ledger and stored in one
transaction. Contacts log in before anything is timed.

Without `--rate` every contact posts as fast as it can (closed loop). With `--rate R` messages are sent on a
fixed schedule of R per second whatever the answers (open loop), and each latency counts from the moment
the message was due, so a server that falls behind shows it in its p99.

CPU is read from /proc: the server's whole process tree (`safeconduct serve` and its workers) and the
PostgreSQL backends connected to the benchmark's database (found by their process title), before and after
each phase. That figure does not depend on how busy the machine is; wall-clock figures do, so the 1-minute
load average and this client's own CPU are printed beside them.

`--compare-src DIR` starts a second server from another source tree (e.g. `git worktree add /tmp/before
<commit>` and `--compare-src /tmp/before/src`) under the same client; phases are interleaved
(before, after, before, after, ...) so that both see the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from _server import Server, postgres_url, running_server

TICKS = os.sysconf("SC_CLK_TCK")
TEXT = "x" * 500
STORED = (201, 303)


# --- CPU from /proc ---------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a process, None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every descendant still running."""
    stats = {pid: s for pid in _all_pids() if (s := _stat(pid)) is not None}
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


def postgres_backend_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving `database` (their process title names it)."""
    total = 0.0
    for pid in _all_pids():
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            s = _stat(pid)
            total += s[1] if s else 0.0
    return total


def load_average() -> float:
    return os.getloadavg()[0]


# --- load ------------------------------------------------------------------------------------------

@dataclass
class Contact:
    token: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))


async def log_in_contacts(client: httpx.AsyncClient, n: int) -> list[Contact]:
    contacts = []
    for _ in range(n):
        start = {"start_token": (await client.get("/api/v1/contact/start-token")).json()["start_token"]}
        codename = (await client.post("/api/v1/contact/start", json=start)).json()["codename"]
        token = (await client.post("/api/v1/contact/session", json={"codename": codename})).json()["token"]
        contacts.append(Contact(token))
    return contacts


class RawClient:
    """A minimal HTTP/1.1 keep-alive client for the timed requests: httpx cost ~3 ms of CPU per request,
    as much as the server, on the same two cores; this costs a fraction of it (`--client httpx` to compare)."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, path: str, body: bytes, content_type: str, headers: str = "") -> int:
        while self.idle:  # a kept connection the server closed meanwhile (its keep-alive timeout) is dropped
            conn = self.idle.pop()
            try:
                return await self._post(conn, path, body, content_type, headers)
            except (asyncio.IncompleteReadError, ConnectionError):
                conn[1].close()
        return await self._post(await asyncio.open_connection(self.host, self.port), path, body, content_type,
                                headers)

    async def _post(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str, body: bytes,
                    content_type: str, headers: str) -> int:
        reader, writer = conn
        writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\n{headers}\r\n".encode() + body)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
            elif status == 303 and line[:9].lower() == b"location:" and b"sent=1" not in line:
                status = -303  # sent elsewhere (the log-in page, say): not stored
        if length:
            await reader.readexactly(length)
        if b"connection: close" in head.lower():
            writer.close()
        else:
            self.idle.append(conn)
        return status

    async def aclose(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def send(client: httpx.AsyncClient | RawClient, contact: Contact, path: str, n: int) -> int:
    """One message by the JSON API (bearer token) or the no-JavaScript form (cookies and CSRF field): the
    answer's status (201 and 303 mean stored; -303 is a redirect anywhere but back to the conversation)."""
    text = f"message {n} {TEXT}"
    if isinstance(client, RawClient):
        if path == "api":
            body = json.dumps({"text": text}).encode()
            return await client.post("/api/v1/contact/messages", body, "application/json",
                                     f"Authorization: Bearer {contact.token}\r\n")
        form = urlencode({"text": text, "csrf_token": contact.csrf}).encode()
        return await client.post("/contact/messages", form, "application/x-www-form-urlencoded",
                                 f"Cookie: sc_contact={contact.token}; sc_csrf={contact.csrf}\r\n")
    if path == "api":
        r = await client.post("/api/v1/contact/messages", json={"text": text},
                              headers={"Authorization": f"Bearer {contact.token}"})
        return r.status_code
    r = await client.post("/contact/messages", data={"text": text, "csrf_token": contact.csrf},
                          headers={"Cookie": f"sc_contact={contact.token}; sc_csrf={contact.csrf}"})
    return -303 if r.status_code == 303 and "sent=1" not in r.headers.get("location", "") else r.status_code


@dataclass
class Phase:
    label: str
    path: str
    latencies: list[float]
    errors: int
    elapsed: float
    server_cpu: float
    db_cpu: float
    client_cpu: float
    load: float
    behind: int = 0

    def line(self) -> str:
        n = max(len(self.latencies), 1)
        lat = sorted(self.latencies) or [float("nan")]
        return (f"{self.label:>8} {self.path:>4}  msgs={len(self.latencies):6d} err={self.errors:3d} "
                f"rate={len(self.latencies) / self.elapsed:6.1f}/s p50={statistics.median(lat) * 1000:7.1f}ms "
                f"p99={lat[int(0.99 * (len(lat) - 1))] * 1000:7.1f}ms  "
                f"server={self.server_cpu / n * 1000:5.2f}ms/msg db={self.db_cpu / n * 1000:5.2f}ms/msg  "
                f"client={self.client_cpu / n * 1000:5.2f}ms/msg ({self.client_cpu / self.elapsed:4.0%} of a core)"
                f"  load={self.load:4.1f}" + (f" behind={self.behind}" if self.behind else ""))


async def run_phase(server: Server, label: str, path: str, contacts: list[Contact], seconds: float,
                    rate: float, database: str | None, client: httpx.AsyncClient | RawClient,
                    profile_to: Path | None = None, max_outstanding: int = 64) -> Phase:
    latencies: list[float] = []
    errors = 0
    refused: Counter[int] = Counter()
    counter = 0
    behind = 0

    in_flight = asyncio.Semaphore(max_outstanding)

    async def one(contact: Contact, due: float) -> None:
        nonlocal errors, counter
        counter += 1
        async with in_flight:  # a message due while the cap is reached waits here, and its wait counts
            status = await send(client, contact, path, counter)
        latencies.append(time.perf_counter() - due)
        if status not in STORED:
            errors += 1
            refused[status] += 1

    async def closed_loop(contact: Contact, until: float) -> None:
        while time.perf_counter() < until:
            await one(contact, time.perf_counter())

    async def open_loop(until: float) -> None:
        nonlocal behind
        interval, due, i = 1 / rate, time.perf_counter(), 0
        tasks: set[asyncio.Task[None]] = set()
        while due < until:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.05:
                behind += 1
            task = asyncio.create_task(one(contacts[i % len(contacts)], due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
            due += interval
        await asyncio.gather(*tasks)

    spy = None
    if profile_to is not None:  # py-spy samples the whole server tree (workers included) during this phase
        profile_to.mkdir(parents=True, exist_ok=True)
        spy = subprocess.Popen([shutil.which("py-spy") or "py-spy", "record", "--subprocesses", "--nonblocking",
                                "--gil", "--format", "raw", "--rate", "200", "--duration", str(int(seconds)), "--pid",
                                str(server.process.pid), "-o", str(profile_to / f"{label}-{path}.txt")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu0, db0 = tree_cpu(server.process.pid), postgres_backend_cpu(database) if database else 0.0
    own0, load0 = time.process_time(), load_average()
    began = time.perf_counter()
    until = began + seconds
    if rate:
        await open_loop(until)
    else:
        await asyncio.gather(*(closed_loop(c, until) for c in contacts))
    elapsed = time.perf_counter() - began
    if spy is not None:
        spy.wait(timeout=60)
    server_cpu = tree_cpu(server.process.pid) - cpu0
    db_cpu = (postgres_backend_cpu(database) - db0) if database else 0.0
    if refused:
        print(f"statuses other than stored: {dict(refused)}", flush=True)
    return Phase(label, path, latencies, errors, elapsed, server_cpu, db_cpu, time.process_time() - own0,
                 max(load0, load_average()), behind)


def database_name(url: str | None) -> str | None:
    return url.rsplit("/", 1)[1] if url and url.startswith("postgresql") else None


async def bench(servers: list[tuple[str, Server, str | None]], args: argparse.Namespace) -> list[Phase]:
    phases: list[Phase] = []
    answered_stored: dict[str, int] = {}
    limits = httpx.Limits(max_connections=max(args.contacts, 64), max_keepalive_connections=max(args.contacts, 64))
    async with contextlib.AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient | RawClient] = {}
        people = {}
        for label, server, _ in servers:
            setup = await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60, follow_redirects=False))
            people[label] = await log_in_contacts(setup, args.contacts)
            clients[label] = setup if args.client == "httpx" else RawClient(server.url)
            if isinstance(clients[label], RawClient):
                stack.push_async_callback(clients[label].aclose)
            # warm-up: first requests of each worker (imports, connections) are not timed
            warm = await asyncio.gather(*(send(clients[label], c, p, 0) for c in people[label] for p in args.paths))
            answered_stored[label] = sum(status in STORED for status in warm)
        for round_ in range(args.rounds):
            for path in args.paths:
                for label, server, db in servers:
                    phase = await run_phase(server, label, path, people[label], args.seconds, args.rate, db,
                                            clients[label], args.py_spy if round_ == 0 else None,
                                            args.max_outstanding)
                    print(phase.line(), flush=True)
                    phases.append(phase)
                    answered_stored[label] += len(phase.latencies) - phase.errors
    for label, _server, db in servers:
        if db:  # every message answered as stored is in the database, once
            import psycopg

            with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
                row = conn.execute("SELECT count(*) FROM messages").fetchone()
            stored = int(row[0]) if row else 0
            verdict = "ok" if stored == answered_stored[label] else "MISMATCH"
            print(f"{label}: {answered_stored[label]} messages answered as stored, {stored} in the database: {verdict}")
    return phases


def summary(phases: list[Phase]) -> None:
    print("\nsummary (all rounds): label path messages/s p50 p99 server-CPU/msg db-CPU/msg client-CPU/msg")
    keys = sorted({(p.label, p.path) for p in phases})
    for label, path in keys:
        mine = [p for p in phases if (p.label, p.path) == (label, path)]
        n = sum(len(p.latencies) for p in mine)
        lat = sorted(x for p in mine for x in p.latencies)
        print(f"{label:>8} {path:>4}  {n / sum(p.elapsed for p in mine):6.1f}/s  "
              f"p50 {statistics.median(lat) * 1000:6.1f} ms  p99 {lat[int(0.99 * (len(lat) - 1))] * 1000:7.1f} ms  "
              f"server {sum(p.server_cpu for p in mine) / n * 1000:5.2f} ms  "
              f"db {sum(p.db_cpu for p in mine) / n * 1000:5.2f} ms"
              f"  client {sum(p.client_cpu for p in mine) / n * 1000:5.2f} ms  errors {sum(p.errors for p in mine)}"
              f"  load {min(p.load for p in mine):.1f}-{max(p.load for p in mine):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="per phase")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--paths", default="api", help="comma-separated: api (JSON), form (no-JavaScript page)")
    parser.add_argument("--rate", type=float, default=0, help="fixed messages/s (open loop); 0: as fast as possible")
    parser.add_argument("--max-outstanding", type=int, default=64,
                        help="with --rate: at most this many requests (connections) in flight")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of every path and server")
    parser.add_argument("--compare-src", type=Path, help="also serve this source tree (labelled 'before')")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="HTTP client of the timed requests (log-ins always use httpx)")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="profile the server tree in the first round (py-spy raw stacks, one file a phase)")
    args = parser.parse_args()
    args.paths = [p for p in args.paths.split(",") if p]
    if any(p not in ("api", "form") for p in args.paths):
        parser.error("--paths takes api and/or form")
    if args.compare_src and not (args.compare_src / "safeconduct").is_dir():
        parser.error(f"--compare-src {args.compare_src}: no safeconduct package there")
    here = Path(__file__).resolve().parent.parent / "src"
    trees = ([("before", args.compare_src.resolve())] if args.compare_src else []) + [("current", here)]
    with contextlib.ExitStack() as stack:
        servers = []
        for label, src in trees:
            url = stack.enter_context(postgres_url()) if args.backend == "postgres" else None
            env = {"PYTHONPATH": str(src)}
            server = stack.enter_context(running_server(url, workers=args.workers, extra_env=env))
            servers.append((label, server, database_name(url)))
        print(f"backend={args.backend} workers={args.workers} contacts={args.contacts} seconds={args.seconds:g} "
              f"rate={args.rate or 'max'} paths={','.join(args.paths)} rounds={args.rounds} client={args.client} "
              f"cores={os.cpu_count()}")
        phases = asyncio.run(bench(servers, args))
    summary(phases)


if __name__ == "__main__":
    main()
