"""Geographic subdivisions smaller than a state (45 CFR 164.514(b)(2)(i)(B)): street addresses, PO boxes,
and the city or town written before a state and/or ZIP code.

Street forms follow USPS Publication 28: a house number (digits, a letter, or the hyphenated
Queens form "37-12"), street-name words, and a street suffix from Appendix C1 ("St", "Ave",
"Pl", ...), or a numbered route ("Route 9", "County Road 12", "State Hwy 7"); a secondary unit
(Apt, Suite, Fl, Unit, #) belongs to the address. A city is the run of capitalised words before
", ST" or a state name when a ZIP code follows or the state is unambiguous; states themselves may stay.
"""
from __future__ import annotations

import re

from .lexicon import is_clinical, zipf

US_STATES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|"
             "Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|"
             "Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
             "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|"
             "South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|"
             "District of Columbia|Puerto Rico|Guam")
STATE_CODES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
               "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP").split()
# codes that are also clinical abbreviations or credentials (LA left atrium, MS mitral stenosis, MD, PA, ...)
AMBIGUOUS_CODES = {"MD", "PA", "OK", "IN", "OR", "ME", "HI", "DE", "CO", "LA", "MS", "MA", "ID", "GA", "VA", "SC",
                   "NE", "AS", "DC", "MI", "PR", "RI", "AL", "CT", "VT", "NC", "SD", "IA", "WA", "WI", "MO", "UT"}
_SUFFIX = ("Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Way|"
           "Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Pike|Alley|Aly|Loop|Row|Crescent|Cres|Close|"
           "Plaza|Plz|Point|Pt|Ridge|Rdg|Run|Path|Walk|Crossing|Xing|Heights|Hts|Commons|Cmns|Green|Grn|Grove|Grv|"
           "Hollow|Holw|Landing|Lndg|Mews|Park|Pass|Turnpike|Tpke|Expressway|Expy|Freeway|Fwy|Causeway|Cswy|"
           # informal abbreviations seen in notes beside Publication 28's ("Northern Bl.", "Ocean Bvd")
           "Bl|Blv|Bvd|Av|Str|Drv|Crt|Terr|Pkw|Hgwy|Hiway|Rte")
_WORD = r"(?:[A-Z][A-Za-z'.-]*|\d+(?i:st|nd|rd|th)|(?:del|de|la|las|los|el|da|das|do|dos|du|des|van|von|der|di)(?=[ \t]+[A-Z]))"
_HOUSE = r"\d{1,6}(?:-\d{1,5})?[A-Za-z]?(?:\s?1/2)?"
_UNIT = r"(?:,?[ \t]*(?i:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|Building|Lot|#)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]{1,6})*"
STREET_RE = re.compile(
    rf"(?<![\w/.:-]){_HOUSE}[ \t]+(?:[NSEW]\.?[ \t]+|(?:North|South|East|West)[ \t]+)?(?:{_WORD}[ \t]+){{1,4}}"
    rf"(?:{_SUFFIX}|{_SUFFIX.upper()})\b\.?(?:\s+(?:[NSEW]|NE|NW|SE|SW)\b\.?)?{_UNIT}")
ROUTE_RE = re.compile(
    rf"(?<![\w/.:-])(?:{_HOUSE}[ \t]+)?(?:(?:State|County|US|U\.S\.|Interstate|Farm[ \t]+to[ \t]+Market|Rural|STATE|"
    rf"COUNTY|INTERSTATE)[ \t]+)?(?:Route|Rte|Highway|Hwy|Road|ROUTE|RTE|HIGHWAY|HWY|ROAD)\.?[ \t]+\d{{1,4}}[A-Z]?\b{_UNIT}|"
    rf"(?<![\w/.:-]){_HOUSE}[ \t]+(?:State|County|STATE|COUNTY)[ \t]+(?:Rd|RD|Rt|RT)\.?[ \t]+\d{{1,4}}[A-Z]?\b{_UNIT}")
PO_BOX_RE = re.compile(r"\b(?:P\.?\s?O\.?|Post\s+Office)\s*Box\s*#?\s*\d+\b|\bBox\s+\d{2,}\b|"
                       r"\bP\.?\s?O\.?\s?B\.?\s*#?\s*\d+\b", re.I)
# USPS Publication 28 section 24 rural routes and highway contract routes: "RR 2 Box 118", "Rural Route 3",
# "HC 64 Box 12" (a bare "RR 18" is a respiratory rate: the route needs its box or the words "Rural Route")
RURAL_ROUTE_RE = re.compile(r"\b(?:(?:RR|R\.R\.|HC|HCR|Rte|Route)[ \t]*#?[ \t]*\d{1,3}[ \t]*,?[ \t]*Box[ \t]*#?[ \t]*\d{1,5}|"
                            r"Box[ \t]*#?[ \t]*\d{1,5}[ \t]*,?[ \t]*(?:RR|R\.R\.|HC|HCR)[ \t]*#?[ \t]*\d{1,3}|"
                            r"(?i:rural[ \t]+route|star[ \t]+route|highway[ \t]+contract[ \t]+route)[ \t]*#?[ \t]*\d{1,3}"
                            r"(?:[ \t]*,?[ \t]*(?i:box)[ \t]*#?[ \t]*\d{1,5})?)\b")
# a house number before a hyphenated route number: "77 US-1", "1200 I-95 Frontage", "45 SR-9", "310 NY-25A"
HYPHEN_ROUTE_RE = re.compile(rf"(?<![\w/.:-]){_HOUSE}[ \t]+(?:US|I|SR|CR|FM|RM|SH|SC|[A-Z]{{2}})-\d{{1,4}}[A-Z]?\b{_UNIT}")
_CITY_WORD = r"(?:[A-Z][a-z'.-]+|[A-Z]{2,}|St\.?|Ft\.?|Mt\.?)"
_CITY = rf"{_CITY_WORD}(?:[ -]{_CITY_WORD}){{0,2}}"
_ZIP = r"\d{5}(?:-\d{4})?"
CITY_STATE_RE = re.compile(
    rf"(?<![\w])({_CITY})(?P<comma>,[ \t]*|[ \t]+)(?P<state>{US_STATES}|{US_STATES.upper()}|{'|'.join(STATE_CODES)})\b\.?"
    rf"(?P<zip>,?\s*{_ZIP}\b)?")
# first words of US place names that look like abbreviations ("EL PASO", "LA CROSSE", "ST PAUL", "DES MOINES")
_CITY_PREFIXES = {"EL", "LA", "LE", "DE", "ST", "FT", "MT", "PT"}
_NOT_CITY = {"Dr", "Mr", "Mrs", "Ms", "The", "And", "Or", "Of", "In", "At", "To", "On", "With", "For", "By", "From",
             "Address", "Home", "Lives", "City", "Town", "State", "Zip", "Mailing", "Street", "Resides", "Born",
             "Transferred", "Hospital", "Clinic", "Center", "Medical", "MD", "RN", "NP", "DO", "PA", "Suite", "Apt"}


COUNTY_RE = re.compile(r"\b(?:[A-Z][a-z'.-]+[ \t]+){1,3}(?:County|Parish|Borough|Township|COUNTY|PARISH)\b|"
                       r"\b(?:County|Parish|Township)[ \t]+of[ \t]+(?:[A-Z][a-z'.-]+)(?:[ \t]+[A-Z][a-z'.-]+){0,2}")
# "lives alone in Stonebury", "moved here from Ossipee Flats": a place after a residence word
RESIDENCE_RE = re.compile(r"\b(?i:lives?|living|resides?|residing|resident|grew\s+up|born|moved|relocated|home|"
                          r"hometown|native|stays?|staying)\b[^\n;]{0,50}?\b(?i:in|to|from|near)[ \t]+"
                          r"((?:[A-Z][a-z'-]+|[A-Z]{4,})(?:[ \t-](?:[A-Z][a-z'-]+|[A-Z]{4,})){0,2})(?![\w])")
RESIDENCE_CUE_RE = re.compile(r"\b(?:lives?|living|resides?|residing|residence|address|addr|city|town|hometown|"
                              r"moved|relocated|home|from|in)\b[^.\n;]{0,30}$", re.I)
# a city and a state code in parentheses, lower case included: "(yakima, wa)", "(duluth mn)"
PAREN_CITY_RE = re.compile(rf"\(((?:[a-z][a-z'.-]+)(?:[ \t][a-z][a-z'.-]+){{0,2}}),?[ \t]+(?:{'|'.join(c.lower() for c in STATE_CODES)})\)")
# generic parts of US place names (USGS GNIS feature classes)
GEO_WORD_RE = re.compile(r"(?i:lake|lakes|falls|glen|corner|corners|prairie|springs?|heights|hills?|valley|creek|river|"
                         r"ridge|city|town|village|harbou?r|bay|beach|point|crossing|landing|junction|mills?|grove|"
                         r"forest|woods|meadows?|fields?|ford|ferry|bluffs?|park|station|center|centre|port|haven|"
                         r"rapids|flats|hollow|mountain|mount|island|shores?|cove|bend|gap|gardens?|acres|estates)$")
# the town after a facility name or a transfer: "Keene Memorial Hospital in Keene", "Sent from Sacred Heart in Macon"
FACILITY_IN_RE = re.compile(r"\b(?i:good[ \t]+samaritan|sacred[ \t]+heart|hospital|medical[ \t]+center|health[ \t]+center|cent(?:er|re)|clinic|infirmary|"
                            r"memorial|regional|general|community|facility|nursing[ \t]+home|rehab|sent[ \t]+from|"
                            r"transferred[ \t]+from|transfer[ \t]+from|facility)\b[^\n;.]{0,40}?[ \t]in[ \t]+"
                            r"((?:[A-Z][a-z'-]+|[A-Z]{4,})(?:[ \t-](?:[A-Z][a-z'-]+|[A-Z]{4,})){0,2})(?![\w])")
_NOT_TOWN = frozenset("""room bed bay unit floor wing suite building clinic hospital center centre department emergency
radiology cardiology medicine surgery oncology pediatrics the a an this his her their our january february march april
may june july august september october november december monday tuesday wednesday thursday friday saturday sunday
today tonight morning evening night hospice rehab rehabilitation snf ltc ltach assisted memory nursing skilled care
home icu ccu ward triage observation recovery pacu stepdown telemetry""".split())
_CURRENT_HOME_RE = re.compile(r"(?i:lives?|living|resides?|residing|resident|moved|relocated|stays?|staying)\b")
AFTER_STREET_RE = re.compile(r",[ \t]*((?:[A-Z][a-z'-]+|[A-Z]{3,})(?:[ \t](?:[A-Z][a-z'-]+|[A-Z]{3,})){0,2})(?![\w])")


def find_streets(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in STREET_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in ROUTE_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in PO_BOX_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in RURAL_ROUTE_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in HYPHEN_ROUTE_RE.finditer(text)]
    return sorted(set(spans))


def find_places(text: str, is_place_word) -> list[tuple[int, int]]:
    """Counties, places after a residence word and the town after a street address. ``is_place_word(w)``
    tells a place name from an ordinary word (out of the vocabulary or a name)."""
    out = [(m.start(), m.end()) for m in COUNTY_RE.finditer(text)]
    for m in RESIDENCE_RE.finditer(text):
        words = re.split(r"[ \t-]", m.group(1))
        if words[0].lower() in ("a", "an", "the", "his", "her", "their"):
            continue
        if not any(is_place_word(w) for w in words) and not (len(words) >= 2 and GEO_WORD_RE.match(words[-1])):
            continue
        if not all(w[:1].isupper() for w in words):
            continue
        out.append((m.start(1), m.end(1)))
    for m in RESIDENCE_RE.finditer(text):  # where the patient lives now: a town that is also a middling English word
        words = re.split(r"[ \t-]", m.group(1))
        if _CURRENT_HOME_RE.match(m.group(0)) and words[0].lower() not in _NOT_TOWN and all(w[:1].isupper() for w in words) and \
                not re.fullmatch(US_STATES, m.group(1), re.I) and not any(is_clinical(w) for w in words) and \
                any(zipf(w) < 4.0 for w in words):
            out.append((m.start(1), m.end(1)))
    for m in FACILITY_IN_RE.finditer(text):
        words = re.split(r"[ \t-]", m.group(1))
        if words[0].lower() in _NOT_TOWN or any(is_clinical(w) or w.endswith("'s") for w in words):
            continue
        if any(zipf(w) < 4.0 for w in words) or GEO_WORD_RE.match(words[-1]):
            out.append((m.start(1), m.end(1)))
    for s, e in find_streets(text):
        m = AFTER_STREET_RE.match(text, e)
        if m and not re.match(rf"(?:{_SUFFIX}|Apt|Suite|Ste|Unit|Fl|Floor)$", m.group(1)):
            out.append((m.start(1), m.end(1)))
    return out


def find_cities(text: str) -> list[tuple[int, int]]:
    """City/town names written before a state (and ZIP). Only the city span is returned."""
    out = []
    for m in CITY_STATE_RE.finditer(text):
        state, zip_ = m.group("state"), m.group("zip")
        parens = text[max(0, m.start() - 1):m.start()] == "(" and text[m.end():m.end() + 1] == ")"
        cued = RESIDENCE_CUE_RE.search(text[max(0, m.start() - 50):m.start()]) is not None
        if not zip_ and "," not in m.group("comma") and (len(state) == 2 or m.group(1).isupper()) \
                and not parens and not (cued and m.group(1).isupper() and len(state) > 2):
            continue  # "LICENSE NH", "BILLINGS MONTANA" without a ZIP or a residence cue: no city form
        if state.upper() in AMBIGUOUS_CODES and len(state) == 2 and not zip_:
            before = text[max(0, m.start() - 1):m.start()]
            after = text[m.end():m.end() + 1]
            residence = RESIDENCE_CUE_RE.search(text[max(0, m.start() - 50):m.start()])
            if not (before == "(" and after == ")") and not residence:
                continue
        words = re.split(r"[ -]", m.group(1))
        while len(words) > 1 and (words[0].strip(".").title() in _NOT_CITY or words[0].isupper() and (
                is_clinical(words[0]) or len(words[0]) <= 2 and words[0] not in _CITY_PREFIXES)):
            words = words[1:]
        if not words or (len(words) == 1 and words[-1].strip(".").title() in _NOT_CITY) or \
                (m.group(1).isupper() and len(words[-1]) < 4):
            continue
        city = " ".join(words)
        start = m.start(1) + m.group(1).rfind(city) if city in m.group(1) else m.start(1)
        out.append((start, m.end(1)))
    for m in PAREN_CITY_RE.finditer(text):
        if all(zipf(w) < 4.0 and not is_clinical(w) for w in re.split(r"[ \t]+", m.group(1))):
            # town names are rare words; "(see above, ok)", "(left arm, mn)", "(bid, nd)" are not towns
            out.append((m.start(1), m.end(1)))
    return out
