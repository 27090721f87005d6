"""Every kind of study-spec error names the file, the key path and what is allowed; all are reported at once."""

from __future__ import annotations

import pytest

from clinical_pipelines.study.spec import StudySpecError, load_study, parse_study

from .helpers import base, write_spec


def problems_of(tmp_path, spec) -> list[str]:
    path = write_spec(tmp_path, spec)
    study, problems = parse_study(path)
    assert study is None, "the broken spec was accepted"
    texts = [str(p) for p in problems]
    for text in texts:
        assert text.startswith(str(path)), text
        assert "Input should" not in text and "pydantic" not in text and "Traceback" not in text, text
    return texts


def one(texts: list[str], key: str, *fragments: str) -> str:
    hits = [t for t in texts if f": {key}: " in t and all(f in t for f in fragments)]
    assert hits, f"no problem at {key} with {fragments}: {texts}"
    return hits[0]


def cols(spec):
    return spec["tables"]["visits"]["columns"]


def test_base_spec_is_valid(tmp_path):
    study = load_study(write_spec(tmp_path, base()))
    assert study.study_id == "demo-study" and study.path.name == "study.yaml"
    assert [f.name for f in study.features()] == ["sex", "hr", "smoker"]


def test_missing_key(tmp_path):
    spec = base()
    del spec["title"]
    one(problems_of(tmp_path, spec), "title", "required key is missing")


def test_missing_table_key_says_what_is_allowed(tmp_path):
    spec = base()
    del spec["tables"]["visits"]["format"]
    one(problems_of(tmp_path, spec), "tables.visits.format", "required key is missing", "csv, parquet or jsonl")


def test_unknown_role(tmp_path):
    spec = base()
    cols(spec)["full_name"]["role"] = "identifer"
    one(problems_of(tmp_path, spec), "tables.visits.columns.full_name", "unknown role 'identifer'",
        "direct_identifier")


def test_unknown_key_lists_allowed_keys(tmp_path):
    spec = base()
    spec["colour"] = "blue"
    cols(spec)["hr"]["units"] = "/min"
    texts = problems_of(tmp_path, spec)
    one(texts, "colour", "unknown key", "allowed here: spec_version")
    one(texts, "tables.visits.columns.hr.units", "unknown key", "unit", "range")


def test_bad_safe_harbor_letter(tmp_path):
    spec = base()
    cols(spec)["full_name"]["safe_harbor"] = "Z"
    one(problems_of(tmp_path, spec), "tables.visits.columns.full_name.safe_harbor", "'Z' is not allowed", "'R'")


def test_direct_identifier_needs_its_letter(tmp_path):
    spec = base()
    del cols(spec)["full_name"]["safe_harbor"]
    one(problems_of(tmp_path, spec), "tables.visits.columns.full_name.safe_harbor", "required key is missing",
        "164.514(b)(2)(i)")


def test_column_without_role(tmp_path):
    spec = base()
    cols(spec)["hr"] = {"type": "numeric"}
    one(problems_of(tmp_path, spec), "tables.visits.columns.hr", "required key 'role' is missing")


def test_two_patient_ids(tmp_path):
    spec = base()
    cols(spec)["mrn"] = {"role": "patient_id"}
    one(problems_of(tmp_path, spec), "tables.visits.columns", "2 patient_id columns (pid, mrn)")


def test_table_without_patient_link(tmp_path):
    spec = base()
    spec["tables"]["extra"] = {"file": "extra.csv", "format": "csv", "columns": {"x": {"role": "keep"}}}
    one(problems_of(tmp_path, spec), "tables.extra.columns", "no patient_id or encounter_id")


def test_outcome_column_with_rater_labels_is_inconsistent(tmp_path):
    spec = base()
    spec["labels"] = {"table": "visits", "encounter_column": "visit_id", "rater_column": "pid",
                      "label_column": "num", "allowed": [0, 1], "positive": 1, "min_raters": 2}
    texts = problems_of(tmp_path, spec)
    one(texts, "labels", "must be {not_applicable")
    one(texts, "labels.rater_column", "has role patient_id; it needs role rater")


def test_rater_outcome_needs_a_rater_table(tmp_path):
    spec = base()
    spec["outcome"] = {"name": "event", "source": "raters", "definition": "chart review"}
    one(problems_of(tmp_path, spec), "labels", "must describe the rater table")


def test_outcome_column_must_have_outcome_role(tmp_path):
    spec = base()
    spec["outcome"]["column"] = "hr"
    spec["outcome"]["definition"] = "hr > 100"
    texts = problems_of(tmp_path, spec)
    one(texts, "outcome.column", "visits.hr has role feature; it needs role outcome")
    one(texts, "outcome", "role outcome is given to visits.num as well")


def test_outcome_definition_language(tmp_path):
    spec = base()
    spec["outcome"]["definition"] = "__import__('os').system('x')"
    one(problems_of(tmp_path, spec), "outcome.definition", "does not allow")
    spec["outcome"]["definition"] = "hr > 100"
    one(problems_of(tmp_path, spec), "outcome.definition", "names hr", "allowed: num")


def test_evaluation_column_with_wrong_role(tmp_path):
    spec = base()
    spec["evaluation"]["temporal"]["column"] = "dob"
    spec["evaluation"]["subgroups"] = ["hr", "nowhere"]
    texts = problems_of(tmp_path, spec)
    one(texts, "evaluation.temporal.column", "visits.dob has role date; it needs role event_time")
    one(texts, "evaluation.subgroups[0]", "visits.hr has role feature")
    one(texts, "evaluation.subgroups[1]", "nowhere is not a declared column")


def test_external_sites_need_a_list_or_a_reason(tmp_path):
    spec = base()
    spec["evaluation"]["external_sites"] = []
    one(problems_of(tmp_path, spec), "evaluation.external_sites", "at least 1", "not_applicable")
    spec["evaluation"]["external_sites"] = {"not_applicable": "one site only"}
    na = load_study(write_spec(tmp_path, spec)).not_applicable()
    assert na["evaluation.external_sites"] == "one site only"
    assert na["labels"] == "outcome recorded in the extract, single source"


def test_age_band_needs_an_age_source(tmp_path):
    spec = base()
    del cols(spec)["dob"]
    one(problems_of(tmp_path, spec), "evaluation.subgroups[1]", "age_band is derived from the study's age",
        "age: true")


@pytest.mark.parametrize("fmt,fragment", [("%m/%d", "has no year"), ("%Y-%q-%d", "unknown strftime directive(s) %q"),
                                          ("%Y-%m", "needs a month")])
def test_bad_date_format(tmp_path, fmt, fragment):
    spec = base()
    cols(spec)["visit_date"]["format"] = fmt
    one(problems_of(tmp_path, spec), "tables.visits.columns.visit_date.format", fragment)


def test_date_of_a_csv_needs_a_format(tmp_path):
    spec = base()
    del cols(spec)["visit_date"]["format"]
    one(problems_of(tmp_path, spec), "tables.visits.columns.visit_date.format", "needs its date format")


def test_two_digit_birth_year_refused(tmp_path):
    spec = base()
    cols(spec)["dob"]["format"] = "%d/%m/%y"
    one(problems_of(tmp_path, spec), "tables.visits.columns.dob", "two-digit year")


def test_generalization_ladder_rules(tmp_path):
    spec = base()
    cols(spec)["zip"] = {"role": "quasi_identifier", "safe_harbor": "B", "generalization": ["suppress", "zip3"]}
    cols(spec)["zip5"] = {"role": "quasi_identifier", "safe_harbor": "B", "generalization": ["band5"]}
    cols(spec)["ward"] = {"role": "quasi_identifier", "generalization": ["zip4"]}
    texts = problems_of(tmp_path, spec)
    one(texts, "tables.visits.columns.zip.generalization", "zip3 must be the first step")
    one(texts, "tables.visits.columns.zip5", "must start its generalization with zip3 or suppress")
    one(texts, "tables.visits.columns.ward.generalization[0]", "'zip4' is not allowed", "'suppress'")


def test_yaml_booleans_in_value_lists_are_refused(tmp_path):
    spec = base()
    cols(spec)["consent"] = {"role": "consent", "granted": [True], "refused": [False]}
    one(problems_of(tmp_path, spec), "tables.visits.columns.consent.granted", "quote the value")


def test_feature_rules(tmp_path):
    spec = base()
    cols(spec)["hr"]["range"] = [250, 20]
    cols(spec)["smoker"] = {"role": "feature", "type": "categorical"}
    texts = problems_of(tmp_path, spec)
    one(texts, "tables.visits.columns.hr", "low < high")
    one(texts, "tables.visits.columns.smoker", "needs categories")


def test_csv_options_on_jsonl_and_duplicate_files(tmp_path):
    spec = base()
    spec["tables"]["notes"] = {"file": "visits.csv", "format": "jsonl", "delimiter": ";",
                               "columns": {"visit_id": {"role": "encounter_id"}, "text": {"role": "free_text"}}}
    texts = problems_of(tmp_path, spec)
    one(texts, "tables.notes.delimiter", "csv files only")
    one(texts, "tables.notes.file", "also the file of table visits")


def test_primary_key_must_be_a_column(tmp_path):
    spec = base()
    spec["tables"]["visits"]["primary_key"] = "visit_no"
    one(problems_of(tmp_path, spec), "tables.visits.primary_key", "not a column of this table")


def test_intended_use_file_and_draft_flag(tmp_path):
    spec = base()
    spec["intended_use"] = "missing.yaml"
    spec["draft"] = True
    texts = problems_of(tmp_path, spec)
    one(texts, "intended_use", "file not found")
    one(texts, "draft", "delete the line `draft: true`")


def test_duplicate_yaml_key_and_line_numbers(tmp_path):
    text = write_spec(tmp_path, base()).read_text(encoding="utf-8")
    text = text.replace("title: Demo study\n", "title: Demo study\ntitle: Other\n")
    texts = problems_of(tmp_path, text)
    hit = one(texts, "title", "more than once")
    assert hit.split(": ")[0].endswith(":4"), hit  # the second title is on line 4


def test_yaml_syntax_error_has_a_line(tmp_path):
    texts = problems_of(tmp_path, "spec_version: 1\ntitle: x\nowners: a: b\nstudy_id: x\n")
    assert len(texts) == 1 and "not valid YAML" in texts[0] and ":3" in texts[0].split(" ")[0], texts


def test_not_a_mapping(tmp_path):
    texts = problems_of(tmp_path, "- a\n- b\n")
    assert "must be a YAML mapping" in texts[0]


def test_every_problem_at_once(tmp_path):
    spec = base()
    spec["study_id"] = "Bad Id"
    cols(spec)["full_name"]["safe_harbor"] = "Z"
    cols(spec)["mrn"] = {"role": "patient_id"}
    spec["evaluation"]["temporal"]["column"] = "dob"
    spec["outcome"]["definition"] = "num >"
    texts = problems_of(tmp_path, spec)
    for key in ("study_id", "tables.visits.columns.full_name.safe_harbor", "tables.visits.columns",
                "evaluation.temporal.column", "outcome.definition"):
        one(texts, key)
    assert len(texts) == 5, texts


def test_load_study_raises_with_every_problem(tmp_path):
    spec = base()
    del spec["title"]
    spec["owners"] = []
    with pytest.raises(StudySpecError) as err:
        load_study(write_spec(tmp_path, spec))
    assert len(err.value.problems) == 2 and "title" in str(err.value) and "owners" in str(err.value)


def test_the_documented_example_is_valid_and_uses_every_role(tmp_path):
    import re
    from pathlib import Path

    from clinical_pipelines.study.roles import ROLES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "STUDY_SPEC.md").read_text(encoding="utf-8")
    example = re.findall(r"```yaml\n(.*?)```", doc, re.S)[0]
    study = load_study(write_spec(tmp_path, example))
    assert {c.role for t in study.tables.values() for c in t.columns.values()} == set(ROLES)
