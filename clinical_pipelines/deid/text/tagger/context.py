"""Context vetoes on the token tagger's spans: the shapes where the rule families already know a word is not an
identifier, applied to the tagger too, so the two methods agree on what stays.

- a year alone is not a Safe Harbor identifier (45 CFR 164.514(b)(2)(i)(C) keeps the year): a DATE span that is
  only a year ("2019", "'19") is dropped; the rule families redact a birth year that implies an age over 89;
- a word naming a disease, sign, score or device ("Parkinson's disease", "Foley catheter", "Mark 2 device"), a
  drug, feed or dressing that is given, held or in place ("Quinton cath removed"), or a colour said of a fluid
  ("Rose tinged"), is not a name or place (``safelist``), unless a title, relation or preposition comes before it;
- a score with its eponym and value ("Apgar 8/9", "MMSE 22/30"), a measurement or a code (``numbers``: a
  measurement name before, a unit after, NDC/CPT/ICD before), a grade before "murmur" or "strength", a clock-time
  shift ("0700-0730"), a short bare number and a number glued to a scale name ("PHQ-9") are not dates or phones;
- a measurement's name before its value ("Na 138", "K: 4.1") is not a name or place;
- a US state or a country (Safe Harbor keeps both; also part of a state's name after a comma in an address), a field label ("Caller:"), a sign and its
  finding ("Romberg negative"), an eponym pair before its noun ("Mallory-Weiss tear"), and an English or
  clinical word that no title or relation word introduces are not names.
"""
from __future__ import annotations

import re

from ...gazetteer import name_shares
from ...vocab import FLUID_WORDS, NOT_NAME_WORDS, RELATION_WORDS, STATE_ABBR, US_STATES, country_names
from ..eponym_scores import inside_score
from ..month_day import pair_is_value
from ..numbers import MEASUREMENT_NAMES, UNIT_AFTER_RE, clinical_number_context
from ..safelist_context import colour_of_fluid, exam_finding, followed_by_eponym_noun, in_thing_context
from ..safelist_words import is_clinical_word, is_safe_word
from ..services import is_service_name
from ..spans import Candidate

_YEAR_ONLY_RE = re.compile(r"(?:(?:19|20)\d{2}|'\d{2})")
# a title, credential or relation before a word: it names a person ("son rob", "Dr. Okafor")
_PERSON_CUES = ("dr|mr|mrs|ms|miss|mx|prof|rn|md|np|pa|wife|husband|son|daughter|mother|father|brother|sister|friend"
                "|partner|spouse|named|called")
_PERSON_CUE_RE = re.compile(rf"(?i:\b(?:{_PERSON_CUES})\.?[ \t,:]*)\Z")
# any cue before a name, prepositions too ("with Quinton", "from Marrowfield")
_CUE_BEFORE_RE = re.compile(rf"(?i:\b(?:{_PERSON_CUES}|by|with|per|from|to|at|in|of|aware)\.?[ \t,:]*)\Z")
_DIGIT_AFTER_RE = re.compile(r"[ \t]*-?[ \t]*\d")
_NUMBER_ONLY_RE = re.compile(r"[\d \t./:;-]+")
_SHORT_NUMBER_RE = re.compile(r"\d{1,3}")
_SHIFT_RE = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d[ \t]*-[ \t]*(?:[01]\d|2[0-3])[0-5]\d")
_GRADE_AFTER_RE = re.compile(r"[ \t]+(?:[A-Za-z]+[ \t]+)?(?i:murmur|strength|power|rub|reflexes)\b")
_LABEL_AFTER_RE = re.compile(r"[ \t]*#?[ \t]*:")
_HYPHENED_RE = re.compile(r"-([A-Z][a-z]+)")
_MONTH_DAY_RE = re.compile(r"(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])(?:[/-]\d{2,4})?(?:-(?:0?[1-9]|1[0-2])[/-]"
                           r"(?:0?[1-9]|[12]\d|3[01]))?")
_MEASURE_ADJ_RE = re.compile(rf"(?i:(?<![\w])(?:{MEASUREMENT_NAMES})(?:'?s)?[ \t:=]*)\Z")
_VALUE_AFTER = r"[ \t]*[:=]?[ \t]*[<>]?\d"  # a measured value after its name: " 138", ": 4.1", " <10"
_VALUE_AFTER_RE = re.compile(_VALUE_AFTER)
_MEASURE_WORD_RE = re.compile(rf"(?i:{MEASUREMENT_NAMES})")
_MEASURE_VALUE_RE = re.compile(rf"(?i:{MEASUREMENT_NAMES}){_VALUE_AFTER}[\d.,]*%?")
_PAIR_RE = re.compile(r"\d{1,3}/\d{1,3}(?![\d/])|\d{1,3}/\d{1,3}/-?\d")
_UNIT_FRAGMENT_RE = re.compile(r"\d[ \t]*/[ \t]*(?:[a-zA-Z]|µ)")
_DIGITS_RE = re.compile(r"\d[\d./:;-]*")
_DATE_WORD_RE = re.compile(
    r"(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b"
    r"|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|[a-z]+teenth"
    r"|twentieth|thirtieth|twenty|thirty)\b)")
_TITLE_ONLY_RE = re.compile(r"(?i:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_LAST_FIRST_BEFORE_RE = re.compile(r"[A-Z][A-Za-z'-]+[ \t]*,[ \t]*\Z")
_STATE_WORDS = frozenset(w for s in US_STATES for w in s.split())
_ADDRESS_BEFORE_RE = re.compile(r",[ \t]*\Z")
_ADDRESS_AFTER_RE = re.compile(r"[ \t,]*(?:\d{5}|\n|\||$)")


def keep_tagged(text: str, c: Candidate) -> bool:
    """True when the tagger's candidate ``c`` on ``text`` stands (no veto applies)."""
    value = text[c.start:c.end]
    if c.type == "DATE" and _YEAR_ONLY_RE.fullmatch(value):
        return False
    if inside_score(text, c.start, c.end):
        return False  # "Apgar 8/9", "Aldrete 9": a score, its eponym and value (``eponym_scores``)
    if c.type == "PHONE" and sum(ch.isdigit() for ch in value) < 7:
        return False  # a phone number has seven digits or more; "Dorchester 02124" is a ZIP for the rules
    if _NUMBER_ONLY_RE.fullmatch(value):
        return not _number_vetoed(text, c, value)
    if c.type == "DATE" and (_UNIT_FRAGMENT_RE.search(value) or text[c.start - 1:c.start] == "^"):
        return False  # "x10^9/L": an exponent and a unit, not a date
    if c.type in ("DATE", "PHONE"):
        m = _DIGITS_RE.search(value)
        if m is None:  # a phone number has digits; "the fifth of April" has a month or a day word
            return c.type == "DATE" and bool(_DATE_WORD_RE.search(value))
        # the number's own context: "NDC 71896-3431-06", "Karnofsky 70", "79 yr Female"
        return not _value_context(text, c.type, c.start + m.start(), c.start + m.end())
    if c.type not in ("NAME", "LOCATION", "ORGANIZATION"):
        return True
    if c.type == "LOCATION" and value.strip(" .,").upper() in STATE_ABBR:
        return False  # ", MA": a state
    if c.type == "LOCATION" and (" ".join(value.lower().split()) in US_STATES or " ".join(value.lower().split()) in country_names()):
        return False  # a state or a country: Safe Harbor keeps both
    if is_service_name(value) or is_service_name(text[c.start:_next_word_end(text, c.end)]):
        return False  # "Neuro ICU", "Pulm clinic": a service, not a place (``services``)
    fluid = _FLUID_AFTER_RE.match(text, c.end)
    if c.type == "NAME" and (_relation(value) or (fluid is not None and fluid.group(1).lower() in FLUID_WORDS)):
        return False  # "Cousins", "Frank blood in stool": a relation word, a finding said of a fluid
    if (followed_by_eponym_noun(text, c.end) or colour_of_fluid(text, c.start, c.end) or _state_in_address(text, c)
            or _eponym_pair(text, c.end)):
        return False
    first = _WORD_RE.match(text, c.start)
    if c.type == "NAME" and first is not None and first.end() < c.end and followed_by_eponym_noun(text, first.end()):
        return False  # "Kerley B lines", "B esophagitis": the span holds the eponym's own noun
    if _MEASURE_VALUE_RE.fullmatch(value) or (_MEASURE_WORD_RE.fullmatch(value)
                                             and _VALUE_AFTER_RE.match(text, c.end)):
        return False  # "Na 138", "K: 4.1", "Hb 9.8": a measurement and its value (``numbers.MEASUREMENT_NAMES``)
    if c.type == "NAME" and (any(ch.isdigit() for ch in value) or _TITLE_ONLY_RE.fullmatch(value)):
        return False  # "Rm 4C": a name has no digits; "Mrs" alone is a title
    words = _WORD_RE.findall(value)
    if len(words) > 1:
        # "Discharge Summary", "Shift Assessment": plain words unless a title, relation or LAST, introduces them
        before = text[max(0, c.start - 24):c.start]
        return not (c.type == "NAME" and all(_plain_word(w) for w in words)
                    and not (_PERSON_CUE_RE.search(before) or _LAST_FIRST_BEFORE_RE.search(before)))
    if exam_finding(text, c.start, c.end):
        return False  # "Romberg negative", "neg Lachman", "Babinski downgoing": a sign and its finding
    before = text[max(0, c.start - 24):c.start]
    if value.islower() and (_plain_word(value) or _lower_word(value)) and not _PERSON_CUE_RE.search(before):
        return False  # "lives with nephew", "neighbor": a word, not a name ("son rob" stays a name)
    if _CUE_BEFORE_RE.search(before):
        return True
    if in_thing_context(text, c.start, c.end) or _model_number_after(text, c):
        return False
    if _LABEL_AFTER_RE.match(text, c.end) and _plain_word(value):
        return False  # a field label: "Caller:", "Callback #:"
    if _plain_word(value) and (c.type == "NAME" or is_clinical_word(value)):
        # "Romberg", "Babinski": words, not names; "EDWARDS, VIRGINIA" (LAST, FIRST) stays a name
        return bool(_PERSON_CUE_RE.search(before) or _LAST_FIRST_BEFORE_RE.search(before))
    return True


def _number_vetoed(text: str, c: Candidate, value: str) -> bool:
    """A span of digits and separators that is a fragment, a code, a grade, a shift or a measured value."""
    return bool(value[0] in "/.:-" or ";" in value or _SHORT_NUMBER_RE.fullmatch(value) or _SHIFT_RE.fullmatch(value)
                or _glued(text, c.start, c.end) or _glued_scale(text, c) or _GRADE_AFTER_RE.match(text, c.end)
                or _value_context(text, c.type, c.start, c.end))


def _value_context(text: str, typ: str, a: int, b: int) -> bool:
    """The number ``text[a:b]`` is a measured value or a code. A month/day shape is a value only with a measurement
    or scale right before it or a unit after it ("pain 9/10"), so "cultures from 8/31" stays a date."""
    if typ == "DATE" and _MONTH_DAY_RE.fullmatch(text, a, b):
        unit = UNIT_AFTER_RE.match(text[b:b + 24])
        return bool(_MEASURE_ADJ_RE.search(text, max(0, a - 32), a)
                    or (unit and unit.group().strip().lower() not in ("in", "x")))  # "seen 6/8 in clinic"
    if _PAIR_RE.match(text, a) and pair_is_value(text, a, b):
        return True  # "SVE 6/90/-1", "SLUMS 18/30", "Entresto 24/26 mg" (``month_day``)
    return clinical_number_context(text, a, b)


_FLUID_AFTER_RE = re.compile(r"[ \t]+([a-z]+)")
_NEXT_WORD_RE = re.compile(r"[ \t]*[A-Za-z/&-]+")


def _next_word_end(text: str, end: int) -> int:
    m = _NEXT_WORD_RE.match(text, end)
    return m.end() if m else end


def trim_words(text: str, c: Candidate) -> Candidate:
    """A NAME span without the plain words at its edges that the tagger drew in: a clinical or English word before
    the name ("Echo Morrow" -> "Morrow"), a function word after it ("Fernanda Will follow up" -> "Fernanda")."""
    if c.type != "NAME":
        return c
    words = list(_WORD_RE.finditer(text, c.start, c.end))
    if len(words) < 2:
        return c
    a, b = 0, len(words)
    while b - a > 1 and words[b - 1].group().lower() in NOT_NAME_WORDS:
        b -= 1
    while b - a > 1 and (_relation(words[a].group()) or (
            (_plain_word(words[a].group()) or is_clinical_word(words[a].group())) and not words[a].group().isupper())):
        a += 1
    if (a, b) == (0, len(words)):
        return c
    return Candidate(words[a].start(), words[b - 1].end(), c.type, c.score)


def _relation(word: str) -> bool:
    """A relation word, singular or plural ("Cousins", "SONS")."""
    low = word.lower()
    return low in RELATION_WORDS or (low.endswith("s") and low[:-1] in RELATION_WORDS)


def _lower_word(word: str) -> bool:
    """A lower-case English word of three letters or more that is no census first name ("nail"; not "rob", "jose",
    nor initials such as "re")."""
    from ...gazetteer import load_gazetteers

    return len(word) >= 3 and is_safe_word(word) and word not in load_gazetteers()[0]


def _plain_word(word: str) -> bool:
    """An English or clinical word that is in neither 1990 census name list and is no initial: "Shift", "nephew",
    "Romberg" (not "Eve", "Rob", "Levine", "B")."""
    return len(word) >= 3 and is_safe_word(word) and word.lower() not in name_shares()


def _glued(text: str, start: int, end: int) -> bool:
    """Digits glued by a hyphen to the word before them name a scale or code: "PHQ-9", "COVID-19" (not a date
    such as "LA-10/3")."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha() and text[start:end].isdigit()


def _glued_scale(text: str, c: Candidate) -> bool:
    """A span that opens with the digit glued to a scale name and goes on with its value: "PHQ-9 21" -> "9 21"."""
    m = re.match(r"\d+[ \t]+", text[c.start:c.end])
    return bool(m) and _glued(text, c.start, c.start + len(m.group().rstrip())) and clinical_number_context(
        text, c.start + m.end(), c.end)


def _eponym_pair(text: str, end: int) -> bool:
    """The first name of a hyphened eponym pair before its noun: "Mallory-Weiss tear", "Guillain-Barre syndrome"."""
    m = _HYPHENED_RE.match(text, end)
    return bool(m) and followed_by_eponym_noun(text, m.end())


def _state_in_address(text: str, c: Candidate) -> bool:
    """A US state name (Safe Harbor keeps the state) after a comma and before a ZIP or the end of the line:
    "Asheville, North Carolina 28801"; the span may hold part of the name ("Dakota" of "North Dakota")."""
    a, b = c.start, c.end
    words = text[a:b].split()
    if not words or any(w.lower() not in _STATE_WORDS for w in words):
        return False
    m = re.search(r"((?:[A-Za-z]+[ \t]+){0,2})\Z", text[max(0, a - 24):a])
    lead = m.group(1).split() if m else []
    while lead and lead[0].lower() not in _STATE_WORDS:
        lead.pop(0)
    for k in range(len(lead) + 1):
        name = " ".join(lead[k:] + words)
        if name.lower() in US_STATES:
            start = a - len(" ".join(lead[k:])) - (1 if lead[k:] else 0)
            return bool(_ADDRESS_BEFORE_RE.search(text[max(0, start - 4):start])) and bool(
                _ADDRESS_AFTER_RE.match(text, b))
    return False


def _model_number_after(text: str, c: Candidate) -> bool:
    """A capitalised word before a number and a device word: "Mark 2 device", "Series 5 pump"."""
    m = _DIGIT_AFTER_RE.match(text, c.end)
    return bool(m) and followed_by_eponym_noun(text, _number_end(text, m.end()))


def _number_end(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos].isalnum() or text[pos] in ".-"):
        pos += 1
    return pos
