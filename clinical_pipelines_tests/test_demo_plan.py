"""`demo --study`: which study and batches it runs, and that it stops on what `study check` finds (no services)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from clinical_pipelines.demo_plan import DemoPlanError, _batches, batch_files, plan_demo
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.builtin_data import write_builtin_batches
from clinical_pipelines.study.spec import load_study


def user_study(tmp_path: Path, study_id: str = "my-cohort") -> Path:
    folder = tmp_path / "spec"
    shutil.copytree(builtin_study_path("heart-disease").parent, folder)
    spec = folder / "study.yaml"
    spec.write_text(re.sub(r"(?m)^study_id: .*$", f"study_id: {study_id}", spec.read_text()))
    return spec


def test_default_is_the_mace_study_on_a_synthetic_cohort(tmp_path):
    plan = plan_demo(None, None, patients=120, home=tmp_path)
    assert (plan.study_id, plan.synthetic_patients, plan.register_from) == ("mace", 120, None)
    assert plan.spec_path == builtin_study_path("mace")


def test_heart_disease_runs_on_its_builtin_batches_one_per_site(tmp_path):
    plan = plan_demo("heart-disease", None, patients=0, home=tmp_path)
    assert plan.study_id == "heart-disease" and plan.synthetic_patients is None
    assert len(plan.batches) == 4
    study = load_study(plan.spec_path)
    for folder in plan.batches.values():
        assert list(batch_files(folder, study)) == ["heart_disease_uci.csv", "extract.json"]


def test_a_user_study_needs_its_data_and_is_registered_from_its_path(tmp_path):
    spec = user_study(tmp_path)
    with pytest.raises(DemoPlanError, match="--data"):
        plan_demo(str(spec), None, patients=0, home=tmp_path / "home")
    data = tmp_path / "data"
    write_builtin_batches("heart-disease", data)
    plan = plan_demo(str(spec), str(data), patients=0, home=tmp_path / "home")
    assert plan.study_id == "my-cohort" and plan.register_from == spec.resolve() and len(plan.batches) == 4
    folder = sorted(data.iterdir())[0]
    assert list(_batches(load_study(spec), folder)) == [folder.name], "one folder holding the table files is one batch"
    # ... and one site alone fails `study check` (the declared external site is not in it): the demo stops
    with pytest.raises(DemoPlanError) as err:
        plan_demo(str(spec.parent), str(folder), patients=0, home=tmp_path / "home")
    assert err.value.report.data_problems


def test_spec_and_data_problems_stop_the_demo_with_the_study_check_report(tmp_path):
    spec = user_study(tmp_path)
    spec.write_text(spec.read_text().replace("outcome:\n", "outcomes:\n", 1))
    with pytest.raises(DemoPlanError) as err:
        plan_demo(str(spec), str(tmp_path), patients=0, home=tmp_path / "home")
    assert err.value.report is not None and err.value.report.spec_problems
    good = user_study(tmp_path / "good")
    data = tmp_path / "data"
    write_builtin_batches("heart-disease", data)
    batch = next(data.iterdir())
    csv = batch / "heart_disease_uci.csv"
    csv.write_text(csv.read_text().replace("\n", ",surplus\n", 2))
    with pytest.raises(DemoPlanError) as err:
        plan_demo(str(good), str(data), patients=0, home=tmp_path / "home")
    assert err.value.report is not None and err.value.report.data_problems
    with pytest.raises(DemoPlanError, match="unknown study 'no-such-study'"):
        plan_demo("no-such-study", None, patients=0, home=tmp_path / "home")
