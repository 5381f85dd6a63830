"""append_event: chained, signed, logged, sealed — inside the caller's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safeconduct.ledger import chain, log, merkle, service
from safeconduct.ledger.commitments import commit
from safeconduct.ledger.models import LedgerEntry, LogState, MerkleNode
from tests.ledger.conftest import T0

CASE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
OTHER = "ffeeddccbbaa99887766554433221100"


def append(db: Session, key: SigningKey, case_key: bytes, case_id: str = CASE, kind: str = "message_in",
           text: bytes = b"hello", minutes: int = 0) -> LedgerEntry:
    _nonce, c = commit(text)
    return service.append_event(db, case_id=case_id, kind=kind, commitment=c, at=T0 + dt.timedelta(minutes=minutes),
                                signing_key=key, case_key=case_key)


def test_events_form_a_signed_chain_per_case_and_share_one_log(db: Session, org_key: SigningKey,
                                                              case_key: bytes) -> None:
    a0 = append(db, org_key, case_key)
    b0 = append(db, org_key, case_key, case_id=OTHER)
    a1 = append(db, org_key, case_key, kind="reply_out", minutes=5)
    db.commit()
    assert (a0.seq, a1.seq, b0.seq) == (0, 1, 0)
    assert a0.prev_hash == chain.GENESIS and a1.prev_hash == a0.entry_hash
    assert (a0.leaf_index, b0.leaf_index, a1.leaf_index) == (0, 1, 2)
    assert service.check_case_chain(db, CASE, org_key.verify_key) == 2
    events = service.open_events(service.case_entries(db, CASE), case_key)
    assert [(e.kind, e.at) for e in events] == [("message_in", "2026-03-02T09:15:00Z"),
                                                ("reply_out", "2026-03-02T09:20:00Z")]


def test_merkle_log_in_the_database_matches_the_in_memory_reference(db: Session, org_key: SigningKey,
                                                                    case_key: bytes) -> None:
    reference = merkle.MemoryTree()
    for i in range(13):
        entry = append(db, org_key, case_key, case_id=CASE if i % 3 else OTHER, minutes=i)
        reference.append_leaf(chain.head_message(entry.entry_hash))
    db.commit()
    assert log.current_size(db) == 13
    for size in range(1, 14):
        assert log.root_at(db, size) == reference.root(size)
        for index in range(size):
            assert log.inclusion_proof(db, index, size) == reference.inclusion_proof(index, size)
        for old in range(size + 1):
            assert log.consistency_proof(db, old, size) == reference.consistency_proof(old, size)
    head = log.sign_tree_head(db, org_key, now=T0)
    org_key.verify_key.verify(head.message(), head.signature)
    assert head.root_hash == reference.root()


def test_nothing_is_written_when_the_caller_rolls_back(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    append(db, org_key, case_key)
    db.commit()
    append(db, org_key, case_key, minutes=1)
    db.rollback()
    assert db.scalars(select(LedgerEntry)).all().__len__() == 1
    assert db.get(LogState, 1).tree_size == 1  # type: ignore[union-attr]
    assert len(db.scalars(select(MerkleNode)).all()) == 1
    again = append(db, org_key, case_key, minutes=2)
    assert (again.seq, again.leaf_index) == (1, 1)


def test_exact_time_and_kind_are_not_stored_in_the_clear(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    entry = append(db, org_key, case_key, kind="vetting_decision")
    db.commit()
    row = db.execute(select(LedgerEntry.__table__)).one()
    clear = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
    for secret in (b"vetting_decision", b"2026-03-02", b"09:15"):
        assert secret not in clear
    with pytest.raises(service.LedgerIntegrityError, match="does not decrypt"):
        service.open_events([entry], bytes(32))


def test_tampering_in_the_database_is_found_by_the_audit(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    append(db, org_key, case_key)
    append(db, org_key, case_key, minutes=1)
    db.commit()
    service.case_entries(db, CASE)[1].commitment = commit(b"other words")[1]
    db.commit()
    with pytest.raises(service.LedgerIntegrityError, match="entry 1 hash"):
        service.check_case_chain(db, CASE, org_key.verify_key)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"case_id": "NOT-HEX"}, "case id"),
        ({"kind": "Message In"}, "kind"),
        ({"at": dt.datetime(2026, 1, 1)}, "timezone-aware"),
        ({"commitment": b"short"}, "commitment"),
        ({"case_key": b"k"}, "case key"),
    ],
)
def test_bad_event_inputs_are_refused_before_anything_is_written(db: Session, org_key: SigningKey, case_key: bytes,
                                                                changes: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"case_id": CASE, "kind": "note", "commitment": commit(b"x")[1], "at": T0,
                               "signing_key": org_key, "case_key": case_key}
    args.update(changes)
    with pytest.raises(chain.ChainError, match=message):
        service.append_event(db, **args)  # type: ignore[arg-type]
    assert db.scalars(select(LedgerEntry)).all() == []
    assert log.current_size(db) == 0


def test_proof_requests_outside_the_log_are_refused(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    for i in range(3):
        append(db, org_key, case_key, minutes=i)
    db.commit()
    with pytest.raises(log.LogError, match="no leaf 3 in a tree of size 3"):
        log.inclusion_proof(db, 3, 3)
    with pytest.raises(log.LogError, match="no leaf 0 in a tree of size 4"):
        log.inclusion_proof(db, 0, 4)
    with pytest.raises(log.LogError, match="from size 3 to 2"):
        log.consistency_proof(db, 3, 2)
    with pytest.raises(log.LogError, match="timezone-aware"):
        log.sign_tree_head(db, org_key, now=dt.datetime(2026, 1, 1))


def test_a_missing_merkle_node_is_reported_not_guessed(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    for i in range(4):
        append(db, org_key, case_key, minutes=i)
    db.commit()
    db.execute(MerkleNode.__table__.delete().where(MerkleNode.level == 1))
    with pytest.raises(log.LogError, match=r"Merkle node \(1, 0\) is missing"):
        log.inclusion_proof(db, 2, 3)


def test_bundles_are_built_only_from_whole_open_chains(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    from safeconduct.ledger import bundle

    for i in range(3):
        append(db, org_key, case_key, minutes=i)
    db.commit()
    events = service.open_events(service.case_entries(db, CASE), case_key)
    head = log.sign_tree_head(db, org_key, now=T0)

    def build(evs: list[chain.ChainEvent], **kw: object) -> bytes:
        return bundle.build(bundle.BundleContent(case_id=CASE, public_key=bytes(org_key.verify_key), events=evs,
                                                 content={}, tree_head=head, head_leaf_index=2, inclusion_path=[]),
                            **kw)  # type: ignore[arg-type]

    with pytest.raises(bundle.BundleError, match="whole chain from seq 0"):
        build(events[1:])
    with pytest.raises(bundle.BundleError, match="no ledger events"):
        build([])
    sealed = [chain.ChainEvent(**{**e.__dict__, "kind": None, "at": None, "meta_nonce": None}) for e in events]
    with pytest.raises(bundle.BundleError, match="event 1: its metadata is not open"):
        build(sealed, reveal_metadata=[1])
