"""Dates, times of day and durations: they pin a testimony to an event a group can look up."""

from __future__ import annotations

from safeconduct.testimony.text.recognizers.base import Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import DAYS_EN, DAYS_FR, MONTHS_AR, MONTHS_EN, MONTHS_FR

_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
_NUM_EN = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|\d{1,3}"
_NUM_FR = (
    r"dix[- ](?:sept|huit|neuf)|vingt[- ](?:et[- ]une?|deux|trois|quatre)|un|une|deux|trois|quatre|cinq|six|sept|"
    r"huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|\d{1,3}"
)
_DIGITS = r"[0-9٠-٩]"
_AR_DAYS = (
    "الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|"
    "الاتنين|التنين|الثلاثا|التلات|التلاتا|الاربعاء|الاربعا|الأربعا|الجمعه|الاحد"  # spoken and unhamzated spellings
)
#: "Last" or "next" said after a weekday or a month, in writing and in the dialects.
_AR_RELATIVE = (
    r"(?:\s+(?:(?:اللي|الي|إلي|يلي|لي)\s+(?:فات|فاتت|راح|راحت|قبله|قبلها|جاي|جاية|جايه|بعده|بعدها)|الماضي|الماضية|"
    r"الماضيه|الفائت|الفائتة|الفات|الفاتت|الفايت|الفايتة|الفايته|لفايت|اللي داز|الي داز|"
    r"القادم|القادمة|الجاي|الجاية|الجايه|المقبل|المقبلة|السابق|السابقة|ديك|داك|"
    r"هداك|هديك|ذاك|ذيك|تلك)"
    r"(?![\u0621-\u064A]))"
)
#: The time of day said after a day (بعد العصر، الصبح، بالليل).
_AR_DAYTIME = (
    r"(?:\s+(?:(?:(?:بعد|قبل|وقت|عند)\s+(?:ال)?(?:عصر|مغرب|ظهر|ضهر|فجر|عشا|عشاء))|الصبح|الصباح|بالليل|الليل|"
    r"المسا|المساء|العصر|الظهر|الضهر|الفجر|المغرب|العشا|مساء|صباحا|ليلا|فجرا)(?![\u0621-\u064A]))"
)
#: A year said after a day or feast, with or without "year" (عيد الفطر سنة ٢٠١٩).
_AR_YEAR_AFTER = r"(?:\s+(?:(?:ب|في\s+)?(?:سنة|عام)\s+)?[0-9٠-٩]{4})"
#: Days of the month said in words, standard and spoken spellings (one to thirty-one, units first).
_AR_DAY_WORDS = (
    "فاتح|واحد|وحدة|اثنين|اتنين|تنين|ثلاثة|تلاتة|تلاثة|اربعة|أربعة|خمسة|ستة|سبعة|ثمانية|تمانية|تسعة|عشرة|"
    "احدعش|حداعش|اطنعش|طنعش|تلطعش|تلتعش|اربعطعش|اربعتعش|خمسطعش|خمستعش|ستطعش|ستعش|سبعطعش|سبعتعش|تمنطعش|"
    "تمنتعش|تسعطعش|تسعتعش|عشرين|ثلاثين|تلاتين|[0-9٠-٩]{1,2}"
)


#: Feasts that date an event as well as a calendar day does ("the night of Eid", "la fête de la Tabaski").
_FEASTS = (
    r"Eid(?:\s+(?:al|el)[-\s](?:Fitr|Adha|Kabir|Kebir))?|A[ïi]d(?:\s+(?:al|el)[-\s](?:Fitr|Adha|Kebir|Kabir))?|"
    r"Tabaski|Korit[ée]|Ramadan|Ramadhan|Mawlid|Maouloud|Mouloud|Ashura|Achoura|Tamkharit|Laylat al-Qadr|"
    r"Christmas|No[ëe]l|Easter|P[âa]ques|Nowruz|Sallah|Toussaint|Boxing Day|New Year(?:'s (?:Day|Eve))?|"
    r"Nouvel An|Saint-Sylvestre|Halloween|Diwali|Thanksgiving"
)
#: What may follow a feast's name and belongs to the date ("Tabaski day", "Eid morning").
_FEAST_TAIL = r"(?:\s+(?:day|night|eve|morning|evening|holidays?))?"
#: Words that place an event before or after a feast ("the week after Easter", "le lendemain de Noël",
#: "trois jours avant la Tabaski", "le mardi d'après la Toussaint").
_AROUND_FEAST = (
    r"(?:(?:the\s+)?(?:week|day|night|month|weekend|morning|evening|days?|weeks?)\s+(?:after|before)\s+(?:the\s+)?"
    r"|(?:(?:a|an|one|two|three|four|five|six|seven|\d{1,2})\s+(?:days?|weeks?|nights?)\s+(?:after|before)\s+(?:the\s+)?)"
    r"|(?:(?:le|la)\s+)?(?:lendemain|surlendemain|veille|semaine|nuit|jour|mois)\s+(?:de\s+la|de|du|d['’]|avant|après)\s+(?:la\s+|le\s+|l['’])?"
    r"|(?:(?:un|une|deux|trois|quatre|cinq|six|sept|huit|\d{1,2})\s+(?:jours?|semaines?|nuits?)\s+(?:avant|après)\s+(?:la\s+|le\s+|l['’])?)"
    rf"|(?:le\s+)?(?:{DAYS_FR})\s+(?:d['’]après|d['’]avant|avant|après)\s+(?:la\s+|le\s+|l['’])?))"
)
#: Seasons and parts of a year said before it ("end of 2017", "spring of 1396", "l'hiver 2019").
_SEASON = (
    r"(?:(?:the\s+)?(?:end|beginning|start|middle|spring|summer|autumn|fall|winter|early|late|mid)\s+(?:of\s+)?"
    r"|(?:(?:la\s+|le\s+|l['’]|au\s+|à\s+la\s+|en\s+|fin\s+|début\s+)?(?:fin|début|milieu|printemps|été|automne|"
    r"hiver|hivernage|rentrée)\s+(?:de\s+|d['’])?))"
)
_MONTH_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|janv|févr|fev|avr|juil|sept|oct|nov|déc"
_HIJRI_MONTHS = (
    r"Muharram|Moharram|Safar|Rabi['’]?\s?(?:al|ul)?[- ]?(?:Awwal|Thani|Akhir)|Jumada\s?(?:al|ul)?[- ]?(?:Ula|Awwal|"
    r"Akhira|Thani)|Rajab|Sha['’]?ban|Chaabane|Chaâbane|Shawwal|Chawwal|Dhu\s?al[- ]?(?:Qi['’]?dah|Hijjah)|"
    r"Dhul[- ]?(?:Qi['’]?dah|Hijjah)|Ramadan|Ramadhan|Ramazan"
)
_ORDINAL_DAY = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ](?:first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]first"
)
_FR_DAY = (
    r"premier|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    r"dix-sept|dix-huit|dix-neuf|vingt|vingt et un|vingt-(?:deux|trois|quatre|cinq|six|sept|huit|neuf)|trente|"
    r"trente et un|\d{1,2}"
)
_ORDINAL_WORDS = (
    r"first|second|third|fourth|last|premier|première|deuxième|second|seconde|troisième|quatrième|dernier|dernière"
)


def date_rules() -> list[Rule]:
    """Rules for dates and times in English, French and Arabic."""
    return [
        # A feast, with what says which day of it ("the first Sunday of Ramadan", "la fête de la Tabaski").
        rule(
            "DATE",
            rf"(?i:\b(?:(?:the\s+)?(?:{_ORDINAL_WORDS})\s+(?:{DAYS_EN}|{DAYS_FR}|day|night|week|jour|nuit|semaine)"
            rf"\s+(?:of|de|du|de la)\s+(?:the\s+|la\s+|l['’])?"
            rf"|(?:la\s+)?(?:fête|fete|nuit|veille|jour)\s+(?:de\s+la|de|du|d['’])\s*"
            rf"|(?:the\s+)?(?:night|eve|day|feast|morning)\s+of\s+(?:the\s+)?)?(?:la\s+)?(?:{_FEASTS}){_FEAST_TAIL})\b",
            0.75,
        ),
        rule(
            "DATE",
            rf"\b(?:(?:{DAYS_EN}),?\s+)?(?:(?:the\s+)?{_ORD}\s+(?:of\s+)?)?(?:{MONTHS_EN})(?:\s+{_ORD})?(?:,?\s+\d{{4}})?\b",
            0.7,
        ),
        rule("DATE", rf"\bthe\s+\d{{1,2}}(?:st|nd|rd|th)\b(?:\s+of\s+(?:{MONTHS_EN}))?", 0.65),
        rule("DATE", rf"\b(?:{DAYS_EN}|{DAYS_FR})\b(?:\s+{_ORD})?", 0.5),
        rule("DATE", r"\b(?:1[89]|20)\d{2}s?\b", 0.55),
        # "٢٠/١١/١٤٣٥هـ": the era mark may be written onto the year
        rule(
            "DATE",
            r"(?<![\d/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?:\s?(?:هـ|ه|م)(?![\u0621-\u064A]))?(?![\d/])",
            0.75,
        ),
        rule("DATE", r"\b(?:1[89]|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}\b", 0.75),
        rule("DATE", rf"(?i:\b\d{{1,2}}\s+(?:{_MONTH_SHORT})\.?(?:\s+\d{{4}}|\s+'\d{{2}})?\b)", 0.75),
        # Hijri months in transliteration, with their day and year ("the ninth of Muharram 1437").
        rule(
            "DATE",
            rf"(?i:\b(?:(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_DAY})\s+(?:of\s+|de\s+)?)?(?:{_HIJRI_MONTHS})"
            rf"(?:\s+\d{{4}}|\s+(?:AH|H|de l'hégire))?\b)",
            0.75,
        ),
        # "the night of the twelfth", "le soir du douze".
        rule(
            "DATE",
            rf"(?i:\b(?:the\s+)?(?:night|day|morning|evening|eve|afternoon)\s+of\s+the\s+(?:{_ORDINAL_DAY})\b)",
            0.6,
        ),
        rule(
            "DATE",
            rf"(?i:\b(?:(?:{_FR_DAY})\s+(?:au|et)\s+)(?:{_FR_DAY})\s+(?:{MONTHS_FR})(?:\s+\d{{4}})?)",
            0.65,
        ),
        rule("DATE", rf"(?i:\b(?:{_FR_DAY})\s+heures?(?:\s+(?:{_FR_DAY}|et\s+demie|et\s+quart))?\b)", 0.6),
        rule(
            "DATE",
            r"(?<![\d:])\b(?:[01]?\d|2[0-3])(?::[0-5]\d|\s?h\s?[0-5]\d)\b(?!:)"
            r"(?:\s?(?:م|ص|مساء|صباحا|مساءً|صباحاً)(?![\u0621-\u064A]))?",
            0.6,
        ),
        rule("DATE", rf"(?i:\b(?:{_AROUND_FEAST}(?:{_FEASTS})\b)", 0.7),
        rule("DATE", rf"(?i:\b{_SEASON}(?:1[89]|20|13|14)\d{{2}}\b)", 0.65),
        # A day, its date and the hour joined ("le 7 février 2024 à 14 h 20", "23 July at 10:30").
        rule(
            "DATE",
            rf"(?i:\b(?:(?:le|the|on)\s+)?(?:(?:{DAYS_FR}|{DAYS_EN})\s+)?\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?:{MONTHS_FR}|{MONTHS_EN})(?:\s+\d{{4}})?\s+(?:à|a|at|vers|around)\s+\d{{1,2}}(?:\s?[h:.]\s?\d{{0,2}}|\s?(?:am|pm))?)",
            0.7,
        ),
        # "un dimanche de novembre 2014", "a Sunday in November".
        rule(
            "DATE",
            rf"(?i:\b(?:un|une|le|a|an|on\s+a)\s+(?:{DAYS_FR}|{DAYS_EN})\s+(?:de|d['’]|en|in|of)\s+(?:{MONTHS_FR}|{MONTHS_EN})"
            rf"(?:\s+\d{{4}})?)",
            0.65,
        ),
        rule("DATE", rf"(?i:\b(?:a|an|one|un|une)\s+(?:{DAYS_EN}|{DAYS_FR})\b)", 0.5),
        # A day, a season or a week said with "last" or "next", and tomorrow or yesterday with a time of day
        # ("mardi dernier", "l'été dernier", "la semaine prochaine", "demain matin", "hier soir").
        rule(
            "DATE",
            rf"(?i:\b(?:l['’]|le\s+|la\s+|cet\s+|cette\s+|ce\s+)?(?:{DAYS_FR}|été|hiver|printemps|automne|week-end|"
            rf"weekend|semaine|ramadan|ramadhan)\s+(?:dernier|dernière|passé|passée|prochain|prochaine|d['’]avant)\b"
            rf"(?:\s+(?:matin|soir|après-midi|midi))?)",
            0.55,
        ),
        rule("DATE", r"(?i:\b(?:hier|demain|avant-hier|après-demain)\s+(?:matin|soir|après-midi|midi)\b)", 0.5),
        rule("DATE", r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h\d{0,2}|heures?)(?!\w)", 0.6),
        rule("DATE", r"\b(?:midnight|noon|midday|dawn|dusk|minuit|midi|l'aube)\b", 0.55),
        rule("DATE", rf"\b(?:{_NUM_EN})\s+(?:o'clock\s+)?in\s+the\s+(?:morning|evening|afternoon|night)\b", 0.6),
        rule("DATE", rf"\b(?:{_NUM_FR})\s+heures?(?:\s+du\s+(?:matin|soir)|\s+de\s+l'après-midi)?\b", 0.6),
        rule("DATE", rf"\b(?:{_NUM_EN})\s+(?:days?|weeks?|months?|years?)\b(?!\s+old)", 0.45),
        rule("DATE", rf"\b(?:{_NUM_FR})\s+(?:jours?|semaines?|mois|ans|années?)\b", 0.45),
        rule(
            "DATE",
            rf"\b(?:(?i:le)\s+)?(?:(?:{DAYS_FR})\s+)?(?:\d{{1,2}}(?:er)?\s+)?(?:{MONTHS_FR})(?:\s+\d{{4}})?\b",
            0.6,
        ),
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:{_DIGITS}{{1,2}}\s+)?(?:{MONTHS_AR})(?![\u0621-\u064A])(?:\s+{_DIGITS}{{4}})?",
            0.7,
        ),
        # A weekday, "last"/"next" said after it and the time of day (الخميس اللي فات، يوم الجمعة الجاي بعد العصر).
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|وب|ف|ل)?(?:يوم\s+)?(?:{_AR_DAYS})(?![\u0621-\u064A]){_AR_RELATIVE}?{_AR_DAYTIME}?",
            0.5,
        ),
        # A season said with "last" or "next" (لخريف اللي فات، الصيف الماضي).
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|وب|ف|ل|بال|فال|وال)?(?:ال)?(?:صيف|شتاء|شتا|شتوة|ربيع|خريف|صيفية){_AR_RELATIVE}",
            0.55,
        ),
        # A month said with "last" or "next" (رمضان الفات، شباط الماضي).
        rule("DATE", rf"(?<![\u0621-\u064A])(?:ب|و|وب|ف|ل)?(?:{MONTHS_AR})(?![\u0621-\u064A]){_AR_RELATIVE}", 0.6),
        rule("DATE", r"منتصف الليل|الفجر|عند الظهر|منتصف النهار", 0.55),
        rule("DATE", rf"(?<![0-9٠-٩]){_DIGITS}{{4}}(?![0-9٠-٩])", 0.5),
        # A year with its era mark, a month with its year, a season with its year (١٤٣٨ هـ، غرة رجب ١٤٤٥، صيف ٢٠١٤).
        rule("DATE", rf"(?<![0-9٠-٩]){_DIGITS}{{4}}\s*(?:هـ|ه(?![\u0621-\u064A])|هجري|هجرية|م\.|ميلادي)", 0.65),
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:(?:غرة|غرّة|أول|اول|آخر|اخر|منتصف|نص|أواخر|اواخر|أوائل|اوائل)\s+)?"
            rf"(?:(?:ب|و|وب|ل)?(?:ال)?شهر\s+)?(?:{MONTHS_AR})(?![\u0621-\u064A])\s+{_DIGITS}{{4}}",
            0.7,
        ),
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|وب|ف)?(?:ال)?(?:صيف|شتاء|شتا|ربيع|خريف|أواخر|اواخر|أوائل|اوائل|نهاية|بداية|آخر|اخر)"
            rf"(?:\s+(?:سنة|عام))?\s+{_DIGITS}{{4}}",
            0.65,
        ),
        # A day said in words before its month ("بتسعة وعشرين الشهر الماضي", "اثنين وعشرين بالشهر السابع").
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|في\s+)?(?:{_AR_DAY_WORDS})(?:\s+و(?:عشرين|عشرون|ثلاثين|تلاتين))?\s+"
            r"(?:من\s+)?(?:ب|و)?(?:ال)?شهر\s+(?:ال)?(?:ماضي|فات|جاي|قادم|الجاي|اللي فات|أول|اول|ثاني|تاني|ثالث|تالت|"
            r"رابع|خامس|سادس|سابع|ثامن|تامن|تاسع|عاشر|[0-9٠-٩]{1,2})(?![\u0621-\u064A])",
            0.65,
        ),
        # "the tenth month" said as a date (بالشهر العاشر، الشهر التامن الفين وسبعطعش).
        rule(
            "DATE",
            r"(?<![\u0621-\u064A])(?:ب|و|وب|ف|ل)?(?:ال)?شهر\s+(?:ال)?(?:أول|اول|ثاني|تاني|ثالث|تالت|رابع|خامس|سادس|سابع|"
            r"ثامن|تامن|تاسع|عاشر|حادي عشر|حداعش|ثاني عشر|تاني عشر|اطنعش|[0-9٠-٩]{1,2}|واحد|اتنين|تنين|اثنين|"
            r"تلاتة|ثلاثة|اربعة|أربعة|خمسة|ستة|سبعة|تمانية|ثمانية|تسعة|عشرة|حداشر|اطناشر)(?![\u0621-\u064A])"
            r"(?:\s+[0-9٠-٩]{4})?",
            0.6,
        ),
        rule(
            "DATE",
            r"(?<![\u0621-\u064A])(?:(?:أول|اول|ثاني|تاني|تالت|ثالث|رابع|آخر|اخر)\s+)?(?:(?:يوم|نهار|ليلة)\s+)?"
            r"(?:ب|و|وب|ف|ل)?(?:عيد|العيد|ليلة|يوم|نهار)"
            r"\s+(?:ال|ل)?(?:اضحى|أضحى|فطر|كبير|صغير|الأضحى|الاضحى|الفطر|وقفة|الوقفة|مولد|المولد(?:\s+النبوي)?|"
            r"عاشوراء|عاشورا|شم النسيم|الميلاد|رأس السنة|راس السنة|العيد(?:\s+ال(?:كبير|صغير|فطر|اضحى|أضحى))?)"
            rf"{_AR_RELATIVE}?{_AR_YEAR_AFTER}?",
            0.6,
        ),
        # Before or after the feast (قبل العيد، بعد العيد الكبير بيومين، قبل رمضان).
        rule(
            "DATE",
            r"(?<![\u0621-\u064A])(?:و|ف)?(?:قبل|بعد|أول|اول|آخر|اخر|ليلة|ليلة|صبيحة)\s+(?:ال)?(?:عيد|رمضان)"
            r"(?:\s+ال(?:كبير|صغير|فطر|اضحى|أضحى))?(?![\u0621-\u064A])(?:\s+(?:ب)?(?:يوم|يومين|ليلة|ليلتين|أسبوع|اسبوع|جمعة))?"
            rf"{_AR_YEAR_AFTER}?",
            0.55,
        ),
        # A day of the month said in words before a month ("يوم تسعطعش رمضان", "بأول رمضان سنة ٢٠١٥").
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|ف)?(?:يوم\s+|بيوم\s+)?(?:(?:{_AR_DAY_WORDS})|(?:ب)?(?:أول|اول|آخر|اخر|نص|منتصف))\s+"
            rf"(?:{MONTHS_AR})(?![\u0621-\u064A]){_AR_YEAR_AFTER}?",
            0.65,
        ),
        # A feast said with "last" or "next" ("la tabaski passée", "la dernière Tabaski", "last Eid").
        rule(
            "DATE",
            rf"(?i:\b(?:(?:la|le|l['’])\s*)?(?:dernière|dernier|prochaine|prochain|last|next)\s+(?:{_FEASTS})\b"
            rf"|\b(?:(?:la|le|l['’])\s*)?(?:{_FEASTS})\s+(?:passée|passé|dernière|dernier|prochaine|prochain)\b)",
            0.6,
        ),
        # Yesterday and tomorrow, which pin an event to a day (البارحة، امبارح، أمس، بكرة).
        rule(
            "DATE",
            r"(?<![\u0621-\u064A])(?:و|ف|من)?(?:البارحة|البارحه|البارح|امبارح|مبارح|إمبارح|أمس|امس|الأمس|الامس|"
            r"بكرة|بكره|بكرا|غدوة|غدوه)(?![\u0621-\u064A])"
            rf"{_AR_DAYTIME}?",
            0.5,
        ),
        # A weekday said as its number with "last" or "next" (التلاتة الفات، الاربعة الجاية): never the number alone.
        rule(
            "DATE",
            rf"(?<![\u0621-\u064A])(?:ب|و|ف)?(?:التلاتة|الثلاثة|التلاته|الاربعة|الأربعة|الاربعه){_AR_RELATIVE}",
            0.55,
        ),
        # Tuesday said the Maghreb way, only after "day" (الثلاث is also "the three"): "نهار الثلاث".
        rule(
            "DATE",
            r"(?<![\u0621-\u064A])(?:ب|و|ف)?(?:نهار|يوم)\s+(?:الثلاث|التلات|الحد|لحد|لخميس|لجمعة|لربع)(?![\u0621-\u064A])",
            0.55,
        ),
        # A weekday with its time of day, a lone "yesterday" or "tomorrow", and "the 15th at 10" (French).
        rule(
            "DATE",
            rf"(?i:\b(?:{DAYS_FR})\s+(?:matin|soir|après-midi|midi|dans\s+la\s+(?:nuit|journée|soirée))\b)",
            0.55,
        ),
        rule("DATE", r"(?i:\b(?:hier|avant-hier|demain|après-demain)\b)", 0.45),
        rule("DATE", r"(?i:\ble\s+\d{1,2}(?:er)?\s+(?:à|a|vers)\s+\d{1,2}\s?h(?:\s?[0-5]\d)?\b)", 0.6),
        rule("DATE", r"(?i:\bl['’]an\s+(?:deux\s+mille|mille\s+neuf\s+cent)(?:[\s-]+[a-zé]+){0,3})", 0.6),
        # A year written onto an Arabizi preposition ("ra7 3a souria b2013").
        rule("DATE", r"(?<![A-Za-z0-9])[bfwl](?:19[5-9]\d|20[0-4]\d)(?!\d)", 0.55),
    ]
