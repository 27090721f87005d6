"""Dates and ages over 89: HIPAA Safe Harbor identifier (C), 45 CFR 164.514(b)(2)(i)(C): "all elements of dates
(except year) for dates directly related to an individual ... and all ages over 89 and all elements of dates
(including year) indicative of such age".

Every finder takes the (NFC-normalised) text and returns ``Candidate`` lists in its coordinates.
"""
from __future__ import annotations

import re

from .spans import Candidate

_MONTH = (r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON_NUM = r"(?:0?[1-9]|1[0-2])"
_ORD = r"(?i:st|nd|rd|th)?"

DATE_RES = [
    re.compile(rf"\b(?:19|20)\d\d([-/.]){_MON_NUM}\1{_DAY}(?!\d)"),
    re.compile(rf"\b{_MON_NUM}([/-]){_DAY}\1(?:19|20)?\d\d\b"),
    re.compile(rf"\b{_DAY}\.{_MON_NUM}\.(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}(?:\s*,\s*|\s+)(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}\b(?!\s*(?:mg|mcg|units?|ml|%))"),
    re.compile(rf"\b{_DAY}{_ORD}\s+(?:of\s+)?{_MONTH}\.?(?:\s*,?\s*(?:19|20)\d\d)?\b"),
    re.compile(rf"\b{_DAY}[-/ ]?{_MONTH}[-/ ]?(?:19|20)?\d\d\b"),
    re.compile(rf"\b{_MONTH}\.?\s*,?\s+(?:of\s+)?(?:19|20)\d\d\b"),
    re.compile(rf"\b{_MON_NUM}/(?:19|20)\d\d\b"),
    re.compile(r"(?<=\b(?i:the)\s)(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b(?!\s*(?i:percentile|intercostal|ics|digit|"
               r"toe|finger|cranial|nerve|grade|decile|quartile|rib|vertebra|cervical|lumbar|thoracic|lobe|segment|"
               r"generation|degree|time|day|dose|cycle|week|month|year|line|floor|edition|ed\b|of\s+\d))"),
    re.compile(r"\b(?:Christmas(?: Eve| Day)?|Thanksgiving|Easter|New Year'?s(?: Eve| Day)?|Halloween|Independence Day"
               r"|Memorial Day|Labor Day|Veterans Day|Valentine'?s Day)\b"),
]
# month/day without a year: only with a date cue nearby (avoids 5/5 strength, 2/6 murmur, 1/2 tab)
MD_RE = re.compile(rf"(?<![\d/.]){_MON_NUM}/{_DAY}(?![\d/])")
MD_CUE_RE = re.compile(r"\b(?:on|since|from|until|through|thru|dated?|dos|between|to|by|as\s+of|week\s+of|admit\w*"
                       r"|discharg\w*|seen|well|visit|started|stopped|f/u|follow[- ]?up|pod|hd|drawn|collected|performed"
                       r"|done|prior|last|next|noted|surgery|cath\w*|obtained|clinic|appt|appointment|scheduled|return"
                       r"|rtc|today|post|around|approx\w*|onset|began|presented|returned|placed|removed|implanted"
                       r"|echo|ecg|ekg|ct|mri|cxr|labs?)\b|[-–,(~]\s*$", re.I)
MD_PRE_NEG_RE = re.compile(r"(?:grade|strength|power|motor|score|ratio|murmur|pulses?|reflex(?:es)?|apgar|gcs|x|times)"
                           r"\s*:?\s*$|[\d.]\s*$", re.I)
MD_NEG_RE = re.compile(r"^\s*(?:strength|murmur|tabs?|pills?|doses?|times|motor|reflex|power|lobes?|vessels?|score"
                       r"|of\b|pulses?|grip|systolic|diastolic|holosystolic|beats?|units?|mg|ml|cm|mm|ejection|harsh"
                       r"|soft|blowing|early|late|mid|pan|crescendo|continuous|sem|hsm|rubs?|gallops?|lesions?|nodes?"
                       r"|positive|negative|cores?|sites?|views?|criteria|points?|ratio|scale)",
                       re.I)

AGE_RES = [
    re.compile(r"\b(?:9\d|1[0-1]\d)(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)(?:old|of age|o\b)", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)\s*(?:y/o|y\.o\.?|yo|yrs?|years?)\b(?:[-\s]*(?:old|male|female|man|woman|m|f)\b)?", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)\s*(?:yo)?[MF]\b"),
    re.compile(r"\b(?:aged?|age:)\s*(?:of\s+)?(9\d|1[0-1]\d)\b", re.I),
    re.compile(r"\b(?:alive|died|passed(?:\s+away)?|deceased|living|death)\s+(?:at|aged?)\s+(?:age\s+)?(9\d|1[0-1]\d)\b", re.I),
    re.compile(r"\b(?:9\d|1[0-1]\d)(?=\s*(?:th)?\s*birthday)", re.I),
    re.compile(r"\bin\s+(?:his|her|their)\s+(?:late\s+|early\s+|mid\s+|mid-)?(?:90s|nineties|100s)\b", re.I),
    re.compile(r"\b(?:ninety|one hundred)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?[- ]years?[- ]old\b", re.I),
    re.compile(r"\bnonagenarian|centenarian\b", re.I),
]
AGE_DIGITS_RE = re.compile(r"\d+")


def find_dates(text: str) -> list[Candidate]:
    """Dates in numeric, month-name, ordinal and holiday forms; month/day without a year only away from
    strength / murmur / dose contexts (score 0.75 with a date cue before it, else 0.6)."""
    out = [Candidate(m.start(), m.end(), "DATE") for rx in DATE_RES for m in rx.finditer(text)]
    for m in MD_RE.finditer(text):
        pre = text[max(0, m.start() - 16):m.start()]
        if MD_NEG_RE.match(text[m.end():m.end() + 14]) or MD_PRE_NEG_RE.search(pre):
            continue
        out.append(Candidate(m.start(), m.end(), "DATE", 0.75 if MD_CUE_RE.search(pre) else 0.6))
    return out


def find_ages(text: str) -> list[Candidate]:
    """Ages over 89 (90-119) in numeric and spelled forms."""
    out = []
    for rx in AGE_RES:
        g = 1 if rx.groups else 0
        out.extend(Candidate(m.start(g), m.end(g), "AGE") for m in rx.finditer(text))
    return out
