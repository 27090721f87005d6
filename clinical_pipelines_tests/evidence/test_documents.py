import re

import numpy as np
import pandas as pd
import pytest

from clinical_pipelines.evidence.checklist import ARTEFACTS, artefact_for, items_line
from clinical_pipelines.evidence.documents import (
    NOT_PROVIDED,
    change_control_plan,
    clinician_summary,
    datasheet,
    label_quality_report,
    model_card,
    validation_report,
)
from clinical_pipelines.labels.agreement import agreement_report
from clinical_pipelines.validation.gates import evaluate_gates, load_gate_policy
from clinical_pipelines.validation.metrics import evaluate_predictions

MODEL = {"name": "mace30-risk", "version": "3", "type": "logistic regression", "operating_threshold": 0.2,
         "features": ["troponin_ng_l", "age_years"]}
INTENDED = {"purpose": "Estimate 30-day MACE risk for adults in the emergency department.",
            "intended_users": "Emergency physicians", "setting": "Emergency department",
            "population": "Adults with suspected acute coronary syndrome",
            "output_meaning": "Predicted probability of MACE within 30 days.",
            "out_of_scope": ["Children", "Sole basis for discharge"]}


@pytest.fixture(scope="module")
def metrics_and_gates():
    rng = np.random.default_rng(0)
    n = 3000
    p = 1 / (1 + np.exp(-rng.normal(-1, 2, n)))
    df = pd.DataFrame({"label": (rng.random(n) < p).astype(int), "risk": p,
                       "split": rng.choice(["internal_test", "temporal_test", "external_test"], n),
                       "sex": rng.choice(["F", "M"], n), "site_id": rng.choice(["A", "B"], n),
                       "age": rng.integers(30, 95, n).astype(str)})
    policy = load_gate_policy()
    metrics = evaluate_predictions(df, threshold=policy.operating_threshold)
    return metrics, evaluate_gates(metrics, policy), policy


def _mapping_rows(md: str) -> list[str]:
    tail = md.split("## Regulatory mapping", 1)[1]
    return [line for line in tail.splitlines() if line.startswith("| ") and "Section" not in line]


def test_model_card_sections_and_mapping(metrics_and_gates):
    metrics, gates, _ = metrics_and_gates
    md = model_card(model=MODEL, intended_use=INTENDED, performance=metrics, gate_results=gates,
                    limitations=["Not validated outside the three sites."])
    assert md.startswith("# Model card: mace30-risk 3")
    assert items_line("model_card") in md
    for title in ("Intended use and intended users", "Human-AI team", "Model output", "Performance summary",
                  "Interpretation and limitations"):
        assert f"## {title}" in md
    assert "TRIPOD+AI 3; GMLP 6; AI Act IV 1" in md
    assert "Children" in md and "Not validated outside" in md
    assert NOT_PROVIDED in md  # human_ai_team not given -> visible gap
    assert len(_mapping_rows(md)) == md.count("\n## ") - 1


def test_validation_report_decision_and_subgroups(metrics_and_gates):
    metrics, gates, policy = metrics_and_gates
    md = validation_report(model=MODEL, metrics=metrics, gate_results=gates, policy=policy.to_dict(),
                           plots=["plots/roc_internal_test.png"])
    assert policy.sha256 in md
    assert ("ALL GATES PASSED" in md) == all(g.passed for g in gates)
    assert "**sex**" in md and "**age_band**" in md
    assert "![plots/roc_internal_test.png](plots/roc_internal_test.png)" in md
    failing = [g.to_dict() | {"passed": False} for g in gates]
    assert "NOT APPROVED" in validation_report(model=MODEL, metrics=metrics, gate_results=failing, policy={})
    assert "NOT APPROVED" in validation_report(model=MODEL, metrics={}, gate_results=[], policy={})


def test_label_quality_report_from_agreement():
    df = pd.DataFrame({"item_id": [i for i in range(20) for _ in range(2)],
                       "rater": ["r1", "r2"] * 20,
                       "label": [1, 1, 0, 0, 1, 0] * 6 + [1, 1, 0, 0]})
    md = label_quality_report(agreement=agreement_report(df, n_boot=50),
                              labeling_process={"tool": "chart-review-ui/2.3.1", "raters": "2 cardiologists"})
    assert "Fleiss' kappa" in md and "r1 / r2" in md and "chart-review-ui/2.3.1" in md
    assert "TRIPOD+AI 8" in md


def test_datasheet_clinician_summary_and_pccp(metrics_and_gates):
    metrics, _, policy = metrics_and_gates
    ds = datasheet(dataset={"name": "mace30", "lakefs_commit": "abc123"},
                   sources=[{"source_system": "ehr", "site_id": "A", "batch_id": "b1", "date_range": "2020-2023", "n_rows": 10}],
                   population={"n_patients": 10, "by_sex": {"F": 5, "M": 5}},
                   missingness={"bnp_pg_ml": 0.1}, split_manifest={"splits": {"train": {"n_rows": 8}}, "pairs_sha256": "f" * 64})
    assert "abc123" in ds and "by sex" in ds and "f" * 64 in ds and "TRIPOD+AI 5" in ds
    cs = clinician_summary(model=MODEL, intended_use=INTENDED, performance=metrics, how_to_use=["Use with clinical judgement."])
    assert "at least 20%" in cs and "of 100 patients who had the outcome" in cs
    pccp = change_control_plan(
        model=MODEL,
        modifications=[{"id": "M1", "description": "Periodic re-training on new data", "rationale": "drift",
                        "automatic": False, "frequency": "quarterly", "protocol_sections": ["MP-a", "MP-b", "MP-c", "MP-d"]}],
        performance_evaluation={"acceptance criteria": "policies/validation_gates.yaml", "policy sha256": policy.sha256},
        impact_assessment=[{"modification": "M1", "benefits": "keeps calibration", "risks": "label shift",
                            "mitigations": "gates + rollback"}])
    for heading in ("1. Description of modifications", "2a. Modification protocol: data management",
                    "2b. Modification protocol: re-training", "2c. Modification protocol: performance evaluation",
                    "2d. Modification protocol: update procedures", "Traceability", "3. Impact assessment"):
        assert f"## {heading}" in pccp
    assert "MP-a, MP-b, MP-c, MP-d" in pccp and "manual" in pccp and policy.sha256 in pccp


def test_renderers_are_deterministic_and_escape_tables():
    a = model_card(model={"name": "x|y"}, intended_use={"purpose": "a|b"})
    assert a == model_card(model={"name": "x|y"}, intended_use={"purpose": "a|b"})
    assert "a\\|b" in a
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", a)  # no clock reads


def test_checklist_map():
    assert len(ARTEFACTS) == 10
    assert ARTEFACTS["split_manifest"][1]["GMLP"] == "4"
    assert ARTEFACTS["audit_trail"][1]["HIPAA"].endswith("164.312(b)")
    assert artefact_for("plots/roc_internal_test.png") == "validation_report"
    assert artefact_for("model_card.md") == "model_card"
    assert artefact_for("random.bin") is None


def test_not_applicable_gates_and_evaluation_sets_are_shown_with_the_reason(metrics_and_gates, tmp_path):
    import json

    from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key
    from clinical_pipelines.evidence.bundle import BundleError, build_bundle
    from clinical_pipelines.validation.gates import GateDesign

    metrics, _, policy = metrics_and_gates
    m = {**metrics, "splits": {k: v for k, v in metrics["splits"].items() if k == "internal_test"}}
    gates = evaluate_gates(m, policy, GateDesign(subgroups=("sex",), not_applicable={
        "evaluation.temporal": "no dates in the extract", "evaluation.external_sites": "one site only"}))
    card = model_card(model=MODEL, intended_use=INTENDED, performance=m, gate_results=gates)
    assert "| discrimination_temporal | NOT APPLICABLE |" in card and "not applicable: no dates in the extract" in card
    assert "| Temporal validation (patients after the cutoff) | not applicable: no dates in the extract |" in card
    assert "not evaluated" not in card
    report = validation_report(model=MODEL, metrics=m, gate_results=gates, policy=policy.to_dict())
    expected = ("ALL GATES PASSED (3 not applicable, declared by the study with its reason)"
                if all(g.passed for g in gates) else "NOT APPROVED: at least one gate failed")
    assert expected in report
    summary = clinician_summary(model=MODEL, intended_use=INTENDED, performance=m, gate_results=gates)
    assert "External validation (held-out sites): not applicable: one site only." in summary

    path = tmp_path / "k" / "evidence.key"
    path.parent.mkdir()
    generate_key_pair(path)
    key = load_signing_key(path)
    decisions = [{"stage": "model_validation", **g.to_dict()} for g in gates]
    build_bundle(tmp_path / "b", {"gate_decisions.json": json.dumps(decisions).encode()}, {"model": "m"},
                 signing_key=key)
    checklist = (tmp_path / "b" / "checklist.md").read_text()
    assert "## Gates" in checklist and checklist.count("| NOT APPLICABLE |") == 3
    assert "| discrimination_external | model_validation | NOT APPLICABLE | one site only |" in checklist
    with pytest.raises(BundleError, match="gate_decisions.json"):
        build_bundle(tmp_path / "c", {"gate_decisions.json": b'{"name": 1}'}, {"model": "m"}, signing_key=key)
