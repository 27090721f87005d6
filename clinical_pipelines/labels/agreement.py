"""Inter-rater agreement and consensus labels for the reference standard.

Input is a *long table*: one row per (item, rater) with a binary label (0/1): columns
``item_id``, ``rater``, ``label`` (:data:`ITEM_COL`, :data:`RATER_COL`, :data:`LABEL_COL`). The study's
rater table is turned into it by :func:`clinical_pipelines.labels.ratings.ratings_from_snapshots`,
which reads the column names, the allowed labels and the positive label from the study spec
(``labels:`` of ``study.yaml``, :class:`~clinical_pipelines.study.spec.RaterLabels`): label 1 is the
spec's positive label, 0 any other allowed label.

Statistics (all on items rated by at least two raters):
- percent agreement: share of agreeing rater pairs, pooled over all items;
- Cohen's kappa for every pair of raters (on the items both rated);
- Fleiss' kappa (generalised to a varying number of raters per item; equals Fleiss 1971
  when every item has the same number of raters);
- Krippendorff's alpha, nominal metric, which handles missing ratings.
95% confidence intervals are percentile bootstraps over items with a fixed seed.

A statistic that is undefined (e.g. every rating is the same category, so chance agreement is
1) is reported as ``None``. Nothing here logs or raises with label values or raw rows.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

ITEM_COL = "item_id"  # columns of the long table (not a study's: see ratings_from_snapshots)
RATER_COL = "rater"
LABEL_COL = "label"
ALLOWED_LABELS = (0, 1)  # 1 = the study's positive label, 0 = another allowed label
DEFAULT_N_BOOT = 1000
DEFAULT_SEED = 20240601

CONSENSUS_UNANIMOUS = "unanimous"
CONSENSUS_MAJORITY = "majority"
CONSENSUS_ADJUDICATED = "adjudicated"


class LabelDataError(ValueError):
    """The label table does not meet the contract (columns, label values, duplicates)."""


# --------------------------------------------------------------------------- input checks
def _clean_long_table(long_df: pd.DataFrame, item_col: str, rater_col: str, label_col: str) -> pd.DataFrame:
    missing = [c for c in (item_col, rater_col, label_col) if c not in long_df.columns]
    if missing:
        raise LabelDataError(
            f"label table is missing column(s) {missing}; expected one row per (item, rater) with "
            f"columns {item_col!r}, {rater_col!r}, {label_col!r}"
        )
    df = long_df[[item_col, rater_col, label_col]].copy()
    n_null = int(df.isna().any(axis=1).sum())
    if n_null:
        raise LabelDataError(f"label table has {n_null} row(s) with an empty item, rater or label; fix or drop them upstream")
    labels = pd.to_numeric(df[label_col], errors="coerce")
    bad = int((~labels.isin(ALLOWED_LABELS)).sum())
    if bad:
        raise LabelDataError(f"column {label_col!r} has {bad} value(s) outside {list(ALLOWED_LABELS)}")
    df[label_col] = labels.astype(int)
    dup = int(df.duplicated(subset=[item_col, rater_col]).sum())
    if dup:
        raise LabelDataError(
            f"label table has {dup} duplicate (item, rater) row(s); keep one label per rater per item"
        )
    return df


def _count_matrix(df: pd.DataFrame, item_col: str, label_col: str, categories=ALLOWED_LABELS) -> np.ndarray:
    """items x categories matrix of how many raters chose each category (items with >= 2 ratings)."""
    counts = pd.crosstab(df[item_col], df[label_col]).reindex(columns=list(categories), fill_value=0)
    counts = counts[counts.sum(axis=1) >= 2]
    return counts.to_numpy(dtype=float)


def _num(x) -> float | None:
    """Finite float, or None for an undefined statistic (JSON-safe)."""
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


_MAX_WEIGHT_CELLS = 4_000_000  # bootstrap weights are built in chunks of at most this many cells (~32 MB)


def _bootstrap(stat_w, n_units: int, n_boot: int, seed: int) -> np.ndarray:
    """Statistic over ``n_boot`` item resamples; ``stat_w(w)`` gets a (resamples x units) count matrix."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _MAX_WEIGHT_CELLS // max(n_units, 1)))
    out = []
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        idx = rng.integers(0, n_units, size=(b, n_units)) + (np.arange(b) * n_units)[:, None]
        weights = np.bincount(idx.ravel(), minlength=b * n_units).reshape(b, n_units).astype(float)
        out.append(stat_w(weights))
    return np.concatenate(out)


def _ci(samples: np.ndarray) -> tuple[float | None, float | None]:
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return None, None
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return float(lo), float(hi)


# --------------------------------------------------------------------------- core statistics (count matrices)
def _percent_agreement_w(counts: np.ndarray, w: np.ndarray) -> np.ndarray:
    agree = (counts * (counts - 1) / 2).sum(axis=1)
    n_i = counts.sum(axis=1)
    pairs = n_i * (n_i - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w @ agree) / (w @ pairs)


def _fleiss_w(counts: np.ndarray, w: np.ndarray) -> np.ndarray:
    n_i = counts.sum(axis=1)
    p_i = ((counts**2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_bar = (w @ p_i) / w.sum(axis=1)
        p_j = (w @ counts) / (w @ n_i)[:, None]
        p_e = (p_j**2).sum(axis=1)
        return (p_bar - p_e) / (1.0 - p_e)


def _krippendorff_nominal_w(counts: np.ndarray, w: np.ndarray) -> np.ndarray:
    m_u = counts.sum(axis=1)
    # observed disagreement of unit u: sum_{c != k} n_uc n_uk / (m_u - 1)
    disagree_u = (m_u**2 - (counts**2).sum(axis=1)) / (m_u - 1)
    n_c = w @ counts  # pairable values per category
    n = n_c.sum(axis=1)
    expected = n**2 - (n_c**2).sum(axis=1)  # sum_{c != k} n_c n_k
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - (n - 1) * (w @ disagree_u) / expected


def fleiss_kappa_from_counts(counts) -> float:
    """Fleiss' kappa from an items x categories count matrix (rows with < 2 ratings ignored)."""
    counts = np.asarray(counts, dtype=float)
    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[0] == 0:
        return float("nan")
    return float(_fleiss_w(counts, np.ones((1, counts.shape[0])))[0])


def krippendorff_alpha_nominal_from_counts(counts) -> float:
    """Krippendorff's alpha (nominal) from an units x values count matrix (missing ratings simply absent)."""
    counts = np.asarray(counts, dtype=float)
    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[0] == 0:
        return float("nan")
    return float(_krippendorff_nominal_w(counts, np.ones((1, counts.shape[0])))[0])


def _with_ci(stat_w, counts: np.ndarray, n_boot: int, seed: int) -> dict:
    n_units = counts.shape[0]
    if n_units == 0:
        return {"estimate": None, "ci_lower": None, "ci_upper": None, "n_items": 0}
    point = stat_w(counts, np.ones((1, n_units)))[0]
    lo = hi = None
    if n_boot > 0:
        lo, hi = _ci(_bootstrap(lambda w: stat_w(counts, w), n_units, n_boot, seed))
    return {"estimate": _num(point), "ci_lower": lo, "ci_upper": hi, "n_items": int(n_units)}


# --------------------------------------------------------------------------- public API (long tables)
def percent_agreement(long_df, *, item_col=ITEM_COL, rater_col=RATER_COL, label_col=LABEL_COL,
                      n_boot=DEFAULT_N_BOOT, seed=DEFAULT_SEED) -> dict:
    """Share of agreeing rater pairs, pooled over items rated by >= 2 raters, with bootstrap CI."""
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    return _with_ci(_percent_agreement_w, _count_matrix(df, item_col, label_col), n_boot, seed)


def fleiss_kappa(long_df, *, item_col=ITEM_COL, rater_col=RATER_COL, label_col=LABEL_COL,
                 n_boot=DEFAULT_N_BOOT, seed=DEFAULT_SEED) -> dict:
    """Fleiss' kappa over items rated by >= 2 raters, with bootstrap CI."""
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    return _with_ci(_fleiss_w, _count_matrix(df, item_col, label_col), n_boot, seed)


def krippendorff_alpha(long_df, *, item_col=ITEM_COL, rater_col=RATER_COL, label_col=LABEL_COL,
                       n_boot=DEFAULT_N_BOOT, seed=DEFAULT_SEED) -> dict:
    """Krippendorff's alpha (nominal); raters need not rate every item. Bootstrap CI over items."""
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    return _with_ci(_krippendorff_nominal_w, _count_matrix(df, item_col, label_col), n_boot, seed)


def _cohen_w(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = (w @ (a == b).astype(float)) / total
        pa1 = (w @ a) / total
        pb1 = (w @ b) / total
        p_e = pa1 * pb1 + (1 - pa1) * (1 - pb1)
        return (p_o - p_e) / (1.0 - p_e)


def cohen_kappa_pairs(long_df, *, item_col=ITEM_COL, rater_col=RATER_COL, label_col=LABEL_COL,
                      n_boot=DEFAULT_N_BOOT, seed=DEFAULT_SEED) -> dict[str, dict]:
    """Cohen's kappa and percent agreement for each rater pair, keyed "raterA|raterB" (sorted)."""
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    wide = df.pivot(index=item_col, columns=rater_col, values=label_col)
    raters = sorted(wide.columns, key=str)
    out: dict[str, dict] = {}
    for i, (r1, r2) in enumerate(combinations(raters, 2)):
        both = wide[[r1, r2]].dropna()
        a = both[r1].to_numpy(dtype=float)
        b = both[r2].to_numpy(dtype=float)
        n = len(both)
        entry = {"n_items": int(n), "percent_agreement": None, "kappa": None, "ci_lower": None, "ci_upper": None}
        if n > 0:
            entry["percent_agreement"] = float((a == b).mean())
            entry["kappa"] = _num(_cohen_w(a, b, np.ones((1, n)))[0])
            if n_boot > 0:
                entry["ci_lower"], entry["ci_upper"] = _ci(_bootstrap(lambda w: _cohen_w(a, b, w), n, n_boot, seed + i))
        out[f"{r1}|{r2}"] = entry
    return out


# --------------------------------------------------------------------------- consensus
def consensus_labels(long_df, adjudicator=None, *, item_col=ITEM_COL, rater_col=RATER_COL,
                     label_col=LABEL_COL) -> pd.DataFrame:
    """One consensus label per item by majority vote of the primary raters.

    Returns columns ``[item_col, "label", "n_raters", "unanimous", "method"]``; ``method`` is
    "unanimous", "majority" or "adjudicated". The adjudicator's ratings (``rater ==
    adjudicator``) are not votes: they only resolve ties. A tie without an adjudicator rating is
    *unresolved*: the item is excluded; ``result.attrs`` holds ``n_unresolved`` and
    ``unresolved_item_ids`` (pseudonymous ids), ``n_items_total`` and ``method_counts``.
    """
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    if adjudicator is not None:
        adjud = df[df[rater_col] == adjudicator].set_index(item_col)[label_col]
        primary = df[df[rater_col] != adjudicator]
    else:
        adjud = pd.Series(dtype=int)
        primary = df
    g = primary.groupby(item_col)[label_col]
    summary = pd.DataFrame({"n_raters": g.size(), "n_positive": g.sum()})
    summary["n_negative"] = summary["n_raters"] - summary["n_positive"]
    summary["unanimous"] = (summary["n_positive"] == 0) | (summary["n_negative"] == 0)
    tie = summary["n_positive"] == summary["n_negative"]
    summary["label"] = (summary["n_positive"] > summary["n_negative"]).astype(int)
    summary["method"] = np.where(summary["unanimous"], CONSENSUS_UNANIMOUS, CONSENSUS_MAJORITY)
    resolved = tie & summary.index.isin(adjud.index)
    summary.loc[resolved, "label"] = adjud.reindex(summary.index[resolved]).astype(int).to_numpy()
    summary.loc[resolved, "method"] = CONSENSUS_ADJUDICATED
    unresolved = tie & ~resolved
    result = (
        summary.loc[~unresolved, ["label", "n_raters", "unanimous", "method"]]
        .reset_index()
        .rename(columns={"index": item_col})
    )
    result["label"] = result["label"].astype(int)
    result["n_raters"] = result["n_raters"].astype(int)
    result["unanimous"] = result["unanimous"].astype(bool)
    result.attrs["n_items_total"] = int(len(summary))
    result.attrs["n_unresolved"] = int(unresolved.sum())
    result.attrs["unresolved_item_ids"] = sorted(summary.index[unresolved].tolist(), key=str)
    result.attrs["method_counts"] = {m: int((result["method"] == m).sum())
                                     for m in (CONSENSUS_UNANIMOUS, CONSENSUS_MAJORITY, CONSENSUS_ADJUDICATED)}
    return result


# --------------------------------------------------------------------------- report
def agreement_report(long_df, adjudicator=None, *, item_col=ITEM_COL, rater_col=RATER_COL, label_col=LABEL_COL,
                     n_boot=DEFAULT_N_BOOT, seed=DEFAULT_SEED) -> dict:
    """All agreement numbers for the label quality report (numbers and rater ids only).

    Agreement is computed on the primary raters (the adjudicator, if named, is excluded because
    they only rate disputed items); the consensus block counts how each item was resolved.
    """
    df = _clean_long_table(long_df, item_col, rater_col, label_col)
    primary = df if adjudicator is None else df[df[rater_col] != adjudicator]
    kw = dict(item_col=item_col, rater_col=rater_col, label_col=label_col, n_boot=n_boot, seed=seed)
    per_item = primary.groupby(item_col).size()
    consensus = consensus_labels(df, adjudicator, item_col=item_col, rater_col=rater_col, label_col=label_col)
    return {
        "n_items": int(df[item_col].nunique()),
        "n_ratings": int(len(primary)),
        "n_raters": int(primary[rater_col].nunique()),
        "raters_per_item_min": int(per_item.min()) if len(per_item) else 0,
        "raters_per_item_max": int(per_item.max()) if len(per_item) else 0,
        "n_items_single_rating": int((per_item < 2).sum()),
        "positive_rate": float(primary[label_col].mean()) if len(primary) else None,
        "percent_agreement": percent_agreement(primary, **kw),
        "cohen_kappa_pairs": cohen_kappa_pairs(primary, **kw),
        "fleiss_kappa": fleiss_kappa(primary, **kw),
        "krippendorff_alpha": krippendorff_alpha(primary, **kw),
        "bootstrap": {"n_boot": int(n_boot), "seed": int(seed), "unit": "item", "interval": "percentile 95%"},
        "consensus": {
            "adjudicator_used": adjudicator is not None,
            "n_items": consensus.attrs["n_items_total"],
            "n_consensus_labels": int(len(consensus)),
            "n_unanimous": consensus.attrs["method_counts"][CONSENSUS_UNANIMOUS],
            "n_majority": consensus.attrs["method_counts"][CONSENSUS_MAJORITY],
            "n_adjudicated": consensus.attrs["method_counts"][CONSENSUS_ADJUDICATED],
            "n_unresolved_excluded": consensus.attrs["n_unresolved"],
            "consensus_positive_rate": float(consensus["label"].mean()) if len(consensus) else None,
        },
    }
