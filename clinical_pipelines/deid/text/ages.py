"""Ages over 89 and the date elements that reveal them: HIPAA Safe Harbor identifier (C), 45 CFR
164.514(b)(2)(i)(C): "all ages over 89 and all elements of dates (including year) indicative of such age, except
that such ages and elements may be aggregated into a single category of age 90 or older". An age of 89 or less is
not an identifier and stays.

Caught, for ages 90-125:
- a number with an age unit, glued or not: "93YOF", "93yo", "93 y/o", "93 y.o.", "93 yr old", "93-year-old",
  "93 years of age", "(93 y)";
- a number with a sex letter: "93F", "93 M", "93/F", "F/93" (not after a temperature or a room / bed cue);
- a number after an age cue: "aged 93", "age: 93", "at the age of 93", "turned 93", "died at 93";
- ordinals: "93rd birthday", "92nd bday", "in her 93rd year", "ninety-third birthday";
- spelled numbers: "ninety-three years of age", "aged ninety-two", "one hundred and one years old", "she is
  ninety-one.";
- decades and words: "in her mid-nineties", "in his 90s", "nonagenarian", "centenarian";
- a birth year that implies an age over 89: "born in 1931", "b. 1931", "DOB 1931", "year of birth: 1931".

Reference year. A note rarely says when it was written, and the engine does not receive the note date. A birth year
is therefore judged against the year the release is made (``current_year()``, the system clock; callers and tests
may pass ``reference_year``): a person born in year Y is 90 or older in that year when Y <= reference_year - 90 (the
person may still be 89 until the birthday; Safe Harbor is applied conservatively). This also covers the record's
own birth date from the deny list (``birth_year_deny_entries``): its bare year is redacted wherever it appears.

Input is the engine's analysis view (``normalize.py``). Returns ``Candidate`` lists of type ``AGE``.
"""
from __future__ import annotations

import datetime as _dt
import re

from .dates import TEEN_ORDINALS, TEEN_WORDS, UNIT_ORDINALS, UNIT_WORDS, _alt
from .spans import Candidate

MAX_AGE = 89                      # Safe Harbor: ages above this are identifiers
N90 = r"(?:12[0-5]|1[01]\d|9\d)"  # 90-125
_UNITS = _alt(UNIT_WORDS)[3:-1]
_SP = r"[- ]?"
SPELLED_AGE = (rf"(?i:ninety(?:{_SP}(?:{_UNITS}))?|(?:(?:one|a){_SP})?hundred(?:(?:[- ]and)?[- ](?:twenty(?:{_SP}"
               rf"(?:one|two|three|four|five))?|{_alt(TEEN_WORDS)[3:-1]}|{_UNITS}))?)")
SPELLED_AGE_ORD = (rf"(?i:ninetieth|ninety{_SP}{_alt(UNIT_ORDINALS)}|(?:(?:one|a){_SP})?hundred(?:th|(?:[- ]and)?"
                   rf"[- ](?:twentieth|twenty{_SP}(?:first|second|third|fourth|fifth)|{_alt(TEEN_ORDINALS)[3:-1]}"
                   rf"|{_alt(UNIT_ORDINALS)[3:-1]})))")
_UNIT = r"(?i:y\.?[ \t]?/?[ \t]?o\.?|yrs?\.?|years?|y)"
_OLD = r"(?:[ \t]*-?[ \t]*(?i:old|of[ \t]+age|o(?![A-Za-z])))"
_NOT_MEASURE = (r"(?!\d|\.\d|[ \t]*(?:%|percent|degrees?|deg\b|mg|kg|lbs?|pounds|cm|mm|bpm|beats|min|minutes|sec"
                r"|units?|mmhg|ml|cc|/\d|-\d|x\b|times))")
_NO_BEFORE_NUMBER = r"(?<![\w.,/-])"

# group "a" is the age itself (digits or number words); digits are extended over glued letters ("93YOF", "99th")
AGE_RES = [
    # 93YOF, 93yo, 93 y/o, 93 y.o., 93-year-old, 93 years of age, (93 y), 93yF
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})[ \t]*-?[ \t]*{_UNIT}{_OLD}?(?:[MFmf](?![A-Za-z]))?(?![A-Za-z])"),
    # 93F, 93 M, 93/F, 93 / female
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?:[MF]|(?=[ \t]?[MF](?![A-Za-z]))|(?=[ \t]*/[ \t]*(?:[MFmf]|male|female|man"
               rf"|woman)))(?![A-Za-z])"),
    # F/93, M / 93
    re.compile(rf"(?<![A-Za-z])[MF][ \t]*/[ \t]*(?P<a>{N90})(?!\d|\.\d)"),
    # age cues
    re.compile(rf"(?<![A-Za-z])(?i:age[ \t]*(?:[:=]|is|was|of)?|aged|ages|at[ \t]+(?:the[ \t]+)?age[ \t]+(?:of[ \t]+)?"
               rf"|turned|turns|turning|will[ \t]+be)[ \t]*:?[ \t]*(?P<a>{N90}){_NOT_MEASURE}"),
    re.compile(rf"(?<![A-Za-z])(?i:alive|died|passed(?:[ \t]+away)?|deceased|living|death|expired)[ \t]+(?i:at|aged?)"
               rf"[ \t]+(?i:age[ \t]+)?(?P<a>{N90}){_NOT_MEASURE}"),
    # 93rd birthday, 92nd bday, 93 birthday, in her 93rd year
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?i:st|nd|rd|th)?(?=[ \t-]*(?i:birthdays?|bday|b-day|b'day)\b)"),
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?i:st|nd|rd|th)(?=[ \t]+(?i:year)(?![A-Za-z]))"),
    re.compile(rf"(?<![A-Za-z])(?P<a>{SPELLED_AGE_ORD})(?=[ \t-]*(?i:birthdays?|bday|b-day|year)(?![A-Za-z]))"),
    # ninety-three years of age, one hundred and one years old, ninety-year-old
    re.compile(rf"(?<![A-Za-z])(?P<a>{SPELLED_AGE})(?=[ \t]*-?[ \t]*(?i:years?|yrs?|y/o|yo)(?![A-Za-z]))"),
    # aged ninety-two, at the age of ninety, turned one hundred, she is ninety-one.
    re.compile(rf"(?<![A-Za-z])(?i:aged?|age[ \t]+of|at[ \t]+(?:the[ \t]+)?age[ \t]+of|turned|turns|turning|will[ \t]+be"
               rf"|died[ \t]+at|death[ \t]+at)[ \t]+(?P<a>{SPELLED_AGE})(?![A-Za-z])(?![ \t-]*(?i:percent|degrees?))"),
    re.compile(rf"(?<![A-Za-z])(?i:is|was|now)[ \t]+(?P<a>{SPELLED_AGE})(?=[ \t]*(?:[.,;:)]|$|(?i:and|now|today|this"
               rf"|but|with|yet|who|since)\b))", re.M),
    # in her mid-nineties, in his 90s, in their early 100s
    re.compile(r"(?<![A-Za-z])(?i:in[ \t]+(?:his|her|their|the[ \t]+patient'?s|pt'?s)[ \t]+)(?P<a>(?i:(?:early|mid|late"
               r"|upper)[ \t-]*)?(?:(?:9|10)0'?s|nineties|hundreds))(?![A-Za-z])"),
    re.compile(r"(?<![A-Za-z])(?P<a>(?i:(?:super)?centenarians?|nonagenarians?))(?![A-Za-z])"),
]
_GLUED_RE = re.compile(r"[A-Za-z]+")
# Temperature (93 F), room / bed / unit numbers (Rm 93F) before a "93F"-like token
_SEX_FORM_NEG_RE = re.compile(r"(?<![A-Za-z])(?i:temp\w*|tmax|tm|t|°|fever|room|rm|bed|unit|suite|ste|apt|floor|fl|#|no\.?|size"
                              r"|gauge|fr|french)[ \t]*[:=]?[ \t]*$")

_BIRTH_CUE = (r"(?:(?i:born|b\.|dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth|year[ \t]+of[ \t]+birth|yob|birth[ \t]*year"
              r"|birthyear|birth)|b)")
BIRTH_YEAR_RE = re.compile(rf"(?<![A-Za-z.]){_BIRTH_CUE}[ \t]*(?:\([^()\n]{{0,24}}\)[ \t]*)?[:=#-]?[ \t]*(?:(?i:in|on|during|around|circa|ca\.|c\.|"
                           rf"approx\.?|approximately|about|early|mid|late|the[ \t]+year|sometime[ \t]+in)[ \t]+)*"
                           rf"(?P<y>(?:18|19)\d\d|'\d\d)(?![\d/.-]\d|\d)")
_YEAR_RE = re.compile(r"(?<!\d)(18\d\d|19\d\d|20\d\d)(?!\d)")


def current_year() -> int:
    """The reference year for birth years: the calendar year of the system clock (the release year)."""
    return _dt.date.today().year


def birth_year_implies_over_89(year: int, reference_year: int | None = None) -> bool:
    """True when someone born in ``year`` can be over 89 in ``reference_year`` (default ``current_year()``)."""
    ref = current_year() if reference_year is None else reference_year
    return 1800 <= year <= ref - (MAX_AGE + 1)


def _expand_two_digit_year(yy: str, reference_year: int) -> int:
    y = int(yy)
    century = reference_year - reference_year % 100
    return century + y if century + y <= reference_year else century - 100 + y


def find_birth_years(text: str, reference_year: int | None = None) -> list[Candidate]:
    """Birth years after a birth cue that imply an age over 89 in ``reference_year``; the year only, type AGE."""
    ref = current_year() if reference_year is None else reference_year
    out = []
    for m in BIRTH_YEAR_RE.finditer(text):
        y = m.group("y")
        year = _expand_two_digit_year(y[1:], ref) if y.startswith("'") else int(y)
        if birth_year_implies_over_89(year, ref):
            out.append(Candidate(m.start("y"), m.end("y"), "AGE", 0.85))
    return out


def find_ages(text: str, reference_year: int | None = None) -> list[Candidate]:
    """Ages over 89 (90-125) in numeric, spelled, ordinal and decade forms, and birth years implying them:
    ``Candidate(start, end, "AGE", score)``."""
    out = []
    for rx in AGE_RES:
        for m in rx.finditer(text):
            s, e = m.span("a")
            if text[s].isdigit() and (g := _GLUED_RE.match(text, e)):
                e = g.end()
            if rx is AGE_RES[1] and _SEX_FORM_NEG_RE.search(text, max(0, s - 14), s):
                continue
            out.append(Candidate(s, e, "AGE", 0.85))
    out.extend(find_birth_years(text, reference_year))
    return out


def birth_year_deny_entries(value: str, reference_year: int | None = None) -> list[tuple[str, str, str, bool]]:
    """Deny-list entries ``(regex, "AGE", probe, False)`` for the bare year of a known birth date (any format with
    a four-digit year) when that year implies an age over 89; empty otherwise. Values are never logged."""
    m = _YEAR_RE.search(value or "")
    if not m or not birth_year_implies_over_89(int(m.group(1)), reference_year):
        return []
    y = m.group(1)
    return [(r"(?<!\d)" + y + r"(?!\d)", "AGE", y, False)]
