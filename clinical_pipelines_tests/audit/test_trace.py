"""trace_model over a hand-built event graph with the payloads the Dagster side emits."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.store import AuditLog
from clinical_pipelines.audit.trace import ModelNotInAuditLog, trace_model

TRANSFORM = "7" * 64
POLICY = "5" * 64
ENV = {"kind": "python-distributions", "digest": "e" * 64}
CODE = "0123456789abcdef0123456789abcdef01234567"
LABELS = "labels:" + "a" * 64
DATASET = "dataset:" + "d" * 64


def _graph(log: AuditLog, *, model_commit: str = "merge1", version: int = 3) -> None:
    a = "dagster:test"
    # noise: another snapshot and model that must not appear in the trace
    log.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@other", actor=a, inputs=["batch:b-other"],
               payload={"repository": "clinical-deid", "branch": "x", "commit_id": "other",
                        "transform_hash": "0" * 64, "source_manifests": [
                            {"batch_id": "b-other", "source_system": "emr-x", "files": {"f": "1" * 64}}]})
    log.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@branch1", actor=a,
               inputs=["batch:b1", "batch:b2"],
               payload={"repository": "clinical-deid", "branch": "deid-run-1", "commit_id": "branch1",
                        "transform_hash": TRANSFORM, "policy_sha256": POLICY,
                        "environment_digest": ENV, "code_version": CODE, "dagster_run_id": "run-1",
                        "source_manifests": [
                            {"batch_id": "b1", "source_system": "emr-a",
                             "files": {"encounters.csv": "c1" * 32, "notes.jsonl": "c2" * 32},
                             "row_counts": {"encounters": 120}},
                            {"batch_id": "b2", "source_system": "emr-b",
                             "files": {"encounters.csv": "c3" * 32}, "row_counts": {"encounters": 80}},
                        ]})
    log.append(ev.LAKEFS_MERGE, "lakefs:clinical-deid@merge1", actor=a,
               inputs=["lakefs:clinical-deid@branch1"],
               payload={"repository": "clinical-deid", "into": "main", "tag": "deid-2026-01"})
    log.append(ev.ASSET_MATERIALIZED, LABELS, actor=a, inputs=["lakefs:clinical-deid@merge1"],
               payload={"raters": ["rater-07", "rater-02"], "n_labels": 400, "kappa": 0.81,
                        "labeling_tools": ["chart-review-ui/2.3.1"]})
    log.append(ev.ASSET_MATERIALIZED, DATASET, actor=a,
               inputs=["lakefs:clinical-deid@merge1", LABELS],
               payload={"split_counts": {"train": 150, "test": 50}, "lakefs_commit": "merge1"})
    for i in range(3):  # unrelated traffic in between
        log.append(ev.CHECK_EVALUATED, f"asset:x{i}", actor=a, inputs=[f"dagster-run:r{i}"])
    log.append(ev.MLFLOW_MODEL_VERSION_REGISTERED, f"model:clinical-risk/{version}", actor=a,
               inputs=[DATASET],
               payload={"run_id": "mlrun-9", "lakefs_repository": "clinical-deid",
                        "lakefs_commit": model_commit, "transform_hash": TRANSFORM,
                        "code_version": CODE, "environment_digest": ENV})
    log.append(ev.MLFLOW_ALIAS_SET, f"model:clinical-risk/{version}", actor=a,
               payload={"alias": "champion", "gates": ["auroc_ci", "calibration"]})
    log.append(ev.MLFLOW_MODEL_VERSION_REGISTERED, "model:clinical-risk/99", actor=a,
               inputs=["dataset:" + "9" * 64], payload={"lakefs_commit": "other"})


def test_trace_names_everything_that_made_the_model(log: AuditLog) -> None:
    _graph(log)
    t = trace_model(log, "clinical-risk", 3)
    assert t.warnings == []
    assert [r["payload"]["run_id"] for r in t.registrations] == ["mlrun-9"]
    assert [a["payload"]["alias"] for a in t.aliases] == ["champion"]
    assert [d["subject"] for d in t.datasets] == [DATASET]
    assert [ls["subject"] for ls in t.label_sets] == [LABELS]
    assert t.labelers == ["rater-02", "rater-07"]
    assert t.labeling_tools == ["chart-review-ui/2.3.1"]
    assert {(s["event_type"], s["commit_id"]) for s in t.snapshots} == {
        (ev.LAKEFS_MERGE, "merge1"), (ev.LAKEFS_COMMIT, "branch1")}
    merge = next(s for s in t.snapshots if s["commit_id"] == "merge1")
    assert merge["merged_from"] == ["lakefs:clinical-deid@branch1"] and merge["tag"] == "deid-2026-01"
    assert {b["batch_id"]: b["files"] for b in t.source_batches} == {
        "b1": {"encounters.csv": "c1" * 32, "notes.jsonl": "c2" * 32},
        "b2": {"encounters.csv": "c3" * 32},
    }
    assert t.transform_hashes == [TRANSFORM]
    assert t.policy_hashes == [POLICY]
    assert t.code_versions == [CODE]
    assert t.environment_digests == [ENV]
    assert t.dagster_runs == ["run-1"]
    assert t.missing_subjects == []  # batches are described by their manifests
    assert "other" not in json.dumps([s["commit_id"] for s in t.snapshots])
    assert t.n_subjects == 5

    text = t.to_text()
    for needle in ("branch1", "merge1", "c1" * 32, "rater-07", "chart-review-ui/2.3.1", TRANSFORM,
                   CODE, "emr-a", "champion"):
        assert needle in text
    back = json.loads(t.to_json())
    assert back["source_batches"][0]["batch_id"] == "b1"
    assert back["model_subject"] == "model:clinical-risk/3"


def test_trace_warns_when_claims_disagree_with_the_graph(log: AuditLog) -> None:
    _graph(log, model_commit="not-a-reached-commit")
    t = trace_model(log, "clinical-risk", 3)
    assert any("not-a-reached-commit" in w for w in t.warnings)


def test_trace_of_unknown_model_fails_clearly(log: AuditLog) -> None:
    _graph(log)
    with pytest.raises(ModelNotInAuditLog, match="model:clinical-risk/4"):
        trace_model(log, "clinical-risk", 4)


def test_trace_reports_unreached_parts(log: AuditLog) -> None:
    log.append(ev.MLFLOW_MODEL_VERSION_REGISTERED, "model:m/1", actor="t",
               inputs=["dataset:" + "1" * 64], payload={"lakefs_commit": "c"})
    t = trace_model(log, "m", "1")
    assert t.missing_subjects == ["dataset:" + "1" * 64]
    assert any("no lakefs.commit" in w for w in t.warnings)
    assert any("does not reach" in w for w in t.warnings)


def test_trace_lookups_use_the_subject_index(tmp_path) -> None:
    with AuditLog(f"sqlite:///{tmp_path / 'a.db'}") as lg:
        with lg.engine.connect() as c:
            plan = c.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT * FROM audit_events WHERE subject IN ('a:1', 'b:2')"
            ).all()
    detail = " ".join(str(r[-1]) for r in plan)
    assert "ix_audit_events_subject_seq" in detail and "SCAN audit_events" not in detail


def test_subject_index_exists_on_both_backends(log: AuditLog) -> None:
    names = {ix["name"] for ix in sa.inspect(log.engine).get_indexes("audit_events")}
    assert {"ix_audit_events_subject_seq", "ix_audit_events_event_type_seq"} <= names


def test_a_column_outcome_label_set_and_a_batch_without_descriptor_are_said_so(log: AuditLog) -> None:
    from clinical_pipelines.audit.trace import label_set_line

    a = "dagster:test"
    reason = "outcome recorded in the extract, one source"
    log.append(ev.LAKEFS_COMMIT, "lakefs:clinical-deid@c1", actor=a, inputs=["batch:batch-2025-01"],
               payload={"repository": "clinical-deid", "commit_id": "c1", "source_manifests": [
                   {"batch_id": "batch-2025-01", "source_system": "", "files": {"patients.csv": "f" * 64}}]})
    log.append(ev.ASSET_MATERIALIZED, LABELS, actor=a, inputs=["lakefs:clinical-deid@c1"],
               payload={"raters": [], "labeling_tools": [], "n_labels": 303, "kappa": None,
                        "outcome_source": "column", "label_gate": "not_applicable", "label_gate_reason": reason})
    log.append(ev.ASSET_MATERIALIZED, DATASET, actor=a, inputs=["lakefs:clinical-deid@c1", LABELS], payload={})
    log.append(ev.MLFLOW_MODEL_VERSION_REGISTERED, "model:clinical-x-risk/1", actor=a, inputs=[DATASET],
               payload={"lakefs_commit": "c1"})
    text = trace_model(log, "clinical-x-risk", 1).to_text()
    assert f"{LABELS}: 303 labels, label agreement not applicable: {reason}" in text
    assert "kappa None" not in text and "raters ?" not in text
    assert "batch-2025-01 from not declared (no batch descriptor) (in lakefs:clinical-deid@c1)" in text
    # a label set logged before the reason was recorded still says why, from its outcome source
    old = label_set_line({"subject": LABELS, "n_labels": 5, "outcome_source": "column", "label_gate": "not_applicable"})
    assert old.endswith("label agreement not applicable: outcome taken from a column of the extract "
                        "(one source, no raters)")
    rated = label_set_line({"subject": LABELS, "n_labels": 5, "kappa": 0.8, "raters": ["r1"], "labeling_tools": []})
    assert "kappa 0.8, raters r1, tools ?" in rated
