"""The safe-list name pass (the method of Philter: Norgeot et al., "Protected Health Information filter (Philter):
accurately and securely de-identifying free-text clinical notes", npj Digit. Med. 3, 57 (2020)): a word that is
not in a vocabulary of English and clinical words is treated as a person name (HIPAA Safe Harbor identifier (A),
45 CFR 164.514(b)(2)(i)(A)) when it is capitalised in running text or sits in a name context.

The vocabulary (built once per process, ``load_vocabulary``) is the union of
- Philter's own safe list ("nonames": English and clinical words with names removed, UCSF, BSD-3-Clause),
  shipped by the pinned ``philter-lite`` package;
- every English word with a Zipf frequency >= ``COMMON_ZIPF`` in the pinned ``wordfreq`` list;
- drug names and brands (DrugBank, MeSH, MedlinePlus) shipped by the pinned ``drug-named-entity-recognition``
  package, and the project's clinical word lists (``deid.vocab``) and ``CLINICAL_SUPPLEMENT`` below;
- words built from standard Greek/Latin medical affixes and WHO INN drug stems (``MED_AFFIX_RE``).

Name-dominant words: a 1990 US Census first name or surname (``deid.gazetteer``) whose share of the population as a
name is at least ``NAME_DOMINANCE`` times its frequency as an English word ("hank", "rose", "brown", "nguyen"; not
"will", "may", "hope") is a known word but not a *safe* one: capitalised inside a sentence it is a name. Clinical
words (drugs, eponyms, US states, months, ``PROTECTED_WORDS``) are never name-dominant.

Where "capitalised" applies (``find_safelist_names``): a Title-case word inside a sentence that is not safe, or a
Title-case word at the start of a sentence, line, list item or field value that is not known at all. ALL-CAPS
words (headers, abbreviations) and lower-case words count only in name contexts (``names.py``). A word followed by
an eponym noun ("Parkinson's disease", "Foley catheter") or by a dose ("Entresto 49/51 mg") is never a name.
Fails closed (``DeidError``) when a source package or file is missing or truncated.
"""
from __future__ import annotations

import bisect
import bz2
import functools
import importlib.util
import math
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeidError
from ..gazetteer import load_gazetteers, name_shares
from ..vocab import (APPLICATION_SITES, BODY_SITES, CALENDAR_WORDS, CLINICAL_TERMS, COLOUR_WORDS, COUNTRIES, CREDENTIALS,
                     EPONYM_FOLLOWERS, FLUID_WORDS, NOT_NAME_WORDS, TITLE_WORDS, US_STATES)
from .spans import Candidate

COMMON_ZIPF = 3.0
NAME_DOMINANCE = 4.0
STRONG_NAME_DOMINANCE = 50.0
SAFELIST_PACKAGE = "philter_lite"
DRUG_PACKAGE = "drug_named_entity_recognition"
WORDLIST_PACKAGE = "wordfreq"

# Greek/Latin medical affixes and WHO INN stems ("The use of stems in the selection of INN", WHO 2018): clinical
# words that general word lists miss ("hypokinesis", "cardiomegaly", "empagliflozin").
_MED_SUFFIX = (
    "itis|emia|aemia|osis|ectomy|otomy|ostomy|oscopy|plasty|graphy|gram|pathy|algia|megaly|penia|cytosis|uria|"
    "trophy|plegia|paresis|rrhea|rrhage|lysis|stasis|genic|ectasia|spasm|phagia|phasia|pnea|kinesis|kalemia|"
    "natremia|calcemia|glycemia|lipidemia|ology|ologist|oma|omas|"
    "olol|alol|ilol|pril|sartan|statin|parin|xaban|gatran|grel|dipine|afil|azole|cillin|mycin|micin|floxacin|"
    "cycline|vir|mab|nib|tide|gliflozin|gliptin|glitazone|profen|fenac|coxib|caine|dronate|lukast|setron|prazole|"
    "tidine|semide|thiazide|tropium|terol|olone|asone|onide|zepam|zolam|barbital|oxetine|triptyline|pramine|"
    "triptan|peridol|apine|idone|oxacin|stigmine|curonium|fibrate|teplase|kinase|ercept|poetin|grastim|pressin|"
    "farin|tiazem|thyroxine")
_MED_PREFIX = (
    "cardi|hepat|nephr|neur|gastr|pulmon|pneum|hemat|haemat|arteri|thromb|embol|cerebr|crani|lymph|leuk|erythr|"
    "electro|esophag|laryng|trache|bronch|ophthalm|encephal|ventricul|aort|myocard|pericard|endocard|hyper|hypo|"
    "tachy|brady|dys")
MED_AFFIX_RE = re.compile(rf"[a-z]{{3,}}(?:{_MED_SUFFIX})|(?:{_MED_PREFIX})[a-z]{{4,}}")

# Clinical abbreviations, devices and brands that the sources above rank low or miss.
CLINICAL_SUPPLEMENT = frozenset("""
tapse lvot lvedd lvesd lvidd rvsp hfref hfpef hfmref tavr tavi savr mitraclip watchman impella ecmo iabp lvad
crrt cvvh cvvhd picc ptca pcwp svr nstemi stemi nyha cha2ds2 hasbled tele trop lytes bmp cmp cbc abg vbg inr ptt
nkda nka perrla perrl eomi ctab rrr wnl nad nontender nondistended afebrile diaphoretic normocephalic atraumatic
anicteric supple euvolemic rhonchi rales crackles wheezes orthopnea presyncope stented edematous tachypneic
ambulating ambulates ambulatory dispo meds vitals labs prn bid tid qid qhs qd qod po npo iv im sq subq
medicare medicaid tricare aetna cigna humana anthem kaiser bcbs wellcare molina centene ambetter optum highmark
amerigroup unitedhealthcare epic cerner meditech pyxis omnicell lexiscan cardiolite myoview definity optison
carevue metavision aline artline suct suctioned sxn sxd conts contd drng drg dsg dsgs dsd serosang serosanguinous
integ eval afeb vss mae tol gtt gtts abx ngt ogt lcws lis cdi ivf prbc prbcs ffp tfs ivpb pca kvo tko hob oob
cont cath caths swan aline alines neuro resp endo heme nsg npn micu sicu csru ccu tsicu cvicu
""".split())

# English words that are also common census names but are clinical or demographic descriptors in notes.
PROTECTED_WORDS = frozenset("""
white black young grace bell gross colon rash chin cheek heel tan sheets scales stamps sharp rush mobility
""".split())


@dataclass(frozen=True)
class Vocabulary:
    """Lower-case, accent-folded word sets: ``known`` (every English or clinical word), ``name_dominant`` (census
    names used far more as names than as words; known but not safe), ``strong_names`` (name-dominant by a factor of
    ``STRONG_NAME_DOMINANCE``: names even at the start of a sentence), ``clinical`` (never names outside a name
    context), ``first_names`` / ``surnames`` (1990 US Census)."""
    known: frozenset[str]
    name_dominant: frozenset[str]
    strong_names: frozenset[str]
    clinical: frozenset[str]
    first_names: frozenset[str]
    surnames: frozenset[str]


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DeidError(f"safe-list vocabulary package '{package}' is not installed; install the pinned version from "
                        "requirements.lock")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.is_file():
        raise DeidError(f"safe-list vocabulary file '{relative}' is missing from package '{package}'; reinstall it")
    return path


_QUOTED_RE = re.compile(r'"([^"\\]*)"')


def _philter_safe_list() -> frozenset[str]:
    """Philter's "nonames" safe list from ``philter_lite/filters/set.toml`` (read without a TOML parser: the array
    holds only plain quoted words)."""
    text = _package_file(SAFELIST_PACKAGE, "filters/set.toml").read_text(encoding="utf-8")
    m = re.search(r"^nonames\s*=\s*\[(.*?)\]\s*$", text, re.M | re.S)
    words = frozenset(w.lower() for w in _QUOTED_RE.findall(m.group(1)) if w.isalpha()) if m else frozenset()
    if len(words) < 100_000:
        raise DeidError(f"Philter safe list in '{SAFELIST_PACKAGE}' has {len(words)} words (expected > 100,000); "
                        "reinstall the pinned package")
    return words


def _drug_words() -> frozenset[str]:
    """One-word drug names and brands of ``drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2``."""
    path = _package_file(DRUG_PACKAGE, "drug_ner_dictionary.pkl.bz2")
    with bz2.open(path, "rb") as fh:
        data = pickle.load(fh)  # the pinned package's own data file, as the package itself loads it
    variants = data.get("drug_variant_to_canonical", {}) if isinstance(data, dict) else {}
    words = frozenset(w for w in variants if isinstance(w, str) and len(w) >= 3 and w.isalpha())
    if len(words) < 10_000:
        raise DeidError(f"drug dictionary in '{DRUG_PACKAGE}' has {len(words)} one-word names (expected > 10,000); "
                        "reinstall the pinned package")
    return words


def _english() -> dict[str, float]:
    _package_file(WORDLIST_PACKAGE, "__init__.py")
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en", wordlist="large")
    if len(freqs) < 100_000:
        raise DeidError(f"wordfreq English list has {len(freqs)} words (expected > 100,000); reinstall 'wordfreq'")
    return freqs


def _project_clinical_words() -> frozenset[str]:
    from .ner import NER_COMMON_STARTERS, NER_HEADER_WORDS

    words = set(CLINICAL_SUPPLEMENT) | PROTECTED_WORDS | NER_HEADER_WORDS | NER_COMMON_STARTERS
    for group in (CLINICAL_TERMS, CREDENTIALS, EPONYM_FOLLOWERS, CALENDAR_WORDS, US_STATES, COUNTRIES, TITLE_WORDS,
                  NOT_NAME_WORDS):
        for term in group:
            words.update(p for p in re.split(r"[^a-z]+", term.lower()) if len(p) >= 2)
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The safe-list vocabulary (see the module docstring); built once per process (about 2 s)."""
    freqs = _english()
    floor = 10 ** (COMMON_ZIPF - 9)
    english = {w for w, f in freqs.items() if f >= floor and w.isalpha()}
    first_names, surnames = load_gazetteers()
    drugs = _drug_words()
    # a drug brand that is also a census first name ("Heather", "Camila" are contraceptives) stays a name candidate
    clinical = (_project_clinical_words() | {w for w in drugs if w not in first_names}) - {""}
    known = frozenset(_philter_safe_list() | english | drugs | clinical)
    shares = name_shares()
    dominant = frozenset(w for w, share in shares.items()
                         if share >= NAME_DOMINANCE * freqs.get(w, 0.0) and w not in clinical)
    strong = frozenset(w for w in dominant if shares[w] >= STRONG_NAME_DOMINANCE * freqs.get(w, 0.0))
    return Vocabulary(known=known, name_dominant=dominant, strong_names=strong, clinical=frozenset(clinical),
                      first_names=first_names, surnames=surnames)


def safelist_identity() -> dict[str, str]:
    """Sources and size of the safe-list vocabulary, for the de-identification report (no words, counts only).
    Builds the vocabulary, so it also fails closed on a missing source."""
    from importlib.metadata import version

    v = load_vocabulary()
    return {"packages": ", ".join(f"{dist} {version(dist)}" for dist in
                                  ("philter-lite", "wordfreq", "drug-named-entity-recognition", "names")),
            "common_zipf": str(COMMON_ZIPF), "name_dominance": str(NAME_DOMINANCE), "known_words": str(len(v.known)),
            "name_dominant_words": str(len(v.name_dominant)),
            "source": "Philter safe list (UCSF), wordfreq English, DrugBank/MeSH/MedlinePlus drug names, "
                      "1990 US Census name lists"}


def _fold(word: str) -> str:
    w = word.lower().strip("'.-")
    if w.endswith("'s"):
        w = w[:-2]
    return w


def is_known_word(word: str) -> bool:
    """True when ``word`` (any case, possessive stripped) is an English or clinical word, name-dominant or not.
    A hyphenated word is known when every part is."""
    w = _fold(word)
    if not w:
        return True
    v = load_vocabulary()
    if w in v.known or (len(w) >= 6 and MED_AFFIX_RE.fullmatch(w)):
        return True
    parts = [p for p in w.split("-") if p]
    if len(parts) > 1:
        return all(p in v.known for p in parts)
    return _derived_word(w, v) or (bool(_SIDED_SITE_RE.fullmatch(w)) and w not in v.first_names and w not in v.surnames)


# a side letter glued to a body site in bedside shorthand: "Lheel", "Rwrist", "ltarm", "RtFA" (left heel ...)
_SIDED_SITE_RE = re.compile(r"(?:l|r|lt|rt|b|bil|bilat)(?:" + "|".join(sorted(BODY_SITES, key=len, reverse=True)) + ")")


_SUFFIXES = ("ing", "ed", "es", "s", "d", "ly", "er", "ers", "ness", "ment", "ments")
_PREFIXES = ("co", "re", "un", "non", "pre", "post", "anti", "sub", "over", "under", "inter", "intra", "semi",
             "multi", "mis", "dis", "de", "self")


def _derived_word(w: str, v: Vocabulary) -> bool:
    """An inflected or prefixed form of a known word that is not itself a census name: "cosigned", "rechecked",
    "nonsmoker" (Philter's list holds few derived forms)."""
    if len(w) < 6 or w in v.first_names or w in v.surnames:
        return False
    stems = [w[:-len(x)] for x in _SUFFIXES if w.endswith(x)] + [w]
    for stem in stems:
        if len(stem) >= 4 and stem != w and (stem in v.known or stem + "e" in v.known):
            return True
        if len(stem) == 3 and w.endswith(("ing", "ed")) and word_zipf(w) >= 2.0 and word_zipf(stem + "e") >= 2.5 and (
                stem + "e" not in v.first_names and stem + "e" not in v.surnames):
            return True  # "dozing", "dozed": a rarer verb (doze) with its final e dropped
        for pre in _PREFIXES:
            rest = stem[len(pre):]
            if stem.startswith(pre) and len(rest) >= 4 and (rest in v.known or rest + "e" in v.known) and (
                    rest not in v.surnames and rest not in v.first_names):
                return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MISSPELLING_MIN_LEN = 5
TYPO_ANY_EDIT_LEN = 8


@functools.lru_cache(maxsize=65536)
def is_misspelled_word(word: str) -> bool:
    """True when ``word`` is not a known word nor a census name but one edit (a letter dropped, added, changed or
    two neighbours swapped; Damerau 1964) away from a safe word of at least ``MISSPELLING_MIN_LEN`` letters:
    "recieved", "Encourgae", "occassional", "neice". Short words are names too often to allow every edit: from 5
    letters only a swap counts, from 6 a doubled or undoubled letter, from ``TYPO_ANY_EDIT_LEN`` any edit. Notes typed at the bedside are full of such typos; a typo of
    an English or clinical word is not a person name. Census names are never typos ("Smyth" stays a name)."""
    w = _fold(word)
    if _TRIPLED_RE.search(w) and w.isalpha() and not is_known_word(w) and (
            is_known_word(_TRIPLED_RE.sub(r"\1", w)) or is_known_word(_TRIPLED_RE.sub(r"\1\1", w))):
        return True  # a key held down: "Lassst", "soooo", "stilll" (no name has a letter three times in a row)
    if len(w) < MISSPELLING_MIN_LEN or not w.isalpha() or is_known_word(w) or is_census_name(w):
        return False
    if w.endswith("s") and is_census_name(w[:-1]):
        return False  # a family name in the plural ("the Schafers")
    v = load_vocabulary()

    def safe(c: str) -> bool:
        return (len(c) >= MISSPELLING_MIN_LEN and c in v.known and c not in v.name_dominant
                and c not in v.first_names and c not in v.surnames)

    n = len(w)
    for i in range(n - 1):  # two neighbours swapped: "recieved"
        if w[i] != w[i + 1] and safe(w[:i] + w[i + 1] + w[i] + w[i + 2:]):
            return True
    if n < 6:
        return False
    for i in range(n):  # a doubled letter typed once or a letter doubled: "ocasional", "aggitate"
        if i + 1 < n and w[i] == w[i + 1] and safe(w[:i] + w[i + 1:]):
            return True
        if safe(w[:i + 1] + w[i] + w[i + 1:]):
            return True
    if n < TYPO_ANY_EDIT_LEN:
        return False
    for i in range(n):  # any letter dropped, changed or added in a long word: "Oxacilin", "quesitons"
        if safe(w[:i] + w[i + 1:]) or any(ch != w[i] and safe(w[:i] + ch + w[i + 1:]) for ch in _LETTERS):
            return True
    return any(safe(w[:i] + ch + w[i:]) for i in range(n + 1) for ch in _LETTERS)


_TRIPLED_RE = re.compile(r"([a-z])\1{2,}")
NEAR_WORD_ZIPF = 3.5  # a typo is one edit from an everyday word, not from a rare one ("kargas" is not "argas")


def _one_edit_from(lw: str, target) -> bool:
    """Is ``lw`` one edit (a letter dropped, added, changed, or two neighbours swapped; Damerau 1964) from a word
    that ``target`` accepts?"""
    n = len(lw)
    if any(lw[i] != lw[i + 1] and target(lw[:i] + lw[i + 1] + lw[i] + lw[i + 2:]) for i in range(n - 1)):
        return True
    if any(target(lw[:i] + lw[i + 1:]) or any(target(lw[:i] + c + lw[i + 1:]) for c in _LETTERS) for i in range(n)):
        return True
    return any(target(lw[:i] + c + lw[i:]) for i in range(n + 1) for c in _LETTERS)


@functools.lru_cache(maxsize=65536)
def near_safe_word(w: str) -> bool:
    """One edit from an everyday safe word of 5+ letters (Zipf >= ``NEAR_WORD_ZIPF``) that is no census name:
    "chesk", "minmal", "protcol". Bedside notes are full of such typos; ``is_misspelled_word`` allows only some
    edits to short words, this is for words in a weak name context or none."""
    lw = w.lower()
    if len(lw) < 5 or not lw.isalpha():
        return False
    v = load_vocabulary()
    return _one_edit_from(lw, lambda c: len(c) >= 5 and c in v.known and c not in v.name_dominant
                          and c not in v.first_names and c not in v.surnames and word_zipf(c) >= NEAR_WORD_ZIPF)


@functools.lru_cache(maxsize=65536)
def near_clinical_word(w: str) -> bool:
    """A word of 6+ letters one edit from a clinical word (drug, device, clinical term) that is no census first
    name: "Fetanyl", "Loxenox", "Natrcor", "Dopple" (shorter words are too often names: "Sahin" is not "sarin")."""
    lw = w.lower()
    if len(lw) < 6 or not lw.isalpha():
        return False
    v = load_vocabulary()
    return _one_edit_from(lw, lambda c: len(c) >= 5 and c in v.clinical and c not in v.first_names)


FUNCTION_WORD_ZIPF = 5.5  # "then", "with", "that", "from": a four-letter swap only of words this common


def swapped_common_word(w: str) -> bool:
    """Two neighbouring letters swapped in an everyday word, even when the result is a rare census surname:
    "Neice" (niece), "Remians" (remains); in four letters only of the commonest words: "tehn" (then)."""
    lw = w.lower()
    if len(lw) < 4 or not lw.isalpha():
        return False
    v = load_vocabulary()
    floor = NEAR_WORD_ZIPF if len(lw) >= 5 else FUNCTION_WORD_ZIPF  # four letters: "tehn" (then), "whit" (with)
    return any(lw[i] != lw[i + 1] and (c := lw[:i] + lw[i + 1] + lw[i] + lw[i + 2:]) in v.known
               and c not in v.name_dominant and c not in v.first_names and word_zipf(c) >= floor
               for i in range(len(lw) - 1))


def compound_of_known(w: str) -> bool:
    """Two known non-name words written as one ("bloodtinged", "sideport", "catscan"): not a name."""
    lw = w.lower()
    v = load_vocabulary()
    if len(lw) < 7 or not lw.isalpha():
        return False
    return any(lw[:i] in v.known and lw[i:] in v.known and lw[:i] not in v.name_dominant
               and lw[i:] not in v.name_dominant for i in range(3, len(lw) - 3))


def is_safe_word(word: str) -> bool:
    """True when ``word`` is known and not name-dominant: what the safe-list pass never calls a name."""
    w = _fold(word)
    if w in load_vocabulary().name_dominant:
        return False
    if "-" in w:
        return all(is_safe_word(p) for p in w.split("-") if p)
    return is_known_word(w)


def is_clinical_word(word: str) -> bool:
    """Drug names, clinical terms, eponyms, US states, calendar words and affix-built medical words."""
    w = _fold(word)
    if "-" in w:
        return all(is_clinical_word(p) for p in w.split("-") if p)
    return w in load_vocabulary().clinical or (len(w) >= 6 and bool(MED_AFFIX_RE.fullmatch(w)))


def is_census_name(word: str) -> bool:
    v = load_vocabulary()
    w = _fold(word)
    return w in v.first_names or w in v.surnames


@functools.lru_cache(maxsize=131072)
def word_zipf(word: str) -> float:
    """Zipf frequency of ``word`` in the wordfreq English list (0 when absent)."""
    f = _english().get(word.lower(), 0.0)
    return math.log10(f) + 9 if f > 0 else 0.0


# Title-case words: "Okafor", "O'Brien", "McKenna", "Bello-Okonkwo"; not camel case ("MitraClip"), not e-mail or
# path parts, not words glued to digits.
TITLE_WORD_RE = re.compile(
    r"(?<![\w@/\\.'-])(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?![A-Za-z0-9@/\\]|-[A-Za-z]|'(?!s\b)[A-Za-z]|\.\w)")
# What precedes a sentence-, line-, list- or field-initial word (on the same line).
_INITIAL_BEFORE_RE = re.compile(r"(?:^|[.!?:;|>*#=\"(\[{•·-]|\d[.)]|\b[a-z][.)])[ \t]*$")
_DOSE_AFTER_RE = re.compile(
    r"(?:'s)?[ \t]*(?:\(|XR|ER|SR|XL|CR|HCT|\d+(?:[.,/]\d+)*[ \t]*(?:mg|mcg|g|gm|units?|u|ml|mL|meq|mEq|%|tabs?|"
    r"caps?|puffs?|drops?|mg/kg|mcg/kg|mg/ml|mg/mL)\b)", re.I)
_NUMBER_AFTER_RE = re.compile(r"[ \t]?#?\d")
# a feed, drip or dose given at a rate or a count: "Ultracal at 10cc/hr", "Criticare @ 40/hr", "Mgsulfate x1"
_RATE_AFTER_RE = re.compile(
    r"(?:[ \t]+[A-Z]{1,3})?[ \t]*(?:(?:infusing[ \t]+)?at|@|up[ \t]+to|to)?[ \t]*\d+(?:\.\d+)?[ \t]*"
    r"(?:cc|ml|mL|mcg|mg|u|units?)?[ \t]*/[ \t]*(?:h|hr|hour|kg)\b|[ \t]*x[ \t]?\d\b"
    r"|[ \t]*(?:at|@)[ \t]*\d+(?:\.\d+)?[ \t]*(?:cc|ml|mcg|mg|u|units?|l|lpm|%)(?![A-Za-z])", re.I)
# a setting or reading written right after its label: "Itime 1.7", "Svo 0.72" (a dotted date is no reading)
_READING_AFTER_RE = re.compile(r"[ \t]*:?[ \t]*\d{1,3}\.\d{1,2}(?![\d.])")
# What is said of a drug, feed, dressing or device and not of a person: what follows it ("Coum held", "Criticaid
# applied", "Fent boluses", "Flexiseal in place") or the administration verb before it ("restart Coum", "sedated on
# Midaz", "titrate Neo"). "received" is left out: "Received Ayse from night RN" is a hand-off of the patient. A
# negation or history cue before a word makes it a finding ("no further Thrush", "hx of Sob", "r/o Cdiff").
_THING_AFTER_RE = re.compile(
    r"(?:'s)?[ \t]+(?:gtts?|drips?|infusions?|bolus(?:es|ed)?|levels?|troughs?|doses?|given|applied|started|restarted"
    r"|resumed|held|increased|decreased|titrated|weaned|infusing|running|dc'?d|d/c'?d|discontinued|changed|removed"
    r"|placed|inserted|in[ \t]+place|intact|administered|tabs?|nebs?|patch|dressing|drsg|dsg|cath|catheter|insertion"
    r"|placement|site)\b"
    r"|[ \t]+to[ \t]+(?:the[ \t]+|both[ \t]+)?(?:(?:l|r|lt|rt|left|right|bil|bilat|bilateral)\.?[ \t]*)?(?:"
    + "|".join(sorted(APPLICATION_SITES, key=len, reverse=True)) + r")\b", re.I)
_THING_BEFORE_RE = re.compile(
    r"\b(?:restart(?:ed)?|start(?:ed)?|resumed?|wearing|continued?|given|gave|giving|held|hold|titrat(?:e|ed|ing)"
    r"|wean(?:ed|ing)?|increased?|decreased?|d/?c'?d?|(?:sedated|started|remains?|maintained|placed|kept|restarted"
    r"|continued)[ \t]+on"
    r"|no(?:[ \t]+(?:further|more|new|acute|obvious|apparent))?|denies|denied|without|w/o|neg(?:ative)?[ \t]+for|(?:signs|s/s|hx|h/o|history|evidence)[ \t]+of|r/o"
    r"|rule[ \t]+out)[ \t]+\Z", re.I)


def in_thing_context(text: str, start: int, end: int) -> bool:
    """True when the word ``text[start:end]`` is given, held, titrated, applied or in place, or follows an
    administration verb: a drug, feed, dressing or device ("Coum held", "restart Coum"), not a person."""
    return bool(_THING_AFTER_RE.match(text, end) or _THING_BEFORE_RE.search(text[max(0, start - 32):start]))


_LIST_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z0-9]*)[ \t]*(?:[,/+&]|[ \t](?i:and|or))[ \t]*$")
_LIST_AFTER_RE = re.compile(r"[ \t]*(?:[,/+&]|(?i:and|or)[ \t])[ \t]*([A-Za-z][A-Za-z0-9]*)")


def in_drug_list(text: str, start: int, end: int) -> bool:
    """A word in a list next to a drug or clinical word, or a drug name cut short: "on Zosyn, Vanko, Flagyl",
    "Vaco and Levo", "Vano, Ceftaz"."""
    before = _LIST_BEFORE_RE.search(text, max(0, start - 24), start)
    after = _LIST_AFTER_RE.match(text, end)
    return any(m and len(m.group(1)) >= 3 and (is_clinical_word(m.group(1)) or clipped_clinical_word(m.group(1)))
               for m in (before, after))


@functools.lru_cache(maxsize=1)
def _sorted_clinical() -> tuple[str, ...]:
    return tuple(sorted(load_vocabulary().clinical))


@functools.lru_cache(maxsize=65536)
def clipped_clinical_word(word: str) -> bool:
    """A drug or clinical word cut short, as bedside notes write them ("Ceftaz", "Midaz", "Vanc"): 4 to 7 letters,
    no everyday English word ("time") nor census name, the start of a clinical word at least two letters longer.
    Alone it is no evidence (many short names start a drug name too); it counts next to other drug words."""
    lw = word.lower()
    if not 4 <= len(lw) <= 7 or not lw.isalpha() or is_census_name(lw) or word_zipf(lw) >= COMMON_ZIPF:
        return False
    words = _sorted_clinical()
    i = bisect.bisect_left(words, lw)
    while i < len(words) and words[i].startswith(lw):
        if len(words[i]) >= len(lw) + 2:
            return True
        i += 1
    return False
_FOLLOWER_RE = re.compile(r"(?:'s|'|s')?[ \t]*-?[ \t]*(?:[A-Z]{1,3}[ \t]+)?([a-z]+)", re.I)
# Nouns that follow an eponym or brand naming a device, test, stage or product ("Hoyer lift", "Kerley B lines",
# "Tanner stage", "Amsler grid", "Zio patch"), beside the shared eponym nouns of ``deid.vocab``.
DEVICE_NOUNS = frozenset("""
stage stages staging line lines lift grid patch nail boot boots injector inhaler stockings hose mask valve shunt
stent device pouch bag splint brace collar frame cast chart screen screening sling pessary ring pump needle clamp
drain forceps retractor tube tubes cream lotion ointment drops spray kit booster vaccine prosthesis implant
""".split())


def starts_sentence(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, line, list item or field value."""
    return _starts_sentence(text, start)


def _starts_sentence(text: str, start: int) -> bool:
    lo = text.rfind("\n", 0, start) + 1
    return bool(_INITIAL_BEFORE_RE.search(text[max(lo, start - 12):start]))


def followed_by_eponym_noun(text: str, end: int) -> bool:
    """'Parkinson's disease', 'Foley catheter', 'Wernicke encephalopathy': the word names a disease, sign or device
    (an eponym noun, or a medical word built from Greek/Latin affixes follows), not a person."""
    m = _FOLLOWER_RE.match(text, end, min(len(text), end + 32))
    if not m:
        return False
    nxt = m.group(1).lower()
    return (nxt in EPONYM_FOLLOWERS or nxt in DEVICE_NOUNS
            or (m.group(1).islower() and len(nxt) >= 6 and bool(MED_AFFIX_RE.fullmatch(nxt))))


_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)[ \t]*(?:[,:/-]|[ \t](?i:to|and|or|with))?[ \t]*\Z")
_WORD_AFTER_RE = re.compile(r"[ \t]*[/-]?[ \t]*([A-Za-z]+)")


def colour_of_fluid(text: str, start: int, end: int) -> bool:
    """A colour word said of a body fluid, drain or skin, or next to another colour: "urine Amber", "Brown stool",
    "Green-tinged", "Tan/Yellow secretions", "drain with Rose tinged", "amber to Brown" ("Brown", "Amber", "Rose"
    are census names too)."""
    if _fold(text[start:end]) not in COLOUR_WORDS:
        return False
    before = _WORD_BEFORE_RE.search(text[max(0, start - 24):start])
    after = _WORD_AFTER_RE.match(text, end, min(len(text), end + 24))
    return any(m and (m.group(1).lower() in FLUID_WORDS or m.group(1).lower() in COLOUR_WORDS) for m in (before, after))


# a body-system heading of a nursing or progress note ("Neuro:", "CV -", "Skin:", "MS:", "A/P:"): what opens it is a
# finding ("Skin: Stenum with dsd", "MS: Recievd sedated"), not a person, unless a title or relation says otherwise
_SYSTEM_HEADING_RE = re.compile(
    r"(?:^|[\n.;|])[ \t]*(?i:neuro|neurologic(?:al)?|cv|cvs|cardiac|cardiovascular|resp|respiratory|pulm|pulmonary|gi"
    r"|gu|renal|skin|integ|integument(?:ary)?|id|ms|musculoskeletal|endo|endocrine|heme|access|lines|pain|fen"
    r"|a/p|assessment|activity|mobility|safety|nutrition|psych)[ \t]*[:=-][ \t]*\Z")


def opens_system_heading(text: str, start: int) -> bool:
    """True when the word at ``start`` is the first word after a body-system heading ("Skin: Stenum ...")."""
    return bool(_SYSTEM_HEADING_RE.search(text[max(0, start - 40):start]))


def find_safelist_names(text: str) -> list[Candidate]:
    """Title-case words that are not safe words inside a sentence, or not known words (or strongly name-dominant
    ones, "Nguyen", "Smith") at the start of a sentence, line, list item or field value (score 0.5). Eponym use,
    device nouns, drug doses and model numbers are skipped."""
    out = []
    for m in TITLE_WORD_RE.finditer(text):
        w = m.group()
        if len(w) < 3 or is_safe_word(w) or ("-" in w and any(is_safe_word(p) for p in w.split("-"))):
            continue  # "Anti-Xa", "Swan-Ganz": a hyphenated word is a name only when no part is a safe word
        if is_misspelled_word(w):
            continue  # "Encourgae", "Recieved": a typo of a safe word
        if not is_known_word(w) and not is_census_name(w) and (near_clinical_word(w) or compound_of_known(w) or (
                _starts_sentence(text, m.start()) and (len(w) < 5 or near_safe_word(w)))):
            continue  # "Fetanyl", "Careview"; at a line start "Chesk", "Sxnd": typos, compounds, shorthand
        if swapped_common_word(w) and _fold(w) not in load_vocabulary().first_names:
            continue  # "Neice called", "Remians npo"
        if _starts_sentence(text, m.start()) and is_known_word(w) and _fold(w) not in load_vocabulary().strong_names:
            continue
        if followed_by_eponym_noun(text, m.end()) or _DOSE_AFTER_RE.match(text, m.end()):
            continue
        if not is_census_name(w) and (_RATE_AFTER_RE.match(text, m.end()) or in_drug_list(text, m.start(), m.end())):
            continue  # "Criticare @ 40/hr", "Vano, Ceftaz, Flagyl": a product or drug, not a person
        if not is_census_name(w) and opens_system_heading(text, m.start()):
            continue  # "Skin: Stenum with dsd", "MS: Recievd sedated from EW"
        if colour_of_fluid(text, m.start(), m.end()):
            continue  # "urine Amber", "Stool Brown", "Tan/Yellow secretions"
        if in_thing_context(text, m.start(), m.end()) and not (out and m.start() - out[-1].end <= 2):
            continue  # "Coum held", "Criticaid applied", "sedated on Midaz": given or applied, not a person
        if not is_census_name(w) and _READING_AFTER_RE.match(text, m.end()):
            continue  # "Itime 1.7": a setting or reading after its label
        if _NUMBER_AFTER_RE.match(text, m.end()) and is_known_word(w):
            continue  # a model or series number: "Mark 2 device", "Grade 3"
        if out and m.start() - out[-1].end <= 2 and not text[out[-1].end:m.start()].strip(" \t"):
            out[-1] = Candidate(out[-1].start, m.end(), "NAME", 0.5)  # one span per run: "Aoife D'Angelo"
        else:
            out.append(Candidate(m.start(), m.end(), "NAME", 0.5))
    return out
