"""Addresses and sub-locations, employers and the group's offices, occupational nicknames, unusual ID
formats, and dates and times said in words (relative dates, "half past nine", Hijri days)."""

from __future__ import annotations

import re

from safeconduct.testimony.text.recognizers.base import ART, ARW, CAP, Rule, rule
from safeconduct.testimony.text.recognizers.gazetteer import place_names
from safeconduct.testimony.text.recognizers.lexicon import ARABIC_STOPWORDS, MONTHS_AR, MONTHS_EN, MONTHS_FR
from safeconduct.testimony.text.vocabulary import common_words

_NO_AR = r"(?<![\u0621-\u064A])"
_END_AR = r"(?![\u0621-\u064A])"
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))
_AR_NEXT = rf"\s+(?!(?:{_AR_STOP}){_END_AR}){ARW}"
_NUM_EN = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|\d{1,2}"
)
_ORD_EN = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|"
    r"twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[- ]first|\d{1,2}(?:st|nd|rd|th)"
)
_NUM_FR = (
    r"premier|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    r"dix[- ]sept|dix[- ]huit|dix[- ]neuf|vingt[- ]et[- ]un|vingt[- ](?:deux|trois|quatre|cinq|six|sept|huit|neuf)|"
    r"vingt|trente[- ]et[- ]un|trente|\d{1,2}"
)
_ORD_AR = (
    r"الأول|الاول|أول|اول|الثاني|الثالث|الرابع|الخامس|السادس|السابع|الثامن|التاسع|العاشر|الحادي|الحادية|"
    r"الثانية|الثالثة|الرابعة|الخامسة|السادسة|السابعة|الثامنة|التاسعة|العاشرة|العشرين|الثلاثين|ثالث|رابع|خامس|ثاني"
)
_BUSINESS_EN = (
    r"shop|bakery|nursery|kindergarten|restaurant|pharmacy|garage|store|company|factory|clinic|café|cafe|"
    r"supermarket|hotel|workshop|butcher's|butchers|salon|barbershop|carwash|car wash|takeaway|tyres|tires|"
    r"motors|electronics|mobiles?|phones|textiles|trading|sweets|grocery|groceries|mart|exchange|transfers?|"
    r"travel|tailoring|furniture|pharma|bakeries|kebabs?|shawarma|falafel"
)
_BUSINESS_FR = (
    r"boulangerie|épicerie|crèche|garage|pharmacie|restaurant|société|entreprise|magasin|boutique|snack|"
    r"kebab|taxiphone|pizzeria|supérette|hôtel|atelier|boucherie|salon|laverie|quincaillerie|droguerie|cordonnerie|"
    r"bijouterie|poissonnerie|fromagerie|papeterie|auto-école|carrosserie|menuiserie|maçonnerie|cafétéria|friterie"
)
_BUSINESS_AR = (
    r"محل|مخبز|فرن|روضة|حضانة|مطعم|صيدلية|ورشة|شركة|معمل|مشغل|بقالية|بقالة|سوبرماركت|دكان|مكتبة|مكتب|ديوان|دائرة|"
    r"هيئة|مركز|منظمة|جمعية|مضافة|مدرسة|متوسطة|ثانوية|إعدادية|اعدادية|ابتدائية|معهد|جامعة|مستوصف|عيادة|سجن|"
    r"مسجد|جامع|نادي|مقهى|قهوة|كراج|صالون|كلية|مغسلة|محكمة|مصنع|مستشفى|مشفى|فندق|مطبعة|مصرف|خلوة|حسينية|"
    r"مزرعة|ملحمة|حلاقة|محمصة|مطحنة|معرض|معصرة|مقاولات|حانوت|بوتيك|محلات|مكتبة|مخازن|مصبغة|كافتيريا|كافيه|مطبخ|"
    r"علوة|مخابز|منجرة|نجارة|حدادة|مغازة|فندق|محطة|طاحونة|محمصة|مكتب"
)
#: Words that begin a person's name a shop is called after ("ورشة ود حاج علي", "محطة ابو رمان").
_SHOP_OWNER_AR = r"(?:ابو|أبو|ام|أم|ود|ولد|بن|بنت|حاج|الحاج|الشيخ|شيخ|الحجة|حجي)"
#: Places of work, study and worship a person is known at (heads of an ORG's name, English and French).
_INSTITUTION_EN = (
    r"mosque|masjid|gym|university|college|school|sixth form|academy|madrasa|madrassa|institute|florist|bookshop|"
    r"library|office|centre|center|club|circle|association|charity|foundation|stall|market stall|grill|hospital|"
    r"prison|nursery|daycare|youth club|community centre|church|boxing club"
)
_INSTITUTION_FR = (
    r"mosquée|association|crèche|librairie|commissariat|gendarmerie|prison|hôpital|école|collège|lycée|"
    r"université|club|antenne|mission locale|centre|foyer|madafa|marché|supérette|épicerie|salle|cellule|"
    r"maison de quartier|intermarché|carrefour|leclerc|lidl|auchan|franprix|pâtisserie|patisserie|menuiserie|"
    r"blanchisserie|café|cafe|école élémentaire|école primaire|club de boxe|club boxe|salle de sport"
)
_SUBLOC = (
    r"section|sector|block|bloc|phase|zone|secteur|tent|tente|caravan|caravane|container|conteneur|shelter|abri|"
    r"ward|plot|compound|annex|annexe|flat|apartment|appartement|appt|room|chambre|cell|cellule|hangar|barrack|"
    r"baraque|building|bâtiment|bât|floor|étage|house|maison"
)
_STREET_EN = r"road|street|st|avenue|ave|lane|close|drive|way|crescent|place|terrace|court|gardens|grove|square|row"
_STREET_FR = r"rue|avenue|boulevard|bd|allée|impasse|chemin|route|place|quai|cours|square|cité|résidence"
_OCCUPATIONS = (
    r"engineer|doctor|professor|prof|teacher|vet|nurse|pharmacist|chemist|mechanic|driver|tailor|barber|"
    r"ingénieur|docteur|toubib|instituteur|pharmacien|infirmier|mécano|chimiste|chauffeur|tailleur|coiffeur|"
    r"prof|professeur|imam|muhandis|hakim|doktor|ustaz|ustadh|butcher|accountant|fixer|smuggler|medic|baker|"
    r"boucher|comptable|passeur|marabout|barbu|toubib|hawk|falcon|eagle|wolf|fox|scorpion|ghost|faucon|aigle|"
    r"loup|renard|scorpion|fantôme|dentist|doorman|frisé|dentiste|boulanger|cuisinier|cook"
)


def _generic_place_tail(mention: str) -> bool:
    """True when an institution's name ends on a country or a nationality ("the hospital in Syria"): those
    stay readable (keep.py), and the head noun alone names nobody."""
    from safeconduct.testimony.text.keep import COUNTRIES, NATIONALITIES

    last = mention.split()[-1].lower().strip("'’")
    return last in COUNTRIES or last in NATIONALITIES


def _not_common(mention: str) -> bool:
    words = re.findall(r"[^\W\d_]+", mention.lower())
    return bool(words) and words[-1] not in common_words()


_SMALL_NUM = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|un|une|deux|trois|quatre|cinq|six|sept|"
    r"huit|neuf|dix|onze|douze"
)
#: Nouns that follow a place's own name ("Roj camp", "the Hamra well", "al-Jolan neighbourhood").
_PLACE_AFTER = (
    r"camp|well|neighbourhood|neighborhood|district|quarter|village|valley|river|wadi|checkpoint|crossing|"
    r"estate|farm|hill|mountain|market|souk|square|roundabout|bridge"
)
#: Street words of the countries our users return to, written onto the name ("Skårbyvägen", "Dortesvej").
_GLUED_STREET = r"vej|vägen|gatan|gade|straße|strasse|str\.|weg|laan|straat|steenweg|allee|gasse|plein|dreef"


#: Words after "le/la" that say when or where, not which shop ("au café le matin").
_NOT_A_SHOP_NAME = frozenset(
    "matin soir midi nuit lendemain weekend week-end jour journée samedi dimanche lundi mardi mercredi jeudi "
    "vendredi quartier coin centre village bled patron gérant mardi".split()
)
#: Numbers a house number is said with (one to ninety-nine, English and French).
_SPOKEN_NUM = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|un|deux|trois|quatre|"
    r"cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|"
    r"soixante|quatre-vingts?|dix-sept|dix-huit|dix-neuf|(?:vingt|trente|quarante|cinquante|soixante|quatre-vingt)"
    r"-(?:et-)?(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    r"dix-sept|dix-huit|dix-neuf)"
)
#: Départements said in words, one to ninety-five ("soixante-neuf", "neuf-trois").
_DEPARTEMENT_WORDS = (
    r"(?:vingt|trente|quarante|cinquante|soixante|quatre-vingt)(?:-(?:et-)?(?:un|deux|trois|quatre|cinq|six|sept|"
    r"huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf))?|neuf-trois|treize|"
    r"quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf|onze|douze"
)


def extra_rules() -> list[Rule]:
    """The rules for the kinds of misses found on unseen speech (docs/testimony.md, "Unseen styles")."""
    return [
        # A sub-location numbered in words by a recogniser ("phase four", "tent number one one seven").
        rule(
            "PLACE",
            rf"\b(?i:{_SUBLOC}|rangée|row|rang|allée|aisle)\s+(?:n[o°º]\.?\s*|number\s+|numéro\s+)?"
            rf"(?i:{_SMALL_NUM})(?:[\s-]+(?i:{_SMALL_NUM}|zero|zéro|oh)){{0,3}}\b",
            0.55,
        ),
        rule("PLACE", r"\b(?i:rangée|row|allée|aisle|rang)\s+[A-Z0-9]{1,3}\b", 0.55),
        # A place's name before its head noun, with the article ("the Hamra well", "Roj camp").
        rule(
            "PLACE",
            rf"\b(?:(?i:the)\s+)?(?!(?:The|A|An|My|Our|His|Her|Their|This|That|Every|Each|Refugee|Transit|Army|Prison|"
            rf"Detention|Military|Training|Displacement|Border)\b){ART}?{CAP}(?:\s+{ART}?{CAP})?\s+(?i:{_PLACE_AFTER})\b",
            0.6,
            keep=lambda m: not _generic_place_tail(m.rsplit(None, 1)[0]),
        ),
        rule(
            "PLACE",
            rf"\b[A-ZÀ-Þ][\wåäöøæüß]+(?:{_GLUED_STREET})\s+\d{{1,4}}[a-zA-Z]?(?:/\d{{1,4}}){{0,3}}"
            rf"(?:,\s*\d{{1,2}}(?!\d)\.?(?:\s*(?:th|tv|mf|sal|st)\.?)?)?"
            rf"(?:,?\s*(?:\d{{4,5}}|\d{{3}}\s\d{{2}})\s+[A-ZÀ-Þ][\wäöüß-]+(?:\s+[A-ZÆØÅ]\b)?)?",
            0.7,
        ),
        # A street named before its house number, the Belgian, Swiss, Spanish and Italian way ("rue de Hodimont
        # 212", "avenue des Palmiers n°17", "Calle Tte. Pacheco 14, bajo").
        rule(
            "PLACE",
            rf"\b(?i:{_STREET_FR}|calle|c/|avenida|avda\.|plaza|paseo|carrer|rua|travessa|via|viale|piazza|corso)\s+"
            r"(?:(?i:de la|de l['’]|des|du|de|d['’]|del|de los|de las|da|do|dos|della|di)\s*)?"
            r"(?:[A-ZÀ-Þ][\w'’.-]*\s+){0,2}[A-ZÀ-Þ][\w'’-]+,?\s+(?:n[°o]\.?\s?)?\d{1,4}(?:\s?(?:bis|ter|[a-zA-Z]\b))?"
            r"(?:,\s*(?:bajo|piso\s+\d+|\d+º?\s*[A-Za-z]?|interno\s+\d+|boîte\s+\d+|bte\s+\d+))?",
            0.6,
        ),
        # Sub-locations: a camp's section, a tent, a block, a flat ("section B4", "tent 112", "tente 27").
        rule(
            "PLACE",
            rf"\b(?i:{_SUBLOC})\s+(?:n[o°º]\.?\s*|number\s+|numéro\s+|num\s+)?(?:[A-Z]{{1,2}}-?\d{{1,4}}[A-Za-z]?|\d{{1,4}}-?[A-Za-z]?|[A-Z])\b",
            0.6,
        ),
        rule(
            "PLACE",
            rf"{_NO_AR}(?:و?[بل]|و|ف)?(?:ال)?(?:قطاع|خيمة|كرفانة|كتلة|بلوك|قسم|فيز|مربع|غرفة|شقة|بناية|عمارة|جناح|"
            rf"محلة|زقاق|دار|حارة|شارع|بيت)(?:\s+رقم)?\s+(?:\d+|{ARW})(?:\s+(?:عشر|و{ARW}))?"
            rf"(?:[،,]?\s+(?:زقاق|دار|بيت|شارع|رقم)\s+\d+)*",
            0.55,
            keep=lambda m: not re.search(rf"\s(?:{_AR_STOP}){_END_AR}", m),
        ),
        # Camps named by their own word ("camp Roj", "camp de Kara Tepe", "mukhayam al-hol").
        rule(
            "PLACE",
            rf"\b(?i:camp|camps|mukhayam|mukhayyam|mukhayyem)\s+(?:of\s+|de\s+|d'|du\s+)?(?:al-|el-)?(?P<n>{CAP}|[a-z]{{3,}})"
            rf"(?:\s+{CAP})?",
            0.55,
            keep=_not_common,
        ),
        # A neighbourhood or a district named after its head noun ("quartier Bab Tebbaneh").
        rule(
            "PLACE",
            rf"\b(?i:quartier|cité|hay|hayy|haï|neighbourhood|neighborhood)\s+(?:de\s+la\s+|de\s+l'|des\s+|de\s+|du\s+|d')?"
            rf"{CAP}(?:\s+{CAP}){{0,2}}",
            0.6,
        ),
        # Addresses: a house number and a street, in English and French, in any case.
        rule(
            "PLACE",
            rf"\b\d{{1,4}}[a-zA-Z]?,?\s+(?:[A-Za-z][\w'’-]+\s+){{1,3}}(?i:{_STREET_EN})\b",
            0.6,
            keep=lambda m: m.split()[1].lower() not in ("the", "a", "of", "years", "days", "people", "men"),
        ),
        rule(
            "PLACE",
            rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{_STREET_FR})\s+(?:de la |de l'|des |du |de |d')?[\w'’-]+"
            rf"(?:\s+{CAP}){{0,2}}",
            0.65,
        ),
        rule(
            "PLACE",
            r"\b(?i:porte|place|avenue|boulevard|rue|chemin|allée|impasse|quai|route)\s+"
            r"(?:de la |de l'|des |du |de |d')[\w'’-]{3,}",
            0.45,
            keep=_not_common,
        ),
        # Lower-case English districts of two words ending in a place noun ("in moss side", "from kings cross").
        rule(
            "PLACE",
            r"\b(?:in|at|from|near|to|around)\s+(?P<m>(?!(?:the|a|an|my|our|his|her|their|your|this|that|other|one|"
            r"each|every|which|what|either|both|far|right|left|wrong|same)\b)[a-z]{3,}\s+(?:side|end|gate|hill|park|"
            r"green|heath|moor|vale|bridge|cross|fields|wood|bank|row|town))\b",
            0.45,
        ),
        # Postcodes: British, and French five digits before a town or after "code postal".
        rule("PLACE", r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", 0.65),
        rule("PLACE", rf"\b(?:0[1-9]|[1-8]\d|9[0-5])\d{{3}}(?=\s+{CAP})", 0.55),
        # A French postcode alone ("à Lyon, 69007"): five digits that count nothing.
        rule(
            "PLACE",
            r"(?<![\d.,])\b(?:0[1-9]|[1-8]\d|9[0-5])\d{3}\b(?![.,]?\d)(?!\s*(?:€|\$|euros?|dollars?|livres?|liras?|"
            r"dinars?|km|habitants|personnes|people|men|hommes|fighters|combattants|soldiers|soldats|%))",
            0.4,
        ),
        rule("PLACE", r"(?i:code postal|postcode|post code|zip)\s*:?\s*(?P<m>[A-Z0-9]{2,4}\s?[A-Z0-9]{2,4})", 0.6),
        # A house number said in words before its street ("forty one cranmer gardens", "quarante-deux rue des
        # hirondelles"), and a street before its number said in words ("rue du pelican vert twenty seven").
        rule(
            "PLACE",
            rf"(?i:\b(?:{_SPOKEN_NUM})(?:[\s-]+(?:{_SPOKEN_NUM})){{0,3}}\s+(?:[a-z][\w'’-]+\s+){{1,3}}(?:{_STREET_EN})\b)",
            0.55,
            keep=lambda m: m.split()[-2].lower() not in ("the", "a", "of", "years", "days", "people", "men", "and"),
        ),
        rule(
            "PLACE",
            rf"(?i:\b(?:{_SPOKEN_NUM})(?:[\s-]+(?:{_SPOKEN_NUM})){{0,3}}(?:\s+bis|\s+ter)?,?\s+(?:{_STREET_FR})\s+"
            rf"(?:de la |de l['’]|des |du |de |d['’])?[\w'’-]+"
            rf"(?:\s+(?!(?:à|a|au|et|dans|en|avec|chez|pour)\b)[\w'’-]+)?)",
            0.55,
        ),
        rule(
            "PLACE",
            rf"(?i:\b(?:{_STREET_FR}|{_STREET_EN})\s+(?:de la |de l['’]|des |du |de |d['’]|the )?[\w'’-]+"
            rf"(?:\s+[\w'’-]+)?\s+"
            rf"(?:{_SPOKEN_NUM})(?:[\s-]+(?:{_SPOKEN_NUM}))?\b)",
            0.5,
            keep=lambda m: m.split()[0].lower() in ("rue", "avenue", "boulevard", "road", "street", "chemin", "allée"),
        ),
        # A French département said in words ("dans le soixante-neuf", "du quatre-vingt-treize"), or in brackets
        # after its town ("Sarcelles (95)").
        rule(
            "PLACE",
            rf"(?i:\b(?:dans le|du|au)\s+(?P<m>{_DEPARTEMENT_WORDS})\b)(?!\s+(?:{MONTHS_FR}|ans|euros?|%))",
            0.5,
        ),
        # A town and its département in brackets ("Lunel (34)"); after a person's name it is an age ("(29)").
        rule(
            "PLACE",
            rf"(?P<m>{CAP} \((?:0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])\))",
            0.6,
            keep=lambda m: m.split(" (")[0] in place_names(),
        ),
        # A French département said by its number ("les gars du 93", "dans le 9-3", "j'habite le 95").
        rule(
            "PLACE",
            r"\b(?:du|le|dans le|en|au|from the)\s+(?P<m>(?:0[1-9]|[1-8]\d|9[0-5]|9-3|neuf-trois|neuf trois|2A|2B))\b"
            rf"(?!\s*(?:ans|%|euros?|€|heures?|h\b|minutes?|jours?|mois|km|kilos?|mètres?|fois|personnes|{MONTHS_FR}))",
            0.5,
        ),
        # The group's offices and employers (ORG): "diwan al-hisba", "the Barakat phone shop",
        # "Boulangerie Ben Amor", "worked at Ali's garage", "روضة البراعم", "ديوان الزكاة".
        rule(
            "ORG",
            r"\b(?i:diwan|dīwān|diouane|diwane|maktab|markaz)\s+(?:al-|el-|ad-|an-|as-|ash-|az-|ar-|des\s+|du\s+|de\s+la\s+|of\s+(?:the\s+)?)?[\w'’-]{3,}",
            0.6,
        ),
        rule(
            "ORG",
            rf"{_NO_AR}(?:و?[بل]|و|ف)?(?:ال)?(?:{_BUSINESS_AR}){_END_AR}"
            rf"(?:\s+{_SHOP_OWNER_AR}(?:\s+{_SHOP_OWNER_AR}){{0,2}}\s+{ARW}(?:\s+ال{ARW})?"
            rf"|{_AR_NEXT}(?:\s+ال{ARW}){{0,2}}|\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
            rf"(?:\s+(?:لل|لإ|لا|ل){ARW}(?:\s+ال{ARW})?)?(?:\s+(?:في|ب)\s*(?:ال)?{ARW})?",
            0.5,
        ),
        # A named place of work, study or worship, with its article and where it is ("the Ittihad mosque",
        # "the gym on Lindenstrasse", "St Bede's sixth form", "la crèche Les Petits Pas", "l'US Alfortville").
        rule(
            "ORG",
            rf"\b(?:(?i:the)\s+)?(?!(?:The|A|An|My|Our|His|Her|Their|This|That|I|We|He|She|They|It)\b)"
            rf"(?:{CAP}['’]?s?\s+){{1,3}}(?:[a-z]+\s+)?(?i:{_INSTITUTION_EN}|{_BUSINESS_EN})\b"
            rf"(?:\s+(?:on|in|at|near)\s+(?:the\s+)?{CAP}(?:\s+(?:{CAP}|(?i:{_STREET_EN})\b))*)?",
            0.7,
            keep=lambda m: not _generic_place_tail(m),
        ),
        rule(
            "ORG",
            rf"\b(?:(?i:the)\s+)?(?i:{_INSTITUTION_EN}|{_BUSINESS_EN})\s+(?:on|in|at|near|of)\s+(?:the\s+)?"
            rf"{CAP}(?:\s+(?:{CAP}|(?i:{_STREET_EN})\b))*",
            0.55,
            keep=lambda m: not _generic_place_tail(m),
        ),
        rule(
            "ORG",
            rf"(?i:\b(?:la\s+|le\s+|les\s+|l['’]|au\s+|à\s+la\s+|à\s+l['’])?(?:{_INSTITUTION_FR}|{_BUSINESS_FR})\s+"
            rf"(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’]|chez\s+)?)"
            rf"(?:(?i:la|le|les|l['’])\s*)?{CAP}(?:\s+(?:{CAP}|de|du|d['’]|&))*",
            0.7,
            keep=lambda m: not _generic_place_tail(m),
        ),
        # A business named in speech by an Arabic article, "ben" or an article ("patisserie el-founoun",
        # "menuiserie ben salah", "kebab le palmier").
        rule(
            "ORG",
            rf"(?i:\b(?:{_INSTITUTION_FR}|{_BUSINESS_FR}|{_BUSINESS_EN})\s+"
            rf"(?:(?:el|al|ben|ibn|bin)[- ]|(?:le|la|les)\s+)"
            rf"[a-zà-ÿ][\w'’-]{{2,}}(?:\s+(?!(?:à|a|au|et|dans|en|avec|chez|pour|in|at|on|and)\b)[a-zà-ÿ][\w'’-]{{2,}})?)",
            0.55,
            keep=lambda m: not _generic_place_tail(m) and m.split()[-1].lower() not in _NOT_A_SHOP_NAME,
        ),
        rule(
            "ORG",
            rf"\b(?i:l['’])(?:US|AS|FC|RC|AC|SC|ES|JS|Olympique|Entente|Union|Étoile|Stade)\s+{CAP}(?:\s+{CAP})*",
            0.7,
        ),
        rule(
            "ORG",
            rf"\b(?:{CAP}['’]?s?\s+){{1,3}}(?:[a-z]+\s+)?(?:{_BUSINESS_EN})\b",
            0.75,  # a named business: surer than a model's guess that it is a place or a group
            keep=lambda m: m.split()[0] not in ("The", "A", "My", "Our", "His", "Her", "Their", "This", "That", "I"),
        ),
        # A business named in lower case by a recogniser: an Arabic article, a name, a business noun.
        rule("ORG", rf"\b(?:al|el)[ -][a-z]{{3,}}(?:\s+[a-z]{{3,}})?\s+(?:{_BUSINESS_EN}|{_BUSINESS_FR})\b", 0.55),
        rule(
            "ORG",
            rf"\b(?i:{_BUSINESS_FR})\s+(?:de la |du |des |chez |de |d')?{CAP}(?:\s+(?:{CAP}|de|du|&))*"
            r"(?:\s+(?:et|&)\s+(?:fils|frères|freres|cie|associés|associes))?",  # "garage Diallo et frères"
            0.75,
        ),
        rule(
            "ORG",
            rf"\b(?:worked|working|works|work|job|employed|travaillait|travaille|travaillé|bossait|bosse|employée?)\s+"
            rf"(?:at|for|in|chez|pour|à|au)\s+(?:the\s+|a\s+|la\s+|le\s+|l')?(?P<m>{CAP}(?:\s+(?:{CAP}|&|and|of|de|du))*)",
            0.55,
        ),
        # Occupational nicknames used as names ("the engineer", "le prof", "المهندس").
        rule(
            "PERSON",
            rf"\b(?:the|le|la|l['’]|al-|el-)\s*(?:{_OCCUPATIONS})\b(?!\s+(?:of|de|du|des|d['’]|in|at|from|for|à|au|aux)\b)",
            0.45,
            flags=re.IGNORECASE,
        ),
        rule("PERSON", rf"{_NO_AR}(?:المهندس|الحكيم|الأستاذ|الاستاذ|الدكتور|الطبيب|الأستاذة|الدكتورة){_END_AR}", 0.45),
        # A group named after a people, a region or a town ("la katiba des îles", "brigade al-furqan").
        rule(
            "UNIT",
            r"\b(?i:katiba|katibat|brigade|bataillon|phalange|saraya|sariya|liwa|liwa')\s+"
            r"(?:des|du|de la|de l['’]|d['’]|de|al-|el-|ad-|as-|an-|ar-)\s*[\w'’-]{3,}",
            0.6,
        ),
        # A handle written without its @ ("snap sofiane.94.off", "lina.tls_31"): dots or underscores with digits.
        rule(
            "HANDLE",
            r"(?<![\w@./])(?=[a-z0-9._]*[0-9_])[a-z][a-z0-9]*(?:[._][a-z0-9]+){1,3}(?![\w@/])"
            r"(?<!\.com)(?<!\.fr)(?<!\.org)(?<!\.net)(?<!\.uk)(?<!\.be)(?<!\.de)(?<!\.pdf)(?<!\.jpg)(?<!\.mp4)",
            0.55,
        ),
        # Unusual ID formats: national insurance numbers and case numbers.
        rule("ID", r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", 0.7),
        rule("ID", r"\b\d{2,4}[/-]\d{4,6}(?:[/-][A-Z0-9]+)*\b", 0.55),
        rule("ID", r"\b(?=[A-Z0-9/-]*\d)[A-Z]{1,5}(?:[/-][A-Z0-9]{1,8}){2,4}\b", 0.6),
        rule("ID", r"\b\d{1,3}\s+[A-Z][a-zA-Z]{1,3}\s+\d{1,4}/\d{2,4}\b", 0.55),
        # A passport-like number ("A 7730194"), Arabic letters before or around digits ("ك ك 4419 ب"), a
        # registry's town and numbers ("حسكة/218/4409"; Arabic-Indic digits are read as ASCII here).
        rule("ID", r"\b[A-Z]{1,2}\s?\d{6,9}\b", 0.6),
        rule(
            "ID",
            r"(?<![\u0621-\u064A])(?:[\u0621-\u064A]\s){1,3}\d{3,}(?:\s[\u0621-\u064A](?![\u0621-\u064A]))?",
            0.6,
        ),
        rule("ID", r"(?<![\u0621-\u064A])[\u0621-\u064A]{2,}/\d{2,}/\d{2,}", 0.6),
        rule(
            "ID",
            r"(?i:case|file|dossier|reference|référence|ref|réf|n°|numéro)\s*(?:number|no\.?|n°|numéro)?\s*:?\s*"
            r"(?P<m>[A-Z]{0,4}-?\d[\d/ -]{4,}\d)",
            0.6,
        ),
        # Dates said in words.
        rule(
            "DATE",
            rf"(?i:\b(?:the\s+)?(?:{_ORD_EN})\s+of\s+(?:last|next|this|that|the\s+same|the\s+previous)\s+(?:month|week|year))",
            0.6,
        ),
        rule("DATE", rf"(?i:\b(?:the\s+)?(?:{_ORD_EN})\s+(?:of\s+)?(?:{MONTHS_EN})(?:\s+\d{{4}})?)", 0.65),
        rule("DATE", rf"(?i:\b(?:{MONTHS_EN})\s+(?:the\s+)?(?:{_ORD_EN})(?:,?\s+\d{{4}})?)", 0.65),
        rule("DATE", rf"(?i:\b(?:le\s+)?(?:{_NUM_FR})\s+du\s+mois\s+(?:dernier|passé|prochain|d'avant|suivant))", 0.6),
        rule("DATE", rf"(?i:\b(?:le\s+)?(?:{_NUM_FR})\s+(?:{MONTHS_FR})(?:\s+\d{{4}})?)", 0.6),
        rule(
            "DATE",
            rf"(?i:\b(?:half|quarter|ten|twenty|five|twenty-five|twenty five)\s+(?:past|to|after)\s+"
            rf"(?:{_NUM_EN}|midnight|noon))\b",
            0.6,
        ),
        rule(
            "DATE",
            rf"(?i:\b(?:at\s+)?(?:{_NUM_EN})\s+(?:o['’ ]?clock|thirty|fifteen|forty[- ]five|a\.m\.|p\.m\.))\b",
            0.55,
        ),
        rule(
            "DATE",
            rf"(?i:\b(?:{_NUM_FR}|midi|minuit)\s+(?:heures?\s+)?(?:et\s+(?:demie|quart)|moins\s+(?:le\s+)?quart))",
            0.6,
        ),
        rule(
            "DATE",
            rf"{_NO_AR}(?:ال)?ساعة\s+(?:\d{{1,2}}|{ARW})(?:\s+و?(?:النص|نص|الربع|ربع|ثلث|إلا ربع|الا ربع|عشرة|خمسة))?"
            r"(?:\s+(?:ب?الليل|ب?الصبح|الصباح|صباحا|المسا|المساء|مساء|الظهر|العصر|ليلا|فجرا|فجرًا|ب?الفجر))?",
            0.55,
            keep=lambda m: not re.search(rf"\s(?:{_AR_STOP}){_END_AR}", m),
        ),
        rule(
            "DATE",
            rf"{_NO_AR}(?:{_ORD_AR})(?:\s+عشر)?(?:\s+(?:يوم|ليلة|أسبوع|اسبوع|جمعة))?\s+(?:من\s+)?(?:شهر\s+)?"
            rf"(?:{MONTHS_AR}|ذي القعدة|ذي الحجة){_END_AR}",
            0.65,
        ),
        rule(
            "DATE",
            rf"{_NO_AR}(?:(?:ليلة|يوم|أول|اول|آخر|اخر)\s+)?(?:عيد الفطر|عيد الأضحى|العيد الكبير|العيد الصغير|رمضان)"
            rf"(?:\s+(?:الماضي|اللي فات))?{_END_AR}",
            0.6,
        ),
    ]
