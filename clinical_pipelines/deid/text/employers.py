"""Employers, schools, shops and daycares named in a social history ("cashier at Market Basket", "drives for UPS",
"attends Little Sprouts daycare", "student at Northeastern", "volunteers at the Salvation Army"). HIPAA Safe Harbor
lists no organisations, but an employer or a child's school narrows a patient down like a town does (identifier (R),
"any other unique identifying ... characteristic", 45 CFR 164.514(b)(2)(i)(R)); the i2b2 2014 de-identification
guidelines annotate them as ORGANIZATION. The project's policy redacts them.

Read after an occupation and "at" / "for" ("a nurse at Beth Israel", "Mechanic at Jiffy Lube", "bus driver for Peter
Pan"; occupations from the US Bureau of Labor Statistics Standard Occupational Classification titles, as written in
notes), after an employment or school verb with "the" ("volunteers at the Salvation Army", "retired from the Post
Office"), after a school cue ("attends", "goes to", "in 3rd grade at", "enrolled at") when a school or daycare word
closes the name, and before a lower-case daycare word ("Bright Horizons daycare"). The name is the run of Title-case
words (or an acronym: "UPS", "CVS", "GE") right after the cue; generic places stay ("works at a bakery", "works in
construction", "works at home", "retired teacher", "nurse at bedside").

In any case (Title case, lower case, capitals), after a work cue ("works at", "retired machinist from", "employed by",
"job at", "Employer:", "Occupation: welder at"), a run of words closed by a legal form (Co, Co-op, Inc, LLC, Corp)
or a business word (Mill, Dairy, Casino, Foods, Bank, Store, Transit ...) with a name word before it is an employer
("RETIRED FROM BRIGHT DAIRY CO-OP"); kinds of business ("the grocery store", "a trucking company") and branches of
the armed forces ("retired from the Army") stay.

``find_employers(text)``, ``find_cued_companies(text) -> list[Candidate]`` (type ORGANIZATION, score 0.6).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from .facilities import UNIT_ABBREVIATIONS, names_something, name_run_end
from .ner_words import NER_ABBREVIATIONS
from .safelist_vocabulary import word_zipf
from .safelist_words import is_clinical_word, is_known_word
from .spans import Candidate

# occupations as written in social histories (SOC titles and their common short forms)
_OCCUPATIONS = r"""cashier|teacher|nurse|aide|manager|mechanic|custodian|janitor|clerk|driver|machinist|engineer
    |student|senior|junior|sophomore|freshman|professor|lecturer|instructor|accountant|bookkeeper|analyst|programmer
    |developer|technician|tech|secretary|receptionist|administrator|assistant|cook|chef|waiter|waitress|server
    |bartender|dishwasher|baker|butcher|stocker|guard|officer|firefighter|paramedic|emt|electrician|plumber|carpenter
    |welder|laborer|worker|employee|volunteer|pharmacist|physician|doctor|dentist|lawyer|attorney|paralegal|banker
    |teller|salesman|saleswoman|salesperson|associate|supervisor|foreman|operator|attendant|housekeeper|nanny
    |caregiver|cna|pca|hha|librarian|coach|counselor|counsellor|therapist|pastor|minister|priest|rabbi|scientist
    |researcher|consultant|contractor|director|executive|owner|agent|broker|realtor|landscaper|roofer|painter|mover
    |courier|dispatcher|pilot|conductor|barista|hairdresser|barber|stylist|cosmetologist|carrier|longshoreman
    |fisherman|farmer|miner|trucker|mail[ \t]+carrier|letter[ \t]+carrier|bus[ \t]+driver|truck[ \t]+driver
    |line[ \t]+cook|security[ \t]+guard|social[ \t]+worker|sales[ \t]+associate|store[ \t]+manager|machine
    [ \t]+operator|factory[ \t]+worker|warehouse[ \t]+worker|postal[ \t]+worker|paraprofessional|substitute
    |crossing[ \t]+guard|lunch[ \t]+lady|principal|dean|coordinator|specialist|representative|rep|inspector
    |estimator|designer|architect|editor|reporter|writer|photographer|musician|artist|chemist|biologist"""
_OCCUPATIONS = re.sub(r"\s*\|\s*", "|", _OCCUPATIONS.strip())
_NAME_START = r"(?=[A-Z])"
# " at " / " for " (...) before a capital: the only places an employer can follow; the cue is read backwards from there
AT_NAME_RE = re.compile(r"[ \t\n](?:(?i:at|for|by|from)[ \t]+|@[ \t]*)(?:(?:the|THE)[ \t]+)?(?=[A-Z])")
# an occupation right before "at" / "for": "a nurse at Beth Israel", "Mechanic at Jiffy Lube"
OCCUPATION_BEFORE_RE = re.compile(rf"(?<![\w-])(?i:{_OCCUPATIONS})s?\Z")
# an employment or school verb, a few words at most, then the preposition: "works nights at CVS", "retired from the
# Post Office", "drives for UPS", "volunteers at the Salvation Army", "teaches 3rd grade at ..."
EMPLOYER_VERB_BEFORE_RE = re.compile(
    r"(?<![\w-])(?i:works?|worked|working|employed|retired|volunteers?|volunteered|volunteering|drives|drove|delivers"
    r"|delivered|teaches|taught|studies|studied|interns|contracts|employee|school|classes|jobs?|shifts?|internship"
    r"|employment)(?:[ \t]+[a-z0-9-]+){0,3}?\Z")
_PREPOSITION_RE = re.compile(r"[ \t\n]((?i:at|for|by|from)|@)")
SCHOOL_CUE_RE = re.compile(
    r"(?<![\w-])(?i:attends|attended|attending|goes[ \t]+to|went[ \t]+to|enrolled[ \t]+(?:at|in)|(?:is|was)[ \t]+in"
    r"[ \t]+(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|pre-?k|kindergarten)(?:[ \t]+grade)?[ \t]+at)[ \t]+(?:(?:the|THE)[ \t]+)?" + _NAME_START)
_SCHOOL_WORDS = (r"daycare|day[ \t]+care|preschool|pre-school|nursery(?:[ \t]+school)?|montessori|child[ \t]*care"
                 r"|learning[ \t]+(?:center|centre|academy)|kindergarten|school|academy|elementary|college|university"
                 r"|institute|seminary|conservatory")
_SCHOOL_END_RE = re.compile(rf"(?i:[ \t]*(?:{_SCHOOL_WORDS}))\b")
# a Title-case name before a lower-case daycare word: "Little Sprouts daycare", "Bright Horizons preschool"
DAYCARE_RE = re.compile(r"((?:[A-Z][A-Za-z'’&.-]*[ \t]+(?:(?:&|and|of)[ \t]+)?){1,4})(?:daycare|day[ \t]+care"
                        r"|preschool|pre-school|nursery[ \t]+school|montessori|child[ \t]*care|after-?school"
                        r"(?:[ \t]+program)?)\b")
# labelled fields of a social history: "Job: Home Depot", "Employer - Raytheon", "Daycare: Little Sprouts"
LABEL_RE = re.compile(r"(?im)^[ \t]*(?:job|employer|employment|workplace|place[ \t]+of[ \t]+(?:employment|work)|company"
                      r"|school|daycare|day[ \t]+care|works?[ \t]+at)[ \t]*(?::|-|=)[ \t]*(?=[A-Z])")
_NOT_NAME_VALUES = frozenset("""retired unemployed disabled disability none n/a na unknown homemaker student self
    self-employed""".split())
_ACRONYM_RE = re.compile(r"[A-Z][A-Z&]{1,5}(?![\w&])")
# acronyms after "at" that are times, places in a hospital or no names ("at HS", "at ICU", "at AM")
_NOT_EMPLOYER_ACRONYMS = frozenset("AM PM HS NOC QHS BID TID QID PRN ASAP ETOH AMA USA US UK OK ID".split())
# Title-case words after a cue that name no organisation ("nurse at Bedside", "works at Home")
_GENERIC = frozenset("""home work school bedside night nights noon midnight baseline rest least times time present
    the a an this that his her their its our my your same hospital clinic office store shop house church college
    university daycare preschool local nearby various several both all""".split())
_LEAD_CUE_WORDS = frozenset("""attends attended works worked employed retired volunteers volunteered goes went drives
    teaches studies enrolled""".split())


def _name_after(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the organisation name that starts at ``pos``: an acronym ("UPS", "CVS") or a run of
    Title-case name words (``facilities.name_run_end``); (pos, pos) when none."""
    hi = text.find("\n", pos)
    hi = min(len(text) if hi < 0 else hi, pos + 80)
    end = name_run_end(text, pos, hi)
    a = _ACRONYM_RE.match(text, pos)
    if end == pos and a and a.group() not in _NOT_EMPLOYER_ACRONYMS and a.group() not in UNIT_ABBREVIATIONS \
            and a.group() not in NER_ABBREVIATIONS:
        end = a.end()  # "drives for UPS", "works nights at CVS"
    lower = re.search(r"[ \t]+[a-z]", text[pos:end])  # "Little Sprouts| daycare", "Sunshine Preschool| three days"
    if lower:
        end = pos + lower.start()
    words = text[pos:end].split()
    if not words or all(w.lower().strip(".,'’s") in _GENERIC for w in words):
        return pos, pos
    return pos, end


def _caps_text(text: str, pos: int) -> bool:
    """The line around ``pos`` is typed in capitals: an occupation cue cannot tell a name from a word there."""
    lo, hi = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    return not any(c.islower() for c in text[lo:hi if hi >= 0 else len(text)])


def find_employers(text: str) -> list[Candidate]:
    """Employers, schools and daycares after the cues of the module docstring (ORGANIZATION, score 0.6)."""
    out: list[Candidate] = []
    low = text.lower()
    for m in AT_NAME_RE.finditer(text):
        before = text[max(0, m.start() - 48):m.start()]
        prep = _PREPOSITION_RE.match(text, m.start()).group(1).lower()
        occupation = prep in ("at", "for") and OCCUPATION_BEFORE_RE.search(before)
        if not occupation and not (prep != "in" and EMPLOYER_VERB_BEFORE_RE.search(before)):
            continue
        if _caps_text(text, m.end()):
            continue  # in capitals the cue cannot tell "NURSE AT BEDSIDE" from a name (ORG_CONTEXT_RE reads those)
        s, e = _name_after(text, m.end())
        if e > s:
            out.append(Candidate(s, e, "ORGANIZATION", 0.6))
    for m in LABEL_RE.finditer(text):
        s, e = _name_after(text, m.end())
        first = text[s:e].split()[0].lower() if e > s else ""
        if e <= s or first in _NOT_NAME_VALUES or first in _LEAD_CUE_WORDS or OCCUPATION_BEFORE_RE.search(text[s:e]):
            continue  # "Job: Cashier" is an occupation, "Employer: Retired" none
        if re.match(r"[ \t]*(?i:school)", text[m.start():m.end()]) and not _SCHOOL_END_RE.search(text[s:e]) \
                and is_known_word(first):
            continue  # "School: Doing well": prose, not a school's name
        out.append(Candidate(s, e, "ORGANIZATION", 0.6))
    if "attend" in low or " to " in low or "enrolled" in low or " at " in low:
        for m in SCHOOL_CUE_RE.finditer(text):
            s, e = _name_after(text, m.end())
            if e > s and (_SCHOOL_END_RE.search(text[s:e]) or _SCHOOL_END_RE.match(text, e)
                          or re.search(r"(?i:grade|enrolled|[ \t]at)[ \t]", m.group())):
                out.append(Candidate(s, e, "ORGANIZATION", 0.6))
    if "care" in low or "school" in low or "montessori" in low or "nursery" in low:
        for m in DAYCARE_RE.finditer(text):
            words = list(re.finditer(r"\S+", m.group(1)))
            while words and words[0].group().lower() in _LEAD_CUE_WORDS:
                words.pop(0)
            if words and not all(w.group().lower().strip(".,'’s") in _GENERIC for w in words):
                out.append(Candidate(m.start(1) + words[0].start(), m.start(1) + words[-1].end(), "ORGANIZATION", 0.6))
    return out


def drop_lead_cue(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Organisation candidates without a leading employment or school verb typed in Title case at a sentence start
    ("Attends| Boston Latin School", "Works| at ...")."""
    out = []
    for c in cands:
        m = re.match(r"([A-Za-z]+)[ \t]+", text[c.start:c.end])
        if c.type == "ORGANIZATION" and m and m.group(1).lower() in _LEAD_CUE_WORDS:
            c = Candidate(c.start + m.end(), c.end, c.type, c.score)
        out.append(c)
    return out


# --- employers named after a work cue in any case ("RETIRED FROM BRIGHT DAIRY CO-OP", "works at lakeview casino") --
# A work cue: a work verb, up to four words ("as a driver", "in maintenance", "full time", an occupation), then the
# preposition; or an employer / occupation label. Wrapped lines may split the cue ("Retired\nfrom ...").
WORK_CUE_RE = re.compile(
    r"(?<![\w-])(?i:(?:works?|worked|working|employed|retired|job|volunteers?|volunteered)(?:\s+[a-z-]+){0,4}?\s+"
    r"(?:at|for|by|from|with)|(?:employer|employment|place\s+of\s+(?:employment|work)|workplace)\s*[:=-]"
    r"|occupation\s*[:=-]\s*[a-z][a-z -]{0,30}?\s(?:at|for|with))[ \t]+")
_WORK_PREFILTER_RE = re.compile(r"(?i:work|employ|retire|job|occupation|volunteer)")
# legal forms: any name word before them makes a company name ("Bright Dairy Co-op")
_LEGAL_FORMS = frozenset("co co-op coop inc llc llp ltd corp corporation".split())  # compared without their dot
# kinds of business that close a company's name ("Lakeview Casino", "Greyfield Foods", "Summit Bank")
_BUSINESS_HEADS = frozenset("""mill mills dairy casino food foods farm farms plant factory motors bank store stores
    market markets supermarket transit insurance freight logistics hardware quarry works industries manufacturing mfg
    packing trucking roofing lumber steel foundry cannery creamery brewery winery bakery diner restaurant cafe hotel
    inn resort motel warehouse distributors distribution shipping airline airlines railroad railway rail mine mines
    mining refinery elevator dealership garage auto enterprises group services shipyard cleaners laundry nursery
    greenhouse orchards ranch landscaping plumbing electric construction contractors schools elementary company
    companies cooperative""".split())
# words that describe a kind of business, not a name ("grocery store", "paper mill", "shoe factory")
_BUSINESS_WORDS = frozenset("""grocery hardware shoe paper steel auto car tire lumber feed textile garment clothing
    furniture meat packing chicken poultry fish seafood dairy candy toy book print printing machine tool glass
    plastics chemical oil gas coffee pizza donut bakery liquor convenience department discount dollar county city
    state federal town local family public private post community general national regional big small new old
    little corner neighborhood nearby area home farm food casino bank store market plant mill factory""".split())
_DETERMINERS = frozenset("the a an his her their its our my your this that".split())
_RUN_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'-]*\.?")
_NAME_LINK_WORDS = frozenset("& and of".split())
# a branch of the armed forces is no identifier ("retired from the Army", "served in the US Navy")
SERVICE_BRANCH_RE = re.compile(r"(?i:(?:the[ \t]+)?(?:u\.?s\.?a?\.?[ \t]+)?(?:army|navy|air[ \t]+force|marines?"
                               r"|marine[ \t]+corps|coast[ \t]+guard|national[ \t]+guard|military|armed[ \t]+forces"
                               r"|(?:army[ \t]+)?reserves?|space[ \t]+force))")


def _proper_word(word: str) -> bool:
    """A word that can name a business: rare ("Lakeview", "Tri-County") or a name (``facilities.names_something``,
    "Summit", "Kingsley"), no business-kind word ("grocery", "shoe") and no stop word."""
    lw = word.lower().strip(".'")
    if len(lw) < 2 or lw in _BUSINESS_WORDS or lw in _BUSINESS_HEADS or lw in STOP_WORDS or is_clinical_word(lw):
        return False
    z = word_zipf(lw)
    return z < 4.0 or (z < 4.5 and names_something(lw.title()))


def _company_after(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of a company name in any case starting at ``pos``: up to six words on the line, closed by a
    legal form or a business word, with a name word before it; (pos, pos) when none."""
    toks: list[re.Match] = []
    p = pos
    while len(toks) < 7:
        m = _RUN_TOKEN_RE.match(text, p)
        if not m:
            break
        w = m.group().lower()
        if (w.rstrip(".") in STOP_WORDS and w not in _NAME_LINK_WORDS and not (not toks and w in _DETERMINERS)):
            break
        toks.append(m)
        if m.group().endswith("."):
            break  # a full stop ends the name ("Kessler Steel Co.")
        sep = re.match(r"[ \t]+", text[m.end():m.end() + 8])
        if not sep:
            break
        p = m.end() + sep.end()
    if toks and toks[0].group().lower() in ("a", "an"):
        return pos, pos  # "works for a trucking company": a kind of employer, not a name
    if toks and toks[0].group().lower() in _DETERMINERS:
        toks = toks[1:]
    words = [t.group().lower().rstrip(".") for t in toks]
    head = max((i for i, w in enumerate(words) if w in _LEGAL_FORMS or w in _BUSINESS_HEADS), default=-1)
    if head < 1:
        return pos, pos
    names = [t.group() for t in toks[:head] if t.group().lower() not in _NAME_LINK_WORDS]
    legal = any(w in _LEGAL_FORMS for w in words[1:head + 1])
    if not names or not (any(_proper_word(w) for w in names) or (legal and any(
            w.lower() not in _BUSINESS_WORDS and w.lower() not in _BUSINESS_HEADS and w.lower() not in STOP_WORDS
            for w in names))):
        return pos, pos
    end = toks[head].end()
    if text[end - 1] == "." and words[head] not in ("co", "inc", "corp", "ltd"):
        end -= 1
    return toks[0].start(), end


def find_cued_companies(text: str) -> list[Candidate]:
    """Company names in any case after a work cue (``WORK_CUE_RE``): "Retired from Lakeview Casino", "RETIRED
    FROM BRIGHT DAIRY CO-OP", "works as a driver at tri-county transit" (ORGANIZATION, score 0.6). Generic work
    places stay ("works at the grocery store", "retired from teaching", "works for the county")."""
    if not _WORK_PREFILTER_RE.search(text):
        return []
    out = []
    for m in WORK_CUE_RE.finditer(text):
        s, e = _company_after(text, m.end())
        if e > s:
            out.append(Candidate(s, e, "ORGANIZATION", 0.6))
    return out
