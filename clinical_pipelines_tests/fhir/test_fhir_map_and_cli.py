"""Map errors name the file, key path and what is allowed; the CLI exits with the documented codes."""

from __future__ import annotations

import json

import pytest

from clinical_pipelines.cli import main as cli_main
from clinical_pipelines.fhir.mapping import MapError, load_map
from clinical_pipelines.fhir.synthetic import write_export


def test_default_map_loads_and_declares_real_codes():
    m = load_map()
    assert m.features["heart_rate"].loinc == ["8867-4"] and m.features["heart_rate"].unit == "/min"
    assert m.identifiers["mrn"].type_code == "MR" and m.identifiers["mrn"].safe_harbor == "H"
    assert m.outcome is not None and m.outcome.condition.scope == "after_encounter"


@pytest.mark.parametrize(("text", "key", "allowed"), [
    ("features: {hr: {loinc: ['8867-4'], unit: /min, choose: median}}", "features.hr.choose", "'first'"),
    ("features: {hr: {loinc: ['8867-4']}}", "features.hr", "give unit"),
    ("features: {hr: {loinc: ['HR'], unit: /min}}", "features.hr.loinc", "not LOINC codes"),
    ("features: {hr: {loinc: ['8867-4'], unit: /min, colour: red}}", "features.hr.colour", "not permitted"),
    ("features: {hr: {loinc: ['8867-4'], unit: /min, convert: {'[degF]': {factor: abc}}}}",
     "features.hr.convert.[degF].factor", "fraction"),
    ("conditions: {admit_date: {icd10: [I10]}}", "(top level)", "fixed column"),
    ("conditions: {dm: {icd10: [E11], scope: after_encounter}}", "conditions.dm", "days is required"),
    ("conditions: {dm: {scope: patient}}", "conditions.dm", "icd10 and/or snomed"),
    ("identifiers: {mrn: {safe_harbor: H}}", "identifiers.mrn", "type_code and/or system"),
    ("identifiers: {mrn: {type_code: MR, safe_harbor: Z}}", "identifiers.mrn.safe_harbor", "'R'"),
])
def test_map_errors_name_file_key_and_what_is_allowed(tmp_path, text, key, allowed):
    path = tmp_path / "bad_map.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(MapError) as err:
        load_map(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}:") and allowed in message


def test_unreadable_map_files(tmp_path):
    with pytest.raises(MapError, match="cannot be read"):
        load_map(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("features: [unclosed\n", encoding="utf-8")
    with pytest.raises(MapError, match="line 2: is not valid UTF-8 YAML"):
        load_map(bad)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    return root, write_export(root / "export", patients=4, seed=3)


def test_cli_import_fails_closed_on_quarantine_and_accepts_on_request(export, capsys):
    root, truth = export
    code = cli_main(["fhir", "import", str(root / "export"), "--out", str(root / "out")])
    captured = capsys.readouterr()
    assert code == 1
    assert "7 problem(s), 7 resource(s) quarantined" in captured.err and "--accept-quarantine" in captured.err
    assert "problem: Encounter.ndjson, line" in captured.out
    assert not [v for v in truth.phi if v in captured.out + captured.err]
    assert (root / "out" / "encounters.csv").is_file()
    code = cli_main(["fhir", "import", str(root / "export"), "--out", str(root / "out"), "--accept-quarantine", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["quarantined"] == 7


def test_cli_import_without_problems_exits_zero(tmp_path, capsys):
    write_export(tmp_path / "export", patients=3, problems=False)
    assert cli_main(["fhir", "import", str(tmp_path / "export"), "--out", str(tmp_path / "out")]) == 0
    assert "Patient: read 3, imported 3, quarantined 0, skipped 0" in capsys.readouterr().out


def test_cli_errors_are_one_line_messages(tmp_path, capsys):
    assert cli_main(["fhir", "import", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "is not a folder" in err and "Traceback" not in err
    (tmp_path / "empty").mkdir()
    assert cli_main(["fhir", "import", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 1
    assert "holds no *.ndjson file" in capsys.readouterr().err
    bad_map = tmp_path / "m.yaml"
    bad_map.write_text("features: {hr: {loinc: ['8867-4'], unit: /min, choose: median}}\n", encoding="utf-8")
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / "Patient.ndjson").write_text("", encoding="utf-8")
    assert cli_main(["fhir", "import", str(tmp_path / "exp"), "--out", str(tmp_path / "o"), "--map", str(bad_map)]) == 1
    assert "features.hr.choose" in capsys.readouterr().err
    assert cli_main(["fhir", "import", str(tmp_path / "exp")]) == 2  # --out missing
    assert cli_main(["fhir", "frobnicate"]) == 2


def test_cli_synthesize_writes_an_export(tmp_path, capsys):
    assert cli_main(["fhir", "synthesize", "--out", str(tmp_path / "x"), "--patients", "2", "--no-problems"]) == 0
    assert (tmp_path / "x" / "manifest.json").is_file() and (tmp_path / "x" / "Patient.ndjson").is_file()
    assert "wrote a synthetic Bulk Data export" in capsys.readouterr().out


def test_fhir_resources_pin_provides_the_r4_line():
    from importlib.metadata import version

    import fhir.resources.R4B as r4b

    assert version("fhir.resources") == "8.3.0" and r4b.__fhir_version__ == "4.3.0"
