"""Typing the values of a chunk as the study spec declares them, counting every value that does not fit.

Per role (see :mod:`clinical_pipelines.study.roles`):

- ``date`` / ``event_time``: parsed with the declared strftime ``format`` (pandas, exact match) to
  ``datetime64``; a value that does not parse (wrong format, no such calendar day) is a problem
  counted per column. Never a silent ``NaT``.
- numeric features: decimals with ``.`` (no units, no decimal comma, no ``NaN``/``inf`` text;
  surrounding spaces tolerated) to ``float64``; values outside the declared plausible ``range`` are a problem (kept as read).
- binary / categorical features and consent flags: values outside the declared categories (or
  granted/refused values) are a problem; numeric categories match numerically (``1`` = ``1.0``).
- ``patient_id`` / ``encounter_id`` / ``record_id``: required, without surrounding spaces (they are
  matched and pseudonymised exactly).

Ages (``age: true``): Safe Harbor's top code written as text (``90+``, ``>89``, ``90 or older``) is read as 90.

Missing values (the table's and the column's ``missing_values``) are ``None``/``NaN`` and never a problem here.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from clinical_pipelines.ingest import messages
from clinical_pipelines.ingest.rules import DECIMAL_RE
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.problems import ProblemCounter
from clinical_pipelines.study.spec import FeatureSpec, Table


def type_chunk(table: Table, chunk, name: str, problems: ProblemCounter):
    """The chunk with dates as ``datetime64`` and numeric features as ``float64`` (problems logged)."""
    from clinical_pipelines.study.read import Chunk

    frame = chunk.frame
    for col, spec in table.columns.items():
        if col not in frame.columns:
            continue
        s, rows = frame[col], chunk.rows
        if spec.role in R.DATE_ROLES:
            frame[col] = parse_dates(s, spec.format, rows, name, col, problems)
        elif spec.role in R.ID_ROLES:
            _identifiers(s, rows, name, col, problems)
        elif spec.role == R.CONSENT:
            _allowed(s, list(spec.granted) + list(spec.refused), rows, name, col, problems, "consent values")
        feature = spec if spec.role == R.FEATURE else getattr(spec, "feature", None)
        if getattr(spec, "age", False):
            s = top_coded_ages(s)
        if feature is not None and spec.role not in R.DATE_ROLES:
            frame[col] = type_feature(s, feature, rows, name, col, problems)
    return Chunk(frame, chunk.rows)


TOP_CODED_RE = re.compile(r"^\s*(90\s*\+|>\s*89|>=\s*90|≥\s*90|90 (years )?(or|and) (older|over))\s*$", re.IGNORECASE)


def top_coded_ages(s: pd.Series) -> pd.Series:
    """An age column with Safe Harbor's top code written as text ("90+", ">89", ">=90", "90 or older")
    read as 90 (:data:`~clinical_pipelines.study.roles.AGE_TOP_CODE`); other values unchanged."""
    if not pd.api.types.is_object_dtype(s):
        return s
    coded = s.map(lambda v: isinstance(v, str) and bool(TOP_CODED_RE.match(v)))
    return s.where(~coded, str(R.AGE_TOP_CODE)) if coded.any() else s


def _present(s: pd.Series) -> pd.Series:
    return s.notna()


def parse_dates(s: pd.Series, fmt: str | None, rows: np.ndarray, name: str, col: str,
                problems: ProblemCounter) -> pd.Series:
    """``s`` as ``datetime64`` parsed with ``fmt``; each non-missing value that does not parse is counted."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    present = _present(s)
    if not present.any():
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if fmt is None:
        problems.add_rows(name, "holds text dates, but the spec gives no date format for this column (add format)",
                          rows[present.to_numpy()], column=col)
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    text = s if pd.api.types.is_object_dtype(s) else s.astype(object).where(present, None)
    text = text.where(text.map(type).eq(str) | ~present, text.astype(str))
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = (present & parsed.isna()).to_numpy()
    problems.add_rows(name, messages.date_not_in_format(fmt), rows[bad], column=col)
    return parsed


def _identifiers(s: pd.Series, rows: np.ndarray, name: str, col: str, problems: ProblemCounter) -> None:
    present = _present(s)
    problems.add_rows(name, "empty identifier (every row needs one)", rows[(~present).to_numpy()], column=col)
    text = s[present].astype(str)
    spaced = (text != text.str.strip()).to_numpy(dtype=bool)
    problems.add_rows(name, messages.IDENTIFIER_SPACES,
                      rows[present.to_numpy()][spaced], column=col)


def numbers(s: pd.Series, rows: np.ndarray, name: str, col: str, problems: ProblemCounter) -> pd.Series:
    """``s`` as float64; non-missing values that are not plain decimals are counted."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    present = _present(s)
    x = pd.to_numeric(s, errors="coerce").astype(float)
    bad = present & (x.isna() | np.isinf(x))  # "NaN", "inf" and "Infinity" texts are not numbers either
    problems.add_rows(name, messages.NOT_A_NUMBER,
                      rows[bad.to_numpy()], column=col)
    return x.where(~bad)


def type_feature(s: pd.Series, feature: FeatureSpec, rows: np.ndarray, name: str, col: str,
                 problems: ProblemCounter) -> pd.Series:
    if feature.type == "numeric":
        x = numbers(s, rows, name, col, problems)
        if feature.range is not None:
            low, high = feature.range
            out = (x.notna() & ((x < low) | (x > high))).to_numpy()
            problems.add_rows(name, messages.out_of_range(low, high, feature.unit), rows[out], column=col)
        return x
    _allowed(s, feature.allowed or [], rows, name, col, problems, "declared categories")
    return s


def _allowed(s: pd.Series, allowed: list[str], rows: np.ndarray, name: str, col: str, problems: ProblemCounter,
             what: str) -> None:
    present = _present(s)
    if all(DECIMAL_RE.match(a) for a in allowed):
        ok = pd.to_numeric(s, errors="coerce").isin([float(a) for a in allowed])
    else:
        ok = s.isin(allowed) if pd.api.types.is_object_dtype(s) else s.astype(str).isin(allowed)
    bad = (present & ~ok).to_numpy()
    problems.add_rows(name, messages.not_allowed(allowed), rows[bad], column=col)
