"""Two jobs: one per study and ingest batch (raw -> de-identified -> released), one per study for the model lifecycle.

Both run their steps in one process: spaCy, scikit-learn and MLflow load once per run instead of
once per step, which matters on small machines and changes nothing about what is recorded. Job
names and partitions: ``defs/partitions.py``.
"""

import dagster as dg

from clinical_pipelines.defs.partitions import MODEL_JOB, SNAPSHOT_JOB

MODEL_GROUPS = ("labels", "training", "validation", "monitoring", "evidence")

deidentified_snapshot_job = dg.define_asset_job(
    SNAPSHOT_JOB,
    selection=dg.AssetSelection.assets("raw_extract", "deidentified_snapshot", "released_snapshot"),
    executor_def=dg.in_process_executor,
    description="Ingest one batch of a study, de-identify it on its own lakeFS branch, check it, and release it "
    "to main (partition: study x batch).",
)

model_lifecycle_job = dg.define_asset_job(
    MODEL_JOB,
    selection=dg.AssetSelection.groups(*MODEL_GROUPS),
    executor_def=dg.in_process_executor,
    description="Labels -> training dataset -> model -> validation gates -> promotion -> drift -> evidence bundle, "
    "for one study (partition: study).",
)
