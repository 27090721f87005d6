"""The rows a study's model is trained and evaluated on: one released row per unit with its outcome label.

The unit is the encounter (its pseudonym), or the patient in record-level data without encounter ids
(:attr:`clinical_pipelines.training.design.EvaluationDesign.encounter_column`). The row table is the
study's table of units: the table keyed by encounter ids, else the table holding the outcome column,
else the first table with patient ids (never the rater table). Labels come from
:func:`clinical_pipelines.labels.outcome.study_labels`.
"""

from __future__ import annotations

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import RaterLabels, Study
from clinical_pipelines.training.design import EvaluationDesign

LABEL_COLUMN = "label"


class TrainingDataError(ValueError):
    """The released rows cannot be joined to their labels (missing unit column, no labelled row)."""


def row_table(study: Study) -> str:
    """The table with one row per unit of ``study`` (see the module docstring); TrainingDataError when none."""
    rater_table = study.labels.table if isinstance(study.labels, RaterLabels) else None
    for t, spec in study.tables.items():
        key = spec.columns.get(spec.primary_key) if spec.primary_key else None
        if key is not None and key.role == R.ENCOUNTER_ID and t != rater_table:
            return t
    if study.outcome.source == "column" and study.outcome.table:
        return study.outcome.table
    for role in (R.ENCOUNTER_ID, R.PATIENT_ID):
        tables = [c.table for c in study.columns_with_role(role) if c.table != rater_table]
        if tables:
            return tables[0]
    raise TrainingDataError(f"study {study.study_id!r} has no table with encounter or patient ids to train on")


def labelled_rows(rows: pd.DataFrame, consensus: pd.DataFrame, design: EvaluationDesign) -> pd.DataFrame:
    """``rows`` (the released row table of every batch) joined to their ``label`` (inner join on the unit column).

    A label column already in ``rows`` (an outcome column that happens to be called ``label``) is replaced by
    the study's label. Raises :class:`TrainingDataError` naming the missing column, or when no row has a label."""
    unit = design.encounter_column
    for name, frame in (("released rows", rows), ("labels", consensus)):
        if unit not in frame.columns:
            raise TrainingDataError(f"the {name} lack the unit column {unit!r}; re-run the step that wrote them")
    if LABEL_COLUMN not in consensus.columns:
        raise TrainingDataError(f"the labels lack column {LABEL_COLUMN!r}")
    df = rows.drop(columns=[LABEL_COLUMN], errors="ignore").merge(
        consensus[[unit, LABEL_COLUMN]], on=unit, how="inner")
    if df.empty:
        raise TrainingDataError(f"no released row has a label ({len(rows)} rows, {len(consensus)} labels, joined on "
                                f"{unit}): cannot build a training dataset")
    df[LABEL_COLUMN] = df[LABEL_COLUMN].astype(int)
    return df
