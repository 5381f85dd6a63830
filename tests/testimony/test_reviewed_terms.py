"""Issue 13 item 3: reviewers teach the redaction an organisation-wide list, encrypted at rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from safeconduct.cli import app
from safeconduct.errors import Conflict, InvalidInput, NotFound
from safeconduct.testimony import reviewed_terms
from safeconduct.testimony.terms_models import RedactionTermRow
from safeconduct.testimony.text import redact_text
from tests.conftest import Installation

runner = CliRunner()
TEXT = "The man we called Tin Kettle drove us past Idlib every Friday."


def test_an_added_word_is_hidden_by_the_next_run_and_a_removal_is_honoured(installation: Installation) -> None:
    key = installation.runtime.org.signing_key
    with installation.runtime.db() as db:
        entry = reviewed_terms.add(db, key, action="hide", text="Tin Kettle", kind="person")
        kept = reviewed_terms.add(db, key, action="keep", text="Idlib")
        extra, rejected = reviewed_terms.for_redaction(db, key)
    out = redact_text(TEXT, "en", extra_terms=extra, rejected=rejected).redacted_text
    assert "Tin Kettle" not in out and "Idlib" in out
    with installation.runtime.db() as db:
        reviewed_terms.remove(db, entry)
        reviewed_terms.remove(db, kept)
        assert reviewed_terms.list_entries(db, key) == []
        extra, rejected = reviewed_terms.for_redaction(db, key)
    assert (extra, rejected) == ([], [])
    assert "Idlib" not in redact_text(TEXT, "en", extra_terms=extra, rejected=rejected).redacted_text


def test_entries_are_encrypted_at_rest_and_bound_to_their_row(installation: Installation) -> None:
    key = installation.runtime.org.signing_key
    with installation.runtime.db() as db:
        first = reviewed_terms.add(db, key, action="hide", text="Umm Warda", kind="PERSON")
        second = reviewed_terms.add(db, key, action="hide", text="Kafr Sousa", kind="PLACE")
        rows = {r.id: r.ciphertext for r in db.scalars(select(RedactionTermRow))}
        assert all(b"Warda" not in c and b"PERSON" not in c and b"Sousa" not in c for c in rows.values())
        db.get(RedactionTermRow, second).ciphertext = rows[first]  # a row copied over another does not open
        db.commit()
        with pytest.raises(Exception):  # noqa: B017 - the cipher's own error
            reviewed_terms.list_entries(db, key)


def test_bad_entries_are_refused_and_nothing_is_stored(sqlite_installation: Installation) -> None:
    key = sqlite_installation.runtime.org.signing_key
    with sqlite_installation.runtime.db() as db:
        reviewed_terms.add(db, key, action="hide", text="Abu Sayyaf al-Ghoul", kind="PERSON")
        for action, text, kind in [("hide", "  ", "PERSON"), ("hide", "x", "SHOE"), ("maybe", "Raqqa", "PLACE"),
                                   ("hide", "y" * 201, "PLACE")]:
            with pytest.raises(InvalidInput):
                reviewed_terms.add(db, key, action=action, text=text, kind=kind)
        with pytest.raises(Conflict):
            reviewed_terms.add(db, key, action="hide", text="abu sayyaf AL-GHOUL", kind="PERSON")
        with pytest.raises(NotFound):
            reviewed_terms.remove(db, 999)
        assert [e.text for e in reviewed_terms.list_entries(db, key)] == ["Abu Sayyaf al-Ghoul"]


def test_the_cli_adds_lists_removes_and_redact_uses_the_list(sqlite_installation: Installation, tmp_path: Path) -> None:
    data = str(sqlite_installation.settings.data_dir)
    source = tmp_path / "t.txt"
    source.write_text(TEXT, encoding="utf-8")
    added = runner.invoke(app, ["text", "terms", "add", "Tin Kettle", "--kind", "PERSON", "--data", data])
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["text", "terms", "add", "Idlib", "--keep", "--data", data]).exit_code == 0
    listed = runner.invoke(app, ["text", "terms", "list", "--data", data])
    assert "Tin Kettle" in listed.output and "keep" in listed.output and "2 entries" in listed.output
    out = runner.invoke(app, ["text", "redact", str(source), "--language", "en", "--data", data]).output
    assert "Tin Kettle" not in out and "Idlib" in out
    keep_entry = next(line.split()[0] for line in listed.output.splitlines() if "Idlib" in line)
    assert runner.invoke(app, ["text", "terms", "remove", keep_entry, "--data", data]).exit_code == 0
    out = runner.invoke(app, ["text", "redact", str(source), "--language", "en", "--data", data]).output
    assert "Idlib" not in out and "Tin Kettle" not in out  # the false alarm is hidden again; the addition stays


def test_the_cli_refuses_unclear_or_unknown_entries(sqlite_installation: Installation) -> None:
    data = str(sqlite_installation.settings.data_dir)
    both = runner.invoke(app, ["text", "terms", "add", "Idlib", "--keep", "--kind", "PLACE", "--data", data])
    assert both.exit_code == 2 and "either --kind" in both.output
    neither = runner.invoke(app, ["text", "terms", "add", "Idlib", "--data", data])
    assert neither.exit_code == 2
    missing = runner.invoke(app, ["text", "terms", "remove", "42", "--data", data])
    assert missing.exit_code == 2 and "No such entry" in missing.output
    listed = runner.invoke(app, ["text", "terms", "list", "--data", data])
    assert "0 entries" in listed.output
