"""Labels read from every released batch: a missing rating never crashes a later run (docs/BAD_INPUTS.md)."""

from __future__ import annotations


import pandas as pd
import pytest

from clinical_pipelines.labels.agreement import LabelDataError, agreement_report, consensus_labels
from clinical_pipelines.labels.ratings import ratings_from_snapshots
from clinical_pipelines.settings import REPO_ROOT

SHARED_CASES = REPO_ROOT.parent / "shared" / "cases"


def _released(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(batch, encounter_pid, rater_id, label) rows as the de-identified labels tables hold them (text)."""
    return pd.DataFrame(rows, columns=["lineage_batch_id", "encounter_pid", "rater_id", "label"]).astype("string")


def test_empty_label_in_a_released_batch_is_a_missing_rating():
    raw = _released([("b1", "p1", "r1", "1"), ("b1", "p1", "r2", ""), ("b1", "p1", "r3", "1"),
                     ("b1", "p2", "r1", "0"), ("b1", "p2", "r2", "0"), ("b2", "p3", "r1", "1"),
                     ("b2", "p3", "r2", None)])
    ratings = ratings_from_snapshots(raw)
    assert ratings.n_missing == 2 and ratings.missing_by_batch == {"b1": 1, "b2": 1}
    assert len(ratings.long) == 5 and ratings.long["label"].dtype.kind == "i"
    report = agreement_report(ratings.long, n_boot=50)
    assert report["n_ratings"] == 5 and report["krippendorff_alpha"]["estimate"] is not None
    consensus = consensus_labels(ratings.long).set_index("item_id")
    assert consensus.loc["p1", "n_raters"] == 2 and consensus.loc["p1", "label"] == 1


def test_label_outside_the_allowed_set_in_a_release_stops_naming_batch_and_column():
    raw = _released([("b7", "p1", "r1", "1"), ("b7", "p1", "r2", "yes-ish")])
    with pytest.raises(LabelDataError) as err:
        ratings_from_snapshots(raw)
    assert "'label'" in str(err.value) and "b7" in str(err.value) and "yes-ish" not in str(err.value)


def test_a_duplicate_rating_across_released_batches_stops_with_a_count():
    raw = _released([("b1", "p1", "r1", "1"), ("b2", "p1", "r1", "0"), ("b1", "p1", "r2", "1")])
    with pytest.raises(LabelDataError, match="1 duplicate"):
        agreement_report(ratings_from_snapshots(raw).long, n_boot=10)


def test_missing_columns_are_named():
    with pytest.raises(LabelDataError, match="rater_id"):
        ratings_from_snapshots(pd.DataFrame({"encounter_pid": ["p1"], "label": ["1"]}))


def test_shared_case_labels_missing_rating():
    case = SHARED_CASES / "labels-missing-rating.labels.csv"
    if not case.is_file():
        pytest.skip(f"shared case not present: {case}")
    labels = pd.read_csv(case, dtype=str, keep_default_na=False)  # as parse_raw_batch reads it
    raw = labels.rename(columns={"encounter_id": "encounter_pid"}).assign(lineage_batch_id="case")
    ratings = ratings_from_snapshots(raw)
    assert ratings.n_missing == 1
    per_item = ratings.long.groupby("item_id").size().to_dict()
    assert per_item == {"E1": 2, "E2": 2}  # E1 keeps its two ratings
    assert agreement_report(ratings.long, n_boot=20)["n_items"] == 2
