"""Regular-expression building blocks that keep the recogniser families' scans fast under Python's ``re``.

Python's engine skips in C over the positions that cannot start a match only when a pattern begins with a literal
character or a character class (its "charset prefix"); a pattern that begins with ``\\b``, a look-behind or a
case-insensitive list of words is tried at every position of the note, alternative by alternative. ``cue_words``
writes a case-insensitive list of cue words so that it begins with the class of the words' first letters (the
engine then looks at the rest only where such a letter stands) and branches once on that letter: the same matches
in the same order, several times faster over a whole note.
"""
from __future__ import annotations

import re
from typing import Iterator

# Characters other than the ASCII letter itself and its other case that Python's case-insensitive matching takes
# for it (checked over every code point, CPython 3.11): dotted / dotless I, the Kelvin sign, the long s.
_EXTRA_CASES = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def split_alternatives(alternatives: str) -> list[str]:
    """The top-level alternatives of a regex source ``"a|b(?:c|d)|[|]"`` -> ``["a", "b(?:c|d)", "[|]"]``."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(alternatives):
        c = alternatives[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if alternatives[i + 1:i + 2] == "]":
                i += 1  # "[]...]": a leading "]" is a member
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(alternatives[start:i])
            start = i + 1
        i += 1
    out.append(alternatives[start:])
    return out


def cue_words(alternatives: str, *, word_start: bool = True, ignore_case: bool = True) -> str:
    """A regex source that matches exactly what ``\\b(?i:ALTERNATIVES)`` matches (``(?i:ALTERNATIVES)`` when
    ``word_start`` is false; ``(?:ALTERNATIVES)``, case-sensitive, when ``ignore_case`` is false), at the same
    positions, trying the alternatives in the same order, but that starts with a character class:
    ``[Dd...](?<!\\w.)(?:(?<=(?i:d))(?i:r|rs)|...)``.

    ``alternatives``: top-level ``|``-separated regex alternatives, each starting with an ASCII letter (matched in
    any case); the rest of each alternative may be any regex. Raises ValueError for an alternative that does not
    start with an ASCII letter."""
    groups: dict[str, list[str]] = {}
    for alt in split_alternatives(alternatives):
        first = alt[:1]
        if not (first.isascii() and first.isalpha()):
            raise ValueError(f"cue_words: alternative {alt!r} does not start with an ASCII letter")
        groups.setdefault(first.lower() if ignore_case else first, []).append(alt[1:])
    if ignore_case:
        cls = "".join(c + c.upper() + _EXTRA_CASES.get(c, "") for c in groups)
        branches = "|".join(f"(?<=(?i:{c}))(?i:{'|'.join(rests)})" for c, rests in groups.items())
    else:
        cls = "".join(groups)
        branches = "|".join(f"(?<={c})(?:{'|'.join(rests)})" for c, rests in groups.items())
    start = r"(?<!\w(?s:.))" if word_start else ""
    return f"[{cls}]{start}(?:{branches})"


def finditer_lines(rx: re.Pattern, text: str, hint: re.Pattern) -> Iterator[re.Match]:
    """``rx.finditer(text)`` for a pattern whose every match lies within one line and contains a match of ``hint``
    (a cheap pattern that also never spans lines): only the lines where ``hint`` is found are searched."""
    end = -1
    for h in hint.finditer(text):
        if h.start() < end:
            continue
        start = text.rfind("\n", 0, h.start()) + 1
        end = text.find("\n", h.end())
        end = len(text) if end < 0 else end + 1
        yield from rx.finditer(text, start, end)
