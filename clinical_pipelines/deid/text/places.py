"""US places (HIPAA Safe Harbor identifier (B): "all geographic subdivisions smaller than a state, including ...
city, county"), from the USPS ZIP code list shipped by the pinned ``zipcodes`` package (MIT licence): every ZIP
code's city, its acceptable alternative city names and its county, with the state.

A place name is reported only with evidence that it is a place, because thousands of US places are also ordinary
words or surnames ("Mobile", "Hope", "Normal", "Jackson"):
- a city followed by its own state ("Kingston, NY", "Burlington, Vermont", "BILLINGS MONTANA 59103",
  "(Dubuque, IA)"): the (city, state) pair must exist in the USPS list;
- a place after a residence or travel cue ("lives in", "moved from", "born in", "grew up in", "town of") or a
  "<Name> County" form;
- a whole cell of a delimited row (see ``is_place``, used by the delimited-row finder).
"""
from __future__ import annotations

import functools
import re

from ..vocab import STATE_ABBR
from .spans import Candidate

# USPS state names -> two-letter codes (the 50 states, DC and the territories in the ZIP list).
STATE_CODES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID",
    "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
    "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "district of columbia": "DC",
    "puerto rico": "PR", "guam": "GU", "virgin islands": "VI",
}


@functools.lru_cache(maxsize=1)
def place_index() -> tuple[frozenset[tuple[str, str]], frozenset[str], frozenset[str]]:
    """((city, state) pairs, city names, county names), lower-cased, from the USPS ZIP list."""
    import zipcodes

    pairs, cities, counties = set(), set(), set()
    for z in zipcodes.list_all():
        st = z.get("state") or ""
        for name in [z.get("city") or ""] + list(z.get("acceptable_cities") or ()):
            name = name.strip().lower()
            if name:
                pairs.add((name, st))
                cities.add(name)
        county = re.sub(r"\s+(county|parish|borough|census area|municipality|municipio)$", "",
                        (z.get("county") or "").strip().lower())
        if county:
            counties.add(county)
    return frozenset(pairs), frozenset(cities), frozenset(counties)


_ABBREV = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
_ABBREV_RE = re.compile(r"^(?:st|ste|mt|ft|pt)\b")


def is_place(name: str, state: str | None = None) -> bool:
    """True when ``name`` is a USPS city (in ``state``, a two-letter code or a state name, when given)."""
    pairs, cities, _ = place_index()
    plain = " ".join(name.lower().replace(".", "").split())
    keys = {plain, _ABBREV_RE.sub(lambda m: _ABBREV[m.group()], plain)}
    if state is None:
        return any(k in cities for k in keys)
    st = state.upper() if len(state) == 2 else STATE_CODES.get(state.lower(), "")
    return any((k, st) in pairs for k in keys)


_CITY_WORD = r"(?:(?:St|Ft|Mt|Pt|ST|FT|MT|PT)\.|[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)?|[A-Z]{2,}(?:['-][A-Z]+)?)"
_CITY = rf"{_CITY_WORD}(?:[ \t]{_CITY_WORD}){{0,3}}"
_STATE_NAME = "|".join(sorted((s.title() for s in STATE_CODES), key=len, reverse=True))
_STATE_NAME_UP = "|".join(sorted((s.upper() for s in STATE_CODES), key=len, reverse=True))
_STATE = rf"(?:{'|'.join(STATE_ABBR + ['VI'])}|{_STATE_NAME}|{_STATE_NAME_UP})"
_ZIP = r"\d{5}(?:-\d{4})?"
# "City, ST", "City, State", "CITY ST 12345", "City, State, 12345-6789", "(City, ST)"
CITY_STATE_RE = re.compile(rf"(?<![\w-])({_CITY})(,?[ \t]+|,)({_STATE})\.?(?![\w-])(?:(,?[ \t]*)({_ZIP}))?(?![\d-])")
PLACE_CUE_RE = re.compile(
    r"(?i:\b(?:lives?|living|resides?|residing|resident|moved|relocated|relocating|born|raised|grew[ \t]+up|native"
    r"|visiting|visited|travel+ed|trip|vacation(?:ed|ing)?|hometown|home[ \t]+town|commutes?|drove|works?)"
    r"(?:[ \t]+(?:here[ \t]+)?(?:in|to|from|of|at|near|outside(?:[ \t]+of)?))"
    r"|\b(?:town|city|village|borough|township|county)[ \t]+of"
    r"|\b(?:lives?|living|resides?|residing)\b[^.\n;:]{0,40}?\b(?:in|near|outside(?:[ \t]+of)?))[ \t]+")
# Place-type words that complete a town name: "Ossipee Flats", "Harlow Falls", "Cedar Springs".
_PLACE_TAIL_RE = re.compile(r"(?:[ \t](?i:Falls|Flats|Springs|Heights|Hills|Park|Beach|Valley|Junction|Lake|Creek|Bay"
                            r"|Harbor|Harbour|Point|Landing|Crossing|Ridge|Grove|Mills|Station|City|Town|Village"
                            r"|Township|Center|Centre|Corners|Bluffs|Shores|Woods|Forge|Gap|Glen)\b)+")
COUNTY_RE = re.compile(r"(?<![\w-])((?:[A-Z][a-z]+[ \t]){0,2}[A-Z][a-z]+)[ \t]+(?:County|Parish|COUNTY|PARISH)\b")


_WORD_STATES = frozenset("IN OR ME OK HI OH".split())  # state codes that are also English words


def _state_ok(city: str, state: str) -> bool:
    if state.isupper() and len(state) == 2 and state not in STATE_ABBR + ["VI"]:
        return False
    return is_place(city, state)


def find_places(text: str) -> list[Candidate]:
    """Cities with their state (and ZIP), places after residence / travel cues, and "<Name> County"."""
    out: list[Candidate] = []
    for m in CITY_STATE_RE.finditer(text):
        if m.group(3) in _WORD_STATES and "," not in m.group(2) and not m.group(5):
            continue  # "CAN CONVERSE IN ENGLISH": in capitals these codes are words; a comma or a ZIP says state
        words = m.group(1).split()
        for k in range(len(words)):  # the longest tail of the capitalised run that is a city of that state
            city = " ".join(words[k:])
            if _state_ok(city, m.group(3)):
                start = m.start(1) + m.group(1).rindex(city)
                out.append(Candidate(start, m.end(1), "LOCATION", 0.85))  # the state itself may stay
                if m.group(5):
                    out.append(Candidate(m.start(5), m.end(5), "LOCATION", 0.9))
                break
    for m in PLACE_CUE_RE.finditer(text):
        cm = re.match(_CITY, text[m.end():m.end() + 60])
        if not cm:
            continue
        words = cm.group().split()
        for k in range(len(words), 0, -1):  # the longest head that is a known place
            name = " ".join(words[:k])
            if is_place(name) or name.lower() in place_index()[2]:
                tail = _PLACE_TAIL_RE.match(text, m.end() + len(name))
                out.append(Candidate(m.end(), tail.end() if tail else m.end() + len(name), "LOCATION", 0.8))
                break
    for m in COUNTY_RE.finditer(text):
        if m.group(1).lower() in place_index()[2]:
            out.append(Candidate(m.start(1), m.end(), "LOCATION", 0.85))
    return out
