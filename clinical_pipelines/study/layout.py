"""Where a study's data lives in lakeFS and what its MLflow model is called: one function per fact.

Several studies share one deployment: the lakeFS repositories of ``clinical_pipelines.settings``
(``clinical-landing``, ``clinical-deid``, ``clinical-evidence``) hold one folder per study, and
each study has its own MLflow registered model and experiment.

lakeFS paths (``<sid>`` = study id, ``<batch>`` = ingest batch id)::

    clinical-landing   studies/<sid>/<batch>/<file>              the extract as received
                       studies/<sid>/_manifests/<batch>.json     manifest of an ingested batch
                       studies/<sid>/_quarantine/<batch>.json    why a batch was refused
    clinical-deid      studies/<sid>/batches/<batch>/...         de-identified snapshot of a batch
                       studies/<sid>/labels/...                  consensus labels and agreement
                       studies/<sid>/training/<sha16>/...        training dataset and split manifest
                       models/<model name>/v<version>.json       back-link to the MLflow version
    clinical-evidence  bundles/<model name>/v<version>/<run8>/   evidence bundles

MLflow: registered model and experiment ``clinical-<sid>-risk`` (the built-in ``mace`` study keeps
``clinical-mace-risk``). Study ids follow ``STUDY_ID_RE`` (lower case, digits, hyphens), so every
name built here is a valid lakeFS path, branch part and MLflow model name. No Dagster import.
"""

from __future__ import annotations

import re

from clinical_pipelines.study.spec import STUDY_ID_RE

STUDIES_ROOT = "studies"
_STUDY = re.compile(STUDY_ID_RE)
# A batch id becomes a lakeFS path segment, a branch-name part and a Dagster partition key.
BATCH_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
_BATCH = re.compile(BATCH_ID_RE)


class LayoutError(ValueError):
    """A study id or batch id that cannot name a place in lakeFS (message names the rule, not data)."""


def require_study_id(study_id: str) -> str:
    if not isinstance(study_id, str) or not _STUDY.match(study_id):
        raise LayoutError(f"study id {study_id!r} does not match {STUDY_ID_RE} (lower-case letters, digits, hyphens)")
    return study_id


def require_batch_id(batch_id: str) -> str:
    if not isinstance(batch_id, str) or not _BATCH.match(batch_id) or ".." in batch_id:
        raise LayoutError(f"batch id {batch_id!r} does not match {BATCH_ID_RE} (letters, digits, '.', '_', '-')")
    return batch_id


# ------------------------------------------------------------------------------ landing zone
def study_prefix(study_id: str) -> str:
    """``studies/<sid>/``: the study's folder in every repository."""
    return f"{STUDIES_ROOT}/{require_study_id(study_id)}/"


def landing_batch_prefix(study_id: str, batch_id: str) -> str:
    return f"{study_prefix(study_id)}{require_batch_id(batch_id)}/"


def landing_manifest_path(study_id: str, batch_id: str) -> str:
    return f"{study_prefix(study_id)}_manifests/{require_batch_id(batch_id)}.json"


def landing_quarantine_path(study_id: str, batch_id: str) -> str:
    return f"{study_prefix(study_id)}_quarantine/{require_batch_id(batch_id)}.json"


def is_batch_folder_name(name: str) -> bool:
    """A landing-zone folder under ``studies/<sid>/`` that holds a batch (not ``_manifests`` etc.)."""
    return bool(name) and not name.startswith("_") and bool(_BATCH.match(name))


# ------------------------------------------------------------------------------ de-identified zone
def snapshots_prefix(study_id: str) -> str:
    """``studies/<sid>/batches/``: every released snapshot of the study."""
    return f"{study_prefix(study_id)}batches/"


def snapshot_prefix(study_id: str, batch_id: str) -> str:
    return f"{snapshots_prefix(study_id)}{require_batch_id(batch_id)}/"


def snapshot_batch_ids(study_id: str, paths: list[str]) -> list[str]:
    """Batch ids of the snapshots among ``paths`` (those holding ``.../<batch>/manifest.json``)."""
    root = snapshots_prefix(study_id)
    out = set()
    for p in paths:
        if p.startswith(root) and p.endswith("/manifest.json"):
            rest = p[len(root):].split("/")
            if len(rest) == 2:
                out.add(rest[0])
    return sorted(out)


def labels_prefix(study_id: str) -> str:
    return f"{study_prefix(study_id)}labels/"


def training_prefix(study_id: str) -> str:
    return f"{study_prefix(study_id)}training/"


# ------------------------------------------------------------------------------ MLflow
def registered_model_name(study_id: str) -> str:
    """``clinical-<sid>-risk``: the MLflow registered model of the study (alias ``champion`` on it)."""
    return f"clinical-{require_study_id(study_id)}-risk"


def experiment_name(study_id: str) -> str:
    """The MLflow experiment of the study's training runs (same name as its registered model)."""
    return registered_model_name(study_id)


def study_of_model(model_name: str) -> str | None:
    """The study id of a registered model name made by :func:`registered_model_name`, else None."""
    m = re.match(r"^clinical-(?P<sid>.+)-risk$", model_name or "")
    return m.group("sid") if m and _STUDY.match(m.group("sid")) else None
