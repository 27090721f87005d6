"""Audit event types (the only values accepted by ``AuditLog.append``) and subject conventions."""

from __future__ import annotations

import re

ASSET_MATERIALIZED = "asset.materialized"
CHECK_EVALUATED = "check.evaluated"
RUN_FAILED = "run.failed"
GATE_BLOCKED = "gate.blocked"
LAKEFS_COMMIT = "lakefs.commit"
LAKEFS_MERGE = "lakefs.merge"
LAKEFS_TAG = "lakefs.tag"
LAKEFS_BRANCH_QUARANTINED = "lakefs.branch.quarantined"  # a run branch recorded in _quarantine/ and deleted
MLFLOW_MODEL_VERSION_REGISTERED = "mlflow.model_version.registered"
MLFLOW_ALIAS_SET = "mlflow.alias.set"
APPROVAL_RECORDED = "approval.recorded"
OVERRIDE_RECORDED = "override.recorded"
LINKAGE_ACCESSED = "linkage.accessed"
ANCHOR_WRITTEN = "anchor.written"
PUBLISHED_STATE_DIVERGED = "published_state.diverged"  # lakeFS main / MLflow alias changed outside a gated step

EVENT_TYPES: frozenset[str] = frozenset(
    {
        ASSET_MATERIALIZED,
        CHECK_EVALUATED,
        RUN_FAILED,
        GATE_BLOCKED,
        LAKEFS_COMMIT,
        LAKEFS_MERGE,
        LAKEFS_TAG,
        LAKEFS_BRANCH_QUARANTINED,
        MLFLOW_MODEL_VERSION_REGISTERED,
        MLFLOW_ALIAS_SET,
        APPROVAL_RECORDED,
        OVERRIDE_RECORDED,
        LINKAGE_ACCESSED,
        ANCHOR_WRITTEN,
        PUBLISHED_STATE_DIVERGED,
    }
)

# Subject strings: "<kind>:<reference>", e.g. "model:clinical-risk/3",
# "lakefs:clinical-deid@<commit>", "batch:<batch_id>", "dagster-run:<run_id>",
# "labels:<sha256>", "dataset:<sha256>", "asset:<asset/key>".
SUBJECT_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,39}:[^\s]{1,460}$")


def model_subject(name: str, version: str | int) -> str:
    return f"model:{name}/{version}"


def lakefs_subject(repository: str, commit_id: str) -> str:
    return f"lakefs:{repository}@{commit_id}"


def batch_subject(batch_id: str) -> str:
    return f"batch:{batch_id}"


def run_subject(run_id: str) -> str:
    return f"dagster-run:{run_id}"


def asset_subject(asset_key_path: str) -> str:
    return f"asset:{asset_key_path}"


def subject_kind(subject: str) -> str:
    return subject.split(":", 1)[0]
