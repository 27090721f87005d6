"""Metrics for de-identification of annotated notes (definitions are the project's; see docs/DEID_EVALUATION.md).

- **Covered recall** (per HIPAA type and overall): a gold span is *covered* when every alphanumeric character
  of it (``str.isalnum``) lies inside some predicted span, whatever the predicted type. Punctuation and
  whitespace inside a gold span need not be covered ("J.R." is covered by spans over "J" and "R").
  Recall = covered gold spans / gold spans, with a Wilson score 95% interval (Wilson 1927).
- **Token precision**: tokens are maximal runs of alphanumeric characters. A token is *predicted* when any of
  its characters lies inside a predicted span, and *correct* when any of its characters lies inside a gold span.
  Precision = correct predicted tokens / predicted tokens.
- **Leaking notes**: notes with at least one gold span that is not covered, as a fraction of all notes.
- **Throughput**: notes per second of the median of several timed passes over the same notes.
Figures only: nothing here returns or logs note text.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .corpus import HIPAA_TYPES, AnnotatedNote, GoldSpan

_TOKEN_RE = re.compile(r"[^\W_]+")
Z95 = 1.959963984540054


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials; ``(nan, nan)`` when ``n == 0``."""
    if n <= 0:
        return (float("nan"), float("nan"))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    return (0.0 if k == 0 else lo), (1.0 if k == n else hi)


def _mask(n: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    m = bytearray(n)
    for s, e in spans:
        s, e = max(0, s), min(n, e)
        if e > s:
            m[s:e] = b"\x01" * (e - s)
    return m


def _as_pairs(spans: Iterable) -> list[tuple[int, int]]:
    out = []
    for s in spans:
        if isinstance(s, tuple):
            out.append((int(s[0]), int(s[1])))
        else:
            out.append((int(s.start), int(s.end)))
    return out


def is_covered(text: str, gold: GoldSpan, predicted_mask: bytearray) -> bool:
    """True when every alphanumeric character of ``text[gold.start:gold.end]`` is inside the predicted mask."""
    return all(predicted_mask[i] for i in range(gold.start, gold.end) if text[i].isalnum())


def uncovered_spans(note: AnnotatedNote, predicted: Iterable) -> list[GoldSpan]:
    """Gold spans of ``note`` that ``predicted`` (spans with ``start``/``end`` or ``(start, end)`` pairs) leaves
    not covered."""
    mask = _mask(len(note.text), _as_pairs(predicted))
    return [g for g in note.spans if not is_covered(note.text, g, mask)]


@dataclass(frozen=True)
class TypeScore:
    covered: int
    total: int

    @property
    def recall(self) -> float:
        return self.covered / self.total if self.total else float("nan")

    @property
    def ci(self) -> tuple[float, float]:
        return wilson_interval(self.covered, self.total)


@dataclass(frozen=True)
class CorpusScore:
    """Scores of one system on one corpus (counts; ratios are properties)."""
    n_notes: int
    per_type: dict[str, TypeScore]
    predicted_tokens: int
    correct_tokens: int
    leaking_notes: int
    extra: dict = field(default_factory=dict)

    @property
    def covered(self) -> int:
        return sum(t.covered for t in self.per_type.values())

    @property
    def total(self) -> int:
        return sum(t.total for t in self.per_type.values())

    @property
    def recall(self) -> float:
        return self.covered / self.total if self.total else float("nan")

    @property
    def recall_ci(self) -> tuple[float, float]:
        return wilson_interval(self.covered, self.total)

    @property
    def token_precision(self) -> float:
        return self.correct_tokens / self.predicted_tokens if self.predicted_tokens else float("nan")

    @property
    def leak_fraction(self) -> float:
        return self.leaking_notes / self.n_notes if self.n_notes else float("nan")

    def lowest_type(self) -> tuple[str, TypeScore] | None:
        """The type with the lowest recall (ties: more gold spans first), or None without gold spans."""
        scored = [(t, s) for t, s in self.per_type.items() if s.total]
        if not scored:
            return None
        return min(scored, key=lambda ts: (ts[1].recall, -ts[1].total, ts[0]))


def score_corpus(notes: Sequence[AnnotatedNote], predictions: Sequence[Iterable]) -> CorpusScore:
    """Score predicted spans (one iterable per note: objects with ``start``/``end`` or ``(start, end)`` pairs,
    in the note's coordinates) against the gold spans. Raises ``ValueError`` if the counts differ."""
    if len(notes) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(notes)} notes")
    covered = {t: 0 for t in HIPAA_TYPES}
    total = {t: 0 for t in HIPAA_TYPES}
    pred_tok = correct_tok = leaking = 0
    for note, pred in zip(notes, predictions):
        text = note.text
        pmask = _mask(len(text), _as_pairs(pred))
        gmask = _mask(len(text), ((g.start, g.end) for g in note.spans))
        leak = False
        for g in note.spans:
            total[g.type] += 1
            if is_covered(text, g, pmask):
                covered[g.type] += 1
            else:
                leak = True
        leaking += leak
        for m in _TOKEN_RE.finditer(text):
            s, e = m.span()
            if any(pmask[s:e]):
                pred_tok += 1
                correct_tok += any(gmask[s:e])
    per_type = {t: TypeScore(covered[t], total[t]) for t in HIPAA_TYPES if total[t]}
    return CorpusScore(len(notes), per_type, pred_tok, correct_tok, leaking)


def median_rate(n_notes: int, seconds: Sequence[float]) -> float:
    """Notes per second of the median pass (``n_notes`` per pass). Raises ``ValueError`` without a pass."""
    if not seconds:
        raise ValueError("no timed pass")
    med = statistics.median(seconds)
    return n_notes / med if med > 0 else float("inf")
