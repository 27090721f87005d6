"""Annotated de-identification corpus format: notes, gold PHI spans, the record's own known identifiers.

A gold span marks one identifier of HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(A)-(R)) in a note, as
``[start, end)`` character offsets into ``text`` (Python ``str`` indices, i.e. Unicode code points), with one
of ``HIPAA_TYPES``:

- ``NAME`` (A) names of the patient, relatives, household members, employers' staff and clinicians;
- ``LOCATION`` (B) geographic subdivisions smaller than a state: street address (house number, street, unit,
  floor, suite, route, PO box number), city, county, ZIP / ZIP+4;
- ``DATE`` (C) every date element other than the year alone (day, month, day + month, month + year, full dates),
  including a time of day written with the date;
- ``AGE`` (C) ages over 89 in any spelling, and a date element (e.g. a birth year) that reveals such an age;
- ``PHONE`` (D), ``FAX`` (E), ``EMAIL`` (F), ``SSN`` (G), ``MRN`` (H), ``HEALTH_PLAN`` (I), ``ACCOUNT`` (J),
  ``LICENSE`` (K), ``VEHICLE`` (L), ``DEVICE`` (M), ``URL`` (N), ``IP`` (O);
- ``ORGANIZATION`` hospital, clinic and employer names (identify the patient's location and employer);
- ``ID`` (R) any other unique identifying number or code.

Not PHI (never annotated): a year alone, ages up to 89, states and countries, clinical measurements.
``known_identifiers`` holds the record's structured identifiers as the pipeline passes them to the engine
(``{"mrn": ["318406552"], "birth_date": ["1931-04-05"], ...}``); they may be spelled differently in the text.
Corpora are stored as JSON Lines, one note per line: ``{"id", "text", "spans": [[start, end, type], ...],
"known_identifiers"?, "style"?}``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

HIPAA_TYPES = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE",
               "VEHICLE", "DEVICE", "URL", "IP", "LOCATION", "ORGANIZATION", "ID")

ROLE_TUNING = "tuning"
ROLE_HELD_OUT = "held-out"


class CorpusFormatError(ValueError):
    """A corpus file or note breaks the format; the message names the file, line and field, never a value."""


@dataclass(frozen=True, order=True)
class GoldSpan:
    """One gold identifier: ``text[start:end]`` is of HIPAA type ``type`` (see ``HIPAA_TYPES``)."""
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class AnnotatedNote:
    """A note with its gold spans (sorted, validated) and optional known identifiers and style label."""
    note_id: str
    text: str
    spans: tuple[GoldSpan, ...]
    known_identifiers: Mapping[str, Sequence[str]] | None = None
    style: str = ""

    def __post_init__(self) -> None:
        validate_note(self)


@dataclass(frozen=True)
class Corpus:
    """A named set of annotated notes. ``role`` is ``tuning`` or ``held-out``; ``source`` and ``licence`` say
    where the notes come from and under which terms."""
    name: str
    role: str
    notes: tuple[AnnotatedNote, ...]
    source: str = ""
    licence: str = ""
    notes_on_mapping: str = ""
    extra: dict = field(default_factory=dict)

    def head(self, n: int | None) -> "Corpus":
        """The first ``n`` notes (all when ``n`` is None)."""
        if n is None or n >= len(self.notes):
            return self
        return Corpus(self.name, self.role, self.notes[:n], self.source, self.licence, self.notes_on_mapping,
                      dict(self.extra))

    def type_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for note in self.notes:
            for s in note.spans:
                out[s.type] = out.get(s.type, 0) + 1
        return out


def validate_note(note: AnnotatedNote, where: str = "") -> None:
    """Raise ``CorpusFormatError`` if a span is out of range, empty, of an unknown type, or starts/ends in
    whitespace. ``where`` prefixes the message (file and line)."""
    prefix = f"{where}note {note.note_id!r}: " if where else f"note {note.note_id!r}: "
    n = len(note.text)
    for i, s in enumerate(note.spans):
        if s.type not in HIPAA_TYPES:
            raise CorpusFormatError(f"{prefix}span {i} has unknown type; expected one of {', '.join(HIPAA_TYPES)}")
        if not (0 <= s.start < s.end <= n):
            raise CorpusFormatError(f"{prefix}span {i} offsets [{s.start}, {s.end}) are outside the text "
                                    f"(length {n}) or empty")
        if note.text[s.start].isspace() or note.text[s.end - 1].isspace():
            raise CorpusFormatError(f"{prefix}span {i} starts or ends with whitespace; trim the span")


def make_note(note_id: str, text: str, spans: Iterable[tuple[int, int, str]] | Iterable[GoldSpan],
              known_identifiers: Mapping[str, Sequence[str]] | None = None, style: str = "") -> AnnotatedNote:
    """Build a validated note; spans are sorted and de-duplicated."""
    gold = sorted({s if isinstance(s, GoldSpan) else GoldSpan(int(s[0]), int(s[1]), str(s[2])) for s in spans})
    return AnnotatedNote(note_id, text, tuple(gold), dict(known_identifiers) if known_identifiers else None, style)


def note_to_json(note: AnnotatedNote) -> dict:
    out: dict = {"id": note.note_id, "text": note.text, "spans": [[s.start, s.end, s.type] for s in note.spans]}
    if note.known_identifiers:
        out["known_identifiers"] = {k: list(v) for k, v in note.known_identifiers.items()}
    if note.style:
        out["style"] = note.style
    return out


def write_jsonl(notes: Iterable[AnnotatedNote], path: str | Path) -> int:
    """Write notes as JSON Lines; returns the number written."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for note in notes:
            fh.write(json.dumps(note_to_json(note), ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: str | Path) -> list[AnnotatedNote]:
    """Read a JSON Lines corpus. Fails closed with ``CorpusFormatError`` naming file, line and field."""
    p = Path(path)
    if not p.is_file():
        raise CorpusFormatError(f"{p}: corpus file not found")
    notes: list[AnnotatedNote] = []
    with open(p, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p}:{lineno}: "
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusFormatError(f"{where}not valid JSON (column {exc.colno})") from None
            if not isinstance(obj, dict):
                raise CorpusFormatError(f"{where}a line must be a JSON object")
            for key in ("id", "text", "spans"):
                if key not in obj:
                    raise CorpusFormatError(f"{where}missing field '{key}'")
            if not isinstance(obj["text"], str) or not isinstance(obj["spans"], list):
                raise CorpusFormatError(f"{where}'text' must be a string and 'spans' a list")
            try:
                spans = [GoldSpan(int(s[0]), int(s[1]), str(s[2])) for s in obj["spans"]]
            except (TypeError, ValueError, IndexError):
                raise CorpusFormatError(f"{where}field 'spans' must hold [start, end, type] triples") from None
            try:
                notes.append(make_note(str(obj["id"]), obj["text"], spans, obj.get("known_identifiers"),
                                       str(obj.get("style", ""))))
            except CorpusFormatError as exc:
                raise CorpusFormatError(f"{where}{exc}") from None
    return notes
