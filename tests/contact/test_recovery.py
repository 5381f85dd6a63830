"""The recovery key opens a case whose caseworker is gone (`safeconduct recover`)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete
from typer.testing import CliRunner

from safeconduct.cases.models import CaseKeySeal, ReadMark
from safeconduct.cli import app
from safeconduct.staff.models import StaffMember
from tests.conftest import Installation
from tests.flows import bearer, only_case_id, staff_token, start_contact


def _case_whose_caseworker_is_gone(inst: Installation, client: TestClient) -> str:
    login = inst.add_staff("mona")
    _, token = start_contact(client)
    client.post("/api/v1/contact/messages", json={"text": "please help my son come home"}, headers=bearer(token))
    client.post("/api/v1/contact/files", files={"file": ("note.txt", b"a note")}, headers=bearer(token))
    case_id = only_case_id(client, staff_token(client, login))
    with inst.runtime.db() as db:  # the only caseworker leaves: account and seals deleted
        db.execute(delete(CaseKeySeal).where(CaseKeySeal.staff_id == login.staff_id))
        db.execute(delete(ReadMark).where(ReadMark.staff_id == login.staff_id))
        db.execute(delete(StaffMember).where(StaffMember.id == login.staff_id))
        db.commit()
    return case_id


def test_recovery_key_opens_a_case_whose_caseworker_is_gone(sqlite_installation: Installation,
                                                             sqlite_client: TestClient) -> None:
    case_id = _case_whose_caseworker_is_gone(sqlite_installation, sqlite_client)
    data = str(sqlite_installation.settings.data_dir)
    key = sqlite_installation.recovery_key + "\n"
    result = CliRunner().invoke(app, ["recover", "--data", data, case_id], input=key)
    assert result.exit_code == 0, result.output
    assert "please help my son come home" in result.output and "note.txt" in result.output

    # …and can hand it to a new caseworker, who then reads it in the console.
    newcomer = sqlite_installation.add_staff("nadia")
    result = CliRunner().invoke(app, ["recover", "--data", data, case_id, "--grant", "nadia"],
                                input=sqlite_installation.recovery_key + "\n")
    assert result.exit_code == 0 and "shared with nadia" in result.output
    token = staff_token(sqlite_client, newcomer)
    texts = [m["text"] for m in sqlite_client.get(f"/api/v1/staff/cases/{case_id}/messages",
                                                  headers=bearer(token)).json()["messages"]]
    assert texts == ["please help my son come home"]


def test_a_mistyped_or_foreign_recovery_key_is_refused_clearly(sqlite_installation: Installation,
                                                               sqlite_client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case_id = _case_whose_caseworker_is_gone(sqlite_installation, sqlite_client)
    data = str(sqlite_installation.settings.data_dir)
    key = sqlite_installation.recovery_key
    typo = key[:-3] + ("A" if key[-3] != "A" else "B") + key[-2:]
    result = CliRunner().invoke(app, ["recover", "--data", data, case_id], input=typo + "\n")
    assert result.exit_code == 1 and "mistyped" in result.output
    from tests.conftest import make_installation

    other = make_installation(tmp_path / "other", None, "sqlite")
    result = CliRunner().invoke(app, ["recover", "--data", data, case_id], input=other.recovery_key + "\n")
    assert result.exit_code == 1 and "does not open this case" in result.output
    result = CliRunner().invoke(app, ["recover", "--data", data, "nosuchcase"], input=key + "\n")
    assert result.exit_code == 1 and "No such case" in result.output


def test_init_refuses_to_overwrite_an_installation(sqlite_installation: Installation) -> None:
    data = str(sqlite_installation.settings.data_dir)
    result = CliRunner().invoke(app, ["init", "--data", data])
    assert result.exit_code == 1 and "already holds an installation" in result.output


def test_cli_init_staff_add_print_what_the_administrator_needs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = str(tmp_path / "fresh")
    result = CliRunner().invoke(app, ["init", "--data", data])
    assert result.exit_code == 0 and "SCRK-" in result.output
    keys_dir = tmp_path / "fresh" / "keys"
    # worker.key: the embedded (SQLite) server's own worker, enrolled at init (jobs/workers.py)
    assert {p.name for p in keys_dir.iterdir()} == {"ledger-signing.key", "dossier-pdf.key", "dossier-pdf.crt",
                                                    "worker.key"}
    assert (keys_dir / "dossier-pdf.key").stat().st_mode & 0o077 == 0  # readable by the server's user only
    assert (keys_dir / "worker.key").stat().st_mode & 0o077 == 0
    result = CliRunner().invoke(app, ["staff", "add", "--data", data, "--username", "omar", "--role", "admin",
                                      "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/safeconduct:omar?secret=" in result.output and "TOTP secret" in result.output
    result = CliRunner().invoke(app, ["staff", "add", "--data", data, "--username", "omar", "--password-stdin"],
                                input="a long enough password\n")
    assert result.exit_code == 1 and "taken" in result.output
    result = CliRunner().invoke(app, ["staff", "add", "--data", data, "--username", "p", "--password-stdin"],
                                input="short\n")
    assert result.exit_code == 1
    result = CliRunner().invoke(app, ["staff", "add", "--data", str(tmp_path / "none"), "--username", "pat",
                                      "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 1 and "safeconduct init" in result.output


def test_recover_takes_the_label_the_console_shows_and_prints_messages_literally(
    sqlite_installation: Installation, sqlite_client: TestClient,
) -> None:
    from safeconduct.cases.models import Case

    login = sqlite_installation.add_staff("mona")
    _, token = start_contact(sqlite_client)
    sqlite_client.post("/api/v1/contact/messages", json={"text": "[bold red]not markup[/] stays as typed"},
                       headers=bearer(token))
    case_id = only_case_id(sqlite_client, staff_token(sqlite_client, login))
    with sqlite_installation.runtime.db() as db:
        label = db.get(Case, case_id).label  # type: ignore[union-attr]
    data = str(sqlite_installation.settings.data_dir)
    result = CliRunner().invoke(app, ["recover", "--data", data, label.lower()],
                                input=sqlite_installation.recovery_key + "\n")
    assert result.exit_code == 0, result.output
    assert "[bold red]not markup[/] stays as typed" in result.output
