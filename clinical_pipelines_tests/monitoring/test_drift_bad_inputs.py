"""Monitoring bad inputs (docs/BAD_INPUTS.md): the drift report reports, it never crashes, and fails closed."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from clinical_pipelines.monitoring.drift import drift_report, retraining_recommended
from clinical_pipelines.validation.gates import load_gate_policy

COLS = ["troponin_ng_l", "heart_rate", "diabetes"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _frame(n=200, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"troponin_ng_l": rng.lognormal(2.5, 0.8, n), "heart_rate": rng.normal(80, 12, n),
                         "diabetes": (rng.random(n) < 0.3).astype(float)})


def _decide(summary):
    return retraining_recommended(summary, load_gate_policy())


def test_all_missing_feature_is_not_evaluated_and_fails_closed():
    current = _frame(seed=1)
    current["troponin_ng_l"] = np.nan
    s = drift_report(_frame(), current, columns=COLS).summary
    assert s["columns_not_evaluated"] == ["troponin_ng_l"]
    assert s["not_evaluated_reasons"]["troponin_ng_l"] == "all values missing in the current data"
    assert s["columns"]["troponin_ng_l"]["missingness_drift"] is True
    decision = _decide(s)
    assert decision["recommended"] is True and "troponin_ng_l" in decision["reason"]


def test_newly_missing_feature_is_missingness_drift():
    current = _frame(seed=1)
    current.loc[current.index[: int(0.95 * len(current))], "troponin_ng_l"] = np.nan
    s = drift_report(_frame(), current, columns=COLS).summary
    col = s["columns"]["troponin_ng_l"]
    assert col["missing_share_reference"] == 0.0 and col["missing_share_current"] == pytest.approx(0.95)
    assert col["missingness_drift"] is True and col["drift_detected"] is True
    assert s["missingness_drift_columns"] == ["troponin_ng_l"] and s["columns_not_evaluated"] == []
    assert s["columns"]["heart_rate"]["drift_detected"] is False
    assert _decide(s)["recommended"] is True  # 1 of 3 features drifted > the policy's share


def test_stable_missingness_is_not_drift():
    ref, cur = _frame(), _frame(seed=1)
    ref.loc[ref.index[::10], "troponin_ng_l"] = np.nan
    cur.loc[cur.index[::10], "troponin_ng_l"] = np.nan
    s = drift_report(ref, cur, columns=COLS).summary
    assert s["columns"]["troponin_ng_l"]["missingness_drift"] is False and s["n_drifted_columns"] == 0


def test_constant_columns_are_reported_not_crashed():
    ref, cur = _frame(), _frame(seed=1)
    ref["heart_rate"] = 80.0
    cur["heart_rate"] = 80.0
    cur["diabetes"] = 0.0
    ref["diabetes"] = 0.0
    s = drift_report(ref, cur, columns=COLS).summary
    assert s["constant_columns"] == {"reference": ["heart_rate", "diabetes"], "current": ["heart_rate", "diabetes"]}
    assert s["columns"]["heart_rate"]["drift_detected"] is False and s["columns_not_evaluated"] == []


def test_a_constant_reference_column_that_moves_is_drift():
    ref, cur = _frame(), _frame(seed=1)
    ref["heart_rate"] = 80.0
    cur["heart_rate"] = 95.0
    s = drift_report(ref, cur, columns=COLS).summary
    assert s["columns"]["heart_rate"]["drift_detected"] is True


@pytest.mark.parametrize("empty", ["current", "reference"])
def test_an_empty_window_is_reported_and_fails_closed(empty):
    ref, cur = _frame(), _frame(seed=1)
    if empty == "current":
        cur = cur.iloc[:0]
    else:
        ref = ref.iloc[:0]
    res = drift_report(ref, cur, columns=COLS)
    s = res.summary
    assert s["columns_not_evaluated"] == COLS and s["n_columns_evaluated"] == 0
    assert set(s["not_evaluated_reasons"].values()) == {f"the {empty} window has no rows"}
    assert b"Feature drift not computed" in res.html
    assert _decide(s)["recommended"] is True


def test_non_numeric_values_are_not_evaluated_and_counted():
    cur = _frame(seed=1)
    cur["heart_rate"] = cur["heart_rate"].astype(object)
    cur.loc[cur.index[:3], "heart_rate"] = "n/a"
    s = drift_report(_frame(), cur, columns=COLS).summary
    assert s["not_evaluated_reasons"] == {"heart_rate": "3 non-numeric value(s) in the current data"}
    assert _decide(s)["recommended"] is True


def test_shared_case_drift_feature_missing():
    from clinical_pipelines.settings import REPO_ROOT

    cases = REPO_ROOT.parent / "shared" / "cases"
    if not (cases / "drift-feature-missing.reference.csv").is_file():
        pytest.skip(f"shared case not present: {cases / 'drift-feature-missing.reference.csv'}")
    ref = pd.read_csv(cases / "drift-feature-missing.reference.csv")
    cols = ["troponin_ng_l", "heart_rate"]
    all_missing = drift_report(ref, pd.read_csv(cases / "drift-feature-missing.current-all.csv"), columns=cols).summary
    assert "troponin_ng_l" in all_missing["columns_not_evaluated"]
    assert _decide(all_missing)["recommended"] is True
    newly = drift_report(ref, pd.read_csv(cases / "drift-feature-missing.current-95pct.csv"), columns=cols).summary
    assert newly["columns"]["troponin_ng_l"]["missingness_drift"] is True
    assert newly["columns"]["troponin_ng_l"]["drift_detected"] is True
    decision = _decide(newly)
    assert decision["recommended"] is True and decision["drifted_columns"] == ["troponin_ng_l"]
