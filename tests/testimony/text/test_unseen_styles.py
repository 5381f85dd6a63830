"""Styles the first rules missed: lower-case names, cue words, nicknames and groups with no head noun.

Each rule has a positive sentence and a sentence that its guard must leave alone. Sentences are made up.
"""

from __future__ import annotations

from safeconduct.testimony.text import Kind, redact_text
from safeconduct.testimony.text.nlp import load_pipeline
from safeconduct.testimony.text.placeholders import Span, propagate
from safeconduct.testimony.text.truecase import truecase
from safeconduct.testimony.text.vocabulary import is_known, known_words


def _hidden(text: str, language: str) -> str:
    return redact_text(text, language).redacted_text


def _names(text: str, language: str) -> list[str]:
    """People, places and units found (what these rules are about; dates have rules of their own)."""
    kinds = (Kind.PERSON, Kind.PLACE, Kind.UNIT)
    return [f.text for f in redact_text(text, language).findings if f.kind in kinds]


def _starts(spans: list[Span]) -> list[tuple[int, int]]:
    return sorted({(s.start, s.end) for s in spans})


# Truecasing --------------------------------------------------------------------------------------------


def test_truecasing_capitalises_unknown_lower_case_words_and_keeps_offsets() -> None:
    text = "last year we hid with bakori in the hut of jund al-mizan near zabrata."
    cased = truecase(text, "en", load_pipeline("en"))
    assert len(cased) == len(text)
    assert "with Bakori in the hut of jund al-Mizan near Zabrata." in cased  # "jund": a domain word
    assert cased.startswith("last year we hid")  # known words keep their case


def test_truecasing_leaves_addresses_handles_domain_words_and_cased_text_alone() -> None:
    text = "write to kodjo.abena@gmail.com or @sunbird_12; the katiba sent a talibé to the madrasa."
    assert truecase(text, "en", load_pipeline("en")) == text
    cased = "We hid with Bakori near Zabrata."
    assert truecase(cased, "en", load_pipeline("en")) == cased


def test_truecasing_french_elision_and_compound_names() -> None:
    text = "il venait d'ourkoubé et du quartier kassala-guéré, et nous sommes partis"
    cased = truecase(text, "fr", load_pipeline("fr"))
    assert "d'Ourkoubé" in cased and "Kassala-Guéré" in cased
    assert "nous sommes partis" in cased


def test_known_words_include_inflections_prefixes_and_elisions() -> None:
    en, fr = known_words("en", load_pipeline("en")), known_words("fr", load_pipeline("fr"))
    for word in ("villagers", "hiding", "relicensing", "soldier's"):
        assert is_known(word, "en", en), word
    for word in ("l'appelait", "qu'il", "combattants"):
        assert is_known(word, "fr", fr), word
    assert not is_known("bakori", "en", en)


def test_a_lower_case_transcript_still_hides_names_and_places() -> None:
    text = "we stayed two weeks with bakori and his wife, then bakori took us to zabrata by night"
    hidden = _hidden(text, "en")
    assert "bakori" not in hidden and "zabrata" not in hidden
    assert "we stayed" in hidden and "his wife" in hidden


def test_a_lower_case_transcript_of_ordinary_words_is_left_alone() -> None:
    text = "we walked for three nights and slept under the trees until the heat was gone and the guards slept"
    assert _names(text, "en") == []


# Propagation whatever the case ------------------------------------------------------------------------


def test_every_mention_is_found_whatever_its_case() -> None:
    text = "Bakori led us. later bakori left and BAKORI never came back."
    spans = propagate([Span(Kind.PERSON, 0, 6, 0.8, "test")], text, "en", known_words("en", load_pipeline("en")))
    assert _starts(spans) == [(0, 6), (21, 27), (37, 43)]


def test_a_name_made_of_everyday_words_keeps_its_case() -> None:
    text = "Grace hid me. There was no grace in that camp."
    spans = propagate([Span(Kind.PERSON, 0, 5, 0.8, "test")], text, "en", known_words("en", load_pipeline("en")))
    assert _starts(spans) == [(0, 5)]


def test_an_article_may_change_case_in_a_nickname() -> None:
    text = "Everybody obeyed the Jackal. The Jackal never slept."
    spans = propagate([Span(Kind.PERSON, 17, 27, 0.5, "test")], text, "en", known_words("en", load_pipeline("en")))
    assert {(17, 27), (29, 39)} <= set(_starts(spans))


# Cue words --------------------------------------------------------------------------------------------


def test_kin_words_introduce_names_in_english_and_french() -> None:
    assert "Tchiroma" not in _hidden("The money went to my late uncle Tchiroma last year.", "en")
    assert "Bintou" not in _hidden("Je dormais chez ma tante Bintou avant la saison des pluies.", "fr")


def test_a_kin_word_before_an_ordinary_word_is_not_a_name() -> None:
    result = redact_text("My brother Then went to the river with my cousin, and God protected him.", "en")
    assert not [f for f in result.findings if f.kind is Kind.PERSON]


def test_a_certain_introduces_a_name() -> None:
    assert "Zenabou" not in _hidden("Nous avons logé chez une certaine Zenabou, qui vendait du mil.", "fr")
    assert "Tchiroma" not in _hidden("We were handed to a certain Tchiroma at the river.", "en")


def test_a_certain_before_a_pronoun_is_not_a_name() -> None:
    result = redact_text("There was a certain I do not know what in his voice.", "en")
    assert not [f for f in result.findings if f.kind is Kind.PERSON]


# Nicknames and groups without head nouns ---------------------------------------------------------------


def test_a_nickname_with_an_article_inside_a_sentence() -> None:
    hidden = _hidden("The orders came from the Jackal. The Jackal never showed his face.", "en")
    assert "Jackal" not in hidden
    assert "from le Borgne" not in _hidden("Les ordres venaient de le Borgne, et le Borgne ne dormait pas.", "fr")


def test_titles_institutions_and_faith_after_the_are_not_nicknames() -> None:
    result = redact_text("We prayed and read the Quran, and later the Army came with the Emir of nothing.", "en")
    assert not [f for f in result.findings if f.kind is Kind.PERSON]
    person = [f for f in redact_text("They printed the GPL on the wall.", "en").findings if f.kind is Kind.PERSON]
    assert not person


def test_a_group_named_by_an_emblem_without_head_noun() -> None:
    assert "Sand Vipers" not in _hidden("I served two years with the Sand Vipers in the north.", "en")
    assert "Faucons du Ténéré" not in _hidden("Il a rejoint les Faucons du Ténéré après la saison sèche.", "fr")


def test_emblem_words_in_lower_case_are_animals() -> None:
    assert _names("At night we heard the lions and the wolves near the river.", "en") == []


def test_transliterated_group_heads_in_lower_case_and_elided_acronyms() -> None:
    hidden = _hidden("he joined jund al-mizan before the rains", "en")
    assert "mizan" not in hidden and "jund" not in hidden
    hidden = _hidden("Il travaillait pour l'MSLK depuis longtemps.", "fr")
    assert "MSLK" not in hidden and "pour [" in hidden  # the elided article goes with the name


# Lower-case names the word lists know, and cue words in any case ------------------------------------------


def test_given_names_and_large_towns_in_lower_case_are_capitalised_unless_everyday_words() -> None:
    cased = truecase("we left with ibrahim for maiduguri and he said the bath was cold", "en", load_pipeline("en"))
    assert "with Ibrahim for Maiduguri" in cased
    assert "he said the bath was cold" in cased  # "Said" is a name and Bath a town, but these are words


def test_kunyas_titles_and_toponym_heads_in_lower_case_before_a_name() -> None:
    hidden = _hidden("abu bakori and sheikh tchiroma met at kafr zabrata", "en")
    for word in ("bakori", "tchiroma", "zabrata", "abu", "sheikh", "kafr"):
        assert word not in hidden, word


def test_a_lower_case_title_before_an_ordinary_word_is_not_a_name() -> None:
    # "the doctor" on its own is hidden as a nickname since issue 13; the word after it never is
    names = _names("the captain In charge was tired and the doctor Then left", "en")
    assert names in ([], ["the doctor"])


def test_numbered_units_in_lower_case() -> None:
    hidden = _hidden("i was in the 5th battalion and then the 2nd company", "en")
    assert "5th battalion" not in hidden and "2nd company" not in hidden


def test_a_number_before_an_ordinary_word_is_not_a_unit() -> None:
    assert _names("it was the 5th time and the 2nd year of the war", "en") == []


def test_article_joined_words_after_a_group_head_or_a_kunya_in_lower_case() -> None:
    hidden = _hidden("he left ansar al-sahra and joined abu al-layl", "en")
    assert "al-sahra" not in hidden and "al-layl" not in hidden


def test_arabic_toponym_heads_before_a_non_everyday_word_in_lower_case() -> None:
    assert "hawsh" not in _hidden("we camped at wadi hawsh for a week", "en")
    assert _names("we crossed the wadi quickly and the wadi was dry", "en") == []


def test_lower_case_nickname_after_a_naming_cue() -> None:
    assert "engineer" not in _hidden("the man known as the engineer built the bombs", "en")
    assert "petit" not in _hidden("on l'appelait le petit parce qu'il était jeune", "fr")


def test_called_before_an_ordinary_phrase_is_not_a_nickname() -> None:
    assert _names("we called the police and they called him the next day", "en") == []


# Feasts, grouped document numbers, numbers read aloud ---------------------------------------------------


def test_feasts_date_an_event() -> None:
    hidden = _hidden("They came on the second night of Eid al-Adha, before the first day of Ramadan.", "en")
    assert "Eid" not in hidden and "Ramadan" not in hidden and "second night" not in hidden
    assert "Korité" not in _hidden("Il est parti le jour de la Korité avec son oncle.", "fr")


def test_a_document_number_written_in_groups() -> None:
    assert "4471 0932" not in _hidden("My card had the number TX 4471 0932 on the back.", "en")


def test_short_grouped_numbers_are_not_documents() -> None:
    result = redact_text("Card number 12 of 40 was missing.", "en")
    assert not [f for f in result.findings if f.kind is Kind.ID]


def test_a_phone_number_read_aloud() -> None:
    hidden = _hidden("his number is oh six nine one, four four two, double seven eight", "en")
    assert "four four two" not in hidden and "[PHONE 1]" in hidden
    hidden = _hidden("son numéro c'est soixante-six, treize, quarante-deux, zéro huit", "fr")
    assert "treize" not in hidden


def test_spoken_amounts_and_ages_are_not_phone_numbers() -> None:
    result = redact_text("we were two or three hundred and I was fifteen or sixteen years old", "en")
    assert not [f for f in result.findings if f.kind is Kind.PHONE]


# Words no list knows, first names before a surname, groups in lower case -----------------------------------


def test_a_word_no_list_knows_and_no_detector_claims_is_hidden() -> None:
    assert "ansarul" not in _hidden("he was with ansarul before he joined us", "en")
    assert "Zabrawi" not in _hidden("They said the trucks belonged to Zabrawi, not to us.", "en")


def test_known_words_and_sentence_starts_are_not_taken_for_unknown_names() -> None:
    assert _names("the trucks were loaded before the guards noticed anything", "en") == []
    result = redact_text("Relicensing was not discussed. Nobody cared.", "en")
    assert not [f for f in result.findings if f.source == "UnknownWordRecognizer"]


def test_a_first_name_that_is_an_everyday_word_before_a_surname() -> None:
    cased = truecase("call grace tchiroma or jean-paul zabrawi or idris ag bakori", "en", load_pipeline("en"))
    assert "Grace Tchiroma" in cased and "Jean-Paul Zabrawi" in cased and "Idris ag Bakori" in cased


def test_an_everyday_word_before_a_name_keeps_its_case() -> None:
    cased = truecase("that is what he said Bob, and grace. Tchiroma came", "en", load_pipeline("en"))
    assert "he said Bob" in cased and "grace. Tchiroma" in cased


def test_groups_in_lower_case_named_by_an_emblem_or_an_unusual_word() -> None:
    hidden = _hidden("we fought the black cobras and later the zulu brigade", "en")
    assert "black cobras" not in hidden and "zulu brigade" not in hidden
    assert "Red" not in _hidden("They joined the Red Scorpions in the spring.", "en")


def test_groups_in_lower_case_need_more_than_an_everyday_word() -> None:
    assert _names("she ran the women's brigade and then the rapid brigade was formed", "en") == []
    assert _names("we heard the lions at night and saw the Red Cross trucks", "en") == []


def test_a_nickname_at_the_start_of_a_sentence() -> None:
    assert "Jackal" not in _hidden("We slept in the truck. The Jackal never did.", "en")
    assert "Hyène" not in _hidden("La Hyène surveillait le puits.", "fr")


def test_titles_and_words_of_faith_at_the_start_of_a_sentence_are_not_nicknames() -> None:
    result = redact_text("The Colonel gave orders. The Quran was read. The Emir slept.", "en")
    assert not [f for f in result.findings if f.source == "NameRecognizer"]  # (the model may still guess)


def test_a_unit_named_by_an_animal_after_its_head_noun() -> None:
    hidden = _hidden("il était dans la section panthère puis dans la compagnie buffle", "fr")
    assert "panthère" not in hidden and "buffle" not in hidden


def test_a_head_noun_before_an_ordinary_word_is_not_a_named_unit() -> None:
    assert _names("la section suivante et la compagnie entière sont parties", "fr") == []
