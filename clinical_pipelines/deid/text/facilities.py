"""Facilities, wards and places in notes typed in capitals or in lower case, where casing carries no signal.

Bedside notes (nursing, respiratory therapy, ICU flow notes) are often typed all in capitals or all in lower case,
so the Title-case patterns of ``organizations`` and ``places`` do not fire. The forms below hold whatever the case:
- a named facility: up to three words before a facility word ("holy family hospital", "DUNMORE MEMORIAL",
  "towson hospital", "UNIV OF VERMONT MEDICAL CENTER", "TUCSON VA", "okafor campus", "pinecrest health"), kept from the
  first word that names something (a USPS place, a census name, a word outside the safe list, or a hospital-name
  prefix such as "holy", "sacred", "good", "st", "university of"); generic runs ("the hospital", "general
  hospital") are not names;
- a hospital acronym after a transfer or admission cue ("transferred to KH", "admitted to MGH", "at BIDMC",
  "presented to GSH ED") that is not a clinical unit, service or state abbreviation;
- a ward or building name with a floor or unit number after "to", "on" or "from" ("transfer to ellison 11",
  "ON BLAKE 7"): a word outside the vocabulary;
- a US place (USPS city list of the pinned ``zipcodes`` package) after a residence or travel cue in any case
  ("lives alone in towson", "daughter from TUCSON", "returned to san antonio").
HIPAA Safe Harbor identifier (B) (geographic subdivisions smaller than a state) and, for facilities, the project's
organisation policy (see ``organizations``). Spans are ``ORGANIZATION`` or ``LOCATION`` candidates.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import STATE_ABBR, US_STATES
from .places import is_place
from .safelist import is_clinical_word, is_known_word, is_misspelled_word, is_safe_word, word_zipf
from .spans import Candidate

_FACILITY_WORDS = (r"hospital|hosp|medical\s+center|med\s+center|med\s+ctr|medical|memorial|general\s+hospital|"
                   r"rehabilitation|rehab|campus|healthcare|health|clinic|infirmary|nursing\s+home|"
                   r"va\s+medical\s+center|vamc|va|hospice|manor")
_FOLDED_HEAD_RE = re.compile(rf"(?<=[a-z.'][ \t])(?:{_FACILITY_WORDS})(?![\w'])")
_NAME_PREFIXES = frozenset("holy sacred good st saint mount mt our university univ u".split())
_LINKS = frozenset("of the and & at".split())
_GENERIC = frozenset("""general community regional county city state university medical memorial the a an this that
his her their our outside osh local other same nearby rehab hospital health care home nursing acute chronic
pt patient to from at in for with by was is and or of ed er ew icu""".split())

_ACRONYM_CUE_RE = re.compile(
    r"(?i:\b(?:transferred|transfered|transfer|tx'?d|transported|admitted|readmitted|presented|went|taken|brought|"
    r"sent|flighted|med-?flighted|returned|returning|discharged|dc'?d|d/c'?d|came|seen|treated|retired|works?)"
    r"(?:[ \t]+(?:back|here|over|initially))?[ \t]+(?:to|from|at|in)(?:[ \t]+the)?|\b(?:at|in)(?=[ \t]+[A-Z]{2,5}"
    r"[ \t]+(?:ED|ER|EW|CATH|TCU)\b))[ \t]+([A-Z]{2,5})(?![\w/&-])")
_UNIT_ABBREVIATIONS = frozenset("""ICU CCU MICU SICU CSRU CVICU TSICU NICU PICU PACU CCU OR ED ER EW ICU TCU SNF LTAC LTC
ALF IRF ICF OSH CT MRI IR EP PT OT GI CV CT VA VAMC EMS ECU OBS HOME ACUTE REHAB ENDO CATH CARDIAC CMED MSICU NSICU
LAB PCU IMC SDU MED SURG ONC BMT DR MD RN NP PA HO IV PO NPO ER OK US NH AM PM""".split())

_WARD_RE = re.compile(r"(?i:\b(?:to|on|from|onto)[ \t]+)([A-Za-z]{5,})[ \t]*(\d{1,2})(?![\d/:.%-])")
_BUILDING_RE = re.compile(r"(?<![\w'])([A-Za-z]{4,})[ \t]*(?i:campus|building|bldg|pavilion)(?![\w'])")

# everyday words after "in", "from", "to" that are also the name of some US town
_EVERYDAY_PLACES = frozenset("""home work bed school church town chair jail prison hospital rehab state city country
bath reading mobile normal hope energy commerce industry liberty union friendship""".split())
_PLACE_CUE_RE = re.compile(
    r"(?i:\b(?:lives?|living|resides?|residing|moved|relocated|returned|returning|visiting|arriving|arrive|"
    r"flew|flying|drove|driving|vacationing|travell?ing|lived)\b(?:[ \t]+(?:alone|here|back|home|nearby|close\s+by|"
    r"with\s+\w+|now|currently|up))?[ \t]+(?:in|from|to|at|near)|\b(?:daughters?|sons?|wife|husband|sisters?|"
    r"brothers?|dtr|family|mother|father|niece|nephew|friend)\b[ \t]+(?:\(?\"?)?(?:is[ \t]+)?(?:in|from))"
    r"[ \t]+\"?((?:[A-Za-z][A-Za-z'.-]*)(?:[ \t]+[A-Za-z][A-Za-z'.-]*){0,2})")


# Words that never belong to a facility's name, whatever their case: demographics and the verbs / nouns of a note's
# sentence that stand next to a facility word ("74 YO WOMAN TRANSFERRED FROM ...", "WILL REQUIRE REHAB").
_NOT_NAME_RUN = frozenset("""yo y/o yr yrs year years old man woman male female gentleman boy girl pt pts
patient patients m f s/p w/ w wo require requires required need needs needed begin begins start started continue
cont await awaiting go goes going went see seen call called contact follow followed screen screened eval evaluate
evaluated place placed placement transfer transferred tx send sent return returned discharge discharged dc admit
admitted take taken bring brought found via per bed floor unit outside another local nearby prior future new same
interventional diagnostic nuclear physical occupational respiratory speech cardiac pulmonary outpatient inpatient
review preferred usual primary""".split())
_RUN_TOKEN_RE = re.compile(r"[A-Za-z0-9&]+(?:['-][A-Za-z0-9&]+)*(?:'s?)?\.?")
_NAME_LINKS = frozenset("of and &".split())
_NUMBER_NAMES = frozenset("one two three four five six seven eight nine ten twelve".split())  # "Two Rivers ..."
_ABBREVIATED_WORDS = frozenset("st mt ft univ".split())  # "St. Agnes", "Univ. of ..."
_COMPANY_ENDINGS = frozenset("co inc corp ltd llc bros".split())  # "Ozark Timber Co." ends the name with its dot
_HEAD_WORDS = frozenset("""hospital hosp medical center centre med ctr clinic health healthcare system campus pavilion
institute foundation group associates pharmacy care memorial general regional""".split())


def _run_word(word: str, title_text: bool) -> bool:
    """A word that can stand in a facility's name run (see ``name_run_start``)."""
    w = word.rstrip(".")
    low = w.lower()
    if low.endswith("'s"):
        low = low[:-2]
    if not low or any(ch.isdigit() for ch in low) or low in _NOT_NAME_RUN:
        return False
    if low in STOP_WORDS and low not in _NAME_PREFIXES and low not in _NUMBER_NAMES:
        return False
    if low in _NAME_PREFIXES or low in _HEAD_WORDS or low in US_STATES or w in STATE_ABBR:
        return True
    if is_misspelled_word(low):
        return False
    if title_text and w[:1].isupper() and w[1:2].islower():
        return True  # Title case in mixed-case text: a name word
    if is_clinical_word(low) and not is_place(low):
        return False
    if low.endswith(("ed", "ing")) and is_known_word(low) and not is_place(low):
        return False  # "NOTED", "AWAITING", "WANDERING": the sentence's verb, not a name ("Flushing", "Reading" are)
    return True


def _wrapped(gap: str, word: str, title_text: bool) -> bool:
    """A line break inside a Title-case name ("Mercy\nValley Hospital"); in capitals or lower case a line break
    ends the run."""
    return title_text and not gap.strip() and gap.count("\n") == 1 and word[:1].isupper()


def name_run_start(text: str, lo: int, head: int) -> int:
    """Start of the run of name words that ends right before the facility word at ``head``, looking no further
    back than ``lo``: words joined by spaces only (a comma, colon, full stop or line break ends the run, except
    after "St." / "Mt." or an initial), no function word other than a link between two name words ("University
    of X", "Brigham and Women's"), no clinical word, verb or demographic word. Returns ``head`` when no name word
    stands there ("ESCHAR NOTED IN CENTER", "TRANSFERRED FROM VAMC" keeps "VAMC" only)."""
    toks = [(m.start() + lo, m.end() + lo, m.group()) for m in _RUN_TOKEN_RE.finditer(text[lo:head])]
    title_text = not text[lo:head].isupper() and not text[lo:head].islower()
    start, nxt = head, head
    for s, e, w in reversed(toks):
        gap = text[e:nxt]
        if gap.strip(" \t") and not _wrapped(gap, w, title_text) or (not gap and nxt != head):
            break
        if w.endswith(".") and not (w[:-1].lower() in _ABBREVIATED_WORDS or len(w) == 2):
            break  # a sentence ends there
        low = w.lower()
        if low in _NAME_LINKS:
            if start == head or (low == "and" and not title_text):
                break
        elif _run_word(w, title_text):
            start = s  # a link is kept only when a name word stands before it
        else:
            break
        nxt = s
    return start


def name_run_end(text: str, start: int, hi: int) -> int:
    """End of the run of name words that starts at ``start`` (after a cue such as "transferred to"), looking no
    further than ``hi``; the same word rules as ``name_run_start``. Returns ``start`` when the first word is no
    name word."""
    title_text = not text[start:hi].isupper() and not text[start:hi].islower()
    end, prev, link = start, start, False
    for m in _RUN_TOKEN_RE.finditer(text, start, hi):
        gap = text[prev:m.start()]
        if gap.strip(" \t") and not _wrapped(gap, m.group(), title_text) or (not gap and prev != start):
            break
        w, low = m.group(), m.group().lower()
        if low in _NAME_LINKS:
            if end == start or link or (low == "and" and not title_text):
                break
            link = True
        elif _run_word(w, title_text):
            end, link = m.end(), False
            if w.endswith(".") and not (w[:-1].lower() in _ABBREVIATED_WORDS or len(w) == 2):
                if w[:-1].lower() not in _COMPANY_ENDINGS:
                    end -= 1
                break
        else:
            break
        prev = m.end()
    return end


def _names_something(word: str) -> bool:
    """A word that can carry a facility's name: a USPS place, a census name, or a word outside the safe list
    that is no typo, abbreviation or clinical word."""
    w = word.strip(".'")
    lw = w.lower()
    if lw in _NAME_PREFIXES or lw in US_STATES or (w.upper() in STATE_ABBR and lw not in ("or", "in", "me", "oh")):
        return True
    if len(lw) < 2 or lw in _GENERIC or is_clinical_word(lw):
        return False
    if is_place(lw):
        return True
    first, surnames = load_gazetteers()
    if (lw in surnames or lw in first) and word_zipf(lw) < 4.5:
        return True
    return len(lw) >= 4 and not is_known_word(lw) and not is_misspelled_word(lw)


def find_folded_facilities(text: str) -> list[Candidate]:
    """Named facilities in capitals or lower case (see the module docstring). Title-case text is left to
    ``organizations``; only stretches without a Title-case word in the name part are read here."""
    out: list[Candidate] = []
    low = text.lower()
    for m in _FOLDED_HEAD_RE.finditer(low):
        start = name_run_start(text, max(0, m.start() - 80), m.start())
        name_part = text[start:m.start()]
        if not name_part or any(w[:1].isupper() and w[1:2].islower() for w in name_part.split()):
            continue  # no name before the facility word, or Title case: the organisation patterns read it
        words = [(x.start() + start, x.group()) for x in re.finditer(r"[a-z][a-z'.]*", low[start:m.start()])]
        k = next((i for i, w in enumerate(words) if _names_something(w[1])), None)
        if k is None:
            continue
        if words[k][1].strip(".") in ("u", "univ") and not (k + 1 < len(words) and words[k + 1][1] == "of"):
            continue
        out.append(Candidate(words[k][0], m.end(), "ORGANIZATION", 0.7))
    return out


def find_facility_acronyms(text: str) -> list[Candidate]:
    """Hospital acronyms after transfer / admission cues ("transferred to KH", "at BIDMC ED")."""
    out = []
    for m in _ACRONYM_CUE_RE.finditer(text):
        a = m.group(1)
        if a in _UNIT_ABBREVIATIONS or a in STATE_ABBR or is_clinical_word(a) or a.lower() in STOP_WORDS or (
                len(a) >= 3 and is_known_word(a) and word_zipf(a) >= 3.0):  # "NEW", "HIS"; any 2 letters are "known"
            continue
        out.append(Candidate(m.start(1), m.end(1), "ORGANIZATION", 0.6))
    return out


def find_wards_and_places(text: str) -> list[Candidate]:
    """Ward / building names with a number or a campus word, and US places after residence or travel cues."""
    out = []
    for rx in (_WARD_RE, _BUILDING_RE):
        for m in rx.finditer(text):
            w = m.group(1)
            if is_clinical_word(w) or is_misspelled_word(w) or (is_known_word(w) and (
                    is_safe_word(w) or word_zipf(w) >= 3.5)):
                continue  # a ward is named after a person or place: unknown or name-dominant words only
            out.append(Candidate(m.start(1), m.end(1), "LOCATION", 0.6))
    for m in _PLACE_CUE_RE.finditer(text):
        words = [(x.start() + m.start(1), x.end() + m.start(1), x.group().strip(".'"))
                 for x in re.finditer(r"[A-Za-z][A-Za-z'.-]*", m.group(1))]
        for n in range(len(words), 0, -1):
            cand = " ".join(w[2] for w in words[:n]).lower()
            if cand in US_STATES or len(cand) < 3 or not is_place(cand):
                continue
            if n == 1 and (cand in _EVERYDAY_PLACES or is_safe_word(cand) and word_zipf(cand) >= 5.0):
                break  # "from home", "in bed", "to work": a common word that is also some town's name
            out.append(Candidate(words[0][0], words[n - 1][1], "LOCATION", 0.6))
            break
    return out


def find_facilities(text: str) -> list[Candidate]:
    """All finders of this module."""
    return find_folded_facilities(text) + find_facility_acronyms(text) + find_wards_and_places(text)
