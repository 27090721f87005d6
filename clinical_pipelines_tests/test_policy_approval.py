"""Approved policies only: the record, audit approvals by a named role, and a real Dagster run that
stops before any step when its run config selects an unapproved policy.

The model-lifecycle scenario against real lakeFS and MLflow (relaxed gate policy refused, champion
unchanged; approved, promoted with a warning) is in ``test_policy_approval_services.py``.
"""

from pathlib import Path

import dagster as dg
import pytest
import yaml

from clinical_pipelines.audit import events as ev
from clinical_pipelines.audit.cli import audit_main
from clinical_pipelines.audit.store import AuditLog
from clinical_pipelines.defs.resources import ValidationPolicyResource
from clinical_pipelines.deid.policy import DEFAULT_POLICY_PATH as DEID_DEFAULT
from clinical_pipelines.deid.policy import load_deid_policy
from clinical_pipelines.policy_approval import (
    ApprovedRecordError, PolicyNotApproved, file_sha256, identify, load_approved_record, policy_subject,
    require_approved,
)
from clinical_pipelines.validation.gates import DEFAULT_POLICY_PATH as GATE_DEFAULT
from clinical_pipelines.validation.gates import load_gate_policy


def relaxed_gate_policy(tmp_path: Path, max_ece: float = 0.5) -> Path:
    data = yaml.safe_load(GATE_DEFAULT.read_text())
    data["version"] = data["version"] + "-relaxed"
    data["thresholds"]["max_ece"] = max_ece
    path = tmp_path / "relaxed_gates.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def audit_env(monkeypatch, tmp_path):
    """An empty audit log; decisions anchored into a directory with a throwaway anchor key."""
    from clinical_pipelines.audit.signing import generate_key_pair

    key = tmp_path / "signing" / "anchor-signing.key"
    generate_key_pair(key)
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("CLINICAL_PIPELINES_AUDIT_DB_URL", url)
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_DIR", str(tmp_path / "anchors"))
    monkeypatch.setenv("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", str(key))
    monkeypatch.delenv("CLINICAL_PIPELINES_TSA_URL", raising=False)
    AuditLog(url).close()
    return url


def approve(url: str, kind: str, sha: str, role: str, by: str = "staff-0042") -> None:
    assert audit_main(["approve", policy_subject(kind, sha), "--by", by, "--role", role,
                       "--reference", "CR-2041", "--db-url", url]) == 0


# ------------------------------------------------------------------------------------ the record
def test_packaged_policies_are_the_approved_defaults():
    record = load_approved_record()
    for kind, path, loader in (("deid", DEID_DEFAULT, load_deid_policy), ("gate", GATE_DEFAULT, load_gate_policy)):
        entry = record.default_entry(kind)
        assert entry is not None and entry.file == path.name
        policy = loader(path)
        assert entry.sha256 == file_sha256(path) == policy.sha256, (
            f"{path.name} changed without its approved-policy entry: bump its version and update "
            "policies/approved_policies.yaml in the same reviewed change")
        assert entry.version == policy.version
        identity = require_approved(kind, sha256=policy.sha256, version=policy.version, path=path)
        assert identity.is_default and identity.warning is None and identity.name == entry.name


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.pop("approver_roles"), "approver_roles"),
    (lambda d: d["policies"][0].update(sha256="xyz"), "64 hex"),
    (lambda d: d["policies"][0].pop("version"), "missing"),
    (lambda d: d["policies"][1].update(kind="deid"), "more than one default"),
])
def test_a_malformed_record_fails_closed(tmp_path, mutate, fragment):
    data = yaml.safe_load(Path(load_approved_record().path).read_text())
    mutate(data)
    path = tmp_path / "approved.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ApprovedRecordError, match=fragment):
        load_approved_record(path)


# ---------------------------------------------------------------------------- audit approvals
def test_an_unlisted_policy_is_refused_with_how_to_approve_it(tmp_path, audit_env):
    path = relaxed_gate_policy(tmp_path)
    policy = load_gate_policy(path)
    with AuditLog(audit_env) as log, pytest.raises(PolicyNotApproved) as err:
        require_approved("gate", sha256=policy.sha256, version=policy.version, path=path, log=log)
    msg = str(err.value)
    assert policy.sha256 in msg and str(path) in msg and "gate_policy_path" in msg
    assert f"clinical-pipelines audit approve policy:gate/{policy.sha256}" in msg
    assert "clinical-safety-officer" in msg


def test_only_a_named_person_in_an_allowed_role_approves(tmp_path, audit_env):
    policy = load_gate_policy(relaxed_gate_policy(tmp_path))
    # the wrong role does not count, and says so
    approve(audit_env, "gate", policy.sha256, role="data-engineer")
    with AuditLog(audit_env) as log, pytest.raises(PolicyNotApproved, match="data-engineer"):
        require_approved("gate", sha256=policy.sha256, version=policy.version, log=log)
    # an approval written by a service (not a person) does not count either
    with AuditLog(audit_env) as log:
        log.append(ev.APPROVAL_RECORDED, policy_subject("gate", policy.sha256), actor="dagster:clinical_pipelines",
                   payload={"role": "clinical-lead", "reference": "CR-1"})
        with pytest.raises(PolicyNotApproved):
            require_approved("gate", sha256=policy.sha256, version=policy.version, log=log)
    # an approval of the same hash as a de-id policy does not approve it as a gate policy
    approve(audit_env, "deid", policy.sha256, role="privacy-officer")
    with AuditLog(audit_env) as log, pytest.raises(PolicyNotApproved):
        require_approved("gate", sha256=policy.sha256, version=policy.version, log=log)
    approve(audit_env, "gate", policy.sha256, role="clinical-safety-officer", by="staff-0007")
    with AuditLog(audit_env) as log:
        identity = require_approved("gate", sha256=policy.sha256, version=policy.version, path="relaxed_gates.yaml",
                                    log=log)
    assert identity.approved and not identity.is_default
    assert "human:staff-0007" in identity.approval and "clinical-safety-officer" in identity.approval
    assert identity.warning and "not the default" in identity.warning and policy.version in identity.warning


def test_identify_without_the_audit_log_reports_not_approved(tmp_path):
    policy = load_gate_policy(relaxed_gate_policy(tmp_path))
    identity = identify("gate", sha256=policy.sha256, version=policy.version)
    assert not identity.approved and identity.approval == "not approved" and identity.warning


# ------------------------------------------------------------------- a real run stops at set-up
STARTED: list[str] = []


@dg.asset
def uses_gate_policy(validation_policy: ValidationPolicyResource) -> dict:
    STARTED.append("uses_gate_policy")
    return {"max_ece": validation_policy.policy().max_ece}


@dg.asset
def first_step() -> int:
    STARTED.append("first_step")
    return 1


def _run(instance, path: Path | None):
    config = {"resources": {"validation_policy": {"config": {"gate_policy_path": str(path)}}}} if path else None
    return dg.materialize([first_step, uses_gate_policy], instance=instance, run_config=config,
                          resources={"validation_policy": ValidationPolicyResource()}, raise_on_error=False)


def _failure_messages(result) -> str:
    out = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if error is not None:
            out.append(error.to_string())
        if event.message:
            out.append(event.message)
    return "\n".join(out)


def test_run_config_with_an_unapproved_policy_fails_before_any_step(tmp_path, audit_env):
    path = relaxed_gate_policy(tmp_path)
    sha = file_sha256(path)
    STARTED.clear()
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        refused = _run(instance, path)
        assert not refused.success
        assert STARTED == [], "a step did work although the run's policy is not approved"
        text = _failure_messages(refused)
        assert "is not approved" in text and f"policy:gate/{sha}" in text
        with AuditLog(audit_env) as log:
            blocked = log.query(event_type=ev.GATE_BLOCKED, subject=policy_subject("gate", sha))
        assert len(blocked) == 1 and blocked[0].payload["stage"] == "policy_approval"
        assert blocked[0].payload["dagster_run_id"] == refused.run_id

        approve(audit_env, "gate", sha, role="clinical-lead")
        accepted = _run(instance, path)
        assert accepted.success
        assert accepted.output_for_node("uses_gate_policy") == {"max_ece": 0.5}
        assert sorted(STARTED) == ["first_step", "uses_gate_policy"]
        STARTED.clear()
        assert _run(instance, None).success  # the packaged default needs no audit approval


# ------------------------------------------------------------------ where the identity is shown
def test_model_card_and_trace_name_the_policies_and_warn_when_not_default(tmp_path, audit_env):
    from clinical_pipelines.audit.trace import trace_model
    from clinical_pipelines.evidence.documents import model_card

    relaxed = load_gate_policy(relaxed_gate_policy(tmp_path))
    approve(audit_env, "gate", relaxed.sha256, role="clinical-lead", by="staff-0009")
    default = load_deid_policy()
    with AuditLog(audit_env) as log:
        policies = [identify("deid", sha256=default.sha256, version=default.version, log=log).to_dict(),
                    identify("gate", sha256=relaxed.sha256, version=relaxed.version, path="relaxed_gates.yaml",
                             log=log).to_dict()]
        log.append(ev.MLFLOW_ALIAS_SET, ev.model_subject("risk", 4), actor="dagster:test",
                   payload={"alias": "champion", "policies": policies})
        trace = trace_model(log, "risk", 4)
    card = model_card(model={"name": "risk", "version": "4"}, intended_use={"purpose": "test"}, policies=policies)
    assert "## Policies in force" in card
    assert f"| deid | deid_policy | {default.version} | {default.sha256} | default |" in card
    assert relaxed.sha256 in card and "NOT DEFAULT" in card and "**Warning:**" in card
    assert card.count("**Warning:**") == 1  # the default de-id policy carries none
    text = trace.to_text()
    assert f"gate relaxed_gates version {relaxed.version} sha256 {relaxed.sha256} (NOT DEFAULT" in text
    assert any("not the default" in w for w in trace.warnings) and "WARNINGS:" in text
    assert "human:staff-0009" in text
