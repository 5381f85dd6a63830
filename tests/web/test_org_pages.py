"""The organisation on the contact pages: its name and introduction in the visitor's language, where the case
stands in plain words (never the internal vetting), and when to expect an answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from safeconduct.cases.models import Case
from safeconduct.cli import app as cli_app
from safeconduct.config import load_settings
from safeconduct.org import intro
from safeconduct.runtime import Runtime
from tests.conftest import Installation, client_for
from tests.flows import contact_page_login, staff_page_login, start_contact

INTROS = {
    "en": "We are the Return Desk of Kirkuk.\n\nWe answer every message ourselves.",
    "fr": "Nous sommes le Bureau du retour de Kirkouk.",
    "ar": "نحن مكتب العودة في كركوك. نُجيب عن كل رسالة بأنفسنا.",
}


def _text(page: str) -> str:
    """The visible words of a page, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _admin_form(client: TestClient, csrf: str, **fields: str) -> dict[str, str]:
    form = {"csrf_token": csrf, "name": "Return Desk", "answer_days": "3",
            **{f"intro_{k}": v for k, v in INTROS.items()}}
    form.update(fields)
    return form


def test_an_administrator_sets_the_introduction_and_the_home_page_shows_it_in_three_languages(
        installation: Installation, client: TestClient) -> None:
    admin = installation.add_staff("amal", role="admin")
    csrf = staff_page_login(client, admin)
    page = client.get("/staff/admin")
    assert 'href="/staff/admin/organisation"' in page.text
    r = client.post("/staff/admin/organisation", data=_admin_form(client, csrf))
    assert r.status_code == 303 and r.headers["location"] == "/staff/admin/organisation?saved=1", r.text
    assert "Saved. The contact pages show it now." in client.get(r.headers["location"]).text

    visitor = client_for(installation)
    english = _text(visitor.get("/?lang=en").text)
    assert "Return Desk" in english
    assert "We are the Return Desk of Kirkuk." in english and "We answer every message ourselves." in english
    assert "We usually answer within 3 days." in english
    french = visitor.get("/?lang=fr").text
    assert "Nous sommes le Bureau du retour de Kirkouk." in _text(french)
    assert "Nous répondons en général sous 3 jours." in _text(french) and 'lang="fr"' in french
    arabic = visitor.get("/?lang=ar").text
    assert 'dir="rtl"' in arabic and INTROS["ar"] in _text(arabic)
    assert "نردّ عادةً خلال 3 أيام." in _text(arabic)
    with installation.runtime.db() as db:
        assert intro.read(db) == intro.OrgIntro(name="Return Desk", intros=INTROS, answer_days=3)


def test_a_language_without_an_introduction_shows_another_one_marked_with_its_language(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    with sqlite_installation.runtime.db() as db:
        intro.save(db, intro.check("Return Desk", {"en": INTROS["en"]}, None))
    page = sqlite_client.get("/?lang=ar").text
    assert 'lang="en" dir="auto">We are the Return Desk of Kirkuk.' in page
    assert "answer within" not in page and "نردّ" not in page  # no delay set: nothing said


def test_bad_settings_are_refused_in_the_admins_language_and_nothing_typed_is_lost(
        sqlite_installation: Installation, sqlite_client: TestClient) -> None:
    admin = sqlite_installation.add_staff("amal", role="admin")
    csrf = staff_page_login(sqlite_client, admin)
    for fields, message in (
        ({"answer_days": "soon"}, "Le délai de réponse est un nombre de jours, de 1 à 60."),
        ({"answer_days": "0"}, "Le délai de réponse est un nombre de jours, de 1 à 60."),
        ({"name": "  "}, "Indiquez le nom de l’organisation."),
        ({"intro_fr": "x" * 2001}, "Une présentation est trop longue : 2000 caractères au plus."),
    ):
        r = sqlite_client.post("/staff/admin/organisation?lang=fr", data=_admin_form(sqlite_client, csrf, **fields))
        assert r.status_code == 422, (fields, r.status_code)
        assert message in html.unescape(r.text), fields
        assert html.escape(INTROS["ar"], quote=False) in r.text or INTROS["ar"] in r.text  # kept as typed
        assert INTROS["en"].split("\n")[0] in r.text
        with sqlite_installation.runtime.db() as db:
            assert intro.read(db) == intro.OrgIntro(name="Test organisation")  # nothing stored
    caseworker = sqlite_installation.add_staff("bilal")
    other = client_for(sqlite_installation)
    csrf = staff_page_login(other, caseworker)
    assert other.get("/staff/admin/organisation").status_code == 403
    assert other.post("/staff/admin/organisation", data=_admin_form(other, csrf)).status_code == 403


def test_the_contact_reads_where_the_case_stands_and_when_to_expect_an_answer(
        installation: Installation, client: TestClient) -> None:
    with installation.runtime.db() as db:
        intro.save(db, intro.check("Return Desk", INTROS, 4))
    codename, _token = start_contact(client, first_message="I want to go home")
    contact_page_login(client, codename)

    def page(state: str, lang: str = "en") -> str:
        with installation.runtime.db() as db:
            case = db.query(Case).one()
            case.state = state
            db.commit()
        return _text(client.get(f"/contact/conversation?lang={lang}").text)

    first = page("new_contact")
    assert "Where things stand" in first
    assert "Your messages have reached us. A caseworker will read them soon." in first
    assert "We usually answer within 4 days." in first
    vetting = page("vetting")
    assert "Your conversation has been read by a caseworker." in vetting
    assert not re.search(r"vett|reject", vetting, re.I)
    assert "We are preparing the steps with the authorities." in page("return_requested")
    assert page("rejected") == page("closed")  # a rejection reads exactly like any end
    assert "Our work together on this conversation has ended." in page("rejected")
    arabic = page("return_requested", "ar")
    assert "نحضّر الخطوات مع السلطات." in arabic and "نردّ عادةً خلال 4 أيام." in arabic
    french = page("vetting", "fr")
    assert "Votre conversation a été lue par un·e intervenant·e." in french
    assert "Nous répondons en général sous 4 jours." in french


def test_init_sets_the_introduction_from_files_and_refuses_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "intro.txt").write_text(INTROS["en"], encoding="utf-8")
    (tmp_path / "intro.ar.txt").write_text(INTROS["ar"], encoding="utf-8")
    data = tmp_path / "org"
    result = CliRunner().invoke(cli_app, ["init", "--data", str(data), "--name", "Return Desk", "--intro-file",
                                          str(tmp_path / "intro.txt"), "--intro-file",
                                          f"ar={tmp_path / 'intro.ar.txt'}", "--answer-days", "5"])
    assert result.exit_code == 0, result.output
    runtime = Runtime.open(load_settings(data))
    with runtime.db() as db:
        assert intro.read(db) == intro.OrgIntro(name="Return Desk", intros={"en": INTROS["en"], "ar": INTROS["ar"]},
                                                answer_days=5)
    runtime.engine.dispose()

    other = tmp_path / "other"
    result = CliRunner().invoke(cli_app, ["init", "--data", str(other), "--intro-file", str(tmp_path / "none.txt")])
    assert result.exit_code == 1
    assert f"The introduction file {tmp_path / 'none.txt'} does not exist. Nothing was changed." in result.output
    result = CliRunner().invoke(cli_app, ["init", "--data", str(other), "--answer-days", "90"])
    assert result.exit_code == 1 and "from 1 to 60" in result.output
    assert not other.exists()  # refused before anything was created
