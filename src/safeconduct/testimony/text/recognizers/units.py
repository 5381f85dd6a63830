"""Armed groups, brigades and units, from their head nouns in English, French, Arabic and transliteration."""

from __future__ import annotations

from safeconduct.testimony.text.recognizers.base import ART, ARW, CAP, Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import ARABIC_STOPWORDS

_HEAD_EN = (
    r"Brigades?|Battalions?|Company|Regiment|Division|Front|Army|Forces|Force|Group|Command|Faction|Militia|"
    r"Movement|Corps|Unit|Squad|Cell|Platoon|Sector|Legion|Guard|Committee|Katiba|Kata'ib"
)
_HEAD_EN_LOWER = r"brigade|battalion|faction|militia|group|cell|company|unit|front"
_MODIFIER = rf"(?:\d+(?:st|nd|rd|th)|{ART}?{CAP}(?:'s)?|ibn|bin|of|the|al|el)"
_HEAD_TRANSLIT = (
    r"Katiba|Katibat|Liwa|Liwaa|Saraya|Sarayat|Jaysh|Jaish|Kataib|Kata'ib|Jund|Ansar|Ansaroul|Harakat|Haraka|"
    r"Jamaat|Jama'at|Fawj|Firqa|Jabhat|Jabha|Hizb|Tanzim|Sariyat|Sariya"
)
_HEAD_FR = (
    r"[Kk]atiba|[Bb]rigade|[Bb]ataillon|[Cc]ompagnie|[Ss]ection|[Mm]ilice|[Gg]roupe|[Ff]ront|[Aa]rmée|"
    r"[Ff]orces|[Mm]ouvement|[Rr]égiment|[Ee]scadron|[Uu]nité|[Pp]eloton|[Cc]ellule|[Cc]olonne"
)
#: Emblems and epithets that name a group with no head noun ("the Desert Lions", "les Aigles du Sahel").
_EMBLEMS = (
    r"Lions|Tigers|Eagles|Falcons|Hawks|Wolves|Panthers|Leopards|Scorpions|Cobras|Vipers|Lions|Knights|Martyrs|"
    r"Mujahideen|Mujahidin|Guardians|Defenders|Avengers|Liberators|Partisans|Commandos|Rangers|Hunters|"
    r"Aigles|Faucons|Loups|Panthères|Léopards|Scorpions|Martyrs|Moudjahidines|Défenseurs|Chasseurs|Fils"
)
_FR_LINK = r"(?:de la|de l'|du|des|de|d')"
_AR_HEADS = "كتيبة|لواء|سرايا|جيش|فيلق|جبهة|حركة|قيادة|فوج|فرقة|جماعة|سرية|كتائب|ألوية|تنظيم|مجموعة|مفرزة|فصيل|مفارز"
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))


def _modifier_not_everyday(mention: str) -> bool:
    """The word before the head is no everyday word ("the mamba brigade", not "the women's brigade")."""
    from safeconduct.testimony.text.vocabulary import everyday_words

    word = mention.split()[0].lower().replace("’", "'")
    word = word[:-2] if word.endswith("'s") else word
    return word not in everyday_words("en") and word not in everyday_words("fr")


def _no_stop_word_first(mention: str) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    return mention.split()[0].lower() not in STOP_WORDS


def unit_rules() -> list[Rule]:
    """Rules for named armed groups and units."""
    return [
        rule("UNIT", rf"\b(?:{_MODIFIER}\s+){{0,4}}(?:\d+(?:st|nd|rd|th)|{ART}?{CAP}(?:'s)?)\s+(?:{_HEAD_EN})\b", 0.75),
        # A numbered unit in any case ("the 3rd company", "4th brigade"): a number says it is not any company.
        rule("UNIT", rf"\b\d+(?:st|nd|rd|th)\s+(?i:{_HEAD_EN})\b", 0.7),
        rule(
            "UNIT",
            rf"\b(?!(?:Our|My|His|Her|Their|The|This|That|A|An|Your|Its|Every|Each|One|Another)\b)(?:{ART}?{CAP}\s+){{1,3}}(?:{_HEAD_EN_LOWER})\b",
            0.55,
        ),
        rule("UNIT", rf"\b(?:{_HEAD_EN})\s+of\s+(?:the\s+)?{ART}?{CAP}(?:\s+{ART}?{CAP}){{0,2}}", 0.7),
        rule("UNIT", rf"\b(?i:{_HEAD_TRANSLIT})\s+{ART}?{CAP}(?:\s+(?:{ART}?{CAP}|ibn|bin))*", 0.8),
        # The same in lower case, when the next word carries an Arabic article ("ansar al-wadi").
        rule("UNIT", rf"\b(?i:{_HEAD_TRANSLIT})\s+{ART}[a-zà-ÿ][\w'’]+(?:\s+{ART}?[a-zà-ÿ][\w'’]+)?", 0.7),
        # No head noun: an emblem after "the"/"les", with capitalised words before or after it.
        rule(
            "UNIT",
            rf"(?i:\b(?:the|les|des)\s+)(?P<m>(?:{CAP}\s+){{0,2}}(?:{_EMBLEMS})"
            rf"(?:\s+(?:of|of the|du|de la|de l'|des|de)\s*{ART}?{CAP}(?:\s+{ART}?{CAP})?)?)(?!\w)",
            0.6,
        ),
        rule("UNIT", r"\b(?:Hisba|Hisbah|Hesba|hisba)\b", 0.8),
        rule("UNIT", rf"\b(?:{_HEAD_FR})\s+{ART}?{CAP}(?:[\s-]+{ART}?{CAP})*", 0.75),
        rule("UNIT", rf"\b(?:{_HEAD_FR})(?:\s+[\w'’]+){{0,2}}?\s+{_FR_LINK}\s*{CAP}(?:[\s-]+{CAP})*", 0.7),
        rule(
            "UNIT",
            rf"\b(?:Forces|Armée|Front|Mouvement|Brigade|Groupe|Union|Rassemblement|Coalition|Alliance|Milice)(?:\s+[\w'’-]+){{0,3}}?\s+{_FR_LINK}\s*{CAP}(?:[\s-]+{CAP})*",
            0.75,
        ),
        rule("UNIT", rf"\b\d+(?:e|ème|eme|er|re)\s+(?:{_HEAD_FR})\b", 0.75),
        rule(
            "UNIT",
            rf"(?<![\u0621-\u064A])(?:{_AR_HEADS})(?:\s+(?!(?:{_AR_STOP})(?![\u0621-\u064A])){ARW}){{1,3}}",
            0.7,
        ),
        rule("UNIT", r"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ف|ع)?(?:ال)?حسبة(?![\u0621-\u064A])", 0.8),
        # In lower case: an emblem with a word before it ("the red scorpions"; "the lions" alone are animals),
        # or a head noun after a word that is no everyday word ("the mamba brigade").
        rule(
            "UNIT",
            rf"\bthe\s+(?P<m>[a-z][\w'’-]+\s+(?:{_EMBLEMS.lower()}))\b",
            0.45,
            keep=_no_stop_word_first,
        ),
        rule(
            "UNIT",
            rf"\bthe\s+(?P<m>[a-z][\w'’-]+\s+(?:{_HEAD_EN_LOWER}|battalions|brigades|regiment|militia|katiba))\b",
            0.45,
            keep=_modifier_not_everyday,
        ),
        # A French head noun and an animal or emblem as the unit's name, in any case ("compagnie lion").
        rule(
            "UNIT",
            r"(?i:\b(?:section|compagnie|bataillon|brigade|groupe|unité|escadron|peloton|katiba|company|platoon|"
            r"squad)\s+(?:lions?|tigres?|tigers?|aigles?|eagles?|faucons?|falcons?|panthères?|panthers?|scorpions?|"
            r"cobras?|vipères?|vipers?|léopards?|leopards?|loups?|wolf|wolves|hyènes?|hyenas?|buffles?|buffalo|"
            r"éléphants?|elephants?|serpents?|snakes?|mambas?|requins?|sharks?|foudre|tonnerre|thunder))\b",
            0.6,
        ),
        # A base or a faction named after its place ("le markaz de Gwoza-Kasa", "la faction de Tumbun Kaskou").
        rule(
            "UNIT",
            r"(?i:\b(?:markaz|merkez|faction|base|camp\s+d['’]entraînement)\s+(?:de|du|d['’]|of)\s+)"
            r"[\w'’-]{3,}(?:\s+[A-ZÀ-Þ][\w'’-]+)?",
            0.55,
            keep=lambda m: m.split()[-1].lower() not in ("la", "le", "les", "the", "l'", "nos", "leurs"),
        ),
        # An acronym, with the French article elided before it ("l'EIGS").
        rule("UNIT", r"(?:\b[lL]['’])?\b(?!(?:DDR|ID|TV|UN|OK|USA|HCR|ONU|SMS|GPS|AK)\b)[A-Z]{3,6}\b", 0.45),
    ]
