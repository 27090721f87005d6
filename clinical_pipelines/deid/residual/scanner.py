"""The independent residual PHI detector: format grammars, the number policy, the safe-list name scan and
the normalised known-identifier search, with no NER model and no code shared with the redaction engine.

    >>> from clinical_pipelines.deid.residual import ResidualScanner
    >>> [f.kind for f in ResidualScanner().scan_text("HPI: 93YOF, MRN 318 406 552") if f.blocking]
    ['age', 'id_number']

Spans are in the caller's coordinates, whatever the text's Unicode form. Placeholders left by
de-identification ("[NAME]", "[DATE-1a2b3c]") are never findings.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from . import contact, dates, names, numbers, orgs, places
from .findings import (MASK_CHAR, ResidualFinding, drop_overlapping, find_placeholders, mask_placeholders)
from .known import KnownIdentifiers
from .lexicon import is_common_word, is_name_dominant
from .normalize import fold

ALL_KINDS = ("date", "age", "phone", "ssn", "zip", "id_number", "ip", "email", "url", "address", "location", "name",
             "organization", "employer")
_TIME_AFTER_DATE_RE = re.compile(rf"{MASK_CHAR}\s*,?\s*(?:at|@)?\s*((?:[01]?\d|2[0-3])(?::?[0-5]\d)(?:\s?[ap]\.?m\.?)?)"
                                 r"(?![\w:])", re.I)


_HAS_CONTENT_RE = re.compile(r"[^\W_]")
_ID_AFTER_NAME_RE = re.compile(r"[ \t]*\(\s*#?(\d{3,8})\s*\)")


def _non_ascii_letters(f) -> frozenset[int]:
    """Offsets of the folded text whose source character is a letter outside ASCII ("Ş", "ỗ", "ß")."""
    if f.original.isascii():
        return frozenset()
    return frozenset(i for i, o in enumerate(f.origin) if not f.original[o].isascii() and f.original[o].isalpha())


@dataclass(frozen=True)
class ResidualPolicy:
    """Which finding kinds block. ``review_only``: kinds reported as ``review.*`` counts instead of blocking.

    Default: every kind blocks, employers and schools ("retired from Lakeview Casino") too (identifier (R), 45 CFR
    164.514(b)(2)(i)(R); the redaction engine removes them). ``review_only=frozenset({"employer"})`` reports them
    as ``review.employer`` counts instead.

    ``max_age``: ages above it are identifiers (Safe Harbor: 89). ``reference_year``: the year ages implied by
    birth years are computed against (default: the current year, the most conservative choice).
    """

    review_only: frozenset[str] = frozenset()
    max_age: int = 89
    reference_year: int | None = None

    def __post_init__(self):
        unknown = set(self.review_only) - set(ALL_KINDS)
        if unknown:
            raise ValueError(f"ResidualPolicy.review_only has unknown kinds {sorted(unknown)}; "
                             f"valid kinds: {', '.join(ALL_KINDS)}")
        if self.max_age != 89:
            raise ValueError("ResidualPolicy.max_age other than 89 is not supported (the age grammar is built for "
                             "Safe Harbor's 90 and over)")


@dataclass
class ResidualScanner:
    """Scan de-identified text for identifier-like content. Stateless apart from its policy; thread-safe."""

    policy: ResidualPolicy = field(default_factory=ResidualPolicy)

    def scan_text(self, text: str, known_identifiers: Mapping[str, Iterable[str]] | KnownIdentifiers | None = None,
                  *, reference_year: int | None = None) -> list[ResidualFinding]:
        """Findings in ``text`` (list of :class:`ResidualFinding`, sorted by start, non-overlapping).

        ``known_identifiers``: mapping kind -> values of the record (e.g. ``{"mrn": ["318406552"],
        "birth_date": ["1931-04-05"]}``) or a prebuilt :class:`KnownIdentifiers`; hits are kind
        ``known.<kind>`` and always block.
        """
        text = "" if text is None else str(text)
        if not text.strip():
            return []
        ref = reference_year or self.policy.reference_year or dt.date.today().year
        f = fold(text)
        placeholders = find_placeholders(f.text)
        masked = mask_placeholders(f.text, placeholders)
        raw: list[ResidualFinding] = []

        def add(start: int, end: int, kind: str, detector: str, blocking: bool | None = None) -> None:
            if not _HAS_CONTENT_RE.search(masked, start, end):
                return  # placeholders, spaces and punctuation only ("[NAME],[NAME]"): nothing left to find
            if blocking is None:
                blocking = kind.startswith("known.") or kind not in self.policy.review_only
            raw.append(ResidualFinding(start, end, kind, blocking, detector))

        date_mentions = dates.find_dates(masked)
        for d in date_mentions:
            add(d.start, d.end, "date", "date_grammar")
        for a, b in dates.find_ages_over_89(masked):
            add(a, b, "age", "age_grammar")
        for a, b in dates.birth_years_over_89(masked, ref):
            add(a, b, "age", "birth_year")
        taken = [(x.start, x.end) for x in raw]
        for n in numbers.find_ips(masked):
            add(n.start, n.end, "ip", "ip_format")
        for a, b in contact.find_emails(masked):
            add(a, b, "email", "email_format")
        for a, b in contact.find_urls(masked):
            add(a, b, "url", "url_format")
        taken = [(x.start, x.end) for x in raw]
        for n in numbers.find_identifier_numbers(masked) + numbers.find_alnum_ids(masked) + \
                numbers.find_cued_values(masked):
            if not any(n.start < e and s < n.end for s, e in taken):
                add(n.start, n.end, n.kind, "number_policy")
        for a, b in places.find_streets(masked):
            add(a, b, "address", "street_grammar")
        for a, b, kind in orgs.find_orgs(masked):
            add(a, b, kind, "organization")
        for a, b in places.find_cities(masked):
            add(a, b, "location", "city_state")
        for a, b in places.find_places(masked, lambda w: not is_common_word(w) or is_name_dominant(w)):
            add(a, b, "location", "place_context")
        name_spans = names.find_names(masked, placeholders, _non_ascii_letters(f))
        for s in name_spans:
            if s.blocking:
                add(s.start, s.end, "name", s.detector)
            else:
                add(s.start, s.end, "capitalised_word", s.detector, blocking=False)
        # a staff or user number in parentheses right after a name: "Confirmed by LUND, ERIK (968)"
        name_ends = {s.end for s in name_spans if s.blocking} | {p.end for p in placeholders if p.label == "NAME"}
        for m in _ID_AFTER_NAME_RE.finditer(masked):
            if m.start() in name_ends:
                add(m.start(1), m.end(1), "id_number", "id_after_name")
        for m in _TIME_AFTER_DATE_RE.finditer(masked):
            if any(p.end <= m.start(1) and p.label.startswith("DATE") and p.end >= m.start() for p in placeholders):
                add(m.start(1), m.end(1), "time_next_to_date", "time_after_placeholder", blocking=False)
        if known_identifiers:
            index = known_identifiers if isinstance(known_identifiers, KnownIdentifiers) else \
                KnownIdentifiers(known_identifiers, reference_year=ref)
            for h in index.find(masked):
                add(h.start, h.end, f"known.{h.kind}", "known_identifier", blocking=True)
        kept = drop_overlapping(raw)
        out = []
        for x in kept:
            a, b = f.to_original(x.start, x.end)
            out.append(ResidualFinding(a, b, x.kind, x.blocking, x.detector))
        return out


def scan_text(text: str, known_identifiers: Mapping[str, Iterable[str]] | None = None) -> list[ResidualFinding]:
    """Module-level shortcut: ``ResidualScanner().scan_text(text, known_identifiers)``."""
    return ResidualScanner().scan_text(text, known_identifiers)
