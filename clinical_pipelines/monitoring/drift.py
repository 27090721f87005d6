"""Input data drift between a reference set (training data) and current data (GMLP 10; PCCP MP-d;
AI Act Annex IV 9 post-market monitoring).

Uses Evidently 0.7's ``DataDriftPreset`` over the model features: one statistical test per feature
(Evidently picks it by column type and size, e.g. Kolmogorov-Smirnov p-value for small numeric
columns, normed Wasserstein distance for large ones, chi-squared / Z-test for binary ones).
The summary is numbers only; the Evidently HTML/JSON go into the evidence bundle. Evidently's
HTML shows aggregated distributions of de-identified features, never rows.

The retraining trigger (share of drifted features) lives in ``policies/validation_gates.yaml``
(``monitoring.max_drifted_feature_share``), read through the gate policy.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from clinical_pipelines.training.model import AGE_FEATURE, CLINICAL_FEATURES, FEATURES, SEX_FEATURES

# Binary indicators are compared as categories, the rest as numbers.
BINARY_FEATURES: tuple[str, ...] = ("atrial_fibrillation", "diabetes", "hypertension", "prior_mi",
                                    "current_smoker") + SEX_FEATURES
NUMERIC_FEATURES: tuple[str, ...] = tuple(c for c in CLINICAL_FEATURES if c not in BINARY_FEATURES) + (AGE_FEATURE,)


class DriftInputError(ValueError):
    """Reference or current data cannot be compared (missing columns, empty frame)."""


@dataclass(frozen=True)
class DriftResult:
    summary: dict  # numbers and column names only
    html: bytes    # Evidently's self-contained HTML report
    json: bytes    # Evidently's JSON snapshot


def _check(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DriftInputError(f"{name} data is missing model feature column(s) {missing}")
    if frame.empty:
        raise DriftInputError(f"{name} data has no rows")


def _is_pvalue(method: str) -> bool:
    return "p_value" in method.lower()


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, *, columns=None,
                 drift_share: float | None = None) -> DriftResult:
    """Evidently data-drift report over the model features (default ``training.model.FEATURES``).

    ``drift_share`` only sets the threshold shown in Evidently's own dataset-level test; the
    retraining decision is ``retraining_recommended(summary, policy)``.
    """
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    cols = list(columns) if columns is not None else list(FEATURES)
    _check(reference, cols, "reference")
    _check(current, cols, "current")
    numeric = [c for c in cols if c not in BINARY_FEATURES]
    categorical = [c for c in cols if c in BINARY_FEATURES]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)

    def dataset(frame: pd.DataFrame):
        data = frame[cols].copy()
        for c in numeric:
            data[c] = pd.to_numeric(data[c], errors="coerce").astype(float)
        return Dataset.from_pandas(data.reset_index(drop=True), data_definition=definition)

    preset = DataDriftPreset(columns=cols) if drift_share is None else DataDriftPreset(columns=cols, drift_share=drift_share)
    snapshot = Report([preset], include_tests=True).run(current_data=dataset(current), reference_data=dataset(reference))
    raw = snapshot.dict()
    failed_metric_ids = {
        (t.get("metric_config") or {}).get("metric_id")
        for t in raw.get("tests", []) if t.get("status") == "FAIL"
    }
    per_column: dict[str, dict] = {}
    for m in raw.get("metrics", []):
        cfg = m.get("config", {})
        if not str(cfg.get("type", "")).endswith("ValueDrift"):
            continue
        col, method, threshold, score = cfg.get("column"), str(cfg.get("method")), cfg.get("threshold"), m.get("value")
        score = float(score) if isinstance(score, (int, float)) and math.isfinite(score) else None
        if m.get("id") in failed_metric_ids:
            drifted = True
        elif score is None or threshold is None:
            drifted = False
        else:
            drifted = score < threshold if _is_pvalue(method) else score >= threshold
        per_column[col] = {"drift_detected": bool(drifted), "score": score, "method": method,
                           "threshold": float(threshold) if threshold is not None else None}
    not_evaluated = [c for c in cols if c not in per_column]
    n_drifted = sum(v["drift_detected"] for v in per_column.values())
    summary = {
        "n_columns": len(cols),
        "n_columns_evaluated": len(per_column),
        "columns_not_evaluated": not_evaluated,
        "n_drifted_columns": int(n_drifted),
        "share_drifted_columns": n_drifted / len(cols) if cols else 0.0,
        "n_reference_rows": int(len(reference)),
        "n_current_rows": int(len(current)),
        "columns": {c: per_column[c] for c in cols if c in per_column},
    }
    return DriftResult(summary=summary, html=snapshot.get_html_str(as_iframe=False).encode("utf-8"),
                       json=json.dumps(raw, default=str, sort_keys=True).encode("utf-8"))


def retraining_recommended(summary: dict, policy) -> dict:
    """Compare the drifted-feature share with ``policy.max_drifted_feature_share``.

    Returns ``{"recommended": bool, "share_drifted_columns", "threshold", "drifted_columns", "reason"}``.
    Fails closed: a summary without the share, or with model features that could not be
    evaluated, recommends retraining review.
    """
    threshold = float(policy.max_drifted_feature_share)
    share = summary.get("share_drifted_columns") if isinstance(summary, dict) else None
    drifted = sorted(c for c, v in (summary.get("columns") or {}).items() if v.get("drift_detected")) \
        if isinstance(summary, dict) else []
    not_evaluated = list(summary.get("columns_not_evaluated") or []) if isinstance(summary, dict) else []
    if not isinstance(share, (int, float)) or not math.isfinite(share):
        return {"recommended": True, "share_drifted_columns": None, "threshold": threshold,
                "drifted_columns": drifted, "reason": "drift summary has no drifted-column share (fail closed)"}
    if not_evaluated:
        return {"recommended": True, "share_drifted_columns": float(share), "threshold": threshold,
                "drifted_columns": drifted,
                "reason": f"{len(not_evaluated)} model feature(s) could not be evaluated for drift (fail closed)"}
    recommended = share > threshold
    reason = (f"share of drifted features {share:.3f} {'exceeds' if recommended else 'is within'} "
              f"the policy limit {threshold:.3f}")
    return {"recommended": bool(recommended), "share_drifted_columns": float(share), "threshold": threshold,
            "drifted_columns": drifted, "reason": reason}
