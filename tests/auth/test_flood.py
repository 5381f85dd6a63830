"""A flood slows everyone down but never shuts out the person who holds the secret (audit findings 2 and 4)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import nacl.pwhash.argon2id as argon2id
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from safeconduct.crypto.argon2_gate import Argon2Gate, gate
from safeconduct.staff import service as staff_service
from safeconduct.staff.models import StaffMember
from tests.conftest import Installation, LiveServer, client_for, make_installation
from tests.flows import bearer, start_contact

FLOOD = 150  # more than the 120 a minute the old installation-wide counter allowed


@pytest.fixture
def cheap_codename_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the codename's slow hash fast, so a flood of 150 attempts takes seconds (the cost is not tested)."""

    def kdf(size: int, password: bytes, salt: bytes, *, opslimit: int, memlimit: int) -> bytes:
        return hashlib.blake2b(password, key=salt, digest_size=64).digest()[:size]

    monkeypatch.setattr(argon2id, "kdf", kdf)


@pytest.fixture
def cheap_dummy_password_hash(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Unknown usernames are checked against a cheap dummy hash (real accounts keep their real cost)."""
    staff_service._dummy_hash.cache_clear()
    monkeypatch.setattr(staff_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    staff_service._dummy_hash.cache_clear()


def test_a_flood_of_wrong_codenames_never_keeps_the_holder_out(sqlite_installation: Installation,
                                                              cheap_codename_hash: None) -> None:
    with client_for(sqlite_installation) as client:
        codename, _ = start_contact(client, first_message="I want to come home")
        for n in range(FLOOD):
            r = client.post("/api/v1/contact/session", json={"codename": f"wrong guess number {n} a b c"})
            assert r.status_code == 401, r.text
        r = client.post("/api/v1/contact/session", json={"codename": codename})
        assert r.status_code == 200, r.text  # was 429: the right codename shut out by the flood
        messages = client.get("/api/v1/contact/messages", headers=bearer(r.json()["token"])).json()["messages"]
        assert [m["text"] for m in messages] == ["I want to come home"]


def test_a_flood_of_unknown_usernames_never_keeps_a_caseworker_out(sqlite_installation: Installation,
                                                                   cheap_dummy_password_hash: None) -> None:
    login = sqlite_installation.add_staff("anna")
    with client_for(sqlite_installation) as client:
        for n in range(FLOOD):
            r = client.post("/api/v1/staff/session", json={"username": f"nobody{n}", "password": "x" * 12,
                                                           "totp": "123456"})
            assert r.status_code == 401, r.text
        r = client.post("/api/v1/staff/session", json={"username": "anna", "password": login.password,
                                                       "totp": login.code()})
        assert r.status_code == 200, r.text


def test_guesses_without_either_factor_never_lock_a_caseworker_out(tmp_path: Path) -> None:
    inst = make_installation(tmp_path / "data", None, "sqlite", staff_failures_before_lock=3)
    login = inst.add_staff("ben")
    with client_for(inst) as client:
        for n in range(10):  # more than three times the lock threshold
            r = client.post("/api/v1/staff/session", json={"username": "ben", "password": f"guess number {n}!",
                                                           "totp": "000000" if login.code() != "000000" else "111111"})
            assert r.status_code == 401
        with inst.runtime.db() as db:
            member = db.scalar(select(StaffMember).where(StaffMember.username == "ben"))
            assert member is not None and member.locked_until is None and member.failed_logins == 0
        r = client.post("/api/v1/staff/session", json={"username": "ben", "password": login.password,
                                                       "totp": login.code()})
        assert r.status_code == 200, r.text
    inst.runtime.engine.dispose()


def test_a_stolen_code_generator_alone_cannot_lock_a_sealed_account(tmp_path: Path) -> None:
    """Whoever holds only the phone cannot lock the owner out: with the TOTP secret sealed behind the
    password, a right code with a wrong password is indistinguishable from a stranger's guess, so it is not
    counted (the guesses stay slowed by the Argon2id queue); the owner still gets in."""
    inst = make_installation(tmp_path / "data", None, "sqlite", staff_failures_before_lock=3)
    login = inst.add_staff("carl")
    with client_for(inst) as client:
        for n in range(4):
            r = client.post("/api/v1/staff/session", json={"username": "carl", "password": f"guess number {n}!",
                                                           "totp": login.code()})
            assert r.status_code == 401
        r = client.post("/api/v1/staff/session", json={"username": "carl", "password": login.password,
                                                       "totp": login.code()})
        assert r.status_code == 200
    with inst.runtime.db() as db:
        assert db.scalar(select(StaffMember.locked_until).where(StaffMember.username == "carl")) is None
    inst.runtime.engine.dispose()


class _Instrumented:
    """Counts Argon2id work in progress; the first `slots + 1` entrants wait for each other.

    With the bound, at most `slots` are ever inside: the barrier never fills and breaks after its timeout,
    after which nobody waits. Without the bound, `slots + 1` get in together and the peak shows it.
    """

    def __init__(self, slots: int) -> None:
        self.lock = threading.Lock()
        self.active = self.peak = self.calls = 0
        self.barrier = threading.Barrier(slots + 1, timeout=2)

    def __call__(self, real: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.active += 1
            self.calls += 1
            self.peak = max(self.peak, self.active)
        try:
            try:
                self.barrier.wait()
            except threading.BrokenBarrierError:
                pass
            return real(*args, **kwargs)
        finally:
            with self.lock:
                self.active -= 1


def test_argon2id_work_is_bounded_whatever_the_flood(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many parallel starts and log-ins (codename and staff): never more than `argon2_concurrency` at once."""
    inst = make_installation(tmp_path / "data", None, "sqlite", argon2_concurrency=2)
    login = inst.add_staff("dora")
    probe = _Instrumented(slots=2)
    real_kdf, real_hasher = argon2id.kdf, staff_service._hasher

    class Hasher:
        def verify(self, hashed: str, password: str) -> bool:
            return bool(probe(real_hasher.verify, hashed, password))

    monkeypatch.setattr(argon2id, "kdf", lambda *a, **kw: probe(real_kdf, *a, **kw))
    monkeypatch.setattr(staff_service, "_hasher", Hasher())
    try:
        with LiveServer(inst) as server, httpx.Client(base_url=server.url, timeout=120) as client:
            tokens = [client.get("/api/v1/contact/start-token").json()["start_token"] for _ in range(12)]

            def start(token: str) -> int:
                return client.post("/api/v1/contact/start", json={"start_token": token}).status_code

            def staff_login(_: int) -> int:
                return client.post("/api/v1/staff/session", json={
                    "username": "dora", "password": login.password, "totp": login.code()}).status_code

            def wrong_codename(n: int) -> int:
                return client.post("/api/v1/contact/session", json={"codename": f"wrong {n}"}).status_code

            with ThreadPoolExecutor(max_workers=16) as pool:
                starts = [pool.submit(start, t) for t in tokens]
                guesses = [pool.submit(wrong_codename, n) for n in range(6)]
                staff = pool.submit(staff_login, 0)
                assert [f.result() for f in starts] == [201] * 12
                assert [f.result() for f in guesses] == [401] * 6
                assert staff.result() == 200
    finally:
        gate.configure(2)
        inst.runtime.engine.dispose()
    assert probe.calls >= 12 + 6 + 1
    assert probe.peak <= 2, f"{probe.peak} Argon2id derivations ran at once"


def test_the_gate_serves_in_arrival_order() -> None:
    """First come, first served: a late flood cannot overtake someone already waiting."""
    fair = Argon2Gate(1)
    order: list[int] = []
    inside = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with fair.slot():
            inside.set()
            release.wait(timeout=10)

    def waiter(n: int, queued: threading.Event) -> None:
        queued.set()
        with fair.slot():
            order.append(n)

    first = threading.Thread(target=holder)
    first.start()
    assert inside.wait(timeout=10)
    threads = []
    for n in range(5):  # queue them one after another, each surely waiting before the next arrives
        queued = threading.Event()
        t = threading.Thread(target=waiter, args=(n, queued))
        t.start()
        assert queued.wait(timeout=10)
        _wait_until_waiting(fair, n + 1)
        threads.append(t)
    release.set()
    for t in (first, *threads):
        t.join(timeout=10)
    assert order == [0, 1, 2, 3, 4]


def _wait_until_waiting(fair: Argon2Gate, n: int) -> None:
    """Block until `n` callers are queued (the gate's own condition tells us, no sleeping)."""
    with fair._cond:
        assert fair._cond.wait_for(lambda: len(fair._queue) >= n, timeout=10)
