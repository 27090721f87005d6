"""Labels as the study spec declares them: a rater table with the study's own column names and label values, or
an outcome column with an expression (label agreement then not applicable, with the spec's reason)."""

from __future__ import annotations

import pandas as pd
import pytest

from clinical_pipelines.labels.agreement import LabelDataError
from clinical_pipelines.labels.outcome import LABEL_AGREEMENT_GATE, study_labels
from clinical_pipelines.labels.ratings import ratings_from_snapshots
from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines.study.spec import load_study
from clinical_pipelines.validation.gates import NOT_APPLICABLE
from clinical_pipelines_tests.study.helpers import base, write_spec


def rated_study(tmp_path):
    """A study whose rater table names its columns its own way and writes labels as words."""
    spec = base()
    spec["tables"]["visits"]["columns"].pop("num")
    spec["tables"]["reviews"] = {"file": "reviews.csv", "format": "csv", "columns": {
        "visit_ref": {"role": "encounter_id"}, "reviewer": {"role": "rater"}, "verdict": {"role": "outcome"},
        "app": {"role": "keep"}}}
    spec["outcome"] = {"name": "event", "source": "raters", "definition": "chart review: event within 30 days"}
    spec["labels"] = {"table": "reviews", "encounter_column": "visit_ref", "rater_column": "reviewer",
                      "label_column": "verdict", "allowed": ["no", "yes", "unsure"], "positive": "yes",
                      "min_raters": 2}
    return load_study(write_spec(tmp_path / "rated", spec))


def reviews(rows):
    return pd.DataFrame(rows, columns=["lineage_batch_id", "encounter_pid", "reviewer", "verdict", "app"]).astype("string")


def test_ratings_use_the_spec_columns_and_label_values(tmp_path):
    study = rated_study(tmp_path)
    raw = reviews([("b1", "v1", "ann", "yes", "tool-a"), ("b1", "v1", "bob", "yes", "tool-a"),
                   ("b1", "v2", "ann", "no", "tool-a"), ("b1", "v2", "bob", "unsure", "tool-b"),
                   ("b1", "v3", "ann", "", "tool-a"), ("b1", "v3", "bob", "no", "tool-a")])
    ratings = ratings_from_snapshots(raw, study)
    assert ratings.item_column == "encounter_pid" and ratings.n_missing == 1
    assert ratings.long.set_index(["item_id", "rater"])["label"].to_dict() == {
        ("v1", "ann"): 1, ("v1", "bob"): 1, ("v2", "ann"): 0, ("v2", "bob"): 0, ("v3", "bob"): 0}
    labels = study_labels({"reviews": raw}, min_agreement=0.5, study=study, n_boot=20, seed=1)
    assert labels.source == "raters" and labels.unit_column == "encounter_pid"
    assert list(labels.consensus.columns[:2]) == ["encounter_pid", "label"]
    assert labels.consensus.set_index("encounter_pid")["label"].to_dict() == {"v1": 1, "v2": 0, "v3": 0}
    assert labels.raters == ["ann", "bob"] and labels.tools == ["tool-a", "tool-b"]
    assert labels.agreement["n_items_below_min_raters"] == 1  # v3 has one rating left
    assert labels.gate.name == LABEL_AGREEMENT_GATE and labels.gate.status in ("pass", "fail")


def test_a_label_outside_the_spec_set_stops_without_the_value(tmp_path):
    study = rated_study(tmp_path)
    raw = reviews([("b9", "v1", "ann", "yes", "t"), ("b9", "v1", "bob", "maybe-later", "t")])
    with pytest.raises(LabelDataError) as err:
        ratings_from_snapshots(raw, study)
    text = str(err.value)
    assert "'verdict'" in text and "b9" in text and "['no', 'yes', 'unsure']" in text and "maybe-later" not in text
    with pytest.raises(LabelDataError, match="reviewer"):
        ratings_from_snapshots(raw.drop(columns=["reviewer"]), study)


def test_outcome_from_a_column_and_label_agreement_not_applicable():
    study = load_builtin_study("heart-disease")
    released = pd.DataFrame({"patient_pid": ["p1", "p2", "p3", "p4"], "num": ["0", "2", None, "1"],
                             "lineage_batch_id": ["a", "a", "b", "b"]}).astype("string")
    labels = study_labels({"patients": released}, min_agreement=0.667, study=study)
    assert labels.source == "column" and labels.unit_column == "patient_pid" and labels.agreement is None
    assert labels.consensus.set_index("patient_pid")["label"].to_dict() == {"p1": 0, "p2": 1, "p4": 1}
    assert labels.summary["n_undecided"] == 1 and labels.summary["undecided_by_batch"] == {"b": 1}
    gate = labels.gate
    assert (gate.name, gate.status, gate.passed) == (LABEL_AGREEMENT_GATE, NOT_APPLICABLE, True)
    assert gate.reason == study.labels.not_applicable and gate.message == f"not applicable: {study.labels.not_applicable}"


def test_an_outcome_value_that_is_not_a_number_stops_with_a_count():
    study = load_builtin_study("heart-disease")
    released = pd.DataFrame({"patient_pid": ["p1", "p2"], "num": ["0", "two"]}).astype("string")
    with pytest.raises(LabelDataError) as err:
        study_labels({"patients": released}, min_agreement=0.667, study=study)
    assert "num: 1" in str(err.value) and "two" not in str(err.value)
    with pytest.raises(LabelDataError, match="patients"):
        study_labels({}, min_agreement=0.667, study=study)


def test_the_built_in_rated_study_keeps_its_rater_table():
    mace = load_builtin_study("mace")
    released = pd.DataFrame({"lineage_batch_id": ["b"] * 4, "encounter_pid": ["e1", "e1", "e2", "e2"],
                             "rater_id": ["r1", "r2", "r1", "r2"], "label": ["1", "1", "0", "0"],
                             "labeled_at": ["2024-01-01T00:00:00"] * 4, "labeling_tool": ["t"] * 4})
    labels = study_labels({"labels": released}, min_agreement=0.667, study=mace, n_boot=10)
    assert labels.unit_column == "encounter_pid" and labels.tools == ["t"] and labels.gate.status == "pass"
