"""Safe Harbor rules for the structured tables: the study's column actions under the policy's generic rules.

The column actions come from the study spec's roles (:mod:`.study_rules`); the policy gives the date
mode, the age top code and the ZIP3 rule (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import Study

from .errors import DeidError, PolicyError
from .policy import DeidPolicy
from .pseudonym import date_shift_days, pseudonymize
from .study_rules import StudyDeidRules, deid_rules, shifted_column, year_column  # noqa: F401 - re-exported

LINKAGE_COLUMNS = ["namespace", "pseudonym", "source_table", "source_column", "identifier"]


@dataclass
class StructuredResult:
    frame: pd.DataFrame
    counts: Counter = field(default_factory=Counter)
    linkage_rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINKAGE_COLUMNS))


def to_zip3(values: pd.Series, restricted: frozenset[str]) -> tuple[pd.Series, int]:
    """First three digits of a US ZIP; restricted prefixes -> "000" (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(B)).

    ``values``: ZIP, ZIP+4 or a ZIP that lost its leading zeros ("2051" -> "020"); anything else -> <NA>.
    ``restricted``: prefixes to replace; pass ``policy.restricted_zip3``, which holds every prefix "001".."999"
    that the policy's census table does not show with more than 20,000 people (unknown prefixes included, so
    only populous ZIP3 areas survive). Returns (zip3 series, number of values replaced by "000").
    """
    s = values.astype("string").str.strip()
    digits = s.str.extract(r"^(\d{3,5})", expand=False)
    digits = digits.where(digits.isna() | (digits.str.len() == 5), digits.str.zfill(5))
    z3 = digits.str[:3]
    is_restricted = z3.isin(list(restricted)).fillna(False).astype(bool)
    return z3.mask(is_restricted, "000"), int(is_restricted.sum())


def _age_years(birth: pd.Series, ref: pd.Series) -> pd.Series:
    years = ref.dt.year - birth.dt.year
    before_bday = (ref.dt.month < birth.dt.month) | ((ref.dt.month == birth.dt.month) & (ref.dt.day < birth.dt.day))
    return (years - before_bday.astype("Int64")).astype("Int64")


ISO_FORMAT = "%Y-%m-%d"


def _parse_dates(values: pd.Series, table: str, column: str, fmt: str | None = None,
                 missing: tuple[str, ...] = ("",)) -> pd.Series:
    """Dates in the declared strftime ``fmt`` (``%Y-%m-%d`` or none: ISO 8601) as datetimes; empty or a declared
    missing code = NaT. A non-empty value that does not parse stops the run: it would otherwise vanish as a
    missing date or age without a count (the ingest contract quarantines such batches first)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    text = values.astype("string").str.strip()
    present = text.notna() & ~text.isin(list(missing))
    iso = fmt in (None, ISO_FORMAT)
    parsed = pd.to_datetime(text.where(present), format="ISO8601" if iso else fmt, errors="coerce")
    n_bad = int((present & parsed.isna()).sum())
    if n_bad:
        what = "ISO 8601 dates (YYYY-MM-DD)" if iso else f"dates in the declared format {fmt}"
        raise DeidError(f"table '{table}', column '{column}': {n_bad} value(s) are not {what}; "
                        "fix the extract at the source (the ingest contract refuses such batches)")
    return parsed


def _top_coded_age(values: pd.Series, table: str, column: str, policy: DeidPolicy) -> tuple[pd.Series, int, int]:
    """An age in whole years released with ages over ``policy.max_age`` as ``policy.age_top_code``.

    Values already top-coded as text (``90+``, ``>89``) count as 90. A non-empty value that is not a number stops
    the run (the ingest contract refuses such batches first). Returns (ages as text, values, ages over the limit).
    """
    from clinical_pipelines.study.values import TOP_CODED_RE

    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    coded = text.fillna("").map(lambda v: bool(TOP_CODED_RE.match(v))).astype(bool)
    num = pd.to_numeric(text.mask(coded, str(R.AGE_TOP_CODE)).where(present), errors="coerce")
    n_bad = int((present & num.isna()).sum())
    if n_bad:
        raise DeidError(f"table '{table}', column '{column}': {n_bad} value(s) are not ages in years; fix the extract "
                        "at the source (the ingest contract refuses such batches)")
    age = np.floor(num).astype("Int64")
    over = (age > policy.max_age).fillna(False).astype(bool)
    return age.astype("string").mask(over, policy.age_top_code), int(present.sum()), int(over.sum())


def deidentify_table(df: pd.DataFrame, table: str, *, policy: DeidPolicy, key: bytes,
                     reference_date_column: str | None = None, study: Study | None = None,
                     rules: StudyDeidRules | None = None) -> StructuredResult:
    """Apply the study's column actions under ``policy`` to one raw table (``study`` default: the built-in one).

    ``text`` columns are copied unchanged (the text engine handles them). A column the study does not declare
    stops the run (:class:`PolicyError`, naming it). Returns the released frame, redaction counts by Safe Harbor
    kind and the linkage rows of the pseudonyms.
    """
    rules = rules or deid_rules(policy, study)
    col_rules = rules.rules_for(table, df.columns)
    out: dict[str, pd.Series] = {}
    counts: Counter = Counter()
    linkage: list[pd.DataFrame] = []
    shifts: pd.Series | None = None
    if any(r.action == "date" and r.date_mode == "shift" for r in col_rules.values()):
        patient = next((c for c, r in col_rules.items() if r.action == "pseudonymize" and r.namespace ==
                        R.PSEUDONYM_NAMESPACE[R.PATIENT_ID]), None)
        if patient is None:
            raise PolicyError(f"table '{table}': shifted dates need the table's patient_id column to derive "
                              "per-patient shifts")
        uniq = {m: date_shift_days(m, key, policy.date_shift_max_days) for m in df[patient].dropna().unique()}
        shifts = df[patient].map(uniq)

    ref_col = reference_date_column or rules.event_time.get(table)
    if ref_col is None or ref_col not in df.columns:
        ref_col = next((c for c, r in col_rules.items() if r.action == "date"), None)
    for col, rule in col_rules.items():
        s = df[col]
        kind = rules.kinds.get((table, col), "ID")
        if rule.action == "keep" or rule.action == "text":
            out[col] = s
        elif rule.action == "drop":
            counts[kind] += int(s.notna().sum() - (s.astype("string").str.strip() == "").sum())
        elif rule.action == "pseudonymize":
            uniq = [v for v in pd.unique(s.dropna()) if str(v).strip() != ""]
            mapping = {v: pseudonymize(v, key, rule.namespace) for v in uniq}
            out[rule.output] = s.map(mapping).astype("string")
            counts[kind] += int(s.notna().sum())
            linkage.append(pd.DataFrame({
                "namespace": rule.namespace, "pseudonym": [mapping[v] for v in uniq], "source_table": table,
                "source_column": col, "identifier": [str(v) for v in uniq]}))
        elif rule.action == "date":
            d = _parse_dates(s, table, col, rule.date_format, rule.missing)
            if rule.date_mode == "shift":
                shifted = d + pd.to_timedelta(shifts, unit="D")
                out[shifted_column(col)] = shifted.dt.strftime("%Y-%m-%d").astype("string")
                out[year_column(col)] = shifted.dt.year.astype("Int64")
            else:
                out[year_column(col)] = d.dt.year.astype("Int64")
            counts["DATE"] += int(d.notna().sum())
        elif rule.action == "birth_date":
            b = _parse_dates(s, table, col, rule.date_format, rule.missing)
            ref_rule = col_rules.get(ref_col) or rules.tables[table].get(ref_col)
            ref = _parse_dates(df[ref_col], table, ref_col, ref_rule.date_format, ref_rule.missing) if ref_col \
                else pd.Series(pd.Timestamp.today(), index=df.index)
            age = _age_years(b, ref)
            over = (age > policy.max_age).fillna(False).astype(bool)
            out[rule.output] = age.astype("string").mask(over, policy.age_top_code)
            # No birth year is released: with the admission year it would give the exact age back
            # and undo the age generalisation that k-anonymity may need.
            counts["DATE"] += int(b.notna().sum())
            counts["AGE_OVER_89"] += int(over.sum())
        elif rule.action == R.AGE:
            out[rule.output], n_ages, n_over = _top_coded_age(s.mask(s.isin(rule.missing)), table, col, policy)
            counts["AGE"] += n_ages
            counts["AGE_OVER_89"] += n_over
        elif rule.action == "zip3":
            z3, n_restricted = to_zip3(s, policy.restricted_zip3)
            out[rule.output] = z3
            counts["ZIP"] += int(s.notna().sum())
            counts["ZIP3_RESTRICTED"] += n_restricted
        else:  # pragma: no cover - guarded by the rules builder
            raise PolicyError(f"unknown action for {table}.{col}")
    frame = pd.DataFrame(out, index=df.index).reset_index(drop=True)
    links = pd.concat(linkage, ignore_index=True) if linkage else pd.DataFrame(columns=LINKAGE_COLUMNS)
    return StructuredResult(frame=frame, counts=counts, linkage_rows=links)


def age_bucket_numeric(age: pd.Series) -> pd.Series:
    """Numeric view of the ``age`` column ("90+" -> 90) for generalization."""
    return pd.to_numeric(age.astype("string").str.replace("+", "", regex=False), errors="coerce")
