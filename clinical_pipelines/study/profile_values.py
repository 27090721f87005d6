"""Value vocabularies ``study init`` recognises in public tabular clinical data: yes/no flags, missing-value
codes and numeric sentinels.

- **Binary flags**: a column whose values are one pair of :data:`BOOLEAN_PAIRS` (any letter case:
  ``TRUE/FALSE``, ``yes/no``, ``Y/N``, ``T/F``, ``0/1``, ``1/2``, ``positive/negative`` ...), possibly
  with unknown codes (``U``, ``unknown``, ``9``, ``99``, ``?``, ...) that become the column's missing
  values. Questionnaire codings (CDC NHANES / BRFSS: 1 = yes, 2 = no, 7/9 = refused/don't know)
  write yes as 1; a ``1/2`` flag is therefore drafted as ``[2, 1]`` (no, yes) and flagged for review.
- **Missing codes** (:data:`TEXT_MISSING_CODES`): texts that data sets write for "not recorded"
  (UCI's ``?``, R's ``NA``, SAS's ``.``, spreadsheets' ``#N/A``, ``-``, ``NULL``, ``NaN``).
- **Numeric sentinels**: ``-1/-9/-99/-999/-9999`` in a column that is otherwise never negative;
  ``99/999/9999/...`` far above every other value; ``0`` in a column whose other values all lie far
  from zero (e.g. UCI writes 0 for a cholesterol that was not measured).

Everything here is a suggestion for a draft: every use is marked ``# REVIEW`` by the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# (value meaning no, value meaning yes), compared case-insensitively.
BOOLEAN_PAIRS: tuple[tuple[str, str], ...] = (
    ("false", "true"), ("no", "yes"), ("n", "y"), ("f", "t"), ("0", "1"), ("2", "1"),
    ("negative", "positive"), ("neg", "pos"), ("absent", "present"), ("off", "on"),
)
TEXT_MISSING_CODES: frozenset[str] = frozenset(
    {"?", "??", "na", "n/a", "n.a.", "#n/a", "-", "--", ".", "null", "nan", "missing", "not available"})
# Codes for "unknown / refused / not asked" that count as missing only next to a yes/no pair.
UNKNOWN_CODES: frozenset[str] = frozenset(
    {"u", "unk", "unknown", "not known", "nk", "not recorded", "not stated", "7", "8", "9", "77", "88", "99",
     }) | TEXT_MISSING_CODES
HIGH_SENTINELS = (99.0, 999.0, 9999.0, 99999.0, 888.0, 8888.0, 777.0, 7777.0)
NEGATIVE_SENTINELS = (-1.0, -9.0, -99.0, -999.0, -9999.0)
# Words that are census names but, as cell values, are flags or categories (never evidence of a name).
NOT_NAMES: frozenset[str] = frozenset(
    {w for pair in BOOLEAN_PAIRS for w in pair} | UNKNOWN_CODES | {
        "none", "normal", "abnormal", "male", "female", "man", "woman", "other", "high", "low", "medium", "mild",
        "moderate", "severe", "white", "black", "brown", "asian", "single", "married", "divorced", "widowed",
        "alive", "dead", "died", "living", "left", "right", "up", "down", "flat", "rich", "poor", "young", "old",
        "new", "early", "late", "long", "short", "north", "south", "east", "west", "central", "grant", "will",
        "may", "june", "april", "august", "stable", "steady",
    })


@dataclass(frozen=True)
class Flag:
    """A yes/no column: ``categories`` ``(no, yes)`` as written in the data; ``unknown`` values become missing."""

    categories: tuple[str, str]
    unknown: tuple[str, ...]
    written: int  # how many of the two values occur (1: a constant flag, the other value completed)


def _key(value: str) -> str:
    text = value.strip().casefold()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _styled(word: str, like: str) -> str:
    """``word`` in the letter case of ``like`` (TRUE -> FALSE, True -> False, true -> false)."""
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word.capitalize()
    return word


def boolean_flag(distinct: list[str]) -> Flag | None:
    """The yes/no pair the column's distinct values (as written) form, or ``None``.

    Every value must be one of the pair or an unknown code (:data:`UNKNOWN_CODES`), with at least
    one value of the pair; the pair ``0/1`` is preferred over ``1/2`` when only ``1`` occurs.
    """
    by_key: dict[str, list[str]] = {}
    for value in distinct:
        by_key.setdefault(_key(value), []).append(value)
    if any(len(v) > 1 for v in by_key.values()):
        return None  # the same flag written two ways (Yes / yes): a categorical column to review
    for no, yes in BOOLEAN_PAIRS:
        pair = {no, yes}
        present = pair & set(by_key)
        others = set(by_key) - pair
        if not present or others - UNKNOWN_CODES:
            continue
        if no == "2" and "2" not in present:
            continue  # a lone 1 is a 0/1 flag
        like = by_key[next(iter(present))][0]
        no_w = by_key[no][0] if no in by_key else _styled(no, like)
        yes_w = by_key[yes][0] if yes in by_key else _styled(yes, like)
        unknown = tuple(sorted(v for k in others for v in by_key[k]))
        return Flag((no_w, yes_w), unknown, len(present))
    return None


def text_codes(values: pd.Series) -> dict[str, int]:
    """Missing-value codes among ``values`` (stripped text): code as written -> count."""
    hits = values[values.str.casefold().isin(TEXT_MISSING_CODES)]
    return {str(k): int(v) for k, v in hits.value_counts().items()}


def sentinels(nums: pd.Series) -> tuple[tuple[float, ...], str]:
    """Numeric codes that look like "not recorded" in a numeric column, and why (no value quoted).

    ``nums`` are the column's numbers (float). Returns ``((), "")`` when nothing stands out.
    """
    found: list[float] = []
    why: list[str] = []
    counts = nums.value_counts()
    negatives = [c for c in NEGATIVE_SENTINELS if c in counts.index]
    rest = nums[~nums.isin(negatives)]
    if negatives and len(rest) and rest.min() >= 0:
        found += negatives
        why.append(f"{int(counts[negatives].sum())} negative code value(s) in a column otherwise never negative")
    highs = [c for c in HIGH_SENTINELS if c in counts.index]
    rest = nums[~nums.isin(highs + negatives)]
    highs = [c for c in highs if len(rest) and c > 1.5 * max(rest.max(), 1.0)]
    if highs:
        found += highs
        why.append(f"{int(counts[highs].sum())} value(s) of a 9...9-style code far above every other value")
    rest = nums[~nums.isin(found)]
    nonzero = rest[rest != 0]
    if 0.0 in counts.index and len(nonzero) >= 10 and nonzero.min() > 0:
        low, median = float(nonzero.min()), float(nonzero.median())
        if low >= 10 and low >= 0.25 * median:
            found.append(0.0)
            why.append(f"{int(counts[0.0])} zero(s) far below every other value (a 'not measured' code?)")
    return tuple(found), "; ".join(why)


def number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
