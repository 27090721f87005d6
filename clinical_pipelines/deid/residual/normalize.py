"""Unicode folding with an offset map back to the caller's text.

Every detector of the residual scan works on a *folded* copy of the text and reports spans in the
caller's coordinates. Folding, character by character (so each output character knows its source):

* compatibility decomposition (Unicode NFKD, UAX #15): full-width digits and letters, ligatures,
  no-break and narrow spaces become their plain forms;
* combining marks (general category Mn) are dropped, so "Núñez" -> "Nunez", "Nguyễn" -> "Nguyen";
  letters without a decomposition are transliterated ("ł" -> "l", "đ" -> "d", "ø" -> "o", "ß" -> "ss");
* every dash (hyphen, U+2011 non-breaking hyphen, figure/en/em dash, U+2212 minus, ...) -> "-",
  typographic quotes -> ASCII quotes, fraction/division slashes -> "/";
* zero-width characters and soft hyphens are removed (they can hide an identifier inside a word);
* decimal digits of any script -> ASCII digits.

Case is kept (name detection needs it); callers fold case with ``str.lower`` on the folded text,
which never changes its length for the ASCII produced here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u02d7\u058a\u05be\u1806\u2e3a\u2e3b"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_TRANSLIT = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
             "Œ": "OE", "ß": "ss", "ı": "i", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ħ": "h", "ŧ": "t"}
_MAP = {**{c: "-" for c in DASHES}, **{c: " " for c in _SPACES}, **{c: "" for c in _DROP},
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2044": "/", "\u2215": "/", "\uff0f": "/",
        "\u2024": ".", "\uff0e": ".", "\u3002": ".", "\uff0c": ",", "\uff1a": ":", "\u2236": ":"}


@dataclass(frozen=True)
class FoldedText:
    """``text`` is the folded copy; ``origin[i]`` is the index in the original of ``text[i]``."""

    original: str
    text: str
    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text to the original text (covers whole source characters)."""
        if not self.text or end <= start:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(c: str) -> str:
    if c.isascii():
        return c
    if c in _MAP:
        return _MAP[c]
    if c in _TRANSLIT:
        return _TRANSLIT[c]
    if c.isdecimal():
        return str(unicodedata.decimal(c))
    out = []
    for d in unicodedata.normalize("NFKD", c):
        if unicodedata.category(d) == "Mn":
            continue
        d = _MAP.get(d, _TRANSLIT.get(d, d))
        out.append(str(unicodedata.decimal(d)) if d.isdecimal() and not d.isascii() else d)
    return "".join(out)


def fold(text: str) -> FoldedText:
    """Fold ``text`` (see module docstring); ASCII text is returned unchanged with an identity map."""
    text = "" if text is None else str(text)
    if text.isascii():
        return FoldedText(text, text, tuple(range(len(text))))
    parts: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        parts.append(f)
        origin.extend([i] * len(f))
    return FoldedText(text, "".join(parts), tuple(origin))


def fold_key(value: str) -> str:
    """Comparison key of a name or place: folded, lower-case, runs of non-alphanumerics -> one space."""
    return " ".join(re.findall(r"[a-z0-9]+(?:'[a-z]+)?", fold(value).text.lower()))


def alnum_key(value: str) -> str:
    """Comparison key of an identifier: folded, lower-case letters and digits only ("318 406-552" -> "318406552")."""
    return re.sub(r"[^a-z0-9]", "", fold(value).text.lower())
