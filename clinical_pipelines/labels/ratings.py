"""Ratings of every released batch as one long table for the agreement statistics.

The extract contract refuses an empty or out-of-set label at ingest (docs/BAD_INPUTS.md), but the
labels step reads *all* released batches, including any released before a contract change. An
empty label there is a missing rating: the (encounter, rater) pair is left out, which is how
Krippendorff's alpha represents missing data (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability"), and it is counted per batch. A non-empty label outside {0, 1} cannot be
interpreted and stops the step with a message naming the batch, the column and the count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clinical_pipelines.labels.agreement import ALLOWED_LABELS, ITEM_COL, LABEL_COL, RATER_COL, LabelDataError

BATCH_COL = "lineage_batch_id"


@dataclass(frozen=True)
class RatingsTable:
    """``long``: columns item_id, rater_id, label (int 0/1); missing ratings left out and counted."""

    long: pd.DataFrame
    n_missing: int
    missing_by_batch: dict[str, int]


def ratings_from_snapshots(raw: pd.DataFrame, *, item_col: str = "encounter_pid") -> RatingsTable:
    """The long ratings table of the de-identified ``labels`` tables of the released batches.

    ``raw`` has ``item_col``, ``rater_id``, ``label`` and (for per-batch counts) ``lineage_batch_id``.
    Raises :class:`LabelDataError` for missing columns or labels outside {0, 1} (names and counts only).
    """
    needed = [c for c in (item_col, RATER_COL, LABEL_COL) if c not in raw.columns]
    if needed:
        raise LabelDataError(f"released labels lack column(s) {needed}; re-run the snapshot of the batches concerned")
    text = raw[LABEL_COL].astype("string").str.strip()
    missing = (text.isna() | (text == "")).to_numpy()
    numbers = pd.to_numeric(text.mask(missing), errors="coerce")
    bad = ~missing & ~numbers.isin(ALLOWED_LABELS).to_numpy()
    batches = raw[BATCH_COL].astype("string").fillna("(unknown batch)") if BATCH_COL in raw.columns else \
        pd.Series("(unknown batch)", index=raw.index, dtype="string")
    if bad.any():
        where = sorted(batches[bad].unique().tolist())
        raise LabelDataError(
            f"column {LABEL_COL!r} has {int(bad.sum())} value(s) outside {list(ALLOWED_LABELS)} in released "
            f"batch(es) {where}; correct the labels at the source and release them under a new batch id"
        )
    keep = ~missing
    long = pd.DataFrame({
        ITEM_COL: raw.loc[keep, item_col].to_numpy(),
        RATER_COL: raw.loc[keep, RATER_COL].to_numpy(),
        LABEL_COL: numbers[keep].astype(int).to_numpy(),
    })
    per_batch = batches[missing].value_counts()
    return RatingsTable(long=long, n_missing=int(missing.sum()),
                        missing_by_batch={str(k): int(v) for k, v in sorted(per_batch.items())})
