"""Ratings of every released batch as one long table for the agreement statistics.

The study's rater table is declared in its spec (``labels:`` of ``study.yaml``,
:class:`~clinical_pipelines.study.spec.RaterLabels`): which table, which columns hold the unit
(encounter), the rater and the label, the allowed labels and the positive one. The unit column is
released as its keyed pseudonym (e.g. ``encounter_id`` -> ``encounter_pid``, :func:`released_name`);
rater and label columns are released as they are.

The extract contract refuses an empty or out-of-set label at ingest (docs/BAD_INPUTS.md), but the
labels step reads *all* released batches, including any released before a contract change. An
empty label there is a missing rating: the (unit, rater) pair is left out, which is how
Krippendorff's alpha represents missing data (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability"), and it is counted per batch. A non-empty label outside the spec's allowed set
cannot be interpreted and stops the step with a message naming the batch, the column and the count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clinical_pipelines.labels.agreement import ITEM_COL, LABEL_COL, RATER_COL, LabelDataError
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import RaterLabels, Study

BATCH_COL = "lineage_batch_id"
PID_SUFFIX = "_pid"  # released name of a keyed pseudonym: <namespace>_pid (clinical_pipelines.deid.study_rules)


@dataclass(frozen=True)
class RatingsTable:
    """``long``: columns item_id, rater, label (int: 1 = the positive label, 0 = another allowed label);
    missing ratings left out and counted. ``item_column``: the released unit column the items came from."""

    long: pd.DataFrame
    n_missing: int
    missing_by_batch: dict[str, int]
    item_column: str = ""


def released_name(study: Study, table: str, column: str) -> str:
    """The released name of a raw column: the keyed pseudonym column for an identifier (``<namespace>_pid``,
    namespaces of :func:`clinical_pipelines.study.roles.deid_actions`), else the column itself."""
    for action in R.deid_actions(study):
        if (action.table, action.column) == (table, column):
            return f"{action.namespace}{PID_SUFFIX}" if action.namespace else column
    raise KeyError(f"study {study.study_id!r} has no column {table}.{column}")


def rater_labels(study: Study | None = None) -> RaterLabels:
    """The study's rater-table declaration (LabelDataError when its outcome is not rated)."""
    study = study_or_default(study)
    if not isinstance(study.labels, RaterLabels):
        raise LabelDataError(f"study {study.study_id!r} has no rater table (labels: not applicable: "
                             f"{study.labels.not_applicable})")
    return study.labels


def ratings_from_snapshots(raw: pd.DataFrame, study: Study | None = None) -> RatingsTable:
    """The long ratings table of the de-identified rater tables of the released batches of ``study``
    (default: the built-in study).

    ``raw`` has the released unit column (:func:`released_name` of ``labels.encounter_column``), the rater and
    label columns of the spec, and (for per-batch counts) ``lineage_batch_id``. Label values are compared as
    text with the spec's ``allowed`` values; the spec's ``positive`` becomes 1, any other allowed value 0.
    Raises :class:`LabelDataError` for missing columns or labels outside the allowed set (names and counts only).
    """
    study = study_or_default(study)
    spec = rater_labels(study)
    item_col = released_name(study, spec.table, spec.encounter_column)
    rater_col, label_col = spec.rater_column, spec.label_column
    needed = [c for c in (item_col, rater_col, label_col) if c not in raw.columns]
    if needed:
        raise LabelDataError(f"released labels lack column(s) {needed}; re-run the snapshot of the batches concerned")
    text = _label_text(raw[label_col])
    missing = (text.isna() | (text == "")).to_numpy()
    bad = ~missing & ~text.isin(spec.allowed).fillna(False).to_numpy()
    batches = raw[BATCH_COL].astype("string").fillna("(unknown batch)") if BATCH_COL in raw.columns else \
        pd.Series("(unknown batch)", index=raw.index, dtype="string")
    if bad.any():
        where = sorted(batches[bad].unique().tolist())
        raise LabelDataError(
            f"column {label_col!r} has {int(bad.sum())} value(s) outside the allowed labels {list(spec.allowed)} in "
            f"released batch(es) {where}; correct the labels at the source and release them under a new batch id"
        )
    keep = ~missing
    long = pd.DataFrame({
        ITEM_COL: raw.loc[keep, item_col].to_numpy(),
        RATER_COL: raw.loc[keep, rater_col].to_numpy(),
        LABEL_COL: (text[keep] == spec.positive).astype(int).to_numpy(),
    })
    per_batch = batches[missing].value_counts()
    return RatingsTable(long=long, n_missing=int(missing.sum()),
                        missing_by_batch={str(k): int(v) for k, v in sorted(per_batch.items())}, item_column=item_col)


def _label_text(values: pd.Series) -> pd.Series:
    """Labels as the spec writes them: text, stripped; a whole float (``1.0`` from a numeric column) as ``1``."""
    text = values.astype("string").str.strip()
    return text.str.replace(r"^([+-]?\d+)\.0+$", r"\1", regex=True)
