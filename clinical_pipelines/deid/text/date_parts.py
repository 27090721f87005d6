"""Building blocks of the date grammar shared by ``dates`` (full and partial dates), ``month_day`` (month/day
without a year) and ``ages`` (spelled ages over 89): month and weekday names, spelled days, seasons and holidays,
the numeric parts of a date (day 1-31, month 1-12, years 1900-2099, apostrophe years, ordinal suffixes) and times
of day. They define what HIPAA Safe Harbor identifier (C), 45 CFR 164.514(b)(2)(i)(C) calls "elements of dates"
(day, month, and the weekday or time of day written with them); this module finds nothing itself.

All values are regular-expression source strings (``*_RE``: compiled patterns) written for the engine's analysis
view (``normalize.py``: ASCII dashes, spaces and quotes).
"""
from __future__ import annotations

import re

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


def cap_forms(words) -> list[str]:
    """Each word in its given case and in capitals."""
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
MONTH_CAP = alternation(cap_forms(_MONTH_WORDS)) + r"(?![A-Za-z])\.?"
# with a day only: Title / upper case, or a full month name in lower case ("seen april 5"; never "may")
MONTH_WITH_DAY = (alternation([*cap_forms(_MONTH_WORDS), *(m.lower() for m in MONTHS if m != "May")])
                  + r"(?![A-Za-z])\.?")
MONTH_CAP_NO_MAY = alternation([f for f in cap_forms(_MONTH_WORDS) if f.lower() != "may"]) + r"(?![A-Za-z])\.?"
# a month alone: full names (any case but "may"), "Sept"
MONTH_ALONE = (alternation([*cap_forms([*MONTHS, "Sept"]), *[m.lower() for m in MONTHS if m != "May"]])
               + r"(?![A-Za-z])")
WEEKDAY_ABBRS = ("Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun")
WEEKDAY = (alternation([*cap_forms([*WEEKDAYS, *WEEKDAY_ABBRS]), *(w.lower() for w in WEEKDAYS)])
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
NUM_START = r"(?<![\w/])(?<!\d[.:])"          # not inside a number, a fraction or a decimal
NUM_END = r"(?![\w/]|[.:]\d)"               # idem after
WRAP = r"(?:[ \t]*\n)?[ \t]*"          # spaces, or one line wrap
UNIT_AFTER = (r"(?![ \t]*%|[ \t]*(?:mg|mcg|ug|g|kg|mL|ml|cc|L|units?|u|iu|meq|mmol|mm|cm|mmhg|bpm|x|times|tabs?|pills?"
               r"|caps?|doses?|puffs?|drops?|sprays?|h|hrs?|hours?|min|mins|minutes|days?|wks?|weeks?|mos?|months?"
               r"|years?|yrs?|dilution|titer|pts|patients|people|persons|beds?|rooms?)\b)")

# ---------------------------------------------------------------- times of day
_TZ = (r"(?:[ \t]*(?:Z(?![A-Za-z])|[+-](?:[01]\d):?[0-5]\d(?!\d)"
       r"|\(?(?:UTC|GMT|[ECMPA][SD]T|HST|AKST|AKDT)\)?(?![A-Za-z])))?")
_AMPM = r"(?:[ \t]*(?:[AaPp]\.?[ \t]?[Mm]\.?(?![A-Za-z])|[AaPp](?![A-Za-z])))"
TIME_COLON = rf"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{{1,6}})?)?{_AMPM}?{_TZ}"
TIME_AMPM = rf"(?:1[0-2]|0?[1-9])(?:\.[0-5]\d)?{_AMPM}{_TZ}|(?i:noon|midnight)(?![A-Za-z])"
TIME_4 = (rf"(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?(?:[ \t]*(?:h|hrs?|hours)(?![A-Za-z]))?{_TZ}(?![\d/]|:\d|[.,]\d)"
          rf"{UNIT_AFTER}")
# a time of day written after a date, joined by spaces, a comma, "at", "@", "-", ";" or ISO "T" ("3/7/23 0915")
TIME_AFTER_RE = re.compile(rf"(?:[ \t]*(?P<w>,|at|@|-|;)?[ \t]*|T)"
                           rf"(?P<t>(?:{TIME_COLON}|{TIME_AMPM})(?![\d:])|{TIME_4})")
