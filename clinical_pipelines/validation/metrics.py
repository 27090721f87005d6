"""Model performance metrics (TRIPOD+AI 12, 14, 23; GMLP 3, 8; AI Act Annex IV 2-4).

Every function returns plain dicts of floats / ints (``None`` where a value is undefined, e.g. an
AUROC when a group has only one outcome class). Subgroups smaller than the minimum size are
reported as ``{"status": "insufficient n", ...}`` and never raise.

- discrimination: AUROC with a 95% CI (DeLong, or a seeded percentile bootstrap);
- calibration: Brier score, calibration intercept ("calibration-in-the-large": logistic
  recalibration with the model's log-odds as offset) and calibration slope (logistic regression of
  the outcome on the model's log-odds), expected calibration error (equal-width bins);
- classification at the decision threshold (predicted positive when risk >= threshold):
  sensitivity, specificity, PPV, NPV and the confusion counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient n"
DEFAULT_ECE_BINS = 10
DEFAULT_AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("<50", -np.inf, 50), ("50-64", 50, 65), ("65-79", 65, 80), ("80+", 80, np.inf),
)
_EPS = 1e-6


class MetricsInputError(ValueError):
    """Labels / scores cannot be evaluated (length mismatch, non-binary labels, scores outside [0, 1])."""


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _arrays(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(y_score, dtype=float).ravel()
    if y.shape != p.shape:
        raise MetricsInputError(f"labels ({y.size}) and scores ({p.size}) differ in length")
    if np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise MetricsInputError("labels must be 0/1 with no missing values")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise MetricsInputError(f"{int((np.isnan(p) | (p < 0) | (p > 1)).sum())} score(s) are missing or outside [0, 1]")
    return y, p


# --------------------------------------------------------------------------- discrimination
def _delong(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    pos, neg = p[y == 1], p[y == 0]
    m, n = pos.size, neg.size
    tz = rankdata(np.concatenate([pos, neg]))
    tx, ty = rankdata(pos), rankdata(neg)
    auc = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
    v01 = (tz[:m] - tx) / n
    v10 = 1.0 - (tz[m:] - ty) / m
    var = (np.var(v01, ddof=1) / m if m > 1 else 0.0) + (np.var(v10, ddof=1) / n if n > 1 else 0.0)
    return float(auc), float(var)


def auroc_with_ci(y_true, y_score, *, method: str = "delong", n_boot: int = 1000, seed: int = 0,
                  level: float = 0.95) -> dict:
    """AUROC with a two-sided CI. ``method``: "delong" (default) or "bootstrap" (seeded, percentile)."""
    y, p = _arrays(y_true, y_score)
    out = {"auroc": None, "auroc_ci_lower": None, "auroc_ci_upper": None,
           "n": int(y.size), "n_positive": int(y.sum())}
    if y.sum() == 0 or y.sum() == y.size:
        return out
    auc, var = _delong(y, p)
    out["auroc"] = auc
    if method == "delong":
        half = norm.ppf(0.5 + level / 2) * np.sqrt(var)
        out["auroc_ci_lower"], out["auroc_ci_upper"] = float(max(0.0, auc - half)), float(min(1.0, auc + half))
    elif method == "bootstrap":
        rng = np.random.default_rng(seed)
        stats = []
        for _ in range(n_boot):
            idx = rng.integers(0, y.size, y.size)
            yb = y[idx]
            if 0 < yb.sum() < yb.size:
                stats.append(_delong(yb, p[idx])[0])
        if stats:
            lo, hi = np.percentile(stats, [50 * (1 - level), 100 - 50 * (1 - level)])
            out["auroc_ci_lower"], out["auroc_ci_upper"] = float(lo), float(hi)
    else:
        raise ValueError("method must be 'delong' or 'bootstrap'")
    return out


# --------------------------------------------------------------------------- calibration
def brier_score(y_true, y_score) -> float:
    y, p = _arrays(y_true, y_score)
    return float(np.mean((p - y) ** 2))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _fit_logistic(X: np.ndarray, y: np.ndarray, offset: np.ndarray, max_iter: int = 100) -> np.ndarray | None:
    """Unpenalised logistic regression by Newton-Raphson; None if it does not converge (e.g. separation)."""
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        eta = np.clip(X @ beta + offset, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        w = mu * (1 - mu)
        hess = X.T @ (X * w[:, None])
        try:
            step = np.linalg.solve(hess, X.T @ (y - mu))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            return beta if np.all(np.isfinite(beta)) and np.max(np.abs(beta)) < 1e3 else None
    return None


def calibration_intercept_slope(y_true, y_score) -> dict:
    """Logistic recalibration: intercept with slope fixed at 1 (ideal 0) and slope (ideal 1)."""
    y, p = _arrays(y_true, y_score)
    out = {"calibration_intercept": None, "calibration_slope": None}
    if y.sum() == 0 or y.sum() == y.size:
        return out
    lp = _logit(p)
    ones = np.ones((y.size, 1))
    citl = _fit_logistic(ones, y, offset=lp)
    slope = _fit_logistic(np.column_stack([ones, lp]), y, offset=np.zeros_like(lp))
    out["calibration_intercept"] = None if citl is None else float(citl[0])
    out["calibration_slope"] = None if slope is None else float(slope[1])
    return out


def expected_calibration_error(y_true, y_score, *, n_bins: int = DEFAULT_ECE_BINS) -> float:
    """Sum over equal-width risk bins of (bin share) x |observed rate - mean predicted risk|."""
    y, p = _arrays(y_true, y_score)
    if y.size == 0:
        return float("nan")
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in np.unique(bins):
        sel = bins == b
        ece += sel.mean() * abs(y[sel].mean() - p[sel].mean())
    return float(ece)


# --------------------------------------------------------------------------- threshold metrics
def threshold_metrics(y_true, y_score, threshold: float) -> dict:
    """Confusion counts and sensitivity / specificity / PPV / NPV at ``risk >= threshold``."""
    y, p = _arrays(y_true, y_score)
    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    tn = int(np.sum(~pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))

    def ratio(a, b):
        return a / b if b else None

    return {"threshold": float(threshold), "tp": tp, "fp": fp, "tn": tn, "fn": fn,
            "sensitivity": ratio(tp, tp + fn), "specificity": ratio(tn, tn + fp),
            "ppv": ratio(tp, tp + fp), "npv": ratio(tn, tn + fn)}


def performance_metrics(y_true, y_score, *, threshold: float, auroc_method: str = "delong",
                        n_boot: int = 1000, seed: int = 0, ece_bins: int = DEFAULT_ECE_BINS) -> dict:
    """All headline metrics for one evaluation set, as one flat dict."""
    y, p = _arrays(y_true, y_score)
    out = {"n": int(y.size), "n_positive": int(y.sum()),
           "prevalence": float(y.mean()) if y.size else None}
    if y.size == 0:
        return out
    out.update(auroc_with_ci(y, p, method=auroc_method, n_boot=n_boot, seed=seed))
    out["brier"] = brier_score(y, p)
    out.update(calibration_intercept_slope(y, p))
    out["ece"] = _num(expected_calibration_error(y, p, n_bins=ece_bins))
    out["mean_predicted_risk"] = float(p.mean())
    out.update(threshold_metrics(y, p, threshold))
    return out


# --------------------------------------------------------------------------- subgroups
def age_band(age, bands=DEFAULT_AGE_BANDS) -> pd.Series:
    """Age band labels from numeric ages or de-identified text ages ("90+" counts as 90)."""
    s = pd.Series(age)
    values = pd.to_numeric(s.astype("string").str.replace("+", "", regex=False).str.strip(), errors="coerce")
    out = pd.Series("missing", index=s.index, dtype=object)
    for label, lo, hi in bands:
        out[(values >= lo) & (values < hi)] = label
    return out


def subgroup_metrics(y_true, y_score, groups, *, threshold: float, min_n: int, min_events: int = 1) -> dict:
    """Metrics per subgroup value; small groups are ``insufficient n`` (not an error).

    A group is evaluated when it has at least ``min_n`` cases and at least ``min_events`` cases
    of each outcome class. ``auroc_gap`` = largest minus smallest AUROC among evaluated groups
    (``None`` if fewer than two groups could be evaluated).
    """
    y, p = _arrays(y_true, y_score)
    g = pd.Series(groups).reset_index(drop=True)
    if len(g) != y.size:
        raise MetricsInputError(f"subgroup column ({len(g)}) and labels ({y.size}) differ in length")
    g = g.astype(object).where(g.notna(), "missing").astype(str)
    result: dict[str, dict] = {}
    for value in sorted(g.unique()):
        sel = (g == value).to_numpy()
        n, n_pos = int(sel.sum()), int(y[sel].sum())
        if n < min_n or n_pos < min_events or (n - n_pos) < min_events:
            result[value] = {"status": STATUS_INSUFFICIENT, "n": n, "n_positive": n_pos}
            continue
        m = auroc_with_ci(y[sel], p[sel])
        m.update({"status": STATUS_OK, "prevalence": n_pos / n, "brier": brier_score(y[sel], p[sel])})
        tm = threshold_metrics(y[sel], p[sel], threshold)
        m.update({k: tm[k] for k in ("sensitivity", "specificity", "ppv", "npv")})
        result[value] = m
    aurocs = [v["auroc"] for v in result.values() if v["status"] == STATUS_OK and v["auroc"] is not None]
    return {
        "groups": result,
        "n_groups_evaluated": len(aurocs),
        "n_groups_insufficient": sum(v["status"] == STATUS_INSUFFICIENT for v in result.values()),
        "auroc_min": float(min(aurocs)) if aurocs else None,
        "auroc_gap": float(max(aurocs) - min(aurocs)) if len(aurocs) >= 2 else None,
    }


def evaluate_predictions(df: pd.DataFrame, *, threshold: float, label_col: str = "label", score_col: str = "risk",
                         split_col: str = "split", splits=("internal_test", "temporal_test", "external_test"),
                         subgroup_cols: dict[str, str] | None = None, age_col: str | None = "age",
                         min_subgroup_n: int = 30, min_subgroup_events: int = 5,
                         auroc_method: str = "delong", n_boot: int = 1000, seed: int = 0) -> dict:
    """The metrics dict consumed by ``validation.gates.evaluate_gates``.

    ``subgroup_cols`` maps a subgroup name to a column (default: the built-in study's subgroups,
    :meth:`clinical_pipelines.training.design.EvaluationDesign.subgroup_columns`);
    ``age_col`` adds an ``age_band`` subgroup. Subgroups are computed per split (``subgroups``) and
    on all evaluation splits pooled (``subgroups_pooled``, never including train). Splits absent
    from ``df`` are simply absent from the result (so a gate that needs them fails).
    """
    if subgroup_cols is None:
        from clinical_pipelines.training.design import evaluation_design

        subgroup_cols = evaluation_design().subgroup_columns()
    subgroup_cols = dict(subgroup_cols)
    needed = [label_col, score_col, split_col] + list(subgroup_cols.values()) + ([age_col] if age_col else [])
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise MetricsInputError(f"evaluation table is missing column(s) {missing}")
    out: dict = {"threshold": float(threshold), "min_subgroup_n": int(min_subgroup_n),
                 "min_subgroup_events": int(min_subgroup_events), "splits": {}, "subgroups": {}}

    def subgroups_of(part: pd.DataFrame) -> dict:
        y, p = part[label_col].to_numpy(), part[score_col].to_numpy()
        columns = {name: part[col] for name, col in subgroup_cols.items()}
        if age_col:
            columns["age_band"] = age_band(part[age_col])
        return {
            name: subgroup_metrics(y, p, values.to_numpy(), threshold=threshold, min_n=min_subgroup_n,
                                   min_events=min_subgroup_events)
            for name, values in columns.items()
        }

    for split in splits:
        part = df[df[split_col] == split]
        if part.empty:
            continue
        out["splits"][split] = performance_metrics(part[label_col].to_numpy(), part[score_col].to_numpy(),
                                                   threshold=threshold, auroc_method=auroc_method,
                                                   n_boot=n_boot, seed=seed)
        out["subgroups"][split] = subgroups_of(part)
    pooled = df[df[split_col].isin(list(splits))]
    out["subgroups_pooled"] = subgroups_of(pooled) if not pooled.empty else {}
    return out
