"""Month/day without a year ("seen 3/7", "f/u 9/16") and month / two-digit year ("hip fx 3/96"): HIPAA Safe Harbor
identifier (C), 45 CFR 164.514(b)(2)(i)(C), "all elements of dates (except year) for dates directly related to an
individual". Used by ``dates.find_dates`` at every digit run followed by "/".

A month/day collides with clinical fractions and scores (5/5 strength, 2/6 murmur, 1/2 tab, 3/4 of the dose, grade
2/4, pain 7/10, MMSE 12/30), ventilator settings (PS/PEEP 10/5) and pressures (PA 32/15): it is reported only
outside those contexts; a pair after a score, scale or test name (MoCA 19/30, Apgars 6/8, IOP 24/19, PHQ-9 9/27,
GCS 9/15) or before a dose unit or frequency (Entresto 24/26 mg, Suboxone 8/2 film BID) is no date either. Common
fractions (1/2, 3/4 ...), scale-like pairs (n/4, n/5, n/6, n/10, n/15, n/30), equal pairs (2/2) and day/month
(14/3) need a date cue ("on", "seen", "DOS", a time after it, "HD#2", a planning word earlier on the
line ...), or must stand alone at the end of a line (an equal pair) or of a header / table cell (a fraction), or
close a sentence about an event with no score word in its clause ("had a BM 4/10."). The end of a date range is a
date ("from 9/16 to 9/20").

A month / two-digit year is reported when the year (32-99) cannot be a day, away from the same measurement contexts.

Input is the engine's analysis view (``normalize.py``). Returns ``Candidate`` (type ``DATE``) or None.
"""
from __future__ import annotations

import re

from .date_parts import DAY, MON, TIME_AFTER_RE
from .spans import Candidate

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
                       r"|arriv\w*|note|pn|scan|film|x-?ray|pmd|pcp|office|consult\w*|cabg|ptca|pci|stent\w*|avr|mvr"
                       r"|ercp|egd|tee|bronch\w*|trach\w*|peg|intubat\w*|extubat\w*|thoracentesis|paracentesis|fx"
                       r"|arrest|expired|died|adm|cultured|pancultured|cx'?d|evaluation|re-?eval\w*|r/e"
                       r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed|thu(?:rs?)?|fri)\b[^\n\d]{0,4}$"
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
# a part of the day after a month/day ("5/5 AM for pulmonary care", "4/4 eves"; not "1/2 am": a dose)
MD_DAYPART_RE = re.compile(r"[ \t]+(?i:am|pm|eves?|evening|night|noc|overnight|morning)\b(?![ \t]*(?:and|&|/)[ \t]*"
                           r"\d)")
# "last seen well 8/8", "last known well 3/3": a strong cue even for an equal or scale-like pair
SEEN_WELL_RE = re.compile(r"\b(?:seen|known)[ \t]+(?:well|normal)[ \t:,-]*$|\blkw[ \t:,-]*$", re.I)
# a weekday right before ("Tuesday, 3/10", "wed 6/8"): a strong cue
WEEKDAY_PRE_RE = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed|thu(?:rs?)?|fri)\.?,?[ \t]*$",
                            re.I)
MD_AFTER_CUE_RE = re.compile(r"[ \t]*[,(]?[ \t]*(?i:hd|pod|hospital[ \t]+day|day)[ \t]*#?[ \t]*\d")  # 2/6 HD#1
# score, scale and test names whose results are written as pairs: cognitive and mood screens (MoCA 19/30, MMSE
# 22/30, PHQ-9 9/27, GAD-7, EPDS), newborn Apgars (6/8), coma and stroke scales (GCS 9/15, NIHSS 4/42), intraocular
# pressures (IOP 24/19, right/left), a labour cervical exam (SVE 6/90/-1: dilation/effacement/station), visual acuity
# (20/12), nursing risk scales (Braden, Morse) and alcohol / withdrawal scales; with a plural, a bracket or a few
# filler words between ("Apgars at 1 and 5 min 6/8", "MoCA today 19/30", "scored 9/15")
SCORE_NAMES = (r"apgars?|gcs|mmse|moca|slums|mini-?cog|rass|cam(?:-icu)?|phq-?[29]|gad-?7|epds|nihss|iop|sve|bishop"
               r"|cows|ciwa(?:-ar)?|audit-c|dast(?:-10)?|pcl-?5|bdi(?:-ii)?|bai|hads|k-?10|asia|braden|morse|fim|berg"
               r"|tug|ess|stop-?bang|ecog|kps|nyha|timi|curb-?65|q?sofa|apache(?:[ \t-]*ii)?|meld|cfs|gds|katz|barthel"
               r"|tinetti|i?adls?|acuity|vision|snellen|eq-?5d|das-?28|aldrete|flacc|cpot|nrs|vas|borg|wong-?baker"
               r"|faces|beighton|mallampati|mrc|oxford|tanner|ballard|ham-?d|madrs|ymrs|bprs|panss|cdr|gaf|ashworth"
               r"|rancho|scored?|scores|scoring|subscores?|total|sum")
_SCORE_FILLER = (r"(?:'?s)?(?:[ \t]*(?:\([^()\n]{0,16}\)|(?:score|scores|total|of|was|is|were|now|today|=|:|-"
                 r"|(?:at|@)[ \t]*\d+(?:[ \t]*(?:and|&|,)[ \t]*\d+)?[ \t]*min\w*)(?![A-Za-z])))*")
MD_PRE_NEG_RE = re.compile(r"(?:grade|strength|power|motor|score|ratio|murmur|pulses?|reflex(?:es)?"
                           r"|pain|scale|rated|rates|severity|intensity|level|fio2|peep|vent|settings|sets?|bottles?"
                           r"|cultures?|titer|dilution|rue|lue|rle|lle|ue|le|bilat\w*|grossly|psv|ps|cpap|ipap|epap"
                           r"|bipap|simv|a/?c|imv|sbp|dbp|bp|map|pap|pas|cvp|rr|vt|tv|ie|i:e"
                           rf"|(?<![A-Za-z])(?:{SCORE_NAMES}){_SCORE_FILLER})[\s:=-]*$",
                           re.I)
# weaker evidence ("x 2", "2 of", "L5", "+"): blocks only pairs that look like a count, scale or fraction
MD_PRE_WEAK_RE = re.compile(r"(?:\b(?:x|times|of)|[a-z]\d)\s*:?\s*$|(?<![\d:])\d[ \t]?$|\+\s*$", re.I)
# month / two-digit year with a year that cannot be a day ("hip fx 3/96", "AVR 2/81", "(11/94)")
MY_RE = re.compile(r"(?:(?<![\w/.,:])|(?<=[a-z]{2}))(0?[1-9]|1[0-2])/(3[2-9]|[4-9]\d)(?![\w/%]|[.,]\d)")  # "fx4/97"
MD_NEG_RE = re.compile(r"[ \t]*(?:strength|murmur|tabs?|pills?|doses?|times|motor|reflex|power|lobes?|vessels?|score"
                       r"|of\b|pulses?|grip|systolic|diastolic|holosystolic|beats?|units?|mg|ml|cm|mm|ejection|harsh"
                       r"|soft|blowing|early|late|mid|pan|crescendo|continuous|sem|hsm|rubs?|gallops?|lesions?|nodes?"
                       r"|positive|negative|cores?|sites?|views?|criteria|points?|ratio|scale|pain|ns\b|nss|normal"
                       r"|saline|str|bottles?|sets?|cultures?|patients?|pts|cases|days?|weeks?|wks?|months?|mos?"
                       r"|servings?|packs?|ppd|cigs?|drinks?|dilution|titer|split|fractions?|ratio|blood|bcx|bc\b"
                       # a dose pair before a unit, a form or a frequency ("Entresto 24/26 mg", "Suboxone 8/2 film BID")
                       r"|mcg|ug|gm?\b|meq|iu\b|puffs?|sprays?|caps?\b|capsules?|tablets?|films?\b|patch\w*|daily"
                       r"|bid\b|tid\b|qid\b|qd\b|qhs\b|qam\b|qpm\b|q\d|po\b|sl\b|nightly|twice|once\b)", re.I)
# murmur grades /4 /6, strength /5, pain and other scales /10, coma scale /15, cognitive screens /30: such a pair
# needs a strong date cue ("seen 6/30", "f/u 6/15")
_SCALE_MAX = {4, 5, 6, 10, 15, 30}
_COMMON_FRACTIONS = {(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 8), (3, 8), (5, 8), (7, 8), (1, 5), (2, 5),
                     (3, 5), (4, 5), (1, 6), (5, 6)}


_LINE_END_RE = re.compile(r"[.;]?[ \t]*(?:\n|$|\|)")
_LAYOUT_BEFORE_RE = re.compile(r"(?:^|\n|\||[ \t]{2})[ \t]*\Z")      # alone in a header / table cell


def month_year_at(text: str, start: int) -> Candidate | None:
    """A month / two-digit year whose year (32-99) cannot be a day ("fx 3/96", "AVR 2/81"), away from the
    measurement contexts of ``MD_PRE_NEG_RE`` / ``MD_NEG_RE`` (ventilator settings, BP, scales)."""
    m = MY_RE.match(text, start)
    if not m:
        return None
    pre = text[max(0, m.start() - 24):m.start()]
    if MD_NEG_RE.match(text, m.end()) or MD_PRE_NEG_RE.search(pre) or re.match(r"[ \t]*(?:%|mm|cm|ml|mg)", text[m.end():]):
        return None
    return Candidate(m.start(), m.end(), "DATE", 0.6)


def month_day_at(text: str, start: int) -> Candidate | None:
    """A month/day without a year starting at ``start``, away from fraction, score and strength contexts; common
    fractions, scale-like pairs (n/4, n/5, n/6, n/10), equal pairs and day/month need a date cue or a time after
    them, or must stand alone at the end of a line (an equal pair) or of a header / table cell (a fraction)."""
    for rx, day_first in ((MD_RE, False), (DM_RE, True)):
        if not (m := rx.match(text, start)):
            continue
        pre = text[max(0, m.start() - 24):m.start()]
        a, b = (int(x) for x in m.group().split("/"))
        if (not day_first and (r := MD_RANGE_START_RE.search(pre))
                and month_day_at(text, m.start() - len(pre) + r.start()) is not None):
            return Candidate(m.start(), m.end(), "DATE", 0.8)       # "9/16 to 9/20": the end of a date range
        if (MD_NEG_RE.match(text, m.end()) or MD_PRE_NEG_RE.search(pre) or MD_PRESSURE_BEFORE_RE.search(pre)
                or _vent_pair(text, m.start(), m.end(), a, b)
                or ((p := MD_AFTER_PAIR_RE.search(pre)) and not _date_like(int(p.group(1)), int(p.group(2))))):
            return None
        if MD_PRE_WEAK_RE.search(pre) and (day_first or (a, b) in _COMMON_FRACTIONS or a == b or b in _SCALE_MAX
                                           or (b <= 12 and a < b)):  # "2 3/4", "x 3 1/8"; not "stent x2 8/7"
            return None
        word_cue = MD_CUE_RE.search(pre)
        line_start = _LINE_START_RE.search(pre) is not None and re.match(r"[ \t]+[A-Z]|-[A-Za-z]",
                                                                         text[m.end():m.end() + 2])
        if not line_start and (a, b) not in _COMMON_FRACTIONS and not day_first and MD_DAYPART_RE.match(text, m.end()):
            return Candidate(m.start(), m.end(), "DATE", 0.7)  # "adm 4/4 am", "will follow 5/5 AM", "1/4 eves"
        cue = (word_cue is not None or TIME_AFTER_RE.match(text, m.end()) is not None
               or MD_PLAN_CUE_RE.search(text, max(0, m.start() - 56), m.start()) is not None
               or MD_AFTER_CUE_RE.match(text, m.end()) is not None or bool(line_start))
        weak = (word_cue is not None and MD_WEAK_CUE_RE.search(pre) and not line_start
                and TIME_AFTER_RE.match(text, m.end()) is None and SEEN_WELL_RE.search(pre) is None
                and WEEKDAY_PRE_RE.search(pre) is None                # "fell tuesday, 3/10"
                and MD_AFTER_CUE_RE.match(text, m.end()) is None    # "note - 4/6 HD#2": a hospital day is strong
                and MD_PLAN_CUE_RE.search(text, max(0, m.start() - 56), m.start()) is None)  # "RTC in 5 wks (9/10)"
        strong = cue and not weak
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


def pair_is_value(text: str, start: int, end: int) -> bool:
    """True when the number pair ``text[start:end]`` ("6/90", "18/30", "24/26") stands where a score, scale,
    strength, dose, pressure or ventilator setting does (the same contexts that keep ``month_day_at`` from calling
    it a date). For other methods' spans."""
    m = re.match(r"(\d{1,3})/(\d{1,3})", text[start:end])
    pre = text[max(0, start - 24):start]
    return bool(MD_NEG_RE.match(text, end) or MD_PRE_NEG_RE.search(pre) or MD_PRESSURE_BEFORE_RE.search(pre)
                or (m and _vent_pair(text, start, end, int(m.group(1)), int(m.group(2)))))


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


# ---------------------------------------------------------------- month-day with a dash ("on 10-2", "BC from 3-5")
# Bedside notes write a date as "10-2" as often as "10/2"; a dash pair is also a range ("HR 80-90", "2-3 L", "q 4-6
# hrs", "on 2-3 pressors"), so it is a date only with a date cue right before it or a time / hospital day after it.
MD_DASH_RE = re.compile(rf"(?<![\w/.,:+-]){MON}-{DAY}(?![\w/:+]|[.,]\d|-\d|[ \t]*-[ \t]*\d)")
# a range of two pairs: a date range ("from 4-27 to 6-17") unless the second pair carries a unit ("2-4 to 4-6 L")
MD_DASH_PAIR_AFTER_RE = re.compile(r"[ \t]*(?i:to|thru|through|until|->)[ \t]*\d{1,2}-\d{1,2}(?![\w/:+]|[.,]\d)")
MD_DASH_RANGE_START_RE = re.compile(rf"(?<![\w/.,:+-])({MON})-({DAY})[ \t]*(?i:to|thru|through|until|till)[ \t]*$")
# a part of the day after the pair ("1-4 eves", "9-9 overnight"); not "2-3 am" (a span of hours)
MD_DASH_DAYPART_RE = re.compile(r"[ \t]+(?i:eves?|evening|night|nights|noc|overnight|morning)\b")
# cues that mark the event date of a bedside fact: "on", "since", "as of", event verbs and nouns, a culture's date
MD_DASH_CUE_RE = re.compile(
    r"(?:\b(?:on|since|until|till|thru|through|as[ \t]+of|dated?|dos|adm|admit\w*|readmit\w*|extubated|intubated"
    r"|reintubated|expired|died|arrest|cultured|pancultured|cx'?d|from|bm|stool|f/u|follow[- ]?up|seen|visit"
    r"|surgery|cath(?:eterization)?|cabg|ptca|stent(?:ed)?|transferred|transfered|tx'?d|discharged|dc'?d|d/c'?d"
    r"|dced|started|stopped|placed|removed|changed|inserted|drawn|sent|done|scan|ct|mri|cxr|echo|tee|eeg|egd"
    r"|ercp|bx|biopsy|op|or|last|next|due|eval(?:uation)?|evaluated|re-?eval\w*|r/e|consult|note|admission|fx"
    r"|pmd|pcp|home|bc|bcx|cx|cultures?|sputum|urine)"
    r"(?:[ \t]+(?:on|of|in|the|at))?|\n)[ \t:,-]*\Z", re.I)
# what a range is of: units, counts, devices and rates after the pair
MD_DASH_NEG_AFTER_RE = re.compile(
    r"[ \t]*(?:%|x\b|/|(?i:l|lpm|nc|fm|liters?|pressors?|drips?|gtts?|meds?|medications?|agents?|abx|antibiotics"
    r"|bottles?|sets?|staff|assist|persons?|people|more|less|per|q|beats|bpm|mm|cm|mmhg|breaths|bursts?|runs?|pvcs?"
    r"|beat|sec|seconds?|loose|liquid|formed|small|large|med|bm'?s|stools?|episodes?|attempts?|sips?|puffs?"
    r"|servings?|pillows?|blankets?|words?|steps?|feet|ft|inches|in\b|lb|lbs|kg|g\b|mg|mcg|ml|cc|units?|u\b|hrs?"
    r"|hours?|min|mins|minutes|days?|wks?|weeks?|mos?|months?|years?|yrs?|times|tabs?|pills?|caps?|doses?|drops?"
    r"|point|pts?|patients|nurses|rns|ppl|cups?|glasses|bites|spoons?|teaspoons?|tbsp|oz|ounces|liters|litres"
    r"|mph|degrees?|deg|cmh2o|h2o)(?![A-Za-z]))")


def month_dash_day_at(text: str, start: int) -> Candidate | None:
    """A month-day written with a dash ("on 10-2", "BC from 3-5 grew", "last BM 4-17", "extubated 11-11 at 0900")
    at ``start``: a date cue right before it (``MD_DASH_CUE_RE``) or a time of day / hospital day after it, and
    none of the range contexts: a unit, count or device after it, a score, pressure or ventilator word before it."""
    m = MD_DASH_RE.match(text, start)
    if not m:
        return None
    pre = text[max(0, m.start() - 24):m.start()]
    a, b = (int(x) for x in m.group().split("-"))
    if (r := MD_DASH_RANGE_START_RE.search(pre)) and month_dash_day_at(text, m.start() - len(pre) + r.start()):
        return Candidate(m.start(), m.end(), "DATE", 0.8)       # "from 4-27 to 6-17": the end of a date range
    if (p := MD_DASH_PAIR_AFTER_RE.match(text, m.end())) and MD_DASH_NEG_AFTER_RE.match(text, p.end()):
        return None                                             # "from 2-4 to 4-6 L"
    if (MD_DASH_NEG_AFTER_RE.match(text, m.end()) or MD_NEG_RE.match(text, m.end()) or MD_PRE_NEG_RE.search(pre)
            or MD_PRESSURE_BEFORE_RE.search(pre) or _vent_pair(text, m.start(), m.end(), a, b)):
        return None
    after = TIME_AFTER_RE.match(text, m.end())
    if after is not None and after.group("w") != "-":
        return Candidate(m.start(), m.end(), "DATE", 0.8)       # "8-21 at 1:17am", "10-2 @ 1900"
    if MD_AFTER_CUE_RE.match(text, m.end()) or MD_DASH_DAYPART_RE.match(text, m.end()):
        return Candidate(m.start(), m.end(), "DATE", 0.8)       # "4-6 HD#2"
    cue = MD_DASH_CUE_RE.search(pre)
    if cue is None:
        closes = _LINE_END_RE.match(text, m.end()) or re.match(r"[.;,][ \t]", text[m.end():m.end() + 2])
        plan = MD_PLAN_CUE_RE.search(text, max(0, m.start() - 56), m.start()) is not None
        if closes and (a >= b or plan):
            return Candidate(m.start(), m.end(), "DATE", 0.6)  # "became pain free 10-8.", "admitted to ccu 1-8."
        if (a >= b or b > 12) and (plan or (pre.endswith("(") and text[m.end():m.end() + 1] == ")")):
            return Candidate(m.start(), m.end(), "DATE", 0.6)  # "admitted to CCU 5-22 via", "ovarian CA (11-16)"
        return None
    if cue.group().strip(" \t:,-") == "" and not re.match(r"-[A-Za-z]|[ \t]*:|[ \t]+[A-Z]{2,}\b", text[m.end():m.end() + 4]):
        return None  # a line that opens with the pair: only a dated entry ("6-2-INITIAL EVENTS", "3-12: ABX DCED")
    return Candidate(m.start(), m.end(), "DATE", 0.7)


# a list of month/days joined by commas without a space ("c-diff neg x3 (12/2,12/4,12/6)", "bc 3/9,3/11")
MD_LIST_RE = re.compile(rf"(?<![\w/.,]){MON}/{DAY}(?:,[ \t]?{MON}/{DAY})+(?![\w/]|[.,]\d)")
_PAIR_RE = re.compile(r"(\d{1,2})/(\d{1,2})")


def month_day_list_at(text: str, start: int) -> list[Candidate]:
    """Each month/day of a comma list of two or more at ``start`` ("(12/2,12/4,12/6)"), when one pair at least
    cannot be a score, fraction or scale (a day above 12 or a month above its day) and no score, strength or
    setting word stands before the list."""
    m = MD_LIST_RE.match(text, start)
    if not m or MD_PRE_NEG_RE.search(text, max(0, start - 24), start) or MD_PRESSURE_BEFORE_RE.search(
            text, max(0, start - 24), start):
        return []
    pairs = [(p.start(), p.end(), int(p.group(1)), int(p.group(2))) for p in _PAIR_RE.finditer(m.group())]
    if not any(b > 12 or (a > b and b not in _SCALE_MAX) for _, _, a, b in pairs):
        return []
    return [Candidate(start + s, start + e, "DATE", 0.7) for s, e, _, _ in pairs]
