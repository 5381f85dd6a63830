"""The archive's parts on their own: a check that fails says why; themes the organisation writes, Arabic
included; the static build's pages and feeds from signed entries; a forged or withdrawn file is told apart."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from safeconduct.archive import checks, entries, site, themes
from safeconduct.archive.verify import ArchiveVerificationError, verify_file
from safeconduct.errors import InvalidInput
from safeconduct.ledger.trust import Pins, fingerprint
from tests.conftest import Installation
from tests.support import require

TODAY = dt.date(2026, 11, 24)


def test_a_recording_with_a_title_or_place_fails_the_metadata_check(tmp_path: Path) -> None:
    require(shutil.which("ffmpeg") is not None and shutil.which("exiftool") is not None, "ffmpeg/exiftool missing")
    clean, tagged = tmp_path / "clean.m4a", tmp_path / "tagged.m4a"
    base = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", "-fflags",
            "+bitexact", "-map_metadata", "-1"]
    subprocess.run([*base, str(clean)], check=True)
    subprocess.run([*base, "-metadata", "title=Interview of Abu Hamza", "-metadata", "location=+36.34+43.13/",
                    str(tagged)], check=True)
    assert checks._metadata(clean).passed, checks._metadata(clean)
    failed = checks._metadata(tagged)
    assert not failed.passed and "title" in failed.detail.lower()
    assert "Hamza" not in failed.detail  # the check names tags, never what they say


def test_a_name_left_in_the_final_transcript_fails_and_is_not_quoted() -> None:
    text = "My name in the group was [PERSON 1]. Later Karim Benali drove us to the camp."
    failed = checks._transcript(text, "en", rejected=[])
    assert not failed.passed and "not hidden" in failed.detail and "Karim" not in failed.detail
    assert checks._transcript("My name in the group was [PERSON 1]. He drove us.", "en", rejected=[]).passed


def test_the_organisation_names_its_themes_in_arabic_and_bad_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "archive-themes.yaml").write_text(
        "- {slug: recruitment, en: Recruitment, fr: Recrutement, ar: التجنيد}\n"
        "- {slug: prison, en: Prison, ar: السجن}\n", encoding="utf-8")
    loaded = themes.load(tmp_path)
    assert [t.slug for t in loaded] == ["recruitment", "prison"]
    assert loaded[0].name("ar") == "التجنيد" and loaded[1].name("fr") == "Prison"  # English when none given
    assert themes.check(["prison", "recruitment", "prison"], loaded) == ["prison", "recruitment"]
    with pytest.raises(InvalidInput):
        themes.check(["corruption"], loaded)
    with pytest.raises(InvalidInput):
        themes.check([], loaded)
    (tmp_path / "archive-themes.yaml").write_text("- {slug: 'Bad Slug', en: x}\n", encoding="utf-8")
    with pytest.raises(themes.ThemesError, match="slug"):
        themes.load(tmp_path)


def _publish(db: Session, data: Path, key: SigningKey, text: str = "we left at night") -> entries.EntryView:
    media = entries.store_file(data, [b"\x00\x00\x00\x18ftypmp42" + b"x" * 5000])
    txt = entries.store_file(data, [text.encode()])
    entry = entries.add(db, signing_key=key, organisation="Exit Network", entry_id="ab12cd34ef56ab78", language="ar",
                        duration_s=200, themes=["corruption"], transcript=text, voice="The voice was disguised.",
                        files=[entries.PublicFile("testimony.mp4", media[0], media[1], "video/mp4"),
                               entries.PublicFile("transcript.txt", txt[0], txt[1], "text/plain")], on=TODAY)
    db.commit()
    return entry


def test_the_static_build_verifies_a_file_and_tells_forgeries_and_withdrawals_apart(
        sqlite_installation: Installation, tmp_path: Path) -> None:
    inst = sqlite_installation
    key = inst.runtime.org.signing_key
    data = inst.settings.data_dir
    from safeconduct.web.archive.pages import archive_site

    with inst.runtime.db() as db:
        entry = _publish(db, data, key)
        published, everything = entries.published(db), entries.everything(db)
        proofs = entries.log_proofs(db, key, [entry.id])
        db.commit()
    out = tmp_path / "site"
    site.build(archive_site(inst.runtime), data, out, published, everything, proofs)
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["attachments"][0]["url"].startswith(f"media/{entry.id}/")
    assert feed["items"][0]["_safeconduct"]["signature"] == entry.signature
    assert 'dir="rtl"' in (out / "ar" / "index.html").read_text(encoding="utf-8")
    pins = Pins.of([fingerprint(bytes(key.verify_key))])
    media = out / "media" / entry.id / "testimony.mp4"
    report = verify_file(media, pins=pins)
    assert report.name == "testimony.mp4" and report.logged and "of the organisation's log" in report.logged
    # the proof of its place in the log: a changed tree head or path is caught
    proof_path = out / "media" / entry.id / "entry.proof.json"
    genuine = proof_path.read_text(encoding="utf-8")
    proof = json.loads(genuine)
    proof["leaf_index"] = proof["tree_size"] + 3
    proof_path.write_text(json.dumps(proof), encoding="utf-8")
    with pytest.raises(ArchiveVerificationError, match="entry.proof.json"):
        verify_file(media, pins=pins)
    proof = json.loads(genuine)
    proof["root"] = "00" * 32
    proof_path.write_text(json.dumps(proof), encoding="utf-8")
    with pytest.raises(ArchiveVerificationError, match="tree head"):
        verify_file(media, pins=pins)
    proof_path.write_text(genuine, encoding="utf-8")
    with pytest.raises(ArchiveVerificationError, match="not by the key you gave"):
        verify_file(media, pins=Pins.of([fingerprint(bytes(SigningKey.generate().verify_key))]))
    # a forger re-signs an altered entry with their own key: the pinned key tells it apart
    forged = json.loads((out / "media" / entry.id / "entry.json").read_bytes())
    forger = SigningKey.generate()
    forged["public_key"] = bytes(forger.verify_key).hex()
    body, signature = entries.sign(forger, entries.ENTRY_CONTEXT, forged)
    (out / "media" / entry.id / "entry.json").write_text(body, encoding="utf-8")
    (out / "media" / entry.id / "entry.sig").write_text(signature, encoding="utf-8")
    with pytest.raises(ArchiveVerificationError, match="not by the key you gave"):
        verify_file(media, pins=pins)
    # the genuine entry back; the organisation withdraws it; the next build's log says so, the media go
    site.build(archive_site(inst.runtime), data, out, published, everything)
    kept = tmp_path / "kept"
    shutil.copytree(out, kept)
    with inst.runtime.db() as db:
        entries.withdraw(db, data, signing_key=key, entry_id=entry.id, on=TODAY)
        db.commit()
        published, everything = entries.published(db), entries.everything(db)
    assert not entries.media_path(data, entry.files[0].sha256).exists()
    site.build(archive_site(inst.runtime), data, out, published, everything)
    assert not (out / "media" / entry.id).exists()
    shutil.copyfile(out / "log.json", kept / "log.json")  # an old copy of the file, next to the new log
    with pytest.raises(ArchiveVerificationError, match="withdrawn"):
        verify_file(kept / "media" / entry.id / "testimony.mp4", pins=pins)
    with pytest.raises(FileExistsError):
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "notes.txt").write_text("mine", encoding="utf-8")
        site.build(archive_site(inst.runtime), data, tmp_path / "other", published, everything)
    assert (tmp_path / "other" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_search_and_filters_on_both_databases(installation: Installation) -> None:
    """LIKE with bound parameters and escaped wildcards, theme/language/length filters, withdrawn left out."""
    key = installation.runtime.org.signing_key
    data = installation.settings.data_dir
    with installation.runtime.db() as db:
        made = []
        for i, (language, minutes, topics, text) in enumerate([
                ("fr", 3, ["corruption"], "Les émirs gardaient l'argent 100% pour eux"),
                ("en", 12, ["violence", "corruption"], "They beat us at the checkpoint; my_brother saw it"),
                ("ar", 4, ["the-way-out"], "خرجت من المخيم ليلاً مع أخي")]):
            txt = entries.store_file(data, [text.encode()])
            made.append(entries.add(db, signing_key=key, organisation="Exit Network", entry_id=f"{i:016x}",
                                    language=language, duration_s=minutes * 60, themes=topics, transcript=text,
                                    voice="disguised", on=TODAY,
                                    files=[entries.PublicFile("transcript.txt", txt[0], txt[1], "text/plain")]))
        db.commit()

        def ids(**kwargs: object) -> set[str]:
            return {e.id for e in entries.search(db, **kwargs)}  # type: ignore[arg-type]

        assert ids(query="émirs ARGENT") == {made[0].id}
        assert ids(query="المخيم") == {made[2].id}
        assert ids(query="100%") == {made[0].id} and ids(query="%") == set()  # words only: "%" has none
        assert ids(query="CHECKPOINT beat") == {made[1].id} and ids(query="checkpoint emirs") == set()
        assert ids(query="' OR 1=1 --") == set() and ids(query="<script>") == set()
        assert ids(query='") OR MATCH * NEAR(') == set()  # full-text syntax is never passed through
        assert ids(theme="corruption") == {made[0].id, made[1].id}
        assert ids(theme="corruption", language="en") == {made[1].id}
        assert ids(theme="corruption", max_minutes=5) == {made[0].id}
        assert ids(theme="the-way") == set()  # a theme is matched whole, never as a prefix
        entries.withdraw(db, data, signing_key=key, entry_id=made[0].id, on=TODAY)
        db.commit()
        assert ids(theme="corruption") == {made[1].id}
        assert [e.id for e in entries.everything(db)] == [m.id for m in made]


def test_a_voice_the_model_would_recognise_or_could_not_measure_is_not_published() -> None:
    from types import SimpleNamespace

    def with_voice(**voice: object) -> object:
        return SimpleNamespace(report={"voice": voice})

    assert checks._voice(with_voice(method="disguise", level="moderate", verdict="Moderate: 0.66")).passed
    assert checks._voice(with_voice(method="revoice", level="strong", verdict="Strong")).passed
    assert not checks._voice(with_voice(method="disguise", level="weak", verdict="Weak")).passed
    assert "could not be measured" in checks._voice(with_voice(method="disguise", level="not measured")).detail
    assert not checks._voice(with_voice(method="none")).passed
    assert not checks._voice(SimpleNamespace(report=None)).passed
