"""Patient-disjoint data split with temporal and external-site holdouts (GMLP 4, TRIPOD+AI 12/16).

Rules, applied per *patient* (all encounters of a patient land in the same split):
1. any encounter at an external site            -> ``external_test``
2. otherwise any encounter on/after the cutoff   -> ``temporal_test``
3. otherwise a keyed hash of (seed, patient id) decides ``internal_test`` (fraction
   ``internal_test_fraction``) or ``train``. The hash does not depend on row order, so the same
   patients always land in the same split for the same seed.

The columns, external sites and temporal holdout come from the study's evaluation design
(:func:`clinical_pipelines.training.design.evaluation_design`, :func:`split_study`); a study that
declares the temporal or external-site design not applicable has no such split.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import numpy as np
import pandas as pd

from clinical_pipelines.training.design import ENCOUNTER_COLUMN, PATIENT_COLUMN, EvaluationDesign

SPLIT_COL = "split"
TRAIN = "train"
INTERNAL_TEST = "internal_test"
TEMPORAL_TEST = "temporal_test"
EXTERNAL_TEST = "external_test"
SPLITS = (TRAIN, INTERNAL_TEST, TEMPORAL_TEST, EXTERNAL_TEST)
EVALUATION_SPLITS = (INTERNAL_TEST, TEMPORAL_TEST, EXTERNAL_TEST)


class SplitError(ValueError):
    """The data cannot be split as specified (missing columns, empty dates, bad parameters)."""


def _require_columns(df: pd.DataFrame, cols) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SplitError(f"split input is missing column(s) {missing}")


def _as_dates(series: pd.Series, cutoff: date, col: str) -> tuple[pd.Series, pd.Timestamp]:
    """Comparable (values, cutoff). Integer columns are treated as calendar years."""
    cutoff_ts = pd.Timestamp(cutoff)
    if pd.api.types.is_integer_dtype(series):
        n_bad = int(series.isna().sum())
        if n_bad:
            raise SplitError(f"column {col!r} has {n_bad} empty year(s); every encounter needs a date to be placed")
        if (cutoff_ts.month, cutoff_ts.day) != (1, 1):
            raise SplitError(
                f"column {col!r} holds years only; a temporal cutoff on a year column must be 1 January "
                "(use a full date column or move the cutoff to a year boundary)"
            )
        return series.astype("int64"), cutoff_ts.year
    values = pd.to_datetime(series, errors="coerce")
    n_bad = int(values.isna().sum())
    if n_bad:
        raise SplitError(f"column {col!r} has {n_bad} empty or unparseable date(s); every encounter needs a date to be placed")
    return values, cutoff_ts


def _hash_fraction(patient_id, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}:{patient_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_dataset(df: pd.DataFrame, *, patient_col: str, date_col: str | None, site_col: str | None,
                  temporal_cutoff: date | datetime | str | None, external_sites: list[str],
                  internal_test_fraction: float = 0.2, seed: int = 0) -> pd.DataFrame:
    """Return a copy of ``df`` with column ``split`` in {train, internal_test, temporal_test, external_test}.

    ``date_col`` / ``temporal_cutoff`` ``None``: no temporal holdout; ``site_col`` ``None`` or no
    ``external_sites``: no external-site holdout (the study declares them not applicable)."""
    _require_columns(df, [c for c in (patient_col, date_col, site_col) if c is not None])
    if not 0.0 < internal_test_fraction < 1.0:
        raise SplitError("internal_test_fraction must be strictly between 0 and 1")
    if df[patient_col].isna().any():
        raise SplitError(f"column {patient_col!r} has {int(df[patient_col].isna().sum())} empty patient id(s)")
    out = df.copy()
    if date_col is not None and temporal_cutoff is not None:
        dates, cutoff = _as_dates(out[date_col], temporal_cutoff, date_col)
        late = dates >= cutoff
    else:
        late = pd.Series(False, index=out.index)
    if site_col is not None and external_sites:
        external = out[site_col].astype(str).isin([str(s) for s in external_sites])
    else:
        external = pd.Series(False, index=out.index)
    by_patient = pd.DataFrame({"p": out[patient_col], "external": external, "late": late}).groupby("p").agg(
        external=("external", "any"), late=("late", "any")
    )
    fractions = np.array([_hash_fraction(p, seed) for p in by_patient.index])
    patient_split = np.where(
        by_patient["external"], EXTERNAL_TEST,
        np.where(by_patient["late"], TEMPORAL_TEST,
                 np.where(fractions < internal_test_fraction, INTERNAL_TEST, TRAIN)),
    )
    out[SPLIT_COL] = out[patient_col].map(pd.Series(patient_split, index=by_patient.index))
    return out


EVENT_DATE_COL = "event_date"  # the event time as a timestamp, added by :func:`split_study` (not stored)


def event_dates(df: pd.DataFrame, design: EvaluationDesign) -> pd.Series:
    """The study's event time as timestamps: the shifted date when released, else 1 January of its year."""
    if design.event_shifted and design.event_shifted in df.columns:
        return pd.to_datetime(df[design.event_shifted], errors="coerce")
    if design.event_column and design.event_column in df.columns:
        return pd.to_datetime(df[design.event_column].astype("string") + "-01-01", errors="coerce")
    raise SplitError(f"the table has no event-time column ({design.event_column} or {design.event_shifted}): "
                     "cannot split by time")


def temporal_cutoff(dates: pd.Series, design: EvaluationDesign, holdout_years: int = 1) -> pd.Timestamp | None:
    """1 January of the first held-out year (``holdout: last_year``: the last ``holdout_years`` years of the data),
    the study's declared cut-off, or ``None`` when the temporal design is not applicable."""
    if design.cutoff is not None:
        return pd.Timestamp(design.cutoff)
    if design.holdout is None:
        return None
    if dates.isna().all():
        raise SplitError("every event date is empty: cannot place the temporal holdout")
    return pd.Timestamp(year=int(dates.dt.year.max()) - holdout_years + 1, month=1, day=1)


def split_study(df: pd.DataFrame, *, design: EvaluationDesign, external_sites: list[str] | None = None,
                internal_test_fraction: float = 0.2, seed: int = 0,
                holdout_years: int = 1) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """:func:`split_dataset` as the study designs it: (split frame, temporal cut-off or ``None``). The frame has
    :data:`EVENT_DATE_COL` when there is a temporal design. ``external_sites`` overrides the study's (e.g. a run's
    configuration)."""
    sites = list(design.external_sites) if external_sites is None else list(external_sites)
    out = df.copy()
    cutoff = None
    if design.holdout is not None or design.cutoff is not None:
        out[EVENT_DATE_COL] = event_dates(out, design)
        cutoff = temporal_cutoff(out[EVENT_DATE_COL], design, holdout_years)
    out = split_dataset(out, patient_col=design.patient_column, date_col=EVENT_DATE_COL if cutoff is not None else None,
                        site_col=design.site_column, temporal_cutoff=cutoff, external_sites=sites,
                        internal_test_fraction=internal_test_fraction, seed=seed)
    return out, cutoff


def required_splits(design: EvaluationDesign, external_sites: list[str] | None = None) -> tuple[str, ...]:
    """The splits the study's design must fill (temporal / external only where they apply)."""
    sites = design.external_sites if external_sites is None else external_sites
    temporal = design.holdout is not None or design.cutoff is not None
    return tuple(s for s in SPLITS if (s != TEMPORAL_TEST or temporal) and (s != EXTERNAL_TEST or sites))


def verify_split(df: pd.DataFrame, *, patient_col: str = PATIENT_COLUMN, split_col: str = SPLIT_COL,
                 required_splits=SPLITS, date_col: str | None = None, temporal_cutoff=None,
                 site_col: str | None = None, external_sites: list[str] | None = None,
                 max_ids_listed: int = 5) -> list[str]:
    """Problems with a split (empty list = OK). Names counts and pseudonymous patient ids only.

    Always checks: split column present and valid, patients in more than one split (leakage),
    empty required splits. With ``date_col``+``temporal_cutoff``: no train/internal encounter on
    or after the cutoff. With ``site_col``+``external_sites``: external sites only in external_test.
    """
    problems: list[str] = []
    missing = [c for c in (patient_col, split_col) if c not in df.columns]
    if missing:
        return [f"split table is missing column(s) {missing}"]
    unknown = ~df[split_col].isin(SPLITS)
    if unknown.any():
        problems.append(f"{int(unknown.sum())} row(s) have an empty or unknown split value (allowed: {list(SPLITS)})")
    n_splits = df.groupby(patient_col)[split_col].nunique()
    leaked = sorted(n_splits[n_splits > 1].index.tolist(), key=str)
    if leaked:
        shown = ", ".join(map(str, leaked[:max_ids_listed]))
        problems.append(f"patient leakage: {len(leaked)} patient(s) appear in more than one split (e.g. {shown})")
    counts = df[split_col].value_counts()
    for s in required_splits:
        if int(counts.get(s, 0)) == 0:
            problems.append(f"split {s!r} is empty")
    if date_col is not None and temporal_cutoff is not None and date_col in df.columns:
        try:
            dates, cutoff = _as_dates(df[date_col], temporal_cutoff, date_col)
            bad = (dates >= cutoff) & df[split_col].isin([TRAIN, INTERNAL_TEST])
            if bad.any():
                problems.append(f"{int(bad.sum())} train/internal_test encounter(s) are on or after the temporal cutoff")
        except SplitError as exc:
            problems.append(str(exc))
    if site_col is not None and external_sites and site_col in df.columns:
        bad = df[site_col].astype(str).isin([str(s) for s in external_sites]) & (df[split_col] != EXTERNAL_TEST)
        if bad.any():
            problems.append(f"{int(bad.sum())} encounter(s) from external sites are outside external_test")
    return problems


def _jsonable(value):
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def split_manifest(df: pd.DataFrame, *, id_col: str = ENCOUNTER_COLUMN, patient_col: str = PATIENT_COLUMN,
                   site_col: str | None = None, date_col: str | None = None, label_col: str | None = "label",
                   split_col: str = SPLIT_COL, parameters: dict | None = None) -> dict:
    """Counts per split / site / year, prevalence, and a sha256 fingerprint of the sorted (id, split) pairs.

    ``parameters`` (cutoff, external sites, fraction, seed) are copied in for the record.
    """
    cols = [id_col, patient_col, split_col] + [c for c in (site_col, date_col, label_col) if c]
    _require_columns(df, cols)
    pairs = sorted(zip(df[id_col].astype(str), df[split_col].astype(str)))
    payload = "\n".join(f"{i}\t{s}" for i, s in pairs).encode()
    splits: dict[str, dict] = {}
    for s in SPLITS:
        part = df[df[split_col] == s]
        entry: dict = {"n_rows": int(len(part)), "n_patients": int(part[patient_col].nunique())}
        if label_col:
            labels = pd.to_numeric(part[label_col], errors="coerce")
            entry["n_positive"] = int((labels == 1).sum())
            entry["prevalence"] = float(labels.mean()) if labels.notna().any() else None
        if site_col:
            entry["by_site"] = {str(k): int(v) for k, v in part[site_col].value_counts().sort_index().items()}
        if date_col:
            col = part[date_col]
            years = col if pd.api.types.is_integer_dtype(col) else pd.to_datetime(col, errors="coerce").dt.year
            entry["by_year"] = {str(int(k)): int(v) for k, v in years.dropna().value_counts().sort_index().items()}
        splits[s] = entry
    return {
        "n_rows": int(len(df)),
        "n_patients": int(df[patient_col].nunique()),
        "splits": splits,
        "parameters": {str(k): _jsonable(v) for k, v in (parameters or {}).items()},
        "id_column": id_col,
        "pairs_sha256": hashlib.sha256(payload).hexdigest(),
    }
