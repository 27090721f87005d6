"""Probes of the name finders for the name tests: is a phrase (first occurrence) covered whole, or touched at all,
by a candidate of ``find_names``."""
from clinical_pipelines.deid.text.names import find_names


def covered(text: str, phrase: str) -> bool:
    """A ``find_names`` candidate spans the whole first occurrence of ``phrase``."""
    i = text.index(phrase)
    return any(c.start <= i and c.end >= i + len(phrase) for c in find_names(text))


def touched(text: str, phrase: str) -> bool:
    """A ``find_names`` candidate overlaps the first occurrence of ``phrase``."""
    i = text.index(phrase)
    return any(c.start < i + len(phrase) and c.end > i for c in find_names(text))
