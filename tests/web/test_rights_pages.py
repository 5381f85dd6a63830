"""Rights information pages: every shipped page in every language, the organisation's own pages, and
what an edited page can never do (run a script, load anything, break the site)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from safeconduct.rights import load_shelf
from safeconduct.rights.pages import SHIPPED, RightsError, read_page

LANGS = ("en", "fr", "ar")
#: Anything that would make the reader's browser fetch or run something.
LOADS = re.compile(r"<(script|img|iframe|object|embed|link(?![^>]*stylesheet[^>]*/static/))|src=|url\(|srcset", re.I)

PAGE = """---
title: {title}
country_name: Testland
reviewed: 2026-10-01
summary: A page the organisation wrote.
---

## Arrival

{body}
"""


def test_the_shipped_set_covers_france_and_belgium_in_every_language() -> None:
    shelf = load_shelf(None, LANGS)
    assert shelf.problems == []
    assert {(c, lang) for c in ("fr", "be") for lang in LANGS} <= set(shelf.pages)
    for page in shelf.pages.values():
        # every claim is backed: numbered references in the text, and a sources list
        cited = set(re.findall(r"\[(\d+)\]", page.path.read_text(encoding="utf-8")))
        sources = re.findall(r"^(\d+)\. ", page.path.read_text(encoding="utf-8"), re.M)
        assert cited and cited <= set(sources), page.path.name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("country", ["fr", "be"])
def test_a_country_page_reads_in_each_language(sqlite_client: TestClient, country: str, lang: str) -> None:
    response = sqlite_client.get(f"/rights/{country}?lang={lang}")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in html
    assert f'<article class="rights" lang="{lang}"' in html
    assert "2026" in html and "<time datetime=" in html  # the date it was last reviewed
    not_advice = {"en": "not legal advice", "fr": "pas un conseil juridique", "ar": "وليست استشارة قانونية"}[lang]
    assert not_advice in html
    assert not LOADS.search(html), LOADS.search(html)


def test_the_index_lists_the_countries_and_the_contact_pages_link_to_it(sqlite_client: TestClient) -> None:
    index = sqlite_client.get("/rights/?lang=fr").text
    assert 'href="/rights/fr"' in index and 'href="/rights/be"' in index
    assert "Revenir en France" in index and "Revenir en Belgique" in index
    assert 'href="/rights/"' in sqlite_client.get("/").text


def test_an_unknown_country_is_a_clear_not_found(sqlite_client: TestClient) -> None:
    for country in ("zz", "france", "f.", "f%00"):
        response = sqlite_client.get(f"/rights/{country}?lang=en")
        assert response.status_code == 404
        assert "no information page for this country" in response.text


def test_the_organisation_adds_and_replaces_pages(sqlite_client: TestClient, tmp_path: Path) -> None:
    folder = sqlite_client.app.state.runtime.settings.data_dir / "rights"  # type: ignore[attr-defined]
    folder.mkdir()
    (folder / "tl.en.md").write_text(PAGE.format(title="Coming back to Testland", body="You will meet a judge."))
    (folder / "fr.en.md").write_text(PAGE.format(title="Our own France page", body="Reviewed by our lawyer."))
    page = sqlite_client.get("/rights/tl?lang=en").text
    assert "Coming back to Testland" in page and "written by the organisation" in page
    assert "Our own France page" in sqlite_client.get("/rights/fr?lang=en").text
    # the shipped French-language page is untouched by an English override
    assert "Revenir en France" in sqlite_client.get("/rights/fr?lang=fr").text
    # a page only written in English is shown to an Arabic reader, who is told so
    arabic = sqlite_client.get("/rights/tl?lang=ar").text
    assert "Coming back to Testland" in arabic and "غير مكتوبة بلغتك" in arabic


def test_an_edited_page_can_neither_run_nor_load_anything(sqlite_client: TestClient) -> None:
    folder = sqlite_client.app.state.runtime.settings.data_dir / "rights"  # type: ignore[attr-defined]
    folder.mkdir()
    body = ('<script>alert(1)</script>\n\n![tracker](https://example.org/pixel.png)\n\n'
            '<img src="https://example.org/x.png">\n\n[click](javascript:alert(1)) and [source](https://example.org/law)')
    (folder / "tl.en.md").write_text(PAGE.format(title="<b>Testland</b>", body=body))
    html = sqlite_client.get("/rights/tl?lang=en").text
    assert "<script>alert" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html  # left as plain text, never a link
    assert "&lt;b&gt;Testland&lt;/b&gt;" in html  # the title is text, escaped
    assert 'rel="noreferrer noopener" href="https://example.org/law"' in html  # a source stays a plain link


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("tl.en.md", "no front matter at all", "no front matter"),
        ("tl.en.md", "---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        ("tl.en.md", "---\ntitle: T\ncountry_name: C\nsummary: S\n---\nbody", "missing reviewed"),
        ("tl.en.md", "---\ntitle: T\ncountry_name: C\nsummary: S\nreviewed: last week\n---\nbody", "YYYY-MM-DD"),
        ("testland.md", PAGE.format(title="T", body="b"), "COUNTRY.LANGUAGE.md"),
    ],
)
def test_a_broken_file_is_left_out_with_its_reason(tmp_path: Path, name: str, text: str, reason: str) -> None:
    (tmp_path / "rights").mkdir()
    (tmp_path / "rights" / name).write_text(text, encoding="utf-8")
    shelf = load_shelf(tmp_path, LANGS)
    assert any(reason in problem and name in problem for problem in shelf.problems), shelf.problems
    assert ("tl", "en") not in shelf.pages
    assert ("fr", "en") in shelf.pages  # the rest of the shelf is still there


def test_a_page_in_a_language_the_site_does_not_speak_is_reported(tmp_path: Path) -> None:
    (tmp_path / "rights").mkdir()
    (tmp_path / "rights" / "tl.de.md").write_text(PAGE.format(title="T", body="b"), encoding="utf-8")
    shelf = load_shelf(tmp_path, LANGS)
    assert any("tl.de.md" in p and "not a language of this site" in p for p in shelf.problems)


def test_read_page_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "tl.en.md"
    path.write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    with pytest.raises(RightsError, match="not UTF-8"):
        read_page(path, "organisation")
    assert SHIPPED.is_dir()


def test_the_cli_lists_pages_and_names_each_broken_file(tmp_path: Path) -> None:
    from tests.cli.test_messages import _run

    (tmp_path / "rights").mkdir()
    (tmp_path / "rights" / "tl.en.md").write_text(PAGE.format(title="Coming back to Testland", body="b"))
    good = _run("rights", "list", "--data", str(tmp_path))
    assert good.returncode == 0, good.stderr
    assert "/rights/tl  en  reviewed 2026-10-01  organisation  Coming back to Testland" in good.stdout
    assert "/rights/fr  ar  reviewed" in good.stdout
    (tmp_path / "rights" / "xx.en.md").write_text("no front matter here")
    bad = _run("rights", "list", "--data", str(tmp_path))
    assert bad.returncode == 1
    assert "left out: organisation: xx.en.md: no front matter (a block between two '---' lines at the top)" in (
        bad.stderr.splitlines())
