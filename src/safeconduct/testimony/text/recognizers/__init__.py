"""The recognizers we add to Presidio for testimonies of people leaving armed groups."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from safeconduct.testimony.text.recognizers.arabic_names import ArabicNameRecognizer
from safeconduct.testimony.text.recognizers.base import RuleRecognizer
from safeconduct.testimony.text.recognizers.contacts import PhoneNumberRecognizer, contact_rules
from safeconduct.testimony.text.recognizers.dates import date_rules
from safeconduct.testimony.text.recognizers.documents import document_rules
from safeconduct.testimony.text.recognizers.gazetteer import GazetteerRecognizer
from safeconduct.testimony.text.recognizers.names import name_rules
from safeconduct.testimony.text.recognizers.peoples import people_rules
from safeconduct.testimony.text.recognizers.places import place_rules
from safeconduct.testimony.text.recognizers.spoken_rules import extra_rules
from safeconduct.testimony.text.recognizers.units import unit_rules


def domain_recognizers(language: str) -> list[EntityRecognizer]:
    """Every domain recognizer, registered for `language` (the rules cover en, fr and ar at once)."""
    return [
        RuleRecognizer("NameRecognizer", name_rules(), language),
        RuleRecognizer("PlaceRecognizer", place_rules(), language),
        RuleRecognizer("UnitRecognizer", unit_rules(), language),
        RuleRecognizer("DateRecognizer", date_rules(), language),
        RuleRecognizer("ContactRecognizer", contact_rules(), language),
        RuleRecognizer("DocumentRecognizer", document_rules(), language),
        RuleRecognizer("PeopleRecognizer", people_rules(), language),
        RuleRecognizer("SpokenStyleRecognizer", extra_rules(), language),
        PhoneNumberRecognizer(language),
        GazetteerRecognizer(language),
        ArabicNameRecognizer(language),
    ]
