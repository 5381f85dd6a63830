"""`safeconduct verify`: exit status and the one line a person reads."""

from __future__ import annotations

from pathlib import Path

import typer
from nacl.signing import SigningKey
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from safeconduct.cli import ledger as ledger_cli
from safeconduct.ledger.verify import fingerprint
from tests.ledger.helpers import make_bundle


def app() -> typer.Typer:
    application = typer.Typer()
    ledger_cli.register(application)
    return application


def test_verify_prints_what_holds_and_exits_zero(tmp_path: Path, db: Session, org_key: SigningKey,
                                                 case_key: bytes) -> None:
    path = tmp_path / "case.zip"
    path.write_bytes(make_bundle(db, org_key, case_key))
    fp = fingerprint(bytes(org_key.verify_key))
    result = CliRunner().invoke(app(), ["verify", str(path), "--expect-key", fp])
    assert result.exit_code == 0, result.output
    expected = f"VERIFIED: 12 events, 9 disclosed, chain intact, signed by key {fp}, first event 2026-03-02"
    assert expected in result.output


def test_verify_fails_non_zero_naming_the_broken_link(tmp_path: Path, db: Session, org_key: SigningKey,
                                                      case_key: bytes) -> None:
    path = tmp_path / "case.zip"
    data = bytearray(make_bundle(db, org_key, case_key))
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))
    result = CliRunner().invoke(app(), ["verify", str(path)])
    assert result.exit_code == 1
    assert "NOT VERIFIED:" in result.output


def test_verify_of_a_file_that_is_not_a_zip_or_missing(tmp_path: Path) -> None:
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    result = CliRunner().invoke(app(), ["verify", str(pdf)])  # a PDF is checked as a signed letter
    assert result.exit_code == 1 and "not a readable PDF" in result.output
    result = CliRunner().invoke(app(), ["verify", str(tmp_path / "nope.zip")])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_dossier_pdf_renders_only_from_a_bundle_that_verifies(tmp_path: Path, db: Session, org_key: SigningKey,
                                                              case_key: bytes) -> None:
    bundle_path, pdf_path = tmp_path / "case.zip", tmp_path / "case.pdf"
    data = make_bundle(db, org_key, case_key)
    bundle_path.write_bytes(data)
    fp = fingerprint(bytes(org_key.verify_key))
    result = CliRunner().invoke(app(), ["dossier", "pdf", str(bundle_path), "-o", str(pdf_path)])
    assert result.exit_code == 3 and "KEY NOT CONFIRMED" in result.output and not pdf_path.exists()
    result = CliRunner().invoke(app(), ["dossier", "pdf", str(bundle_path), "-o", str(pdf_path), "--expect-key", fp])
    assert result.exit_code == 0, result.output
    assert pdf_path.read_bytes().startswith(b"%PDF")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(data[:-10])
    result = CliRunner().invoke(app(), ["dossier", "pdf", str(broken), "-o", str(tmp_path / "x.pdf"),
                                        "--expect-key", fp])
    assert result.exit_code == 1 and "NOT VERIFIED" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_verify_json_output_for_programs(tmp_path: Path, db: Session, org_key: SigningKey, case_key: bytes) -> None:
    import json

    path = tmp_path / "case.zip"
    data = make_bundle(db, org_key, case_key)
    path.write_bytes(data)
    fp = fingerprint(bytes(org_key.verify_key))
    result = CliRunner().invoke(app(), ["verify", "--json", str(path), "--expect-key", fp])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["verified"], out["status"], out["events"], out["disclosed"]) == (True, "verified", 12, 9)
    assert out["timeline"][10] == {"seq": 10, "kind": None, "at": None, "disclosed": False}
    path.write_bytes(b"not a zip")
    result = CliRunner().invoke(app(), ["verify", "--json", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output) == {"verified": False, "status": "invalid",
                                         "error": "not a safeconduct bundle: the file is not a zip archive"}
