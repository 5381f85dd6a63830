"""Places by their shape: Arabic toponym heads (Tel, Kafr, Wadi, Bir…), "village of …", prepositions."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP

from safeconduct.testimony.text.recognizers.base import ART, ARW, CAP, Rule, rule
from safeconduct.testimony.text.recognizers.gazetteer import ARABIC_PLACE_NOUNS
from safeconduct.testimony.text.recognizers.lexicon import (
    ARABIC_STOPWORDS,
    DAYS_EN,
    DAYS_FR,
    MONTHS_EN,
    MONTHS_FR,
)
from safeconduct.testimony.text.vocabulary import arabic_zipf

_HEADS = (
    r"Tel|Tell|Tal|Kafr|Kfar|Kfr|Wadi|Oued|Bir|Bi'r|Jabal|Jebel|Djebel|Ain|Ayn|Aïn|Deir|Dayr|Ras|Khirbet|"
    r"Khirbat|Souk|Suq|Dar|Zawiyat|Zaouiat|Beit|Bayt|Bab|Kurmi|Tin|Hassi|Ksar|Qasr|Mazraat|Hay|Hai|Birni"
)
#: Heads that are no English or French word: followed by a word that is no everyday word, a place.
_ARABIC_HEADS = (
    r"Kafr|Kfar|Wadi|Oued|Jabal|Jebel|Djebel|Deir|Dayr|Khirbet|Khirbat|Zawiyat|Zaouiat|Beit|Bayt|Mazraat|Hassi|"
    r"Ksar|Qasr|Tell|Tall|Tal|Tel|Ain|Ayn|Bir|Ras"
)
_PLACE = rf"{ART}?{CAP}(?:[\s-]+{ART}?{CAP}){{0,2}}"
# Capitalised words after a preposition, unless they are months, days or words for God.
_NOT_PLACE = rf"(?!(?:{MONTHS_EN}|{DAYS_EN}|{MONTHS_FR}|{DAYS_FR}|God|Allah|Dieu|I|Abu|Abou|Umm|Oum|Mr|Mrs|Dr|The)\b)"
_PREP_EN = r"in|at|near|from|to|outside|towards|toward|around|via|reached|crossed|left|into|through"
_PREP_FR = (
    r"à|au|près de|vers|jusqu'à|depuis|venait de|originaire de|né à|née à|habite à|vit à|vivait à|"
    r"de|d'|entre"
)
_NOUNS_EN = (
    r"village|town|city|camp|district|region|province|valley|neighbourhood|neighborhood|quarter|market|mosque|"
    r"checkpoint|bridge|hills?"
)
_NOUNS_FR = (
    r"village|ville|quartier|camp|région|province|vallée|commune|cercle|marché|mosquée|poste|piste|route|pont|"
    r"mairie|hameau|localité|forêt"
)
#: Adjectives that tell two villages of one name apart (الزوية الجديدة، الرويشد الغربي، الهوارة الصغيرة).
_AR_PLACE_ADJECTIVES = (
    "الجديدة|الجديد|القديمة|القديم|الغربي|الغربية|الشرقي|الشرقية|الشمالي|الشمالية|الجنوبي|الجنوبية|البحري|"
    "البحرية|القبلي|القبلية|الصغير|الصغيرة|الكبير|الكبيرة|الفوقاني|الفوقانية|التحتاني|التحتانية|الفوقا|التحتا|"
    "العليا|السفلى|السفلا|الوسطى|الفوقى|التحتى|العتيق|العتيقة"
)
#: From this frequency an Arabic word is an everyday noun ("الطريق الجديد" the new road), not a village.
_AR_EVERYDAY_ZIPF = 4.0


_FR_STOP_ALTERNATION = "|".join(sorted((re.escape(w) for w in FR_STOP if " " not in w), key=len, reverse=True))


def _rare_arabic_head(mention: str) -> bool:
    """The first word of "<name> <adjective>" is no everyday word (its fused preposition left aside)."""
    head = mention.split()[0]
    for prefix in ("وب", "فب", "و", "ف", "ب", "ل", "ع"):
        if head.startswith(prefix + "ال"):
            head = head[len(prefix) :]
            break
    head = head.replace("لل", "ال", 1) if head.startswith("لل") else head
    return head not in ARABIC_PLACE_NOUNS and arabic_zipf(head) < _AR_EVERYDAY_ZIPF


_AR_HEADS = "تل|كفر|وادي|بئر|بير|جبل|عين|دير|رأس|راس|خربة|معرة|حوش|سوق|دار|حي|مخيم|قرية|مدينة|بلدة|منطقة|ساحة"
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))


def _not_an_everyday_word(mention: str) -> bool:
    """The word after the head is no stop word nor everyday English or French word ("wadi quickly")."""
    from safeconduct.testimony.text.vocabulary import everyday_words

    word = mention.split()[-1].split("-")[-1].lower()
    if re.search(r"[\s-](?:al|el|ad|an|ar|as|ash|at|az|ed|es|et)-", mention.lower()):
        return True  # an article joined to it marks a name ("ain al-tut")
    return word not in EN_STOP and word not in FR_STOP and word not in everyday_words("en") | everyday_words("fr")


def place_rules() -> list[Rule]:
    """Rules for places that the gazetteer cannot know (villages, camps, wadis)."""
    return [
        rule("PLACE", rf"\b(?i:{_HEADS})[\s-]+{ART}?{CAP}(?:[\s-]+{ART}?{CAP})?", 0.7),
        rule(
            "PLACE",
            rf"\b(?i:{_ARABIC_HEADS})[\s-]+(?i:{ART})?[A-Za-zà-ÿ][\w'’]+",
            0.6,
            keep=_not_an_everyday_word,
        ),
        rule("PLACE", rf"\b(?:{_NOUNS_EN})\s+(?:of|near|at|in)\s+(?P<m>{_PLACE})", 0.65),
        rule("PLACE", rf"\b(?:{_NOUNS_FR})\s+(?:de|d'|du|des|près de)\s*(?P<m>{_PLACE})", 0.65),
        rule("PLACE", rf"\b(?:{_PREP_EN})\s+(?:the\s+)?{_NOT_PLACE}(?P<m>{_PLACE})", 0.4),
        rule("PLACE", rf"(?<!\w)(?:{_PREP_FR})\s*{_NOT_PLACE}(?P<m>{_PLACE})", 0.4),
        rule("PLACE", rf"\bentre\s+(?P<m>{_PLACE})\s+et\s+(?P<m2>{_PLACE})", 0.6, groups=("m", "m2")),
        rule(
            "PLACE",
            rf"(?<![\u0621-\u064A])(?:(?:قرية|مدينة|بلدة|منطقة|مخيم|ساحة|مسجد)\s+)?(?P<m>(?:{_AR_HEADS})\s+"
            rf"(?!(?:{_AR_STOP})(?![\u0621-\u064A])){ARW}(?:\s+ال{ARW})?)",
            0.65,
        ),
        rule(
            "PLACE",
            rf"(?<![\u0621-\u064A])(?:و|ب|وب|ف|ع)?(?:ال|لل)[\u0621-\u064A]{{3,}}\s+(?:{_AR_PLACE_ADJECTIVES})(?![\u0621-\u064A])",
            0.55,
            keep=_rare_arabic_head,
        ),
        # the same without the article, for a name no word list knows at all ("تيلما الصغيرة")
        rule(
            "PLACE",
            rf"(?<![\u0621-\u064A])(?:و|ب|وب|ف)?[\u0621-\u064A]{{3,}}\s+(?:{_AR_PLACE_ADJECTIVES})(?![\u0621-\u064A])",
            0.5,
            keep=lambda m: arabic_zipf(m.split()[0]) == 0.0 and m.split()[0] not in ARABIC_STOPWORDS,
        ),
        # A French estate or neighbourhood named "des …" or "du …" in speech, its head noun outside
        # ("la cité des oliviers", "quartier des géraniums", "cité du paillon vert").
        rule(
            "PLACE",
            rf"(?i:\b(?:cité|cite|quartier|résidence|residence|lotissement|hameau|domaine|tours?|barres?)\s+)"
            rf"(?P<m>(?:des|du|de\s+la|de\s+l['’])\s*[a-zà-ÿ][\w'’-]{{2,}}"
            rf"(?:\s+(?!(?:{_FR_STOP_ALTERNATION})\b)[a-zà-ÿ][\w'’-]{{2,}}(?=\s*(?:[.,;:!?]|$|\s+(?:{_FR_STOP_ALTERNATION})\b)))?)",
            0.55,
        ),
        # A town's quarter said with its compass point ("lille sud", "Marseille-Nord"; not "est", a verb).
        rule("PLACE", rf"\b{CAP}[- ](?:Sud|Nord|Ouest|sud|nord|ouest)\b", 0.5),
        # A village named by its head written onto the name (كفرحمرين، بكفرنبودة), or an "Al Bu" village (البوعبيد).
        rule("PLACE", r"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ف|ع)?(?:كفر|البو)[\u0621-\u064A]{4,}", 0.55),
    ]
