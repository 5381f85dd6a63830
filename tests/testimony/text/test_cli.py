"""`safeconduct text redact`: output to stdout or a file, JSON findings, and clear failures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from safeconduct.cli import app

runner = CliRunner()
TEXT = "I left the Sahel Front with Yusuf Adamu near Gwoza on 12 June 2019.\n"


def test_redacts_a_file_in_a_folder_with_spaces_and_arabic_letters(tmp_path: Path) -> None:
    folder = tmp_path / "شهادة one"
    folder.mkdir()
    source, out = folder / "testimony 1.txt", folder / "redacted.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["text", "redact", str(source), "-o", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    redacted = out.read_text(encoding="utf-8")
    assert "Yusuf" not in redacted and "Gwoza" not in redacted and "[PERSON 1]" in redacted
    assert sorted(p.name for p in folder.iterdir()) == ["redacted.txt", "testimony 1.txt"]


def test_json_lists_every_finding_with_offsets(tmp_path: Path) -> None:
    source = tmp_path / "t.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["text", "redact", str(source), "--json", "--language", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "en"
    for finding in data["findings"]:
        assert TEXT[finding["start"] : finding["end"]] == finding["text"]
        assert set(finding) >= {"kind", "text", "start", "end", "placeholder"}
    assert {"PERSON", "PLACE", "UNIT", "DATE"} <= {f["kind"] for f in data["findings"]}


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["text", "redact", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_binary_input_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    source, out = tmp_path / "clip.txt", tmp_path / "out.txt"
    source.write_bytes(b"\xff\xfe\x00\x81 not text")
    result = runner.invoke(app, ["text", "redact", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output
    assert list(tmp_path.iterdir()) == [source]


def test_unsupported_language_writes_nothing(tmp_path: Path) -> None:
    source, out = tmp_path / "t.txt", tmp_path / "out.txt"
    source.write_text("Ich heiße Hans.", encoding="utf-8")
    result = runner.invoke(app, ["text", "redact", str(source), "-o", str(out), "--language", "de"])
    assert result.exit_code == 2
    assert "not covered" in result.output and "--ner-model" in result.output
    assert not out.exists()
