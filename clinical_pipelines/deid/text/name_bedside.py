"""Person names (HIPAA Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)) in bedside hand-off forms, in any
case: a role abbreviation and a first name before a bedside verb ("RT Thaddeus in to suction", "sw ingrid following"),
a name in brackets after a role ("seen by PT (Thaddeus)"), a name from a department ("thaddeus from pharmacy called"),
a first name and a credential after a hand-off cue ("report to leticia rn"), a name after a closing word at the
end of a line ("thx, leticia"), a surname before a credential and a notification verb ("szabo np aware") and a bare
name-like surname opening a sentence before one ("Abernathy paged").

Every form checks the word itself: a name-like word (``plain_name_word``) or a census first name in Title case;
stop words, clinical words and abbreviations never count ("PT WEANED", "team from cardiology", "thanks, team").
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from .name_contexts import NOT_INITIALS, plain_name_word
from .safelist_vocabulary import load_vocabulary
from .safelist_words import is_clinical_word
from .spans import Candidate

_W = r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)?"
_ROLES = (r"rn|lpn|np|md|pa|ho|rt|rrt|pt|ot|slp|sw|cm|rd|pct|cna|tech|chaplain|interpreter|resident|fellow|intern|"
          r"attending|therapist|pharmacist|dietitian|nurse|sitter")
# the verbs that say a clinician was told ("made aware", "notified", "paged"); with "informed" / "updated" in
# name_bedside's forms
NOTIFIED_VERBS = r"(?:made[ \t]+)?aware|notified|paged"
_NOTIFIED_ANY = NOTIFIED_VERBS + r"|informed|updated"
_BEDSIDE_VERBS = (NOTIFIED_VERBS + r"|in[ \t]+to|at[ \t]+(?:the[ \t]+)?(?:bedside|bs)|worked|working|"
                  r"following|following[ \t]+up|present|here|called|updated|informed|saw|evaluated|assessed|"
                  r"suctioned|placed|changed|removed|drew|to[ \t]+see|visited|came")
ROLE_NAME_VERB_RE = re.compile(
    rf"(?<![\w/'’-])(?i:{_ROLES})[ \t]+({_W})[ \t]+(?i:{_BEDSIDE_VERBS})\b")
ROLE_BRACKET_NAME_RE = re.compile(rf"(?<![\w/'’-])(?i:{_ROLES})[ \t]*\([ \t]*({_W}(?:[ \t]+{_W})?)[ \t]*\)")
_DEPTS = (r"rt|pt|ot|respiratory|pharmacy|cardiology|radiology|ir|lab|blood[ \t]+bank|admitting|nutrition|"
          r"dietary|social[ \t]+work|case[ \t]+management|pt/ot|transport|neurology|renal|surgery|the[ \t]+lab")
NAME_FROM_DEPT_RE = re.compile(
    rf"(?<![\w/'’-])({_W}(?:[ \t]+{_W})?)[ \t]+from[ \t]+(?i:{_DEPTS})\b")
HANDOFF_NAME_CRED_RE = re.compile(
    rf"(?<![\w/-])(?i:report[ \t]+(?:given[ \t]+)?to|handoff[ \t]+to|hand-off[ \t]+to|care[ \t]+(?:turned[ \t]+over|"
    rf"transferred)[ \t]+to|per|to|with|by|d/w|s/w)[ \t]+({_W}(?:[ \t]+{_W})?)[ \t]*,?[ \t]+"
    rf"(?i:rn|lpn|np|md|pa-c|rrt|cna)\b")
# a surname, a credential and a notification verb ("szabo np aware", "OKAFOR MD NOTIFIED")
NAME_CRED_AWARE_RE = re.compile(rf"(?<![\w/'’-])({_W})[ \t]+(?i:np|md|rn|pa|do|ho)[ \t]+"
                                rf"(?i:{_NOTIFIED_ANY})\b")
# a bare surname opening a sentence before a notification verb ("Abernathy paged re: SBP", "okonjo notified")
SURNAME_AWARE_RE = re.compile(rf"(?:^|(?<=[.;!?])[ \t]+)[ \t]*({_W})[ \t]+"
                              rf"(?i:{_NOTIFIED_ANY})\b", re.M)
CLOSER_NAME_RE = re.compile(
    rf"(?i:\b(?:thanks|thank[ \t]+you|thx|tx|cheers))[ \t]*[,!-]?[ \t]*({_W}(?:[ \t]+{_W})?)[ \t]*[.!]?[ \t]*$", re.M)


def _named(words: list[str]) -> bool:
    """The first word is a name-like word or a census first name (not a stop word, abbreviation or clinical word);
    any further word is name-like."""
    first, rest = words[0], words[1:]
    fl = first.lower()
    first_ok = plain_name_word(first) or (
        fl in load_vocabulary().first_names and fl not in STOP_WORDS and first.upper() not in NOT_INITIALS
        and not is_clinical_word(first) and (first.istitle() or first.islower()))
    return first_ok and all(plain_name_word(w) for w in rest)


def find_bedside_names(text: str) -> list[Candidate]:
    """The hand-off forms of the module docstring (score 0.85)."""
    out = []
    for rx in (ROLE_NAME_VERB_RE, ROLE_BRACKET_NAME_RE, NAME_FROM_DEPT_RE, HANDOFF_NAME_CRED_RE, CLOSER_NAME_RE,
               NAME_CRED_AWARE_RE, SURNAME_AWARE_RE):
        for m in rx.finditer(text):
            words = m.group(1).split()
            if rx is NAME_FROM_DEPT_RE and len(words) == 2 and not _named(words):
                words, s = words[1:], m.start(1) + m.group(1).index(words[1], len(words[0]))
            else:
                s = m.start(1)
            if words and _named(words):
                out.append(Candidate(s, m.end(1), "NAME", 0.85))
    return out
