"""The analysis view of a note: Unicode NFC, accent folding, dash / space / quote / line-break folding and removal of
invisible format characters, with a map back to the caller's character offsets.

Every recogniser runs on the view, so one pattern covers "Núñez" and "Nunez", a phone number typed with en dashes
(Word autocorrect) or non-breaking hyphens, a name split by a zero-width space, and decomposed (NFD) input from
another system. Spans found in the view are mapped back with ``TextView.to_original`` and redaction is applied to
the original text, so the caller's text and offsets are never changed.

Folding follows Unicode: NFC (UAX #15); a precomposed letter folds to the first code point of its canonical
decomposition (its base letter); dashes are the Unicode ``Pd`` category plus U+2212 MINUS SIGN; spaces are ``Zs``;
U+2028, U+2029, U+0085 and U+000B/U+000C become line feeds; ``Cf`` format characters (zero-width space and joiners,
soft hyphen, BOM, bidi marks) are dropped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .spans import Span

# Letters with no canonical decomposition that still have an obvious ASCII base letter (one char -> one char).
_EXTRA_FOLD = {"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "s", "ı": "i", "Ħ": "H", "ħ": "h",
               "Æ": "A", "æ": "a", "Œ": "O", "œ": "o", "Þ": "T", "þ": "t", "Ð": "D", "ð": "d"}
_QUOTES = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'}
_LINE_BREAKS = {"\u2028", "\u2029", "\u0085", "\x0b", "\x0c"}


def fold_char(c: str) -> str:
    """One NFC character -> its analysis character ('' to drop it)."""
    if c.isascii():
        return c
    if c in _LINE_BREAKS:
        return "\n"
    if c in _QUOTES:
        return _QUOTES[c]
    if c in _EXTRA_FOLD:
        return _EXTRA_FOLD[c]
    cat = unicodedata.category(c)
    if cat == "Pd" or c == "\u2212":
        return "-"
    if cat == "Zs":
        return " "
    if cat == "Cf":
        return ""
    if cat.startswith("L"):
        base = unicodedata.normalize("NFD", c)[0]
        return base if base.isascii() else c
    return c


@dataclass(frozen=True)
class TextView:
    """``text``: the analysis view; ``starts[i]`` / ``ends[i]``: the original range of view character ``i``
    (``None`` when the view is the original text unchanged)."""

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def to_original(self, spans: list[Span]) -> list[Span]:
        """Spans in view coordinates -> spans in the caller's coordinates (covering whole original characters)."""
        if self.starts is None:
            return spans
        return [Span(self.starts[sp.start], self.ends[sp.end - 1], sp.type) for sp in spans if sp.end > sp.start]


# a stretch to fold: one ASCII starter (it may carry combining marks) and the run of characters that are not
# plain ASCII after it; everything between two stretches is ASCII and maps to itself
_FOLD_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x0a\x0d-\x7f]+")


def analysis_view(text: str) -> TextView:
    """The folded view of ``text`` (see module docstring). ASCII text is its own view (no copy, no map); otherwise
    only the stretches that are not plain ASCII are folded character by character."""
    if text.isascii() and "\x0b" not in text and "\x0c" not in text:
        return TextView(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for m in _FOLD_RUN.finditer(text):
        a, b = m.span()
        out.append(text[done:a])
        starts.extend(range(done, a))
        ends.extend(range(done + 1, a + 1))
        _fold_stretch(text, a, b, out, starts, ends)
        done = b
    out.append(text[done:])
    starts.extend(range(done, len(text)))
    ends.extend(range(done + 1, len(text) + 1))
    return TextView("".join(out), tuple(starts), tuple(ends))


def _fold_stretch(text: str, i: int, n: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    """Fold ``text[i:n]`` segment by segment (a starter and the combining marks after it, NFC), appending the view
    characters and their original ranges."""
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for c in unicodedata.normalize("NFC", text[i:j]):
            f = fold_char(c)
            if f:
                out.append(f)
                starts.append(i)
                ends.append(j)
        i = j


def fold_value(value: str) -> str:
    """A known identifier value in the same folded form as the view (for deny lists and comparisons)."""
    return analysis_view(value).text
