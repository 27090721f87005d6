"""Person names in bedside-note forms, in any case (HIPAA Safe Harbor identifier (A), names; 45 CFR
164.514(b)(2)(i)(A)): sign-off lines (a name, or initials only, and a credential), an initial and a surname with a person cue, a name before "is a 70 yr old",
before a bracketed role or relation, or before "aware", a role and a first and last name, and a lower-case census
first name with a surname outside the vocabulary; account handles after audit-trail cues (``user_handles``).
``find_nursing_names(text) -> list[Candidate]`` (score 0.8-0.85).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import NOT_NAME_WORDS
from .name_bedside import NOTIFIED_VERBS, find_bedside_names
from .name_contexts import NOT_INITIALS, plain_name_word
from .safelist_vocabulary import word_zipf
from .safelist_words import is_census_name, is_clinical_word, is_known_word
from .spans import Candidate
from .user_handles import find_user_handles

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# Bedside-note forms (any case): a sign-off line of a name and a credential ("irene okafor, rn", "s. ruiz rrt",
# "ana m. sousa bsn/rn"); an initial and a surname with a person cue before or after ("AS PER B. KOSTAS",
# "E. WELSH AWARE", "J SMITH ORDERED"); a name before "is a 70 yr old" or before a role or relation in brackets
# ("DANA KOVAC (RESIDENT)"); a first name and surname before "aware" ("grace dudak aware").
_NAME_WORD = r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)?"
_SIGNOFF_ABBR = ("rn lpn lvn np md pa cna rrt crt bsn msn slp rd msw lcsw licsw sw ccrn aprn crna rph pct spt sota "
                 "cota pta ota emt").split()
# a credential as written at a sign-off, with or without dots ("RN", "R.N.", "C.N.A."), a board suffix ("NP-C",
# "FNP-C", "RN-BC", "PA-C") or a student role ("PT student", "SN")
_SIGNOFF_CRED = ("(?i:(?:" + "|".join(r"\.?".join(a) for a in sorted(_SIGNOFF_ABBR, key=len, reverse=True))
                 + r"|[af]np|pharmd|ld|sn|student[ \t]+nurse|(?:pt|ot|rn|np|pa|sw|rt)[ \t]+student)\.?(?:-(?:c|bc))?)")
SIGNOFF_LINE_RE = re.compile(
    rf"(?:^[ \t]*(?:-{{1,2}}|~)?[ \t]*(?:(?i:(?:electronically[ \t]+)?signed(?:[ \t]+by)?|e-?signed)[ \t]*:?[ \t]*)?|(?<=[.!?;])[ \t]+(?:-{{1,2}}[ \t]*)?)((?:[A-Za-z]\.[ \t]*|(?:[A-Za-z]|{_NAME_WORD})[ \t]+){{0,3}}?{_NAME_WORD})(?:[ \t]*,[ \t]*|[ \t]+)"
    rf"{_SIGNOFF_CRED}"
    rf"(?:(?:[ \t]*[/,][ \t]*|[ \t]+){_SIGNOFF_CRED})*[ \t]*\.?[ \t]*$", re.M)
# a sign-off line of initials only and a credential ("- jt rn", "-- KM, RN", "kw/rn", "~ab rrt")
SIGNOFF_INITIALS_RE = re.compile(
    rf"^[ \t]*(?:-{{1,2}}|~|/)?[ \t]*([A-Za-z]{{2,3}})(?:[ \t]*[/,][ \t]*|[ \t]+){_SIGNOFF_CRED}"
    rf"(?:(?:[ \t]*[/,][ \t]*|[ \t]+){_SIGNOFF_CRED})*[ \t]*\.?[ \t]*$", re.M)
_PERSON_AFTER = (r"(?:made[ \t]+aware|aware|notified|paged|ordered|placing|placed|in[ \t]+to|at[ \t]+(?:the[ \t]+)?bedside|"
                 r"called|spoke|informed|updated|consulted|examined|saw|wrote|removed|inserted|changed|states|said|"
                 r"here|present|to[ \t]+see|in[ \t]+to[ \t]+see)")
INITIAL_SURNAME_RE = re.compile(
    rf"(?:(?<![\w/])(?i:(?:as[ \t]+)?per|by|called|paged|notified|with|d/w|s/w)[ \t]+([A-Za-z])(\.[ \t]*|[ \t]+)({_NAME_WORD})"
    rf"|(?<![\w.'’/-])([A-Za-z])(\.?[ \t]+)({_NAME_WORD})(?=[ \t]*(?:\(|,[ \t]*)?(?i:{_PERSON_AFTER})\b))")
NAME_IS_AGE_RE = re.compile(rf"^[ \t]*({_NAME_WORD}[ \t]+{_NAME_WORD})[ \t]+(?i:is|was)[ \t]+an?[ \t]+\d", re.M)
_BRACKET_ROLES = (r"resident|intern|fellow|attending|rn|np|md|pa|nurse|ho|house[ \t]+officer|pcp|cardiology|surgery|"
                  r"wife|husband|daughter|son|mother|father|sister|brother|niece|nephew|friend|dtr|hcp|poa|proxy|"
                  r"significant[ \t]+other|girlfriend|boyfriend|partner|spokes[ \t]*person|guardian")
NAME_BEFORE_ROLE_RE = re.compile(
    rf"(?<![\w'’-])({_NAME_WORD}[ \t]+{_NAME_WORD})[ \t]*\((?i:{_BRACKET_ROLES})\)")
NAME_AWARE_RE = re.compile(rf"(?<![\w'’-])({_NAME_WORD}[ \t]+{_NAME_WORD})[ \t]+(?:(?i:np|md|rn|pa|do)[ \t]+)?"
                           rf"(?i:{NOTIFIED_VERBS})\b")
ROLE_AWARE_RE = re.compile(
    rf"(?<![\w/-])(?i:md|np|rn|pa|ho|resident|fellow|attending|intern|surgeon|team)[ \t]+({_NAME_WORD})[ \t]+"
    rf"(?i:{NOTIFIED_VERBS})\b")
ROLE_FIRST_LAST_RE = re.compile(
    rf"(?<![\w/-])(?i:nurse|rn|np|md|pa|resident|fellow|attending|intern|therapist|sw|social[ \t]+worker|"
    rf"case[ \t]+manager|chaplain|pharmacist|dietitian)[ \t]+({_NAME_WORD})[ \t]+({_NAME_WORD})")
# a lower-case first name and surname with no cue ("spoke with lorna vukovic about"): every pair of lower-case words
# whose first is a census first name (a set lookup) is checked
LOWER_PAIR_RE = re.compile(r"(?<![\w'’.-])(?=([a-z][a-z'’]{2,})[ \t]+([a-z][a-z'’-]{2,})(?![\w'’-]))")
LOWER_FIRST_ZIPF = 4.0  # a first name that is also a word this common ("will", "mark", "bill") needs a cue
_NO_DOT_INITIALS = frozenset("lrxtbcskhnpvwaio")  # left, right, x-ray, T wave ...: a bare letter needs its dot


def _first_last(first: str, last: str) -> bool:
    """A census first name (or a name-like word) and a name-like surname, in any casing ("grace dudak",
    "DICK CUCCHIARA", "lorrie morales"); the surname must look like a name by itself."""
    fl = first.lower()
    first_ok = plain_name_word(first) or (fl in load_gazetteers()[0] and fl not in STOP_WORDS
                                          and fl not in NOT_NAME_WORDS and first.upper() not in NOT_INITIALS)
    return first_ok and plain_name_word(last)


def find_nursing_names(text: str) -> list[Candidate]:
    """The bedside-note forms above (score 0.85)."""
    out = []
    for m in SIGNOFF_LINE_RE.finditer(text):
        words = WORD_RE.findall(m.group(1))
        full = [w for w in words if len(w.rstrip(".")) > 1]
        census = [w for w in full if is_census_name(w) and not is_clinical_word(w) and w.upper() not in NOT_INITIALS]
        if full and all(plain_name_word(w) or w in census for w in full) and (
                any(plain_name_word(w) for w in full) or len(full) < len(words)) and \
                not any(w.lower() in STOP_WORDS for w in full):  # "j. doe, rn": an initial and a census surname
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    for m in SIGNOFF_INITIALS_RE.finditer(text):
        ini = m.group(1)
        if ini.upper() not in NOT_INITIALS and ini.lower() not in STOP_WORDS and not is_clinical_word(ini):
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    for m in INITIAL_SURNAME_RE.finditer(text):
        g = 1 if m.group(1) else 4
        ini, dot, sur, s, end = m.group(g), m.group(g + 1), m.group(g + 2), m.start(g), m.end(g + 2)
        if "." not in dot and (ini.lower() in _NO_DOT_INITIALS or not m.group(g + 2)[:1].isalpha()):
            continue
        if "-" in sur and not plain_name_word(sur):  # "B. KOSTAS-PT SOMEWHAT WET"
            sur = sur.split("-")[0]
            end = m.start(g + 2) + len(sur)
        if plain_name_word(sur) and not is_clinical_word(sur):
            out.append(Candidate(s, end, "NAME", 0.85))
    for m in ROLE_AWARE_RE.finditer(text):  # "md wyman aware", "NP OKAFOR NOTIFIED"
        w = m.group(1)
        if plain_name_word(w) or (w.lower() in load_gazetteers()[0] and w.lower() not in STOP_WORDS):
            out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    for m in ROLE_FIRST_LAST_RE.finditer(text):  # "psych nurse leslie okafor", "RN DANA KOVAC"
        if m.group(1).lower() in load_gazetteers()[0] and _first_last(m.group(1), m.group(2)):
            out.append(Candidate(m.start(1), m.end(2), "NAME", 0.85))
    first_names = load_gazetteers()[0]
    for m in LOWER_PAIR_RE.finditer(text):
        first, last = m.group(1), m.group(2)
        if first in first_names and not is_clinical_word(first) and word_zipf(first) < LOWER_FIRST_ZIPF and \
                plain_name_word(first) and plain_name_word(last) and not is_known_word(last):
            out.append(Candidate(m.start(1), m.end(2), "NAME", 0.8))
    for rx in (NAME_IS_AGE_RE, NAME_BEFORE_ROLE_RE, NAME_AWARE_RE):
        for m in rx.finditer(text):
            w = WORD_RE.findall(m.group(1))
            if len(w) == 2 and _first_last(w[0], w[1]):
                out.append(Candidate(m.start(1), m.end(1), "NAME", 0.85))
    return out + find_bedside_names(text) + find_user_handles(text)
