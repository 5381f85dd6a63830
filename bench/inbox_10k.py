"""The caseworker's inbox at 10,000 cases and 200,000 messages: server time of the pages that must stay fast.

Builds a throw-away installation (SQLite or PostgreSQL) with bulk inserts: cases sealed to the caseworker,
messages, read marks, assignees, contact languages, state-change audit rows and pending four-eyes
proposals. Ciphertexts the inbox never opens are random bytes; the proposals (whose proposer the inbox
decrypts) and the one case whose page is measured are real. Then it times, in-process (the app's own
request handling, no network), the inbox, a filtered inbox, the "waiting for me" view, the JSON API, a case
page and the statistics page. Target: < 150 ms each.

    .venv/bin/python bench/inbox_10k.py --backend sqlite
    .venv/bin/python bench/inbox_10k.py --backend postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import event, func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _server import postgres_url  # noqa: E402

from safeconduct.cases import transitions  # noqa: E402
from safeconduct.cases.casework_models import AuditRecord, TransitionProposal  # noqa: E402
from safeconduct.cases.keys import new_label  # noqa: E402
from safeconduct.cases.models import Case, CaseKeySeal, Message, ReadMark  # noqa: E402
from safeconduct.config import load_settings  # noqa: E402
from safeconduct.crypto import aead, sealing  # noqa: E402
from safeconduct.org import service as org_service  # noqa: E402
from safeconduct.runtime import Runtime  # noqa: E402
from safeconduct.staff import service as staff_service  # noqa: E402
from safeconduct.staff.models import StaffMember  # noqa: E402

PASSWORD = "benchmark password 123"
STATES = ["new_contact", "vetting", "vetting/interview", "advising", "return_requested", "returned", "closed",
          "contact_lost", "rejected"]
LANGUAGES = ["en", "fr", "ar", None]


def build(runtime: Runtime, *, cases: int, messages: int, proposals: int, seed: int = 7) -> dict[str, str]:
    """Bulk-insert the installation; return TOTP secrets (anna is measured, ben proposes, root is the admin)."""
    rnd = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    with runtime.db() as db:
        anna = staff_service.add_staff(db, username="anna", role="caseworker", password=PASSWORD)
        root = staff_service.add_staff(db, username="root", role="admin", password=PASSWORD)
        ben = staff_service.add_staff(db, username="ben", role="caseworker", password=PASSWORD)
        members = {m.username: m for m in db.query(StaffMember)}
    ids = [secrets.token_hex(16) for _ in range(cases)]
    labels: set[str] = set()
    while len(labels) < cases:
        labels.add(new_label())
    case_rows, seal_rows, audit_rows = [], [], []
    for case_id, label in zip(ids, sorted(labels), strict=True):
        created = today - dt.timedelta(days=rnd.randrange(0, 720))
        activity = min(today, created + dt.timedelta(days=rnd.randrange(0, 60)))
        state = rnd.choice(STATES)
        case_rows.append({"id": case_id, "label": label, "state": state, "created_on": created,
                          "opened_on": created, "last_activity_on": activity,
                          "contact_lookup": secrets.token_bytes(32), "contact_public_key": secrets.token_bytes(32),
                          "assignee_id": rnd.choice([anna.staff_id, ben.staff_id, None]),
                          "contact_language": rnd.choice(LANGUAGES)})
        for member in (anna, ben):
            seal_rows.append({"case_id": case_id, "recipient": "staff", "staff_id": member.staff_id,
                              "sealed": secrets.token_bytes(80)})
        if state != "new_contact":
            audit_rows.append({"on": activity, "staff_id": anna.staff_id, "action": "transition",
                               "case_id": case_id, "target": state})
    with runtime.engine.begin() as conn:
        for chunk in range(0, len(case_rows), 2000):
            conn.execute(insert(Case), case_rows[chunk:chunk + 2000])
        for chunk in range(0, len(seal_rows), 5000):
            conn.execute(insert(CaseKeySeal), seal_rows[chunk:chunk + 5000])
        conn.execute(insert(AuditRecord), audit_rows)
        body = secrets.token_bytes(200)
        batch: list[dict[str, object]] = []
        for n in range(messages):
            case_id = ids[rnd.randrange(cases)]
            batch.append({"case_id": case_id, "created_on": today - dt.timedelta(days=rnd.randrange(0, 720)),
                          "ciphertext": body})
            if len(batch) == 10_000 or n == messages - 1:
                conn.execute(insert(Message), batch)
                batch = []
        # what content.post_message keeps with each message: the case's latest message id
        conn.execute(update(Case).values(last_message_id=func.coalesce(
            select(func.max(Message.id)).where(Message.case_id == Case.id).scalar_subquery(), 0)))
        # anna has read most cases up to some point: unread counts vary, a few hundred cases wait for her
        marks = [{"staff_id": anna.staff_id, "case_id": case_id, "last_message_id": messages}
                 for case_id in ids if rnd.random() < 0.95]
        conn.execute(insert(ReadMark), marks)
    # real proposals by ben on real keys sealed to anna and ben (the inbox opens them to see who proposed)
    with runtime.db() as db:
        for case_id in rnd.sample(ids, proposals):
            key = aead.new_key()
            for member in (anna, ben):
                seal = db.query(CaseKeySeal).filter_by(case_id=case_id, staff_id=member.staff_id).one()
                seal.sealed = sealing.seal(members[member.username].public_key, key)
            pid = secrets.token_hex(16)
            data = {"v": 1, "from": "vetting", "to": "advising", "by": "ben", "by_id": ben.staff_id,
                    "why": "bench", "at": dt.datetime.now(dt.UTC).isoformat()}
            db.add(TransitionProposal(id=pid, case_id=case_id, created_on=today, ciphertext=transitions.seal_record(
                key, data, f"proposal:{case_id}:{pid}".encode())))
        db.commit()
    return {"anna": anna.totp_secret, "root": root.totp_secret}


def real_case(client: TestClient, messages: int) -> None:
    """One case through the real contact API (its page decrypts every message)."""
    token = client.get("/api/v1/contact/start-token").json()["start_token"]
    codename = client.post("/api/v1/contact/start", json={"start_token": token}).json()["codename"]
    session = client.post("/api/v1/contact/session", json={"codename": codename}).json()["token"]
    for n in range(messages):
        r = client.post("/api/v1/contact/messages", json={"text": f"message {n} " + "words " * 40},
                        headers={"Authorization": f"Bearer {session}"})
        assert r.status_code == 201, r.text


def log_in(client: TestClient, username: str, totp_secret: str) -> None:
    page = client.get("/staff/login").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = client.post("/staff/login", data={"csrf_token": csrf, "username": username, "password": PASSWORD,
                                          "totp": pyotp.TOTP(totp_secret).now()})
    assert r.status_code == 303, r.text


def timed(client: TestClient, url: str, runs: int) -> tuple[float, float, float, float]:
    """Wall-clock median, p95 and max, and the median CPU time of this process (server work plus the
    in-process client's small share): on a shared machine the CPU time is what the page itself costs."""
    for _ in range(2):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[-600:])
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        r = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], samples[-1], \
        statistics.median(cpu)


class QueryTimes:
    """PostgreSQL only: the database's own execution time for the SELECTs of one request (EXPLAIN ANALYZE
    of each statement it ran, summed), so the figure does not depend on how busy the client side is."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.captured, self.on, self.plans = engine, [], False, False
        event.listen(engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                 _many: bool) -> None:
        if self.on and statement.lstrip().upper().startswith(("SELECT", "SET")):
            self.captured.append((statement, parameters))

    def database_ms(self, client: TestClient, url: str, runs: int = 5) -> float:
        totals = []
        for _ in range(runs):
            self.captured, self.on = [], True
            assert client.get(url).status_code == 200
            self.on = False
            total = 0.0
            with self.engine.connect() as conn:
                for statement, parameters in self.captured:
                    if statement.lstrip().upper().startswith("SET"):  # the request's settings, e.g. jit
                        conn.exec_driver_sql(statement, parameters)
                        continue
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
                    total += float(plan[0]["Execution Time"])
                    if self.plans and len(totals) == 0 and float(plan[0]["Execution Time"]) > 5:
                        text_plan = conn.exec_driver_sql("EXPLAIN (ANALYZE) " + statement, parameters).scalars()
                        took = float(plan[0]["Execution Time"])
                        print(f"\n{url}: {took:.1f} ms\n{statement}\n" + "\n".join(text_plan))
                conn.rollback()
            totals.append(total)
        return statistics.median(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plans", action="store_true", help="PostgreSQL: print the plan of each statement over 5 ms")
    args = parser.parse_args()
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sc-inbox-")))
        kwargs = {"database_url": stack.enter_context(postgres_url())} if args.backend == "postgres" else {}
        settings = load_settings(data, **kwargs)
        runtime = Runtime.open(settings)
        with runtime.db() as db:
            org_service.initialise(settings, runtime.engine, db, name="Bench organisation")
        started = time.perf_counter()
        who = build(runtime, cases=args.cases, messages=args.messages, proposals=args.proposals)
        print(f"built {args.cases} cases, {args.messages} messages, {args.proposals} proposals on "
              f"{args.backend} in {time.perf_counter() - started:.1f} s", flush=True)
        if args.backend == "postgres":
            with runtime.engine.begin() as conn:  # committed: statistics of a rolled-back ANALYZE are lost
                conn.exec_driver_sql("ANALYZE")
        from safeconduct.web.app import create_app

        client = stack.enter_context(TestClient(create_app(runtime), base_url="http://testserver",
                                                follow_redirects=False))
        real_case(client, 20)
        admin = stack.enter_context(TestClient(client.app, base_url="http://testserver", follow_redirects=False))
        log_in(client, "anna", who["anna"])
        log_in(admin, "root", who["root"])
        with runtime.db() as db:  # the one case with a contact's seal is the real one
            real_id = db.query(CaseKeySeal.case_id).filter_by(recipient="contact").scalar()
        pages = [
            ("inbox", "/staff"),
            ("inbox, filtered (state + language + assignee)", "/staff?state=vetting&language=ar&assignee=me"),
            ("inbox, waiting for me", "/staff?waiting=me"),
            ("inbox, search by label", "/staff?q=AB"),
            ("inbox, page 100, sorted by state", "/staff?sort=state&page=100"),
            ("API GET /api/v1/staff/inbox?waiting=me", "/api/v1/staff/inbox?waiting=me"),
            ("case page (20 messages)", f"/staff/cases/{real_id}"),
            ("statistics page", "/staff/stats"),
        ]
        explain = QueryTimes(runtime.engine) if args.backend == "postgres" else None
        if explain:
            explain.plans = args.plans
        load_before = os.getloadavg()
        results = [(name, url, *timed(admin if "stats" in url else client, url, args.runs)) for name, url in pages]
        db_ms = {url: explain.database_ms(admin if "stats" in url else client, url) for _n, url in pages} \
            if explain else {}
        load_after = os.getloadavg()
        print(f"\nbackend {args.backend}, {args.runs} runs each, load average before {load_before[0]:.2f} "
              f"after {load_after[0]:.2f} ({os.cpu_count()} cores)")
        print("| page | CPU (median) | database (median) | wall median | wall p95 | wall max |\n"
              "| --- | --- | --- | --- | --- | --- |")
        for name, url, med, p95, top, cpu in results:
            database = f"{db_ms[url]:.0f} ms" if url in db_ms else "in CPU"
            print(f"| {name} | {cpu:.0f} ms | {database} | {med:.0f} ms | {p95:.0f} ms | {top:.0f} ms |")
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
