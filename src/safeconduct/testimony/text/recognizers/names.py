"""People: kunyas and noms de guerre, titled names, "known as …" nicknames, Arabic-script given names."""

from __future__ import annotations

import re

from safeconduct.testimony.text.recognizers.base import ART, ARW, CAP, Rule, rule
from safeconduct.testimony.text.recognizers.lexicon import (
    ARABIC_GIVEN_NAMES,
    ARABIC_NAMES_THAT_ARE_WORDS,
    ARABIC_STOPWORDS,
)

_KUNYA = r"(?:Abu|Abū|Abou|Aboul|Abul|Umm|Oum|Om|Ummu|Ibn|Bint)"
_PARTICLE = r"(?:ibn|bin|ben|bint|ould|Ould|ag|Ag|wuld|dan|de|da|van|el|al)"
_NAME_TAIL = rf"(?:\s+(?:{_PARTICLE}\s+)?{ART}?{CAP}){{0,3}}"
_TITLES = (
    r"Colonel|Col\.|Captain|Capt\.|Lieutenant|Lt\.|Commander|General|Major|Sergeant|Corporal|Sheikh|Shaykh|"
    r"Cheikh|Cheick|Imam|Emir|Amir|Mullah|Hajj|Hajja|Hadja|El Hadj|Alhaji|Malam|Mallam|Dr\.?|Doctor|Mr\.?|"
    r"Mrs\.?|Ms\.?|Mme|Mlle|Madame|Monsieur|Uncle|Aunt|Tonton|Tata|Mama|Papa|Brother|Sister|colonel|"
    r"capitaine|commandant|lieutenant|général|sergent|marabout|docteur|imam|cheikh|émir|adjudant|caporal|"
    r"tonton|Pasteur|Father|Abbé"
)
_CALLED = (
    r"called|named|known as|nicknamed|alias|name is|name was|called me|called him|called her|"
    r"appelait|appelaient|appelle|appelé|appelée|nommé|nommée|surnommé|surnommée|s'appelle|s'appelait|"
    r"m'appelait|m'appellent|je m'appelle|dit"
)
_NOT_NAME = (
    r"I|The|A|An|My|Our|His|Her|Their|Your|This|That|These|Those|God|Allah|Dieu|Le|La|Les|Un|Une|Mon|Ma|Mes|"
    r"Notre|Nos|Leur|Ce|Cette|Il|Elle|Nous|Vous|Ils|Elles|Je|On|Street|Road|Avenue|Market"
)
#: Kin and close relations named before a name ("my uncle Okot", "sa mère Kadidia"), matched in any case.
_KIN_EN = (
    r"uncle|aunt|auntie|cousin|brother|sister|father|mother|son|daughter|wife|husband|friend|neighbour|neighbor|"
    r"nephew|niece|grandfather|grandmother|grandson|granddaughter|stepfather|stepmother|half-brother|"
    r"half-sister|brother-in-law|sister-in-law|father-in-law|mother-in-law|fianc[ée]e?|comrade|classmate|"
    r"colleague|boss|teacher|driver|guide|recruiter|co-wife|in-law"
)
_KIN_FR = (
    r"cousin|cousine|frère|frere|sœur|soeur|oncle|tante|père|pere|mère|mere|femme|épouse|mari|époux|fils|fille|"
    r"ami|amie|copain|copine|voisin|voisine|neveu|nièce|grand-père|grand-mère|petit-fils|petite-fille|"
    r"beau-frère|belle-sœur|belle-soeur|beau-père|belle-mère|demi-frère|demi-sœur|fiancée?|camarade|"
    r"coépouse|patron|chauffeur|guide|recruteur|maître|maitre"
)
_KIN = (
    rf"(?i:\b(?:my|his|her|our|their|your)\s+(?:(?:late|elder|older|younger|little|big|eldest|youngest|best|"
    rf"old|dear|own)\s+)?(?:{_KIN_EN})|(?<!\w)(?:mon|ma|son|sa|notre|votre|leur|ton|ta)\s+(?:(?:grand|"
    rf"grande|petit|petite|vieil|vieille|défunt|défunte|feu|feue|propre)\s+)?(?:{_KIN_FR}))"
)
#: Words that introduce a name without saying what it is ("a certain Bakary", "une nommée Awa").
_INTRO = (
    r"(?i:\b(?:a certain|one|a man|a woman|a boy|a girl|a guy|someone|somebody|un certain|une certaine|"
    r"un nommé|une nommée|un dénommé|une dénommée|le dénommé|la dénommée|le nommé|la nommée|un homme|"
    r"une femme|un type|un gars|quelqu'un))"
)
#: Capitalised words that, after a lower-case "the"/"le"/"la", are not a nickname ("the Army", "le Coran").
_NOT_NICKNAME = (
    r"God|Allah|Dieu|Lord|Seigneur|Almighty|Prophet|Prophète|Messenger|Quran|Koran|Coran|Bible|Gospel|Torah|"
    r"Sunna|Sunnah|Hadith|Mahdi|Caliph|Caliphate|Califat|Calife|Army|Armée|State|Etat|État|Government|"
    r"Gouvernement|Police|Gendarmerie|President|Président|Presidency|Ministry|Ministère|Parliament|Republic|"
    r"République|Nation|Nations|Union|West|East|North|South|Ouest|Est|Nord|Sud|Internet|Web|Red|Croix|Cross|"
    r"King|Roi|Queen|Reine|Pope|Pape|Sultan|Emir|Émir|Amir|Imam|Sheikh|Cheikh|Mufti|Qadi|Cadi|Hajj|Haj|Umrah|"
    r"Ramadan|Eid|Aïd|Tabaski|Christmas|Noël|Easter|Pâques|English|French|Arabic|Français|Anglais|Arabe|"
    r"Bureau|Office|Court|Cour|Tribunal|Council|Conseil|Commission|Mission|Committee|Comité|Centre|Center|"
    r"Camp|Hospital|Hôpital|School|École|University|Université|Church|Église|Mosque|Mosquée|Media|Press|"
    r"Presse|Radio|Television|Télévision|Telegram|WhatsApp|Signal|Facebook|Devil|Diable|Satan|Shaytan|"
    r"Day|Jour|Judgement|Judgment|Jugement|Hereafter|Paradise|Paradis|Hell|Enfer|Jihad|Djihad|Hijra|Hégire|"
    r"Program|Programme|Project|Projet|Organisation|Organization|Foundation|Fondation|Agency|Agence|Service|"
    r"Office|Bank|Banque|Company|Society|Société|Association|Party|Parti|Constitution|Law|Loi|Treaty|Traité"
)
_AR_TITLES = (
    "العقيد|الدكتور|الطبيب|الضابط|الشيخ|القائد|الأمير|الحاج|الحاجة|المدعو|المدعوة|النقيب|الملازم|الرائد|اللواء|"
    "الأخ|الأخت"
)
_AR_STOP = "|".join(sorted(ARABIC_STOPWORDS, key=len, reverse=True))
#: A name goes on word after word, but "و" + word is "and …" unless the word is itself a name (وليد، وفاء).
_AR_AND = r"و(?!(?:ليد|ائل|سام|داد|جدان|فاء|لاء|طبان|عد|هيب|صفي|رد|ديع|جيه)(?![\u0621-\u064A]))"
_AR_NEXT = rf"(?:\s+(?!(?:{_AR_STOP})(?![\u0621-\u064A])|{_AR_AND}){ARW})"
#: Our list less the names that are also everyday words (those need context: arabic_names.py).
_AR_GIVEN = "|".join(sorted(ARABIC_GIVEN_NAMES - ARABIC_NAMES_THAT_ARE_WORDS, key=len, reverse=True))


def _not_a_stop_word(mention: str) -> bool:
    """The name in a mention does not start with an English or French stop word ("my brother Then went")."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    titles = {t.lower().rstrip(".?") for t in TITLE_WORDS}
    words = [w.lower() for w in mention.split() if w.lower().rstrip(".") not in titles]
    return bool(words) and words[0] not in EN and words[0] not in FR


def name_rules() -> list[Rule]:
    """Rules for people's names, in Latin and Arabic script."""
    return [
        # A chain of two patronyms ("سيد احمد ولد اعل ولد المختار", "الطيب ود الامين ود حامد"): a name whatever its
        # first word is (one ولد alone is also "a boy").
        rule(
            "PERSON",
            rf"(?<![\u0621-\u064A])(?:(?!(?:{_AR_STOP})\s){ARW}\s+)?(?!(?:{_AR_STOP})\s){ARW}\s+(?:ولد|ود)\s+{ARW}"
            rf"\s+(?:ولد|ود)\s+{ARW}",
            0.6,
        ),
        # Kunyas and titles in any case ("abu Hamza", "sheikh Danladi": a truecased transcript), before a
        # capitalised name.
        rule("PERSON", rf"\b(?i:{_KUNYA})\s+{ART}?{CAP}(?:\s+{ART}{CAP}|\s+(?:al|el)\s+{CAP})*", 0.85),
        # A kunya with an article-joined word in lower case ("abu al-qaqa"): the article marks a name.
        rule("PERSON", rf"\b(?i:{_KUNYA})\s+{ART}[a-zà-ÿ][\w'’]+", 0.75),
        rule("PERSON", rf"\b(?i:{_TITLES})\s+{ART}?{CAP}{_NAME_TAIL}", 0.75, keep=_not_a_stop_word),
        rule(
            "PERSON",
            rf"\b(?:{_CALLED})\s+(?:(?:me|him|her|moi|lui)\s+)?(?P<m>(?:(?:the|le|la|l')\s+)?{CAP}{_NAME_TAIL})",
            0.6,
        ),
        # A nickname in lower case after a cue that only introduces names ("known as the engineer",
        # "on l'appelait le petit"); "called" is left out ("we called the police").
        rule(
            "PERSON",
            r"(?i:\b(?:known as|nicknamed|alias|a\.k\.a\.?|aka|called (?:him|her|me)|surnommée?|"
            r"on [lm]['’]appel(?:ait|le)|[lm]['’]appelaient|ils [lm]['’]appelaient))"
            r"\s+(?P<m>(?:the|le|la|l['’])\s*[a-zà-ÿ][\w'’-]+)",
            0.55,
            keep=lambda m: _not_a_stop_word(re.sub(r"^(?:the|le|la|l['’])\s*", "", m)),
        ),
        rule("PERSON", rf"\b{ART}{CAP}\b", 0.45),
        # Kin and close relations before a capitalised name (a truecased transcript has its names capitalised).
        rule("PERSON", rf"{_KIN},?\s+(?P<m>(?!(?:{_NOT_NAME})\b){CAP}{_NAME_TAIL})", 0.6, keep=_not_a_stop_word),
        rule("PERSON", rf"{_INTRO}\s+(?P<m>(?!(?:{_NOT_NAME})\b){CAP}{_NAME_TAIL})", 0.55, keep=_not_a_stop_word),
        # A nickname: a lower-case article and one capitalised word inside a sentence ("feared the Hawk"),
        # not a title, an institution or a word of faith, and not the start of a longer name.
        rule(
            "PERSON",
            rf"(?<=[\w,;:] )(?P<m>(?:the|le|la)\s+(?!(?:{_NOT_NICKNAME}|{_NOT_NAME})\b)[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w’']*)"
            rf"(?![\w'’-]|\s+(?:{ART}?{CAP}|of\s+{CAP}|de\s+{CAP}|du\s+{CAP}))",
            0.5,
        ),
        # The same at the start of a sentence, before a lower-case word ("The Scorpion ran the checkpoint"):
        # a common noun is not capitalised there unless it is a name; titles are left out ("The Colonel").
        rule(
            "PERSON",
            rf"(?:^|(?<=[.!?…]\s)|(?<=\n))(?P<m>(?:The|Le|La)\s+(?!(?:{_NOT_NICKNAME}|{_NOT_NAME}|{_TITLES})\b)"
            rf"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w’']*)(?=\s+[a-zà-ÿ])",
            0.45,
            flags=re.MULTILINE,
        ),
        # Two or three capitalised words inside a sentence ("… and Bilal Touré of …"), none an everyday word.
        rule(
            "PERSON",
            rf"(?<=[a-zà-ÿ,] )(?!(?:{_NOT_NAME})\b){CAP}(?:\s+(?:{_PARTICLE}\s+)?(?!(?:{_NOT_NAME})\b){CAP}){{1,2}}",
            0.45,
        ),
        # Arabic script: kunya (أبو …, أم …), a title, or a common given name, with the following name words.
        rule(
            "PERSON",
            rf"(?<![\u0621-\u064A])(?:و|ب|ل|وب|ول|ف)?(?:أبو|أبي|أبا|أم|ابن|بنت|ابو|ابي|ابا|ام|إبن)"
            rf"\s+(?!(?:{_AR_STOP})(?![\u0621-\u064A])){ARW}{_AR_NEXT}?",  # "وأبي من …" is "and my father from"
            0.85,
        ),
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:{_AR_TITLES}){_AR_NEXT}{{1,3}}", 0.75),
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:{_AR_GIVEN})(?![\u0621-\u064A]){_AR_NEXT}{{0,3}}", 0.6),
        # "Abd al-…" names are names whatever follows (عبد الستار، عبد الجليل الدليمي).
        rule("PERSON", rf"(?<![\u0621-\u064A])(?:و|ب|ل)?عبد\s?ال{ARW}{_AR_NEXT}{{0,2}}", 0.7),
        # Animal nicknames with the article (الصقر، الذيب): a man is called so, an animal is seldom a subject.
        rule(
            "PERSON",
            r"(?<![\u0621-\u064A])(?:و|ب|ل)?(?:الصقر|النسر|الذيب|الذئب|الأسد|الاسد|الثعلب|النمر|الفهد|العقرب|الشبح)"
            r"(?![\u0621-\u064A])",
            0.5,
        ),
        rule(
            "PERSON",
            rf"(?:ينادونه|ينادونها|ينادونني|يدعى|تدعى|اسمه|اسمها|اسمي|لقبه|لقبها)(?P<m>{_AR_NEXT}{{1,2}})",
            0.6,
        ),
    ]


TITLE_WORDS = frozenset(re.split(r"\|", _TITLES.replace("\\", ""))) | frozenset(_AR_TITLES.split("|"))
