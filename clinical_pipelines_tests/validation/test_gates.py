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
    NOT_APPLICABLE,
    GateDesign,
    GatePolicyError,
    GateResult,
    all_gates_passed,
    evaluate_gates,
    gate_decision_payload,
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
    assert not hasattr(policy, "subgroup_attributes"), "the subgroups are the study spec's, not the policy's"
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


def test_policy_refuses_subgroup_attributes_the_spec_owns(tmp_path):
    d = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    d["subgroups"]["attributes"] = ["sex", "site"]
    with pytest.raises(GatePolicyError, match="evaluation.subgroups"):
        load_gate_policy(_write(tmp_path, d))


ONE_SITE_NO_DATES = {"evaluation.temporal": "no dates in the extract",
                     "evaluation.external_sites": "one site only"}


def test_gates_a_study_cannot_evaluate_are_not_applicable_with_the_spec_reason(good_metrics):
    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    for split in ("temporal_test", "external_test"):
        del m["splits"][split]
    design = GateDesign(subgroups=("sex", "age_band"), not_applicable=ONE_SITE_NO_DATES)
    results = evaluate_gates(m, policy, design)
    assert [r.name for r in results] == list(ALL_GATES), "no gate disappears"
    by_name = {r.name: r for r in results}
    for name, reason in ((GATE_DISCRIMINATION_TEMPORAL, "no dates in the extract"),
                         (GATE_DISCRIMINATION_EXTERNAL, "one site only"),
                         (GATE_DISCRIMINATION_EXTERNAL_SITE, "one site only")):
        r = by_name[name]
        assert (r.status, r.reason, r.message) == (NOT_APPLICABLE, reason, f"not applicable: {reason}")
        assert r.passed and not r.applicable and r.to_dict()["status"] == "not_applicable"
    # the gates over evaluation sets read the internal split only, and pass on it
    assert "internal_test" in by_name[GATE_CALIBRATION_ECE].message
    assert "temporal_test" not in by_name[GATE_CALIBRATION_ECE].message
    assert by_name[GATE_SAFETY_SENSITIVITY].status == "pass" and by_name[GATE_SUBGROUP_PERFORMANCE].status == "pass"
    assert all_gates_passed(results)
    # the same metrics without the declaration: the missing splits fail, never pass silently
    plain = {r.name: r for r in evaluate_gates(m, policy, GateDesign(subgroups=("sex",)))}
    assert plain[GATE_DISCRIMINATION_TEMPORAL].status == "fail" and not plain[GATE_CALIBRATION_ECE].passed


def test_not_applicable_needs_a_reason_and_no_subgroups_is_declared_too(good_metrics):
    with pytest.raises(ValueError, match="reason"):
        GateResult("calibration_ece", True, None, None, "", "x", status=NOT_APPLICABLE)
    policy = load_gate_policy()
    r = {r.name: r for r in evaluate_gates(good_metrics, policy, GateDesign(
        subgroups=(), not_applicable={"evaluation.subgroups": "no demographic attributes in the extract"}))}
    assert r[GATE_SUBGROUP_PERFORMANCE].status == NOT_APPLICABLE
    assert r[GATE_SUBGROUP_PERFORMANCE].reason == "no demographic attributes in the extract"


def test_subgroup_gate_reads_the_study_attributes(good_metrics):
    policy = load_gate_policy()
    only_sex = {r.name: r for r in evaluate_gates(good_metrics, policy, GateDesign(subgroups=("sex",)))}
    assert only_sex[GATE_SUBGROUP_PERFORMANCE].passed
    unknown = {r.name: r for r in evaluate_gates(good_metrics, policy, GateDesign(subgroups=("sex", "insurer")))}
    assert not unknown[GATE_SUBGROUP_PERFORMANCE].passed and "insurer" in unknown[GATE_SUBGROUP_PERFORMANCE].message


def test_too_few_units_fail_with_the_numbers():
    policy = load_gate_policy()
    rng = np.random.default_rng(1)
    n = 30
    y = np.array([1] * 8 + [0] * (n - 8))
    df = pd.DataFrame({"label": y, "risk": np.clip(0.2 + 0.5 * y + rng.normal(0, 0.1, n), 0.01, 0.99),
                       "split": "internal_test", "sex": rng.choice(["F", "M"], n)})
    m = evaluate_predictions(df, threshold=policy.operating_threshold, subgroup_cols={"sex": "sex"}, age_col=None,
                             min_subgroup_n=policy.min_subgroup_n, min_subgroup_events=policy.min_subgroup_events)
    design = GateDesign(subgroups=("sex",), not_applicable=ONE_SITE_NO_DATES)
    by_name = {r.name: r for r in evaluate_gates(m, policy, design)}
    for name in (GATE_DISCRIMINATION_INTERNAL, GATE_CALIBRATION_SLOPE, GATE_CALIBRATION_ECE, GATE_SAFETY_SENSITIVITY):
        r = by_name[name]
        assert r.status == "fail" and (r.n, r.min_n) == (30, policy.min_subgroup_n), name
        assert "n = 30 (8 events, 22 non-events)" in r.message and f"n = {policy.min_subgroup_n}" in r.message
    sub = by_name[GATE_SUBGROUP_PERFORMANCE]
    assert sub.status == "fail" and "0 of 2 group(s)" in sub.message and f"n = {policy.min_subgroup_n}" in sub.message


def test_gate_decision_payload_names_failed_gates_with_thresholds_and_is_accepted_by_the_audit_log(
        good_metrics, tmp_path):
    from clinical_pipelines.audit import events as ev
    from clinical_pipelines.audit.store import AuditLog

    policy = load_gate_policy()
    m = copy.deepcopy(good_metrics)
    m["splits"]["temporal_test"]["auroc_ci_lower"] = 0.55
    payload = gate_decision_payload(evaluate_gates(m, policy))
    assert payload["gates_failed"] == [GATE_DISCRIMINATION_TEMPORAL]
    assert (payload["n_gates"], payload["n_failed"], payload["n_not_applicable"]) == (len(ALL_GATES), 1, 0)
    assert payload["thresholds"] == {GATE_DISCRIMINATION_TEMPORAL: {
        "threshold": policy.min_auroc_temporal, "comparison": ">=", "status": "fail", "n": None, "min_n": None}}
    assert "0.55" not in repr(payload), "observed metric values stay in the check results, not the audit payload"
    with AuditLog(f"sqlite:///{tmp_path / 'audit.db'}") as log:
        event = log.append(ev.GATE_BLOCKED, ev.model_subject("clinical-x-risk", 1), actor="t",
                           payload={"stage": "model_validation", **payload})
        assert event.payload["thresholds"][GATE_DISCRIMINATION_TEMPORAL]["comparison"] == ">="
    assert gate_decision_payload(evaluate_gates(good_metrics, policy))["n_failed"] == 0
