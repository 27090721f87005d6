"""Addresses and organisations: street address, city, county and ZIP code (HIPAA Safe Harbor identifier (B),
45 CFR 164.514(b)(2)(i)(B)), and named facilities and employers (treated as identifying: a small hospital or an
employer narrows a patient down like a town does). US Postal Service address conventions (Publication 28: street
suffixes, secondary unit designators, PO boxes, ZIP and ZIP+4).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..vocab import CLINICAL_TERMS, GENERIC_FACILITY_WORDS, NOT_NAME_WORDS, ORG_KEYWORDS, STATE_ABBR, US_STATES
from .spans import Candidate

_STREET_WORDS = ("Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
                 "|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Route|Rte|Alley|Pike|Plaza"
                 "|Crescent|Close|Turnpike|Tpke|Expressway|Broadway|Path|Run|Walk|Heights|Hts|Point|Pt")
STREET_SUFFIX = rf"(?:{_STREET_WORDS}|{_STREET_WORDS.upper()})(?![:\w])"
# USPS Publication 28, C2: secondary unit designators ("Apt 4B", "Ste 200", "Fl 4", "4th Floor", "# 12").
_UNIT = (r"(?:(?i:Apt|Apartment|Unit|Suite|Ste|Room|Rm|Fl|Floor|Flr|Bldg|Building|Lot|Space|Spc|Trlr|Trailer|Dept|Ofc"
         r"|Office|Penthouse|PH|Lbby|Lobby|Hngr|Pier|Slip)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]+|#[ \t]*[A-Za-z0-9-]+"
         r"|\d{1,3}(?i:st|nd|rd|th)[ \t]+(?i:Floor|Fl))")
_UNITS = rf"(?:[ \t]*,?[ \t]*{_UNIT}){{0,2}}"
# House numbers: "14", "14B", "14 1/2", and Queens-style hyphenated "37-12".
_HOUSE = r"\d{1,6}(?:-\d{1,5})?[A-Za-z]?(?:[ \t]+1/2)?"
ADDRESS_RE = re.compile(
    rf"\b{_HOUSE}[ \t]+(?:[NSEW]\.?[ \t]+|(?:North|South|East|West)[ \t]+)?((?:[A-Z0-9][A-Za-z0-9'.-]*[ \t]+){{0,4}})"
    rf"{STREET_SUFFIX}\b\.?{_UNITS}"
    rf"(?:,[ \t]*(?:[A-Z][A-Za-z.'-]+[ \t]?){{1,3}}(?=[,\n|]|[ \t]{{2,}}|$|[ \t]+[A-Z]{{2}}\b|\.\s))?"
    rf"(?:,?[ \t]*[A-Z]{{2}}\.?(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?\b)?", re.M)
# Numbered roads: "310 Route 9", "1200 State Hwy 17", "45 County Road 12", "88 US-1", "200 FM 1960" (+ units).
ROUTE_ADDRESS_RE = re.compile(
    rf"\b{_HOUSE}[ \t]+(?:(?i:Old|North|South|East|West|N|S|E|W)\.?[ \t]+)?"
    rf"(?:(?i:State|County|Co\.?|US|U\.S\.|Interstate|Farm[ \t]+to[ \t]+Market|Ranch[ \t]+Road)[ \t]*-?[ \t]*)?"
    rf"(?:(?i:Route|Rte|Rt|Highway|Hwy|Road|Rd|Pike)\.?[ \t]*#?|(?:US|SR|CR|FM|RR|I)[ \t]*-[ \t]*|(?:SR|CR|FM)[ \t]+)"
    rf"\d{{1,4}}[A-Za-z]?\b{_UNITS}")
# PO boxes and rural routes: "P.O. Box 12", "PO BOX 4471", "POB 9", "Post Office Box 3", "RR 2 Box 14", "HC 1 Box 5".
PO_BOX_RE = re.compile(r"\b(?:P\.?[ \t]?O\.?|Post[ \t]+Office|POB)[ \t]*(?:Box|Drawer)?[ \t]*#?[ \t]*\d+\b"
                       r"|\b(?:RR|R\.R\.|Rural[ \t]+Route|HC|Star[ \t]+Route)[ \t]*\d+[ \t,]*Box[ \t]*#?\d+\b", re.I)
ZIP4_RE = re.compile(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")
_STATE_ALT = "|".join(STATE_ABBR) + "|" + "|".join(s.title() for s in US_STATES)
CITY_STATE_ZIP_RE = re.compile(
    rf"\b(?:[A-Z][A-Za-z.'-]+[ \t]+){{0,3}}[A-Z][A-Za-z.'-]+,[ \t]*(?:(?:{'|'.join(STATE_ABBR)})\.?[ \t]+\d{{5}}(?:-\d{{4}})?"
    rf"|(?:{'|'.join(s.title() for s in US_STATES)})(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?)\b")
STATE_ZIP_RE = re.compile(rf"\b(?:{'|'.join(STATE_ABBR)})\s+(\d{{5}}(?:-\d{{4}})?)\b")
ZIP_CUE_RE = re.compile(r"(?:zip|postal|zip\s*code)\s*(?:code)?\s*[#:]?\s*(\d{5}(?:-\d{4})?)\b", re.I)

FACILITY_RE = re.compile(
    r"\b(?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][A-Za-z'.&-]+(?:[ \t]+|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+)?){1,5}?"
    r"(?i:Hospital|Medical\s+Center|Med\s+Ctr|Health\s+Center|Healthcare|Health\s+System|Health|Clinic|Infirmary"
    r"|Nursing\s+Home|Nursing\s+Facility|Rehabilitation\s+(?:Center|Hospital|Facility)|Rehab(?:\s+Center)?|Hospice"
    r"|Pharmacy|Medical\s+Group|Memorial|Physicians|Associates|Care\s+Center|Urgent\s+Care|Surgery\s+Center"
    r"|Cancer\s+Center|Heart\s+Institute|Institute|University|College|Assisted\s+Living|Senior\s+Living"
    r"|Manor|Village|Corporation|Corp\.?|Inc\.?|LLC|Company|Co\.|Medical\s+Associates|Primary\s+Care"
    r"|Family\s+Medicine|Health\s+Partners|Cardiology\s+Associates|Heart\s+Center|Laboratory)\b(?:\s+(?:of|at)\s+[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?)?")

_ORG_KW_ANY = ORG_KEYWORDS + "|" + re.sub(r"(?<!\\)[a-z]", lambda m: m.group().upper(), ORG_KEYWORDS)  # + capitals
_ORG_TAIL = r"(?:[ \t]+(?:Unit|Department|Dept|Center|Centre|Clinic|Program|UNIT|DEPARTMENT|DEPT|CENTER|CLINIC|PROGRAM"
_ORG_TAIL += rf"|{_ORG_KW_ANY}))*"
ORG_KEYWORD_RE = re.compile(
    rf"\b(?:[A-Z][A-Za-z'.&-]+(?:[ \t]+|[ \t]*\n[ \t]*)(?:of[ \t]+|&[ \t]+|and[ \t]+|OF[ \t]+|AND[ \t]+)?){{1,4}}?"
    rf"(?:{_ORG_KW_ANY})\b{_ORG_TAIL}\b")
_ORG_TAIL_WORDS_RE = re.compile(rf"(?:{_ORG_KW_ANY}|Unit|Department|Dept|Hospital|Clinic|Center|Centre|Health|Care"
                                rf"|Medical|Institute|Associates|Partners|Group)(?:\s+\S+){{0,2}}", re.I)
ORG_CONTEXT_RE = re.compile(
    r"(?i:\bworks?\b(?:[ \t]+[a-z-]+){0,4}?[ \t]+(?:at|for)|\bemployed[ \t]+(?:at|by)|\bretired[ \t]+from|\bworked[ \t]+"
    r"(?:at|for)|\bjob[ \t]+at|\bvolunteers?[ \t]+at|\bd/c[ \t]+to|\bdischarged?[ \t]+to|\btransfer(?:red)?[ \t]+"
    r"(?:to|from)|\badmitted[ \t]+to|\bpharmacy[ \t]*:|\blocation[ \t]*:|\bfacility[ \t]*:|\bsite[ \t]*:|\bhospital[ \t]*:"
    r"|\bemployer[ \t]*:|\bimplanted[ \t]+(?:\S+[ \t]+){0,4}?at|\bseen[ \t]+at|\bfollowed[ \t]+at|\bresides[ \t]+at"
    r"|\blives[ \t]+at)[ \t]+"
    r"((?:[A-Z][A-Za-z'.&-]*[A-Za-z](?:[ \t]+(?:of|&|and|at)(?=[ \t]+[A-Z]))?(?:[ \t]*\n?[ \t]*)){1,6})")
ORG_ABBR_RE = re.compile(r"(?m)^[ \t]*([A-Z]{2,5})[ \t]*$|^([A-Z]{2,5})(?=[ \t]{2,})|(?<=\bat )([A-Z]{2,5})\b"
                         r"|(?<=\bAT )([A-Z]{2,5})\b|^[^\n]{0,60}\(([A-Z]{2,5})\)[ \t]*$")

_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"}  # Two Rivers
_FACILITY_LEAD_SKIP = NOT_NAME_WORDS - {"hospital", "clinic", "medical", "center"}
_ORG_LEAD_WORDS = {"county", "general", "regional", "memorial", "university", "community", "st.", "saint"}


def trim_org(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop leading stop/clinical words and trailing non-name words from an organisation candidate."""
    nl = text.rfind("\n", s, e)
    if nl >= 0 and (not text[text.rfind("\n", 0, s) + 1:s].strip() or all(
            w.lower().strip(".,:") in CLINICAL_TERMS or w.lower() in STOP_WORDS for w in text[s:nl].split())):
        # the candidate starts a line, or its first line holds only a credential / clinical word ("..., MD"):
        # the lines are separate items (header block), not a wrapped name
        s = nl + 1
    words = [(m.start() + s, m.end() + s, m.group()) for m in re.finditer(r"\S+", text[s:e])]
    for k in range(1, len(words)):  # a following field label ("Device:", "Serial #") ends the name
        nxt = text[words[k][1]:words[k][1] + 3].lstrip(" \t")
        if words[k][2].endswith(":") or nxt.startswith(("#", ":")) or (
                "\n" in text[words[k - 1][1]:words[k][0]] and words[k][2].lower().strip(".,:") in CLINICAL_TERMS
                and not _ORG_TAIL_WORDS_RE.fullmatch(" ".join(w[2] for w in words[k:]))):
            words = words[:k]
            break
    while words and ((words[0][2].lower() in STOP_WORDS and not (words[0][2].lower() in _NUMBER_WORDS and len(words) > 1))
                     or not words[0][2][0].isupper()
                     or (words[0][2].lower().strip(".,:") in CLINICAL_TERMS
                         and not (words[0][2].lower() in _ORG_LEAD_WORDS and len(words) > 1))):
        words.pop(0)
    while words and (words[-1][2].lower() in STOP_WORDS or not words[-1][2][0].isupper()):
        words.pop()
    for k in range(len(words) - 1, 0, -1):  # sentence boundary inside: keep the part after it
        if words[k - 1][2].endswith(".") and words[k - 1][2].lower() not in ("st.", "mt.", "ft.") and len(words[k - 1][2]) > 2:
            words = words[k:]
            break
    if not words:
        return s, s
    if all(w[2].lower().strip(".,:") in GENERIC_FACILITY_WORDS for w in words):
        return s, s
    return words[0][0], words[-1][1]


def _add(out: list, s: int, e: int, t: str, score: float = 0.9) -> None:
    out.append(Candidate(s, e, t, score))


def find_locations(text: str) -> list[Candidate]:
    """Street addresses (number + name + USPS suffix, unit, city, state, ZIP), PO boxes, "City, ST 12345",
    "City, State", ZIP codes after a state or a ZIP cue."""
    out: list[Candidate] = []
    for m in ADDRESS_RE.finditer(text):
        # "2 MM ST elevation": the street name needs a real word (not a unit / clinical abbreviation)
        name_words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", m.group(1))]
        if any(w not in CLINICAL_TERMS and w not in STOP_WORDS for w in name_words):
            _add(out, m.start(), m.end(), "LOCATION", 0.85)
    for rx in (ROUTE_ADDRESS_RE, PO_BOX_RE, CITY_STATE_ZIP_RE, ZIP4_RE):
        for m in rx.finditer(text):
            _add(out, m.start(), m.end(), "LOCATION", 0.85)
    for rx in (STATE_ZIP_RE, ZIP_CUE_RE):
        for m in rx.finditer(text):
            _add(out, m.start(1), m.end(1), "LOCATION", 0.85)
    return out


def find_organizations(text: str) -> list[Candidate]:
    """Facilities and employers: capitalised names ending in an organisation keyword, names after employment /
    transfer cues, short all-caps site codes in header positions, and named hospitals / clinics."""
    out: list[Candidate] = []
    for m in ORG_KEYWORD_RE.finditer(text):
        fs, fe = trim_org(text, m.start(), m.end())
        if fe > fs:
            _add(out, fs, fe, "ORGANIZATION", 0.6)
    for m in ORG_CONTEXT_RE.finditer(text):
        fs, fe = trim_org(text, m.start(1), m.end(1))
        if fe > fs:
            _add(out, fs, fe, "ORGANIZATION", 0.6)
    for m in ORG_ABBR_RE.finditer(text):
        g = next(i for i in range(1, 6) if m.group(i))
        if m.group(g).lower() not in CLINICAL_TERMS and m.group(g) not in STATE_ABBR:
            _add(out, m.start(g), m.end(g), "ORGANIZATION", 0.6)
    for m in FACILITY_RE.finditer(text):
        fs = m.start()
        for w in re.finditer(r"\S+", m.group()):
            lw = w.group().lower()
            if (lw in STOP_WORDS and lw not in _NUMBER_WORDS) or lw in _FACILITY_LEAD_SKIP:
                fs = m.start() + w.end()
                while fs < m.end() and text[fs].isspace():
                    fs += 1
            else:
                break
        nl = text.rfind("\n", fs, m.end())
        if nl >= 0:  # wrapped onto the next line: keep the first line's part only if it looks like a name
            head = text[fs:nl].rstrip()
            if not head or head[-1] in ".:;," or not text[text.rfind("\n", 0, fs) + 1:fs].strip() or any(
                    w.lower().strip(".,:") in CLINICAL_TERMS or w.lower() in STOP_WORDS for w in head.split()):
                fs = nl + 1
                while fs < m.end() and text[fs].isspace():
                    fs += 1
        words = [w.lower().strip(".") for w in text[fs:m.end()].split()]
        if any(w not in GENERIC_FACILITY_WORDS and w not in ("of", "and", "&", "at", "st", "saint")
               and len(w) > 1 for w in words[:-1]):
            _add(out, fs, m.end(), "ORGANIZATION", 0.8)
    return out
