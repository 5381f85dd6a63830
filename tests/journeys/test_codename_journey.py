"""An Arabic reader gets a codename in Arabic-Indic digits and can log in typing it in either script."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from safeconduct.crypto import codename as codenames
from tests.flows import csrf_of


def _start(client: TestClient, lang: str, style: str | None = None) -> tuple[list[str], str]:
    home = client.get(f"/?lang={lang}").text
    token = re.search(r'name="start_token" value="([^"]+)"', home).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf_of(home), "start_token": token}
    if style:
        data["codename_style"] = style
    page = client.post("/contact/start", data=data)
    assert page.status_code == 200, page.text
    return re.findall(r'<li lang="[a-z]+">([^<]+)</li>', page.text), page.text


def _log_in(client: TestClient, typed: str) -> int:
    client.cookies.clear()
    csrf = csrf_of(client.get("/contact/login").text)
    return client.post("/contact/login", data={"csrf_token": csrf, "codename": typed}).status_code


def test_an_arabic_reader_is_offered_arabic_indic_digits_and_logs_in_with_either_script(
        sqlite_client: TestClient) -> None:
    home = sqlite_client.get("/?lang=ar").text
    assert 'value="digits-ar" checked' in home
    parts, page = _start(sqlite_client, "ar")
    assert len(parts) == codenames.DIGIT_GROUPS
    assert all(ch in codenames.ARABIC_INDIC for part in parts for ch in part)
    assert '<li lang="ar">' in page and not re.search(r"[a-z]{3,}</li>", page)
    latin = "".join(parts).translate(str.maketrans(codenames.ARABIC_INDIC, "0123456789"))
    assert _log_in(sqlite_client, latin) == 303  # typed without spaces, in Latin digits
    assert _log_in(sqlite_client, " ".join(parts)) == 303  # as shown
    wrong = latin[:-1] + ("1" if latin[-1] != "1" else "2")
    r_status = _log_in(sqlite_client, wrong)
    assert r_status == 401


def test_a_french_reader_gets_french_words_and_may_type_them_without_accents(sqlite_client: TestClient) -> None:
    parts, _ = _start(sqlite_client, "fr")
    assert len(parts) == codenames.WORDS and all(p in codenames.wordlist("fr") for p in parts)
    from safeconduct.crypto.wordlists import fold

    assert _log_in(sqlite_client, fold(" ".join(parts)).upper()) == 303


def test_anyone_may_choose_another_style_and_an_unknown_one_falls_back(sqlite_client: TestClient) -> None:
    parts, _ = _start(sqlite_client, "ar", style="en")
    assert all(p in codenames.wordlist("en") for p in parts)
    parts, _ = _start(sqlite_client, "en", style="<script>")
    assert all(p in codenames.wordlist("en") for p in parts)
