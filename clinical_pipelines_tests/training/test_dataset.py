"""The rows a study trains on: the study's unit table joined to its labels on the unit pseudonym."""

import pandas as pd
import pytest

from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines.training.dataset import TrainingDataError, labelled_rows, row_table
from clinical_pipelines.training.design import evaluation_design


def test_row_table_and_unit_column_follow_the_spec():
    mace, hd = load_builtin_study("mace"), load_builtin_study("heart-disease")
    assert row_table(mace) == "encounters" and evaluation_design(mace).encounter_column == "encounter_pid"
    assert row_table(hd) == "patients" and evaluation_design(hd).encounter_column == "patient_pid"


def test_labelled_rows_join_on_the_unit_and_fail_closed():
    design = evaluation_design(load_builtin_study("heart-disease"))
    rows = pd.DataFrame({"patient_pid": ["a", "b", "c"], "label": ["x", "y", "z"]})
    labels = pd.DataFrame({"patient_pid": ["a", "c", "d"], "label": [1, 0, 1]})
    out = labelled_rows(rows, labels, design)
    assert out.set_index("patient_pid")["label"].to_dict() == {"a": 1, "c": 0}, "the study's label replaces a column"
    with pytest.raises(TrainingDataError, match="no released row has a label"):
        labelled_rows(rows, labels.assign(patient_pid=["q", "r", "s"]), design)
    with pytest.raises(TrainingDataError, match="patient_pid"):
        labelled_rows(rows.rename(columns={"patient_pid": "x"}), labels, design)
