"""RFC 3161 timestamps of tree heads, against a local authority the test suite starts."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from safeconduct.ledger import bundle, service, timestamps
from safeconduct.ledger.models import TreeHead
from safeconduct.ledger.timestamps import TimestampError, request_timestamp, verify_timestamp
from safeconduct.ledger.verify import VerificationError, fingerprint, verify_bundle
from tests.ledger.conftest import T0
from tests.ledger.helpers import CASE, make_case
from tests.ledger.test_cli import app
from tests.ledger.tsa import LocalAuthority, local_authority


@pytest.fixture(scope="module")
def tsa() -> Iterator[LocalAuthority]:
    with local_authority() as authority:
        yield authority


@pytest.fixture(scope="module")
def other_tsa() -> Iterator[LocalAuthority]:
    with local_authority("Impostor TSA") as authority:
        yield authority


def stamped_bundle(db: Session, key: SigningKey, case_key: bytes, tsa: LocalAuthority) -> bytes:
    disclosures = make_case(db, key, case_key, n=4)
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=key, disclosures=disclosures[:2],
                                 now=T0 + dt.timedelta(days=5),
                                 timestamper=functools.partial(request_timestamp, tsa.url),
                                 timestamp_roots_pem=tsa.root_pem)
    db.commit()
    return data


def test_a_token_proves_the_exact_message_to_the_configured_roots(tsa: LocalAuthority,
                                                                  other_tsa: LocalAuthority) -> None:
    token = request_timestamp(tsa.url, b"tree head bytes")
    stamp = verify_timestamp(token, b"tree head bytes", roots_pem=tsa.root_pem)
    assert stamp.authority == "CN=Test Timestamp Authority"
    assert abs(stamp.time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    with pytest.raises(TimestampError, match="does not verify"):
        verify_timestamp(token, b"other bytes", roots_pem=tsa.root_pem)
    with pytest.raises(TimestampError, match="does not verify"):
        verify_timestamp(token, b"tree head bytes", roots_pem=other_tsa.root_pem)
    with pytest.raises(TimestampError, match="damaged"):
        verify_timestamp(token[:100], b"tree head bytes", roots_pem=tsa.root_pem)
    with pytest.raises(TimestampError, match="not PEM"):
        verify_timestamp(token, b"tree head bytes", roots_pem=b"junk")


def test_an_unreachable_or_wrong_authority_is_a_clear_error() -> None:
    with pytest.raises(TimestampError, match="did not answer"):
        timestamps.request_timestamp("http://127.0.0.1:9/tsa", b"x", timeout=2)


def test_bundle_with_timestamp_verifies_and_says_who_stamped_it(db: Session, org_key: SigningKey, case_key: bytes,
                                                                tsa: LocalAuthority) -> None:
    data = stamped_bundle(db, org_key, case_key, tsa)
    report = verify_bundle(data, tsa_roots_pem=tsa.root_pem)
    assert "tree head timestamped" in report.summary()
    assert "by CN=Test Timestamp Authority (RFC 3161)" in report.summary()
    assert db.scalars(select(TreeHead.tree_size)).one() == 12


def test_a_timestamp_from_an_authority_the_checker_does_not_trust_fails(db: Session, org_key: SigningKey,
                                                                       case_key: bytes, tsa: LocalAuthority,
                                                                       other_tsa: LocalAuthority) -> None:
    data = stamped_bundle(db, org_key, case_key, tsa)
    with pytest.raises(VerificationError, match="timestamp of the tree head: the timestamp token does not verify"):
        verify_bundle(data, tsa_roots_pem=other_tsa.root_pem)


def test_a_swapped_timestamp_token_fails(db: Session, org_key: SigningKey, case_key: bytes,
                                         tsa: LocalAuthority) -> None:
    data = stamped_bundle(db, org_key, case_key, tsa)
    foreign = request_timestamp(tsa.url, b"some other tree head")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i.filename, foreign if i.filename == "timestamp/tree_head.tsr" else zf.read(i))
                   for i in zf.infolist()]
    with pytest.raises(VerificationError, match="Mismatch between messages"):
        verify_bundle(bundle.zip_members(members))


def test_requiring_a_timestamp_refuses_a_bundle_without_one(db: Session, org_key: SigningKey, case_key: bytes,
                                                            tsa: LocalAuthority, tmp_path: Path) -> None:
    disclosures = make_case(db, org_key, case_key, n=2)
    data = service.export_bundle(db, case_id=CASE, case_key=case_key, signing_key=org_key, disclosures=disclosures,
                                 now=T0 + dt.timedelta(days=5))
    with pytest.raises(VerificationError, match="no RFC 3161 timestamp"):
        verify_bundle(data, tsa_roots_pem=tsa.root_pem)
    (tmp_path / "b.zip").write_bytes(data)
    (tmp_path / "root.pem").write_bytes(tsa.root_pem)
    result = CliRunner().invoke(app(), ["verify", str(tmp_path / "b.zip"), "--tsa-root", str(tmp_path / "root.pem")])
    assert result.exit_code == 1 and "no RFC 3161 timestamp" in result.output


def test_a_timestamp_checked_only_against_roots_shipped_in_the_bundle_is_not_confirmed(
        db: Session, org_key: SigningKey, case_key: bytes, tsa: LocalAuthority, tmp_path: Path) -> None:
    data = stamped_bundle(db, org_key, case_key, tsa)
    report = verify_bundle(data)
    assert report.timestamp_time is not None and not report.timestamp_confirmed
    assert "tree head timestamped" not in report.summary()
    assert ("timestamp present (" in report.summary() and "by CN=Test Timestamp Authority (RFC 3161)) but its "
            "authority is not confirmed" in report.summary())
    (tmp_path / "b.zip").write_bytes(data)
    (tmp_path / "root.pem").write_bytes(tsa.root_pem)
    pin = fingerprint(bytes(org_key.verify_key))
    result = CliRunner().invoke(app(), ["verify", str(tmp_path / "b.zip"), "--expect-key", pin, "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["timestamp"]["authority_confirmed"] is False
    result = CliRunner().invoke(app(), ["verify", str(tmp_path / "b.zip"), "--expect-key", pin])
    assert result.exit_code == 0 and "timestamp present" in result.output and "not confirmed" in result.output
    result = CliRunner().invoke(app(), ["verify", str(tmp_path / "b.zip"), "--expect-key", pin,
                                        "--tsa-root", str(tmp_path / "root.pem")])
    assert result.exit_code == 0, result.output
    assert "tree head timestamped" in result.output and "authority confirmed by the root you gave" in result.output
    assert "not confirmed" not in result.output


def test_a_timestamp_from_an_authority_of_the_forgers_own_is_never_confirmed(
        db: Session, org_key: SigningKey, case_key: bytes, tsa: LocalAuthority, other_tsa: LocalAuthority) -> None:
    forged = stamped_bundle(db, org_key, case_key, other_tsa)  # stamped by an authority that ships its own root
    report = verify_bundle(forged)
    assert not report.timestamp_confirmed and "CN=Impostor TSA (RFC 3161)) but its authority is not confirmed" in \
        report.summary()
    with pytest.raises(VerificationError, match="timestamp of the tree head: the timestamp token does not verify"):
        verify_bundle(forged, tsa_roots_pem=tsa.root_pem)
