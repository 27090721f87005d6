"""Addresses and organisations: street address, city, county and ZIP code (HIPAA Safe Harbor identifier (B),
45 CFR 164.514(b)(2)(i)(B)), and named facilities and employers (treated as identifying: a small hospital or an
employer narrows a patient down like a town does). US Postal Service address conventions (Publication 28: street
suffixes, secondary unit designators, PO boxes, ZIP and ZIP+4).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import CLINICAL_TERMS, STATE_ABBR, US_STATES
from .safelist_words import is_clinical_word
from .spans import Candidate

_STREET_WORDS = ("Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
                 "|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Route|Rte|Alley|Pike|Plaza"
                 "|Crescent|Close|Turnpike|Tpke|Expressway|Broadway|Path|Run|Walk|Heights|Hts|Point|Pt")
STREET_SUFFIX = rf"(?:{_STREET_WORDS}|{_STREET_WORDS.upper()})(?![:\w])"
# USPS Publication 28, C2: secondary unit designators ("Apt 4B", "Ste 200", "Fl 4", "4th Floor", "# 12").
_UNIT = (r"(?:(?i:Apartment|Apt|Unit|Suite|Ste|Room|Rm|Floor|Flr|Fl|Building|Bldg|Lot|Space|Spc|Trailer|Trlr|Dept"
         r"|Office|Ofc|Penthouse|PH|Lobby|Lbby|Hngr|Pier|Slip)\b\.?[ \t]*#?[ \t]*[A-Za-z0-9-]+|#[ \t]*[A-Za-z0-9-]+"
         r"|\d{1,3}(?i:st|nd|rd|th)[ \t]+(?i:Floor|Fl))")
_UNITS = rf"(?:[ \t]*,?[ \t]*{_UNIT}){{0,2}}"
# House numbers: "14", "14B", "14 1/2", and Queens-style hyphenated "37-12".
_HOUSE = r"\d{1,6}(?:-\d{1,5})?[A-Za-z]?(?:[ \t]+1/2)?"
ADDRESS_RE = re.compile(
    rf"\b{_HOUSE}[ \t]+(?:(?:[NS]\.?[EW]|[NSEW])\.?[ \t]+|(?:North|South|East|West|NORTH|SOUTH|EAST|WEST)[ \t]+)?((?:(?:[A-Z0-9][A-Za-z0-9'.-]*|de|del|la|las|los|el|von|van)[ \t]+){{0,4}})"
    rf"{STREET_SUFFIX}\b\.?{_UNITS}"
    rf"(?:,[ \t]*(?:[A-Z][A-Za-z.'-]+[ \t]?){{1,3}}(?=[,\n|]|[ \t]{{2,}}|$|[ \t]+[A-Z]{{2}}\b|\.\s))?"
    rf"(?:,?[ \t]*[A-Z]{{2}}\.?(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?\b)?", re.M)
# Numbered roads: "310 Route 9", "1200 State Hwy 17", "45 County Road 12", "88 US-1", "200 FM 1960" (+ units).
ROUTE_ADDRESS_RE = re.compile(
    rf"\b{_HOUSE}[ \t]+(?:(?i:Old|North|South|East|West|N|S|E|W)\.?[ \t]+)?"
    rf"(?:(?i:State|County|Co\.?|US|U\.S\.|Interstate|Farm[ \t]+to[ \t]+Market|Ranch[ \t]+Road)[ \t]*-?[ \t]*)?"
    rf"(?:(?i:Route|Rte|Rt|Highway|Hwy|Road|Rd|Pike)\.?[ \t]*#?|(?:US|SR|CR|FM|RR|I)[ \t]*-[ \t]*|(?:SR|CR|FM)[ \t]+)"
    rf"\d{{1,4}}[A-Za-z]?\b{_UNITS}")
# PO boxes and rural routes: "P.O. Box 12", "PO BOX 4471", "POB 9", "Post Office Box 3", "RR 2 Box 14", "HC 1 Box 5",
# and a bare box before its town ("Box 55, Taos").
PO_BOX_RE = re.compile(r"(?:\b(?:(?:P\.?[ \t]?O\.?|Post[ \t]+Office)[ \t]*(?:Box|Drawer)|POB)[ \t]*#?[ \t]*\d+\b"
                       r"|\b(?:RR|R\.R\.|Rural[ \t]+Route|HC|Star[ \t]+Route)[ \t]*\d+[ \t,]*Box[ \t]*#?\d+\b"
                       # a bare "Box 55" before ", Town" ("BOX 55, TAOS, NEW MEXICO")
                       r"|\bBox[ \t]*#?[ \t]*\d+(?=[ \t]*,[ \t]*(?-i:[A-Z])))"
                       + _UNITS, re.I)
ZIP4_RE = re.compile(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")
_STATE_ALT = "|".join(STATE_ABBR) + "|" + "|".join(s.title() for s in US_STATES)
CITY_STATE_ZIP_RE = re.compile(
    rf"\b(?:[A-Z][A-Za-z.'-]+[ \t]+){{0,3}}[A-Z][A-Za-z.'-]+,[ \t]*(?:(?:{'|'.join(STATE_ABBR)})\.?[ \t]+\d{{5}}(?:-\d{{4}})?"
    rf"|(?:{'|'.join(s.title() for s in US_STATES)})(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?)\b")
STATE_ZIP_RE = re.compile(rf"\b(?:{'|'.join(STATE_ABBR)})\s+(\d{{5}}(?:-\d{{4}})?)\b")
ZIP_CUE_RE = re.compile(r"(?:zip|postal|zip\s*code)\s*(?:code)?\s*[#:]?\s*(\d{5}(?:-\d{4})?)\b", re.I)


def _add(out: list, s: int, e: int, t: str, score: float = 0.9) -> None:
    out.append(Candidate(s, e, t, score))


_STREET_PARTICLES = {"de", "del", "la", "las", "los", "el", "von", "van"}
# words that follow a count, not a house number
_NOT_A_STREET_START = {"minutes", "minute", "min", "mins", "hours", "hour", "hrs", "hr", "days", "day", "weeks", "week",
                       "months", "month", "years", "year", "yrs", "yr", "cm", "mm", "mic", "mcg", "mg", "ml", "cc",
                       "units", "unit", "times", "tabs", "way", "point", "pt", "pts", "patients", "beats", "beat", "breaths"}


# Street suffixes that, typed in capitals, are also clinical shorthand: "ST" segment, "DR" doctor, "CT" scan, "PT"
# patient, "SQ" subcutaneous, a "RUN" of VT.
_SHORTHAND_SUFFIXES = frozenset("ST DR CT PT SQ PL CIR TER RUN WAY ROW LOOP PATH WALK CLOSE POINT HTS".split())
_NUMBER_CONTEXT_RE = re.compile(r"[/.\d-]$")  # "10/3 ...", "31.1 ...", "V1-5 ...": a date, decimal or range


def _not_a_street(text: str, m: re.Match) -> bool:
    """A number, a few words and a suffix-like word that are a clinical phrase, not a street: the number ends a
    date, decimal or range, carries a unit letter ("4U REG SQ", "2L"), a sentence ends inside ("Wedge 13. Pt"),
    or the suffix is clinical shorthand in capitals and a name word is clinical ("3 PERSANTINE THALLIUM ST")."""
    if _NUMBER_CONTEXT_RE.search(text[max(0, m.start() - 1):m.start()]):
        return True
    house = re.match(r"\d[\d-]*([A-Za-z]?)", m.group()).group(1)
    if house and house in "ULXulmx":
        return True
    body = m.group(1)
    if re.search(r"\.(?:[ \t]|$)", body) or re.search(r"\d\.\d", body):
        return True
    suffix = text[m.end(1):m.end()].split()[0].rstrip(".,") if text[m.end(1):m.end()].split() else ""
    return suffix in _SHORTHAND_SUFFIXES and any(is_clinical_word(w) for w in re.findall(r"[A-Za-z]{2,}", body))


def find_locations(text: str) -> list[Candidate]:
    """Street addresses (number + name + USPS suffix, unit, city, state, ZIP), PO boxes, "City, ST 12345",
    "City, State", ZIP codes after a state or a ZIP cue."""
    out: list[Candidate] = []
    for m in ADDRESS_RE.finditer(text):
        if _not_a_street(text, m):
            continue
        # "2 MM ST elevation": the street name needs a real word (not a unit / clinical abbreviation)
        name_words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", m.group(1))]
        if name_words and (name_words[0] in _NOT_A_STREET_START or any(
                w in STOP_WORDS and w not in _STREET_PARTICLES for w in name_words)):
            continue  # "45 MINUTES ENCOURAGING PT", "3 WAY FOLEY IN PLACE": a count and a sentence, not a street
        if any(w not in CLINICAL_TERMS and w not in STOP_WORDS for w in name_words if len(w) >= 3):
            _add(out, m.start(), m.end(), "LOCATION", 0.85)
    for rx in (ROUTE_ADDRESS_RE, PO_BOX_RE, CITY_STATE_ZIP_RE, ZIP4_RE):
        for m in rx.finditer(text):
            _add(out, m.start(), m.end(), "LOCATION", 0.85)
    for rx in (STATE_ZIP_RE, ZIP_CUE_RE):
        for m in rx.finditer(text):
            _add(out, m.start(1), m.end(1), "LOCATION", 0.85)
    return out
