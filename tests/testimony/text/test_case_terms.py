"""Issue 13 item 2: what the case already knows is hidden in every spelling, whatever the models say."""

from __future__ import annotations

import pytest

from safeconduct.testimony.text import Kind, redact_text
from safeconduct.testimony.text.terms import Term, case_terms, find_terms


def spellings(entries: list[tuple[str, str]]) -> set[str]:
    return {t.text.casefold() for t in case_terms(entries)}


def test_a_kunya_gets_its_other_spellings_with_and_without_the_article_and_in_arabic() -> None:
    found = spellings([("PERSON", "Abu Qatada al-Homsi")])
    for form in ("abu qatada al-homsi", "abou qatada el-homsi", "abu qatada homsi", "qatada", "homsi"):
        assert form in found, form
    assert any("أبو" in f for f in found)


def test_an_arabic_name_is_found_in_its_latin_spellings_and_without_the_article() -> None:
    terms = case_terms([("PLACE", "الميادين")])
    assert {"الميادين", "ميادين"} <= {t.text for t in terms}
    text = "From al-Mayadeen to Mayadin, then el-Meyadine; not the Damascus road."
    hits = sorted(text[s:e] for _, s, e in find_terms(text, terms))
    assert hits == ["Mayadin", "al-Mayadeen", "el-Meyadine"]


def test_the_case_list_hides_every_spelling_even_ordinary_words() -> None:
    terms = case_terms([("PERSON", "Abu Nour al-Tahhan"), ("PLACE", "Green Hill"), ("HANDLE", "tahhan88")])
    text = (
        "Abou Nour el-Tahhan came by. Later Tahhan called from green hill and posted as tahhan88. "
        "أبو نور الطحان was there too."
    )
    out = redact_text(text, "en", extra_terms=terms).redacted_text
    for secret in ("Abou Nour", "Tahhan", "green hill", "tahhan88", "الطحان"):
        assert secret not in out, (secret, out)


def test_an_arabic_case_term_is_found_behind_attached_prepositions() -> None:
    terms = case_terms([("PLACE", "الشحيل"), ("PERSON", "Ghassan")])
    hits = find_terms("رحنا وبالشحيل ثم للشحيل مع غسان", terms)
    assert len(hits) == 3


def test_a_blank_entry_or_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="empty PERSON"):
        case_terms([("PERSON", "   ")])
    with pytest.raises(ValueError):
        case_terms([("SHOE", "Nike")])


def test_rejected_words_stay_readable_unless_the_case_lists_them() -> None:
    text = "We crossed near Kobani and met Suleiman."
    assert "Kobani" in redact_text(text, "en", rejected=["kobani"]).redacted_text
    forced = redact_text(text, "en", rejected=["Kobani"], extra_terms=[Term(Kind.PLACE, "Kobani")])
    assert "Kobani" not in forced.redacted_text
