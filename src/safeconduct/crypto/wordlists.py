"""The word lists codenames are drawn from, with the charged words taken out.

A codename is read aloud, written on paper, learnt by heart by someone leaving an armed group. Drawing
"fascism" or "expulsion" for them is at best a shock and at worst a word that a searcher notices. So each
list drops words of violence, weapons, war, death, captivity, religion, politics, crime, drugs, sex, insults
and illness; the tests check that no such word is left and that seven words still carry ≥ 90 bits.

* English: the EFF long list (7,776 words, shipped by `xkcdpass`) minus the words in `CHARGED_EN`, picked
  by hand from the candidates that a broad stem search (violence, religion, politics, ...) found in it.
* French: the `fr-freelang` list of common French words shipped by `xkcdpass` (22,739 words), keeping lower-case
  words of 3 to 10 letters (no names, no hyphens or apostrophes), one spelling per word once accents are
  ignored (the person may type without them), and no word that starts with a stem in `CHARGED_FR`. French
  inflects, so a stem covers a family ("tu" would be too short; "tuer", "tué" are listed).
* Arabic: no list of common, neutral Arabic words ships with a package this project may use, and curating
  7,776 by hand is not work to do without native reviewers. Arabic readers are offered digits in their own
  numerals instead (see `codename.STYLES`); an Arabic list can be added here as a file when one is reviewed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

#: Charged words of the EFF long list (English), removed from it.
CHARGED_EN = frozenset("""
afraid agony ambush armed armored armory army arrest arson avenge backstab banish battle blaspheme blasphemy
bribe bullfight bullwhip bully cannon captive captivity cardinal carnage casket casualty catfight chokehold
clergyman coerce confess congress crook crusader cruelly cruelness cruelty curse dagger deacon deceased
defraud deity demise deport detonate detonator dictator disgrace disown divinely doctrine drown dynamite
embattled emperor enrage enslave entomb entrench evict evil exile expel explode expulsion extortion famine
fascism flogging gallows gangrene gore graves graveyard grief handcuff handgun hatchet hate humiliate hunter
hunting huntress huntsman imprison jailbird jailbreak jailer jailhouse karma landmine maimed manhunt monkhood
mortality mortally mourner mournful mutilated mutilator navy nuclear occultist occupier occupy opium oppressed
oppressor outcast outrage overkill pagan pastor patriot penalize penalty persecute plunder poison police pope
prayer praying preacher preaching preachy predator president prison punch punisher pureblood purgatory purge
racism radiation rage raider ravage rebel reburial regime retaliate revenge revolt riot rocket sabotage
sacred sacrifice saint savage scalping scorch senate senator sermon shrapnel shrine sinister skeletal
skeleton slain smother smuggler smuggling snitch spiritual starved starving strangle sufferer suffering
supremacy surrender thieving thievish threaten tragedy traitor trapped treason trench unarmored undead
ungodly unholy vengeful venomous verdict widow worshiper wound wrath wreckage zealous zombie
""".split())

#: Stems of charged French words: a word starting with one of them is left out (accents ignored).
CHARGED_FR = tuple("""
abattoir abattre abattu abus accus adult agress alcool allah ambassad amput anarch ange apocal arme armé
armee arrest asile assass assaut atroc attaqu attentat aumon autel avort baion balle bapt barbar batail
battre battu bible blasph bless blind bomb bordel bouddh bourreau brutal brule brûl butin cadav calvair
canon captif captiv capitul carabin cardinal carnage cartouch catastro cathedr cathol chapel chapelet
 chatie chatim chrét chret christ cible cimet clerg coca cocu colonel colonis commando communis
complot condamn  conquer conquet conquêt conspir corrompu corrupt couteau crach crane crâne  crim
crois crucif cruel    cyanure dague damn danger deces décès decapit defunt défunt démon demon
deport dépouil dépouill detenu détenu detruire détruire devast diab dieu dictat diplomat djihad drogu
egorg égorg eglise église election électeur electeur elu élu embusc emeute émeute empoison empri ennemi
enterr esclav espion etrangl étrangl eveq évêq evangil évangil execut exil expuls exterm facho fanat fascis
fatal  fesse fétich fetich  fleau fléau fouet fousill fusil fusill gaz genoc génoc gibet gouvern
grenad guerr guillot haine hair haïr hérés heres heroïn heroin homicid hooligan hostil idole idiot imam
incend infern infid inject injur insult insurg invas islam jesus jésus jihad juif juive kidnap laïc laic
lapid libéral liberal   mafia malad maléd maled massacr martyr menac merde meurtr militair milic
minist  mitrail moine mort mosqu munition musulm nazi noyé noye noyer obus occup opium oppress orphel
otage paien païen pape parlem  patrie patriot peché péché pendai pendu penit pénit pistol  poison
police polit pogrom poudr prêtre pretre prier priere prière prison proph prostit pute putain racis radical
rafle rançon rancon rapt rebel rebell recrut réfug refug relig représ repres république republique revolt
révolt  royal sacré sacre sacrif saint salaud salop sang satan secte  séquestr sequestr sexe sexu
siège siege soldat stupid suicid sultan supplic taliban terror  torture traître traitre trahi tribu
troupe tuer tué tue tueur tuerie tyran vampir vengeance  voleur vomi zizi
missile poignard partisan creve crevé violenc violent violer violé violeur ideolog idéolog nation
presiden présiden penis pénis vagin ensevel barricad crapul hysteri hystéri resist résist allié allie joug
convert perfid cogn frapp gifl voler drapeau frontier frontièr manifest greve grève syndic senat sénat
deput déput revolution révolution emir émir calif khalif cheikh mufti fatwa chari menott interrog aveu
fosse tombe tombeau tombal cercueil funer funér deuil veuv cadavre crétin cretin imbécil imbecil débil
debil abruti pétass petass garce bâtard batard negr nègr bougnoul youpin pédé pede gouine tapette ordure
pourri encul bite couill cannabis haschi ivre ivrogn porno sionis zionis capitalis socialis kalach
peste asphyx desamorc désamorc mobilis detrui détrui democra démocra estropi bagarr apotre apôtr deshonn
déshonn liturg orthodox saccag exhum racial integris intégris obedien obédien complic shoot rapatri abjur
ulcer marocain algerie algérie algerien algérien tunisi libye libyen syrie syrien irak iraq kurde turc
afghan pakistan iran israel israél palestin liban egypt égypt saoud yemen yémen soudan somali niger malien
russe russie americ améric chinois sahel sahara
""".split())

#: Short charged French words that would take too many neutral words with them as stems; left out exactly.
CHARGED_FR_WORDS = frozenset("""
con conne connard connasse char cul curé feu tir tirer roi sein faux parti viol coup lance vol fou
race races soûl soul mali
""".split())


def fold(word: str) -> str:
    """A word as typed without accents: "élève" → "eleve", "cœur" → "coeur"."""
    decomposed = unicodedata.normalize("NFD", word.replace("œ", "oe").replace("æ", "ae"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def english() -> tuple[str, ...]:
    """The EFF long list without its charged words."""
    text = resources.files("xkcdpass").joinpath("static/eff-long").read_text(encoding="utf-8")
    return tuple(sorted({w.strip() for w in text.split() if w.strip()} - CHARGED_EN))


_FRENCH_WORD = re.compile(r"^[a-zàâæçéèêëîïôœùûüÿ]{3,10}$")


@functools.cache
def _charged_fr() -> tuple[str, ...]:
    return tuple(sorted({fold(stem) for stem in CHARGED_FR}))


def charged_french(word: str) -> bool:
    """Whether `word` starts with one of the charged stems (accents ignored)."""
    folded = fold(word)
    return folded in {fold(w) for w in CHARGED_FR_WORDS} or folded.startswith(_charged_fr())


@functools.cache
def french() -> tuple[str, ...]:
    """Common French words, one spelling per accent-free form, no charged word."""
    text = resources.files("xkcdpass").joinpath("static/fr-freelang").read_text(encoding="utf-8-sig")
    chosen: dict[str, str] = {}
    for word in sorted({w.strip() for w in text.splitlines()}, key=lambda w: (len(w), w)):
        if _FRENCH_WORD.match(word) and not charged_french(word):
            chosen.setdefault(fold(word), word)
    return tuple(sorted(chosen.values()))
