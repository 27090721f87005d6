"""Context vetoes on the token tagger's spans: the shapes where the rule families already know a word is not an
identifier, applied to the tagger too, so the two methods agree on what stays.

- a year alone is not a Safe Harbor identifier (45 CFR 164.514(b)(2)(i)(C) keeps the year): a DATE span that is
  only a year ("2019", "'19") is dropped; the rule families redact a birth year that implies an age over 89;
- a word naming a disease, sign, score or device ("Parkinson's disease", "Foley catheter", "Mark 2 device"), a
  drug, feed or dressing that is given, held or in place ("Quinton cath removed"), or a colour said of a fluid
  ("Rose tinged"), is not a name or place (``safelist``), unless a title, relation or preposition comes before it.
"""
from __future__ import annotations

import re

from ..safelist import colour_of_fluid, followed_by_eponym_noun, in_thing_context
from ..spans import Candidate

_YEAR_ONLY_RE = re.compile(r"(?:(?:19|20)\d{2}|'\d{2})")
_CUE_BEFORE_RE = re.compile(
    r"(?i:\b(?:dr|mr|mrs|ms|miss|mx|prof|rn|md|np|pa|wife|husband|son|daughter|mother|father|brother|sister|friend"
    r"|partner|spouse|by|with|per|from|to|at|in|of|named|called|aware)\.?[ \t,:]*)\Z")
_DIGIT_AFTER_RE = re.compile(r"[ \t]*-?[ \t]*\d")


def keep_tagged(text: str, c: Candidate) -> bool:
    """True when the tagger's candidate ``c`` on ``text`` stands (no veto applies)."""
    value = text[c.start:c.end]
    if c.type == "DATE":
        return not _YEAR_ONLY_RE.fullmatch(value)
    if c.type not in ("NAME", "LOCATION"):
        return True
    if followed_by_eponym_noun(text, c.end) or colour_of_fluid(text, c.start, c.end):
        return False
    single = " " not in value.strip()
    cue = bool(_CUE_BEFORE_RE.search(text[max(0, c.start - 24):c.start]))
    if single and not cue and (in_thing_context(text, c.start, c.end) or _model_number_after(text, c)):
        return False
    return True


def _model_number_after(text: str, c: Candidate) -> bool:
    """A capitalised word before a number and a device word: "Mark 2 device", "Series 5 pump"."""
    m = _DIGIT_AFTER_RE.match(text, c.end)
    return bool(m) and followed_by_eponym_noun(text, _number_end(text, m.end()))


def _number_end(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos].isalnum() or text[pos] in ".-"):
        pos += 1
    return pos
