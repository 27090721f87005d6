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
  ninety-one.", and with no age word when the context makes them an age: "a woman of ninety-eight", "at
  ninety-one", "reached ninety-five", "lived to be one hundred and two", "ninety-something" (not before a unit or a
  counted thing, "ninety minutes", "ninety mg", nor after a measurement in the same clause, "HR at ninety");
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

from .date_parts import TEEN_ORDINALS, TEEN_WORDS, UNIT_ORDINALS, UNIT_WORDS, alternation
from .spans import Candidate

MAX_AGE = 89                      # Safe Harbor: ages above this are identifiers
N90 = r"(?:12[0-5]|1[01]\d|9\d)"  # 90-125
_UNITS = alternation(UNIT_WORDS)[3:-1]
_SP = r"[- ]?"
SPELLED_AGE = (rf"(?i:ninety(?:{_SP}(?:{_UNITS}))?|(?:(?:one|a){_SP})?hundred(?:(?:[- ]and)?[- ](?:twenty(?:{_SP}"
               rf"(?:one|two|three|four|five))?|{alternation(TEEN_WORDS)[3:-1]}|{_UNITS}))?)")
SPELLED_AGE_ORD = (rf"(?i:ninetieth|ninety{_SP}{alternation(UNIT_ORDINALS)}|(?:(?:one|a){_SP})?hundred(?:th"
                   rf"|(?:[- ]and)?[- ](?:twentieth|twenty{_SP}(?:first|second|third|fourth|fifth)"
                   rf"|{alternation(TEEN_ORDINALS)[3:-1]}"
                   rf"|{alternation(UNIT_ORDINALS)[3:-1]})))")
_UNIT = r"(?i:y\.?[ \t]?/?[ \t]?o\.?|yrs?\.?|years?|y)"
_OLD = r"(?:[ \t]*-?[ \t]*(?i:old|of[ \t]+age|o(?![A-Za-z])))"
_NOT_MEASURE = (r"(?!\d|\.\d|[ \t]*(?:%|°|percent|degrees?|deg\b|mg|kg|lbs?|pounds|cm|mm|bpm|beats|min|minutes|sec"
                r"|units?|mmhg|ml|cc|/\d|-\d|x\b|times))")
_NO_BEFORE_NUMBER = r"(?<![\w.,/-])"

# --- at a number 90-125 (matched at the number): group "a" is the number, extended over glued letters ("93YOF")
AT_NUMBER_RES = [
    # 93YOF, 93yo, 93 y/o, 93 y.o., 93-year-old, 93 years of age, (93 y), 93yF
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?:[ \t-]*(?i:something|odd|ish))?[ \t]*-?[ \t]*{_UNIT}{_OLD}?"
               rf"(?:[MFmf](?![A-Za-z]))?(?![A-Za-z])"),
    # 93rd birthday, 92nd bday, 93 birthday, in her 93rd year
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?i:st|nd|rd|th)?(?=[ \t-]*(?i:birthdays?|bday|b-day|b'day)\b)"),
    re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?i:st|nd|rd|th)(?=[ \t]+(?i:year)(?![A-Za-z]))"),
]
# 93F, 93 M, 93/F, 93 / female (not after a temperature, room or size cue)
SEX_FORM_RE = re.compile(rf"{_NO_BEFORE_NUMBER}(?P<a>{N90})(?:[MF]|(?=[ \t]?[MF](?![A-Za-z]))|(?=[ \t]*/[ \t]*"
                         rf"(?:[MFmf]|male|female|man|woman)(?![A-Za-z])))(?![A-Za-z])")
_SEX_FORM_NEG_RE = re.compile(r"(?<![A-Za-z])(?i:temp\w*|tmax|tm|t|°|fever\w*|febrile|room|rm|bed|unit|suite|ste"
                              r"|apt|floor|fl|#|no\.?|size|gauge|fr|french)[ \t]*(?:(?i:of|was|is|to|at|up[ \t]+to"
                              r"|max|maximum|peak|spiked[ \t]+to)[ \t]+)?[:=]?[ \t]*\Z")
# --- before a number 90-125 (searched in the 48 characters before it, ending at the number)
BEFORE_NUMBER_RES = [
    re.compile(r"(?<![A-Za-z])[MF][ \t]*/[ \t]*\Z"),                      # F/93
    re.compile(r"(?<![A-Za-z])(?i:age[ \t]*(?:\([^()\n]{0,12}\)[ \t]*)?(?:[:=]|is|was|of)?|aged|ages"
               r"|at[ \t]+(?:the[ \t]+)?age[ \t]+(?:of[ \t]+)?"
               r"|turned|turns|turning|will[ \t]+be)[ \t]*:?[ \t]*\Z"),     # aged 93, age: 93
    re.compile(r"(?<![A-Za-z])(?i:alive|died|passed(?:[ \t]+away)?|deceased|living|death|expired)[ \t]+(?i:at|aged?)"
               r"[ \t]+(?i:age[ \t]+)?\Z"),                               # died at 97
]
# speech-like: a person and a verb of being ("(shes 95)", "she's 95", "mom is 93", "he was actually 90 on 3/14",
# "who is now 101"), with hedges between; not a reading ("pt is 94 on 2L", "she was 92% on RA": see below)
_PERSON_SUBJECT = (r"(?i:s?he|they|who|pt|patient|mom|mother|mum|dad|father|grand(?:ma|mother|pa|father)|husband"
                   r"|wife|spouse|aunt|uncle|sister|brother|she|he)")
COPULA_BEFORE_RE = re.compile(
    rf"(?<![A-Za-z])(?:{_PERSON_SUBJECT}(?:'s|'re|'ll[ \t]+be|[ \t]+(?:is|was|are|were|will[ \t]+be|turns|turned"
    r"|turning))"
    r"|(?i:shes|hes|hit|reached|celebrated|celebrating|made[ \t]+it[ \t]+to|lived[ \t]+to(?:[ \t]+be)?))"
    r"[ \t]+(?:(?i:actually|now|only|just|almost|nearly|about|over|already|still|really|finally"
    r"|at[ \t]+least|going[ \t]+on|all[ \t]+of)[ \t]+)*\Z")
_COPULA_WORDS = (" is ", " was ", "'s ", " are ", " were ", " be ", "shes ", "hes ", " turn", "'re ", "hit ", "reach",
                 "celebrat", "made it", "lived to")
# "At 95 she still drives", "at 101, he ...": an age opening a sentence about the person
AT_AGE_AFTER_RE = re.compile(r",?[ \t]+(?i:she|he|they|the[ \t]+patient|pt|mom|dad|mother|father)(?![A-Za-z])")
AT_AGE_BEFORE_RE = re.compile(r"(?:^|(?<=[.!?;:(\n])[ \t]*|(?<=[.!?;:(\n][ \t]))(?i:at)[ \t]+\Z", re.M)
# ... not a saturation or a reading on a device ("on 2L", "on RA", "on the vent")
_READING_AFTER_RE = re.compile(r"[ \t]*(?i:on|at|with|via)[ \t]+(?:\d+(?:\.\d+)?[ \t]*(?:l\b|lpm|liters?|%)|ra\b|room"
                               r"|nc\b|nrb|bipap|cpap|hfnc|vent|o2|oxygen|high|face|the[ \t]+vent|fio2|nasal|mask|bp)", re.I)
# a number 90-125 with when it was reached ("(100 yesterday!)", "(actually 90 on 3/14)", "92 last week"), after an
# opening bracket or a hedge, or with a birthday or age word earlier in the clause
_WHEN_AFTER_RE = re.compile(r"[ \t]+(?i:yesterday|today|tomorrow|tmrw|(?:last|this|next)[ \t]+(?:week|month|year"
                            r"|spring|summer|fall|autumn|winter)|on[ \t]+(?:\d{1,2}/\d{1,2}|(?:her|his|their)[ \t]+birthday"
                            r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t]+\d))(?![A-Za-z])")
_WHEN_BEFORE_RE = re.compile(r"(?:\([ \t]*|(?<![A-Za-z])(?i:actually|just|only|now|finally)[ \t]+)\Z")
_AGE_WORD_RE = re.compile(r"(?<![A-Za-z])(?i:birthdays?|bday|b-day|turn\w*|age|aged|old|celebrat\w*)(?![A-Za-z])")
_AFTER_CUED_NUMBER_RE = re.compile(_NOT_MEASURE)
# in her mid-90s, in his 90s, in their early 100s (the number is 90 or 100, "s" follows)
DECADE_BEFORE_RE = re.compile(r"(?<![A-Za-z])(?i:in[ \t]+(?:his|her|their|the[ \t]+patient'?s|pt'?s)[ \t]+)"
                              r"(?P<a>(?i:(?:early|mid|late|upper)[ \t-]*)?)\Z")
DECADE_AFTER_RE = re.compile(r"'?s(?![A-Za-z])")
# --- spelled forms (run only when a number word is present)
SPELLED_RES = [
    re.compile(rf"(?<![A-Za-z])(?P<a>{SPELLED_AGE_ORD})(?=[ \t-]*(?i:birthdays?|bday|b-day|year)(?![A-Za-z]))"),
    # ninety-three years of age, one hundred and one years old, ninety-year-old
    re.compile(rf"(?<![A-Za-z])(?P<a>{SPELLED_AGE}(?:[ \t-]*(?i:something|odd|ish))?)"
               rf"(?=[ \t]*-?[ \t]*(?i:years?|yrs?|y/o|yo)(?![A-Za-z]))"),
    # aged ninety-two, age: ninety-eight, at the age of ninety, turned one hundred, she is ninety-one.
    re.compile(rf"(?<![A-Za-z])(?i:aged?|age[ \t]*[:=]|age[ \t]+of|at[ \t]+(?:the[ \t]+)?age[ \t]+of|turned|turns"
               rf"|turning|will[ \t]+be"
               rf"|died[ \t]+at|death[ \t]+at)[ \t]+(?P<a>{SPELLED_AGE})(?![A-Za-z])"
               rf"(?![ \t-]*(?i:percent|degrees?|minutes?|mins?|seconds?|hours?|days?|mg|ml|cc)(?![A-Za-z]))"),
    re.compile(rf"(?:(?<![A-Za-z])(?i:is|was|now|shes|hes)|(?<=[A-Za-z])'s)[ \t]+(?P<a>{SPELLED_AGE})(?=[ \t]*(?:[.,;:)]|$|(?i:and|now|today|this"
               rf"|but|with|yet|who|since)\b))", re.M),
    re.compile(r"(?<![A-Za-z])(?i:in[ \t]+(?:his|her|their|the[ \t]+patient'?s|pt'?s)[ \t]+)(?P<a>(?i:(?:early|mid|late"
               r"|upper)[ \t-]*)?(?i:nineties|hundreds))(?![A-Za-z])"),
    re.compile(r"(?<![A-Za-z])(?P<a>(?i:(?:super)?centenarians?|nonagenarians?))(?![A-Za-z])"),
]
_SPELLED_WORDS = ("ninet", "hundred", "centenarian", "nonagenarian")
# --- a spelled number 90-125 (optionally "-something", "-ish") used as an age by what is written before it
SPELLED_NUMBER_RE = re.compile(rf"(?<![A-Za-z])(?P<a>{SPELLED_AGE}(?:[ \t-]?(?i:something|ish)(?![A-Za-z]))?)"
                               r"(?![A-Za-z])")
# no age when a unit or a counted thing follows ("ninety minutes", "ninety percent", "ninety mg", "ninety days")
_QUANTITY_AFTER_RE = re.compile(
    r"[ \t]*(?:%|°|/|\+)|[ \t-]*(?i:percent\w*|per|degrees?|deg|point|over|mg|mcg|micrograms?|milligrams?|grams?"
    r"|g|kgs?|kilos?|kilograms?|lbs?|pounds?|ounces?|oz|cc|ccs|ml|mls|milliliters?|liters?|l|units?|meq|mmhg|cm|mm"
    r"|centimeters?|millimeters?|meters?|feet|ft|inch\w*|miles?|yards?|steps|seconds?|secs?|minutes?|mins?|hours?"
    r"|hrs?|days?|weeks?|wks?|months?|times|beats|bpm|breaths|calories|kcals?|dollars|patients|pts|people|persons"
    r"|cases|pills?|tabs?|tablets?|capsules?|doses?|puffs?|drops?|sets?|reps?|mph|kph|cigarettes|cigs|packs?"
    r"|drinks?|pages?|beds?|rooms?)(?![A-Za-z])")
_PERSON_NOUN = (r"(?i:wom[ae]n|m[ae]n|gentlem[ae]n|gents?|lad(?:y|ies)|lads?|patients?|pts?|widow(?:er)?s?|females?"
                r"|males?|persons?|people|individuals?|residents?|veterans?|grand(?:mother|father|ma|pa|parent)s?"
                r"|mothers?|fathers?|mom|dad|husband|wife|spouse|sisters?|brothers?|aunt|uncle|souls?|fellow|girl"
                r"|boy|gal|guy|chap|matriarch|patriarch|nun|priest|retiree|pensioner)")
_HEDGE = (r"(?:(?i:about|around|nearly|almost|over|some|roughly|approximately|approx\.?|perhaps|maybe|past"
          r"|just[ \t]+(?:over|under)|well[ \t]+(?:over|past)|close[ \t]+to|at[ \t]+least)[ \t]+)?")
# a bracketed age after a person ("lives with husband (96)", "her mother (97)", "Mrs. Doe (93)"; not "HR (95)")
PERSON_BRACKET_BEFORE_RE = re.compile(rf"(?<![A-Za-z]){_PERSON_NOUN}(?:[ \t]+[A-Z][a-z]+\.?){{0,3}}[ \t]*\([ \t]*\Z"
                                      r"|(?<![A-Za-z])(?:Mrs?|Ms|Mr|Miss|Mx)\.?(?:[ \t]+[A-Z][A-Za-z'-]+){1,3}[ \t]*\([ \t]*\Z")
_BRACKET_CLOSE_RE = re.compile(r"[ \t]*\)")
# "a woman of ninety-eight", "gentleman of nearly one hundred"
PERSON_OF_BEFORE_RE = re.compile(rf"(?<![A-Za-z]){_PERSON_NOUN}[ \t]+of[ \t]+{_HEDGE}\Z")
# "at ninety-one", "reached ninety-five", "lived to be one hundred and two" (not after a measurement: "HR at ninety")
AGE_VERB_BEFORE_RE = re.compile(rf"(?<![A-Za-z])(?i:at|reached|reaches|reaching|approaching|nearing|lived[ \t]+to"
                                rf"(?:[ \t]+be)?|made[ \t]+it[ \t]+to)[ \t]+{_HEDGE}\Z")
_MEASURE_CUE_RE = re.compile(
    r"\b(?i:hr|heart[ \t]+rate|pulse|p|sats?|sat\w*|spo2|o2|oxygen|bp|sbp|dbp|map|rr|resp\w*|rate|temp\w*|t|tmax"
    r"|fever\w*|febrile|glucose|sugars?|bs|fsbs|fs|finger\w*|weight|wt|weigh\w*|infus\w*|running|drip|gtt|titrat\w*"
    r"|set|volume|output|uop|uo|urine|fio2|peep|tv|vt|level|score|speed|hob|angle|flex\w*|abduct\w*|rom|dose|bolus"
    r"|count|plt|platelets|wbc|hgb|hct|k|na|cr|bun|lactate|page|room|rm|bed)\b")
_CLAUSE_TAIL_RE = re.compile(r"[^.;!?\n]*\Z")
_GLUED_RE = re.compile(r"[A-Za-z]+")
_DIGIT_RUN_RE = re.compile(r"\d+")

_BIRTH_CUE = (r"(?:(?i:born|b\.|dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth|year[ \t]+of[ \t]+birth|yob|birth[ \t]*year"
              r"|birthyear|birth)|b)")
BIRTH_BEFORE_YEAR_RE = re.compile(rf"(?<![A-Za-z.]){_BIRTH_CUE}[ \t]*(?:\([^()\n]{{0,24}}\)[ \t]*)?[:=#~-]?[ \t]*~?"
                                  r"(?:(?i:in|on|during|around|circa|ca\.|c\.|approx\.?|approximately|about|early|mid"
                                  r"|late|the[ \t]+year|the|sometime[ \t]+in)[ \t]+)*'?\Z")
_AFTER_BIRTH_YEAR_RE = re.compile(r"[\d/.-]\d")
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
    return [c for run in _DIGIT_RUN_RE.finditer(text) if (c := _birth_year_at(text, run, ref))]


def _birth_year_at(text: str, run: re.Match, ref: int) -> Candidate | None:
    s, e = run.span()
    digits = run.group()
    if len(digits) == 4:
        year = int(digits)
    elif len(digits) == 2 and s > 0 and text[s - 1] == "'":
        year, s = _expand_two_digit_year(digits, ref), s - 1
    else:
        return None
    if not birth_year_implies_over_89(year, ref) or _AFTER_BIRTH_YEAR_RE.match(text, e):
        return None
    if not BIRTH_BEFORE_YEAR_RE.search(text, max(0, s - 48), run.start()):
        return None
    return Candidate(s, e + (text[e:e + 1] == "s"), "AGE", 0.85)       # "born in the 1920s"


def _ages_at_number(text: str, run: re.Match) -> list[Candidate]:
    s, e = run.span()
    out = []
    for rx in AT_NUMBER_RES:
        if m := rx.match(text, s):
            out.append(Candidate(s, _glued_end(text, e), "AGE", 0.85))
            break
    if (m := SEX_FORM_RE.match(text, s)) and not _SEX_FORM_NEG_RE.search(text, max(0, s - 14), s):
        out.append(Candidate(s, _glued_end(text, e), "AGE", 0.85))
    window = max(0, s - 48)
    if _AFTER_CUED_NUMBER_RE.match(text, e) is not None and any(rx.search(text, window, s) for rx in BEFORE_NUMBER_RES):
        out.append(Candidate(s, e, "AGE", 0.85))
    if (_AFTER_CUED_NUMBER_RE.match(text, e) is not None and not _READING_AFTER_RE.match(text, e)
            and not _QUANTITY_AFTER_RE.match(text, e) and
            _spoken_age(text, s, e, window)):
        out.append(Candidate(s, e, "AGE", 0.8))
    if run.group() in ("90", "100") and (d := DECADE_AFTER_RE.match(text, e)) and (
            m := DECADE_BEFORE_RE.search(text, window, s)):
        out.append(Candidate(m.start("a"), d.end(), "AGE", 0.85))
    return out


def _spoken_age(text: str, s: int, e: int, window: int) -> bool:
    """A number 90-125 at ``s``..``e`` said of a person: after a subject and a verb of being ("(shes 95)", "mom is
    93", "he was actually 90 on 3/14"), or with when it was reached ("(100 yesterday!)", "actually 90 on 3/14") after
    a bracket, a hedge or a birthday word; never after a measurement name in the same clause ("HR is 95")."""
    near = text[max(0, s - 40):s].lower()
    if text[s - 1:s] in ("(", " ") and _BRACKET_CLOSE_RE.match(text, e) and PERSON_BRACKET_BEFORE_RE.search(
            text, window, s):
        return True
    copula = any(w in near for w in _COPULA_WORDS) and COPULA_BEFORE_RE.search(text, window, s) is not None
    copula = copula or bool(AT_AGE_AFTER_RE.match(text, e) and AT_AGE_BEFORE_RE.search(text, max(0, s - 6), s))
    if not copula and not _WHEN_AFTER_RE.match(text, e):
        return False
    clause = _CLAUSE_TAIL_RE.search(text, window, s).group()
    if _MEASURE_CUE_RE.search(clause):
        return False
    return copula or bool(_WHEN_BEFORE_RE.search(text, window, s) or _AGE_WORD_RE.search(clause))


def _spelled_age_by_context(text: str, m: re.Match) -> Candidate | None:
    """A spelled number 90-125 that is a person's age by what is written before it: "a woman of ninety-eight",
    "at ninety-one", "reached ninety-five", or written "ninety-something"; not before a unit or a counted thing
    ("ninety minutes", "ninety mg"), nor after a measurement in the same clause ("HR at ninety")."""
    s, e = m.span("a")
    if _QUANTITY_AFTER_RE.match(text, e):
        return None
    window = max(0, s - 48)
    if PERSON_OF_BEFORE_RE.search(text, window, s):
        return Candidate(s, e, "AGE", 0.85)
    clause = _CLAUSE_TAIL_RE.search(text, window, s).group()
    if _MEASURE_CUE_RE.search(clause):
        return None
    if AGE_VERB_BEFORE_RE.search(text, window, s) or m.group("a").lower().endswith(("something", "ish")):
        return Candidate(s, e, "AGE", 0.85)
    return None


def _glued_end(text: str, end: int) -> int:
    g = _GLUED_RE.match(text, end)
    return g.end() if g else end


def find_ages(text: str, reference_year: int | None = None) -> list[Candidate]:
    """Ages over 89 (90-125) in numeric, spelled, ordinal and decade forms, and birth years implying them:
    ``Candidate(start, end, "AGE", score)``. Patterns run only at digit runs (90-125, or a year) and, for spelled
    forms, only in notes that contain a number word."""
    ref = current_year() if reference_year is None else reference_year
    out: list[Candidate] = []
    for run in _DIGIT_RUN_RE.finditer(text):
        n = len(run.group())
        if n in (2, 3) and 90 <= int(run.group()) <= 125:
            out.extend(_ages_at_number(text, run))
        if n in (2, 4) and (c := _birth_year_at(text, run, ref)):
            out.append(c)
    low = text.lower()
    if any(w in low for w in _SPELLED_WORDS):
        for rx in SPELLED_RES:
            out.extend(Candidate(m.start("a"), m.end("a"), "AGE", 0.85) for m in rx.finditer(text))
        out.extend(c for m in SPELLED_NUMBER_RE.finditer(text) if (c := _spelled_age_by_context(text, m)))
    return out


def birth_year_deny_entries(value: str, reference_year: int | None = None) -> list[tuple[str, str, str, bool]]:
    """Deny-list entries ``(regex, "AGE", probe, False)`` for the bare year of a known birth date (any format with
    a four-digit year) when that year implies an age over 89; empty otherwise. Values are never logged."""
    m = _YEAR_RE.search(value or "")
    if not m or not birth_year_implies_over_89(int(m.group(1)), reference_year):
        return []
    y = m.group(1)
    return [(r"(?<!\d)" + y + r"(?!\d)", "AGE", y, False)]
