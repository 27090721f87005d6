"""Table- and column-level residual scans for the ``residual_phi_scan`` gate. Results hold counts by kind
and row ids, never values."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import pandas as pd

from .known import KnownIdentifiers
from .normalize import fold
from .scanner import ResidualScanner

MAX_FLAGGED_IDS = 20


@dataclass
class ResidualSummary:
    """``blocking``/``review``: finding counts by kind; ``flagged_ids``: ids of rows with a blocking finding."""

    blocking: Counter = field(default_factory=Counter)
    review: Counter = field(default_factory=Counter)
    flagged_ids: list[str] = field(default_factory=list)
    scanned: int = 0

    @property
    def total(self) -> int:
        return int(sum(self.blocking.values()))


def scan_notes(texts: Sequence[str | None], ids: Sequence[str] | None = None, *,
               known: KnownIdentifiers | Mapping[str, Iterable[str]] | None = None,
               per_note_known: Sequence[Mapping[str, Iterable[str]] | None] | None = None,
               scanner: ResidualScanner | None = None) -> ResidualSummary:
    """Scan de-identified notes. ``known``: identifiers of the whole batch (one index for every note);
    ``per_note_known``: each note's own record identifiers (name parts that are English words count too)."""
    scanner = scanner or ResidualScanner()
    if known is not None and not isinstance(known, KnownIdentifiers):
        known = KnownIdentifiers(known, name_parts="out_of_vocabulary")
    if per_note_known is not None and len(per_note_known) != len(texts):
        raise ValueError(f"per_note_known has {len(per_note_known)} entries for {len(texts)} notes")
    out = ResidualSummary(scanned=len(texts))
    for i, t in enumerate(texts):
        findings = scanner.scan_text("" if t is None else str(t), known)
        if per_note_known is not None and per_note_known[i]:
            own = scanner.scan_text("" if t is None else str(t), per_note_known[i])
            findings += [f for f in own if f.kind.startswith("known.")
                         and not any(g.start < f.end and f.start < g.end and g.kind.startswith("known.")
                                     for g in findings)]
        hit = False
        for f in findings:
            if f.blocking:
                out.blocking[f.kind] += 1
                hit = True
            else:
                out.review[f.kind] += 1
        if hit:
            out.flagged_ids.append(str(ids[i]) if ids is not None else str(i))
    return out


def scan_frame_known(df: pd.DataFrame, known: KnownIdentifiers | Mapping[str, Iterable[str]], *,
                     skip: Iterable[str] = ()) -> Counter:
    """Known-identifier hits in every string cell of ``df``, counted as ``<column>:<kind>``."""
    if not isinstance(known, KnownIdentifiers):
        known = KnownIdentifiers(known, name_parts="out_of_vocabulary")
    skip = set(skip)
    counts: Counter = Counter()
    for col in df.columns:
        if col in skip or not (pd.api.types.is_object_dtype(df[col]) or pd.api.types.is_string_dtype(df[col])):
            continue
        values = df[col].dropna().astype(str)
        for v, n in values.value_counts().items():
            kept: list = []
            for h in sorted(known.find(fold(v).text), key=lambda h: h.start - h.end):
                if not any(h.start < k.end and k.start < h.end for k in kept):
                    kept.append(h)
                    counts[f"{col}:{h.kind}"] += int(n)
    return counts


def scan_frame_text(df: pd.DataFrame, *, skip: Iterable[str] = (), scanner: ResidualScanner | None = None,
                    min_words: int = 3) -> Counter:
    """The independent detector on free-text-like string cells (``min_words`` words or more), as
    ``<column>:<kind>`` counts of blocking findings. Code-like columns (pseudonyms, categories) are not free text."""
    scanner = scanner or ResidualScanner()
    skip = set(skip)
    counts: Counter = Counter()
    for col in df.columns:
        if col in skip or not (pd.api.types.is_object_dtype(df[col]) or pd.api.types.is_string_dtype(df[col])):
            continue
        values = df[col].dropna().astype(str)
        for v, n in values.value_counts().items():
            if len(v.split()) < min_words:
                continue
            for f in scanner.scan_text(v):
                if f.blocking:
                    counts[f"{col}:{f.kind}"] += int(n)
    return counts
