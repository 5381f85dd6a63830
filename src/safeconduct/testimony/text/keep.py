"""Words that stay readable: generic countries and nationalities, the group's names, well-known
organisations, durations, ages and fillers.

Hiding "Syria" or "Daesh" in every sentence makes a published testimony unreadable and teaches reviewers
to distrust the tool; it protects nobody, since thousands of people share them. The same country or
nationality is a quasi-identifier when it narrows the person down, and is then hidden (see
`narrows_down`):

- a country next to a place that was hidden ("Tripoli, Lebanon"), after the speaker's home words ("my
  village near Turkey", "قريتي قرب تركيا"), or owning a district ("Iraq's Askari district");
- a nationality that describes one person ("the only Belgian in the unit", "an Iranian", "she is
  Moroccan", "un Algérien appelé …", "الوحيد الشيشاني"), or that is counted ("three Afghans"); it stays
  readable when it is plural or describes an institution or a crowd ("Syrians", "Belgian police",
  "l'armée syrienne", "الجيش العراقي").

Tribes, clans and small peoples are never in these lists: they are always hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from safeconduct.testimony.text.model import Kind

if TYPE_CHECKING:
    from safeconduct.testimony.text.placeholders import Span

#: Countries of the caseload and its neighbours, in English, French and Arabic (lower case). Names shared with a
#: city (تونس Tunis/Tunisia, الجزائر Algiers/Algeria, Kuwait, Gaza) are left out: they stay hidden.
COUNTRIES = frozenset(
    """souria souriya suriya sourya el-3ira9 3ira9 l3ira9 lebnen masr tounes tunes dzayer jazayer lmaghrib torkia
    turkia syria iraq turkey lebanon jordan iran afghanistan pakistan saudi arabia yemen egypt libya tunisia
    algeria morocco mali niger nigeria chad sudan somalia kenya uganda cameroon burkina faso mauritania
    senegal france belgium germany netherlands britain england uk russia chechnya kosovo bosnia albania
    sweden denmark norway spain italy qatar israel palestine europe africa america usa
    syrie irak turquie liban jordanie afghanistan arabie saoudite yémen égypte libye tunisie algérie maroc
    tchad soudan somalie ouganda cameroun mauritanie sénégal belgique allemagne pays-bas angleterre
    royaume-uni russie tchétchénie espagne italie suède europe afrique amérique
    سوريا سورية العراق تركيا لبنان الأردن إيران ايران أفغانستان باكستان السعودية اليمن مصر ليبيا
    المغرب مالي النيجر نيجيريا تشاد السودان الصومال فرنسا بلجيكا ألمانيا المانيا هولندا بريطانيا
    روسيا الشيشان أوروبا اوروبا أمريكا امريكا""".split()
) | frozenset({"saudi arabia", "burkina faso", "united kingdom", "united states", "arabie saoudite"})

#: Nationalities and large peoples that do not narrow a person down when used generically.
NATIONALITIES = frozenset(
    """syrian syrians iraqi iraqis turkish turk turks lebanese jordanian iranian iranians afghan afghans
    pakistani pakistanis saudi saudis yemeni egyptian egyptians libyan libyans tunisian tunisians algerian
    algerians moroccan moroccans malian nigerian nigerians chadian sudanese somali somalis french british
    belgian belgians german germans dutch russian russians chechen chechens american americans european
    europeans kurd kurds kurdish arab arabs
    syrien syriens syrienne syriennes irakien irakiens irakienne turc turcs turque turques libanais
    libanaise jordanien iranien iraniens afghan afghane afghans pakistanais saoudien saoudiens yéménite
    égyptien égyptiens libyen libyens tunisien tunisiens tunisienne algérien algériens algérienne marocain
    marocains marocaine malien maliens nigérian tchadien tchadiens soudanais somalien somaliens français
    française belge belges allemand allemands russe russes tchétchène tchétchènes américain américains
    européen européens kurde kurdes arabe arabes
    سوري سورية سوريين السوري السورية السوريين السوريون عراقي عراقية العراقي العراقية العراقيين عراقيين
    تركي التركي الأتراك اتراك لبناني اللبناني إيراني الإيراني ايراني أفغاني الأفغاني سعودي السعودي
    مصري المصري ليبي الليبي تونسي التونسي جزائري الجزائري مغربي المغربي شيشاني الشيشاني فرنسي الفرنسي
    بلجيكي البلجيكي ألماني الألماني روسي الروسي كردي الكردي الكرد الأكراد اكراد عربي العربي العرب""".split()
)


def _demonym_forms(english: str, french: str, arabic: str) -> frozenset[str]:
    """Every written form of the nationalities a testimony names in passing: the English plural, the French
    feminine and plurals, the Arabic article and plurals (تونسي → التونسيين)."""
    forms: set[str] = set()
    for w in english.split():
        forms |= {w, w if w.endswith(("ese", "ss", "sh", "ch")) else w + "s"}
    for w in french.split():
        forms |= {w, w + "s", w + "e", w + "es"} | ({w + "ne", w + "nes"} if w.endswith("ien") else set())
    for w in arabic.split():
        forms |= {w, "ال" + w, w + "ين", "ال" + w + "ين", "ال" + w + "ون", w + "ة", "ال" + w + "ة"}
    return frozenset(forms)


#: The rest of the nationalities of our caseload and of the countries people return to or from.
NATIONALITIES = NATIONALITIES | _demonym_forms(
    """tanzanian mozambican senegalese guinean ivorian cameroonian congolese nigerien mauritanian burkinabe
    ghanaian gambian kenyan ugandan rwandan eritrean ethiopian south-african emirati kuwaiti qatari bahraini
    omani palestinian tajik uzbek turkmen kazakh kyrgyz bosnian albanian kosovar dane danish swede swedish
    norwegian finnish austrian swiss spaniard spanish italian portuguese canadian australian indian chinese
    indonesian malaysian filipino bangladeshi""",
    """tanzanien mozambicain sénégalais guinéen ivoirien camerounais congolais nigérien mauritanien burkinabè
    ghanéen kényan ougandais rwandais érythréen éthiopien émirati koweïtien qatari palestinien tadjik ouzbek
    bosniaque albanais kosovar danois suédois norvégien finlandais autrichien suisse espagnol italien portugais
    canadien australien indien chinois indonésien malaisien philippin bangladais néerlandais""",
    """سوداني صومالي تشادي نيجيري مالي موريتاني أردني اردني يمني باكستاني أوزبكي طاجيكي فلسطيني إريتري اريتري
    إثيوبي كيني هولندي سويدي نرويجي دنماركي نمساوي سويسري إسباني اسباني إيطالي ايطالي برتغالي كندي أسترالي
    استرالي أمريكي امريكي بريطاني إنكليزي انكليزي ألباني الباني بوسني صيني هندي ليبي عراقي سوري تونسي جزائري
    مغربي فرنسي بلجيكي ألماني الماني روسي تركي لبناني إيراني ايراني أفغاني افغاني سعودي مصري شيشاني كردي عربي""",
)

#: The group's own names and well-known organisations named generically: never a clue to one person.
GROUPS_AND_INSTITUTIONS = frozenset(
    """daesh daech da'esh daiish isis isil is ei eiil dawla ad-dawla al-dawla addawla dawlat islamic-state
    al-qaeda al-qaida al-qaïda qaeda qaida taliban talibans boko-haram al-shabaab shabaab peshmerga
    peshmergas pechmerga hezbollah hizbollah pkk ypg ypj sdf fds fsa asl unhcr hcr un onu unicef icrc cicr
    msf iom oim nato otan interpol ofpra red-cross croix-rouge red-crescent croissant-rouge nusra al-nusra
    jabhat-al-nusra hts hayat-tahrir-al-sham jnim aqmi aqim mujao iswap ansaru minusma barkhane serval amisom
    monusco ecowas cedeao frontex kfor jtf cjtf civilian-jtf ei-k iskp hashd hachd pmf pmu hashd-al-shaabi
    ase spip pjj dgsi dgse densus الخلافة أشبال اشبال
    الدولة داعش الدواعش تنظيم القاعدة طالبان البيشمركة البشمركة قسد حزب الأمم المفوضية اليونيسف
    الصليب الهلال""".split()
) | frozenset(
    {
        "islamic state",
        "the islamic state",
        "état islamique",
        "etat islamique",
        "l'état islamique",
        "l'etat islamique",
        "l’état islamique",
        "the state",
        "jabhat al-nusra",
        "jabhat al nusra",
        "al-nusra front",
        "the nusra front",
        "civilian jtf",
        "hayat tahrir al-sham",
        "أشبال الخلافة",
        "اشبال الخلافة",
        "بأشبال الخلافة",
        "boko haram",
        "red cross",
        "red crescent",
        "the red cross",
        "the red crescent",
        "croix rouge",
        "croissant rouge",
        "le croissant-rouge",
        "la croix-rouge",
        "united nations",
        "the united nations",
        "nations unies",
        "free syrian army",
        "armée syrienne libre",
        "the un",
        "the unhcr",
        "le hcr",
        "the peshmerga",
        "home office",
        "the home office",
        "les peshmergas",
        "الدولة الإسلامية",
        "الدولة الاسلامية",
        "تنظيم الدولة",
        "الهلال الأحمر",
        "الهلال الاحمر",
        "الصليب الأحمر",
        "الصليب الاحمر",
        "الأمم المتحدة",
        "الامم المتحدة",
        "الجيش الحر",
        "حزب الله",
        "حركة الشباب",
        # groups of a region and the state bodies every returnee deals with, named generically
        "turkistan islamic party",
        "eigs",
        "isgs",
        "is-sahel",
        "état islamique au grand sahara",
        "islamic state in the greater sahara",
        "islamic state sahel province",
        "ansar al-sharia",
        "ansar al-charia",
        "densus 88",
        "counter terrorism policing",
        "gardaí",
        "gardai",
        "the gardaí",
        "adf",
        "quai d'orsay",
        "sem",
        "global affairs canada",
        "foreign office",
        "state department",
        "ocam",
        "caw",
        "sûreté de l'état",
        "surete de l'etat",
        "vsse",
        "dgsi",
        "dgse",
        "mi5",
        "mi6",
        "fbi",
        "cia",
        "aivd",
        "nctv",
        "säpo",
        "bfv",
        "bka",
        "lka",
        "pst",
        "supo",
        "csis",
        "rcmp",
        "asio",
        "prevent",
        "mukhabarat",
        "moukhabarat",
        "el-mukhabarat",
        "المخابرات",
        "الأمن العام",
        "الامن العام",
        "الأمن الوطني",
        "الامن الوطني",
        "الحرس الوطني",
        "el-7aras el-watani",
        "الأمن السياسي",
        "امن الدولة",
        "أمن الدولة",
        # national identity cards and numbers named by their acronym, and police forces (the number or the
        # officer is hidden, not the name of the card or the force)
        "cin",
        "cni",
        "nic",
        "nin",
        "nino",
        "nida",
        "nas",
        "sin",
        "ssn",
        "cpr",
        "avs",
        "ahv",
        "bsn",
        "nir",
        "ttps",
        "grc",
        "spvm",
        "cid",
        "hcr",
        "ase",
        "حركة طالبان",
        "ولاية سيناء",
        "بوكو حرام",
        "جبهة النصرة",
        "هيئة تحرير الشام",
    }
)

#: Words that carry no content in speech.
FILLERS = frozenset(
    """euh heu bah hein wesh wsh lol mdr ptdr genre quoi um uh erm hmm mmm ok okay yeah ya yani ya3ni
    wallah wallahi inchallah inshallah yallah habibi khalas يعني يعنى والله خلص طيب اي ايه انو ouais ouai
    tbh idk lmao omg btw jsp tkt wsh innit ngl insyaallah ya5i yakhi yalla tnx brabi
    wech bref voilà voila frère frérot akhi wollah starfoullah hamdoulah hamdoullah mashallah wAllah هلأ هلق
    وهلأ ولك يا_ريت eeh eh ehh tsé ouin wallaye wallayi insha mungu ayo nou chokran choukran shukran chukran
    el7amdilla el7amdoulillah el7amdulillah l7amdoulillah 7amdella 7amdellah 7amdoulillah hamdulillah
    alhamdulillah shlonik shlonak chnahwalek""".split()
)

_NUM_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a|an|a few|several|"
    r"many|some|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    r"dix-sept|dix-huit|dix-neuf|vingt|trente|quarante|cinquante|soixante|quelques|plusieurs|des|cent|cents|"
    r"hundred|deux cents|trois cents"
)
_DURATION = re.compile(
    rf"^(?:for|during|pendant|about|around|almost|nearly|over|environ|presque|près de|plus de|à peine)?\s*"
    rf"(?:(?:\d+|(?:{_NUM_WORDS})(?:[- ](?:{_NUM_WORDS}|and|et))*)\s+)"
    r"(?:more\s+|de plus\s+|long\s+|full\s+)?"
    r"(?:years?|months?|weeks?|days?|nights?|ans?|années?|mois|semaines?|jours?|nuits?|dollars?|euros?|liras?|"
    r"livres?)(?:\s+old|\s+later|\s+after|\s+plus tard)?$",
    re.IGNORECASE,
)
_AR_DURATION = re.compile(
    r"^(?:\S+\s+)?(?:سنين|سنوات|سنة|سنه|أشهر|اشهر|شهور|شهرين|أسابيع|اسابيع|أيام|ايام|يومين|ساعات|ساعتين|سنتين|دولار)$"
)
#: A bare number said as a word ("I was nineteen then", "twenty-four"): an age or an amount, not a date.
#: Not two number words in a row that a year is made of ("twenty fifteen").
_BARE_NUMBER = re.compile(
    r"^(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|vingt|trente|quarante|cinquante)[- ])?"
    r"(?:one|two|three|four|five|six|seven|eight|nine|un|deux|trois|quatre|cinq|six|sept|huit|neuf)$|"
    rf"^(?:{_NUM_WORDS})$|^\d{{1,2}}$",
    re.IGNORECASE,
)

#: Nouns after which a nationality describes an institution or a crowd ("Belgian police").
_COLLECTIVE_AFTER = re.compile(
    r"^\s*(?:army|regime|government|border|borders|forces|police|soldiers|troops|fighters|authorities|"
    r"intelligence|people|refugees|side|state|embassy|dialect|accent|language|pounds?|lira|militias?|"
    r"prisons?|media|tv|television|news|planes?|jets?|airstrikes?|coast|society|families|villages|towns)\b",
    re.IGNORECASE,
)
_COLLECTIVE_BEFORE = re.compile(
    r"(?:armée|régime|gouvernement|frontière|forces|police|soldats|troupes|combattants|autorités|"
    r"renseignements|peuple|réfugiés|côté|état|ambassade|dialecte|accent|langue|livres?|avions?|prisons?|"
    r"télé|médias|villages|familles|الجيش|النظام|الحكومة|الحدود|الجانب|الطرف|القوات|الشرطة|المخابرات|الأمن|"
    r"الشعب|الدولة|الطيران|اللهجة|الليرة|السجون)\s+(?:\S+\s+)?$",
    re.IGNORECASE,
)
#: A nationality naming one person: "a Tunisian", "the only Belgian", "she is Moroccan", "un Algérien".
_ONE_PERSON_BEFORE = re.compile(
    r"(?:\b(?:a|an|the only|only|one|another|the|un|une|le seul|la seule|seul|seule|l'unique|le|la|l'|"
    r"is|was|was an?|is an?|est|était|c'est|c'était|becoming)\s*|الوحيد\s+|واحد\s+|وهو\s+|وهي\s+|كان\s+|"
    r"كانت\s+|\d+\s+|(?:two|three|four|five|deux|trois|quatre|cinq)\s+[«\"]?\s*)$",
    re.IGNORECASE,
)
_HOME_BEFORE = re.compile(
    r"\b(?:my|our|his|her|their|mon|ma|notre|son|sa|leur)\s+(?:home\s*)?(?:village|town|hometown|home|"
    r"district|neighbourhood|neighborhood|area|region|farm|quartier|ville|région|coin|bled|ferme|hameau)\b"
    r"[^.;!?\n]{0,40}$|(?:قريتي|قريتنا|بلدتي|بلدتنا|ضيعتي|ضيعتنا|حارتنا|حينا|مدينتي|مزرعتنا)[^.؛!؟\n]{0,30}$",
    re.IGNORECASE,
)
_NEAR_PLACE = 45


def _key(surface: str) -> str:
    word = surface.strip().casefold().replace("’", "'")
    return re.sub(r"\s+", " ", word)


def _core(surface: str) -> str:
    key = _key(surface)
    core = re.sub(r"^(?:(?:the|le|la|les)\s+|l')", "", key)
    bare = _without_arabic_prefix(core)  # "لتونس" (to Tunisia) is read as "تونس"
    return bare if bare != core and (bare in COUNTRIES or bare in NATIONALITIES) else core


def _without_arabic_prefix(core: str) -> str:
    """"بتنظيم الدولة" (with the State group) → "تنظيم الدولة"; "للمفوضية" → "المفوضية"."""
    m = re.match(r"^(?:وب|فب|ول|فل|وك|و|ف|ب|ل|ك)(?=[\u0621-\u064A]{3})", core)
    if m is None:
        return core
    rest = core[m.end() :]
    return "ا" + rest if m.group().endswith("ل") and rest.startswith("ل") else rest


def always_kept(surface: str, kind: Kind) -> bool:
    """A group name, a well-known organisation, a filler, a duration, an age or an amount."""
    key, core = _key(surface), _core(surface)
    if (
        key in GROUPS_AND_INSTITUTIONS
        or core in GROUPS_AND_INSTITUTIONS
        or core.replace(" ", "-") in (GROUPS_AND_INSTITUTIONS)
        or _without_arabic_prefix(core) in GROUPS_AND_INSTITUTIONS
    ):
        return True
    if core in FILLERS:
        return True
    if kind is Kind.DATE and (_DURATION.match(key) or _AR_DURATION.match(key) or _BARE_NUMBER.match(key)):
        return True
    return False


def is_generic_word(surface: str) -> bool:
    """A country or nationality in the generic lists (kept or hidden depending on its context)."""
    core = _core(surface)
    return core in COUNTRIES or core in NATIONALITIES or core.replace("ال", "", 1) in COUNTRIES


def narrows_down(surface: str, start: int, end: int, text: str, places: Iterable[tuple[int, int]]) -> bool:
    """Whether this mention of a country or nationality narrows the person down (see the module's rules)."""
    core = _core(surface)
    before, after = text[max(0, start - 60) : start], text[end : end + 40]
    if core in NATIONALITIES and core not in COUNTRIES:
        if _COLLECTIVE_AFTER.match(after) or _COLLECTIVE_BEFORE.search(before):
            return False
        plural = bool(re.search(r"(?:s|x|ين|ون)$", core)) or core in ("الأتراك", "الأكراد", "اكراد", "العرب", "الكرد")
        if plural and re.search(r"\b(?:le|un|du|au|ce|the|an?|seul|seule|unique|only)\s*$", before, re.IGNORECASE):
            plural = False  # "le chinois", "un marocain français": -ais/-ois end in s in the singular too
        if plural:
            return bool(re.search(r"(?:\d+|two|three|four|five|six|deux|trois|quatre|cinq|six)\s+[«\"]?\s*$", before))
        if core in ("french", "british", "dutch", "français") and re.search(r"\bthe\s*$|\bles\s*$", before, re.I):
            return False  # "the French" are a people
        if _ONE_PERSON_BEFORE.search(before) or re.match(
            r"^\s*(?:,|-born|national|convert|called|named|"
            r"appelé|nommé|dit|qu'on|who|qui|اسمه|يلقب)",
            after,
        ):
            return True
        return True  # a lone singular nationality most often describes someone: hidden
    if re.match(r"^['’]s\b", after):
        return True  # "Iraq's Askari district"
    if _HOME_BEFORE.search(before):
        return True
    for s, e in places:
        gap = text[e:start] if e <= start else text[end:s] if s >= end else None
        words = set(_GAP_WORD.findall(gap.lower())) if gap is not None else set()
        # "Tripoli, near Syria" says where the place is; "to Turkey, then to Tabqa" only where one went
        if gap is not None and len(gap) <= _NEAR_PLACE and words <= _GAP_WORDS and words & _WHERE_WORDS:
            return True
    return False


_GAP_WORD = re.compile(r"[^\W\d_]+|[^\w\s,'’-]")
#: Words that place a place by its country ("near", "north of", "border"), not a mere "in" or "to".
_WHERE_WORDS = frozenset(
    """near north south east west eastern northern southern western countryside border province region part close
    by nord sud est ouest campagne frontière région côté près قرب شمال جنوب شرق غرب ريف حدود بالقرب""".split()
)
#: Words that may stand between a place and a country that locates it ("Tripoli, in the north of Lebanon").
_GAP_WORDS = frozenset(
    """in near of the north south east west eastern northern southern western countryside border province
    region part close to by on en au aux à près de la le du des dans nord sud est ouest campagne frontière
    région côté l d في قرب من شمال جنوب شرق غرب ريف حدود على بالقرب منطقة""".split()
)


#: "every Tuesday", "chaque vendredi", "tous les lundis", "كل خميس": a habit, not a date one can look up.
_RECURRING = re.compile(r"^(?:every|each|chaque|tous\s+les|toutes\s+les|كل)\s+", re.IGNORECASE)
_RECURRING_BEFORE = re.compile(r"(?:\bevery|\beach|\bchaque|\btous\s+les|\btoutes\s+les|(?<![\u0621-\u064A])كل)\s+$",
                               re.IGNORECASE)
_WEEKDAY = re.compile(
    r"^(?:(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|(?:lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche)s?|(?:يوم\s+)?(?:ال)?(?:أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|جمعه|سبت))"
    r"(?:\s+(?:morning|evening|night|matin|soir|صباح|مساء))?$",
    re.IGNORECASE,
)


def _recurring(s: Span, text: str) -> bool:
    """A weekday said as a habit ("every Tuesday", "كل خميس"), which dates nothing."""
    if s.kind is not Kind.DATE:
        return False
    surface = text[s.start : s.end]
    if _RECURRING.match(surface):
        return bool(_WEEKDAY.match(_RECURRING.sub("", surface)))
    return bool(_WEEKDAY.match(surface)) and bool(_RECURRING_BEFORE.search(text[max(0, s.start - 12) : s.start]))


#: Words that head a line of a transcript, a form or a report rather than name anyone ("JUDGE:",
#: "Témoin :", "Courriel :", "Officer:"): a finding that is one of them, followed by a colon, is dropped.
_LABELS = frozenset(
    """host guest judge juge officer interviewer interviewee witness témoin prévenu prévenue avocat avocate
    counsel defendant accused prosecutor procureur président présidente greffier clerk caseworker éducateur
    éducatrice courriel email e-mail mail phone téléphone tel tél mobile portable question answer réponse
    report rapport subject objet mineur mineure majeur scolarisé scolarisée scolarité nom prénom surname
    name address adresse date heure time lieu place ask welcome today note notes summary résumé source
    audience hearing séance interprète interpreter translator traducteur traductrice mother father mère
    père sister soeur sœur brother frère q r a""".split()
)
_COLON_AFTER = re.compile(r"\s?:")


def _label_or_heading(s: Span, text: str) -> bool:
    """A transcript's or a form's label ("GUEST:", "Courriel :"), a heading word in capitals ("PROCÈS-
    VERBAL", "PROBATION REPORT"), or a model's unit or organisation that is only an everyday word at the
    start of a sentence ("Court notes."): one everyday word, which names no one."""
    surface = text[s.start : s.end]
    if " " in surface or not surface.isalpha() and "-" not in surface:
        return False
    word = surface.casefold()
    if word in _LABELS and _COLON_AFTER.match(text, s.end):
        return True
    before = text[: s.start].rstrip(" \t\"“«'(")
    if s.source == "SpacyRecognizer" and s.kind in (Kind.UNIT, Kind.ORG) and (not before or before[-1] in ".!?:;\n"):
        # a model's guess on an everyday word capitalised only because the sentence begins ("Court notes.")
        from safeconduct.testimony.text.vocabulary import big_places, everyday_words

        everyday = word in everyday_words("en") or word in everyday_words("fr")
        if surface.istitle() and everyday and word not in big_places():
            return True
    from safeconduct.testimony.text.vocabulary import everyday_words

    return len(surface) >= 3 and surface.isupper() and (word in everyday_words("en") or word in everyday_words("fr"))


def keep_generic(spans: list[Span], text: str) -> list[Span]:
    """Drop the findings that must stay readable; keep a country or nationality where it narrows down.

    A country that locates a hidden place is hidden, and so is a country next to it ("Tripoli, near
    Syria, in the north of Lebanon"): the check repeats until nothing changes.
    """
    spans = [
        s
        for s in spans
        if not always_kept(text[s.start : s.end], s.kind) and not _recurring(s, text) and not _label_or_heading(s, text)
    ]
    generic = [s for s in spans if is_generic_word(text[s.start : s.end])]
    places = [(s.start, s.end) for s in spans if s.kind is Kind.PLACE and s not in generic]
    hidden: list[Span] = []
    changed = True
    while changed:
        changed = False
        for s in generic:
            if s not in hidden and narrows_down(text[s.start : s.end], s.start, s.end, text, places):
                hidden.append(s)
                places.append((s.start, s.end))
                changed = True
    return [s for s in spans if s not in generic or s in hidden]
