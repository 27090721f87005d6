"""The safe-list vocabulary: the word sets that the safe-list name pass (``safelist``) and the other name, place and
organisation finders test words against, built once per process (``load_vocabulary``). It is the union of
- Philter's own safe list ("nonames": English and clinical words with names removed, UCSF, BSD-3-Clause; Norgeot et
  al., npj Digit. Med. 3, 57 (2020)), shipped by the pinned ``philter-lite`` package;
- every English word with a Zipf frequency >= ``COMMON_ZIPF`` in the pinned ``wordfreq`` list (``word_zipf`` gives
  a word's Zipf frequency);
- drug names and brands (DrugBank, MeSH, MedlinePlus) shipped by the pinned ``drug-named-entity-recognition``
  package, and the project's clinical word lists (``deid.vocab``) and ``CLINICAL_SUPPLEMENT`` below;
- words built from standard Greek/Latin medical affixes and WHO INN drug stems (``MED_AFFIX_RE``).

Name-dominant words: a 1990 US Census first name or surname (``deid.gazetteer``; the ``names`` package) whose share of
the population as a name is at least ``NAME_DOMINANCE`` times its frequency as an English word ("hank", "rose",
"brown", "nguyen"; not "will", "may", "hope") is a known word but not a *safe* one. Clinical words (drugs, eponyms,
US states, months, ``PROTECTED_WORDS``) are never name-dominant.

``safelist_identity`` names the sources, versions and sizes (counts only) for the de-identification report and
model card. Fails closed (``DeidError``) when a source package or file is missing or truncated.
"""
from __future__ import annotations

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
from ..vocab import (CALENDAR_WORDS, CLINICAL_TERMS, COUNTRIES, CREDENTIALS, EPONYM_FOLLOWERS, NOT_NAME_WORDS,
                     TITLE_WORDS, US_STATES)

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


@functools.lru_cache(maxsize=131072)
def word_zipf(word: str) -> float:
    """Zipf frequency of ``word`` in the wordfreq English list (0 when absent)."""
    f = _english().get(word.lower(), 0.0)
    return math.log10(f) + 9 if f > 0 else 0.0
