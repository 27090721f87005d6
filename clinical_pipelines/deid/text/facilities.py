"""Facilities, wards and places in notes typed in capitals or in lower case, where casing carries no signal.

Bedside notes (nursing, respiratory therapy, ICU flow notes) are often typed all in capitals or all in lower case,
so the Title-case patterns of ``organizations`` and ``places`` do not fire. The forms below hold whatever the case:
- a named facility: the run of name words right before a facility word ("holy family hospital", "DUNMORE MEMORIAL",
  "UNIV OF VERMONT MEDICAL CENTER", "TUCSON VA", "okafor campus"), never the clause's verbs, prepositions, clinical
  or demographic words ("74 YO WOMAN TRANSFERRED FROM DUNMORE HOSPITAL" keeps "DUNMORE HOSPITAL"; see
  ``name_run_start``, also used by ``organizations``), kept from the first word that names something (a USPS place,
  a census name, a word outside the safe list, or a prefix such as "holy", "sacred", "st", "university of");
  generic runs ("the hospital", "general hospital") are not names; a second name after "and" / "or" ("TOWSON REHAB
  AND KIMBALL.");
- hospital names without a proper noun: religious prefixes ("went to holy cross", "good sam"), a generic word
  after a place preposition ("taken to Memorial Hospital"), university hospitals ("U of Vermont ER", "UOf Iowa Hosp");
- a hospital acronym after a transfer, admission or orientation cue, misspelt verbs included ("tranfered to KH",
  "at BIDMC ED", "knows he is in KH", "to kh er", "from the DWMC") that is not a clinical unit, service, ventilator
  mode or state abbreviation, and then every other occurrence of it in the note ("KH cx pending");
- a ward or building name with a floor or unit number below 40 after "to", "on" or "from" or before "when bed",
  "today" or a line end ("transfer to ellison 11", "ON BLAKE 7.", "PLAN: FARR 2 WHEN BED AVAILABLE"), a surname
  ward after a call-out cue ("c/o to ellison"), and the same ward name elsewhere in the note;
- a US place (USPS city list of the pinned ``zipcodes`` package; ``places.find_cued_towns``) after a residence,
  origin or travel cue in any case, typos
  of "daughter" and arrival times included ("lives alone in towson", "DAUGHER FROM TUCSON", "TO ARRIVE 9/9 @ 1900
  FROM TUCSON"); a home owner's name ("at haldor quist's house"); employers ("works for pinecrest health", "his
  business Zentrova").
HIPAA Safe Harbor identifier (B) (geographic subdivisions smaller than a state) and, for facilities, the project's
organisation policy (see ``organizations``). Spans are ``ORGANIZATION`` or ``LOCATION`` candidates.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import STATE_ABBR, US_STATES
from .fast_scan import cue_words
from .places import find_cued_towns, is_place
from .safelist_vocabulary import word_zipf
from .safelist_words import is_census_name, is_clinical_word, is_known_word, is_misspelled_word, is_safe_word
from .spans import Candidate

_FACILITY_WORDS = (r"hospital|hosp|medical\s+center|med\s+center|med\s+ctr|medical|memorial|general\s+hospital|"
                   r"rehabilitation|rehab|campus|healthcare|health|clinic|infirmary|nursing\s+home|"
                   r"va\s+medical\s+center|vamc|va|hospice|manor|general(?![ \t]+(?:appearance|anesthesia|surgery|surgeon"
                   r"|surg|medicine|med|condition|health|malaise|weakness|state|care|practitioner|exam|impression|ward"
                   r"|floor|diet|assessment|status|debility|edema|anasarca)\b)")
_FOLDED_HEAD_RE = re.compile(rf"(?<=[a-z.'][ \t])(?:{_FACILITY_WORDS})(?![\w'])")
_NAME_PREFIXES = frozenset("holy sacred good st saint mount mt our university univ u".split())
_LINKS = frozenset("of the and & at".split())
_GENERIC = frozenset("""general community regional county city state university medical memorial the a an this that
his her their our outside osh local other same nearby rehab hospital health care home nursing acute chronic
pt patient to from at in for with by was is and or of ed er ew icu""".split())

_MOVE_VERBS = (r"tra?n?s?f[eo]r+(?:e?d|ing|s)?|xfer+(?:e?d)?|tx(?:'?d)?|transported|admitted|readmitted|presented|"
               r"went|taken|brought|sent|flighted|med-?flighted|flown|returned|returning|discharged|dc'?d|d/c'?d|came|"
               r"seen|treated|retired|works?|worked")
_ACRONYM_CUE_RE = re.compile(
    "(?:" + cue_words(_MOVE_VERBS) + r"(?i:(?:[ \t]+(?:back|here|over|initially))?[ \t]+(?:to|from|at|in)(?:[ \t]+the)?)"
    "|" + cue_words("leave|leaving")
    + "|" + cue_words(r"knows?|knew|thinks?|thought|believes?|aware|states?") + r"(?i:[ \t]+(?:that[ \t]+)?"
    r"(?:he|she|they|pt|patient)(?:[ \t]+(?:is|was|are|were))?[ \t]+(?:in|at))"
    "|" + cue_words(r"i'?m") + r"(?i:[ \t]+(?:in|at))"
    "|" + cue_words("at|in|to|from") + r"(?i:(?=[ \t]+[A-Z]{2,5}[ \t]+(?:ED|ER|EW|CATH|TCU)\b)))"
    r"[ \t]+([A-Z]{2,5})(?![\w/&-])")
# lower-case notes: "to gh er", "at kh cath lab"; an unknown capitals word after a place preposition: "from the GBMC"
_LOWER_ACRONYM_RE = re.compile(r"\b(?:to|at|from|in)[ \t]+([a-z]{2,5})[ \t]+(?:er|ed|ew|cath|tcu|ccu|icu|micu)\b")
# a longer name before an emergency room or cath lab in any case (acronyms are read by the patterns above)
_NAMED_UNIT_RE = re.compile(cue_words("to|at|from|in") + r"[ \t]+([A-Za-z][a-z]{3,14}|[A-Z]{4,15})[ \t]+"
                            r"(?i:er|ed|ew|cath[ \t]+lab|emergency[ \t]+(?:room|dept|department))\b")
# in mixed-case text, capitals after "at" that end the clause: "blasts on diff at KH.", "so far at KH, ..."
_AT_ACRONYM_RE = re.compile(r"\bat[ \t]+([A-Z]{2,5})(?=[ \t]*(?:[.,;]|$))", re.M)
_UNKNOWN_ACRONYM_RE = re.compile(cue_words("at|to|from|in") + r"(?i:[ \t]+the[ \t]+)([A-Z]{3,5})(?![\w/&-])")
UNIT_ABBREVIATIONS = frozenset("""ICU CCU MICU SICU CSRU CVICU TSICU NICU PICU PACU CCU OR ED ER EW ICU TCU SNF LTAC LTC
ALF IRF ICF OSH CT MRI IR EP PT OT GI CV CT VA VAMC EMS ECU OBS HOME ACUTE REHAB ENDO CATH CARDIAC CMED MSICU NSICU
LAB PCU IMC SDU MED SURG ONC BMT DR MD RN NP PA HO IV PO NPO ER OK US NH AM PM BB SIMV IMV CPAP BIPAP PSV PRVC APRV
CMV AC HOSP FLOOR CXR ABG ECHO EEG EKG ECG""".split())

# "to ellison 11", "ON BLAKE 7.", "PLAN: FARR 4 WHEN BED AVAILABLE": a floor or unit number below 40, no unit letters
_WARD_NUMBER = r"[ \t]*([1-9]|[1-3]\d)(?![\w/:%-]|\.\d)"
_WARD_RE = re.compile(cue_words("to|on|from|onto") + rf"[ \t]+([A-Za-z]{{5,}}){_WARD_NUMBER}")
_WARD_TIMING_RE = re.compile(rf"(?<![\w'])([A-Za-z]{{5,}})[ \t]{_WARD_NUMBER}(?:[ \t]+(?i:when[ \t]+bed|today|tomorrow|tonight"
                             r"|in[ \t]+(?:the[ \t]+)?am|this[ \t]+(?:am|pm|evening|afternoon))|[ \t]*\.?[ \t]*$)", re.M)
# a ward named without its number after a call-out / transfer cue, a surname as wards are ("c/o to farr if stable")
_WARD_CUE_RE = re.compile(cue_words("to") + r"[ \t]+([A-Za-z]{5,})\b(?![ \t]*\d)")
_WARD_CUE_BEFORE_RE = re.compile(rf"(?i:(?:\bc/o|\bcall(?:ed)?[ \t]+out|\b(?:{_MOVE_VERBS}))[ \t]+)$")
# a ward with its number after a move cue, whatever its word ("transfer to rose 7", "from wang 3", "c/o to BAKER 4"):
# the cue and the number make it a ward unless the word is a room, bed or level word, a unit or a clinical word
_WARD_MOVE_RE = re.compile(cue_words(rf"{_MOVE_VERBS}|admitted|arrived|back|c/o|call(?:ed)?[ \t]+out")
                           + rf"(?i:(?:[ \t]+(?:back|here|over))?[ \t]+(?:to|from|onto)[ \t]+)([A-Za-z]{{3,}}){_WARD_NUMBER}"
                           r"(?![ \t]*(?:x\b|times|hours?|hrs?|days?|min|mins|minutes|mg|ml|cc|l\b|lpm|%|units?))")
_NOT_WARD_WORDS = frozenset("""floor room rm bed beds pod bay level lvl unit units ward wing side station tower step
stage grade phase day days week weeks hour hours min mins chair stretcher commode cart tele telemetry med meds
surg surgery vent position pos cpap peep ps psv simv imv fio2 setting settings rate dose doses drip drips gtt
liter liters rehab home icu ccu team service services the his her their this that one two three four five pt
patient patients nc mask shovel bag""".split())
_CALL_OUT_BEFORE_RE = re.compile(r"(?i:(?:\bc/o|\bcall(?:ed)?[ \t]+out)[ \t]+)$")
_BUILDING_RE = re.compile(r"(?<![\w'])([A-Za-z]{4,})[ \t]*(?i:campus|building|bldg|pavilion)(?![\w'])")


# Words that never belong to a facility's name, whatever their case: demographics and the verbs / nouns of a note's
# sentence that stand next to a facility word ("74 YO WOMAN TRANSFERRED FROM ...", "WILL REQUIRE REHAB").
_NOT_NAME_RUN = frozenset("""yo y/o yr yrs year years old man woman male female gentleman boy girl pt pts
patient patients m f s/p w/ w wo require requires required need needs needed begin begins start started continue
cont await awaiting go goes going went see seen call called contact follow followed screen screened eval evaluate
evaluated place placed placement transfer transferred tx send sent return returned discharge discharged dc admit
admitted take taken bring brought found via per bed floor unit outside another local nearby prior future new same
interventional diagnostic nuclear physical occupational respiratory speech cardiac pulmonary outpatient inpatient
review preferred usual primary right left rt lt bilateral both corrected uncorrected""".split())
_RUN_TOKEN_RE = re.compile(r"[A-Za-z0-9&]+(?:['-][A-Za-z0-9&]+)*(?:'s?)?\.?")
_NAME_LINKS = frozenset("of and &".split())
_NUMBER_NAMES = frozenset("one two three four five six seven eight nine ten twelve".split())  # "Two Rivers ..."
_ABBREVIATED_WORDS = frozenset("st mt ft univ".split())  # "St. Agnes", "Univ. of ..."
_COMPANY_ENDINGS = frozenset("co inc corp ltd llc bros".split())  # "Ozark Timber Co." ends the name with its dot
FACILITY_HEAD_WORDS = frozenset("""hospital hosp medical center centre med ctr clinic health healthcare system campus
pavilion institute foundation group associates pharmacy care memorial general regional""".split())
# words that open a public body's or a hospital's name ("COUNTY EMS", "COMMUNITY HOSPITAL")
_LEAD_WORDS = frozenset("county community university city".split())
# private or generic services are no names ("BY PRIVATE AMBULANCE", "VIA ALS EMS")
_SERVICE_KINDS = frozenset("private commercial als bls".split())


def _run_word(word: str, title_text: bool) -> bool:
    """A word that can stand in a facility's name run (see ``name_run_start``)."""
    w = word.rstrip(".")
    low = w.lower()
    if low.endswith("'s"):
        low = low[:-2]
    if not low or any(ch.isdigit() for ch in low) or low in _NOT_NAME_RUN or low in _SERVICE_KINDS:
        return False
    if low in _LEAD_WORDS:
        return True
    if low in STOP_WORDS and low not in _NAME_PREFIXES and low not in _NUMBER_NAMES:
        return False
    if low in _NAME_PREFIXES or low in FACILITY_HEAD_WORDS or low in US_STATES or w in STATE_ABBR:
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
    of X", "Brigham and Women's"), no verb or demographic word, and no clinical word unless a word naming something
    stands before it ("ASHGROVE HEART & VASCULAR CLINIC"; not "CHEST PAIN CLINIC"). Returns ``head`` when no name word
    stands there ("ESCHAR NOTED IN CENTER", "TRANSFERRED FROM VAMC" keeps "VAMC" only)."""
    toks = [(m.start() + lo, m.end() + lo, m.group()) for m in _RUN_TOKEN_RE.finditer(text[lo:head])]
    title_text = not text[lo:head].isupper() and not text[lo:head].islower()
    start, nxt, pending = head, head, None
    for s, e, w in reversed(toks):
        gap = text[e:nxt]
        if gap.strip(" \t") and not _wrapped(gap, w, title_text) or (not gap and nxt != head):
            break
        if w.endswith(".") and not (w[:-1].lower() in _ABBREVIATED_WORDS or len(w) == 2):
            break  # a sentence ends there
        low = w.lower()
        if low in _NAME_LINKS:
            if (start == head and pending is None) or (low == "and" and not title_text):
                break
        elif _run_word(w, title_text):
            if pending is None or (names_something(w) and (w[:1].isupper() or not title_text)):
                start, pending = s, None  # a link is kept only when a name word stands before it
        elif _specialty_word(w) and (w[:1].isupper() or not title_text):
            pending = pending if pending is not None else start  # "ASHGROVE HEART & VASCULAR CLINIC": kept only
        else:                                                     # when a naming word stands before it
            break
        nxt = s
    return start


def _specialty_word(word: str) -> bool:
    """A clinical word that can stand inside a clinic's name in capitals or lower case ("HEART", "KIDNEY",
    "SPINE"), kept only when a word naming something stands before it (``name_run_start``)."""
    low = word.rstrip(".").lower()
    return (low.isalpha() and len(low) >= 4 and low not in _NOT_NAME_RUN and low not in STOP_WORDS and not is_misspelled_word(low)
            and is_clinical_word(low))


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


def names_something(word: str) -> bool:
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
        k = next((i for i, w in enumerate(words) if names_something(w[1])), None)
        if k is None:
            continue
        if words[k][1].strip(".") in ("u", "univ") and not (k + 1 < len(words) and words[k + 1][1] == "of"):
            continue
        out.append(Candidate(words[k][0], m.end(), "ORGANIZATION", 0.7))
        alt = _ALTERNATIVE_RE.match(text, m.end())  # "SCREENED BY TOWSON REHAB AND KIMBALL."
        if alt and names_something(alt.group(1)):
            out.append(Candidate(alt.start(1), alt.end(1), "ORGANIZATION", 0.6))
    return out


# a second facility named after the first one's facility word, alone before the clause ends
_ALTERNATIVE_RE = re.compile(r"[ \t]+(?i:and|or|&)[ \t]+([A-Za-z]{3,})(?=[ \t]*(?:[.,;)]|$))", re.M)


# hospital-shaped acronyms: "... Medical Center", "... Hospital", "... Health Center", "... Memorial Hospital"
_HOSPITAL_SHAPE_RE = re.compile(r"[A-Z]{1,4}(?:MC|HC|MH|H)|[A-Z]{1,3}MCH?")
# clinical acronyms of that shape (bleeds, hormones, hypertrophy, pH)
_CLINICAL_H_ACRONYMS = frozenset("""ICH SAH SDH EDH IVH IPH BPH LVH RVH NPH PPH FSH LH TSH PTH ADH SIADH PH PAH CAH ACH
DKH HH GH MCH LDH""".split())


def _hospital_shaped(up: str) -> bool:
    """Capitals of a hospital's shape, no word ("BMC", "SMH", "UMMC"; not "HIGH", "MASH": a vowel after the first
    letter makes a word) and no clinical acronym of that shape."""
    return (len(up) >= 3 and _HOSPITAL_SHAPE_RE.fullmatch(up) is not None and up not in _CLINICAL_H_ACRONYMS
            and not any(ch in "AEIOUY" for ch in up[1:]))


def _facility_acronym(a: str) -> bool:
    """A short capitals word that can be a hospital's acronym: no unit, service, state, clinical abbreviation,
    function word or common word ("NEW", "HIS"; any two letters are "known", so those are judged by their cue); a
    word of a hospital's shape ("BMC", "CMC", "SMH": ``_HOSPITAL_SHAPE_RE``) is one even when it is a frequent
    string, unless it is a clinical acronym of that shape ("ICH", "SAH")."""
    up = a.upper()
    if up in UNIT_ABBREVIATIONS or up in STATE_ABBR or is_clinical_word(a) or a.lower() in STOP_WORDS:
        return False
    if _hospital_shaped(up):
        return True
    return not (len(a) >= 3 and is_known_word(a) and word_zipf(a) >= 3.0)


def _propagate(text: str, words: set[str], kind: str, score: float, flags: int = 0,
               after: str = r"(?![\w&'-])") -> list[Candidate]:
    """Every other standalone occurrence in the note of a facility acronym or ward name found by a cue: once a note
    says "transferred to KH", "at KH" and "KH attorneys" are that hospital too."""
    if not words:
        return []
    rx = re.compile(r"(?<![\w/&'-])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                    + ")" + after, flags)
    return [Candidate(m.start(), m.end(), kind, score) for m in rx.finditer(text)]


def find_facility_acronyms(text: str) -> list[Candidate]:
    """Hospital acronyms after transfer / admission / orientation cues ("transferred to KH", "tranfered to KH",
    "at BIDMC ED", "knows he is in KH", "to kh er", "from the GBMC"), then the same acronym elsewhere in the note."""
    out, found = [], set()
    for m in _ACRONYM_CUE_RE.finditer(text):
        if _facility_acronym(m.group(1)):
            found.add(m.group(1))
    for m in _LOWER_ACRONYM_RE.finditer(text):
        if _facility_acronym(m.group(1)) and not (len(m.group(1)) > 2 and is_known_word(m.group(1))):
            found.add(m.group(1))
    if not text.isupper():
        for m in _AT_ACRONYM_RE.finditer(text):
            if _facility_acronym(m.group(1)):
                found.add(m.group(1))
    for m in _UNKNOWN_ACRONYM_RE.finditer(text):
        a = m.group(1)
        shaped = _hospital_shaped(a)
        if (shaped or not is_known_word(a) and not is_misspelled_word(a)) and _facility_acronym(a):
            found.add(a)
    for m in _NAMED_UNIT_RE.finditer(text):  # "enroute to hellyer er", "to stuemke cath lab", "AT DORNAN EW"
        w = m.group(1)
        if w.lower() not in _GENERIC and w.lower() not in _NOT_NAME_RUN and not is_clinical_word(w) and (
                (len(w) > 5 and names_something(w) and not is_known_word(w))
                or (is_census_name(w) and word_zipf(w) < 4.5)):
            found.add(w)
    out += _propagate(text, found, "ORGANIZATION", 0.6)
    return out


def _ward_word(w: str, building: bool = False) -> bool:
    """A ward or building is named after a person or place: unknown or name-dominant words only (before "campus"
    a word one letter from a common word is still a name)."""
    return not (is_clinical_word(w) or (not building and is_misspelled_word(w)) or (is_known_word(w) and (
        is_safe_word(w) or word_zipf(w) >= 3.5)))


_CALENDAR_WORDS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split())


def _any_ward_word(w: str) -> bool:
    """A word that can name a ward when a move cue or a census name and a unit number say it is one: no room, bed
    or level word, unit, clinical, calendar or function word ("to floor 2", "from May 3", "to peep 5" stay)."""
    low = w.lower()
    return not (low in _NOT_WARD_WORDS or low in STOP_WORDS or low in _CALENDAR_WORDS or w.upper() in UNIT_ABBREVIATIONS
                or is_clinical_word(w) or is_misspelled_word(w))


def find_wards_and_places(text: str) -> list[Candidate]:
    """Ward / building names with a number or a campus word (and the same ward name elsewhere in the note), and US
    places after residence or travel cues."""
    out, wards = [], set()
    for rx in (_WARD_RE, _WARD_TIMING_RE, _WARD_CUE_RE):
        for m in rx.finditer(text):
            if rx is _WARD_CUE_RE and not (
                    (is_census_name(m.group(1)) and _WARD_CUE_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()))
                    or (not is_known_word(m.group(1)) and _CALL_OUT_BEFORE_RE.search(text, max(0, m.start() - 20),
                                                                                      m.start()))):
                continue  # a census name after a move or call-out cue; any unknown word after a call-out cue
            if _ward_word(m.group(1)) or (rx is _WARD_RE and is_census_name(m.group(1)) and _any_ward_word(m.group(1))):
                wards.add(m.group(1).lower())
    for m in _WARD_MOVE_RE.finditer(text):
        if _any_ward_word(m.group(1)):
            wards.add(m.group(1).lower())
    for m in _BUILDING_RE.finditer(text):
        if _ward_word(m.group(1), building=True):
            out.append(Candidate(m.start(1), m.end(1), "LOCATION", 0.6))
    out += _propagate(text, wards, "LOCATION", 0.6, re.I, after=r"(?![A-Za-z&'-])")  # "FARR4" too
    out += find_cued_towns(text)
    return out


_STATE_NAMES = "|".join(sorted(US_STATES, key=len, reverse=True)).replace(" ", r"[ \t]+")
_HEADS_AFTER = r"(?i:[ \t]+(?:hospital|hosp\b\.?|medical[ \t]+center|med[ \t]+(?:center|ctr)|medical|er|ed|ew))?"
# Hospital names of a charitable / religious prefix, in any case ("went to holy cross", "from GOOD SAM").
_PREFIX_NAME_RE = re.compile(
    cue_words(r"good[ \t]+sam(?:aritan)?|sacred[ \t]+heart|holy[ \t]+(?:cross|family|spirit|name|redeemer|trinity)"
              r"|our[ \t]+lady[ \t]+of[ \t]+[a-z]+") + rf"(?![\w'-]){_HEADS_AFTER}")
# A generic name word before a facility word right after a place preposition: "TAKEN TO MEMORIAL HOSPITAL".
_GENERIC_NAMED_RE = re.compile(
    cue_words("to|at|from|in")
    + r"(?i:[ \t]((?:memorial|general|regional|county|city|baptist|methodist|presbyterian|lutheran"
    r"|adventist|mercy|providence|veterans|children'?s)[ \t]+(?:hospital|hosp\b\.?|medical[ \t]+center"
    r"|med[ \t]+(?:center|ctr))))")
# "University of Maryland Hospital", "UOf Maryland Hosp", "U of MD", "U Maryland ER".
_UNIVERSITY_RE = re.compile(
    rf"(?i:\b(?:univ(?:ersity)?\.?|u\.?)[ \t]*of[ \t]+(?:{_STATE_NAMES}|[a-z]{{2}}\b)"
    rf"|\bu\.?[ \t]+(?:{_STATE_NAMES})(?=[ \t]+(?:hospital|hosp|medical|med|er|ed|ew|icu|ccu)\b)){_HEADS_AFTER}")
# "at seymour black's house": the owner of a home is a person (and the home a place).
_OWNERS_HOME_RE = re.compile(cue_words("at|to|from|in") + r"[ \t]+((?:[A-Za-z]+[ \t]+){0,2}[A-Za-z]+)'s[ \t]+"
                             r"(?i:house|home|apartment|apt|place|farm|cabin|condo|trailer)\b")
# Employers in any case: "works for vista health", "employed at ACME", "his business Genentech".
_EMPLOYER_CUE_RE = re.compile(
    "(?:" + cue_words("works?|working|worked") + r"(?i:[ \t]+(?:for|at))|" + cue_words("employed")
    + r"(?i:[ \t]+(?:at|by))|" + cue_words("his|her|their|own|family")
    + r"(?i:[ \t]+(?:business|company|firm|store|shop|restaurant|bakery|employer)[ \t]*[,:-]?))[ \t]+(?:(?i:the)[ \t]+)?")
# a kind of facility, then where it is: "d/c to rehab at Brookhaven", "nursing home in Ashby", "PCP in Wexford"
_AT_FACILITY_RE = re.compile(
    cue_words(r"rehab|rehabilitation|acute[ \t]+rehab|nursing[ \t]+(?:home|facility)|snf|ltac|ltach|facility|assisted"
    r"[ \t]+living|hospice|group[ \t]+home|hospital|hosp|clinic|dialysis(?:[ \t]+(?:center|unit|clinic))?|shelter"
    r"|pcp|pmd|cardiologist|oncologist|nephrologist|doctor|vna|center|home[ \t]+care|daycare|day[ \t]+program")
    + r"(?i:[ \t]+(?:at|in|near)[ \t]+(?:the[ \t]+)?)(?=[A-Za-z])")
# a visiting-nurse agency named by its place or owner: "Cape Cod VNA", "VNA of Greater Lowell"; "VNA" alone stays
_VNA_RE = re.compile(r"(?<![\w-])(?:VNA|vna|Vna|(?i:visiting[ \t]+nurses?(?:[ \t]+association)?))(?![\w-])"
                     r"(?:[ \t]+(?i:of)[ \t]+(?:(?i:greater)[ \t]+)?)?")
_RELATIVES = frozenset("""mother father mom dad sister brother son daughter dtr wife husband friend friends neighbor
neighbour aunt uncle cousin niece nephew grandmother grandfather grandson granddaughter girlfriend boyfriend parents
family his her their my our sister-in-law brother-in-law partner fiance""".split())


def _employer_span(text: str, start: int) -> int:
    """End of an employer name after an employment cue (0 when the words are no name)."""
    end = name_run_end(text, start, min(len(text), start + 60))
    words = text[start:end].split()
    if not words or all(w.lower().strip(".") in _GENERIC or w.lower() in FACILITY_HEAD_WORDS for w in words):
        return 0
    title = not text[start:end].isupper() and not text[start:end].islower() and text[start].isupper()
    named = title or any(names_something(w) for w in words) or (
        len(words) > 1 and words[-1].lower() in FACILITY_HEAD_WORDS | {"inc", "co", "corp", "llc", "group", "bank"})
    return end if named else 0


def _agency_names(text: str, m: re.Match) -> list[Candidate]:
    """The place or owner words of a visiting-nurse agency: before it ("Cape Cod VNA": one word that names
    something or two Title-case words) or after "of" ("VNA of Greater Lowell")."""
    out = []
    start = name_run_start(text, max(0, m.start() - 60), m.start())
    words = text[start:m.start()].split()
    if words and (any(names_something(w) for w in words)
                  or (len(words) >= 2 and all(w[:1].isupper() and w[1:2].islower() for w in words))):
        out.append(Candidate(start, m.start() + 3 if text[m.start():m.start() + 3].lower() == "vna" else m.end(),
                             "ORGANIZATION", 0.6))
    if m.group().rstrip().lower().endswith("of") or m.group().rstrip().lower().endswith("greater"):
        eol = text.find("\n", m.end())
        end = name_run_end(text, m.end(), min(len(text) if eol < 0 else eol, m.end() + 40))
        if end > m.end() and any(names_something(w) for w in text[m.end():end].split()):
            out.append(Candidate(m.end(), end, "ORGANIZATION", 0.6))
    return out


def find_named_forms(text: str) -> list[Candidate]:
    """Hospital names without a proper-noun cue, employers and home owners, in any case (see the regexes)."""
    out = [Candidate(m.start(), m.end(), "ORGANIZATION", 0.7)
           for rx in (_PREFIX_NAME_RE, _UNIVERSITY_RE) for m in rx.finditer(text)]
    out += [Candidate(m.start(1), m.end(1), "ORGANIZATION", 0.7) for m in _GENERIC_NAMED_RE.finditer(text)]
    for m in _OWNERS_HOME_RE.finditer(text):
        words = m.group(1).split()
        while words and (words[0].lower() in _RELATIVES or words[0].lower() in STOP_WORDS):
            words.pop(0)
        if words and any(names_something(w) for w in words) and words[-1].lower() not in _RELATIVES:
            out.append(Candidate(m.end(1) - len(" ".join(words)), m.end(1), "LOCATION", 0.6))
    for m in _AT_FACILITY_RE.finditer(text):
        eol = text.find("\n", m.end())
        end = name_run_end(text, m.end(), min(len(text) if eol < 0 else eol, m.end() + 50))  # one line only
        words = text[m.end():end].split()
        mixed = not text[m.start():end].isupper() and not text[m.start():end].islower()
        if (words and not (mixed and not words[0][:1].isupper()) and any(names_something(w) for w in words)
                and not all(w.lower().strip(".") in US_STATES or w.strip(".") in STATE_ABBR for w in words)):
            out.append(Candidate(m.end(), end, "LOCATION", 0.6))
    for m in _VNA_RE.finditer(text):
        out += _agency_names(text, m)
    for m in _EMPLOYER_CUE_RE.finditer(text):
        end = _employer_span(text, m.end())
        if end:
            out.append(Candidate(m.end(), end, "ORGANIZATION", 0.6))
    return out


def find_facilities(text: str) -> list[Candidate]:
    """All finders of this module."""
    return (find_folded_facilities(text) + find_facility_acronyms(text) + find_wards_and_places(text)
            + find_named_forms(text))
