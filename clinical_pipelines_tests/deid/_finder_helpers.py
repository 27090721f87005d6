"""Probes of one recogniser family for the de-id tests: is a value (its first, or last, occurrence) covered by the
finder's candidates, or touched at all. The finder runs on the analysis view (``normalize.analysis_view``)."""
from typing import Callable

from clinical_pipelines.deid.text.normalize import analysis_view


def covered(finder: Callable, text: str, value: str, *, last: bool = False) -> bool:
    """Every letter and digit of the first (``last``: the last) occurrence of ``value`` lies in a candidate."""
    view = analysis_view(text).text
    lo = view.rindex(value) if last else view.index(value)
    spans = finder(view)
    return all(any(s.start <= i < s.end for s in spans) for i in range(lo, lo + len(value)) if view[i].isalnum())


def touched(finder: Callable, text: str, value: str) -> bool:
    """A candidate overlaps the first occurrence of ``value``."""
    view = analysis_view(text).text
    lo = view.index(value)
    return any(s.start < lo + len(value) and s.end > lo for s in finder(view))
