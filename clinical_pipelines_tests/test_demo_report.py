"""What the demo prints when a run fails, and its "Where to look" footer (no services)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from clinical_pipelines.demo_report import (
    FailedCheck, FailedStep, RunFailure, audit_line, check_line, evidence_line, failed_check, failure_lines,
    latest_version, read_run_failure, shown_message, step_line, stop_command,
)

SECRET = "Zebediah-Quint"  # stands for a data value an exception message could quote


def test_a_failed_gate_shows_observed_against_required():
    c = failed_check("model_validation", "discrimination_internal", None,
                     {"observed": 0.6543, "threshold": 0.7, "comparison": ">=", "status": "fail"})
    assert check_line(c) == ("gate model_validation/discrimination_internal: observed = 0.654 (required >= 0.700)")
    described = FailedCheck("model_validation", "discrimination_internal",
                            "FAIL: internal_test auroc_ci_lower = 0.654 (required >= 0.700)", 0.654, 0.7, ">=")
    assert check_line(described).endswith("internal_test auroc_ci_lower = 0.654 (required >= 0.700)")
    small = failed_check("model_validation", "subgroup_performance", None,
                         {"observed": None, "threshold": 0.1, "comparison": "<=", "reason": "too_few_events"})
    assert check_line(small) == ("gate model_validation/subgroup_performance: no observed value (required <= 0.100) "
                                 "[too_few_events]")


def test_only_project_and_dagster_messages_are_shown():
    assert shown_message("Failure", "Refusing to promote:\n gate x failed", user_failure=True) == (
        "Refusing to promote:; gate x failed")
    assert shown_message("DagsterAssetCheckFailedError", "1 blocking asset check failed", user_failure=False)
    assert shown_message("ValueError", f"could not convert string to float: '{SECRET}'", user_failure=False) is None
    line = step_line(FailedStep("model_validation", "ValueError", None))
    assert "ValueError" in line and "run's logs" in line
    assert len(shown_message("Failure", "x" * 5000, user_failure=True)) == 600


def test_failure_block_names_gates_steps_and_the_run_url():
    failure = RunFailure("abc123", [FailedCheck("model_validation", "calibration_ece", None, 0.2, 0.1, "<=")],
                         [FailedStep("model_validation", "DagsterAssetCheckFailedError", "1 blocking asset check failed")])
    text = "\n".join(failure_lines("model lifecycle run for s", failure, "http://127.0.0.1:13000/runs/abc123"))
    assert "FAILED: model lifecycle run for s" in text
    assert "gate model_validation/calibration_ece: observed = 0.200 (required <= 0.100)" in text
    assert "step model_validation: 1 blocking asset check failed" in text
    assert "http://127.0.0.1:13000/runs/abc123" in text
    empty = "\n".join(failure_lines("run", RunFailure("r"), "u"))
    assert "no failed gate or step" in empty


def _run(assets, instance, *, selection=None):
    return dg.materialize(assets, instance=instance, raise_on_error=False, selection=selection)


def test_read_run_failure_from_a_real_dagster_event_log():
    @dg.asset(check_specs=[dg.AssetCheckSpec("auroc_gate", asset="scored", blocking=True),
                           dg.AssetCheckSpec("ok_gate", asset="scored", blocking=True)])
    def scored():
        yield dg.Output(1)
        yield dg.AssetCheckResult(check_name="auroc_gate", passed=False, severity=dg.AssetCheckSeverity.ERROR,
                                  description="FAIL: internal_test auroc_ci_lower = 0.654 (required >= 0.700)",
                                  metadata={"observed": 0.654, "threshold": 0.7, "comparison": ">="})
        yield dg.AssetCheckResult(check_name="ok_gate", passed=True)

    @dg.asset
    def refused():
        raise dg.Failure(description="Refusing to promote model m version 1: gate 'g' failed")

    @dg.asset
    def crashed():
        raise ValueError(f"could not convert string to float: '{SECRET}'")

    with dg.DagsterInstance.ephemeral() as instance:
        result = _run([scored], instance)
        failure = read_run_failure(instance, result.run_id)
        assert [(c.asset, c.check_name) for c in failure.failed_checks] == [("scored", "auroc_gate")]
        c = failure.failed_checks[0]
        assert (c.observed, c.threshold, c.comparison) == (0.654, 0.7, ">=")
        assert "0.654 (required >= 0.700)" in check_line(c)
        assert [s.step_key for s in failure.failed_steps] == ["scored"]
        assert "blocking asset check" in (failure.failed_steps[0].message or "")

        refusal = read_run_failure(instance, _run([refused], instance).run_id)
        assert refusal.failed_steps[0].message == "Refusing to promote model m version 1: gate 'g' failed"

        crash = read_run_failure(instance, _run([crashed], instance).run_id)
        text = "\n".join(failure_lines("run", crash, "u"))
        assert crash.failed_steps[0].error_class == "ValueError" and SECRET not in text


def test_footer_names_the_registered_version_and_existing_bundles(tmp_path: Path):
    assert latest_version(["1", "10", "2"]) == "10" and latest_version([]) is None
    assert audit_line("clinical-x-risk", "1").startswith("Audit: clinical-pipelines audit trace clinical-x-risk 1 ")
    assert "no version of clinical-x-risk was registered" in audit_line("clinical-x-risk", None)
    assert "None" not in audit_line("clinical-x-risk", None)
    missing = tmp_path / "evidence" / "clinical-x-risk-v1-abcd1234"
    assert evidence_line([missing], []).startswith("Evidence bundles: none built")
    assert "lakefs://clinical-evidence/t/" in evidence_line([missing], ["lakefs://clinical-evidence/t/"])
    missing.mkdir(parents=True)
    assert str(missing) in evidence_line([missing], ["lakefs://clinical-evidence/t/"])


def test_stop_command_carries_the_environment_the_user_set():
    defaults = {"CLINICAL_PIPELINES_HOME": "/repo/var", "CLINICAL_PIPELINES_DAGSTER_PORT": "13000"}
    assert stop_command(dict(defaults), defaults) == "clinical-pipelines services down"
    env = {"CLINICAL_PIPELINES_HOME": "/home/me/my data", "CLINICAL_PIPELINES_DAGSTER_PORT": "13000"}
    assert stop_command(env, defaults) == "CLINICAL_PIPELINES_HOME='/home/me/my data' clinical-pipelines services down"
