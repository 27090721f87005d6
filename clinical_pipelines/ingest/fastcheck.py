"""Checking many records of one table at once, with the same problems in the same order as one at a time.

The value rules (:mod:`clinical_pipelines.ingest.rules`) are first applied to whole columns with pandas
to find the records that are certainly clean: identifiers without surrounding spaces, required values
present, decimals inside the plausible range, values in their allowed set, dates that parse in their
declared format (a non-ISO date also writes back to the same text), not before 1900, not after the
extract date, in the declared order and a plausible age, the batch's site. A value the column test
cannot prove clean is checked by :func:`clinical_pipelines.ingest.tables.check_value` itself. A record
with any doubt is checked again in full by the record checker, so every problem (file, row, column,
never a value) is logged exactly as the record-at-a-time check logs it; clean records only update the
uniqueness and linking-identifier state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clinical_pipelines.ingest import rules
from clinical_pipelines.ingest.problems import ProblemLog
from clinical_pipelines.study import roles as R

CHUNK_RECORDS = 20_000
_ISO_RE = r"^\d{4}-\d{2}-\d{2}$"
_WS = pa.array([chr(c) for c in range(0x3001) if chr(c).isspace()], type=pa.string())  # str.strip() set
_END = 2**31 - 1
_EARLIEST = pd.Timestamp(rules.EARLIEST_DATE)


def _fallback(checker, col: str, rule: rules.ValueRule, values: list[str], rows: np.ndarray,
              parsed: pd.Series | None) -> np.ndarray:
    """Check the values at ``rows`` one by one into a scratch log; True where a value has no problem."""
    ok = np.zeros(len(rows), dtype=bool)
    for k, i in enumerate(rows):
        scratch = ProblemLog()
        d = rules_check(checker, col, values[i], rule, scratch)
        ok[k] = not scratch
        if ok[k] and parsed is not None and d is not None:
            parsed.iat[i] = pd.Timestamp(d)
    return ok


def rules_check(checker, col: str, value: str, rule: rules.ValueRule, log: ProblemLog):
    from clinical_pipelines.ingest.tables import check_value

    return check_value(checker.name, col, value, rule, 0, log, checker.ctx)


def _screen(checker, col: str, rule: rules.ValueRule, values) -> tuple[np.ndarray, pd.Series | None]:
    """(clean mask of one column, its parsed dates as normalised datetimes or ``None`` for other kinds).

    Column tests run in Arrow compute kernels; a value with surrounding whitespace (Python's
    ``str.isspace`` characters) or that a test cannot prove clean is checked by ``check_value``."""
    a = pa.array(values, type=pa.string())
    n = len(a)
    edge = pc.or_(pc.is_in(pc.utf8_slice_codeunits(a, 0, 1), value_set=_WS),
                  pc.is_in(pc.utf8_slice_codeunits(a, -1, _END), value_set=_WS))
    plain = ~_np(edge)  # equal to its strip()
    missing = plain & _np(pc.is_in(a, value_set=pa.array(rule.missing, type=pa.string())))
    dec = plain & _np(pc.match_substring_regex(a, rules.DECIMAL_RE.pattern))
    if rule.missing_numbers:
        missing |= dec & np.isin(_numbers(values, dec), rule.missing_numbers)
    ok = ~(missing & rule.required)
    parsed = None
    if rule.kind == rules.DATE:
        fast, parsed = _dates(values, rule, checker.ctx)
    elif rule.kind in (rules.NUMBER, rules.CHOICE) and rule.choices:
        fast = _np(pc.is_in(a, value_set=pa.array(rule.choices, type=pa.string())))
    elif rule.kind == rules.NUMBER:
        x = _numbers(values, dec)
        with np.errstate(invalid="ignore"):
            fast = dec & ~np.isnan(x) & (x >= (-np.inf if rule.low is None else rule.low)) & \
                (x <= (np.inf if rule.high is None else rule.high))
    else:
        fast = np.full(n, rule.kind == rules.TEXT)
    doubt = np.flatnonzero(ok & ~(missing & ~rule.required) & ~(fast & plain))
    if doubt.size:
        ok[doubt] = _fallback(checker, col, rule, values, doubt, parsed)
    return ok, parsed


def _np(mask) -> np.ndarray:
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _numbers(values, mask: np.ndarray) -> np.ndarray:
    """float of each value where ``mask`` (decimal text), NaN elsewhere."""
    x = np.full(len(mask), np.nan)
    if mask.any():
        x[mask] = pd.to_numeric(np.asarray(values, dtype=object)[mask], errors="coerce")
    return x


def _dates(values, rule: rules.ValueRule, ctx) -> tuple[np.ndarray, pd.Series]:
    v = pd.Series(np.asarray(values, dtype=object))
    fmt = rule.date_format
    if fmt == rules.ISO_FORMAT:
        shape = _np(pc.match_substring_regex(pa.array(values, type=pa.string()), _ISO_RE))
        parsed = pd.to_datetime(v.where(shape), format=fmt, errors="coerce")
    else:
        parsed = pd.to_datetime(v, format=fmt, errors="coerce")
        parsed = parsed.where(parsed.dt.strftime(fmt) == v)  # only what writes back to the same text is proven
    parsed = parsed.dt.normalize()
    fast = parsed.notna() & (parsed >= _EARLIEST)
    if ctx is not None:
        fast &= parsed <= pd.Timestamp(ctx.extract_date)
    return fast.to_numpy(), parsed.where(fast)


def _age_years(birth: pd.Series, at: pd.Series) -> pd.Series:
    before = (at.dt.month < birth.dt.month) | ((at.dt.month == birth.dt.month) & (at.dt.day < birth.dt.day))
    return at.dt.year - birth.dt.year - before.astype(int)


def _row_dates_ok(checker, dates: dict[str, pd.Series], n: int) -> np.ndarray:
    ok = np.ones(n, dtype=bool)
    event = dates.get(checker.event) if checker.event else None
    for col, d in dates.items():
        rule = checker.rules[col]
        before = dates.get(rule.not_before) if rule.not_before else None
        if before is not None:
            ok &= ~(d.notna() & before.notna() & (d < before)).to_numpy()
        if rule.birth and event is not None:
            both = d.notna() & event.notna()
            bad = both & ((d > event) | (_age_years(d, event) > rules.MAX_AGE_YEARS))
            ok &= ~bad.fillna(False).to_numpy(dtype=bool)
    return ok


def check_rows(checker, lines: list[int], columns: dict[str, list[str]]) -> None:
    """Check the records ``lines[i]`` -> {column: columns[column][i]} with a ``_RecordChecker``."""
    n = len(lines)
    if n == 0:
        return
    clean = np.ones(n, dtype=bool)
    dates: dict[str, pd.Series] = {}
    for col, rule in checker.rules.items():
        if col in columns:
            ok, parsed = _screen(checker, col, rule, columns[col])
            clean &= ok
            if parsed is not None:
                dates[col] = parsed
    clean &= _row_dates_ok(checker, dates, n)
    site = checker.ctx.site_id if checker.ctx is not None else None
    links = [(c, role) for c, role in checker.link.items() if c in columns]
    for c, role in links:
        if role == R.SITE and site is not None:
            a = pa.array(columns[c], type=pa.string())
            clean &= _np(pc.is_in(a, value_set=pa.array(["", site], type=pa.string())))
    unique = [(c, checker.rules[c], checker.seen.setdefault(c, set())) for c, r in checker.rules.items()
              if r.unique and c in columns]
    unclean = np.flatnonzero(~clean).tolist() + [n]
    i = 0
    for j in unclean:  # clean rows i..j-1, then the unclean row j (checked in full)
        if j > i:
            _clean_rows(checker, lines, columns, unique, links, i, j)
        if j < n:
            checker.check(lines[j], {c: vals[j] for c, vals in columns.items()})
        i = j + 1


def _clean_rows(checker, lines, columns, unique, links, i: int, j: int) -> None:
    """Rows ``i..j-1`` whose values are clean: uniqueness (in row order) and linking identifiers (held as is:
    identifiers of clean rows have no surrounding spaces)."""
    for c, rule, seen in unique:
        values = columns[c]
        for k in range(i, j):
            v = values[k].strip()
            if v and not rule.is_missing(v):
                if v in seen:
                    checker.log.add(checker.name, f"duplicate id (already used on an earlier {checker.unit})",
                                    row=lines[k], column=c)
                seen.add(v)
    checker.ids.extend(lines[i:j], {role: columns[c][i:j] for c, role in links})
