"""`verify` says VERIFIED only about a key the checker pinned; the dossier package and its folder are checked
byte for byte (audit finding 5: a dossier anyone can fabricate with a fresh key was VERIFIED)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from safeconduct.ledger import bundle as bundle_format
from safeconduct.ledger.trust import PinError, Pins, fingerprint, normalise, read_trusted_keys
from safeconduct.ledger.verify import VerificationError, verify_bundle, verify_file
from tests.ledger.conftest import memory_db
from tests.ledger.helpers import forged_bundle, make_bundle, make_package
from tests.ledger.test_cli import app
from tests.support import require

FP = re.compile(r"\b[0-9a-f]{4}(?::[0-9a-f]{4}){7}\b")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app(), ["verify", *map(str, args)])
    return result.exit_code, result.output


def unzip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def first_page_text(pdf: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed")
    path = tmp_path / "first.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def genuine(db: Session, org_key: SigningKey, case_key: bytes) -> bytes:
    return make_bundle(db, org_key, case_key, n=4, disclose=3)


@pytest.fixture
def download(genuine: bytes, org_key: SigningKey) -> bytes:
    return make_package(genuine, org_key)


def test_a_bundle_forged_with_a_fresh_key_is_never_verified(tmp_path: Path, org_key: SigningKey,
                                                            case_key: bytes) -> None:
    forged = forged_bundle(case_key, n=4, disclose=3)
    report = verify_bundle(forged)  # self-consistent: every hash and signature holds…
    assert not report.key_confirmed and report.to_json()["verified"] is False  # …but nothing vouches for the key
    path = tmp_path / "forged.zip"
    path.write_bytes(forged)
    code, out = run(path)
    assert code == 3 and "VERIFIED:" not in out
    assert out.startswith(f"KEY NOT CONFIRMED: signature valid, but by a key you have not confirmed: compare "
                          f"{report.fingerprint} with the organisation's fingerprint")
    assert out.count("\n") == 1  # one line, never wrapped
    code, out = run("--json", path)
    assert code == 3 and json.loads(out)["status"] == "key_not_confirmed" and json.loads(out)["verified"] is False
    org = fingerprint(bytes(org_key.verify_key))
    code, out = run(path, "--expect-key", org)
    assert code == 1
    assert out == (f"NOT VERIFIED: bundle is signed by key {report.fingerprint}, not by the expected key {org} "
                   "(a bundle from another organisation, or a forged one)\n")


def test_the_genuine_bundle_is_verified_with_the_fingerprint_read_off_the_pdf(tmp_path: Path, genuine: bytes,
                                                                              download: bytes,
                                                                              org_key: SigningKey) -> None:
    pdf = dict(unzip(download))["dossier.pdf"]
    page = first_page_text(pdf, tmp_path)
    assert "Organisation key fingerprint" in page
    printed = FP.findall(page)
    assert printed and set(printed) == {fingerprint(bytes(org_key.verify_key))}
    assert f"safeconduct verify bundle.zip --expect-key {printed[0]}" in page
    path = tmp_path / "bundle.zip"
    path.write_bytes(genuine)
    for spelling in (printed[0], printed[0].replace(":", " "), printed[0].replace(":", "").upper(),
                     " " + printed[0].replace(":", "-") + "\n", bytes(org_key.verify_key).hex()):
        code, out = run(path, "--expect-key", spelling)
        assert code == 0, (spelling, out)
        assert out.startswith(f"VERIFIED: 4 events, 3 disclosed, chain intact, signed by key {printed[0]}")
    code, out = run(path)
    assert code == 3 and "KEY NOT CONFIRMED" in out and "VERIFIED:" not in out


@pytest.mark.parametrize("pin", ["5647:5aa7", "zzzz:5aa7:5463:474c:0285:df5d:bf2b:cab7", "", "SCRK-1234"])
def test_a_malformed_pin_is_a_clear_usage_error(tmp_path: Path, genuine: bytes, pin: str) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(genuine)
    code, out = run(path, "--expect-key", pin)
    assert code == 2 and "is not a key fingerprint: expected 32 hex digits in eight groups of four" in out
    assert out.startswith("NOT VERIFIED: ") and out.count("\n") == 1
    with pytest.raises(PinError):
        normalise(pin)


def test_a_trusted_keys_file_pins_the_organisation(tmp_path: Path, genuine: bytes, org_key: SigningKey,
                                                   case_key: bytes) -> None:
    org = fingerprint(bytes(org_key.verify_key))
    other = fingerprint(bytes(SigningKey.generate().verify_key))
    bundle_path, forged_path, trusted = tmp_path / "b.zip", tmp_path / "f.zip", tmp_path / "trusted-keys"
    bundle_path.write_bytes(genuine)
    forged_path.write_bytes(forged_bundle(case_key, n=4, disclose=3))
    trusted.write_text(f"# keys this court trusts\n{other}  # another organisation\n\n"
                       f"{org.replace(':', ' ').upper()}  # Beratungsstelle Ausweg\n")
    assert read_trusted_keys(trusted.read_text(), "t").keys == (other.replace(":", ""), org.replace(":", ""))
    code, out = run(bundle_path, "--trusted-keys", trusted)
    assert code == 0 and out.startswith("VERIFIED: ")
    code, out = run(forged_path, "--trusted-keys", trusted)
    assert code == 1 and f"not by any of the 2 keys in {trusted}" in out
    trusted.write_text(f"{org}\nnot a key\n")
    code, out = run(bundle_path, "--trusted-keys", trusted)
    assert code == 2 and f"{trusted}, line 2: 'not a key' is not a key fingerprint" in out
    trusted.write_text("# nothing yet\n")
    code, out = run(bundle_path, "--trusted-keys", trusted)
    assert code == 2 and "lists no key fingerprint" in out
    code, out = run(bundle_path, "--trusted-keys", tmp_path / "missing")
    assert code == 2 and "cannot read" in out


def test_the_downloaded_package_and_the_folder_it_unzips_to_are_accepted(tmp_path: Path, download: bytes,
                                                                         org_key: SigningKey) -> None:
    org = fingerprint(bytes(org_key.verify_key))
    package_path = tmp_path / "dossier-ABCD-EF23.zip"
    package_path.write_bytes(download)
    folder = tmp_path / "dossier-ABCD-EF23"
    folder.mkdir()
    for name, blob in unzip(download):
        (folder / name).write_bytes(blob)
    (folder / ".DS_Store").write_bytes(b"a file the clerk's computer added")
    for target in (package_path, folder):
        code, out = run(target, "--expect-key", org)
        assert code == 0, out
        assert out.startswith("VERIFIED: 4 events, 3 disclosed") and out.count("\n") == 1
        assert "bundle.zip verified, dossier.pdf and README.txt exactly as the organisation's key signed them" in out
        code, out = run(target)
        assert code == 3 and "KEY NOT CONFIRMED" in out
    readme = (folder / "README.txt").read_text()
    assert f"    {org}\n" in readme and f"safeconduct verify bundle.zip --expect-key {org}" in readme
    code, out = run(folder / "bundle.zip", "--expect-key", org)
    assert code == 0 and "dossier.pdf" not in out


def check_every_change_is_named(download: bytes, pin: Pins, *, stride: int, pdf_stride: int) -> None:
    """Flip one bit at every `stride`-th byte of each member (re-zipped, CRCs and all, as a forger would; the
    PDF, checked by one SHA-256, every `pdf_stride`-th) and of the package itself (zip headers included); each
    must fail, naming the member."""
    members = unzip(download)
    blame = {"bundle.zip": "bundle.zip", "dossier.pdf": "dossier.pdf was changed",
             "README.txt": "README.txt was changed"}
    for index, (name, blob) in enumerate(members):
        for position in range(index, len(blob), pdf_stride if name == "dossier.pdf" else stride):
            changed = bytearray(blob)
            changed[position] ^= 0x01
            rezipped = list(members)
            rezipped[index] = (name, bytes(changed))
            with pytest.raises(VerificationError, match=re.escape(blame[name])):
                verify_bundle(bundle_format.zip_members(rezipped), expect_key=pin)
    for position in range(0, len(download), stride):
        flipped = bytearray(download)
        flipped[position] ^= 0x01
        with pytest.raises(VerificationError):
            verify_bundle(bytes(flipped), expect_key=pin)


def test_a_changed_byte_in_the_package_is_caught_and_named(download: bytes, org_key: SigningKey) -> None:
    check_every_change_is_named(download, Pins.of([fingerprint(bytes(org_key.verify_key))]), stride=211, pdf_stride=211)


@pytest.mark.slow
def test_a_changed_byte_anywhere_in_the_package_is_caught_and_named(download: bytes, org_key: SigningKey) -> None:
    check_every_change_is_named(download, Pins.of([fingerprint(bytes(org_key.verify_key))]), stride=1, pdf_stride=17)


def test_a_pdf_or_readme_from_another_dossier_or_a_strange_package_is_refused(tmp_path: Path, download: bytes,
                                                                             org_key: SigningKey) -> None:
    pin = fingerprint(bytes(org_key.verify_key))
    members = dict(unzip(download))
    with memory_db() as other_db:
        other = dict(unzip(make_package(make_bundle(other_db, org_key, bytes(32), n=3, disclose=1), org_key)))
    cases = {
        "dossier.pdf was changed, or belongs to another bundle": {**members, "dossier.pdf": other["dossier.pdf"]},
        "README.txt was changed": {**members, "README.txt": members["README.txt"].replace(b"Case:", b"Case :")},
        "its dossier.pdf SHA-256 or signature line is missing": {**members, "README.txt": b"trust me\n"},
        "contains notes.txt, which safeconduct does not put there": {**members, "notes.txt": b"x"},
    }
    for expected, content in cases.items():
        with pytest.raises(VerificationError, match=re.escape(expected)):
            verify_bundle(bundle_format.zip_members(list(content.items())), expect_key=pin)
    with pytest.raises(VerificationError, match="the dossier package has no README.txt"):
        verify_bundle(bundle_format.zip_members([(n, members[n]) for n in ("bundle.zip", "dossier.pdf")]))
    folder = tmp_path / "unzipped"
    folder.mkdir()
    with pytest.raises(VerificationError, match="is a folder without bundle.zip"):
        verify_file(folder, expect_key=pin)
    for name in ("bundle.zip", "README.txt"):
        (folder / name).write_bytes(members[name])
    with pytest.raises(VerificationError, match="README.txt is here without dossier.pdf"):
        verify_file(folder, expect_key=pin)
    (folder / "dossier.pdf").write_bytes(members["dossier.pdf"][:-1])
    code, out = run(folder, "--expect-key", pin)
    assert code == 1 and out.startswith("NOT VERIFIED: dossier.pdf was changed")
    (folder / "dossier.pdf").write_bytes(members["dossier.pdf"])
    assert verify_file(folder, expect_key=pin).key_confirmed


def test_init_and_key_fingerprint_print_the_pin_that_verifies_the_organisations_bundles(tmp_path: Path,
                                                                                        case_key: bytes) -> None:
    from safeconduct.cli import app as main_app

    data = tmp_path / "org"
    result = CliRunner().invoke(main_app, ["init", "--data", str(data), "--name", "Beratungsstelle Ausweg"])
    assert result.exit_code == 0, result.output
    printed = re.search(r"^Ledger key fingerprint: (\S+)$", result.output, re.M)
    assert printed and "SCRK-" in result.output
    result = CliRunner().invoke(main_app, ["key", "fingerprint", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert f"Ledger key fingerprint: {printed.group(1)}\n" in result.output
    assert f"Line for a trusted-keys file: {printed.group(1)}  # Beratungsstelle Ausweg\n" in result.output
    assert re.search(r"^Dossier PDF certificate SHA-256: [0-9a-f]{64}$", result.output, re.M)
    key = SigningKey((data / "keys" / "ledger-signing.key").read_bytes())
    with memory_db() as db:
        path = tmp_path / "b.zip"
        path.write_bytes(make_bundle(db, key, case_key, n=2, disclose=1))
    code, out = run(path, "--expect-key", printed.group(1))
    assert code == 0 and out.startswith("VERIFIED: ")
    result = CliRunner().invoke(main_app, ["key", "fingerprint", "--data", str(tmp_path / "none")])
    assert result.exit_code == 1 and "safeconduct init" in result.output
