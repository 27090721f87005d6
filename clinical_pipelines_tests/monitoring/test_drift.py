import json

import numpy as np
import pandas as pd
import pytest

from clinical_pipelines.monitoring.drift import DriftInputError, drift_report, retraining_recommended
from clinical_pipelines.training.model import FEATURES
from clinical_pipelines.validation.gates import load_gate_policy


def _features(n=400, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({c: rng.normal(50, 10, n) for c in FEATURES})
    for c in ("atrial_fibrillation", "diabetes", "hypertension", "prior_mi", "current_smoker", "sex_f"):
        df[c] = (rng.random(n) < 0.3).astype(float)
    df["sex_m"] = 1.0 - df["sex_f"]
    df.loc[rng.random(n) < 0.1, "bnp_pg_ml"] = np.nan
    return df


@pytest.fixture(scope="module")
def reference():
    return _features()


def test_identical_frames_show_no_drift(reference):
    res = drift_report(reference, reference.copy())
    s = res.summary
    assert s["n_columns_evaluated"] == len(FEATURES) and s["columns_not_evaluated"] == []
    assert s["n_drifted_columns"] == 0 and s["share_drifted_columns"] == 0.0
    assert res.html.lstrip().lower().startswith(b"<!doctype html") or b"<html" in res.html[:2000].lower()
    assert json.loads(res.json)["metrics"]
    json.dumps(s)
    assert retraining_recommended(s, load_gate_policy())["recommended"] is False


def test_shifted_column_is_detected(reference):
    current = _features(seed=1)
    current["troponin_ng_l"] = current["troponin_ng_l"] + 15
    current["diabetes"] = 1.0
    s = drift_report(reference, current).summary
    assert s["columns"]["troponin_ng_l"]["drift_detected"] is True
    assert s["columns"]["diabetes"]["drift_detected"] is True
    assert s["columns"]["heart_rate"]["drift_detected"] is False
    assert s["n_drifted_columns"] >= 2


def test_retraining_threshold_comes_from_policy():
    policy = load_gate_policy()
    cols = {f"c{i}": {"drift_detected": i < 4} for i in range(10)}
    high = {"share_drifted_columns": 0.4, "columns": cols, "columns_not_evaluated": []}
    decision = retraining_recommended(high, policy)
    assert decision["recommended"] is (0.4 > policy.max_drifted_feature_share)
    assert decision["threshold"] == policy.max_drifted_feature_share
    assert decision["drifted_columns"] == ["c0", "c1", "c2", "c3"]
    assert retraining_recommended({}, policy)["recommended"] is True  # fail closed
    assert retraining_recommended({"share_drifted_columns": 0.0, "columns_not_evaluated": ["x"]}, policy)["recommended"]


def test_missing_feature_column_fails_closed(reference):
    with pytest.raises(DriftInputError, match="troponin_ng_l"):
        drift_report(reference, reference.drop(columns=["troponin_ng_l"]))


def test_a_study_without_dates_has_no_drift_window_and_says_why():
    import html

    import pandas as pd

    from clinical_pipelines.monitoring.drift import drift_windows, retraining_recommended, study_drift
    from clinical_pipelines.study.builtin import load_builtin_study
    from clinical_pipelines.training.design import evaluation_design, feature_set
    from clinical_pipelines.validation.gates import load_gate_policy

    study = load_builtin_study("heart-disease")
    design = evaluation_design(study)
    df = pd.DataFrame({"split": ["train", "train", "internal_test"]})
    windows = drift_windows(df, design)
    reason = study.not_applicable()["evaluation.temporal"]
    assert windows.current is None and windows.not_applicable == reason and len(windows.reference) == 2
    result = study_drift(df, design, feature_set(study))
    assert result.summary["not_applicable"] == reason and result.summary["share_drifted_columns"] is None
    decision = retraining_recommended(result.summary, load_gate_policy())
    assert decision["not_applicable"] and not decision["recommended"] and decision["reason"] == f"not applicable: {reason}"
    assert html.escape(reason).encode() in result.html
    # a summary without a share and without a declaration still fails closed
    assert retraining_recommended({"columns": {}}, load_gate_policy())["recommended"]
