"""Expected evaluation-set sizes in `study check --data`, and the AUROC a model needs for the CI gate."""

from __future__ import annotations

import pytest

from clinical_pipelines.study.check import check_study
from clinical_pipelines.study.check_power import (EvalSet, expected_sets, hanley_mcneil_se, internal_test_fraction,
                                                  judge_sets, required_auroc)

from .helpers import base, visits_csv, write_spec

T = {"internal_test": 0.70, "temporal_test": 0.68, "external_test": 0.65}


def test_hanley_mcneil_standard_error_matches_the_published_value():
    # Hanley & McNeil (1982): A = 0.8 with 50 abnormal and 50 normal cases gives SE about 0.044
    assert hanley_mcneil_se(0.8, 50, 50) == pytest.approx(0.0445, abs=0.0005)
    assert hanley_mcneil_se(0.8, 0, 50) == float("inf")


def test_the_required_auroc_falls_as_the_set_grows():
    small, large = required_auroc(0.70, 12, 20), required_auroc(0.70, 200, 800)
    assert small > large > 0.70
    need = required_auroc(0.70, 200, 800)
    assert need - 1.959964 * hanley_mcneil_se(need, 200, 800) >= 0.70
    assert required_auroc(0.70, 1, 2) > 0.95  # three units: only a near-perfect model


def test_expected_sets_follow_the_design():
    sets = {s.name: s for s in expected_sets(1000, 200, (300, 60), 0.25, T, 0.2)}
    assert (sets["external_test"].units, sets["external_test"].events) == (300, 60)
    assert (sets["temporal_test"].units, sets["temporal_test"].events) == (175, 35)
    assert (sets["internal_test"].units, sets["internal_test"].events) == (105, 21)
    only_internal = expected_sets(1000, 200, None, None, T, 0.2)
    assert [(s.name, s.units) for s in only_internal] == [("internal_test", 200)]


def test_notes_for_sets_below_the_minimums_or_too_small_for_the_ci_gate():
    notes, sizes = judge_sets([EvalSet("internal_test", 40, 8, 0.70), EvalSet("temporal_test", 60, 12, 0.68),
                               EvalSet("external_test", 4000, 800, 0.65)], 50, 10, ci_lower=True)
    assert len(notes) == 2
    assert notes[0].startswith("internal_test is expected to hold about 40 units (8 events, 32 non-events): below")
    assert notes[1].startswith("temporal_test is expected to hold about 60 units (12 events): for the lower bound")
    assert sizes["external_test"]["required_auroc"] < 0.70
    notes, sizes = judge_sets([EvalSet("temporal_test", 60, 12, 0.68)], 50, 10, ci_lower=False)
    assert notes == [] and sizes["temporal_test"]["required_auroc"] is None


def test_study_check_reports_the_expected_sets(tmp_path):
    spec = write_spec(tmp_path / "spec", base())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "visits.csv").write_text(visits_csv(480), encoding="utf-8")
    report = check_study(spec, tmp_path / "data")
    sets = report.sizes["evaluation_sets"]
    assert list(sets) == ["internal_test", "temporal_test", "external_test"]
    assert sets["external_test"]["units"] == 160  # every third row is at the external site
    assert sets["internal_test"]["units"] == round((480 - 160) * 0.5 * internal_test_fraction())
    assert any(n.startswith("internal_test is expected to hold about") for n in report.notes)
