"""Spans and candidates shared by every recogniser family of the free-text engine.

A ``Span`` is a half-open character range ``[start, end)`` in the caller's text with one of ``PHI_TYPES`` (the
HIPAA Safe Harbor identifier families, 45 CFR 164.514(b)(2)(i), as the engine reports them). A ``Candidate`` is a
recogniser's raw finding with a confidence score in [0, 1]; the engine keeps candidates at or above the policy's
``score_threshold``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

PHI_TYPES = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE",
             "VEHICLE", "DEVICE", "URL", "IP", "LOCATION", "ORGANIZATION", "ID")
# Higher wins when overlapping spans of different types are merged.
_PRIORITY = {t: i for i, t in enumerate(reversed(
    ("EMAIL", "URL", "IP", "SSN", "FAX", "PHONE", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE",
     "AGE", "DATE", "NAME", "LOCATION", "ORGANIZATION", "ID")))}


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str


@dataclass
class TextResult:
    text: str
    spans: list[Span] = field(default_factory=list)


class Candidate(NamedTuple):
    """One recogniser finding: ``[start, end)`` in the text, HIPAA type, confidence in [0, 1]."""

    start: int
    end: int
    type: str
    score: float = 0.9


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping/adjacent-overlapping spans; the merged span takes the highest-priority type."""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if sp.end <= sp.start:
            continue
        if out and sp.start < out[-1].end:
            last = out[-1]
            t = last.type if _PRIORITY.get(last.type, 0) >= _PRIORITY.get(sp.type, 0) else sp.type
            if (last.end - last.start) >= 2 * (sp.end - sp.start):
                t = last.type if sp.type in ("ID", "ORGANIZATION", "LOCATION") or last.type != "ID" else t
            out[-1] = Span(last.start, max(last.end, sp.end), t)
        else:
            out.append(sp)
    return out

def to_engine_type(entity_type: str) -> str:
    return entity_type if entity_type in PHI_TYPES else "ID"


def strip_spans(text: str, spans: list[Span]) -> list[Span]:
    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        while s < e and (text[s] in " \t\r\n,;:[]\"'" or (text[s] == "(" and ")" not in text[s:e])):
            s += 1
        while e > s and (text[e - 1] in " \t\r\n,;:[]\"'" or (text[e - 1] == ")" and "(" not in text[s:e])
                         or (text[e - 1] == "." and sp.type not in ("NAME", "LOCATION", "ORGANIZATION"))):
            e -= 1
        if e > s:
            out.append(Span(s, e, sp.type))
    return out
