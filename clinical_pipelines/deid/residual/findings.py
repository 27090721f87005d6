"""What a residual detector reports: a span, a kind and whether it blocks. Never the value."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Placeholders written by de-identification: "[NAME]", "[DATE]", "[NAME-1a2b3c]", "[ZIP_CODE]".
PLACEHOLDER_RE = re.compile(r"\[([A-Z][A-Z_]*)(?:-[0-9A-Za-z]{1,16})?\]")
# Same-length filler that no detector reads as a word, a digit, a space or a separator.
MASK_CHAR = "\x1a"


@dataclass(frozen=True, order=True)
class ResidualFinding:
    """One residual finding in the caller's text coordinates.

    ``start``/``end``: half-open character offsets into the scanned string; ``kind``: identifier family
    ("date", "age", "phone", "ssn", "id_number", "zip", "ip", "email", "url", "address", "location", "name",
    or "known.<column>" for the record's own identifiers); ``blocking``: True when the finding fails the gate
    (False: reported as a ``review.*`` count only); ``detector``: which rule fired (for counts, never values).
    """

    start: int
    end: int
    kind: str
    blocking: bool = True
    detector: str = ""


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    label: str


def find_placeholders(text: str) -> list[Placeholder]:
    return [Placeholder(m.start(), m.end(), m.group(1)) for m in PLACEHOLDER_RE.finditer(text)]


def mask_placeholders(text: str, placeholders: list[Placeholder]) -> str:
    if not placeholders:
        return text
    chars = list(text)
    for p in placeholders:
        chars[p.start:p.end] = MASK_CHAR * (p.end - p.start)
    return "".join(chars)


def drop_overlapping(findings: list[ResidualFinding]) -> list[ResidualFinding]:
    """Keep one finding per overlapping cluster: blocking first, known identifiers first, then the longest."""
    ranked = sorted(findings, key=lambda f: (not f.blocking, not f.kind.startswith("known."), -(f.end - f.start),
                                             f.start))
    kept: list[ResidualFinding] = []
    taken: set[int] = set()
    for f in ranked:
        if f.end <= f.start or any(p in taken for p in range(f.start, f.end)):
            continue
        kept.append(f)
        taken.update(range(f.start, f.end))
    return sorted(kept)
