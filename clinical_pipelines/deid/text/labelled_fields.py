"""Organisation names in labelled fields of a note: ``Pharmacy: Pine Harbor Drug``, ``EMPLOYER: GOLDEN VALLEY
FOODS``, ``Facility - Maple Ridge Manor``.

A field label says what its value is, so the value is an identifier in any casing even when every word of it is an
ordinary English word: pharmacies, employers and facilities are often named after their town or street, and a town
is a geographic subdivision smaller than a state (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(B)); an employer or a
small facility narrows a patient down like a town does ((R), "any other unique identifying characteristic"). The
value runs from the label to the end of the clause (comma, semicolon, full stop, line end). A value that reads as a
sentence ("PHARMACY: NO CHANGES TO HOME MEDS", "EMPLOYER: NONE, RETIRED") is kept: it has a function word other than
the links of a name (of, and, the, at, for, &), or it is a single word of the "none / unknown / retired" kind.
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from .spans import Candidate

# Field labels whose value is an organisation (the label itself may be preceded by a qualifier: "Preferred").
_LABELS = (r"pharmacy|preferred[ \t]+pharmacy|employer|place[ \t]+of[ \t]+employment|works[ \t]+at|facility"
           r"|nursing[ \t]+facility|school|outpatient[ \t]+pharmacy|dispensing[ \t]+pharmacy")
LABELLED_FIELD_RE = re.compile(rf"(?i)\b(?:{_LABELS})[ \t]*(?::|-|–|=)[ \t]*([^\n,;.()\[\]]{{2,60}})")
# Function words that link the words of an organisation name ("Bank of X", "Smith and Sons"): not a sentence.
NAME_LINKS = frozenset({"of", "and", "the", "at", "for"})
_NOT_A_NAME = frozenset({"none", "unknown", "unemployed", "retired", "disabled", "n/a", "na", "nil", "same", "home",
                         "usual", "self", "student", "homemaker", "declined", "pending", "not", "no"})


def _is_sentence(value: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'/]*", value)
    if not words:
        return True
    lower = [w.lower() for w in words]
    if lower[0] in _NOT_A_NAME or (len(words) == 1 and len(words[0]) < 3):
        return True
    return any(w in STOP_WORDS and w not in NAME_LINKS for w in lower)


def find_labelled_organizations(text: str) -> list[Candidate]:
    """Spans of organisation names given as the value of a labelled field (type ORGANIZATION)."""
    out: list[Candidate] = []
    for m in LABELLED_FIELD_RE.finditer(text):
        value = m.group(1).rstrip()
        if value and not _is_sentence(value) and not value.startswith("["):
            out.append(Candidate(m.start(1), m.start(1) + len(value), "ORGANIZATION", 0.75))
    return out
