"""Side by side with Hush Line: server CPU per message, ours against the peer's, under one client, interleaved.

    .venv/bin/python bench/peer_hushline.py --peer-checkout ~/src/hushline \\
        --peer-database-url postgresql://postgres@127.0.0.1:5432/hushline --peer-username benchmark \\
        [--peer-env KEY=VALUE ...] [--workers 2] [--contacts 20] [--seconds 15] [--rounds 3]

The peer's code is never copied here: this script only starts the checkout you give it, with its own
interpreter (`--peer-python`, by default `<checkout>/.venv/bin/python`), as
`python -m gunicorn -w <workers> -b 127.0.0.1:<port> "hushline:create_app()"` (change it with
`--peer-command`, where `{python}`, `{port}` and `{workers}` are filled in), with
`SQLALCHEMY_DATABASE_URI` set to `--peer-database-url` and every `--peer-env` added. Prepare the peer first
as its own documentation says (database migrated, one account with a PGP key whose tip line is
`/to/<peer-username>`, any secrets its configuration needs passed with `--peer-env`).

Ours starts as `safeconduct serve --workers <workers>` on a fresh PostgreSQL database (bench/_server.py).
Both get the same load: `--contacts` concurrent senders posting 500-character messages for `--seconds`,
phases interleaved (peer, ours, peer, ours, ...) so that both see the same machine. What one message costs:
- ours: one POST of the no-JavaScript form (`--our-path form`, the default: what Tor Browser users do) or of
  the JSON API (`--our-path api`), after a log-in that is not timed;
- the peer: what its tip-line form needs for one message: GET `/to/<user>` (its CSRF token and its
  arithmetic question) and the POST of the form with the answer.
CPU is read from /proc for each server's process tree and for the PostgreSQL backends serving its database
(process title), as in bench/contact_throughput.py. The ratio printed is the peer's CPU per message over
ours, for the server and for the database.

Without a usable checkout the script says what is missing and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from _server import _free_port as free_port
from _server import postgres_url, running_server
from contact_throughput import (
    TEXT,
    Contact,
    load_average,
    log_in_contacts,
    postgres_backend_cpu,
    send,
    tree_cpu,
)

DEFAULT_COMMAND = '{python} -m gunicorn -w {workers} -b 127.0.0.1:{port} "hushline:create_app()"'
_INPUT = re.compile(r"<(input|textarea)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')
_SUM = re.compile(r"(\d+)\s*\+\s*(\d+)\s*=")


def missing(args: argparse.Namespace) -> list[str]:
    """What stops the comparison from running here, in words."""
    problems = []
    checkout: Path | None = args.peer_checkout
    if checkout is None:
        problems.append("no --peer-checkout given: a local clone of Hush Line (https://github.com/scidsg/hushline)")
    elif not (checkout / "hushline" / "__init__.py").is_file():
        problems.append(f"{checkout} is not a Hush Line checkout (no hushline/__init__.py in it)")
    python = args.peer_python or (checkout / ".venv" / "bin" / "python" if checkout else None)
    if checkout is not None and (python is None or not Path(python).exists()):
        problems.append(f"no interpreter for the peer at {python}: install its dependencies (e.g. `poetry install` "
                        "in the checkout) or name one with --peer-python")
    if not args.peer_database_url:
        problems.append("no --peer-database-url: the PostgreSQL database the peer was migrated into")
    elif not args.peer_database_url.startswith("postgresql"):
        problems.append("--peer-database-url must be a PostgreSQL URL (both run on the same PostgreSQL)")
    if not args.peer_username:
        problems.append("no --peer-username: an account of the peer with a PGP key (its tip line /to/<name>)")
    return problems


@dataclass
class PeerServer:
    url: str
    process: subprocess.Popen[bytes]
    database: str


@contextlib.contextmanager
def running_peer(args: argparse.Namespace) -> Iterator[PeerServer]:
    port = free_port()
    python = str(args.peer_python or args.peer_checkout / ".venv" / "bin" / "python")
    command = args.peer_command.format(python=shlex.quote(python), port=port, workers=args.workers)
    env = dict(os.environ, SQLALCHEMY_DATABASE_URI=args.peer_database_url)
    env.pop("PYTHONPATH", None)
    for item in args.peer_env:
        key, _, value = item.partition("=")
        env[key] = value
    process = subprocess.Popen(command, shell=True, cwd=args.peer_checkout, env=env,  # noqa: S602 - the operator's
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                err = (process.stderr.read() if process.stderr else b"").decode(errors="replace")[-2000:]
                raise SystemExit(f"the peer stopped at start (status {process.returncode}):\n{err}")
            try:
                httpx.get(url + f"/to/{args.peer_username}", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield PeerServer(url=url, process=process, database=args.peer_database_url.rsplit("/", 1)[1].split("?")[0])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        process.wait(timeout=30)


def peer_form(page: str, text: str) -> dict[str, str]:
    """The tip-line form filled in: hidden fields kept, text fields given the message, the sum answered."""
    data: dict[str, str] = {}
    for _tag, attrs in _INPUT.findall(page):
        a = dict(_ATTR.findall(attrs))
        name, kind = a.get("name"), a.get("type", "text").lower()
        if not name or kind in ("submit", "button", "checkbox", "radio", "file"):
            continue
        if kind == "hidden":
            data[name] = html.unescape(a.get("value", ""))
        elif name != "captcha_answer":
            data[name] = text if _tag.lower() == "textarea" else "benchmark"
    question = _SUM.search(html.unescape(page))
    if question is None or "csrf_token" not in data:
        raise SystemExit("the peer's tip-line page has no CSRF token or no sum to answer: is --peer-username right?")
    data["captcha_answer"] = str(int(question.group(1)) + int(question.group(2)))
    data.pop("encrypted_email_body", None)
    return data


async def peer_send(client: httpx.AsyncClient, username: str, n: int) -> bool:
    page = await client.get(f"/to/{username}")
    if page.status_code != 200:
        return False
    r = await client.post(f"/to/{username}", data=peer_form(page.text, f"message {n} {TEXT}"))
    return r.status_code in (302, 303)


@dataclass
class Result:
    messages: int = 0
    errors: int = 0
    server_cpu: float = 0.0
    db_cpu: float = 0.0
    seconds: float = 0.0

    def per(self, value: float) -> float:
        return value / max(self.messages, 1) * 1000


Sender = Callable[[int], Awaitable[bool]]


async def phase(result: Result, senders: list[Sender], pid: int, database: str, seconds: float) -> None:
    counter = 0

    async def loop(one: Sender, until: float) -> None:
        nonlocal counter
        while time.perf_counter() < until:
            counter += 1
            ok = await one(counter)
            result.messages += 1
            result.errors += not ok

    cpu0, db0, began = tree_cpu(pid), postgres_backend_cpu(database), time.perf_counter()
    await asyncio.gather(*(loop(s, began + seconds) for s in senders))
    result.seconds += time.perf_counter() - began
    result.server_cpu += tree_cpu(pid) - cpu0
    result.db_cpu += postgres_backend_cpu(database) - db0


async def compare(args: argparse.Namespace, peer: PeerServer, ours_url: str, ours_pid: int, ours_db: str) -> None:
    limits = httpx.Limits(max_connections=args.contacts, max_keepalive_connections=args.contacts)
    async with httpx.AsyncClient(base_url=ours_url, limits=limits, timeout=60) as mine:
        contacts: list[Contact] = await log_in_contacts(mine, args.contacts)
        # each of the peer's senders keeps its own cookie jar (the form's session holds its CSRF and sum)
        peers = [httpx.AsyncClient(base_url=peer.url, timeout=60) for _ in range(args.contacts)]
        try:
            async def ours_one(contact: Contact, n: int) -> bool:
                return await send(mine, contact, args.our_path, n) in (201, 303)

            ours_senders: list[Sender] = [lambda n, c=c: ours_one(c, n) for c in contacts]
            peer_senders: list[Sender] = [lambda n, p=p: peer_send(p, args.peer_username, n) for p in peers]
            await asyncio.gather(*(s(0) for s in ours_senders), *(s(0) for s in peer_senders))  # warm-up
            totals = {"peer": Result(), "ours": Result()}
            for r in range(args.rounds):
                for label, senders, pid, db in (("peer", peer_senders, peer.process.pid, peer.database),
                                                ("ours", ours_senders, ours_pid, ours_db)):
                    before = Result()
                    await phase(before, senders, pid, db, args.seconds)
                    for field in ("messages", "errors", "server_cpu", "db_cpu", "seconds"):
                        setattr(totals[label], field, getattr(totals[label], field) + getattr(before, field))
                    print(f"round {r + 1} {label}: {before.messages / before.seconds:6.1f} msg/s, server "
                          f"{before.per(before.server_cpu):5.2f} ms/msg, database {before.per(before.db_cpu):5.2f} "
                          f"ms/msg, errors {before.errors}, load {load_average():.1f}", flush=True)
        finally:
            for p in peers:
                await p.aclose()
    peer_r, ours_r = totals["peer"], totals["ours"]
    print(f"\npeer: {peer_r.messages} messages, {peer_r.per(peer_r.server_cpu):.2f} ms server CPU and "
          f"{peer_r.per(peer_r.db_cpu):.2f} ms PostgreSQL CPU per message, {peer_r.errors} errors")
    print(f"ours ({args.our_path}): {ours_r.messages} messages, {ours_r.per(ours_r.server_cpu):.2f} ms server CPU "
          f"and {ours_r.per(ours_r.db_cpu):.2f} ms PostgreSQL CPU per message, {ours_r.errors} errors")
    server = peer_r.per(peer_r.server_cpu) / max(ours_r.per(ours_r.server_cpu), 1e-9)
    database = peer_r.per(peer_r.db_cpu) / max(ours_r.per(ours_r.db_cpu), 1e-9)
    print(f"CPU-per-message ratio, peer / ours: server {server:.1f}x, database {database:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer-checkout", type=Path, help="a local clone of Hush Line, its dependencies installed")
    parser.add_argument("--peer-database-url", help="PostgreSQL URL of the peer's (migrated) database")
    parser.add_argument("--peer-username", help="the peer's account whose tip line receives the messages")
    parser.add_argument("--peer-python", type=Path, help="the peer's interpreter (default <checkout>/.venv/bin/python)")
    parser.add_argument("--peer-command", default=DEFAULT_COMMAND, help="how to start the peer")
    parser.add_argument("--peer-env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--our-path", choices=("form", "api"), default="form")
    parser.add_argument("--workers", type=int, default=2, help="server processes, each side")
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    problems = missing(args)
    if problems:
        print("Cannot compare with Hush Line here:", *(f"- {p}" for p in problems),
              "See the module's help (--help) and docs/benchmarks.md.", sep="\n", file=sys.stderr)
        raise SystemExit(2)
    ours_src = str(Path(__file__).resolve().parent.parent / "src")
    with running_peer(args) as peer, postgres_url() as url, \
            running_server(url, workers=args.workers, extra_env={"PYTHONPATH": ours_src}) as ours:
        asyncio.run(compare(args, peer, ours.url, ours.process.pid, url.rsplit("/", 1)[1]))


if __name__ == "__main__":
    main()
