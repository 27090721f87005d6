"""Approved policies only, through the real model lifecycle (own lakeFS, MLflow, Dagster; see
``governance_world``): a relaxed copy of the gate policy passed through run config stops the run
before any step and ``champion`` stays; once a named role approves it in the audit log the same run
config is accepted, the model is promoted, and the model card, the audit trace and the evidence
bundle name the policy with a not-the-default warning."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.defs.jobs import MODEL_GROUPS
from clinical_pipelines.policy_approval import file_sha256, policy_subject
from clinical_pipelines.settings import REGISTERED_MODEL_NAME
from clinical_pipelines_tests.governance_world import (
    approve_policy, build_world, failure_text, gate_policy_for_small_cohort, own_stack,
)

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("policy-approval")
    with own_stack(root / "home") as settings:
        yield build_world(settings, root / "world")


def test_a_relaxed_gate_policy_is_refused_until_a_named_role_approves_it(world, tmp_path):
    from clinical_pipelines.audit.trace import trace_model
    from clinical_pipelines.defs.resources import resources_for

    audit = resources_for(world.settings)["audit_log"].log()
    champion = world.champion()
    assert champion is not None
    relaxed = gate_policy_for_small_cohort(tmp_path, max_ece=0.9)  # the approved policy with ECE raised
    sha = file_sha256(relaxed)

    refused = world.lifecycle(gate_policy=relaxed, selection=dg.AssetSelection.groups(*MODEL_GROUPS))
    assert not refused.success
    text = failure_text(refused)
    assert "is not approved" in text and f"clinical-pipelines audit approve {policy_subject('gate', sha)}" in text
    assert refused.get_asset_materialization_events() == [], "a step did work under an unapproved policy"
    assert world.champion() == champion
    (blocked,) = audit.query(event_type=ev.GATE_BLOCKED, subject=policy_subject("gate", sha))
    assert blocked.payload["dagster_run_id"] == refused.run_id

    approve_policy("gate", relaxed, by="staff-0107", role="clinical-lead")
    accepted = world.lifecycle(gate_policy=relaxed, selection=dg.AssetSelection.groups(*MODEL_GROUPS))
    assert accepted.success, failure_text(accepted)[-3000:]
    version = accepted.output_for_node("model_promotion")["version"]
    assert world.champion() == version != champion

    gate = next(p for p in accepted.output_for_node("model_promotion")["policies"] if p["kind"] == "gate")
    assert (gate["sha256"], gate["approved"], gate["is_default"]) == (sha, True, False)
    assert "human:staff-0107" in gate["approval"] and "not the default" in gate["warning"]

    bundle = Path(accepted.output_for_node("evidence_bundle")["path"])
    card = (bundle / "model_card.md").read_text()
    assert "## Policies in force" in card and sha in card and "**Warning:**" in card
    bundled_trace = json.loads((bundle / "audit_trace.json").read_text())
    assert any(p["sha256"] == sha and not p["is_default"] for p in bundled_trace["policies"])
    trace_text = trace_model(audit, REGISTERED_MODEL_NAME, version).to_text()
    assert f"sha256 {sha} (NOT DEFAULT" in trace_text and "WARNINGS:" in trace_text
