"""studies/fhir-template/study.yaml describes exactly what the import writes, and the study spec accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical_pipelines.fhir.columns import study_tables
from clinical_pipelines.fhir.mapping import load_map

TEMPLATE = Path(__file__).resolve().parents[2] / "studies" / "fhir-template" / "study.yaml"


def test_template_tables_are_the_import_tables_of_the_default_map():
    tables = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["tables"]
    assert tables == study_tables(load_map())


def test_template_outcome_is_the_map_outcome_column():
    spec = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert spec["outcome"]["column"] == load_map().outcome.column
    assert spec["tables"]["encounters"]["columns"][spec["outcome"]["column"]] == {"role": "outcome"}


def test_template_loads_with_the_study_spec_loader():
    spec = pytest.importorskip("clinical_pipelines.study.spec")
    study = spec.load_study(TEMPLATE)
    assert study.study_id == "fhir-template"
    assert set(study.tables) == {"encounters", "notes"}
    assert study.intended_use_path.is_file()


def test_study_check_accepts_an_imported_synthetic_export(imported, tmp_path):
    check = pytest.importorskip("clinical_pipelines.study.check")
    _truth, result = imported
    report = check.check_study(TEMPLATE, result.out_dir)
    assert report.spec_problems == [] and [str(p) for p in report.data_problems] == []
    assert report.rows == {"encounters": result.encounters, "notes": result.notes}
    assert report.outcome is not None and 0 < report.outcome.events < report.outcome.units


def test_docs_mapping_table_lists_every_column_with_its_role():
    from clinical_pipelines.fhir.columns import NOTE_COLUMNS, encounter_columns

    doc = (TEMPLATE.parents[2] / "docs" / "FHIR_IMPORT.md").read_text(encoding="utf-8")
    rows = {line.split("|")[2].strip(" `"): line.split("|")[3].strip() for line in doc.splitlines()
            if line.startswith("| ") and line.count("|") == 4 and "`" in line.split("|")[2]}
    for column in [*encounter_columns(load_map()), *NOTE_COLUMNS]:
        assert column.name in rows, column.name
        assert rows[column.name].startswith(column.role["role"]), column.name
