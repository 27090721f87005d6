"""Dates and times of day: HIPAA Safe Harbor identifier (C), 45 CFR 164.514(b)(2)(i)(C): "all elements of dates
(except year) for dates directly related to an individual, including birth date, admission date, discharge date,
date of death". A year alone is not an element to remove and stays ("in 2019"); ages over 89 and the date elements
that reveal them are in ``ages.py``.

A grammar, not a list of examples. A date is built from
- numeric parts: day 1-31, month 1-12, four-digit year 1900-2099, two-digit year, apostrophe year ('19);
- month names: full, three-letter, "Sept", with or without a dot, any case when a year is attached; with a day
  only, capitalised or a full name in lower case (so "may", "mar", "dec" in prose stay);
- spelled days: ordinals "first" .. "thirty-first" and cardinals "one" .. "thirty-one" (hyphen, space or joined);
arranged in every order and separator found in real records: m/d/yy, m/d/yyyy, d/m/yyyy, m-d-yy, d.m.yyyy,
yyyy-mm-dd (ISO 8601), yyyy/mm/dd, yyyy-mm, m/yyyy, dd-Mon-yyyy, 14Mar2025, 2025Mar14, "March 5th, 2025",
"5 March 2025", "the fifth of April, 2025", "March twenty-first", "March '19", "spring 2019", holidays, and the
compact yyyymmdd / mmddyyyy (a random 8-digit number has that shape well under 1% of the time, and is an identifier
to redact anyway). A month name alone is a date element ("in March", "mid-April") when a temporal preposition or
modifier is attached.

Each date found is then extended by what belongs to it: a weekday before it ("Mon, 3/7/23", "saturday the 7th",
"Sat 7th"), a time of day written after it ("3/7/23 0915", "Feb 11, 2021 14:05", "08/19/2022 @ 2340", "4/2/21 11:02
AM", "2021-02-11T14:05:00Z", "03/12/2026 11.20") or just before it ("at 0915 on 3/11", "at 14:05 on 3/7", "at 2am
8/25", "11:40 PM, March 3, 2021"), and the other end of a range ("3/4-3/7/2021", "March 3-7, 2021", "3-7 March"). A
time of day alone is no date element and stays, and so does a range of clock times before a date (a shift: "19:00-07:30
3/24/20") and a bare four-digit number before one unless "at" / "@" or a line start makes it a time ("Heparin 5000 on
3/11").

Month/day without a year ("3/7") and month / two-digit year ("fx 3/96") collide with clinical fractions,
scores and settings: they are judged in ``month_day``. The building blocks of the grammar (month and weekday
names, spelled days, numeric parts, times of day) are in ``date_parts``.

Speed: the patterns never scan the whole note. One pass finds the month words and one the digit runs; each pattern is
tried only at the anchors it can start from (plus a look back for a prefix).

Input is the engine's analysis view (``normalize.py``: ASCII dashes, spaces and quotes). Returns ``Candidate``
lists in the text's coordinates, type ``DATE``.
"""
from __future__ import annotations

import re

from .date_parts import (DAY, DAY2, HOLIDAY, MON, MON2, MONTH_ALONE, MONTH_ANY, MONTH_CAP, MONTH_CAP_NO_MAY,
                         MONTH_WITH_DAY, NUM_END, NUM_START, ORD, SEASON, SPELLED_DAY_CARD, SPELLED_DAY_ORD,
                         TIME_AFTER_RE, TIME_AMPM, UNIT_AFTER, WEEKDAY, WEEKDAY_ABBRS, WEEKDAYS,
                         WRAP, YEAR, YEAR4, YEAR_APOS)
from .month_day import month_dash_day_at, month_day_at, month_day_list_at, month_year_at
from .spans import Candidate

# a time of day written just before its date: with a comma ("11:40 PM, March 3, 2021"), "on" or a space ("at 14:05 on
# 3/7", "at 2am 8/25"); a bare four-digit time only after "at" / "@" or at the start of a line ("at 0915 on 3/11",
# "0915 3/11 pt seen", "Time of death: 0347 on 4/18/23"; not "Heparin 5000 on 3/11" nor "1000 3/11")
_TIME_4_BEFORE = r"(?:[01]\d|2[0-3])[0-5]\d(?:[ \t]*(?:h|hrs?)(?![A-Za-z]))?"
# (not the end of a range of clock times: "NURSING SHIFT NOTE 19:00-07:30  3/24/20" is a shift, not a time stamp)
_TIME_COLON_BEFORE = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:[ \t]*(?:[AaPp]\.?[ \t]?[Mm]\.?|[AaPp])(?![A-Za-z]))?"
TIME_BEFORE_RE = re.compile(rf"(?:(?<![\w:./-])(?P<t>{_TIME_COLON_BEFORE}|{TIME_AMPM})"
                            rf"|(?:(?<![A-Za-z])(?i:at|@)[ \t]*|^|(?<=\n)|(?i:\btime\b[^:\n]{{0,16}}:)[ \t]*)"
                            rf"(?P<t4>{_TIME_4_BEFORE}))"
                            r"(?:[ \t]?,[ \t]?|[ \t]+(?i:on)[ \t]+(?:(?i:the)[ \t]+)?|[ \t])$")
# a time with a dot after a full date ("03/12/2026 11.20"; not a dose "12.50 mg")
TIME_DOT_AFTER_RE = re.compile(rf"[ \t]+(?:(?i:at|@)[ \t]*)?(?P<t>(?:[01]?\d|2[0-3])\.[0-5]\d)(?![\d.]|,\d){UNIT_AFTER}")
WEEKDAY_BEFORE_RE = re.compile(rf"(?<![A-Za-z]){WEEKDAY}[ \t]*,?[ \t]*(?:the[ \t]+)?$")
WEEKDAY_AFTER_RE = re.compile(rf"[ \t]*\({WEEKDAY}\)")

# ---------------------------------------------------------------- ranges
_RANGE_SEP = r"[ \t]*(?:-|to|through|thru|until|till|and|&)[ \t]*"
RANGE_DAY_AFTER_RE = re.compile(rf"{_RANGE_SEP}{DAY}{ORD}?(?![\w/:]|\.\d){UNIT_AFTER}"
                                rf"(?:[ \t]*,?[ \t]*{YEAR})?(?![ \t]*{MONTH_ANY})")
RANGE_DAY_BEFORE_RE = re.compile(rf"{NUM_START}{DAY}{ORD}?{_RANGE_SEP}$")
RANGE_MD_BEFORE_RE = re.compile(rf"{NUM_START}{MON}/{DAY}(?:/(?:{YEAR4}|\d\d))?[ \t]*(?:-|to|through|thru|until|till)"
                                rf"[ \t]*$")
RANGE_MONTH_BEFORE_RE = re.compile(rf"(?<![A-Za-z]){MONTH_CAP}{_RANGE_SEP}$")

# ---------------------------------------------------------------- date patterns
# kind: "md" ends with a day after a month name (forward day range), "dm" starts with a day before a month name
# (backward day range), "mo" starts with a month name (backward month range), "num" numeric, "" other.
# Speed: no pattern scans the whole text. Numeric patterns are tried at the start of digit runs followed by a
# separator; patterns with a month name only at the month words found by one anchor scan (patterns that start with
# the month are matched there, patterns with a prefix - day, year, spelled day - look back for it).
NUMERIC_PATTERNS: list[tuple[str, str, float]] = [
    # m/d/yyyy, d/m/yyyy, m-d-yy ...; d.m.yyyy; dd.mm.yy
    (rf"{NUM_START}{DAY}([/-]){DAY}\1(?:{YEAR4}|\d\d)(?![\w/]|\.\d){UNIT_AFTER}", "num", 0.9),
    (rf"{NUM_START}{DAY}\.{DAY}\.{YEAR4}{NUM_END}", "num", 0.9),
    (rf"{NUM_START}{DAY2}\.{DAY2}\.\d\d{NUM_END}", "num", 0.85),
    # yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd (ISO 8601 and variants); yyyy-mm
    (rf"{NUM_START}{YEAR4}([-/.]){MON}\1{DAY}(?=T\d|(?![\w/]|\.\d))", "num", 0.9),
    (rf"{NUM_START}{YEAR4}[-/]{MON2}(?![\w/-]|[.:]\d)", "num", 0.8),
    # m/yyyy, m-yyyy, m/'yy
    (rf"{NUM_START}(?<!\d:)(?<!titer )(?<!dilution ){MON}[/-](?:{YEAR4}|'\d\d)(?![\w/-]|\.\d){UNIT_AFTER}", "num", 0.8),
]
MONTH_START_PATTERNS: list[tuple[str, str, float]] = [
    # Month day[, year]: "March 5", "Mar. 5th, 2025", "Mar-05-2025", "March the 5th", "Sept 5 '19"
    (rf"{MONTH_ANY}[ \t]*[-/.,]?{WRAP}(?:the[ \t]+)?{DAY}{ORD}?(?!\d)(?:[ \t]*[,/.-]?[ \t]*(?:{YEAR}|18\d\d(?!\d)))",
     "mdy", 0.9),
    (rf"{MONTH_WITH_DAY}[ \t]*[-/.,]?{WRAP}(?:the[ \t]+)?{DAY}{ORD}?(?![\w/]|[.:]\d){UNIT_AFTER}", "md", 0.85),
    # Month year: "March 2025", "Mar-2025", "March, 2025", "March of 2025", "March '19"
    (rf"{MONTH_ANY}[ \t]*(?:[-/,][ \t]*|of[ \t]+)?{YEAR}", "mo", 0.9),
    # spelled days after the month: "March twenty-first", "April the fifth, 2025", "March twenty-one"
    (rf"{MONTH_WITH_DAY}[ \t]*,?[ \t]*(?:the[ \t]+)?{SPELLED_DAY_ORD}(?![A-Za-z])(?:[ \t]*,?[ \t]*{YEAR})?", "", 0.85),
    (rf"{MONTH_ANY}[ \t]*,?[ \t]*(?:the[ \t]+)?{SPELLED_DAY_ORD}[ \t]*,?[ \t]*{YEAR}", "", 0.9),
    (rf"{MONTH_CAP_NO_MAY}[ \t]+{SPELLED_DAY_CARD}(?![A-Za-z])(?![ \t-]+(?:times|doses?|tabs?|pills?|days?|weeks?"
     rf"|months?|years?|hours?|units?|mg|of)\b)(?:[ \t]*,?[ \t]*{YEAR})?", "", 0.8),
]
# (prefix ending right before the month name, whole pattern from the prefix start, kind, score)
_OF = r"(?:(?:day[ \t]+)?of[ \t]+)?"
BEFORE_MONTH_PATTERNS: list[tuple[str, str, str, float]] = [
    # day Month[ year]: "14-Mar-2025", "14Mar2025", "5th of March, 2025", "5 March"
    (rf"(?<![\w/.:])(?<!\d,){DAY}{ORD}?[ \t]*{_OF}[-/.]?[ \t]*$",
     rf"{DAY}{ORD}?[ \t]*{_OF}[-/.]?[ \t]*{MONTH_ANY}[ \t]*[-/.,]?[ \t]*(?:{YEAR}|\d\d(?!\d))", "dm", 0.9),
    (rf"(?<![\w/.:])(?<!\d,){DAY}{ORD}?[ \t]*{_OF}[-/.]?[ \t]*$", rf"{DAY}{ORD}?[ \t]*{_OF}[-/.]?[ \t]*{MONTH_WITH_DAY}",
     "dm", 0.85),
    # yyyy Month day: "2025Mar14", "2025-Mar-14"
    (rf"{NUM_START}{YEAR4}[ \t]*[-/.]?[ \t]*$",
     rf"{YEAR4}[ \t]*[-/.]?[ \t]*{MONTH_ANY}[ \t]*[-/.]?[ \t]*{DAY}(?!\d)", "", 0.9),
    # spelled days before the month: "fifth of April, 2025", "twenty-first of March", "fifth April 2025"
    (rf"(?<![A-Za-z]){SPELLED_DAY_ORD}[ \t]+(?:day[ \t]+)?of[ \t]+$",
     rf"{SPELLED_DAY_ORD}[ \t]+(?:day[ \t]+)?of[ \t]+{MONTH_ANY}(?:[ \t]*,?[ \t]*{YEAR})?", "", 0.9),
    (rf"(?<![A-Za-z]){SPELLED_DAY_ORD}[ \t]+$", rf"{SPELLED_DAY_ORD}[ \t]+{MONTH_ANY}[ \t]*,?[ \t]*{YEAR}", "", 0.9),
]
# "the 21st" (day of month) away from anatomy, percentiles and counts ("the 2nd dose", "the 4th ventricle")
_ORD_DAY = (
    r"(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b(?![ \t]*(?i:percentile|intercostal|ics|digit"
    r"|toe|finger|cranial|nerve|grade|decile|quartile|rib|vertebra|cervical|lumbar|thoracic|lobe|segment"
    r"|generation|degree|time|day|dose|cycle|week|month|year|line|floor|edition|ed\b|of\s+\d|trimester|hour"
    r"|minute|birthday|bday|attempt|episode|admission|visit|round|session|fraction|lesion|level|position|space"
    r"|metatarsal|metacarpal|branch|order|stage|place|ventricle|heart\s+sound|sound|pregnan|child|pass|try"
    r"|sample|set|unit|bag|bottle|shot|injection|vaccin|tube|phalan|interspace|toe|one|pt|patient|person"
    r"|case|layer|wave|component|beat|run|stick|specimen|culture|draw|tier|rank|ward|room|bed|grader|liter|litre"
    r"|bolus|pill|tab|capsule|course|trial|opinion|unit|shift|party|call|choice|grade|gen))")
THE_DAY_RE = re.compile(r"(?<=\b(?i:the)\s)" + _ORD_DAY)
# ... or after a weekday in any case, with or without "the" ("saturday the 7th", "Sat 7th", "on Friday, the 13th")
ORD_DAY_RE = re.compile(_ORD_DAY)
WEEKDAY_ORD_BEFORE_RE = re.compile(r"(?<![A-Za-z])(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed"
                                   r"|thu(?:rs?)?|fri|sat|sun)\.?,?[ \t]+(?:(?i:the)[ \t]+)?\Z")
# ... after a temporal preposition, a visit or planning word or a verb ("on the 21st", "admitted the 3rd", "Next
# appointment on the 12th", "GI clinic the 8th", "(the 6th)"; not "with the 1st. The 2nd fell out")
THE_DAY_CUE_RE = re.compile(r"(?:(?<![A-Za-z])(?i:on|by|since|until|till|before|after|from|through|thru|of"
                            r"|starting|due|around|about|early|mid|late|to|and|or|-|seen|well|born|\w+ed|appt"
                            r"|appointment|clinic|visit|f/u|follow[- ]?up|d/c|dc|discharge|return|rtc|next|dated?)\s+"
                            r"|\(\s*)(?i:the)\s\Z")
# ... or closing its clause ("d/c to Harbor Rehab the 9th.", "the 3rd, then") after a planning word earlier on
# the line
THE_DAY_CLOSE_RE = re.compile(r"[ \t]*(?:[.;,)]|\n|\Z)")
THE_DAY_PLAN_RE = re.compile(r"(?<![A-Za-z])(?i:d/c|dispo\w*|discharg\w*|anticipat\w*|expected|planned|scheduled"
                             r"|appt|appointment|follow[- ]?up|f/u|return\w*|rtc|transfer\w*|clinic|seen|visit)"
                             r"(?![A-Za-z])(?:[^\n.;]|(?<=[A-Z])\.|(?<=[A-Z][a-z])\.(?=[ \t][A-Z])){0,60}\Z")
# ... or followed by a time or "of this month" ("the 3rd at 10:00", "the 9th in the morning")
THE_DAY_AFTER_RE = re.compile(r"\s+(?:(?i:at|@)\s*\d|(?i:in\s+the\s+(?:morning|afternoon|evening)|at\s+(?:noon"
                              r"|midnight)|of\s+(?:this|last|next|the)\s+month)\b)")
# "on the twenty-first." (a spelled day of month with no month), only when nothing follows but punctuation
THE_SPELLED_DAY_RE = re.compile(rf"(?i:the)[ \t]+(?P<d>{SPELLED_DAY_ORD})(?=[ \t]*(?:[.,;:)]|$|(?i:and|or|at|in|when)\b"
                                rf"|(?i:of[ \t]+(?:this|last|next|the)[ \t]+month)))", re.M)
THE_SPELLED_DAY_CUE_RE = re.compile(r"(?<![A-Za-z])(?i:on|by|until|till|since|before|after|from|through)[ \t]+\Z")
# seasons and holidays (with an optional year): "spring 2019", "Fall of '19", "Christmas 2019"
SEASON_RE = re.compile(rf"(?<![A-Za-z]){SEASON}[ \t]*(?:of[ \t]+|[-,][ \t]*)?(?:{YEAR4}(?:[ \t]*[-/][ \t]*"
                       rf"(?:{YEAR4}|\d\d))?(?!\d)|{YEAR_APOS})")
HOLIDAY_RE = re.compile(rf"(?<![A-Za-z]){HOLIDAY}(?:[ \t]*(?:of[ \t]+|,[ \t]*)?{YEAR})?")
_SEASON_WORDS = ("spring", "summer", "fall", "autumn", "winter")
_HOLIDAY_WORDS = ("christmas", "xmas", "x-mas", "thanksgiving", "easter", "new year", "halloween", "independence",
                  "of july", "memorial", "labor day", "veteran", "valentine", "mother", "father", "good friday",
                  "juneteenth", "patrick", "kippur", "hashanah", "hanukkah", "chanukah", "passover", "diwali",
                  "king", "mlk", "president", "columbus")
NUMERIC_RES = [(re.compile(p), k, s) for p, k, s in NUMERIC_PATTERNS]
# (separator after the first digit run, its length) -> the numeric patterns that can start there
_NUMERIC_BY_SHAPE = {(sep, n): [NUMERIC_RES[i] for i in idx]
                     for sep, short, year in (("/", (0, 5), (3, 4)), ("-", (0, 5), (3, 4)), (".", (1, 2), (3,)))
                     for n, idx in ((1, short), (2, short), (4, year))}
MONTH_START_RES = [(re.compile(p), k, s) for p, k, s in MONTH_START_PATTERNS]
BEFORE_MONTH_RES = [(re.compile(pre), re.compile(p), k, s) for pre, p, k, s in BEFORE_MONTH_PATTERNS]
# every month word (any case) not inside another word: the anchors of the month patterns
_MONTH_WORD_LOWER = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                     r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])")
MONTH_ANCHOR_RE = re.compile(r"(?=[JFMASONDjfmasond])(?<![A-Za-z])(?i:" + _MONTH_WORD_LOWER + ")")
MONTH_ANCHOR_LOWER_RE = re.compile(r"(?=[jfmasond])(?<![a-z])" + _MONTH_WORD_LOWER)

# an apostrophe year alone in a history ("'09 PTCA to LCX", "CABGx4 '79", "prostate CA'88", "stent '13", "the '90s"):
# not after a digit (feet and inches 5'10", minutes 20'), not closed by a quote, not before a unit
APOS_YEAR_RE = re.compile(rf"(?:(?<=[\s(,;:/-])|(?<=[A-Za-z]))'\d\d(?:s(?![A-Za-z]))?(?![\w'\"]|\.\d){UNIT_AFTER}")
# lower-case "may" with a day after a temporal preposition ("last used in may 15", "on may 3rd"), never the verb
MAY_DAY_RE = re.compile(rf"may[ \t]+{DAY}{ORD}?(?![\w/]|[.,:]\d){UNIT_AFTER}")
MAY_CUE_RE = re.compile(r"(?<![A-Za-z])(?:in|on|since|until|till|by|of|early|mid|late|last|before|after|from)[ \t]+\Z",
                        re.I)
# compact yyyymmdd / mmddyyyy (a random 8-digit identifier has this shape < 0.1% of the time, and is redacted anyway)
COMPACT_RE = re.compile(rf"(?<![\w.-])(?:{YEAR4}{MON2}{DAY2}|{MON2}{DAY2}{YEAR4})(?:T?(?:[01]\d|2[0-3])[0-5]\d"
                        rf"(?:[0-5]\d)?)?(?![\w-]|\.\d)")
DATE_CUE_RE = re.compile(r"\b(?:dates?|dated|dob|d\.o\.b|dos|birth|born|on|since|from|until|through|thru|between"
                         r"|as\s+of|admit\w*|discharg\w*|seen|visit\w*|collected|drawn|received|reported|resulted"
                         r"|performed|printed|signed|verified|ordered|scheduled|service|exam|study|procedure"
                         r"|surgery|specimen|effective|expir\w*|issued|last|next|timestamp|time)\b[^\n\d]{0,16}$",
                         re.I)
# a month named alone, after a temporal preposition or modifier: "in March", "mid-April", "end of June"
MONTH_ALONE_RE = re.compile(MONTH_ALONE)
MONTH_ALONE_CUE_RE = re.compile(r"\b(?i:in|since|during|until|till|through|thru|last|next|this|early|mid|late|before"
                                r"|after|around|past|(?:end|beginning|start|middle|month|rest|weeks?)[ \t]+of)"
                                r"(?:[ \t]+|-)"
                                r"(?:(?i:the[ \t]+)?(?:early|mid|late)[ \t-]*)?$")



_RANGE_TAILS = (" to", "through", " thru", "until", " till", " and")
_WEEKDAY_TAILS = frozenset(w.lower() for w in (*WEEKDAYS, *WEEKDAY_ABBRS))


def _range_tail(window: str) -> bool:
    """Cheap test: does the text before a date end with a range word or sign ("-", "&", "to", "through" ...)?"""
    tail = window.rstrip(" \t")
    return tail[-1:] in ("-", "&") or tail[-8:].lower().endswith(_RANGE_TAILS)


def _last_word(tail: str) -> str:
    j = len(tail)
    while j > 0 and tail[j - 1].isalpha():
        j -= 1
    return tail[j:]


def _weekday_tail(window: str) -> bool:
    """Cheap test: does the text before a date end with a weekday (optionally "the", a comma or a dot)?"""
    tail = window.rstrip(" \t,").lower()
    if tail.endswith("the") and _last_word(tail) == "the":
        tail = tail[:-3].rstrip(" \t,")
    return _last_word(tail.rstrip(".")) in _WEEKDAY_TAILS


def _extend(text: str, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    """A date span grown over its weekday, its time of day after it and the other end of its range (a time of day
    written before the date, "at 14:05 on 3/7", is no element of it and stays, unless it is a time stamp joined by a
    comma: "11:40 PM, March 3, 2021")."""
    window = text[max(0, start - 40):start]
    off = start - len(window)
    if _range_tail(window):
        if kind == "dm" and (m := RANGE_DAY_BEFORE_RE.search(window)):
            start = off + m.start()
        elif kind in ("mo", "mdy", "md") and (m := RANGE_MONTH_BEFORE_RE.search(window)):
            start = off + m.start()
        elif kind == "num" and (m := RANGE_MD_BEFORE_RE.search(window)):
            start = off + m.start()
        window = text[max(0, start - 40):start]
        off = start - len(window)
    if kind == "md" and (m := RANGE_DAY_AFTER_RE.match(text, end)):
        end = m.end()
    if _weekday_tail(window) and (m := WEEKDAY_BEFORE_RE.search(window)):
        start = off + m.start()
        window = text[max(0, start - 40):start]
        off = start - len(window)
    if m := WEEKDAY_AFTER_RE.match(text, end):
        end = m.end()
    out = []
    if m := TIME_AFTER_RE.match(text, end):
        if m.group("w") == "at":                 # "3/7/23 at 0915": the date and the time, not the "at"
            out.append((m.start("t"), m.end("t")))
        else:
            end = m.end()
    elif kind in ("num", "mdy") and (m := TIME_DOT_AFTER_RE.match(text, end)):
        out.append((m.start("t"), m.end("t")))
    out.append((start, end))
    if window[-1:] in (",", " ", "\t") and (m := TIME_BEFORE_RE.search(text, off, start)):
        g = "t" if m.group("t") else "t4"
        out.append((m.start(g), m.end(g)))
    return out


# digit runs a numeric date can start with: followed by a separator or an ordinal suffix, or 8/12/14 digits long
_DIGIT_ANCHOR_RE = re.compile(r"(?<!\d)\d+(?=[/.-]|(?:st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z]))"
                              r"|(?<!\d)\d{8}(?:\d{4}(?:\d\d)?)?(?!\d)")
_ORD_START = frozenset("sSnNrRtT")


def _word_starts(low: str, word: str):
    """Start offsets of ``word`` (lower case) followed by a space or tab in a lower-cased text (C-speed find)."""
    i = low.find(word)
    while i >= 0:
        if low[i + len(word):i + len(word) + 1] in (" ", "\t") and (i == 0 or not low[i - 1].isalpha()):
            yield i
        i = low.find(word, i + 1)


def _the_day_cued(text: str, start: int, end: int) -> bool:
    """Is "the 21st" at ``start``..``end`` a day of the month: a cue before "the" (``THE_DAY_CUE_RE``), a time
    or "of this month" after it, or it closes its clause after a planning word earlier on the line."""
    if THE_DAY_CUE_RE.search(text, max(0, start - 24), start) or THE_DAY_AFTER_RE.match(text, end):
        return True
    return bool(THE_DAY_CLOSE_RE.match(text, end) and THE_DAY_PLAN_RE.search(text, max(0, start - 80), start))


def find_dates(text: str) -> list[Candidate]:
    """Dates (with their weekday, time of day and range ends) in ``text``: list of ``Candidate(start, end, "DATE",
    score)``, score 0.9 for full dates, 0.8-0.85 for partial ones, 0.6 for a month/day with no date cue.

    Two anchor scans (month words, digit runs) select where the patterns are tried, so the cost is one pass over
    the text plus a few matches per anchor."""
    low = text.lower()
    if len(low) != len(text):           # a few non-ASCII letters change length when lower-cased
        low = None
    out: list[Candidate] = []

    def add(start: int, end: int, kind: str, score: float) -> None:
        out.extend(Candidate(s, e, "DATE", score) for s, e in _extend(text, start, end, kind))

    anchors = MONTH_ANCHOR_LOWER_RE.finditer(low) if low is not None else MONTH_ANCHOR_RE.finditer(text)
    for p in [m.start() for m in anchors]:
        for rx, kind, score in MONTH_START_RES:
            if m := rx.match(text, p):
                add(m.start(), m.end(), kind, score)
        for pre, rx, kind, score in BEFORE_MONTH_RES:
            if (b := pre.search(text, max(0, p - 32), p)) and (m := rx.match(text, b.start())):
                add(m.start(), m.end(), kind, score)
        if (m := MONTH_ALONE_RE.match(text, p)) and MONTH_ALONE_CUE_RE.search(text, max(0, p - 40), p):
            add(m.start(), m.end(), "mo", 0.8)
    n = len(text)
    for run in _DIGIT_ANCHOR_RE.finditer(text):
        s, e = run.span()
        nxt = text[e] if e < n else ""
        if nxt in ("/", "-", ".") and nxt:
            for rx, kind, score in _NUMERIC_BY_SHAPE.get((nxt, e - s), ()):
                if m := rx.match(text, s):
                    add(m.start(), m.end(), kind, score)
            if nxt == "/" and e - s <= 2 and (c := month_day_at(text, s) or month_year_at(text, s)):
                add(c.start, c.end, "", c.score)
            elif nxt == "/" and e - s <= 2 and (lst := month_day_list_at(text, s)):
                out.extend(lst)
            elif nxt == "-" and e - s <= 2 and (c := month_dash_day_at(text, s)):
                add(c.start, c.end, "", c.score)
        elif nxt in _ORD_START and nxt and (m := THE_DAY_RE.match(text, s)) and _the_day_cued(text, s, m.end()):
            add(m.start(), m.end(), "", 0.8)
        elif nxt in _ORD_START and nxt and (w := WEEKDAY_ORD_BEFORE_RE.search(text, max(0, s - 16), s)) and (
                m := ORD_DAY_RE.match(text, s)):
            add(w.start(), m.end(), "", 0.8)
        if e - s in (8, 12, 14) and (m := COMPACT_RE.match(text, s)):
            add(m.start(), m.end(), "", 0.85 if DATE_CUE_RE.search(text, max(0, s - 30), s) else 0.7)
    if "'" in text:
        for m in APOS_YEAR_RE.finditer(text):
            add(m.start(), m.end(), "", 0.7)
    for i in _word_starts(low if low is not None else text.lower(), "may"):
        if text[i] == "m" and (m := MAY_DAY_RE.match(text, i)) and MAY_CUE_RE.search(text, max(0, i - 12), i):
            add(m.start(), m.end(), "md", 0.8)
    for i in _word_starts(low if low is not None else text.lower(), "the"):
        if (m := THE_SPELLED_DAY_RE.match(text, i)) and THE_SPELLED_DAY_CUE_RE.search(text, max(0, i - 12), i):
            add(m.start("d"), m.end("d"), "", 0.75)
    if low is None or any(w in low for w in _SEASON_WORDS):
        for m in SEASON_RE.finditer(text):
            add(m.start(), m.end(), "", 0.85)
    if low is None or any(w in low for w in _HOLIDAY_WORDS):
        for m in HOLIDAY_RE.finditer(text):
            add(m.start(), m.end(), "", 0.85)
    return out
