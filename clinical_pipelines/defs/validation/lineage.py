"""Chained gates: every gate upstream of a model version, re-verified for its exact lineage.

Before ``model_promotion`` moves the alias it walks the lineage of the version it promotes and
checks, in the Dagster event log, every gate on the way (GMLP 4 and 8; PCCP Modification
Protocol (a) and (c)):

1. the registration in the audit log (hash-chained) names the training dataset's lakeFS commit;
   the MLflow version tag must agree;
2. ``training_dataset``: the run named in that commit's metadata materialized exactly that commit,
   and ``patient_disjoint_split`` passed in it;
3. ``labels``: the last commit before the dataset commit that changed ``studies/<study>/labels/`` was materialized
   by a run whose ``label_agreement`` passed; its label hash is the dataset's, and ``labels/`` is
   unchanged between the two commits;
4. every snapshot of the study in the dataset commit (``studies/<study>/batches/<batch>/``): the last
   commit that changed that folder was materialized as ``deidentified_snapshot`` of that (study, batch)
   partition by a run whose
   de-identification gates all passed, the folder is unchanged since, and its de-id policy is
   approved;
5. ``model_validation``: the run named is the latest validation of the study in the event log, it validated this
   version, every promotion gate passed in it, and its gate policy is approved.

A run id in lakeFS metadata only says where to look: each claim is accepted only if that run's
own materialization names the same commit (commit ids are content hashes), so a hand-made commit
or a snapshot whose gate failed cannot enter a promoted lineage. Ids, hashes and gate names only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import dagster as dg

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.defs.gates import gate_problems, latest_materialization, materialization_in_run
from clinical_pipelines.policy_approval import identify
from clinical_pipelines.study import layout


@dataclass(frozen=True)
class LineageStage:
    stage: str  # "registration", "training_dataset", "labels", "snapshot <batch>", "model_validation"
    run_id: str | None
    commit: str | None
    gates: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass
class LineageVerification:
    model_name: str
    version: str
    stages: list[LineageStage] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"{s.stage}: {p}" for s in self.stages for p in s.problems]

    @property
    def failed_stages(self) -> list[str]:
        return [s.stage for s in self.stages if s.problems]

    def gates_verified(self) -> dict[str, list[str]]:
        return {s.stage: list(s.gates) for s in self.stages if s.gates and not s.problems}

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model_name, "version": self.version, "stages": [asdict(s) for s in self.stages],
                "policies": self.policies, "problems": self.problems}


def _bound_run(instance, asset: str, run_id: str | None, commit: str, key: str = "lakefs_commit",
               partition: str | None = None) -> list[str]:
    """Problems unless ``run_id`` materialized ``asset`` (partition) with metadata ``key`` == ``commit``."""
    if not run_id:
        return [f"commit {commit[:12]} names no Dagster run (not made by the pipeline)"]
    md = materialization_in_run(instance, dg.AssetKey(asset), run_id, partition)
    if md is None:
        return [f"run {run_id} has no materialization of {asset}" + (f" [{partition}]" if partition else "")]
    if str(md.get(key)) != commit:
        return [f"run {run_id} materialized {asset} as {str(md.get(key))[:12]}, not {commit[:12]}"]
    return []


def _unchanged(repo, gated_commit: str, commit: str, prefix: str) -> list[str]:
    changed = sum(1 for _ in repo.ref(gated_commit).diff(commit, prefix=prefix, type="two_dot"))
    return [f"{changed} object(s) under {prefix} differ from the gated commit {gated_commit[:12]}"] if changed else []


def _writer(repo, ref: str, prefix: str):
    """The latest commit in the history of ``ref`` that changed anything under ``prefix``."""
    commits = list(repo.ref(ref).log(max_amount=1, prefixes=[prefix]))
    return commits[0] if commits else None


def _policy(kind: str, sha: str | None, version: str | None, log, out: list[dict]) -> list[str]:
    if not sha:
        return [f"no {kind} policy hash recorded"]
    identity = identify(kind, sha256=sha, version=str(version or "?"), log=log)
    if all(p["sha256"] != identity.sha256 or p["kind"] != kind for p in out):
        out.append(identity.to_dict())
    return [] if identity.approved else [f"{kind} policy {sha[:12]} is not approved"]


def _registration(log, mlflow_client, model_name: str, version: str) -> tuple[LineageStage, str | None, str | None]:
    found = log.query(event_type=audit_events.MLFLOW_MODEL_VERSION_REGISTERED,
                      subject=audit_events.model_subject(model_name, version), descending=True)
    if not found:
        return LineageStage("registration", None, None, (), ("no registration of this version in the audit log",)), \
            None, None
    p = found[0].payload
    repo, commit = p.get("lakefs_repository"), p.get("lakefs_commit")
    problems = [] if repo and commit else ["the registration names no lakeFS dataset commit"]
    tag = mlflow_client.get_model_version(model_name, version).tags.get("lakefs_commit")
    if commit and tag != commit:
        problems.append("the MLflow tag lakefs_commit differs from the audited registration")
    return LineageStage("registration", p.get("dagster_run_id"), commit, (), tuple(problems)), repo, commit


def _snapshot_stages(instance, repo, study_id: str, dataset_commit: str, snapshot_gates, log,
                     policies) -> list[LineageStage]:
    from clinical_pipelines.defs.partitions import batch_key

    prefix = layout.snapshots_prefix(study_id)
    batches = layout.snapshot_batch_ids(study_id, [o.path for o in repo.ref(dataset_commit).objects(prefix=prefix)])
    if not batches:
        return [LineageStage("snapshots", None, None, (), ("the dataset commit holds no released snapshot",))]
    stages = []
    for batch in batches:
        folder = layout.snapshot_prefix(study_id, batch)
        partition = batch_key(study_id, batch)
        writer = _writer(repo, dataset_commit, folder)
        if writer is None:
            stages.append(LineageStage(f"snapshot {batch}", None, None, (), ("no commit wrote it",)))
            continue
        md = writer.metadata or {}
        run_id = md.get("dagster_run_id")
        problems = _bound_run(instance, "deidentified_snapshot", run_id, writer.id, partition=partition)
        if not problems:
            problems += gate_problems(instance, dg.AssetKey("deidentified_snapshot"), snapshot_gates, run_id, partition)
        problems += _unchanged(repo, writer.id, dataset_commit, folder)
        problems += _policy("deid", md.get("policy_sha256"), _manifest_version(repo, writer.id, folder), log, policies)
        stages.append(LineageStage(f"snapshot {batch}", run_id, writer.id, tuple(snapshot_gates), tuple(problems)))
    return stages


def _manifest_version(repo, commit: str, folder: str) -> str | None:
    import json

    with repo.ref(commit).object(f"{folder}manifest.json").reader(mode="rb") as fh:
        return json.loads(fh.read()).get("policy_version")


def _labels_stage(instance, repo, study_id: str, dataset_commit: str, dataset_md: dict, gate: str) -> LineageStage:
    prefix = layout.labels_prefix(study_id)
    writer = _writer(repo, dataset_commit, prefix)
    if writer is None:
        return LineageStage("labels", None, None, (gate,), ("no commit wrote the consensus labels",))
    md = writer.metadata or {}
    run_id = md.get("dagster_run_id")
    problems = _bound_run(instance, "labels", run_id, writer.id, partition=study_id)
    if not problems:
        problems += gate_problems(instance, dg.AssetKey("labels"), [gate], run_id, study_id)
    if md.get("labels_sha256") != dataset_md.get("labels_sha256"):
        problems.append("the dataset's label hash is not the hash of the consensus labels it contains")
    problems += _unchanged(repo, writer.id, dataset_commit, prefix)
    return LineageStage("labels", run_id, writer.id, (gate,), tuple(problems))


def verify_lineage(instance, lakefs, mlflow_client, log, *, study_id: str, model_name: str, version: str,
                   validation_run_id: str, snapshot_gates, label_gate: str, split_gate: str,
                   validation_gates, gate_policy: tuple[str | None, str | None]) -> LineageVerification:
    """Re-verify every gate in the lineage of ``model_name`` ``version`` of study ``study_id`` (see module doc).

    ``lakefs``: ``LakeFSResource``; ``log``: ``AuditLog``; ``gate_policy``: (sha256, version) the
    validation recorded. Never raises for a failed gate: problems are collected per stage.
    """
    result = LineageVerification(model_name, version)
    reg, repo_name, dataset_commit = _registration(log, mlflow_client, model_name, version)
    result.stages.append(reg)
    if repo_name and dataset_commit:
        repo = lakefs.repository(repo_name, create=False)
        dataset_md = repo.ref(dataset_commit).get_commit().metadata or {}
        run_id = dataset_md.get("dagster_run_id")
        problems = _bound_run(instance, "training_dataset", run_id, dataset_commit, partition=study_id)
        if not problems:
            problems += gate_problems(instance, dg.AssetKey("training_dataset"), [split_gate], run_id, study_id)
        result.stages.append(LineageStage("training_dataset", run_id, dataset_commit, (split_gate,), tuple(problems)))
        result.stages.append(_labels_stage(instance, repo, study_id, dataset_commit, dataset_md, label_gate))
        result.stages.extend(_snapshot_stages(instance, repo, study_id, dataset_commit, list(snapshot_gates), log,
                                              result.policies))
    problems = []
    latest = latest_materialization(instance, dg.AssetKey("model_validation"), partition=study_id)
    if latest is None or latest[0] != validation_run_id:
        problems.append(f"run {validation_run_id} is not the latest validation of study {study_id} in the event "
                        "log; re-run model_validation")
    problems += _bound_run(instance, "model_validation", validation_run_id, version, key="mlflow_model_version",
                           partition=study_id)
    problems += gate_problems(instance, dg.AssetKey("model_validation"), list(validation_gates), validation_run_id,
                              study_id)
    problems += _policy("gate", gate_policy[0], gate_policy[1], log, result.policies)
    result.stages.append(LineageStage("model_validation", validation_run_id, None, tuple(validation_gates),
                                      tuple(problems)))
    return result
