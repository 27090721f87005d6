"""Safe Harbor rules for the structured tables, driven by :class:`DeidPolicy` column actions."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DeidError, PolicyError
from .policy import DeidPolicy
from .pseudonym import date_shift_days, pseudonymize

# Safe Harbor identifier type of each raw identifier column (for redaction counts).
COLUMN_TYPES = {
    "patient_name": "NAME", "attending_clinician": "NAME", "author": "NAME",
    "ssn": "SSN", "mrn": "MRN", "street_address": "LOCATION", "city": "LOCATION", "county": "LOCATION",
    "zip": "ZIP", "phone": "PHONE", "fax": "FAX", "email": "EMAIL", "health_plan_id": "HEALTH_PLAN",
    "account_number": "ACCOUNT", "drivers_license": "LICENSE", "vehicle_plate": "VEHICLE",
    "device_serial": "DEVICE", "patient_portal_url": "URL", "ip_address": "IP",
    "facility_name": "ORGANIZATION", "encounter_id": "ID", "note_id": "ID",
}

LINKAGE_COLUMNS = ["namespace", "pseudonym", "source_table", "source_column", "identifier"]


@dataclass
class StructuredResult:
    frame: pd.DataFrame
    counts: Counter = field(default_factory=Counter)
    linkage_rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINKAGE_COLUMNS))


def date_base(col: str) -> str:
    return col[: -len("_date")] if col.endswith("_date") else col


def year_column(col: str) -> str:
    return f"{date_base(col)}_year"


def shifted_column(col: str) -> str:
    return f"{col}_shifted"


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


def _parse_dates(values: pd.Series, table: str, column: str) -> pd.Series:
    """ISO 8601 dates as datetimes (empty = NaT). A non-empty value that does not parse stops the run:
    it would otherwise vanish as a missing date or age without a count (the ingest contract quarantines
    such batches first)."""
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    parsed = pd.to_datetime(text.where(present), format="ISO8601", errors="coerce")
    n_bad = int((present & parsed.isna()).sum())
    if n_bad:
        raise DeidError(f"table '{table}', column '{column}': {n_bad} value(s) are not ISO 8601 dates (YYYY-MM-DD); "
                        "fix the extract at the source (the ingest contract refuses such batches)")
    return parsed


def _patient_keys(df: pd.DataFrame) -> pd.Series | None:
    return df["mrn"] if "mrn" in df.columns else None


def deidentify_table(df: pd.DataFrame, table: str, *, policy: DeidPolicy, key: bytes,
                     reference_date_column: str | None = None) -> StructuredResult:
    """Apply the policy to one raw table. ``text`` columns are copied unchanged (the text engine handles them)."""
    rules = policy.rules_for(table, df.columns)
    out: dict[str, pd.Series] = {}
    counts: Counter = Counter()
    linkage: list[pd.DataFrame] = []
    patient = _patient_keys(df)
    shifts: pd.Series | None = None
    if policy.date_mode == "shift" and any(r.action in ("date",) for r in rules.values()):
        if patient is None:
            raise PolicyError(f"table '{table}': date_mode 'shift' needs the 'mrn' column to derive per-patient shifts")
        uniq = {m: date_shift_days(m, key, policy.date_shift_max_days) for m in patient.dropna().unique()}
        shifts = patient.map(uniq)

    ref_col = reference_date_column or next((c for c, r in rules.items() if r.action == "date"), None)
    for col, rule in rules.items():
        s = df[col]
        kind = COLUMN_TYPES.get(col, "ID")
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
            d = _parse_dates(s, table, col)
            if policy.date_mode == "year_only":
                out[year_column(col)] = d.dt.year.astype("Int64")
            else:
                shifted = d + pd.to_timedelta(shifts, unit="D")
                out[shifted_column(col)] = shifted.dt.strftime("%Y-%m-%d").astype("string")
                out[year_column(col)] = shifted.dt.year.astype("Int64")
            counts["DATE"] += int(d.notna().sum())
        elif rule.action == "birth_date":
            b = _parse_dates(s, table, col)
            ref = _parse_dates(df[ref_col], table, ref_col) if ref_col else pd.Series(pd.Timestamp.today(), index=df.index)
            age = _age_years(b, ref)
            over = (age > policy.max_age).fillna(False).astype(bool)
            age_str = age.astype("string").mask(over, policy.age_top_code)
            out["age"] = age_str
            # No birth year is released: with the admission year it would give the exact age back
            # and undo the age generalisation that k-anonymity may need.
            counts["DATE"] += int(b.notna().sum())
            counts["AGE_OVER_89"] += int(over.sum())
        elif rule.action == "zip3":
            z3, n_restricted = to_zip3(s, policy.restricted_zip3)
            out[rule.output or "zip3"] = z3
            counts["ZIP"] += int(s.notna().sum())
            counts["ZIP3_RESTRICTED"] += n_restricted
        else:  # pragma: no cover - guarded by the policy loader
            raise PolicyError(f"unknown action for {table}.{col}")
    frame = pd.DataFrame(out, index=df.index).reset_index(drop=True)
    links = pd.concat(linkage, ignore_index=True) if linkage else pd.DataFrame(columns=LINKAGE_COLUMNS)
    return StructuredResult(frame=frame, counts=counts, linkage_rows=links)


def age_bucket_numeric(age: pd.Series) -> pd.Series:
    """Numeric view of the ``age`` column ("90+" -> 90) for generalization."""
    return pd.to_numeric(age.astype("string").str.replace("+", "", regex=False), errors="coerce")
