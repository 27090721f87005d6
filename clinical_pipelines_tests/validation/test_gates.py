import copy
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from clinical_pipelines.validation.gates import (
    ALL_GATES,
    DEFAULT_POLICY_PATH,
    GATE_CALIBRATION_ECE,
    GATE_CALIBRATION_SLOPE,
    GATE_DISCRIMINATION_EXTERNAL,
    GATE_DISCRIMINATION_EXTERNAL_SITE,
    GATE_DISCRIMINATION_INTERNAL,
    GATE_DISCRIMINATION_TEMPORAL,
    GATE_SAFETY_SENSITIVITY,
    GATE_SUBGROUP_PERFORMANCE,
    GatePolicyError,
    all_gates_passed,
    evaluate_gates,
    load_gate_policy,
)
from clinical_pipelines.validation.metrics import evaluate_predictions


def test_gate_names_are_stable():
    assert ALL_GATES == (
        "discrimination_internal", "discrimination_temporal", "discrimination_external",
        "discrimination_external_site", "calibration_slope", "calibration_ece",
        "subgroup_performance", "safety_sensitivity",
    )


def test_packaged_policy_loads_with_hash():
    policy = load_gate_policy()
    assert policy.sha256 == hashlib.sha256(DEFAULT_POLICY_PATH.read_bytes()).hexdigest()
    assert 0 < policy.operating_threshold < 1
    assert policy.subgroup_attributes == ("sex", "age_band", "site")
    assert 0 < policy.max_drifted_feature_share <= 1
    assert policy.min_label_agreement == pytest.approx(0.667)


def _write(tmp_path: Path, data) -> Path:
    p = tmp_path / "gates.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_policy_fail_closed(tmp_path):
    base = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    with pytest.raises(GatePolicyError, match="not found"):
        load_gate_policy(tmp_path / "nope.yaml")
    d = copy.deepcopy(base)
    del d["thresholds"]["min_auroc_external"]
    with pytest.raises(GatePolicyError, match="min_auroc_external"):
        load_gate_policy(_write(tmp_path, d))
    d = copy.deepcopy(base)
    d["thresholds"]["max_ecee"] = 0.1
    with pytest.raises(GatePolicyError, match="unknown key"):
        load_gate_policy(_write(tmp_path, d))
    d = copy.deepcopy(base)
    d["thresholds"]["min_sensitivity"] = "high"
    with pytest.raises(GatePolicyError, match="must be a number"):
        load_gate_policy(_write(tmp_path, d))
    d = copy.deepcopy(base)
    del d["labels"]["min_label_agreement"]
    with pytest.raises(GatePolicyError, match="min_label_agreement"):
        load_gate_policy(_write(tmp_path, d))
    d = copy.deepcopy(base)
    del d["monitoring"]
    with pytest.raises(GatePolicyError, match="monitoring"):
        load_gate_policy(_write(tmp_path, d))


@pytest.fixture(scope="module")
def good_metrics():
    """A well-calibrated, discriminating model evaluated on synthetic splits."""
    rng = np.random.default_rng(0)
    n = 6000
    lp = rng.normal(-1.0, 2.0, n)
    p = 1 / (1 + np.exp(-lp))
    y = (rng.random(n) < p).astype(int)
    split = rng.choice(["internal_test", "temporal_test", "external_test"], n)
    site = np.where(split == "external_test", rng.choice(["X1", "X2"], n), rng.choice(["A", "B"], n))
    df = pd.DataFrame({"label": y, "risk": p, "split": split, "site_id": site,
                       "sex": rng.choice(["F", "M"], n), "age": rng.integers(30, 95, n).astype(str)})
    policy = load_gate_policy()
    return evaluate_predictions(df, threshold=policy.operating_threshold,
                                min_subgroup_n=policy.min_subgroup_n, min_subgroup_events=policy.min_subgroup_events)


def test_all_gates_pass_on_good_model(good_metrics):
    policy = load_gate_policy()
    results = evaluate_gates(good_metrics, policy)
    assert [r.name for r in results] == list(ALL_GATES)
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert all_gates_passed(results)


def test_low_metric_fails_its_gate_only(good_metrics):
    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    m["splits"]["temporal_test"]["auroc_ci_lower"] = 0.55
    m["splits"]["external_test"]["calibration_slope"] = 0.5
    m["splits"]["internal_test"]["sensitivity"] = 0.5
    by_name = {r.name: r for r in evaluate_gates(m, policy)}
    assert not by_name[GATE_DISCRIMINATION_TEMPORAL].passed
    assert by_name[GATE_DISCRIMINATION_TEMPORAL].observed == pytest.approx(0.55)
    assert not by_name[GATE_CALIBRATION_SLOPE].passed
    assert by_name[GATE_CALIBRATION_SLOPE].observed == pytest.approx(0.5)
    assert not by_name[GATE_SAFETY_SENSITIVITY].passed
    assert by_name[GATE_DISCRIMINATION_INTERNAL].passed and by_name[GATE_CALIBRATION_ECE].passed


def test_missing_metric_fails_never_passes(good_metrics):
    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    del m["splits"]["external_test"]
    m["splits"]["internal_test"]["ece"] = None
    m["subgroups_pooled"].pop("sex")
    by_name = {r.name: r for r in evaluate_gates(m, policy)}
    assert not by_name[GATE_DISCRIMINATION_EXTERNAL].passed and "missing" in by_name[GATE_DISCRIMINATION_EXTERNAL].message
    assert not by_name[GATE_CALIBRATION_ECE].passed
    assert not by_name[GATE_SUBGROUP_PERFORMANCE].passed
    assert all(not r.passed for r in evaluate_gates({}, policy))
    assert not all_gates_passed([r for r in evaluate_gates(good_metrics, policy) if r.name != GATE_CALIBRATION_ECE])


def test_external_site_insufficient_n_fails(good_metrics):
    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    m["subgroups"]["external_test"]["site"]["groups"]["X2"] = {"status": "insufficient n", "n": 12, "n_positive": 3}
    r = {r.name: r for r in evaluate_gates(m, policy)}[GATE_DISCRIMINATION_EXTERNAL_SITE]
    assert not r.passed and "X2" in r.message


def test_safety_gate_requires_policy_threshold(good_metrics):
    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    m["threshold"] = policy.operating_threshold + 0.1
    r = {r.name: r for r in evaluate_gates(m, policy)}[GATE_SAFETY_SENSITIVITY]
    assert not r.passed and "threshold" in r.message
