"""A small published world on its own real lakeFS + MLflow, for the chained-gate and policy tests.

These tests merge a gate-failed snapshot into ``clinical-deid`` main past its protection, on
purpose. They run on services started here (the same ``services`` module as the session ``stack``
fixture, in another data directory and on other ports), so nothing they do reaches the session's
repositories; the environment is restored afterwards. The world: a small synthetic cohort, one
de-identified snapshot release per site batch under the packaged de-id policy, and a model
lifecycle (labels -> training -> validation -> promotion) under a gate policy approved for this
small cohort by a named role in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import dagster as dg
import yaml

from clinical_pipelines.defs.partitions import batch_key, register_batches
from clinical_pipelines.settings import LANDING_REPOSITORY
from clinical_pipelines.study.layout import landing_batch_prefix

SNAPSHOT_ASSETS = ("raw_extract", "deidentified_snapshot", "released_snapshot")
STUDY = "mace"  # the world's study: the built-in synthetic MACE cohort
LIFECYCLE = dg.AssetSelection.groups("labels", "training", "validation")
COHORT_PATIENTS = 450


@contextmanager
def own_stack(home: Path) -> Iterator:
    """lakeFS + MLflow in ``home`` on free ports; yields Settings; the environment is restored after."""
    from clinical_pipelines import services
    from clinical_pipelines.settings import Settings, write_secret

    settings = Settings(home=home, lakefs_port=services.free_port(), mlflow_port=services.free_port())
    saved = dict(os.environ)
    os.environ["CLINICAL_PIPELINES_HOME"] = str(home)
    os.environ["CLINICAL_PIPELINES_LAKEFS_PORT"] = str(settings.lakefs_port)
    os.environ["CLINICAL_PIPELINES_MLFLOW_PORT"] = str(settings.mlflow_port)
    for key in ("CLINICAL_PIPELINES_AUDIT_DB_URL", "CLINICAL_PIPELINES_GATE_KEY_FILE",
                "CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE", "CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE",
                "CLINICAL_PIPELINES_ANCHOR_DIR", "CLINICAL_PIPELINES_ANCHOR_REPOSITORY"):
        os.environ.pop(key, None)
    try:
        services.up(settings, ("lakefs", "mlflow"))
        write_secret(settings.pseudonym_key_file, hashlib.sha256(b"clinical-pipelines test key").hexdigest())
        settings.ensure_local_secrets()
        os.environ.update(settings.service_env())
        yield settings
    finally:
        services.down(settings, ("lakefs", "mlflow"))
        os.environ.clear()
        os.environ.update(saved)


def resources(**overrides):
    from clinical_pipelines.defs.resources import default_resources

    return {**default_resources(), **overrides}


def lakefs_resource(settings):
    from clinical_pipelines.defs.resources import resources_for

    return resources_for(settings)["lakefs"]


def failure_text(result) -> str:
    """Every error and message of a run (step failures and resource set-up failures)."""
    out = []
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if error is not None:
            out.append(error.to_string())
        if event.message:
            out.append(event.message)
    return "\n".join(out)


def approve_policy(kind: str, path: Path, *, by: str = "staff-0042", role: str | None = None) -> None:
    from clinical_pipelines.audit.cli import audit_main
    from clinical_pipelines.policy_approval import file_sha256, load_approved_record, policy_subject

    role = role or load_approved_record().approver_roles[kind][0]
    assert audit_main(["approve", policy_subject(kind, file_sha256(path)), "--by", by, "--role", role,
                       "--reference", "CR-2041"]) == 0


def gate_policy_for_small_cohort(directory: Path, **threshold_overrides) -> Path:
    """The packaged gate policy with thresholds a few hundred synthetic patients can meet."""
    from clinical_pipelines.validation.gates import DEFAULT_POLICY_PATH

    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    data["version"] = data["version"] + "-small-cohort-test"
    data["discrimination_statistic"] = "point"
    data["thresholds"].update({"min_auroc_internal": 0.5, "min_auroc_temporal": 0.5, "min_auroc_external": 0.5,
                               "min_auroc_per_external_site": 0.5, "max_calibration_slope_deviation": 5.0,
                               "max_ece": 0.5, "max_subgroup_auroc_gap": 1.0, "min_sensitivity": 0.0})
    data["thresholds"].update(threshold_overrides)
    data["subgroups"].update({"min_n": 5, "min_events": 1})
    data["labels"]["min_label_agreement"] = 0.0
    path = directory / f"gates-{hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def gate_policy_run_config(path: Path) -> dict:
    return {"resources": {"validation_policy": {"config": {"gate_policy_path": str(path)}}}}


PLAIN_NOTE = "Chest pain on exertion. ECG without acute changes. Troponin pending. Plan: observe and repeat."


def plain_notes(files: dict[str, bytes]) -> dict[str, bytes]:
    """The batch with every note's text replaced by a fixed clinical sentence without identifiers.

    These tests are about which gates a lineage passed, not about how well free text is
    de-identified (``clinical_pipelines_tests/deid`` and the end-to-end test cover that), so the
    world's snapshots pass their de-identification gates whatever the text engine's recall.
    """
    lines = []
    for line in files["notes.jsonl"].decode().splitlines():
        if line.strip():
            note = json.loads(line)
            note["text"] = PLAIN_NOTE
            lines.append(json.dumps(note))
    return {**files, "notes.jsonl": ("\n".join(lines) + "\n").encode()}


@dataclass
class World:
    settings: object
    defs: dg.Definitions
    instance: dg.DagsterInstance
    root: Path
    batches: list[str] = field(default_factory=list)
    gate_policy: Path | None = None

    def snapshot(self, batch_id: str, selection=SNAPSHOT_ASSETS, **resource_overrides):
        return dg.materialize(list(self.defs.assets), selection=list(selection), instance=self.instance,
                              partition_key=batch_key(STUDY, batch_id), resources=resources(**resource_overrides),
                              raise_on_error=False)

    def lifecycle(self, gate_policy: Path | None = None, selection=LIFECYCLE):
        policy = gate_policy or self.gate_policy
        return dg.materialize(list(self.defs.assets), selection=selection, instance=self.instance,
                              partition_key=STUDY, resources=resources(), run_config=gate_policy_run_config(policy) if policy else None,
                              raise_on_error=False)

    def land(self, files: dict[str, bytes], batch_id: str) -> None:
        extract = json.loads(files["extract.json"])
        extract["batch_id"] = batch_id
        files = {**files, "extract.json": json.dumps(extract).encode()}
        s3 = lakefs_resource(self.settings).s3()
        for name, data in files.items():
            s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, batch_id)}{name}", Body=data)
        register_batches(self.instance, STUDY, [batch_id])

    def champion(self) -> str | None:
        from clinical_pipelines.defs.resources import resources_for
        from clinical_pipelines.settings import CHAMPION_ALIAS, REGISTERED_MODEL_NAME

        return resources_for(self.settings)["mlflow"].alias_version(REGISTERED_MODEL_NAME, CHAMPION_ALIAS)


def build_world(settings, root: Path, *, promote: bool = True) -> World:
    """Snapshots of every site batch released; with ``promote``, a model promoted under an approved
    small-cohort gate policy."""
    from clinical_pipelines.definitions import defs as lazy_defs
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    root.mkdir(parents=True, exist_ok=True)
    (root / "dagster_home").mkdir(exist_ok=True)
    world = World(settings, lazy_defs(), dg.DagsterInstance.local_temp(str(root / "dagster_home")), root)
    cohort = generate_cohort(CohortSpec(n_patients=COHORT_PATIENTS))
    lakefs_resource(settings).repository(LANDING_REPOSITORY)
    for batch in cohort:
        world.land(plain_notes(dict(batch.files)), batch.batch_id)
    world.batches = [b.batch_id for b in cohort]
    for batch_id in world.batches:
        result = world.snapshot(batch_id)
        assert result.success, f"snapshot of {batch_id} failed:\n{failure_text(result)[-3000:]}"
    world.gate_policy = gate_policy_for_small_cohort(root)
    approve_policy("gate", world.gate_policy, role="clinical-safety-officer")
    if promote:
        result = world.lifecycle()
        assert result.success, f"model lifecycle failed:\n{failure_text(result)[-3000:]}"
    return world
