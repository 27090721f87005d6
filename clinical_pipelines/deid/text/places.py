"""US places (HIPAA Safe Harbor identifier (B): "all geographic subdivisions smaller than a state, including ...
city, county"), from the USPS ZIP code list shipped by the pinned ``zipcodes`` package (MIT licence): every ZIP
code's city, its acceptable alternative city names and its county, with the state.

A place name is reported only with evidence that it is a place, because thousands of US places are also ordinary
words or surnames ("Mobile", "Hope", "Normal", "Jackson"):
- a city followed by its own state ("Kingston, NY", "Burlington, Vermont", "BILLINGS MONTANA 59103",
  "(Dubuque, IA)"): the (city, state) pair must exist in the USPS list;
- a place after a residence or travel cue ("lives in", "moved from", "born in", "grew up in", "town of") or a
  "<Name> County" form;
- a whole cell of a delimited row (see ``is_place``, used by the delimited-row finder);
- in any case, after a residence, origin or travel cue of a bedside note ("lives alone in towson", "PT IS FROM
  LOWELL", "his home in Quincy"): ``find_cued_towns``, run by the facilities family.
"""
from __future__ import annotations

import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import STATE_ABBR, US_STATES, country_names
from .fast_scan import cue_words
from .safelist_vocabulary import word_zipf
from .safelist_words import is_clinical_word, is_safe_word
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
def _usps_rows() -> tuple[dict, ...]:
    """Every row of the USPS ZIP list of the pinned ``zipcodes`` package (read once per process, about 1 s)."""
    import zipcodes

    return tuple(zipcodes.list_all())


@functools.lru_cache(maxsize=1)
def zip_index() -> dict[str, tuple[str, frozenset[str]]]:
    """ZIP code -> (state code, lower-cased city names: the USPS city and its acceptable alternatives)."""
    return {z["zip_code"]: (z.get("state") or "", frozenset(
        c.strip().lower() for c in [z.get("city") or ""] + list(z.get("acceptable_cities") or ()) if c.strip()))
        for z in _usps_rows()}


@functools.lru_cache(maxsize=1)
def place_index() -> tuple[frozenset[tuple[str, str]], frozenset[str], frozenset[str]]:
    """((city, state) pairs, city names, county names), lower-cased, from the USPS ZIP list."""
    pairs, cities, counties = set(), set(), set()
    for z in _usps_rows():
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
    "(?:" + cue_words(r"lives?|living|resides?|residing|resident|moved|relocated|relocating|born|raised|grew[ \t]+up"
                      r"|native|visiting|visited|travel+ed|trip|vacation(?:ed|ing)?|hometown|home[ \t]+town|commutes?"
                      r"|drove|works?")
    + r"(?i:[ \t]+(?:here[ \t]+)?(?:in|to|from|of|at|near|outside(?:[ \t]+of)?))"
    "|" + cue_words("town|city|village|borough|township|county") + r"(?i:[ \t]+of)"
    "|" + cue_words("lives?|living|resides?|residing")
    + r"(?i:\b[^.\n;:]{0,40}?\b(?:in|near|outside(?:[ \t]+of)?)))[ \t]+")
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
            if (name.lower() in US_STATES or name.lower() in country_names()) and not _STATE_AFTER_RE.match(
                    text, m.end() + len(name)):
                break  # "moved from Vermont", "came from Portugal": a state or a country (Safe Harbor keeps both)
            if is_place(name) or name.lower() in place_index()[2]:
                tail = _PLACE_TAIL_RE.match(text, m.end() + len(name))
                out.append(Candidate(m.end(), tail.end() if tail else m.end() + len(name), "LOCATION", 0.8))
                break
    for m in COUNTY_RE.finditer(text):
        if m.group(1).lower() in place_index()[2]:
            out.append(Candidate(m.start(1), m.end(), "LOCATION", 0.85))
    return out


# a state after a place name ("Vermont, IL", "Vermont Illinois"): the name is that state's town
_STATE_AFTER_RE = re.compile(r"[ \t]*,?[ \t]*(?:(?:" + "|".join(STATE_ABBR) + r")\b|(?i:"
                             + "|".join(re.escape(x) for x in sorted(US_STATES, key=len, reverse=True)) + r")\b)")
# everyday words after "in", "from", "to" that are also the name of some US town
_EVERYDAY_PLACES = frozenset("""home work bed school church town chair jail prison hospital rehab state city country
bath reading mobile normal hope energy commerce industry liberty union friendship""".split())
_PLACE_CUE_RE = re.compile(
    "(?:" + cue_words("lives?|living|resides?|residing|moved|relocated|returned|returning|visiting|arriving|arrive|"
                      "flew|flying|fly|drove|driving|vacationing|travell?ing|lived|coming|came")
    + r"(?i:\b(?:[ \t]+(?:alone|here|back|home|"
    r"nearby|close\s+by|with\s+\w+|now|currently|up|in))?(?:[ \t]+(?:[\d/:.]+(?:am|pm)?|@|approx\.?|about|around"
    r"|at|on|by|tomorrow|tonight|today|am|pm|this|tonight|evening|morning|afternoon|noon|early|late|next|week|weekend)"
    r"){0,6}[ \t]+(?:in|from|to|at|near))"
    "|" + cue_words("dau(?:g?h?t?h?e?r)?s?|sons?|wife|husband|sisters?|brothers?|dtrs?|family|mother|father|niece"
                    "|nephew|friend")
    + r"(?i:\b[ \t]+(?:\(?\"?)?(?:is[ \t]+)?(?:in[ \t]+from|in|from))"
    "|" + cue_words("pt|patient|he|she") + r"(?i:(?:'s)?[ \t]+(?:is|was)[ \t]+(?:originally[ \t]+)?from)"
    "|" + cue_words("lives?|living|resides?|residing") + r"(?i:[ \t]+on)"
    "|" + cue_words("home|house|apartment|apt|condo|store|shop|business|restaurant|bakery|farm") + r"(?i:[ \t]+in))"
    r"[ \t]+\"?((?:[A-Za-z][A-Za-z'.-]*)(?:[ \t]+[A-Za-z][A-Za-z'.-]*){0,2})")


def find_cued_towns(text: str) -> list[Candidate]:
    """A US place (or a town missing from the USPS list, see ``_unlisted_place``) after a residence, origin or
    travel cue in any case (``_PLACE_CUE_RE``: "lives alone in towson", "DAUGHER FROM TUCSON", "PT IS FROM LOWELL",
    "his home in Quincy"), a typo of "daughter" and an arrival time in between included. LOCATION candidates."""
    out: list[Candidate] = []
    for m in _PLACE_CUE_RE.finditer(text):
        words = [(x.start() + m.start(1), x.start() + m.start(1) + len(x.group().rstrip(".'")),
                  x.group().strip(".'")) for x in re.finditer(r"[A-Za-z][A-Za-z'.-]*", m.group(1))]
        for n in range(len(words), 0, -1):
            cand = " ".join(w[2] for w in words[:n]).lower()
            if cand in US_STATES or len(cand) < 3 or not is_place(cand):
                continue
            if n == 1 and (cand in _EVERYDAY_PLACES or is_safe_word(cand) and word_zipf(cand) >= 5.0):
                n = _residence_run(text, m, words)  # "lives alone in white marsh": the words up to the clause end
                if not n:
                    break
            out.append(Candidate(words[0][0], words[n - 1][1], "LOCATION", 0.6))
            break
        else:
            n = _unlisted_place(text, words)
            if n:
                out.append(Candidate(words[0][0], words[n - 1][1], "LOCATION", 0.6))
    return out


def _unlisted_place(text: str, words: list) -> int:
    """A town missing from the USPS list (a village, a neighbourhood, a town abroad) after a residence or travel
    cue: words that name something (``names_something``: a census name or a word outside the vocabulary, no
    clinical, everyday or state word), Title case in mixed-case text. Returns how many words, 0 when none."""
    from .facilities import _NOT_NAME_RUN, names_something  # facilities imports this module

    mixed = not text.isupper() and not text.islower()
    n = 0
    while n < len(words) and n < 3:
        w = words[n][2]
        if (n and text[words[n - 1][1]:words[n][0]].strip()) or "." in w or w.lower() in _EVERYDAY_PLACES \
                or w.lower() in US_STATES or w.upper() in STATE_ABBR or w.lower() in _NOT_NAME_RUN \
                or (mixed and not w[:1].isupper()) or not names_something(w):
            break
        n += 1
    return n


_RESIDENCE_CUE_RE = re.compile(r"(?i:\b(?:lives?|living|resides?|residing)\b)")


def _residence_run(text: str, m: re.Match, words: list) -> int:
    """After a residence cue, a common word that is also a town ("white", "union") starts a place name when one or
    two words follow it up to the end of the clause (comma, full stop, line end) and none is a function, clinical
    or everyday word: "lives alone in white marsh, son nearby". Returns how many words, 0 when not."""
    if not _RESIDENCE_CUE_RE.match(m.group()):
        return 0
    n = 1
    while n < len(words) and not text[words[n - 1][1]:words[n][0]].strip():
        n += 1
    tail = text[words[n - 1][1]:words[n - 1][1] + 2]
    if not 2 <= n <= 3 or words[0][2].lower() in _EVERYDAY_PLACES or (tail.strip() and tail[0] not in ",.;\n"):
        return 0
    from .facilities import _NOT_NAME_RUN

    rest = [w[2].lower() for w in words[1:n]]
    if any(w in STOP_WORDS or w in _EVERYDAY_PLACES or w in _NOT_NAME_RUN or is_clinical_word(w) for w in rest):
        return 0
    return n
