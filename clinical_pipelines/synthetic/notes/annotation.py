"""Gold annotation model of the synthetic notes: PHI types, note types, hard negatives, spans and the
span builder that records exact character offsets of every PHI segment (i2b2/UTHealth 2014 style).

The annotation guidelines the spans follow are in :mod:`clinical_pipelines.synthetic.notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PHI_TYPES = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT",
             "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "LOCATION", "ORGANIZATION", "ID")

NOTE_TYPES = ("discharge_summary", "progress_note", "ed_note", "ecg_report", "echo_report",
              "referral_letter", "nursing_note", "device_clinic_note", "telephone_note")

# Literal strings the generator emits that are never PHI (tests check none is inside a span).
HARD_NEGATIVE_TERMS = (
    "Parkinson's disease", "Graves' disease", "Wolff-Parkinson-White", "Foley catheter", "Swan-Ganz",
    "Glasgow Coma Scale", "Apgar", "Hashimoto's thyroiditis", "Raynaud's phenomenon", "Barrett's esophagus",
    "Crohn's disease", "Alzheimer's dementia", "Holter monitor", "Bruce protocol", "Mobitz I", "Valsalva",
    "Babinski", "Levine sign", "Killip class", "Wells score", "Duke criteria", "Cheyne-Stokes",
    "Kussmaul", "Doppler", "Brugada", "Wenckebach", "Takotsubo", "Dressler", "Bazett", "Osler",
    "Medtronic", "Boston Scientific", "Biotronik", "Abbott", "Medicare", "NYHA", "CHA2DS2-VASc",
    "HAS-BLED", "TIMI", "GRACE", "HEART score", "metoprolol", "atorvastatin", "apixaban",
)
# Regexes of non-PHI patterns the generator emits (vitals, doses, codes, scores, murmur grades).
HARD_NEGATIVE_PATTERNS = (
    r"\bBP:? ?\d{2,3}/\d{2,3}\b",
    r"\b\d+(?:\.\d+)? ?(?:mg|mcg|units|mEq)\b",
    r"\b[IEJNRZ]\d{2}\.\d{1,2}\b",
    r"\bNYHA (?:class )?I{1,3}V?\b",
    r"\bCHA2DS2-VASc(?: score)?:? \d\b",
    r"\b[1-6]/6 (?:SEM|holosystolic|ejection|systolic)",
    r"\b\d+ pack-years?\b",
    r"\bCPT \d{5}\b",
)


@dataclass(frozen=True)
class PhiSpan:
    """One gold PHI mention: characters ``[start, end)`` of the note text (0-based, end exclusive) and its type
    from ``PHI_TYPES``.
    """
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class AnnotatedNote:
    """A note with its gold spans (sorted by start, end) and the patient's identifiers by kind (``name``, ``mrn``,
    ``birth_date``, ...; each a list of strings).
    """
    note_id: str
    text: str
    spans: tuple[PhiSpan, ...]
    known_identifiers: dict[str, list[str]]

Seg = list  # list[tuple[str, str | None]]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TEMPLATE_CACHE: dict[str, list[str]] = {}


def ph(text: str, typ: str) -> Seg:
    """One annotated segment: ``text`` labelled ``typ`` (a ``PHI_TYPES`` value)."""
    return [(text, typ)]


class SpanBuilder:
    """Note text built from plain strings and segments (lists of ``(text, type or None)``); records a ``PhiSpan``
    for every labelled segment at its exact offset.
    """
    __slots__ = ("parts", "spans", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[PhiSpan] = []
        self.pos = 0

    def t(self, text: str) -> None:
        """Append plain (unlabelled) text."""
        self.parts.append(text)
        self.pos += len(text)

    def add(self, seg: str | Seg) -> None:
        """Append a plain string or a segment list, recording a span for each labelled non-empty piece."""
        if isinstance(seg, str):
            self.t(seg)
            return
        for text, typ in seg:
            if typ is not None and text:
                self.spans.append(PhiSpan(self.pos, self.pos + len(text), typ))
            self.t(text)

    def f(self, template: str, **kw: str | Seg) -> None:
        """Append ``template`` with each ``{name}`` replaced by ``kw[name]`` (string or segment list); raises
        ``KeyError`` for a missing name.
        """
        pieces = _TEMPLATE_CACHE.get(template)
        if pieces is None:
            pieces = _PLACEHOLDER.split(template)
            _TEMPLATE_CACHE[template] = pieces
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                if piece:
                    self.t(piece)
            else:
                self.add(kw[piece])

    def text(self) -> str:
        """The note text written so far."""
        return "".join(self.parts)
