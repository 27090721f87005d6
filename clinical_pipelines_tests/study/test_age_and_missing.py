"""The spec's age in years (``age: true``: the age source without a birth date, Safe Harbor C, 90+), per-column
missing-value codes (read and counted as missing), and year-only event times."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clinical_pipelines.study.check import check_study
from clinical_pipelines.study.read import TableReader
from clinical_pipelines.study.spec import Table, load_study

from .helpers import base, visits_csv, write_spec
from .test_spec import cols, one, problems_of

AGE = {"role": "quasi_identifier", "age": True, "generalization": ["band5", "band10", "band20"],
       "feature": {"type": "numeric", "unit": "years", "range": [0, 120]}}


def age_spec() -> dict:
    spec = base()
    del cols(spec)["dob"]
    cols(spec)["age"] = dict(AGE)
    return spec


def test_an_age_column_is_the_age_source(tmp_path):
    study = load_study(write_spec(tmp_path, age_spec()))
    source = study.age_source()
    assert (source.table, source.column, source.kind, source.ladder, source.feature) == \
        ("visits", "age", "years", ("band5", "band10", "band20"), True)
    qi = {q.column: q for q in study.quasi_identifiers()}
    assert qi["age"].attribute == "age" and qi["age"].safe_harbor == "C"
    assert "age" in [f.name for f in study.features()]
    assert {a.column: a.action for a in study.deid_actions()}["age"] == "age"
    assert "age" in [c.column for c in study.safe_harbor_columns()["C"]]
    assert study.evaluation.subgroups == ["sex", "age_band", "site"]


def test_age_rules(tmp_path):
    spec = age_spec()
    cols(spec)["dob"] = {"role": "date", "handling": "birth_date", "format": "%d/%m/%Y"}
    cols(spec)["age2"] = {"role": "quasi_identifier", "age": True, "safe_harbor": "B", "generalization": ["zip3"]}
    cols(spec)["height"] = {"role": "quasi_identifier", "safe_harbor": "C"}
    cols(spec)["age3"] = {"role": "quasi_identifier", "age": True, "feature": {"type": "categorical",
                                                                             "categories": ["young", "old"]}}
    texts = problems_of(tmp_path, spec)
    one(texts, "tables.visits.columns.age2", "an age (age: true) is Safe Harbor C")
    one(texts, "tables.visits.columns.height", "Safe Harbor C on a quasi-identifier means an age in years",
        "age: true")
    one(texts, "tables.visits.columns.age3", "an age in years is a numeric feature")
    one(texts, "tables", "has 2 age sources (visits.age, visits.dob)", "at most one")


def test_top_coded_ages_read_as_90_and_age_bands_are_counted(tmp_path):
    spec = age_spec()
    path = write_spec(tmp_path / "s", spec)
    lines = visits_csv(480).splitlines()
    header = lines[0].split(",")
    i_dob = header.index("dob")
    header[i_dob] = "age"
    ages = ["90+", ">89", "35", "52", "67", "81"]
    rows = [",".join(r.split(",")[:i_dob] + [ages[k % 6]] + r.split(",")[i_dob + 1:]) for k, r in enumerate(lines[1:])]
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "visits.csv").write_text("\n".join([",".join(header)] + rows) + "\n", encoding="utf-8")
    study = load_study(path)
    frame = TableReader(study.tables["visits"], tmp_path / "d" / "visits.csv").read_all()
    assert frame["age"].head(6).tolist() == [90.0, 90.0, 35.0, 52.0, 67.0, 81.0]
    report = check_study(path, tmp_path / "d")
    assert report.ok, [str(p) for p in report.data_problems]
    bands = report.sizes["subgroups"]["age_band"]
    assert {b: v["units"] for b, v in bands.items()} == {"<50": 80, "50-64": 80, "65-79": 80, "80+": 240}


def _table(**columns) -> Table:
    return Table(file="t.csv", format="csv", missing_values=["", "NA"], columns={"id": {"role": "patient_id"},
                                                                                   **columns})


def test_column_missing_values_are_read_as_missing_and_counted(tmp_path):
    table = _table(chol={"role": "feature", "type": "numeric", "range": [50, 1000], "missing_values": [0, "?"]},
                   note={"role": "keep"})
    assert table.missing_for("chol") == ["", "NA", "0", "?"] and table.missing_for("note") == ["", "NA"]
    (tmp_path / "t.csv").write_text("id,chol,note\n1,0,0\n2,0.0,?\n3,?,NA\n4,,x\n5,NA,y\n6,210,z\n", encoding="utf-8")
    reader = TableReader(table, tmp_path / "t.csv")
    frame = reader.read_all()
    assert not reader.problems, [str(p) for p in reader.problems.problems()]
    assert frame["chol"].isna().tolist() == [True] * 5 + [False] and frame["chol"].iloc[5] == 210
    assert frame["note"].isna().tolist() == [False, False, True, False, False, False], "codes are per column"
    assert reader.missing == {"id": 0, "chol": 5, "note": 1}


def test_column_missing_values_in_jsonl_and_parquet(tmp_path):
    jsonl = Table(file="t.jsonl", format="jsonl", columns={
        "id": {"role": "patient_id"}, "hr": {"role": "feature", "type": "numeric", "missing_values": [-1]}})
    (tmp_path / "t.jsonl").write_text('{"id": "a", "hr": -1}\n{"id": "b", "hr": "-1.0"}\n{"id": "c", "hr": 72}\n',
                                      encoding="utf-8")
    reader = TableReader(jsonl, tmp_path / "t.jsonl")
    assert reader.read_all()["hr"].isna().tolist() == [True, True, False] and reader.missing["hr"] == 2
    parquet = Table(file="t.parquet", format="parquet", columns={
        "id": {"role": "patient_id"}, "hr": {"role": "feature", "type": "numeric", "missing_values": [999]},
        "smoker": {"role": "feature", "type": "binary", "categories": ["N", "Y"], "missing_values": ["U"]}})
    pq.write_table(pa.table({"id": ["a", "b", "c"], "hr": [999, 80, 999], "smoker": ["U", "Y", "N"]}),
                   tmp_path / "t.parquet")
    reader = TableReader(parquet, tmp_path / "t.parquet")
    frame = reader.read_all()
    assert not reader.problems, [str(p) for p in reader.problems.problems()]
    assert frame["hr"].isna().tolist() == [True, False, True]
    assert frame["smoker"].isna().tolist() == [True, False, False]


@pytest.mark.parametrize("value,fragment", [([True], "quote the value"), ("?", "must be a list"),
                                            (["?", "?"], "more than once")])
def test_missing_values_spec_errors(tmp_path, value, fragment):
    spec = base()
    cols(spec)["hr"]["missing_values"] = value
    one(problems_of(tmp_path, spec), "tables.visits.columns.hr.missing_values", fragment)


def test_year_only_event_times(tmp_path):
    spec = base()
    cols(spec)["visit_date"]["format"] = "%Y"
    assert load_study(write_spec(tmp_path / "ok", spec)).event_time().format == "%Y"
    cols(spec)["visit_date"]["handling"] = "shift"
    cols(spec)["dob"]["format"] = "%Y"
    texts = problems_of(tmp_path / "bad", spec)
    one(texts, "tables.visits.columns.visit_date", "a year alone (%Y) can only be released as a year")
    one(texts, "tables.visits.columns.dob", "a year alone (%Y) can only be released as a year")
