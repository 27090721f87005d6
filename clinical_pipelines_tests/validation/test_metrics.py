import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, confusion_matrix, roc_auc_score

from clinical_pipelines.validation.metrics import (
    MetricsInputError,
    age_band,
    auroc_with_ci,
    brier_score,
    calibration_intercept_slope,
    evaluate_predictions,
    expected_calibration_error,
    subgroup_metrics,
    threshold_metrics,
)


def _data(n=2000, seed=0, slope=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    lp = rng.normal(-1.5, 1.2, n)
    p_true = 1 / (1 + np.exp(-lp))
    y = (rng.random(n) < p_true).astype(int)
    p_model = 1 / (1 + np.exp(-(lp - shift) / slope))
    return y, p_model


def test_auroc_matches_sklearn_and_ci_brackets():
    y, p = _data()
    p = np.round(p, 2)  # ties
    res = auroc_with_ci(y, p)
    assert res["auroc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert res["auroc_ci_lower"] < res["auroc"] < res["auroc_ci_upper"]
    boot = auroc_with_ci(y, p, method="bootstrap", n_boot=300, seed=1)
    assert boot["auroc_ci_lower"] == pytest.approx(res["auroc_ci_lower"], abs=0.02)
    assert boot["auroc_ci_upper"] == pytest.approx(res["auroc_ci_upper"], abs=0.02)
    assert boot == auroc_with_ci(y, p, method="bootstrap", n_boot=300, seed=1)


def test_delong_variance_known_small_example():
    # Hand-computable: positives (0.9, 0.4), negatives (0.5, 0.1): AUC = 3/4
    res = auroc_with_ci([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1])
    assert res["auroc"] == pytest.approx(0.75)
    # V10 = (1, 0.5), V01 = (0.5, 1): var = 0.125/2 + 0.125/2 = 0.125
    assert res["auroc_ci_upper"] == pytest.approx(min(1.0, 0.75 + 1.959964 * np.sqrt(0.125)), abs=1e-6)


def test_brier_and_threshold_metrics_match_sklearn():
    y, p = _data(seed=3)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))
    tm = threshold_metrics(y, p, 0.3)
    tn, fp, fn, tp = confusion_matrix(y, (p >= 0.3).astype(int)).ravel()
    assert (tm["tp"], tm["fp"], tm["tn"], tm["fn"]) == (tp, fp, tn, fn)
    assert tm["sensitivity"] == pytest.approx(tp / (tp + fn))
    assert tm["npv"] == pytest.approx(tn / (tn + fn))
    assert threshold_metrics([0, 0], [0.1, 0.2], 0.5)["sensitivity"] is None


def test_calibration_slope_intercept():
    y, p = _data(n=20000, seed=5)
    cal = calibration_intercept_slope(y, p)
    assert cal["calibration_slope"] == pytest.approx(1.0, abs=0.06)
    assert cal["calibration_intercept"] == pytest.approx(0.0, abs=0.06)
    y2, p2 = _data(n=20000, seed=5, slope=2.0)  # over-dispersed model -> slope ~ 2
    lp = np.log(p2 / (1 - p2))
    ref = LogisticRegression(C=1e12, tol=1e-10, max_iter=1000).fit(lp[:, None], y2)
    assert calibration_intercept_slope(y2, p2)["calibration_slope"] == pytest.approx(ref.coef_[0][0], abs=1e-4)
    y3, p3 = _data(n=20000, seed=5, shift=1.0)  # under-predicting risk -> positive intercept
    assert calibration_intercept_slope(y3, p3)["calibration_intercept"] > 0.8


def test_ece_manual():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.05, 0.15, 0.85, 0.95, 0.99])
    # bins: [0,.1):{.05->0}, [.1,.2):{.15->1}, [.8,.9):{.85->1}, [.9,1]:{.95->0,.99->1}
    want = (0.05 + 0.85 + 0.15) / 5 + 2 / 5 * abs(0.5 - 0.97)
    assert expected_calibration_error(y, p) == pytest.approx(want)
    y2, p2 = _data(n=20000, seed=9)
    assert expected_calibration_error(y2, p2) < 0.02


def test_subgroups_insufficient_n_never_crash():
    y, p = _data(n=500, seed=2)
    groups = np.array(["A"] * 400 + ["B"] * 90 + ["C"] * 10, dtype=object)
    groups[5] = None
    res = subgroup_metrics(y, p, groups, threshold=0.3, min_n=50, min_events=3)
    assert res["groups"]["C"] == {"status": "insufficient n", "n": 10, "n_positive": int(y[490:].sum())}
    assert res["groups"]["missing"]["status"] == "insufficient n"
    assert res["groups"]["A"]["status"] == "ok" and res["n_groups_evaluated"] == 2
    assert res["auroc_gap"] == pytest.approx(abs(res["groups"]["A"]["auroc"] - res["groups"]["B"]["auroc"]))
    one_class = subgroup_metrics(np.zeros(100), np.full(100, 0.2), np.array(["A"] * 100), threshold=0.3, min_n=1)
    assert one_class["groups"]["A"]["status"] == "insufficient n" and one_class["auroc_gap"] is None


def test_age_band_handles_top_code():
    assert list(age_band(pd.Series(["45", "50", "79", "90+", None]))) == ["<50", "50-64", "65-79", "80+", "missing"]


def test_evaluate_predictions_structure_and_json():
    rng = np.random.default_rng(0)
    y, p = _data(n=1500, seed=4)
    df = pd.DataFrame({"label": y, "risk": p,
                       "split": rng.choice(["train", "internal_test", "temporal_test", "external_test"], 1500),
                       "sex": rng.choice(["F", "M"], 1500), "site_id": rng.choice(["S1", "S2", "S3"], 1500),
                       "age": rng.integers(20, 95, 1500).astype(str)})
    out = evaluate_predictions(df, threshold=0.25, min_subgroup_n=30, min_subgroup_events=5)
    json.dumps(out)

    def walk(x):  # plain Python types only (no numpy scalars) so metadata / JSON stay portable
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        else:
            assert type(x) in (int, float, str, bool, type(None)), type(x)
    walk(out)
    assert set(out["splits"]) == {"internal_test", "temporal_test", "external_test"}
    s = out["splits"]["internal_test"]
    part = df[df.split == "internal_test"]
    assert s["auroc"] == pytest.approx(roc_auc_score(part.label, part.risk))
    assert s["threshold"] == 0.25 and s["n"] == len(part)
    assert set(out["subgroups"]["external_test"]) == {"sex", "site", "age_band"}
    with pytest.raises(MetricsInputError, match="missing column"):
        evaluate_predictions(df.drop(columns=["site_id"]), threshold=0.25)


def test_bad_inputs_fail_closed():
    with pytest.raises(MetricsInputError):
        brier_score([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(MetricsInputError):
        brier_score([0, 1], [0.1, 1.2])
    with pytest.raises(MetricsInputError):
        brier_score([0, 1], [0.1])
