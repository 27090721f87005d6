"""Residual-gate accounting: of the gold identifiers the engine left in its output, how many does an independent
residual scanner flag with a blocking finding?

The scanner reads the de-identified text, so a missed gold span is located there through the redaction:
``redaction_map`` aligns the original text with the redacted one (verbatim stretches between predicted spans are
copied unchanged; each predicted span became one replacement of unknown length). A missed span counts as
caught when a blocking finding overlaps any of its characters that survived. The scanner is any object with
``scan_text(text, known_identifiers=None)`` returning findings with ``start``, ``end``, ``kind``, ``blocking``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .corpus import AnnotatedNote
from .metrics import _mask, uncovered_spans


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _next_segment(redacted: str, seg: str, pos: int) -> int:
    """Where verbatim ``seg`` resumes after a replacement starting at ``pos`` (a bracketed placeholder is skipped
    whole first)."""
    if redacted.startswith("[", pos):
        close = redacted.find("]", pos)
        if close >= 0 and redacted.startswith(seg, close + 1):
            return close + 1
    return redacted.find(seg, pos)


def redaction_map(original: str, spans: Sequence[tuple[int, int]], redacted: str) -> list[int] | None:
    """For each character of ``original``: its index in ``redacted`` when it was copied verbatim, else -1.
    ``None`` when ``redacted`` is not ``original`` with each (merged) span replaced by some string."""
    regions = _merged([(max(0, s), min(len(original), e)) for s, e in spans if e > s])
    mapping = [-1] * len(original)
    bounds = [0] + [x for r in regions for x in r] + [len(original)]
    segments = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]  # verbatim stretches
    if len(segments) == 1:
        return list(range(len(original))) if redacted == original else None
    out_pos = 0
    for idx, (s, e) in enumerate(segments):
        seg = original[s:e]
        if idx == 0:
            found = 0 if redacted.startswith(seg) else -1
        elif idx == len(segments) - 1:
            found = len(redacted) - len(seg)
            found = found if found >= out_pos and redacted[found:] == seg else -1
        else:
            found = _next_segment(redacted, seg, out_pos)
        if found < 0:
            return None
        for k in range(e - s):
            mapping[s + k] = found + k
        out_pos = found + len(seg)
    return mapping


def placeholder_redaction(text: str, spans: Sequence) -> str:
    """``text`` with each predicted span replaced by ``[TYPE]`` (used when a redacted text cannot be aligned)."""
    parts, pos = [], 0
    for s in sorted(spans, key=lambda x: (x.start, x.end)):
        if s.start < pos:
            continue
        parts += [text[pos:s.start], f"[{getattr(s, 'type', 'PHI')}]"]
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


@dataclass
class GateTally:
    """Counts only. ``missed``: gold spans left uncovered by the engine; ``caught``: of those, overlapped by a
    blocking finding; notes-level counts; ``clean_blocked``: notes without any miss that the scanner blocks anyway;
    ``fallbacks``: notes whose redacted text could not be aligned (scanned on a ``[TYPE]`` redaction instead)."""
    notes: int = 0
    missed: int = 0
    caught: int = 0
    notes_with_miss: int = 0
    notes_with_miss_blocked: int = 0
    clean_notes: int = 0
    clean_blocked: int = 0
    fallbacks: int = 0

    def add(self, other: "GateTally") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))


def tally_note(note: AnnotatedNote, redacted: str, spans: Sequence, scanner,
               known: Mapping | None = None) -> GateTally:
    """Scan one note's redacted text and count which missed gold spans a blocking finding overlaps."""
    t = GateTally(notes=1)
    pairs = [(int(s.start), int(s.end)) for s in spans]
    mapping = redaction_map(note.text, pairs, redacted)
    scanned = redacted
    if mapping is None:
        t.fallbacks = 1
        scanned = placeholder_redaction(note.text, spans)
        mapping = redaction_map(note.text, pairs, scanned)
        if mapping is None:  # overlapping spans in a form the placeholder cannot express
            return t
    findings = scanner.scan_text(scanned, known_identifiers=known)
    blocking = [(int(f.start), int(f.end)) for f in findings if getattr(f, "blocking", False)]
    bmask = _mask(len(scanned), blocking)
    missed = uncovered_spans(note, pairs)
    pmask = _mask(len(note.text), pairs)
    for g in missed:
        survived = [mapping[i] for i in range(g.start, g.end) if not pmask[i] and mapping[i] >= 0]
        t.missed += 1
        t.caught += any(bmask[j] for j in survived)
    if missed:
        t.notes_with_miss = 1
        t.notes_with_miss_blocked = int(bool(blocking))
    else:
        t.clean_notes = 1
        t.clean_blocked = int(bool(blocking))
    return t
