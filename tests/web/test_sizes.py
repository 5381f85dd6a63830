"""Sizes are written in each reader's units: GiB in English, Gio in French, غيغابايت in Arabic."""

from __future__ import annotations

from pathlib import Path

from safeconduct.errors import ByteSize
from safeconduct.web.i18n import format_size
from tests.conftest import client_for, make_installation
from tests.flows import bearer, contact_page_login, start_contact


def test_format_size_uses_each_languages_units_and_numbers() -> None:
    assert format_size(2 * 1024**3, "en") == "2\u00a0GiB"
    assert format_size(2 * 1024**3, "fr") == "2\u00a0Gio"
    assert format_size(2 * 1024**3, "ar") == "2\u00a0غيغابايت"
    assert format_size(1536 * 1024, "fr") == "1,5\u00a0Mio"
    assert format_size(1536 * 1024, "en") == "1.5\u00a0MiB"
    assert format_size(12, "fr") == "12\u00a0octets"
    assert str(ByteSize(2 * 1024**3)) == "2 GiB"  # logs and the CLI: English


def test_a_too_large_file_is_refused_in_the_readers_units(tmp_path: Path) -> None:
    inst = make_installation(tmp_path / "data", None, "sqlite", max_upload_bytes=1024 * 1024)
    with client_for(inst) as client:
        codename, token = start_contact(client)
        for lang, unit in (("fr", "1\u00a0Mio"), ("ar", "1\u00a0ميغابايت"), ("en", "1\u00a0MiB")):
            r = client.post("/api/v1/contact/files", files={"file": ("big.bin", b"x" * (1024 * 1024 + 1))},
                            headers={**bearer(token), "Accept-Language": lang})
            assert r.status_code == 413 and unit in r.json()["message"], r.json()
        contact_page_login(client, codename)
        page = client.get("/contact/conversation?lang=fr").text
        assert "1\u00a0Mio" in page and "GiB" not in page and "MiB" not in page
    inst.runtime.engine.dispose()


