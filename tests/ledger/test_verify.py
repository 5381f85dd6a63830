"""`verify` says what holds, and names the first broken link for every kind of tampering."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.ledger import bundle, chain, service
from safeconduct.ledger.verify import VerificationError, fingerprint, verify_bundle
from tests.ledger.conftest import T0
from tests.ledger.helpers import CASE, make_bundle, make_case

T_EXPORT = T0 + dt.timedelta(days=40)


def unzip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def rezip(members: list[tuple[str, bytes]]) -> bytes:
    return bundle.zip_members(members)


def edit_events(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    members = unzip(data)
    out = []
    for name, blob in members:
        if name == "events.json":
            records = json.loads(blob)
            change(records)
            blob = bundle.canonical_json(records)
        out.append((name, blob))
    return rezip(out)


@pytest.fixture
def good(db: Session, org_key: SigningKey, case_key: bytes) -> bytes:
    return make_bundle(db, org_key, case_key)


def test_an_honest_bundle_says_exactly_what_holds(good: bytes, org_key: SigningKey) -> None:
    report = verify_bundle(good, expect_key=fingerprint(bytes(org_key.verify_key)))
    summary = report.summary()
    fp = fingerprint(bytes(org_key.verify_key))
    assert summary.startswith(
        f"12 events, 9 disclosed, chain intact, signed by key {fp}, first event 2026-03-02T09:15:00Z")
    assert "log of 36 entries" in summary
    assert report.events[0].content is not None and "aussteigen" in report.events[0].content.decode()
    assert [e.kind for e in report.events[9:]] == [None, None, None]
    verify_bundle(good, expect_key=bytes(org_key.verify_key).hex())


def test_undisclosed_events_show_no_kind_time_or_text(good: bytes) -> None:
    events = json.loads(dict(unzip(good))["events.json"])
    assert events[10]["meta"] is None and events[10]["content"] is None
    assert not any(name.startswith("disclosed/00001") for name, _ in unzip(good))


def test_changing_any_single_byte_of_the_bundle_is_detected(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    small = make_bundle(db, org_key, case_key, n=3, disclose=2)
    for position in range(len(small)):
        flipped = bytearray(small)
        flipped[position] ^= 0x01
        with pytest.raises(VerificationError):
            verify_bundle(bytes(flipped))


def test_a_dropped_event_is_named(good: bytes) -> None:
    with pytest.raises(VerificationError, match=r"event 4: found seq 5 where seq 4 belongs"):
        verify_bundle(edit_events(good, lambda r: r.pop(4)))


def test_dropping_and_renumbering_breaks_the_link(good: bytes) -> None:
    def drop(records: list[dict]) -> None:
        records.pop(4)
        for i, r in enumerate(records):
            r["seq"] = i

    with pytest.raises(VerificationError, match=r"event 4: does not link to event 3"):
        verify_bundle(edit_events(good, drop))


def test_dropping_the_last_event_is_caught_by_the_merkle_proof(good: bytes) -> None:
    def drop_last(members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        out = []
        for name, blob in members:
            if name == "events.json":
                blob = bundle.canonical_json(json.loads(blob)[:-1])
            if name == "manifest.json":
                m = json.loads(blob)
                m["events"] = 11
                blob = bundle.canonical_json(m)
            out.append((name, blob))
        return out

    with pytest.raises(VerificationError, match=r"chain head \(event 10\) is not in the signed Merkle tree"):
        verify_bundle(rezip(drop_last(unzip(good))))


def test_two_reordered_events_are_named(good: bytes) -> None:
    def swap(records: list[dict]) -> None:
        records[2], records[3] = records[3], records[2]

    with pytest.raises(VerificationError, match=r"event 2: found seq 3"):
        verify_bundle(edit_events(good, swap))

    def swap_and_renumber(records: list[dict]) -> None:
        records[2], records[3] = records[3], records[2]
        records[2]["seq"], records[3]["seq"] = 2, 3

    with pytest.raises(VerificationError, match=r"event 2: does not link to event 1"):
        verify_bundle(edit_events(good, swap_and_renumber))


def test_a_swapped_disclosed_text_is_named(good: bytes) -> None:
    members = unzip(good)
    texts = {n: b for n, b in members if n.startswith("disclosed/")}
    swapped = [(n, texts["disclosed/000001.txt"] if n == "disclosed/000005.txt" else b) for n, b in members]
    with pytest.raises(VerificationError, match=r"event 5: disclosed text disclosed/000005.txt does not match"):
        verify_bundle(rezip(swapped))
    altered = [(n, b.replace(b"aussteigen", b"einsteigen") if n == "disclosed/000002.txt" else b) for n, b in members]
    with pytest.raises(VerificationError, match=r"event 2: disclosed text"):
        verify_bundle(rezip(altered))


def test_a_changed_time_or_kind_is_named(good: bytes) -> None:
    def later(records: list[dict]) -> None:
        records[0]["meta"]["at"] = "2026-03-01T09:15:00Z"

    with pytest.raises(VerificationError, match=r"event 0: its kind or time was changed"):
        verify_bundle(edit_events(good, later))


def test_a_bundle_signed_with_another_key_fails(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    disclosures = make_case(db, org_key, case_key)
    intruder = SigningKey(bytes(32))
    events = service.open_events(service.case_entries(db, CASE), case_key)
    resigned = [chain.ChainEvent(**{**e.__dict__, "signature": chain.sign_head(intruder, e.entry_hash)})
                for e in events]
    exported = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                                     disclosures=disclosures, now=T_EXPORT)
    honest = json.loads(dict(unzip(exported))["inclusion.json"])
    head = chain.SignedTreeHead(36, b"\x00" * 32, 0, b"")
    forged = bundle.build(bundle.BundleContent(
        case_id=CASE, public_key=bytes(org_key.verify_key), events=resigned, content={}, tree_head=head,
        head_leaf_index=honest["leaf_index"], inclusion_path=[]))
    with pytest.raises(VerificationError, match=r"event 0: signature does not verify with key"):
        verify_bundle(forged)


def test_a_bundle_from_another_organisation_is_refused_with_expect_key(good: bytes) -> None:
    other = fingerprint(bytes(SigningKey(bytes(32)).verify_key))
    with pytest.raises(VerificationError, match=r"not by the expected key .*another organisation"):
        verify_bundle(good, expect_key=other)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a zip", b"PK\x03\x04 truncated"])
def test_something_that_is_not_a_zip_is_refused(data: bytes) -> None:
    with pytest.raises(VerificationError, match="not a zip archive"):
        verify_bundle(data)


def test_a_zip_that_is_not_a_bundle_is_refused() -> None:
    with pytest.raises(VerificationError, match="manifest.json is missing"):
        verify_bundle(rezip([("holiday.jpg", b"\xff\xd8")]))


def test_an_extra_file_smuggled_in_is_refused(good: bytes) -> None:
    with pytest.raises(VerificationError, match="which no event refers to"):
        verify_bundle(rezip([*unzip(good), ("disclosed/000011.txt", b"planted")]))


def test_a_recompressed_bundle_is_flagged_as_container_change(good: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, blob in unzip(good):
            zf.writestr(name, blob)
    with pytest.raises(VerificationError, match="zip container was altered"):
        verify_bundle(out.getvalue())


def test_export_refuses_a_text_that_opens_no_event(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    make_case(db, org_key, case_key, n=2)
    with pytest.raises(bundle.BundleError, match="does not open any event"):
        service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                              disclosures=[bundle.Disclosure(bytes(32), b"invented")], now=T_EXPORT)


def test_export_of_a_case_without_events_is_refused(db: Session, org_key: SigningKey, case_key: bytes) -> None:
    with pytest.raises(bundle.BundleError, match="no ledger events"):
        service.export_bundle(db, case_id="abcd", case_key=case_key, signing_key=org_key, disclosures=[], now=T_EXPORT)



def test_a_bad_signature_before_a_broken_link_is_reported_first(good: bytes) -> None:
    def damage(records: list[dict]) -> None:
        records[2]["signature"] = "00" * 64
        records.pop(6)

    with pytest.raises(VerificationError, match=r"^event 2: signature does not verify"):
        verify_bundle(edit_events(good, damage))


def test_signatures_of_long_chains_are_checked_in_parallel_and_in_order(db: Session, org_key: SigningKey,
                                                                       case_key: bytes) -> None:
    disclosures = make_case(db, org_key, case_key, n=600, noise_cases=0)
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                                 disclosures=disclosures[:1], now=T_EXPORT)
    assert verify_bundle(data).summary().startswith("600 events, 1 disclosed, chain intact")

    def damage(records: list[dict]) -> None:
        for i in (450, 333):
            records[i]["signature"] = "11" * 64

    with pytest.raises(VerificationError, match=r"^event 333: signature does not verify"):
        verify_bundle(edit_events(data, damage))


def test_bundle_discloses_no_metadata_the_person_did_not_choose(db: Session, org_key: SigningKey,
                                                                 case_key: bytes) -> None:
    disclosures = make_case(db, org_key, case_key, n=5)
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key,
                                 disclosures=[disclosures[1]], reveal_metadata=[3], now=T_EXPORT)
    report = verify_bundle(data)
    assert [(e.kind is not None, e.content is not None) for e in report.events] == [
        (False, False), (True, True), (False, False), (True, False), (False, False)]
    assert "time of first event withheld" in report.summary()
    raw = b"".join(blob for _name, blob in unzip(data))
    for hidden in (b"2026-03-02", b"2026-03-04", b"2026-03-06", b"Ereignis 0", b"Ereignis 3"):
        assert hidden not in raw
    with pytest.raises(bundle.BundleError, match="no event with seq 9"):
        service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key, disclosures=[],
                              reveal_metadata=[9], now=T_EXPORT)


def test_oversized_members_are_refused_before_unpacking(good: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from safeconduct.ledger import verify

    monkeypatch.setattr(verify, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(VerificationError, match="larger than any bundle member may be"):
        verify_bundle(good)
    monkeypatch.setattr(verify, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(VerificationError, match="zip bomb"):
        verify_bundle(good)
