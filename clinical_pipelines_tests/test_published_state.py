"""Protected, watched published state against the real lakeFS and MLflow servers (session ``stack``).

Each test uses its own repository and model name, so nothing here touches the project's
repositories: branch protection and the gate-attestation hook refuse hand writes and hand merges;
a merge made past them with admin rights, and a direct MLflow alias move, are found by
``check_published_state`` and recorded once as ``published_state.diverged`` audit events. The
Dagster sensor and check on the project's own repositories: ``test_published_state_dagster.py``.
"""

from __future__ import annotations

import time
import uuid

import pytest

from clinical_pipelines.audit import events as ev
from clinical_pipelines.lakefs_protection import (
    ACTION_PATH, ATTESTATION, PROTECTED_BRANCH, SETTINGS_CACHE_SECONDS, attest, status, verify_attestation,
)
from clinical_pipelines.published_state import (
    ALIAS, HEAD, HOOK, PROTECTION, check_published_state, record_findings,
)

pytestmark = pytest.mark.services


@pytest.fixture
def res(stack):
    from clinical_pipelines.defs.resources import resources_for

    return resources_for(stack)


@pytest.fixture
def repo_name():
    return f"ps-{uuid.uuid4().hex[:10]}"


def settled() -> None:
    """Wait until lakeFS applies changed branch-protection rules (it caches repository settings)."""
    time.sleep(SETTINGS_CACHE_SECONDS)


def _hard_reset(repo, ref: str) -> None:
    repo._client.sdk_client.experimental_api.hard_reset_branch(repo.id, PROTECTED_BRANCH, ref)  # noqa: SLF001


def _branch_with_file(repo, name: str, path: str = "batches/b1/data.txt", data: bytes = b"42\n") -> str:
    branch = repo.branch(name)
    branch.create(source_reference=PROTECTED_BRANCH)
    branch.object(path).upload(data, mode="wb")
    return branch.commit(f"write {path}", metadata={"test": "1"}).get_commit().id


def _check(res, repo_name: str, *, model: str = "ps-no-model"):
    return check_published_state(res["lakefs"].client(), res["mlflow"].client(), res["audit_log"].log(),
                                 repositories=[repo_name], modes={repo_name: "hook"}, model_name=model,
                                 alias="champion", settle_seconds=0)


def _refused(callable_, *fragments: str) -> str:
    from lakefs.exceptions import LakeFSException
    from lakefs_sdk.exceptions import ApiException

    with pytest.raises((LakeFSException, ApiException)) as err:
        callable_()
    text = str(err.value)
    for fragment in fragments:
        assert fragment in text, f"lakeFS refused, but not with '{fragment}'"
    return text


def test_main_is_protected_and_refuses_direct_writes(res, repo_name):
    repo = res["lakefs"].repository(repo_name, protection="hook")
    st = status(repo)
    assert st.main_protected and st.hook_intact
    main = repo.branch(PROTECTED_BRANCH)
    head = main.get_commit().id
    _refused(lambda: main.object("x.txt").upload(b"x", mode="wb"))
    _refused(lambda: main.commit("direct", allow_empty=True))
    _refused(lambda: main.reset_changes())
    first = main.get_commit().parents[0]
    _refused(lambda: _hard_reset(repo, first))
    assert main.get_commit().id == head
    assert _check(res, repo_name).ok  # the hook installation was recorded


def test_only_an_attested_merge_of_the_gated_commit_reaches_main(res, repo_name):
    lakefs_res = res["lakefs"]
    repo = lakefs_res.repository(repo_name, protection="hook")
    main = repo.branch(PROTECTED_BRANCH)
    gated = _branch_with_file(repo, "deid-b1")
    before = main.get_commit().id

    # a hand merge (no attestation) is refused by the pre-merge hook
    _refused(lambda: repo.branch("deid-b1").merge_into(main, message="hand merge"), "no gate attestation")
    # an attestation forged with another key is refused
    forged = attest("f" * 64, repository=repo_name, branch=PROTECTED_BRANCH, source_commit=gated,
                    gates=["residual_phi_scan"], gates_run_id="run-1")
    _refused(lambda: repo.ref(gated).merge_into(main, message="forged", metadata=forged), "does not verify")
    # an attestation of the gated commit does not cover the branch after it moved
    key = lakefs_res.gate_key()
    good = attest(key, repository=repo_name, branch=PROTECTED_BRANCH, source_commit=gated,
                  gates=["residual_phi_scan"], gates_run_id="run-1")
    repo.branch("deid-b1").object("batches/b1/encounters.csv").upload(b"raw\n", mode="wb")
    moved = repo.branch("deid-b1").commit("added after the gates ran").get_commit().id
    _refused(lambda: repo.branch("deid-b1").merge_into(main, message="moved", metadata=good), "moved after")
    # an attestation for another repository or branch does not verify here
    other = attest(key, repository="clinical-deid", branch=PROTECTED_BRANCH, source_commit=moved,
                   gates=["residual_phi_scan"], gates_run_id="run-1")
    _refused(lambda: repo.ref(moved).merge_into(main, message="other repo", metadata=other), "does not verify")
    assert main.get_commit().id == before

    # the pipeline's merge of the exact gated commit goes through, attested and audited
    merge_commit = lakefs_res.merge(repo_name, gated, message="release", metadata={"gates": "residual_phi_scan"},
                                    gates_run_id="run-1")
    assert main.get_commit().id == merge_commit
    md = main.get_commit().metadata
    assert verify_attestation(key, repository=repo_name, branch=PROTECTED_BRANCH, source_commit=gated, metadata=md)
    assert md[ATTESTATION] and md["gated_commit"] == gated
    assert "batches/b1/encounters.csv" not in [o.path for o in main.objects(prefix="batches/")]
    (event,) = res["audit_log"].log().query(event_type=ev.LAKEFS_MERGE,
                                            subject=ev.lakefs_subject(repo_name, merge_commit))
    assert event.payload["source_commit"] == gated and event.payload["gates"] == ["residual_phi_scan"]
    assert _check(res, repo_name).ok


def test_changes_made_past_the_hook_and_protection_are_found_and_recorded(res, repo_name):
    from lakefs_sdk import BranchProtectionRule

    lakefs_res = res["lakefs"]
    log = res["audit_log"].log()
    repo = lakefs_res.repository(repo_name, protection="hook")
    main = repo.branch(PROTECTED_BRANCH)
    recorded_head = main.get_commit().id

    # 1. an ungated branch whose author deleted the action file: lakeFS loads hooks from the merge
    #    source, so the hand merge goes through -- and the watcher reports it
    _branch_with_file(repo, "ungated")
    repo.branch("ungated").object(ACTION_PATH).delete()
    repo.branch("ungated").commit("drop the hook")
    repo.branch("ungated").merge_into(main, message="hand merge without the hook")
    report = _check(res, repo_name)
    assert {f.kind for f in report.findings} == {HEAD, HOOK}
    assert all(recorded_head[:12] in f.detail or f.kind == HOOK for f in report.findings)
    new = record_findings(log, report, actor="test:watcher")
    assert len(new) == 2 and all(e.event_type == ev.PUBLISHED_STATE_DIVERGED for e in new)
    assert record_findings(log, report, actor="test:watcher") == []  # recorded once

    # 2. an admin lifts protection, hard-resets main and commits directly
    api = repo._client.sdk_client.repositories_api  # noqa: SLF001
    api.set_branch_protection_rules(repo_name, [])
    settled()
    _hard_reset(repo, recorded_head)
    main.object("notes.txt").upload(b"edited\n", mode="wb")
    main.commit("admin write")
    kinds = {f.kind for f in _check(res, repo_name).findings}
    assert kinds == {HEAD, PROTECTION}

    # restoring what the audit log records clears the finding
    _hard_reset(repo, recorded_head)
    api.set_branch_protection_rules(repo_name, [BranchProtectionRule(pattern=PROTECTED_BRANCH)])
    assert _check(res, repo_name).ok


def _tiny_model_versions(tracking_uri: str, name: str, n: int) -> list[str]:
    import mlflow
    import numpy as np
    from mlflow import sklearn as mlflow_sklearn
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]))
    # this process may have talked to another test world's MLflow before: point every global at this server
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    mlflow.set_experiment("published-state-test")
    versions = []
    for _ in range(n):
        with mlflow.start_run():
            info = mlflow_sklearn.log_model(model, name="model", registered_model_name=name,
                                            pip_requirements=["scikit-learn"])
        versions.append(str(info.registered_model_version))
    return versions


def test_a_direct_alias_move_is_found_and_recorded(res):
    name = f"ps-model-{uuid.uuid4().hex[:8]}"
    mlflow_res, log = res["mlflow"], res["audit_log"].log()
    client = mlflow_res.client()
    v1, v2 = _tiny_model_versions(mlflow_res.tracking_uri, name, 2)
    check = lambda: check_published_state(res["lakefs"].client(), client, log, repositories=[],  # noqa: E731
                                          model_name=name, alias="champion", settle_seconds=0)
    assert check().ok  # no alias, none recorded
    mlflow_res.set_alias(name, "champion", v1, payload={"gates": ["test"]})  # what model_promotion does
    assert check().ok

    client.set_registered_model_alias(name, "champion", v2)  # by hand, no gate
    report = check()
    (finding,) = report.findings
    assert (finding.kind, finding.expected, finding.actual) == (ALIAS, v1, v2)
    (event,) = record_findings(log, report, actor="test:watcher")
    assert event.subject == ev.model_subject(name, v2) and event.payload["expected"] == v1

    client.delete_registered_model_alias(name, "champion")
    (finding,) = check().findings
    assert (finding.expected, finding.actual) == (v1, None)
    client.set_registered_model_alias(name, "champion", v1)  # restored
    assert check().ok
