"""Helpers for the residual-scan tests: coverage of a substring by blocking findings (no values printed)."""
from __future__ import annotations

from clinical_pipelines.deid.residual import ResidualScanner

SCANNER = ResidualScanner()


def blocking(text: str, known=None):
    return [f for f in SCANNER.scan_text(text, known) if f.blocking]


def covered(text: str, needle: str, known=None) -> bool:
    """Every letter/digit of ``needle`` (first occurrence) lies inside a blocking finding."""
    i = text.find(needle)
    assert i >= 0, "test input does not contain its own needle"
    spans = blocking(text, known)
    return all(any(f.start <= k < f.end for f in spans) for k in range(i, i + len(needle)) if text[k].isalnum())


def kinds(text: str, known=None) -> set[str]:
    return {f.kind for f in blocking(text, known)}
