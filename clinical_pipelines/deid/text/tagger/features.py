"""Tokens and features of the learned token tagger (a linear-chain CRF, Lafferty et al. 2001, as in CRFsuite).

A token is a run of letters or digits, or one punctuation character (``TOKEN_RE``). Its features are strings (a
feature is present with weight 1):

- the word: lower-cased form, shape ("Xxxx", "dd/dd"), 2- and 3-letter prefix and suffix, length bucket, case
  flags; for digits the length and a magnitude class (month, day, two-digit, year, larger);
- vocabulary: its English word frequency bucket (wordfreq Zipf), whether it is out of vocabulary, and whether it is a
  1990 US Census first name or surname (the ``names`` gazetteer of the engine);
- word classes from fixed lists: a USPS city name or a word of one (the pinned ``zipcodes`` list), month, weekday and
  holiday words (``date_parts``), the head words of a facility's name ("Hospital", "Campus"; ``facilities``), relation
  words ("daughter"; ``vocab.RELATION_WORDS``) and titles ("Dr", "Mrs"; ``vocab.TITLE_WORDS``);
- layout: whether a line break comes before it;
- context: the form, shape, case, vocabulary flags and word classes of the two tokens on either side.

Nothing here is read from a corpus: the features are fixed, the weights are learned (``training``). The feature set
has a version (``FEATURE_VERSION``); a trained model is tied to it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

FEATURE_VERSION = "3"
TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")
_UPPER_RE = re.compile(r"[A-Z]")
_LOWER_RE = re.compile(r"[a-z]")
_DIGIT_RE = re.compile(r"\d")
_REPEAT_RE = re.compile(r"(.)\1{2,}")
OFFSETS = (-2, -1, 1, 2)


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the tokens of ``text``."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def shape(word: str) -> str:
    """Letters and digits as X, x and d, runs longer than two cut to two: "Okafor" -> "Xxx", "3/14" -> "d/dd"."""
    s = _DIGIT_RE.sub("d", _LOWER_RE.sub("x", _UPPER_RE.sub("X", word)))
    return _REPEAT_RE.sub(r"\1\1", s)


def _magnitude(word: str) -> str:
    n = int(word[:6])
    if n <= 12:
        return "le12"
    if n <= 31:
        return "le31"
    if n <= 99:
        return "le99"
    return "year" if 1900 <= n <= 2100 else "big"


@lru_cache(maxsize=1)
def _vocabulary():
    from ...gazetteer import load_gazetteers
    from ..safelist_vocabulary import word_zipf

    first, last = load_gazetteers()
    return first, last, word_zipf


@lru_cache(maxsize=1)
def _word_classes() -> dict[str, tuple[str, ...]]:
    """Lower-cased word -> its classes: ``city`` (a one-word USPS city), ``cityw`` (a word of a longer USPS city
    name), ``month``, ``weekday`` and ``holiday`` (the date words of ``date_parts``), ``orghead`` (a word that ends
    a facility's name: "Hospital", "Campus"), ``relation`` ("daughter") and ``titleword`` ("Dr", "Mrs")."""
    from ... import vocab
    from .. import date_parts as dp
    from ..facilities import FACILITY_HEAD_WORDS
    from ..places import place_index

    classes: dict[str, set[str]] = {}
    for name in place_index()[1]:
        parts = name.split()
        for part in parts:
            if part.isalpha():
                classes.setdefault(part, set()).add("city" if len(parts) == 1 else "cityw")
    for cls, words in (("month", [*dp.MONTHS, *dp.MONTH_ABBRS]), ("weekday", [*dp.WEEKDAYS, *dp.WEEKDAY_ABBRS]),
                       ("holiday", _HOLIDAY_WORDS), ("orghead", FACILITY_HEAD_WORDS),
                       ("relation", vocab.RELATION_WORDS), ("titleword", vocab.TITLE_WORDS)):
        for w in words:
            classes.setdefault(w.lower(), set()).add(cls)
    return {w: tuple(sorted(c)) for w, c in classes.items()}


# the distinctive words of the holidays that ``date_parts.HOLIDAY`` reads as dates
_HOLIDAY_WORDS = ("Christmas", "Xmas", "Thanksgiving", "Easter", "Halloween", "Juneteenth", "Hanukkah", "Chanukah",
                  "Passover", "Diwali", "Kippur", "Hashanah", "Valentine", "Memorial", "Labor", "Veterans",
                  "Independence", "Presidents", "Columbus")


def plain_token(word: str) -> bool:
    """Punctuation, or a lower-case common English word that is no census name ("the", "with", "pain"): a token the
    tagger almost never marks on its own."""
    return word_features(word)[2]


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], bool]:
    """(own features, context features for each offset in ``OFFSETS``, whether the token is plain) of one token
    string."""
    first, last, zipf = _vocabulary()
    lw = word.lower()
    sh = shape(word)
    own = ["w=" + lw, "sh=" + sh, "p2=" + lw[:2], "p3=" + lw[:3], "s2=" + lw[-2:], "s3=" + lw[-3:],
           "len=%d" % min(len(word), 8)]
    shared = ["w=" + lw, "sh=" + sh]
    if word.istitle():
        own.append("title")
        shared.append("title")
    if word.isupper():
        own.append("upper")
    if word.isdigit():
        own += ["digit", "dlen=%d" % min(len(word), 9), "num=" + _magnitude(word)]
    if word.isalpha():
        z = zipf(lw)
        own.append("zipf=%d" % int(z))
        if z < 2.0:
            own.append("oov")
            shared.append("oov")
    else:
        own.append("zipf=na")
    if lw in first:
        own.append("first")
        shared.append("first")
    if lw in last:
        own.append("last")
        shared.append("last")
    for cls in _word_classes().get(lw, ()):
        own.append(cls)
        shared.append(cls)
    context = tuple(tuple(f"{d}:{f}" for f in shared) for d in OFFSETS)
    plain = not any(ch.isalnum() for ch in word) or (
        word.islower() and word.isalpha() and zipf(lw) >= 4.0 and lw not in first and lw not in last)
    return tuple(own), context, plain


def sequence_features(text: str, toks: Sequence[tuple[int, int]]) -> list[tuple[str, ...]]:
    """The feature strings of every token of ``text`` (``toks`` from :func:`tokens`), in order."""
    return sequence_view(text, toks)[0]


def sequence_view(text: str, toks: Sequence[tuple[int, int]]) -> tuple[list[tuple[str, ...]], list[bool]]:
    """(feature strings, plain flags) of every token of ``text``, in order (see :func:`plain_token`)."""
    words = [word_features(text[a:b]) for a, b in toks]
    n = len(words)
    pad = _PAD
    out: list[tuple[str, ...]] = []
    prev_end = 0
    for i, (a, b) in enumerate(toks):
        own = words[i][0]
        if i == 0 or "\n" in text[prev_end:a]:
            own = own + _NL
        prev_end = b
        out.append(own
                   + (words[i - 2][1][0] if i >= 2 else pad[0])
                   + (words[i - 1][1][1] if i >= 1 else pad[1])
                   + (words[i + 1][1][2] if i + 1 < n else pad[2])
                   + (words[i + 2][1][3] if i + 2 < n else pad[3]))
    return out, [w[2] for w in words]


_NL = ("nl",)
_PAD = tuple((f"{d}:pad",) for d in OFFSETS)
