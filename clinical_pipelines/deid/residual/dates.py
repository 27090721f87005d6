"""Dates, times attached to dates, ages over 89 and birth years implying them (45 CFR 164.514(b)(2)(i)(C)).

Safe Harbor removes every element of a date more specific than the year (day, month, month-and-year),
every age over 89 and every date element, the year included, that reveals such an age. The grammar
covers the real-world forms: ISO 8601 (2021-03-04, 20210304), US and day-first numeric dates with
slashes, dashes or dots and 2- or 4-digit years, month names and abbreviations (with day, year or
both, any order), ordinal and spelled days ("the fifth of April", "March twenty-first"), apostrophe
years ("March '19"), day-month-year with any dash ("14-Mar-2025"), and a time of day written after
the date ("3/7/23 0915", "Feb 11, 2021 14:05", "08/19/2022 @ 2340"), which belongs to the date span.
Input is folded text (see :mod:`.normalize`): every Unicode dash is "-".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12}
_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
         "nov": 11, "dec": 12}
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORD_UNITS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
              "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
              "eighteenth", "nineteenth"]
_ORD_TENS = {"twentieth": 20, "thirtieth": 30}


def _spelled_values() -> dict[str, int]:
    out: dict[str, int] = {}
    for i, w in enumerate(_UNITS):
        out[w] = i
    for i, w in enumerate(_ORD_UNITS):
        out[w] = i
    out.update(_ORD_TENS)
    out.update(_TENS)
    for t, tv in _TENS.items():
        for i in range(1, 10):
            for sep in ("-", " ", ""):
                out[f"{t}{sep}{_UNITS[i]}"] = tv + i
                out[f"{t}{sep}{_ORD_UNITS[i]}"] = tv + i
    return out


SPELLED = _spelled_values()
_SPELLED_DAY = "|".join(sorted((w for w, v in SPELLED.items() if 1 <= v <= 31), key=len, reverse=True))
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAYN = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_DAY = rf"(?:{_DAYN}|{_SPELLED_DAY})"
_YEAR4 = r"(?:1[89]\d\d|20\d\d)"
_YEAR = rf"(?:{_YEAR4}|'\d\d|\d\d)"
_TIME = (r"(?:(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d)?(?:\s?[ap]\.?m\.?)?|(?:0?[1-9]|1[0-2])\s?[ap]\.?m\.?"
         r"|(?:[01]\d|2[0-3])[0-5]\d(?:\s?h(?:rs?)?)?)")
_TIME_GLUE = r"(?:\s*,?\s*(?:at|@|-|T)?\s*|T)"
_B = r"(?<![\w'])"
_E = r"(?![\w])"

_NUMERIC = [
    rf"{_B}{_YEAR4}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!(?!T\d)\w)",  # ISO / y-m-d
    rf"{_B}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]){_E}",                  # 20210304
    # m/d/y, d/m/y; never the tail of a longer number run ("450/14/5/40%": vent settings, "7.32/48/78/24": an ABG)
    rf"{_B}(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\2(?:{_YEAR4}|\d\d){_E}(?!%)",
    rf"{_B}(?:0?[1-9]|1[0-2])[/-]{_YEAR4}{_E}",                                         # 03/2021
    rf"{_B}(?:0?[1-9]|1[0-2])\s?[/-]\s?'\d\d{_E}",                                         # 11/'19
    rf"{_B}{_YEAR4}[/-](?:0[1-9]|1[0-2]){_E}(?![-/]\d)",                                  # 2021-03
]
_NAMED = [
    rf"{_B}(?:the\s+)?{_DAY}(?:\s+of)?[\s,-]*{_MONTH}(?:[\s,-]*(?:of\s+)?{_YEAR})?{_E}",   # 5 Apr 1931, fifth of April
    rf"{_B}{_MONTH}[\s,-]*(?:the\s+)?{_DAY}(?:[\s,]*(?:of\s+)?{_YEAR})?{_E}",               # April 5th, 1931
    rf"{_B}{_MONTH}[\s,-]*(?:of\s+)?(?:{_YEAR4}|'\d\d){_E}",                                # March 2021, March '19
    rf"{_B}{_DAYN}-?{_MONTH}-?{_YEAR4}{_E}",                                                # 14Mar2025
]
# cheap first-character test before the full alternation (speed only: every alternative starts like this)
_DATE_START = (r"(?=\d|the\b|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|first|second|third|fourth|fifth|"
               r"sixth|seventh|eighth|ninth|tenth|eleven|twel|thirt|fourt|fift|sixt|sevent|eight|ninet|twent|one|"
               r"two|three|four|five|six|seven|nine|ten)")
DATE_RE = re.compile(_DATE_START + "(?:" + "|".join(f"(?:{p})" for p in _NUMERIC + _NAMED) + ")", re.I)
# a dotted 24-hour time after a date ("3.7.23 09.15"), never a decimal with a unit ("12.50 mg")
_DOTTED_TIME = (r"(?:[01]\d|2[0-3])\.[0-5]\d(?![\d.])(?!\s?(?:%|mg|mcg|ug|g|kg|ml|l|dl|mmol|meq|units?|u|cm|mm|"
                r"in|lb|lbs|oz|k|x)\b)")
TIME_AFTER_RE = re.compile(rf"{_TIME_GLUE}({_TIME}|{_DOTTED_TIME}){_E}", re.I)
# a time of day written before the date it belongs to: "Time of death: 0347 on 4/18/23", "14:05, 3/7/23"
TIME_BEFORE_RE = re.compile(rf"(?<![\w:./-])({_TIME})\s*(?:,|on|@|at|-)?\s*$", re.I)
# Month/day without a year is only a date after a date cue (otherwise it is a fraction, a grade or a ratio).
MONTH_DAY_RE = re.compile(r"(?<![\w/.])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?![\w/]|\.\d)")
DATE_CUE_RE = re.compile(r"(?:\b(?:on|since|from|until|till|through|thru|dated?|dos|dob|between|as\s+of|week\s+of|"
                         r"admit\w*|discharg\w*|seen|visit|appt|appointment|surgery|procedure|returns?|f/?u|"
                         r"follow[- ]?up|last|next|printed|signed|received|collected|drawn|performed|note|well|d/c|dc|rtc|clinic|"
                         r"today|tomorrow|yesterday)\b[\s:(-]*$)",
                         re.I)
_MAY_GUARD = re.compile(r"^may\b", re.I)
_CLOCK_AFTER_RE = re.compile(r"[ \t]*(?:@|at)[ \t]*(?:[01]?\d|2[0-3]):?[0-5]\d|[ \t]+(?:[01]?\d|2[0-3]):[0-5]\d|"
                             r"[ \t]+(?:[01]\d|2[0-3])[0-5]\d[ \t]*h(?:rs?|ours)?\b|[ \t]+(?:0?[1-9]|1[0-2])(?::[0-5]\d)?[ \t]?[ap]\.?m\b",
                             re.I)
# "on the 3rd", "last seen well the 19th.": a day of the month alone is a date element
DAY_ALONE_RE = re.compile(r"\bthe\s+((?:[12]?\d|3[01])(?:st|nd|rd|th))(?=\s*(?:[.,;:)\n]|$|at\b|@|and\b|or\b))", re.I)
# m/d that is a score, a grade or a fraction: x/4, x/5 (strength), x/6 (murmur), x/10 (pain), x/15 (GCS)
_FRACTION_DEN = {"2", "3", "4", "5", "6", "15"}
_NOT_DATE_AFTER_RE = re.compile(r"^\s*(?:mg|mcg|g|ml|tabs?|units?|strength|murmur|sem|holosystolic|systolic|"
                                r"diastolic|pain|scale|score|ratio|split|dilution|tablet|of\b|x\b)", re.I)
# named clinical scales scored "points / maximum" (MMSE and MoCA out of 30, SLUMS, Mini-Cog, PHQ-9, GAD-7, NIHSS,
# Braden, Morse, Barthel, AUDIT, CIWA-Ar, COWS, ECOG ...): "MMSE 12/30", "MoCA was 26/30" are scores, not dates
_SCALES = (r"mmse|moca|slums|mini-?cog|sls|blessed|phq-?\d*|gad-?\d*|audit(?:-c)?|cage|nihss|braden|morse|barthel|katz|"
           r"lawton|ecog|kps|karnofsky|ciwa(?:-ar)?|cows|rass|cam(?:-icu)?|epds|gds|bdi|hads|edinburgh|mna|"
           r"tinetti|fim|iadl|sofa|qsofa|apache|curb-?65|timi|chads2?|cha2ds2-vasc|has-bled|caprini|padua|stop-?bang|"
           r"epworth|nyha|mallampati|ipss|oswestry|odi|womac|koos|nrs|flacc|cpot|dass|pcl-?5|c-?ssrs|y-?bocs|asrs|mdq|"
           r"ham-?[ad]|madrs|ymrs|scored|subscore|points?|pts")
_NOT_DATE_BEFORE_RE = re.compile(rf"(?:\b(?:{_SCALES}|grade|strength|power|motor|score|ratio|murmur|pain|gcs|apgar|"
                                 r"pulses?|reflexes?|bp|x|dose|tab|tabs|percocet|norco|vicodin)(?:[ \t]+(?:was|is|of|=))?|/)\s*:?\s*$", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    alt: tuple[int, int] | None = None  # the other (month, day) reading of an ambiguous numeric date


def _month_of(tok: str) -> int | None:
    t = tok.lower().rstrip(".")
    return MONTHS.get(t) or _ABBR.get(t)


def _year_of(tok: str) -> int | None:
    t = tok.strip("'")
    if not t.isdigit():
        return None
    y = int(t)
    if len(t) == 2:
        y += 2000 if y <= dt.date.today().year % 100 else 1900
    return y


def _day_of(tok: str) -> int | None:
    t = tok.lower().replace("the", "").strip()
    m = re.match(r"(\d{1,2})(?:st|nd|rd|th)?$", t)
    if m:
        return int(m.group(1))
    return SPELLED.get(t)


def _parse(s: str) -> tuple[int | None, int | None, int | None, tuple[int, int] | None]:
    """(year, month, day, alternative (month, day)) of one matched date string."""
    low = s.lower()
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", low)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3)), None
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)", low)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3)), None
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", low)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year_of(m.group(3))
        if a <= 12:
            return y, a, b, ((b, a) if b <= 12 and a != b else None)
        return y, b, a, None
    m = re.fullmatch(r"(\d{1,2})[/-](\d{4})", low)
    if m:
        return int(m.group(2)), int(m.group(1)), None, None
    m = re.fullmatch(r"(\d{1,2})\s?[/-]\s?'(\d\d)", low)
    if m:
        return _year_of(m.group(2)), int(m.group(1)), None, None
    m = re.fullmatch(r"(\d{4})[/-](\d{1,2})", low)
    if m:
        return int(m.group(1)), int(m.group(2)), None, None
    month = None
    for tok in re.findall(r"[a-z]+\.?", low):
        month = month or _month_of(tok)
    year = None
    ym = re.search(r"(?<!\d)(\d{4}|'\d\d)(?!\d)|(?<=[\s,-])(\d\d)$", low)
    if ym:
        year = _year_of(ym.group(1) or ym.group(2))
    rest = low[:ym.start()] if ym else low
    day = None
    dm = re.search(rf"(?<![a-z\d])({_DAYN}|{_SPELLED_DAY})(?![a-z\d])", rest)
    if dm:
        day = _day_of(dm.group(1))
    return year, month, day, None


def _in_number_run(text: str, start: int, end: int, s: str) -> bool:
    """A numeric date whose own separator also joins it to more digits is part of a longer number run
    ("450/14/5/40": ventilator settings, "500-12-5-40"), unlike a range of two dates ("1/2/23-3/4/23")."""
    m = re.fullmatch(r"\d{1,2}([-/.])\d{1,2}\1\d{2,4}", s)
    if not m:
        return False
    sep = m.group(1)
    before = start >= 2 and text[start - 1] == sep and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] == sep and text[end + 1].isdigit()
    return before or after


def _time_before(text: str, start: int) -> int:
    """Start of a time of day written just before a date ("0347 on 4/18/23"), else ``start``."""
    t = TIME_BEFORE_RE.search(text, max(0, start - 24), start)
    return t.start(1) if t else start


def find_dates(text: str) -> list[DateMention]:
    """Date mentions (with an attached time of day) in folded text; ``text`` may hold masked placeholders."""
    out: list[DateMention] = []
    for m in DATE_RE.finditer(text):
        s = m.group(0)
        if _MAY_GUARD.match(s) and not re.search(r"\d", s) and (s[0] == "m" or not TIME_AFTER_RE.match(text, m.end())):
            continue  # "may the first ..." without digits is the verb; "May second @3:10pm" is a date
        if _in_number_run(text, m.start(), m.end(), s):
            continue
        y, mo, d, alt = _parse(s)
        if mo is None and d is None:
            continue
        if d is None and re.fullmatch(r"\d{4}-\d\d", s) and text[m.end():m.end() + 1] == ":":
            continue  # "1900-07:30": a shift from 19:00 to 07:30, not a year and month
        end = m.end()
        t = TIME_AFTER_RE.match(text, end)
        if t:
            end = t.end()
        out.append(DateMention(_time_before(text, m.start()), end, y, mo, d, alt))
    for m in MONTH_DAY_RE.finditer(text):
        if any(o.start <= m.start() < o.end for o in out):
            continue
        before, after = text[max(0, m.start() - 30):m.start()], text[m.end():m.end() + 16]
        den = m.group(0).split("/")[1]
        # a time of day after it makes it a date ("Arrival: 9/5 @04:00", "4/2 @ 8:20pm", "5/5 2044 hrs")
        cued = DATE_CUE_RE.search(before) is not None or _CLOCK_AFTER_RE.match(text, m.end()) is not None
        if not cued and (den in _FRACTION_DEN or _NOT_DATE_AFTER_RE.match(after) or _NOT_DATE_BEFORE_RE.search(before)):
            continue
        mo, d = (int(x) for x in m.group(0).split("/"))
        end = m.end()
        t = TIME_AFTER_RE.match(text, end)
        if t:
            end = t.end()
        out.append(DateMention(m.start(), end, None, mo, d, (d, mo) if d <= 12 else None))
    for m in DAY_ALONE_RE.finditer(text):
        if not any(o.start <= m.start(1) < o.end for o in out):
            out.append(DateMention(m.start(1), m.end(1), None, None, _day_of(m.group(1))))
    return sorted(out, key=lambda x: x.start)


# ------------------------------------------------------------------------------------------------------------
# Ages over 89
# ------------------------------------------------------------------------------------------------------------
_SPELLED_AGE = r"(?:ninety(?:[-\s]?(?:one|two|three|four|five|six|seven|eight|nine))?|one[-\s]hundred(?:[-\s](?:and[-\s])?[a-z]+(?:-[a-z]+)?)?|a\s+hundred)"
_AGE_NUM = rf"(?:9\d|1[01]\d|{_SPELLED_AGE})"
_AGE_UNIT = (r"(?:-|\s)?(?:y(?:ears?|rs?|r|o|/o|\.o\.?|\.?)?(?:[-\s]?(?:old|of\s+age))?|years?[-\s]old|yo[fm]?|"
             r"y/o[fm]?|yr[-\s]?old)")
_BDAY = r"(?:birthday|birth\s+day|b-?day|b'day|b\.day|bday)"
AGE_RES = [
    re.compile(rf"(?<![\w.]){_AGE_NUM}\s?{_AGE_UNIT}(?![a-z])(?:\s?(?:f|m|female|male|woman|man|w|yo))?\b", re.I),
    re.compile(r"(?<![\w.])(?:9\d|1[01]\d)\s?(?:yo|y/o|y\.o\.|y)\s?[fm](?![a-z])", re.I),      # 93YOF, 93 yo M
    re.compile(r"(?<![\w.])(?:9\d|1[01]\d)\s?/\s?(?:f|m|female|male)\b", re.I),               # 93/F
    re.compile(r"(?<![\w./])(?:[MF]|[Ff]emale|[Mm]ale|FEMALE|MALE)\s?/\s?(?:9\d|1[01]\d)(?![\d/.])"),  # F/93
    re.compile(r"\(\s?(?:9\d|1[01]\d)\s?(?:y|yo|yrs?|years?)\s?\)", re.I),                       # (93 y)
    re.compile(rf"\b(?:aged?|age\s+of|turned|turning|at\s+age)[\s:]*{_AGE_NUM}\b", re.I),          # aged 93
    re.compile(rf"(?<![\w.])(?:9\d|1[01]\d)(?:st|nd|rd|th)\s+(?:{_BDAY}|year)\b", re.I),  # 93rd birthday
    re.compile(r"\b(?:ninet(?:y|ieth)[-\s]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)?|"
               rf"ninetieth|hundredth)\s+(?:{_BDAY}|year)\b", re.I),
    re.compile(r"\b(?:in\s+(?:his|her|their)\s+(?:(?:early|mid|late)[-\s])?(?:90s|90's|nineties)|nonagenarian|"
               r"centenarian|supercentenarian)\b", re.I),
]
_AGE_AT_EVENT_RE = re.compile(r"\b(?:alive|living|died|deceased|passed(?:\s+away)?|death|dx|diagnosed|widowed|"
                              r"retired)\s+(?:at|aged?)\s+(?:age\s+)?(9\d|1[01]\d)\b", re.I)
_AGE_SEX_RE = re.compile(r"(?<![\w.])(9\d|1[01]\d)\s?[MF]\s+(?=(?i:w/|with|presents|presenting|p/w|pmh|hx|who|s/p|"
                         r"c/o|admitted|here|in|on|and|from|pt|patient|seen|brought|sent|transferred|for|mrn|dob|"
                         r"acct|fin|csn|id|room|rm|bed)\b)|(?<=[A-Z,] )(9\d|1[01]\d)\s?[MF](?=[ \t]*(?:$|[\n;]))", re.M)
# a temperature in Fahrenheit is no age and sex ("Tmax 101 F on arrival", "T 99 F")
_TEMP_BEFORE_RE = re.compile(r"(?i:\b(?:t|temp|temperature|tmax|tm|fever|febrile|oral|rectal|axillary|tympanic)\b|°)"
                             r"[^\n]{0,6}$")
_AGE_HEADER_RE = re.compile(r"\bage(?:/sex)?\s*[:=]?\s*(9\d|1[01]\d)(?![\d.])(?:\b|(?=[MF]\b))", re.I)


def find_ages_over_89(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for rx in AGE_RES for m in rx.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _AGE_HEADER_RE.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _AGE_AT_EVENT_RE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _AGE_SEX_RE.finditer(text)
              if not _TEMP_BEFORE_RE.search(text, max(0, m.start() - 24), m.start())]
    # "(93 y)" may be a duration in other contexts, but a parenthesised bare number is never an age
    return sorted(set(spans))


_TEENS = r"(?:eighteen|nineteen|twenty)"
_TWO_DIGITS = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s]?(?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:oh|o|zero)[-\s]?(?:one|two|three|four|five|six|seven|eight|nine))"
# a year said in words: "nineteen twenty-eight", "nineteen hundred and five", "nineteen-oh-five", "eighteen ninety-nine"
SPELLED_YEAR = rf"{_TEENS}[-\s]+(?:hundred(?:[-\s]+(?:and[-\s]+)?{_TWO_DIGITS})?|{_TWO_DIGITS})"
_BIRTH_YEAR_RE = re.compile(r"\b(?:born(?:\s+(?:in|on|during))?|b\.|birth\s*year|year\s+of\s+birth|yob|dob)"
                            r"(?:\s*\((?:year|yr)[\w\s]{0,12}\))?[\s:,]*(?:in\s+)?(?:(?:c\.|ca\.|circa|about|around|approx\.?|approximately)\s*)?"
                            r"(?:the\s+year\s+)?"
                            rf"(1[89]\d\d|20\d\d|'\d\d|{SPELLED_YEAR})(?![\w'])", re.I)


def spelled_year_value(s: str) -> int | None:
    """2021 for "twenty twenty-one", 1905 for "nineteen oh five" / "nineteen hundred and five"; None otherwise."""
    words = re.split(r"[-\s]+", s.lower().strip())
    if len(words) < 2 or words[0] not in ("eighteen", "nineteen", "twenty"):
        return None
    century = SPELLED[words[0]] * 100
    rest = [w for w in words[1:] if w not in ("hundred", "and", "oh", "o", "zero")]
    if not rest:
        return century if "hundred" in words else None
    joined = "-".join(rest)
    v = SPELLED.get(joined) if joined in SPELLED else (SPELLED.get(rest[0]) if len(rest) == 1 else None)
    return None if v is None or v > 99 else century + v


def _birth_year_value(tok: str, reference_year: int) -> int | None:
    if tok.isdigit():
        return int(tok)
    if tok.startswith("'"):
        yy = int(tok[1:])
        return (2000 + yy) if 2000 + yy <= reference_year else 1900 + yy
    return spelled_year_value(tok)
YEAR_RE = re.compile(r"(?<![\w.'/-])(1[89]\d\d|20\d\d)(?![\w/]|-\d|\.\d)")


def birth_years_over_89(text: str, reference_year: int) -> list[tuple[int, int]]:
    """Years written as a birth year ("born in 1931", "YOB 1931") that make the person older than 89."""
    out = []
    for m in _BIRTH_YEAR_RE.finditer(text):
        y = _birth_year_value(m.group(1), reference_year)
        if y is not None and reference_year - y > 89:
            out.append((m.start(1), m.end(1)))
    return out
