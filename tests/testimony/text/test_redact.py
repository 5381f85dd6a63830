"""`redact_text`: what it hides, how it numbers, and how it fails."""

from __future__ import annotations

import socket

import pytest

from safeconduct.testimony.text import Kind, RedactionError, UnsupportedLanguageError, redact_text

EN = (
    "My name in the group was Abu Hamza. I joined the Saraya al-Nour in March 2017. The recruiter was "
    "Idris Kamara; everyone in Tel Sabri knew Kamara. Later Kamara sent me to Bir Kashta with the 4th Brigade."
)


def test_every_mention_of_a_person_is_hidden_with_one_placeholder() -> None:
    result = redact_text(EN, "en")
    for word in ("Abu Hamza", "Idris", "Kamara", "Saraya al-Nour", "Tel Sabri", "Bir Kashta", "4th Brigade", "2017"):
        assert word not in result.redacted_text
    kamara = {f.placeholder for f in result.findings if "Kamara" in f.text}
    assert len(kamara) == 1 and kamara.pop().startswith("[PERSON ")
    assert result.redacted_text.count("[PERSON 2]") == 3


def test_different_entities_get_different_numbers_in_order_of_first_mention() -> None:
    result = redact_text("Abu Hamza met Abu Dujana in Kidal. Abu Hamza left for Gao.", "en")
    assert result.redacted_text == "[PERSON 1] met [PERSON 2] in [PLACE 1]. [PERSON 1] left for [PLACE 2]."


def test_findings_carry_kind_text_and_true_offsets() -> None:
    text = "Call my sister on +256 772 481 903 or write to grace.akello88@gmail.com, Telegram @nightbird_77."
    result = redact_text(text, "en")
    kinds = {f.kind: f.text for f in result.findings}
    assert kinds[Kind.PHONE] == "+256 772 481 903"
    assert kinds[Kind.EMAIL] == "grace.akello88@gmail.com"
    assert kinds[Kind.HANDLE] == "@nightbird_77"
    for f in result.findings:
        assert text[f.start : f.end] == f.text


def test_national_phone_formats_and_document_numbers() -> None:
    text = "Do not call my old number 0803 555 7781. My passport number was A04519873 and my card TCH-2291-0457."
    result = redact_text(text, "en")
    for secret in ("0803 555 7781", "A04519873", "TCH-2291-0457"):
        assert secret not in result.redacted_text


def test_french_noms_de_guerre_units_dates_and_peoples() -> None:
    text = (
        "On m'appelait Abou Souleymane. J'ai rejoint la Katiba Nourou le 12 mars 2019 à Ténenkou. "
        "Mon chef, un Mauritanien appelé Sidi Ould Cheikh, vivait près de Dourou."
    )
    result = redact_text(text, "fr")
    for secret in (
        "Souleymane",
        "Katiba Nourou",
        "12 mars 2019",
        "Ténenkou",
        "Mauritanien",
        "Sidi Ould Cheikh",
        "Dourou",
    ):
        assert secret not in result.redacted_text, secret
    assert "appelait [PERSON 1]" in result.redacted_text


def test_arabic_script_kunyas_units_places_and_digits() -> None:
    text = "كان اسمي أبو حمزة. انضممت إلى كتيبة النور في آذار ٢٠١٧ في قرية تل صبري. رقم هاتفي +963 944 123 456."
    result = redact_text(text, "auto")
    assert result.language == "ar"
    for secret in ("أبو حمزة", "كتيبة النور", "آذار", "٢٠١٧", "تل صبري", "944 123 456"):
        assert secret not in result.redacted_text, secret


def test_arabic_three_letter_names_of_big_cities_are_places_but_short_words_are_not() -> None:
    result = redact_text("ذهبنا من حمص إلى حلب في الصيف مع أخي.", "ar")
    assert "حلب" not in result.redacted_text and "حمص" not in result.redacted_text
    assert {f.text for f in result.findings if f.kind == "PLACE"} >= {"حلب", "حمص"}
    assert "الصيف" in result.redacted_text and "أخي" in result.redacted_text and "من" in result.redacted_text


def test_auto_language_detection_picks_french() -> None:
    assert redact_text("Je suis né à Kidal et nous avons quitté le village.", "auto").language == "fr"


def test_a_language_without_a_pipeline_fails_clearly_and_says_what_to_install() -> None:
    with pytest.raises(UnsupportedLanguageError, match="--ner-model"):
        redact_text("Ich heiße Hans und wohne in Berlin.", "de")


def test_ner_model_path_loads_any_spacy_pipeline() -> None:
    from safeconduct.testimony.text.nlp import _package_dir

    folder = _package_dir("fr_core_news_sm")
    assert folder is not None
    result = redact_text("Le capitaine Didier Kasongo habitait à Mubambiro.", "fr", ner_model=str(folder))
    assert "Kasongo" not in result.redacted_text


def test_a_folder_that_is_not_a_pipeline_is_refused(tmp_path) -> None:
    with pytest.raises(UnsupportedLanguageError, match="not a spaCy pipeline"):
        redact_text("Abu Hamza", "en", ner_model=str(tmp_path))


def test_redaction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from safeconduct.testimony.text import engine

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine.analyzer.cache_clear()
    result = redact_text("Write to k.moreno.safe@protonmail.com or visit facebook.com/maryam.kg", "en")
    assert {f.kind for f in result.findings} == {Kind.EMAIL, Kind.HANDLE}


def test_empty_text_and_wrong_types() -> None:
    assert redact_text("   ", "en").findings == []
    with pytest.raises(RedactionError, match="expected text"):
        redact_text(b"Abu Hamza", "en")  # type: ignore[arg-type]
