"""Ways to reach a person: phone numbers (via `phonenumbers`), e-mail addresses, messaging handles."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from safeconduct.testimony.text.recognizers.base import Rule, rule

#: Regions whose national formats ("0803 555 7781") are tried, besides international ones ("+234 …").
PHONE_REGIONS = (
    "NG",
    "ML",
    "NE",
    "BF",
    "TD",
    "CM",
    "SN",
    "MR",
    "DZ",
    "TN",
    "MA",
    "LY",
    "EG",
    "SD",
    "SS",
    "SO",
    "ET",
    "KE",
    "UG",
    "CD",
    "CF",
    "RW",
    "BI",
    "SY",
    "IQ",
    "JO",
    "LB",
    "TR",
    "YE",
    "SA",
    "AF",
    "PK",
    "FR",
    "BE",
    "DE",
    "GB",
    "SE",
    "NL",
    "US",
)


#: Fewer digits than this is a day, a year or a count, not a phone number.
MIN_DIGITS = 7


class PhoneNumberRecognizer(EntityRecognizer):
    """Phone numbers in international and national formats, parsed by Google's libphonenumber port."""

    def __init__(self, language: str, regions: tuple[str, ...] = PHONE_REGIONS) -> None:
        self.regions = regions
        super().__init__(supported_entities=["PHONE"], name="PhoneNumberRecognizer", supported_language=language)

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        import phonenumbers

        spans: dict[tuple[int, int], float] = {}
        for region in self.regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
                if sum(c.isdigit() for c in match.raw_string) < MIN_DIGITS:
                    continue
                valid = phonenumbers.is_valid_number(match.number)
                key = (match.start, match.end)
                spans[key] = max(spans.get(key, 0.0), 0.8 if valid else 0.6)
        return [RecognizerResult("PHONE", s, e, score) for (s, e), score in spans.items()]


#: Spoken digits, as a transcript writes a number read aloud ("oh seven seven two, four one oh").
_UNITS = {
    **dict.fromkeys("zero oh o nought one two three four five six seven eight nine".split(), 1),
    **dict.fromkeys("zéro zero un une deux trois quatre cinq six sept huit neuf".split(), 1),
}
_TENS = frozenset(
    """ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
    sixty seventy eighty ninety dix onze douze treize quatorze quinze seize vingt vingts trente quarante
    cinquante soixante cent""".split()
)
_REPEAT = {"double": 1, "triple": 2}
_SPOKEN = "|".join(sorted({*_UNITS, *_TENS, *_REPEAT}, key=len, reverse=True))
#: Fewer than this many spoken number words is an amount or an age, not a phone number.
MIN_SPOKEN_WORDS = 5


def spoken_digits(mention: str) -> int:
    """About how many digits a run of spoken number words stands for ("seventy two" is two, not three)."""
    count, previous = 0, ""
    for word in re.split(r"[\s,-]+", mention.lower()):
        if word in _UNITS:
            count += 0 if previous in _TENS and previous not in ("dix", "ten", "cent") else 1
        elif word in _TENS:
            count += 0 if previous in ("soixante", "quatre", "vingt") and word in ("dix", "vingt", "vingts") else 2
        elif word in _REPEAT:
            count += _REPEAT[word]
        if word not in ("and", "et"):
            previous = word
    return count


def _spoken_phone(mention: str) -> bool:
    words = [w for w in re.split(r"[\s,-]+", mention.lower()) if w and w not in ("and", "et")]
    return len(words) >= MIN_SPOKEN_WORDS and spoken_digits(mention) >= MIN_DIGITS


def contact_rules() -> list[Rule]:
    """E-mail addresses, @handles, profile links, and a catch-all for "+…"/"00…" numbers."""
    return [
        rule("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b", 0.95),
        rule("HANDLE", r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.]{2,31}\b", 0.85),
        rule(
            "HANDLE",
            r"\b(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.com|instagram\.com|twitter\.com|x\.com|t\.me|"
            r"tiktok\.com|vk\.com|youtube\.com|snapchat\.com)/[\w.@/-]+",
            0.9,
        ),
        rule("PHONE", r"(?<![\w+])(?:\+|00)\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}\b", 0.7),
        # A number read aloud: seven digits or more, in five number words or more.
        rule(
            "PHONE",
            rf"(?i:\b(?:plus\s+)?(?:{_SPOKEN})(?:(?:[\s,-]+|\s+(?:and|et)\s+)(?:{_SPOKEN}))+\b)",
            0.6,
            keep=_spoken_phone,
        ),
    ]
