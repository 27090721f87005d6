"""The vocabulary of the safe-list name scan (the method of Philter, Norgeot et al., npj Digit Med 2020).

A token in a name context that is not in this vocabulary is treated as a name. Sources:

* English: every word of the ``wordfreq`` 3.1.1 English list (web, books, subtitles, Wikipedia, news)
  with a Zipf frequency >= ``COMMON_ZIPF``;
* minus name-dominant words: a word of the 1990 US Census first-name or surname lists (public domain,
  shipped by the pinned ``names`` package) whose share of the population as a name is at least
  ``NAME_DOMINANCE`` times its frequency as an English word ("john", "smith", "rose", "hank", "young";
  not "will", "may", "hope", "long");
* plus clinical vocabulary that general-English lists rank low: words built from the standard Greek/Latin
  medical affixes, WHO INN drug stems (WHO, "The use of stems in the selection of INN", 2018), and a short
  list of clinical abbreviations, brand names and payers below.

Fails closed: a missing or truncated source raises :class:`~clinical_pipelines.deid.errors.DeidError`.
"""
from __future__ import annotations

import functools
import importlib.util
import math
import re
from pathlib import Path

from ..errors import DeidError

COMMON_ZIPF = 3.0
NAME_DOMINANCE = 4.0
WORDLIST_PACKAGE = "wordfreq"
NAMES_PACKAGE = "names"

# Greek/Latin medical affixes (roots of standard medical terminology) and WHO INN stems.
_MED_SUFFIX = (
    "itis|itides|emia|aemia|osis|oses|ectomy|ectomies|otomy|ostomy|ostomies|oscopy|oscopic|plasty|graphy|gram|grams|"
    "pathy|pathic|algia|megaly|penia|cytosis|uria|trophy|plegia|paresis|rrhea|rrhoea|rrhage|ptysis|lysis|lytic|"
    "stasis|genic|genesis|ectasis|ectasia|spasm|phagia|phasia|pnea|pnoea|thermia|kalemia|natremia|calcemia|"
    "glycemia|lipidemia|ology|ologist|ological|iatric|iatrist|"
    "(?:carcin|sarc|lymph|melan|aden|hemat|fibr|lip|my|neur|gli|mening|hemangi|ather|thym|hepat|blast)omas?|"
    # WHO INN stems: beta blockers, ACE inhibitors, sartans, statins, anticoagulants, antibiotics, antivirals, ...
    "olol|alol|ilol|pril|prilat|sartan|statin|parin|xaban|gatran|grel|dipine|afil|azole|cillin|mycin|"
    "micin|floxacin|cycline|vir|mab|nib|tide|gliflozin|gliptin|glinide|glitazone|profen|fenac|coxib|caine|"
    "dronate|lukast|setron|prazole|tidine|semide|thiazide|tropium|terol|olone|asone|onide|zepam|zolam|barbital|"
    "oxetine|triptyline|pramine|triptan|peridol|apine|idone|oxacin|ocaine|stigmine|curium|curonium|fibrate|"
    "teplase|kinase|ercept|poetin|grastim|relin|pressin|parinux|farin|azine|oxin|tiazem|thyroxine")
_MED_PREFIX = (
    "^(?:cardi|hepat|nephr|neur|gastr|pulmon|pneum|hemat|haemat|arteri|thromb|embol|cerebr|crani|lymph|leuk|"
    "erythr|electro|esophag|laryng|trache|bronch|ophthalm|encephal|ventricul|aort|myocard|pericard|endocard|"
    "hyper|hypo|tachy|dys|cef|ceph)")
MED_AFFIX_RE = re.compile(rf"^[a-z]{{3,}}(?:{_MED_SUFFIX})$|{_MED_PREFIX}[a-z]{{4,}}$")

# Clinical abbreviations, brand names and payers that general-English frequency lists rank low.
CLINICAL_SUPPLEMENT = frozenset("""
abd abg ac acei acs adl adls afib aflutter afebrile aki alt ambulates ambulating ambulatory aod ap ards arb asa
ast av avr bal bcbs bid bipap bivad bmp bnp bp bpm bun cabg cad cath cbc cc ccu chf ckd cmp cns copd cpap cpr crt
csf ct cta cva cvp cxr dbp dc dcd dm dnr dni doe dvt ecg echo ed ef egd ekg eliquis emr ems ent ercp esrd etoh
fhx fio2 gcs gerd gi gtt gu hb hba1c hct hd hdl hfpef hfref hgb hld hpi hr hs htn iabp icd icu inr iv ivc jvd
jvp lad lbbb lcx ldl lft lv lvad lvef lvh mg mi mra mri nad nc ng nkda npo nsaid nstemi ntg nyha od oob os osa
pa pac pacu pad pcp pci pe peg perrla picc plt pmh pnd po pr prbc prn psh pt ptt pvc pvd qd qhs qid qod qtc rbbb
rca rll rml rn rr rrr rrt rue rul rv sbp sc sob spo2 stemi svt tavr tee tele tia tid tpa tte tx uti vf vfib vs
vt wbc wnl xarelto plavix lasix lipitor coumadin lovenox toprol coreg norvasc zocor crestor entresto jardiance
farxiga ozempic synthroid protonix zofran tylenol percocet dilaudid ativan haldol seroquel zoloft lexapro
augmentin zithromax levaquin flagyl bactrim flomax aetna cigna humana medicare medicaid tricare anthem kaiser
tufts humira keytruda eval apgar ccds rdcs rcs rvt pager beeper rvsp tapse lvot lvidd nontender nondistended nonfocal nonlabored unlabored rhonchi rales crackles wheezes
orthopnea presyncope stented diaphoretic diaphoresis edematous tachypneic afebrile normocephalic atraumatic
anicteric supple euvolemic hypervolemic hypovolemic telemetry troponin troponins
""".split())


# Languages most requested for medical interpretation in the US (not names: "Interpreter: Amharic").
LANGUAGES = frozenset("""
amharic tigrinya somali oromo kreyol creole tagalog ilocano farsi dari pashto swahili hmong lao khmer
marshallese chuukese igbo hausa yoruba twi wolof fulani akan ewe lingala kinyarwanda kirundi tigre nuer dinka
karen chin burmese nepali bengali gujarati marathi telugu tamil malayalam kannada sinhala mixtec zapotec
quechua kiche mam triqui asl
""".split())


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DeidError(f"residual scan vocabulary package '{package}' is not installed; install the pinned version "
                        "from requirements.lock")
    return Path(list(spec.submodule_search_locations)[0])


@functools.lru_cache(maxsize=1)
def _census_first_names() -> frozenset[str]:
    """The 1990 US Census male and female first-name lists (lower case)."""
    d = _package_dir(NAMES_PACKAGE)
    out: set[str] = set()
    for fname in ("dist.male.first", "dist.female.first"):
        path = d / fname
        if not path.is_file():
            raise DeidError(f"census name list '{fname}' is missing from package '{NAMES_PACKAGE}'; reinstall it")
        with path.open(encoding="ascii", errors="ignore") as fh:
            out.update(line.split()[0].lower() for line in fh if line.split())
    return frozenset(out)


def is_census_first_name(word: str) -> bool:
    """In the 1990 US Census first-name lists, whatever its use as an English word ("Faith", "Will", "Bud")."""
    return word.lower() in _census_first_names()


def _census_names() -> dict[str, float]:
    """Census name -> population share (first names: share of the sex's list / 2; surnames: share)."""
    d = _package_dir(NAMES_PACKAGE)
    out: dict[str, float] = {}
    for fname, scale in (("dist.male.first", 200.0), ("dist.female.first", 200.0), ("dist.all.last", 100.0)):
        path = d / fname
        if not path.is_file():
            raise DeidError(f"census name list '{fname}' is missing from package '{NAMES_PACKAGE}'; reinstall it")
        n = 0
        with path.open(encoding="ascii", errors="ignore") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    w = parts[0].lower()
                    out[w] = max(out.get(w, 0.0), float(parts[1]) / scale)
                    n += 1
        if n < 1000:
            raise DeidError(f"census name list '{fname}' has {n} entries (expected thousands); reinstall '{NAMES_PACKAGE}'")
    return out


@functools.lru_cache(maxsize=1)
def _english() -> dict[str, float]:
    _package_dir(WORDLIST_PACKAGE)
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en", wordlist="large")
    if len(freqs) < 100_000:
        raise DeidError(f"wordfreq English list has {len(freqs)} words (expected > 100,000); reinstall 'wordfreq'")
    return freqs


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], frozenset[str]]:
    """(vocabulary, name-dominant words)."""
    freqs = _english()
    census = _census_names()
    floor = 10 ** (COMMON_ZIPF - 9)
    dominant = frozenset(w for w, share in census.items()
                         if share > 0 and share >= NAME_DOMINANCE * freqs.get(w, 0.0))
    common = {w for w, f in freqs.items() if f >= floor and w.isalpha()}
    vocab = frozenset((common - dominant) | CLINICAL_SUPPLEMENT | LANGUAGES)
    return vocab, dominant


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    floor = 10 ** (COMMON_ZIPF - 9)
    return frozenset(w for w, f in _english().items() if f >= floor)


def is_common_word(word: str) -> bool:
    """An English word at or above ``COMMON_ZIPF`` (names that are common words included) or a clinical word."""
    w = word.lower()
    return w in _common() or is_clinical(w)


def zipf(word: str) -> float:
    f = _english().get(word.lower(), 0.0)
    return round(math.log10(f) + 9, 2) if f > 0 else 0.0


def is_name_dominant(word: str) -> bool:
    """True for a census first name or surname that is used much more as a name than as an English word."""
    return word.lower() in _tables()[1]


@functools.lru_cache(maxsize=1)
def _census_set() -> frozenset[str]:
    return frozenset(_census_names())


def is_census_name(word: str) -> bool:
    """In the 1990 US Census first-name or surname lists (whatever its use as an English word)."""
    return word.lower() in _census_set()


def is_clinical(word: str) -> bool:
    w = word.lower()
    return w in CLINICAL_SUPPLEMENT or (len(w) >= 6 and bool(MED_AFFIX_RE.search(w)))


def in_vocabulary(word: str) -> bool:
    """True when ``word`` (folded, any case) is an English or clinical word and not a name-dominant one."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    if not w:
        return True
    if w in _tables()[0]:
        return True
    if w in _tables()[1]:
        return False
    return is_clinical(w)


def is_name_candidate(word: str) -> bool:
    """Out of vocabulary, or a name-dominant word: what the safe-list scan calls a name in a name context."""
    return not in_vocabulary(word)
