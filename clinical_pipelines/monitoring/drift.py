"""Input data drift between a reference set (training data) and current data (GMLP 10; PCCP MP-d;
AI Act Annex IV 9 post-market monitoring).

Uses Evidently 0.7's ``DataDriftPreset`` over the model features: one statistical test per feature
(Evidently picks it by column type and size, e.g. Kolmogorov-Smirnov p-value for small numeric
columns, normed Wasserstein distance for large ones, chi-squared / Z-test for binary ones).
The summary is numbers only; the Evidently HTML/JSON go into the evidence bundle. Evidently's
HTML shows aggregated distributions of de-identified features, never rows.

The retraining trigger (share of drifted features) lives in ``policies/validation_gates.yaml``
(``monitoring.max_drifted_feature_share``), read through the gate policy.

The windows come from the study's design (:func:`drift_windows`): reference = the training patients,
current = the most recent patients (the temporal test set). A study without a temporal design (no dates
in the extract) has no "most recent" window: drift monitoring is *not applicable* with the reason its
spec gives (:func:`drift_not_applicable`), reported as such, never as a silent pass.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

import pandas as pd

from clinical_pipelines.training.design import EvaluationDesign, FeatureSet, feature_set

TEMPORAL_PART = "evaluation.temporal"


def __getattr__(name: str):
    """``BINARY_FEATURES`` / ``NUMERIC_FEATURES`` of the built-in study (binary indicators are compared as
    categories, the rest as numbers)."""
    if name == "BINARY_FEATURES":
        return feature_set().binary_features
    if name == "NUMERIC_FEATURES":
        return feature_set().numeric_features
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MISSING_SUFFIX = "__missing"  # missingness indicator compared alongside each feature that has gaps


class DriftInputError(ValueError):
    """Reference or current data lack a model feature column (a schema error, not a data condition)."""


@dataclass(frozen=True)
class DriftResult:
    summary: dict  # numbers and column names only
    html: bytes    # Evidently's self-contained HTML report (a short page when Evidently could not run)
    json: bytes    # Evidently's JSON snapshot (``{}`` when it could not run)


def _check(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DriftInputError(f"{name} data is missing model feature column(s) {missing}")


def _is_pvalue(method: str) -> bool:
    return "p_value" in method.lower()


def _numeric(frame: pd.DataFrame, cols: list[str], numeric: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Features as floats (binary ones as they are); counts of non-numeric cells per column."""
    data = frame[cols].copy().reset_index(drop=True)
    bad: dict[str, int] = {}
    for c in numeric:
        values = pd.to_numeric(data[c], errors="coerce")
        n_bad = int((values.isna() & data[c].notna() & (data[c].astype("string").str.strip() != "")).sum())
        if n_bad:
            bad[c] = n_bad
        data[c] = values.astype(float)
    return data, bad


def _profile(ref: pd.DataFrame, cur: pd.DataFrame, cols: list[str], bad: dict[str, dict[str, int]]) -> tuple[dict, dict]:
    """Per-column missingness and constancy, and why a column's values cannot be compared."""
    profile, reasons = {}, {}
    for c in cols:
        n_ref, n_cur = int(ref[c].notna().sum()), int(cur[c].notna().sum())
        profile[c] = {
            "missing_share_reference": 1 - n_ref / len(ref) if len(ref) else None,
            "missing_share_current": 1 - n_cur / len(cur) if len(cur) else None,
            "constant_in_reference": n_ref > 0 and ref[c].nunique(dropna=True) == 1,
            "constant_in_current": n_cur > 0 and cur[c].nunique(dropna=True) == 1,
        }
        for name, counts in bad.items():
            if c in counts:
                reasons[c] = f"{counts[c]} non-numeric value(s) in the {name} data"
        if c in reasons:
            continue
        if len(ref) == 0 or len(cur) == 0:
            reasons[c] = f"the {'reference' if len(ref) == 0 else 'current'} window has no rows"
        elif n_ref == 0 or n_cur == 0:
            reasons[c] = f"all values missing in the {'reference' if n_ref == 0 else 'current'} data"
    return profile, reasons


def _per_column(raw: dict) -> dict[str, dict]:
    """Evidently's ValueDrift metrics as {column: {drift_detected, score, method, threshold}}."""
    failed = {(t.get("metric_config") or {}).get("metric_id") for t in raw.get("tests", []) if t.get("status") == "FAIL"}
    out: dict[str, dict] = {}
    for m in raw.get("metrics", []):
        cfg = m.get("config", {})
        if not str(cfg.get("type", "")).endswith("ValueDrift"):
            continue
        col, method, threshold, score = cfg.get("column"), str(cfg.get("method")), cfg.get("threshold"), m.get("value")
        score = float(score) if isinstance(score, (int, float)) and math.isfinite(score) else None
        if m.get("id") in failed:
            drifted = True
        elif score is None or threshold is None:
            drifted = False
        else:
            drifted = score < threshold if _is_pvalue(method) else score >= threshold
        out[col] = {"drift_detected": bool(drifted), "score": score, "method": method,
                    "threshold": float(threshold) if threshold is not None else None}
    return out


def _run_evidently(ref: pd.DataFrame, cur: pd.DataFrame, numeric: list[str], categorical: list[str],
                   drift_share: float | None):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    cols = numeric + categorical
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    preset = DataDriftPreset(columns=cols) if drift_share is None else DataDriftPreset(columns=cols, drift_share=drift_share)
    return Report([preset], include_tests=True).run(
        current_data=Dataset.from_pandas(cur[cols], data_definition=definition),
        reference_data=Dataset.from_pandas(ref[cols], data_definition=definition),
    )


def _plain_html(reasons: dict[str, str]) -> bytes:
    items = "".join(f"<li>{html.escape(c)}: {html.escape(r)}</li>" for c, r in sorted(reasons.items()))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Feature drift</title></head><body>"
            f"<h1>Feature drift not computed</h1><ul>{items}</ul></body></html>").encode("utf-8")


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, *, columns=None,
                 drift_share: float | None = None, features: FeatureSet | None = None) -> DriftResult:
    """Evidently data-drift report over the model features of the study (``features``, default: the built-in
    study's :func:`~clinical_pipelines.training.design.feature_set`; ``columns`` selects some of them).
    Binary features and category indicators are compared as categories, the others as numbers.

    Reports instead of raising on data conditions: a feature whose values are all missing in either
    window, or that holds non-numeric values, is listed in ``columns_not_evaluated`` (with the reason
    in ``not_evaluated_reasons``), and an empty window leaves every feature not evaluated. For each
    feature with gaps in either window, the share of missing values is compared too (a missingness
    indicator tested by Evidently like any binary column): a feature going from 0% to 95% missing is
    drift (``missingness_drift``). Constant features are listed in ``constant_columns``.
    ``drift_detected`` of a column = value drift or missingness drift; ``share_drifted_columns`` is
    over all features. Raises :class:`DriftInputError` only when a feature column is absent.
    ``drift_share`` only sets the threshold shown in Evidently's own dataset-level test; the
    retraining decision is ``retraining_recommended(summary, policy)``.
    """
    features = features or feature_set()
    cols = list(columns) if columns is not None else list(features.names)
    _check(reference, cols, "reference")
    _check(current, cols, "current")
    numeric = [c for c in cols if c not in features.binary_features]
    ref, bad_ref = _numeric(reference, cols, numeric)
    cur, bad_cur = _numeric(current, cols, numeric)
    profile, reasons = _profile(ref, cur, cols, {"reference": bad_ref, "current": bad_cur})
    value_cols = [c for c in cols if c not in reasons]
    gaps = [c for c in cols if len(ref) and len(cur) and c not in bad_ref and c not in bad_cur
            and (profile[c]["missing_share_reference"] > 0 or profile[c]["missing_share_current"] > 0)]
    for c in gaps:
        ref[c + MISSING_SUFFIX] = ref[c].isna().map({True: "missing", False: "present"})
        cur[c + MISSING_SUFFIX] = cur[c].isna().map({True: "missing", False: "present"})
    html_bytes, json_bytes, results = _plain_html(reasons), b"{}", {}
    if value_cols or gaps:
        try:
            snapshot = _run_evidently(ref, cur, [c for c in value_cols if c in numeric],
                                      [c for c in value_cols if c not in numeric] + [c + MISSING_SUFFIX for c in gaps],
                                      drift_share)
            raw = snapshot.dict()
            results = _per_column(raw)
            html_bytes = snapshot.get_html_str(as_iframe=False).encode("utf-8")
            json_bytes = json.dumps(raw, default=str, sort_keys=True).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - report, never crash the monitoring run
            reasons.update({c: f"Evidently could not compute drift ({type(exc).__name__})" for c in value_cols})
            html_bytes = _plain_html(reasons)
    per_column: dict[str, dict] = {}
    for c in cols:
        value, miss = results.get(c), results.get(c + MISSING_SUFFIX)
        if value is None and miss is None:
            continue
        entry = dict(value or {"drift_detected": False, "score": None, "method": None, "threshold": None})
        entry.update(profile[c], value_drift=bool(value and value["drift_detected"]),
                     missingness_drift=bool(miss and miss["drift_detected"]),
                     missingness_score=miss["score"] if miss else None,
                     missingness_method=miss["method"] if miss else None)
        entry["drift_detected"] = entry["value_drift"] or entry["missingness_drift"]
        per_column[c] = entry
    not_evaluated = [c for c in cols if c in reasons or c not in results]
    n_drifted = sum(v["drift_detected"] for v in per_column.values())
    summary = {
        "n_columns": len(cols),
        "n_columns_evaluated": len(cols) - len(not_evaluated),
        "columns_not_evaluated": not_evaluated,
        "not_evaluated_reasons": {c: reasons.get(c, "no drift result") for c in not_evaluated},
        "n_drifted_columns": int(n_drifted),
        "share_drifted_columns": n_drifted / len(cols) if cols else 0.0,
        "missingness_drift_columns": [c for c in cols if per_column.get(c, {}).get("missingness_drift")],
        "constant_columns": {"reference": [c for c in cols if profile[c]["constant_in_reference"]],
                             "current": [c for c in cols if profile[c]["constant_in_current"]]},
        "n_reference_rows": int(len(reference)),
        "n_current_rows": int(len(current)),
        "columns": {c: per_column[c] for c in cols if c in per_column},
    }
    return DriftResult(summary=summary, html=html_bytes, json=json_bytes)


@dataclass(frozen=True)
class DriftWindows:
    """Reference (training) and current (most recent) rows of a training dataset; ``not_applicable``: the
    study's reason when it has no recent window (then ``current`` is ``None``)."""

    reference: pd.DataFrame
    current: pd.DataFrame | None
    current_split: str | None
    not_applicable: str | None = None


def drift_windows(df: pd.DataFrame, design: EvaluationDesign, *, split_col: str = "split") -> DriftWindows:
    """The drift windows of a split training dataset: train vs. the temporal test set, or not applicable with
    the spec's reason when the study has no temporal design."""
    from clinical_pipelines.training.split import TEMPORAL_TEST, TRAIN

    if split_col not in df.columns:
        raise DriftInputError(f"the training dataset has no {split_col!r} column: split it first")
    reference = df[df[split_col] == TRAIN]
    if design.holdout is None and design.cutoff is None:
        reason = design.not_applicable.get(TEMPORAL_PART, "the study has no temporal design")
        return DriftWindows(reference, None, None, reason)
    return DriftWindows(reference, df[df[split_col] == TEMPORAL_TEST], TEMPORAL_TEST)


def drift_not_applicable(reason: str, features: FeatureSet | None = None, n_reference_rows: int = 0) -> DriftResult:
    """The drift result of a study that declares its temporal design not applicable: no comparison, the reason."""
    features = features or feature_set()
    text = f"not applicable: {reason}"
    summary = {"not_applicable": reason, "n_columns": len(features.names), "n_columns_evaluated": 0,
               "columns_not_evaluated": [], "not_evaluated_reasons": {}, "n_drifted_columns": 0,
               "share_drifted_columns": None, "missingness_drift_columns": [],
               "constant_columns": {"reference": [], "current": []}, "n_reference_rows": int(n_reference_rows),
               "n_current_rows": 0, "columns": {}}
    return DriftResult(summary=summary, html=_plain_html({"(all features)": text}),
                       json=json.dumps({"not_applicable": reason}).encode("utf-8"))


def study_drift(df: pd.DataFrame, design: EvaluationDesign, features: FeatureSet) -> DriftResult:
    """Drift of a split training dataset as the study designs it: :func:`drift_report` of the model inputs of
    train vs. the temporal test set, or :func:`drift_not_applicable` with the spec's reason."""
    from clinical_pipelines.training.model import prepare_features

    windows = drift_windows(df, design)
    if windows.not_applicable:
        return drift_not_applicable(windows.not_applicable, features, len(windows.reference))
    return drift_report(prepare_features(windows.reference, features), prepare_features(windows.current, features),
                        features=features)


def retraining_recommended(summary: dict, policy) -> dict:
    """Compare the drifted-feature share with ``policy.max_drifted_feature_share``.

    Returns ``{"recommended": bool, "share_drifted_columns", "threshold", "drifted_columns", "reason"}`` (plus
    ``not_applicable: True`` for a study without a recent window, :func:`drift_not_applicable`).
    Fails closed: a summary without the share, or with model features that could not be
    evaluated, recommends retraining review.
    """
    threshold = float(policy.max_drifted_feature_share)
    if isinstance(summary, dict) and summary.get("not_applicable"):
        return {"recommended": False, "not_applicable": True, "share_drifted_columns": None, "threshold": threshold,
                "drifted_columns": [], "reason": f"not applicable: {summary['not_applicable']}"}
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
                "reason": f"{len(not_evaluated)} model feature(s) could not be evaluated for drift (fail closed): "
                          + ", ".join(not_evaluated[:10]) + (", ..." if len(not_evaluated) > 10 else "")}
    recommended = share > threshold
    reason = (f"share of drifted features {share:.3f} {'exceeds' if recommended else 'is within'} "
              f"the policy limit {threshold:.3f}")
    return {"recommended": bool(recommended), "share_drifted_columns": float(share), "threshold": threshold,
            "drifted_columns": drifted, "reason": reason}
