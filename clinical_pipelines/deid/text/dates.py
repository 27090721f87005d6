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

Each date found is then extended by what belongs to it: a weekday before it ("Mon, 3/7/23"), a time of day written
after it ("3/7/23 0915", "Feb 11, 2021 14:05", "08/19/2022 @ 2340", "4/2/21 11:02 AM", "2021-02-11T14:05:00Z"), and
the other end of a range ("3/4-3/7/2021", "March 3-7, 2021", "3-7 March"). A time of day is no date element of its
own: alone, or written before a date ("at 14:05 on 3/7", "at 2am 8/25"), it stays; a time stamp joined to its date
by a comma is part of it ("11:40 PM, March 3, 2021").

Month/day without a year ("3/7") collides with clinical fractions (5/5 strength, 2/6 murmur, 1/2 tab, 3/4 of the
dose, grade 2/4, pain 7/10): it is reported only outside those contexts, and common fractions (1/2, 3/4 ...),
scale-like pairs (n/4, n/5, n/6, n/10), equal pairs (2/2) and day/month (14/3) only with a date cue ("on", "seen",
"DOS", a time after it, "HD#2" ...) or standing alone in a header.

Speed: the patterns never scan the whole note. One pass finds the month words and one the digit runs; each pattern is
tried only at the anchors it can start from (plus a look back for a prefix).

Input is the engine's analysis view (``normalize.py``: ASCII dashes, spaces and quotes). Returns ``Candidate``
lists in the text's coordinates, type ``DATE``.
"""
from __future__ import annotations

import re

from .spans import Candidate

# ---------------------------------------------------------------- vocabulary
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_ABBRS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
              "nineteen")
UNIT_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
TEEN_ORDINALS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                 "seventeenth", "eighteenth", "nineteenth")


def alternation(words) -> str:
    """Regex alternation, longest first (so a prefix never wins over the whole word)."""
    return "(?:" + "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True)) + ")"


def _cap_forms(words) -> list[str]:
    return [f for w in words for f in (w, w.upper())]


_SEP_TU = r"[- ]?"  # twenty-first, twenty first, twentyfirst
SPELLED_DAY_ORD = (r"(?i:(?:twenty" + _SEP_TU + alternation(UNIT_ORDINALS) + r"|thirty" + _SEP_TU + r"first|twentieth"
                   r"|thirtieth|" + alternation(TEEN_ORDINALS)[3:-1] + "|" + alternation(UNIT_ORDINALS)[3:-1] + r"))")
SPELLED_DAY_CARD = (r"(?i:(?:twenty" + _SEP_TU + alternation(UNIT_WORDS) + r"|thirty" + _SEP_TU + r"one|twenty|thirty|"
                    + alternation(TEEN_WORDS)[3:-1] + "|" + alternation(UNIT_WORDS)[3:-1] + r"))")

_MONTH_WORDS = [*MONTHS, *MONTH_ABBRS]
# any case (with a day or a year attached); a trailing dot is allowed after every form ("Sept.", "Jan.")
MONTH_ANY = r"(?i:" + alternation(_MONTH_WORDS)[3:-1] + r")(?![A-Za-z])\.?"
# Title or upper case (month with a day only, spelled days)
MONTH_CAP = alternation(_cap_forms(_MONTH_WORDS)) + r"(?![A-Za-z])\.?"
# with a day only: Title / upper case, or a full month name in lower case ("seen april 5"; never "may")
MONTH_WITH_DAY = (alternation([*_cap_forms(_MONTH_WORDS), *(m.lower() for m in MONTHS if m != "May")])
                  + r"(?![A-Za-z])\.?")
MONTH_CAP_NO_MAY = alternation([f for f in _cap_forms(_MONTH_WORDS) if f.lower() != "may"]) + r"(?![A-Za-z])\.?"
# a month alone: full names (any case but "may"), "Sept"
MONTH_ALONE = (alternation([*_cap_forms([*MONTHS, "Sept"]), *[m.lower() for m in MONTHS if m != "May"]])
               + r"(?![A-Za-z])")
_WEEKDAY_ABBRS = ("Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun")
WEEKDAY = (alternation(_cap_forms([*WEEKDAYS, *_WEEKDAY_ABBRS]))
           + r"(?![A-Za-z])\.?")
SEASON = r"(?i:spring|summer|fall|autumn|winter)"
HOLIDAY = (r"(?:Christmas(?:[ \t]+(?:Eve|Day))?|X-?mas|Thanksgiving(?:[ \t]+Day)?|Easter(?:[ \t]+Sunday)?"
           r"|New[ \t]+Year'?s(?:[ \t]+(?:Eve|Day))?|Halloween|Independence[ \t]+Day|Fourth[ \t]+of[ \t]+July"
           r"|Memorial[ \t]+Day|Labor[ \t]+Day|Veterans'?[ \t]+Day|Valentine'?s[ \t]+Day|Mother'?s[ \t]+Day"
           r"|Father'?s[ \t]+Day|Good[ \t]+Friday|Juneteenth|St\.?[ \t]+Patrick'?s[ \t]+Day|Yom[ \t]+Kippur"
           r"|Rosh[ \t]+Hashanah|Hanukkah|Chanukah|Passover|Diwali|Lunar[ \t]+New[ \t]+Year"
           r"|Chinese[ \t]+New[ \t]+Year|(?:MLK|Martin[ \t]+Luther[ \t]+King(?:,?[ \t]+Jr\.?)?)[ \t]+Day"
           r"|Presidents'?[ \t]+Day|Columbus[ \t]+Day)(?![A-Za-z])")

# ---------------------------------------------------------------- numeric parts
DAY = r"(?:3[01]|[12]\d|0?[1-9])"
DAY2 = r"(?:3[01]|[12]\d|0[1-9])"
MON = r"(?:1[0-2]|0?[1-9])"
MON2 = r"(?:1[0-2]|0[1-9])"
YEAR4 = r"(?:19|20)\d\d"
YEAR_APOS = r"'\d\d(?!\d)"
YEAR = rf"(?:{YEAR4}(?!\d)|{YEAR_APOS})"
ORD = r"(?:st|nd|rd|th|ST|ND|RD|TH)"
_B = r"(?<![\w/])(?<!\d[.:])"          # not inside a number, a fraction or a decimal
_E = r"(?![\w/]|[.:]\d)"               # idem after
_WRAP = r"(?:[ \t]*\n)?[ \t]*"          # spaces, or one line wrap
_UNIT_AFTER = (r"(?![ \t]*%|[ \t]*(?:mg|mcg|ug|g|kg|mL|ml|cc|L|units?|u|iu|meq|mmol|mm|cm|mmhg|bpm|x|times|tabs?|pills?"
               r"|caps?|doses?|puffs?|drops?|sprays?|h|hrs?|hours?|min|mins|minutes|days?|wks?|weeks?|mos?|months?"
               r"|years?|yrs?|dilution|titer|pts|patients|people|persons|beds?|rooms?)\b)")

# ---------------------------------------------------------------- times of day
_TZ = (r"(?:[ \t]*(?:Z(?![A-Za-z])|[+-](?:[01]\d):?[0-5]\d(?!\d)"
       r"|\(?(?:UTC|GMT|[ECMPA][SD]T|HST|AKST|AKDT)\)?(?![A-Za-z])))?")
_AMPM = r"(?:[ \t]*(?:[AaPp]\.?[ \t]?[Mm]\.?(?![A-Za-z])|[AaPp](?![A-Za-z])))"
TIME_COLON = rf"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{{1,6}})?)?{_AMPM}?{_TZ}"
TIME_AMPM = rf"(?:1[0-2]|0?[1-9])(?:\.[0-5]\d)?{_AMPM}{_TZ}|(?i:noon|midnight)(?![A-Za-z])"
TIME_4 = (rf"(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?(?:[ \t]*(?:h|hrs?|hours)(?![A-Za-z]))?{_TZ}(?![\d:/]|[.,]\d)"
          rf"{_UNIT_AFTER}")
TIME_AFTER_RE = re.compile(rf"(?:[ \t]*(?P<w>,|at|@|-|;)?[ \t]*|T)"
                           rf"(?P<t>(?:{TIME_COLON}|{TIME_AMPM})(?![\d:])|{TIME_4})")
# a time stamp written just before its date with a comma ("11:40 PM, March 3, 2021"); "at 2am 8/25", "at 14:05 on
# 3/7" keep their time (no date element)
TIME_BEFORE_RE = re.compile(rf"(?<![\w:.-])(?P<t>{TIME_COLON}|{TIME_AMPM})[ \t]?,[ \t]?$")
WEEKDAY_BEFORE_RE = re.compile(rf"(?<![A-Za-z]){WEEKDAY}[ \t]*,?[ \t]*(?:the[ \t]+)?$")
WEEKDAY_AFTER_RE = re.compile(rf"[ \t]*\({WEEKDAY}\)")

# ---------------------------------------------------------------- ranges
_RANGE_SEP = r"[ \t]*(?:-|to|through|thru|until|till|and|&)[ \t]*"
RANGE_DAY_AFTER_RE = re.compile(rf"{_RANGE_SEP}{DAY}{ORD}?(?![\w/:]|\.\d){_UNIT_AFTER}"
                                rf"(?:[ \t]*,?[ \t]*{YEAR})?(?![ \t]*{MONTH_ANY})")
RANGE_DAY_BEFORE_RE = re.compile(rf"{_B}{DAY}{ORD}?{_RANGE_SEP}$")
RANGE_MD_BEFORE_RE = re.compile(rf"{_B}{MON}/{DAY}(?:/(?:{YEAR4}|\d\d))?[ \t]*(?:-|to|through|thru|until|till)"
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
    (rf"{_B}{DAY}([/-]){DAY}\1(?:{YEAR4}|\d\d)(?![\w/]|\.\d){_UNIT_AFTER}", "num", 0.9),
    (rf"{_B}{DAY}\.{DAY}\.{YEAR4}{_E}", "num", 0.9),
    (rf"{_B}{DAY2}\.{DAY2}\.\d\d{_E}", "num", 0.85),
    # yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd (ISO 8601 and variants); yyyy-mm
    (rf"{_B}{YEAR4}([-/.]){MON}\1{DAY}(?=T\d|(?![\w/]|\.\d))", "num", 0.9),
    (rf"{_B}{YEAR4}[-/]{MON2}(?![\w/-]|[.:]\d)", "num", 0.8),
    # m/yyyy, m-yyyy, m/'yy
    (rf"{_B}(?<!\d:)(?<!titer )(?<!dilution ){MON}[/-](?:{YEAR4}|'\d\d)(?![\w/-]|\.\d){_UNIT_AFTER}", "num", 0.8),
]
MONTH_START_PATTERNS: list[tuple[str, str, float]] = [
    # Month day[, year]: "March 5", "Mar. 5th, 2025", "Mar-05-2025", "March the 5th", "Sept 5 '19"
    (rf"{MONTH_ANY}[ \t]*[-/.,]?{_WRAP}(?:the[ \t]+)?{DAY}{ORD}?(?!\d)(?:[ \t]*[,/.-]?[ \t]*(?:{YEAR}|18\d\d(?!\d)))",
     "mdy", 0.9),
    (rf"{MONTH_WITH_DAY}[ \t]*[-/.,]?{_WRAP}(?:the[ \t]+)?{DAY}{ORD}?(?![\w/]|[.:]\d){_UNIT_AFTER}", "md", 0.85),
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
    (rf"{_B}{YEAR4}[ \t]*[-/.]?[ \t]*$",
     rf"{YEAR4}[ \t]*[-/.]?[ \t]*{MONTH_ANY}[ \t]*[-/.]?[ \t]*{DAY}(?!\d)", "", 0.9),
    # spelled days before the month: "fifth of April, 2025", "twenty-first of March", "fifth April 2025"
    (rf"(?<![A-Za-z]){SPELLED_DAY_ORD}[ \t]+(?:day[ \t]+)?of[ \t]+$",
     rf"{SPELLED_DAY_ORD}[ \t]+(?:day[ \t]+)?of[ \t]+{MONTH_ANY}(?:[ \t]*,?[ \t]*{YEAR})?", "", 0.9),
    (rf"(?<![A-Za-z]){SPELLED_DAY_ORD}[ \t]+$", rf"{SPELLED_DAY_ORD}[ \t]+{MONTH_ANY}[ \t]*,?[ \t]*{YEAR}", "", 0.9),
]
# "the 21st" (day of month) away from anatomy, percentiles and counts
THE_DAY_RE = re.compile(
    r"(?<=\b(?i:the)\s)(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b(?!\s*(?i:percentile|intercostal|ics|digit"
    r"|toe|finger|cranial|nerve|grade|decile|quartile|rib|vertebra|cervical|lumbar|thoracic|lobe|segment"
    r"|generation|degree|time|day|dose|cycle|week|month|year|line|floor|edition|ed\b|of\s+\d|trimester|hour"
    r"|minute|birthday|bday|attempt|episode|admission|visit|round|session|fraction|lesion|level|position|space"
    r"|metatarsal|metacarpal|branch|order|stage|place))")
# ... after a temporal preposition or a verb ("on the 21st", "admitted the 3rd"; not "with the 1st. The 2nd fell out")
THE_DAY_CUE_RE = re.compile(r"(?<![A-Za-z])(?i:on|by|since|until|till|before|after|from|through|thru|of|starting"
                            r"|due|around|about|early|mid|late|to|and|or|-|seen|well|born|\w+ed)[ \t]+(?i:the)[ \t]+\Z")
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
APOS_YEAR_RE = re.compile(rf"(?:(?<=[\s(,;:/-])|(?<=[A-Za-z]))'\d\d(?:s(?![A-Za-z]))?(?![\w'\"]|\.\d){_UNIT_AFTER}")
# lower-case "may" with a day after a temporal preposition ("last used in may 15", "on may 3rd"), never the verb
MAY_DAY_RE = re.compile(rf"may[ \t]+{DAY}{ORD}?(?![\w/]|[.,:]\d){_UNIT_AFTER}")
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

# ---------------------------------------------------------------- month/day without a year
# not inside a number or fraction; after a word and a full stop with no space it may start ("to Unit.8/31"; not
# "600x12x.7/5")
MD_RE = re.compile(rf"(?:(?<![\w/.,])|(?<=[A-Za-z]{{2}}\.)){MON}/{DAY}(?![\w/]|[.,]\d)")
DM_RE = re.compile(rf"(?<![\w/.,])(?:1[3-9]|2\d|3[01])/{MON}(?![\w/]|[.,]\d)")
MD_CUE_RE = re.compile(r"\b(?:on|since|from|until|through|thru|dated?|dos|between|to|by|as\s+of|week\s+of|admit\w*"
                       r"|discharg\w*|seen|well|visit|started|stopped|f/u|follow[- ]?up|pod|hd|drawn|collected"
                       r"|performed"
                       r"|done|prior|last|next|noted|surgery|cath\w*|obtained|clinic|appt|appointment|scheduled|return"
                       r"|rtc|today|post|around|approx\w*|onset|began|presented|returned|placed|removed|implanted"
                       r"|echo|ecg|ekg|ct|mri|cxr|labs?|date|dob|received|printed|signed|reported|in|service|arrival"
                       r"|arriv\w*|note|pn)\b[^\n\d]{0,4}$"
                       r"|(?<![\d/])[-,(~]\s*$", re.I)
# the cues that also make a fraction-like pair (1/2, 5/5, 4/10, 14/3) a date: not "to", "by", "in", "-", "(" ...
# ("soaked in 1/4 strength", "perrla, 2/2", "chest pain (7/10)", "to 3/4 up")
MD_WEAK_CUE_RE = re.compile(r"(?:\b(?:to|by|in|well|done|prior|last|next|noted|today|post|around|approx\w*|labs?)\b"
                            r"[^\n\d]{0,4}|[,(~]\s*|\s-\s*)$", re.I)
# ventilator settings (PS/PEEP "10/5", "5/5", flow-by "6/3") and pressures: a ventilation word just before, or a
# percentage (FiO2) right before or after ("50% 8/5", "10/5 40%", "5/5-.40")
MD_VENT_BEFORE_RE = re.compile(r"(?:\b(?:cpap|bi-?pap|psv?|peep|simv|imv|ventilation|vent|settings?|wean|weaning"
                               r"|flow-?by|ipap|epap|fio2|a/c|prvc|mask|trial\w*)\b"
                               r"(?:[ \t,:/-]+(?:on|to|at|of|down|up|back|now|nasal|mask|mode|settings?))*[ \t,:/-]*"
                               r"|\d[ \t]*%[ \t]*,?[ \t]*)$", re.I)
MD_VENT_AFTER_RE = re.compile(r"[ \t]*[,-]?[ \t]*(?:\d{2,3}[ \t]*%|\.\d)")
# pressures and their lines: "PA 32/15", "PA line in place- 30/10-13", "PCWP 18/12"
MD_PRESSURE_BEFORE_RE = re.compile(r"\b(?:pa|pap|pas|pad|cvp|pcwp|wedge|swan)\b(?:[ \t]+[a-z]+){0,3}[ \t:=-]*$",
                                   re.I)
# a pair after another pair that is no date ("PA 32/15 to 28/11") is no date either
MD_AFTER_PAIR_RE = re.compile(r"(?<![\w/.])(\d{1,3})/(\d{1,3})[ \t]*(?:to|-|->)[ \t]*$", re.I)
# the end of a date range ("from 9/16 to 9/20 patient ...")
MD_RANGE_START_RE = re.compile(rf"(?<![\w/.])({MON})/({DAY})[ \t]*(?:-|to|through|thru|until|till)[ \t]*$", re.I)
_LINE_START_RE = re.compile(r"(?:^|\n)[ \t]*\Z")
# a planning cue earlier on the same line: "anticipate d/c to Maple Rehab 1/10", "f/u in clinic with Dr. X 3/4"
MD_PLAN_CUE_RE = re.compile(r"\b(?i:d/c|dispo\w*|discharg\w*|anticipat\w*|expected|planned|scheduled|appt|appointment"
                            r"|follow[- ]?up|f/u|return\w*|rtc|admit\w*|transfer\w*)\b[^\n]{0,48}\Z")
MD_AFTER_CUE_RE = re.compile(r"[ \t]*[,(]?[ \t]*(?i:hd|pod|hospital[ \t]+day|day)[ \t]*#?[ \t]*\d")  # 2/6 HD#1
MD_PRE_NEG_RE = re.compile(r"(?:grade|strength|power|motor|score|ratio|murmur|pulses?|reflex(?:es)?|apgar|gcs"
                           r"|pain|scale|rated|rates|severity|intensity|level|fio2|peep|vent|settings|sets?|bottles?"
                           r"|cultures?|titer|dilution|rue|lue|rle|lle|ue|le|bilat\w*|grossly|psv|ps|cpap|ipap|epap"
                           r"|bipap|simv|a/?c|imv|sbp|dbp|bp|map|pap|pas|cvp|rr|vt|tv|ie|i:e|mmse|moca|slums|rass)[\s:=-]*$",
                           re.I)
# weaker evidence ("x 2", "2 of", "L5", "+"): blocks only pairs that look like a count, scale or fraction
MD_PRE_WEAK_RE = re.compile(r"(?:\b(?:x|times|of)|[a-z]\d)\s*:?\s*$|(?<![\d:])\d[ \t]?$|\+\s*$", re.I)
# month / two-digit year with a year that cannot be a day ("hip fx 3/96", "AVR 2/81", "(11/94)")
MY_RE = re.compile(r"(?:(?<![\w/.,:])|(?<=[a-z]{2}))(0?[1-9]|1[0-2])/([3-9]\d)(?![\w/%]|[.,]\d)")  # "fx4/97"
MD_NEG_RE = re.compile(r"[ \t]*(?:strength|murmur|tabs?|pills?|doses?|times|motor|reflex|power|lobes?|vessels?|score"
                       r"|of\b|pulses?|grip|systolic|diastolic|holosystolic|beats?|units?|mg|ml|cm|mm|ejection|harsh"
                       r"|soft|blowing|early|late|mid|pan|crescendo|continuous|sem|hsm|rubs?|gallops?|lesions?|nodes?"
                       r"|positive|negative|cores?|sites?|views?|criteria|points?|ratio|scale|pain|ns\b|nss|normal"
                       r"|saline|str|bottles?|sets?|cultures?|patients?|pts|cases|days?|weeks?|wks?|months?|mos?"
                       r"|servings?|packs?|ppd|cigs?|drinks?|dilution|titer|split|fractions?|ratio|blood|bcx|bc\b)", re.I)
_SCALE_MAX = {4, 5, 6, 10}     # murmur grades /4 /6, strength /5, pain and other scales /10
_COMMON_FRACTIONS = {(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 8), (3, 8), (5, 8), (7, 8), (1, 5), (2, 5),
                     (3, 5), (4, 5), (1, 6), (5, 6)}



_LINE_END_RE = re.compile(r"[.;]?[ \t]*(?:\n|$|\|)")
_LAYOUT_BEFORE_RE = re.compile(r"(?:^|\n|\||[ \t]{2})[ \t]*\Z")      # alone in a header / table cell


def _month_year_at(text: str, start: int) -> Candidate | None:
    """A month / two-digit year whose year (32-99) cannot be a day ("fx 3/96", "AVR 2/81"), away from the
    measurement contexts of ``MD_PRE_NEG_RE`` / ``MD_NEG_RE`` (ventilator settings, BP, scales)."""
    m = MY_RE.match(text, start)
    if not m:
        return None
    pre = text[max(0, m.start() - 24):m.start()]
    if MD_NEG_RE.match(text, m.end()) or MD_PRE_NEG_RE.search(pre) or re.match(r"[ \t]*(?:%|mm|cm|ml|mg)", text[m.end():]):
        return None
    return Candidate(m.start(), m.end(), "DATE", 0.6)


def _month_day_at(text: str, start: int) -> Candidate | None:
    """A month/day without a year starting at ``start``, away from fraction, score and strength contexts; common
    fractions, scale-like pairs (n/4, n/5, n/6, n/10), equal pairs and day/month need a date cue or a time after
    them, or must stand alone at the end of a line (an equal pair) or of a header / table cell (a fraction)."""
    for rx, day_first in ((MD_RE, False), (DM_RE, True)):
        if not (m := rx.match(text, start)):
            continue
        pre = text[max(0, m.start() - 24):m.start()]
        a, b = (int(x) for x in m.group().split("/"))
        if (not day_first and (r := MD_RANGE_START_RE.search(pre))
                and _month_day_at(text, m.start() - len(pre) + r.start()) is not None):
            return Candidate(m.start(), m.end(), "DATE", 0.8)       # "9/16 to 9/20": the end of a date range
        if (MD_NEG_RE.match(text, m.end()) or MD_PRE_NEG_RE.search(pre) or MD_PRESSURE_BEFORE_RE.search(pre)
                or _vent_pair(text, m.start(), m.end(), a, b)
                or ((p := MD_AFTER_PAIR_RE.search(pre)) and not _date_like(int(p.group(1)), int(p.group(2))))):
            return None
        if MD_PRE_WEAK_RE.search(pre) and (day_first or (a, b) in _COMMON_FRACTIONS or a == b or b in _SCALE_MAX
                                           or (b <= 12 and a < b)):  # "2 3/4", "x 3 1/8"; not "stent x2 8/7"
            return None
        word_cue = MD_CUE_RE.search(pre)
        line_start = _LINE_START_RE.search(pre) is not None and re.match(r"[ \t]+[A-Z]", text[m.end():m.end() + 2])
        cue = (word_cue is not None or TIME_AFTER_RE.match(text, m.end()) is not None
               or MD_PLAN_CUE_RE.search(text, max(0, m.start() - 56), m.start()) is not None
               or MD_AFTER_CUE_RE.match(text, m.end()) is not None or bool(line_start))
        strong = cue and not (word_cue is not None and MD_WEAK_CUE_RE.search(pre) and not line_start
                              and TIME_AFTER_RE.match(text, m.end()) is None)
        if (day_first or (a, b) in _COMMON_FRACTIONS or a == b or (b in _SCALE_MAX and a <= b)) and not strong:
            if _event_scale_pair(text, m.start(), m.end(), a, b, day_first):
                return Candidate(m.start(), m.end(), "DATE", 0.6)
            if (not _LINE_END_RE.match(text, m.end()) or (a != b and not _LAYOUT_BEFORE_RE.search(pre))
                    or word_cue is not None):               # "perrla, 2/2." ends a list, not a header
                return None
        return Candidate(m.start(), m.end(), "DATE", 0.8 if cue else 0.6)
    return None


# what a score or grade is written with in the same clause ("rates pain 4/10.", "SEM 2/6.", "strength 4/5.")
_SCORE_WORDS_RE = re.compile(r"\b(?:pain\w*|ache\w*|\w+aches?|discomfort|sore\w*|cramp\w*|hurt\w*|rat(?:e|es|ed|ing)"
                             r"|scores?|scales?|intensity|level|severity|nausea|anxiety|dyspnea|sob|itch\w*|murmur"
                             r"|sem|hsm|strength|grade|motor|power|reflex\w*|pulses?|gcs|ha|h/a|cp|c/o|/10)\b", re.I)
_CLAUSE_START_RE = re.compile(r"[.;:!?\n](?=[^.;:!?\n]*\Z)")


def _event_scale_pair(text: str, start: int, end: int, a: int, b: int, day_first: bool) -> bool:
    """A scale-like m/d (4/10, 3/6) closing a sentence about an event, with no score word in its clause
    ("had a BM 4/10."), not "pain 4/10." or "rates it 4/10."."""
    if day_first or a == b or (a, b) in _COMMON_FRACTIONS or b not in _SCALE_MAX:
        return False
    if not re.match(r"\.(?:[ \t]|$)", text[end:end + 2]):
        return False
    window = text[max(0, start - 60):start]
    clause = window[c.end():] if (c := _CLAUSE_START_RE.search(window)) else window
    return _SCORE_WORDS_RE.search(clause) is None


def _date_like(a: int, b: int) -> bool:
    """m/d or d/m that can be a date."""
    return 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12)


def _vent_pair(text: str, start: int, end: int, a: int, b: int) -> bool:
    """A ventilator setting pair (PS/PEEP, rate/PEEP, flow-by): at most 30 / 20 after a ventilation word
    (``MD_VENT_BEFORE_RE``), at most 30 / 30 before a percentage (``MD_VENT_AFTER_RE``)."""
    if a > 30 or b > 30:
        return False
    return bool((b <= 20 and MD_VENT_BEFORE_RE.search(text, max(0, start - 28), start))
                or MD_VENT_AFTER_RE.match(text, end))


_RANGE_TAILS = (" to", "through", " thru", "until", " till", " and")
_WEEKDAY_TAILS = frozenset(w.lower() for w in (*WEEKDAYS, *_WEEKDAY_ABBRS))


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
    out.append((start, end))
    if window[-1:] in (",", " ") and (m := TIME_BEFORE_RE.search(window)):
        out.append((off + m.start("t"), off + m.end("t")))
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
            if nxt == "/" and e - s <= 2 and (c := _month_day_at(text, s) or _month_year_at(text, s)):
                add(c.start, c.end, "", c.score)
        elif (nxt in _ORD_START and nxt and (m := THE_DAY_RE.match(text, s))
              and THE_DAY_CUE_RE.search(text, max(0, s - 24), s)):
            add(m.start(), m.end(), "", 0.8)
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
