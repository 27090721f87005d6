"""Known-identifier deny lists: the record's own structured identifiers (and the batch's clinicians, facilities and
places) searched for in its notes, in the spellings they take in free text (digits in any grouping for numbers,
date formats for dates, each name token alone). Values are never logged.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping, Sequence

from ..vocab import NON_NAME_TERMS, NOT_NAME_WORDS
from .ages import birth_year_deny_entries
from .normalize import fold_value
from .spans import PHI_TYPES, Span

_KIND_TYPES = [
    ("email", "EMAIL"), ("fax", "FAX"), ("phone", "PHONE"), ("tel", "PHONE"), ("ssn", "SSN"), ("mrn", "MRN"),
    ("health_plan", "HEALTH_PLAN"), ("plan", "HEALTH_PLAN"), ("insurance", "HEALTH_PLAN"), ("account", "ACCOUNT"),
    ("licen", "LICENSE"), ("vehicle", "VEHICLE"), ("plate", "VEHICLE"), ("vin", "VEHICLE"), ("device", "DEVICE"),
    ("serial", "DEVICE"), ("url", "URL"), ("portal", "URL"), ("ip", "IP"), ("zip", "LOCATION"),
    ("address", "LOCATION"), ("street", "LOCATION"), ("city", "LOCATION"), ("county", "LOCATION"),
    ("facility", "ORGANIZATION"), ("hospital", "ORGANIZATION"), ("organization", "ORGANIZATION"),
    ("employer", "ORGANIZATION"), ("date", "DATE"), ("dob", "DATE"), ("birth", "DATE"), ("name", "NAME"),
    ("clinician", "NAME"), ("author", "NAME"), ("provider", "NAME"), ("relative", "NAME"), ("person", "NAME"),
    ("staff", "NAME"), ("age", "AGE"),
]
BATCH_WIDE_CUES = ("clinician", "author", "provider", "staff", "facility", "hospital", "organization", "city",
                   "county")


def kind_to_type(kind: str) -> str:
    k = kind.lower()
    if k.upper() in PHI_TYPES:
        return k.upper()
    for cue, t in _KIND_TYPES:
        if cue in k:
            return t
    return "ID"


def _digits_pattern(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return r"(?<!\d)(?:\+?1[\s.-]?)?" + r"[\s().-]{0,2}".join(digits) + r"(?!\d)"


def _date_variants(value: str) -> list[str]:
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return [value]
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    if not 1 <= mo <= 12:
        return [value]
    name = months[mo - 1]
    return [value, f"{mo:02d}/{d:02d}/{y}", f"{mo}/{d}/{y}", f"{mo:02d}/{d:02d}/{y[2:]}", f"{mo}/{d}/{y[2:]}",
            f"{mo}-{d}-{y}", f"{mo:02d}-{d:02d}-{y}", f"{name} {d}, {y}", f"{name[:3]} {d}, {y}", f"{d} {name} {y}",
            f"{name} {d}", f"{name[:3]} {d}", f"{mo}/{d}", f"{mo:02d}/{d:02d}"]


def deny_entries(known: Mapping[str, Sequence[str]] | None) -> list[tuple[str, str, str, bool]]:
    """(regex, type, probe, probe_on_digits) for one record's known identifiers. ``probe`` is a lower-cased literal
    (or a digit string, matched against the text's digits only) that must occur in the text for the regex to be
    able to match, so only the few patterns that can match are compiled and run. Values are never logged."""
    out: list[tuple[str, str, str, bool]] = []
    if not known:
        return out
    for kind, values in known.items():
        t = kind_to_type(kind)
        if isinstance(values, str):
            values = [values]
        for v in values or ():
            v = fold_value(str(v)).strip()
            if len(v) < 2:
                continue
            if t in ("PHONE", "FAX", "SSN"):
                dp = _digits_pattern(v)
                if dp:
                    digits = re.sub(r"\D", "", v)
                    out.append((dp, t, digits[-7:], True))
                    continue
            if t == "DATE":
                for dv in _date_variants(v):
                    out.append((r"(?<![\w/])" + re.escape(dv) + r"(?![\w/])", t, dv.lower(), False))
                if "birth" in kind.lower() or "dob" in kind.lower():  # a birth year implying age > 89 (ages.py)
                    out.extend(birth_year_deny_entries(v))
                continue
            if t == "LOCATION" and re.fullmatch(r"\d{5}(?:-\d{4})?", v):
                out.append((r"(?<!\d)" + re.escape(v[:5]) + r"(?:-\d{4})?(?!\d)", t, v[:5], False))
                continue
            parts = [p for p in re.split(r"[\s,.-]+", v) if p]
            if not parts:
                continue
            esc = r"[\s,.-]*".join(re.escape(p) for p in parts)
            out.append((r"(?<!\w)" + esc + r"(?!\w)", t, parts[0].lower(), False))
            if t == "NAME":
                for tok in re.findall(r"[A-Za-z][A-Za-z'’-]+", v):
                    if len(tok) >= 2 and tok.lower() not in NOT_NAME_WORDS and tok.lower() not in NON_NAME_TERMS:
                        out.append((r"(?<!\w)" + re.escape(tok) + r"(?:'s|’s)?(?!\w)", t, tok.lower(), False))
            elif t in ("MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "ID"):
                compact = re.sub(r"[\s-]", "", v)
                if compact != v and len(compact) >= 4:
                    out.append((r"(?<!\w)" + re.escape(compact) + r"(?!\w)", t, compact.lower(), False))
    return out


def build_deny_patterns(known: Mapping[str, Sequence[str]] | None) -> list[tuple[str, str]]:
    """(regex, type) pairs for one record's known identifiers. Values are never logged."""
    return [(p, t) for p, t, _, _ in deny_entries(known)]


@functools.lru_cache(maxsize=50_000)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_NON_DIGIT_RE = re.compile(r"\D+")


class DenyMatcher:
    """Known-identifier patterns, each compiled once (cached) and run only when its literal probe occurs in the
    text (case-insensitive)."""

    def __init__(self, entries: Iterable[tuple[str, str, str, bool]]):
        self.entries = list(dict.fromkeys(entries))

    def find(self, text: str) -> list[Span]:
        lower, digits, out = text.lower(), None, []
        for p, t, probe, on_digits in self.entries:
            if on_digits:
                if digits is None:
                    digits = _NON_DIGIT_RE.sub("", text)
                if probe not in digits:
                    continue
            elif probe not in lower:
                continue
            out.extend(Span(m.start(), m.end(), t) for m in _compiled(p).finditer(text) if m.end() > m.start())
        return out
