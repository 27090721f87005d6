"""Edge cases of the import, each on a tiny hand-written export: references, statuses, units, notes, files."""

from __future__ import annotations

import base64
import csv
import gzip
import json

import pytest
from fhirkit import encounter, observation, patient

from clinical_pipelines.fhir.importer import import_export
from clinical_pipelines.fhir.mapping import load_map


def _table(result):
    with (result.out_dir / "encounters.csv").open(encoding="utf-8", newline="") as handle:
        return {r["encounter_id"]: r for r in csv.DictReader(handle)}


def _res(result, rtype):
    return result.report["resources"][rtype]


def _map(tmp_path, text):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_map(path)


CHOICES_MAP = """
features:
  hr_first: {loinc: ["8867-4"], unit: "/min", choose: first}
  hr_last:  {loinc: ["8867-4"], unit: "/min", choose: last}
  hr_min:   {loinc: ["8867-4"], unit: "/min", choose: min}
  hr_max:   {loinc: ["8867-4"], unit: "/min", choose: max}
  hr_mean:  {loinc: ["8867-4"], unit: "/min", choose: mean}
  temp:     {loinc: ["8310-5"], unit: Cel, convert: {"[degF]": {offset: -32, factor: "5/9"}}}
  creat:    {loinc: ["14682-9", "2160-0"], unit: mg/dL, convert: {"umol/L": {factor: "50/4421"}}, choose: max}
"""


def test_value_choice_per_encounter_follows_time_and_units_are_converted_only_when_declared(tmp_path, make_export):
    folder, out = make_export({
        "Patient.ndjson": [patient()], "Encounter.ndjson": [encounter()],
        "Observation.ndjson": [
            observation("o1", "8867-4", 80, "/min", when="2022-05-01T12:00:00+00:00"),
            observation("o2", "8867-4", 60, "/min", when="2022-05-01T11:00:00+00:00"),
            observation("o3", "8867-4", 100, "/min", when="2022-05-01T08:00:00-05:00"),  # 13:00 UTC
            observation("o4", "8867-4", 300, "beats/min"),  # unit not declared: not used
            observation("o5", "8867-4", 20, "/min", valueQuantity={"value": 20, "comparator": "<", "code": "/min",
                                                                   "system": "http://unitsofmeasure.org"}),
            observation("o6", "8310-5", 98.6, "[degF]"),
            observation("o7", "14682-9", 176.84, "umol/L"), observation("o8", "2160-0", 1.5, "mg/dL"),
            observation("o9", "8867-4", 70, "/min", status="preliminary"),
        ]})
    result = import_export(folder, out, _map(tmp_path, CHOICES_MAP))
    row = _table(result)["e1"]
    assert (row["hr_first"], row["hr_last"], row["hr_min"], row["hr_max"], row["hr_mean"]) == ("60", "100", "60", "100", "80")
    assert row["temp"] == "37" and row["creat"] == "2"
    skipped = _res(result, "Observation")["skipped_by_reason"]
    assert skipped == {"hr_first: unit not declared in the map": 1,
                       "hr_first: value has a comparator (a bound, not a measurement)": 1,
                       "status preliminary not imported": 1}
    assert _res(result, "Observation")["imported"] == 6


def test_references_to_quarantined_or_excluded_resources_say_so(make_export):
    folder, out = make_export({
        "Patient.ndjson": [patient("bad", birthDate="1960-13-45"), patient("p1"), patient("p1"), patient("lonely")],
        "Encounter.ndjson": [encounter("e-bad", "bad"), encounter("e1"), encounter("e-cancel", status="cancelled"),
                             encounter("e-group", subject={"reference": "Group/g1"})],
        "Observation.ndjson": [observation("o1", "8867-4", 70, "/min", pid="bad", eid="e-bad"),
                               observation("o2", "8867-4", 70, "/min", eid="e-cancel"),
                               observation("o3", "8867-4", 70, "/min", pid="lonely", eid="e1")]})
    result = import_export(folder, out)
    assert _res(result, "Patient")["quarantined_by_reason"] == {
        "invalid (value_error: Date value string does not match spec regex.)": 1,
        "duplicate id (an earlier resource of this type has the same id)": 1}
    assert _res(result, "Patient")["skipped_by_reason"] == {"no imported encounter in the export": 1}
    assert _res(result, "Encounter")["quarantined_by_reason"] == {"subject refers to a quarantined Patient": 1}
    assert _res(result, "Encounter")["skipped_by_reason"] == {"status cancelled excluded by the map": 1,
                                                              "subject not a Patient reference": 1}
    assert _res(result, "Observation")["quarantined_by_reason"] == {
        "subject refers to a quarantined Patient": 1, "encounter belongs to another patient than the subject": 1}
    assert _res(result, "Observation")["skipped_by_reason"] == {"its Encounter is not imported (status cancelled)": 1}
    assert list(_table(result)) == ["e1"] and result.report["unaccounted"] == {}


def test_observation_without_encounter_is_linked_by_time_or_reported(tmp_path, make_export):
    folder, out = make_export({
        "Patient.ndjson": [patient()],
        "Encounter.ndjson": [encounter("e1"), encounter("e2", start="2022-06-01T00:00:00Z", end=None)],
        "Observation.ndjson": [observation("in", "8867-4", 71, "/min", eid=None, when="2022-05-02T00:00:00Z"),
                               observation("open", "8867-4", 72, "/min", eid=None, when="2023-01-01T00:00:00Z"),
                               observation("out", "8867-4", 73, "/min", eid=None, when="2022-05-20T00:00:00Z")]})
    result = import_export(folder, out)
    rows = _table(result)
    assert rows["e1"]["heart_rate"] == "71" and rows["e2"]["heart_rate"] == "72"
    assert _res(result, "Observation")["skipped_by_reason"] == {
        "no encounter (no reference, time not within an encounter of the patient)": 1}
    assert result.report["notices"]["Observation linked to an encounter by time"] == 2
    no_link = _map(tmp_path, 'features: {heart_rate: {loinc: ["8867-4"], unit: "/min"}}\n'
                            "observations: {link_by_time: false}\n")
    again = import_export(folder, out.with_name("again"), no_link)
    assert _res(again, "Observation")["skipped_by_reason"] == {"no encounter (no reference)": 3}


def _condition(cid, code, onset=None, *, system="http://hl7.org/fhir/sid/icd-10-cm", eid=None, **extra):
    res = {"resourceType": "Condition", "id": cid, "subject": {"reference": "Patient/p1"},
           "code": {"coding": [{"system": system, "code": code}]}, **extra}
    if onset:
        res["onsetDateTime"] = onset
    if eid:
        res["encounter"] = {"reference": f"Encounter/{eid}"}
    return res


def test_condition_flags_follow_their_scope(tmp_path, make_export):
    import_map = _map(tmp_path, """
conditions:
  dm_before:  {icd10: [E11], scope: before_encounter}
  mi_before:  {icd10: [I21], scope: before_encounter}
  mi_here:    {icd10: [I21], scope: encounter}
  htn_any:    {snomed: ["38341003"], scope: patient}
  mi_30d:     {icd10: [I21], scope: after_encounter, days: 30}
""")
    folder, out = make_export({
        "Patient.ndjson": [patient()],
        "Encounter.ndjson": [encounter("e1"), encounter("e2", start="2023-01-01T10:00:00Z", end="2023-01-02T10:00:00Z")],
        "Condition.ndjson": [
            _condition("c1", "E11.9"),                                    # undated: history of both
            _condition("c2", "I21.4", "2022-05-01", eid="e1"),            # MI on the day of admission e1
            _condition("c3", "38341003", "2024-01-01", system="http://snomed.info/sct"),
            _condition("c4", "I21.0", "2022-01-01", verificationStatus={"coding": [{"code": "refuted"}]}),
            _condition("c5", "J45", "2020-01-01")]})
    result = import_export(folder, out, import_map)
    e1, e2 = _table(result)["e1"], _table(result)["e2"]
    assert (e1["dm_before"], e1["mi_before"], e1["mi_here"], e1["htn_any"], e1["mi_30d"]) == ("1", "0", "1", "1", "1")
    assert (e2["dm_before"], e2["mi_before"], e2["mi_here"], e2["htn_any"], e2["mi_30d"]) == ("1", "1", "0", "1", "0")
    assert _res(result, "Condition")["skipped_by_reason"] == {"code not in the map": 1, "verificationStatus refuted": 1}
    assert result.report["notices"]["dm_before: flag set by an undated Condition (taken as before the encounter)"] == 2


def _doc(did, data: bytes | str | None, content_type="text/plain; charset=utf-8", eid="e1", **extra):
    att = {"contentType": content_type}
    if data is not None:
        att["data"] = data if isinstance(data, str) else base64.b64encode(data).decode()
    else:
        att["url"] = "Binary/b1"
    return {"resourceType": "DocumentReference", "id": did, "status": "current", "subject": {"reference": "Patient/p1"},
            "content": [{"attachment": att}], "context": {"encounter": [{"reference": f"Encounter/{eid}"}]}, **extra}


def test_notes_decode_or_are_quarantined_with_the_reason(make_export):
    folder, out = make_export({
        "Patient.ndjson": [patient()], "Encounter.ndjson": [encounter()],
        "DocumentReference.ndjson": [
            _doc("ok", "Zoë Ünal seen".encode("utf-16"), "text/plain; charset=UTF-16"),
            _doc("nocharset", b"plain note", "text/plain"),
            _doc("badcharset", b"x", "text/plain; charset=x-made-up"),
            _doc("notatext", b"x", "text/plain; charset=zlib_codec"),
            _doc("undecodable", "café".encode("latin-1"), "text/plain; charset=utf-8"),
            _doc("badb64", "!!not base64", "text/plain"),
            _doc("urlonly", None),
            _doc("pdf", b"%PDF", "application/pdf"),
            _doc("old", b"x", status="superseded")]})
    result = import_export(folder, out)
    notes = {n["note_id"]: n for n in map(json.loads, (out / "notes.jsonl").read_text(encoding="utf-8").splitlines())}
    assert set(notes) == {"ok", "nocharset"}
    assert notes["ok"]["text"] == "Zoë Ünal seen" and notes["ok"]["charset"] == "utf-16"
    assert notes["nocharset"]["charset"] == "utf-8"
    q = _res(result, "DocumentReference")["quarantined_by_reason"]
    b64 = [k for k in q if k.startswith("invalid (base64_decode")]
    assert len(b64) == 1 and q.pop(b64[0]) == 1
    assert q == {"attachment charset is not a known encoding": 1, "attachment charset is not a text encoding": 1,
                 "attachment data does not decode with its charset": 1}
    elements = {p["element"] for p in result.report["problems"]}
    assert "DocumentReference.content[0].attachment.data" in elements
    assert _res(result, "DocumentReference")["skipped_by_reason"] == {
        "no text attachment with data of an imported content type": 2, "status superseded (only current is imported)": 1}
    assert result.report["notices"]["DocumentReference attachment without charset: decoded as utf-8"] == 1


def test_no_manifest_types_come_from_file_names_or_first_lines_and_gzip_is_read(tmp_path, make_export):
    folder, out = make_export({"1.Patient.ndjson": [patient()], "part-a.ndjson": [encounter()]})
    with gzip.open(folder / "Observation.000.ndjson.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(observation("o1", "8867-4", 66, "/min")) + "\n")
    result = import_export(folder, out)
    assert result.report["manifest"]["found"] is False
    assert {f["file"]: f["type"] for f in result.report["files"]} == {
        "1.Patient.ndjson": "Patient", "part-a.ndjson": "Encounter", "Observation.000.ndjson.gz": "Observation"}
    assert _table(result)["e1"]["heart_rate"] == "66" and result.problems == []


def test_manifest_inconsistencies_and_server_errors_are_file_problems(make_export):
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "processing"}]}
    manifest = {"transactionTime": "2024-01-01T00:00:00Z", "request": "x", "requiresAccessToken": True,
                "output": [{"type": "Patient", "url": "https://h/x/Patient.ndjson", "count": 5},
                           {"type": "Encounter", "url": "https://h/x/Encounter.ndjson"}],
                "error": [{"type": "OperationOutcome", "url": "https://h/x/err.ndjson"}]}
    folder, out = make_export({"Patient.ndjson": [patient()], "err.ndjson": [outcome],
                               "Stray.ndjson": [patient("p9"), patient("p10")]}, manifest=manifest)
    result = import_export(folder, out)
    messages = "\n".join(result.problems)
    assert "Encounter.ndjson: is listed in manifest.json but missing from the folder" in messages
    assert "Stray.ndjson: is not listed in manifest.json: not read" in messages
    assert "Patient.ndjson: has 1 resources, the manifest declares 5" in messages
    assert "err.ndjson: line 1: the server reports an export error" in messages
    assert result.report["resources"]["(file not in the manifest)"]["skipped"] == 2
    assert result.report["notices"]["export error file: OperationOutcome issue with severity error"] == 1
    assert result.report["unaccounted"] == {}


def test_bad_lines_bom_blank_lines_and_type_mismatch(make_export):
    folder, out = make_export({"Patient.ndjson": [patient()], "Encounter.ndjson": [encounter(), "", patient("p2")]})
    raw = (folder / "Patient.ndjson").read_bytes()
    (folder / "Patient.ndjson").write_bytes(b"\xef\xbb\xbf" + raw + b'{"resourceType": "Patient", "id": "\xff"}\n[1, 2]\n')
    result = import_export(folder, out)
    assert _res(result, "Patient")["quarantined_by_reason"] == {"line is not UTF-8": 1, "line is not a JSON object": 1}
    assert _res(result, "Encounter")["quarantined_by_reason"] == {"resourceType differs from the file's type": 1}
    notices = result.report["notices"]
    assert notices["NDJSON file starting with a byte-order mark (removed)"] == 1
    assert notices["blank lines in NDJSON files (ignored)"] == 1
    kept = [json.loads(x) for x in result.quarantine_path.read_text(encoding="utf-8").splitlines()]
    assert base64.b64decode(next(k for k in kept if "resource_base64" in k)["resource_base64"]).endswith(b'"\xff"}')


def test_validation_messages_never_repeat_values(make_export):
    fake_ssn = "123-45-6789"
    folder, out = make_export({
        "Patient.ndjson": [patient("p1", birthDate=f"{fake_ssn}"), patient("p2", **{f"ssn {fake_ssn}": "x"}),
                           patient("p3", gender=fake_ssn), {"resourceType": "Patient", "id": f"id {fake_ssn}"}]})
    result = import_export(folder, out)
    text = json.dumps(result.report) + "\n".join(result.problems)
    assert fake_ssn not in text
    elements = {p["element"] for p in result.report["problems"]}
    assert elements == {"Patient.birthDate", "Patient.<key>", "Patient.gender", "Patient.id"}


def test_partial_dates_are_left_empty_and_counted(make_export):
    folder, out = make_export({"Patient.ndjson": [patient(birthDate="1960")],
                               "Encounter.ndjson": [encounter(start="2022-05", end=None)]})
    result = import_export(folder, out)
    row = _table(result)["e1"]
    assert row["birth_date"] == "" and row["admit_date"] == "" and row["discharge_date"] == ""
    notices = result.report["notices"]
    assert notices["Patient.birthDate coarser than a day: birth_date left empty"] == 1
    assert notices["Encounter.period.start coarser than a day: admit_date left empty"] == 1


@pytest.mark.parametrize("rtype", ["Patient", "Encounter"])
def test_resources_without_id_are_quarantined(rtype, make_export):
    res = patient() if rtype == "Patient" else encounter()
    del res["id"]
    folder, out = make_export({"Patient.ndjson": [patient("p0")] + ([res] if rtype == "Patient" else []),
                               "Encounter.ndjson": [res] if rtype == "Encounter" else []})
    result = import_export(folder, out)
    assert _res(result, rtype)["quarantined_by_reason"] == {"no id": 1}


def test_unmapped_observations_can_be_counted_without_validation(tmp_path, make_export):
    bad_unmapped = observation("u1", "2345-7", valueQuantity={"value": "1,5"})  # invalid, but not in the map
    folder, out = make_export({"Patient.ndjson": [patient()], "Encounter.ndjson": [encounter()],
                               "Observation.ndjson": [bad_unmapped, observation("o1", "8867-4", 70, "/min")]})
    strict = import_export(folder, out)
    assert sum(_res(strict, "Observation")["quarantined_by_reason"].values()) == 1
    fast = import_export(folder, out.with_name("fast"), _map(tmp_path, 'features: {heart_rate: {loinc: ["8867-4"], '
                                                             'unit: "/min"}}\nobservations: {parse_unmapped: false}\n'))
    assert _res(fast, "Observation")["skipped_by_reason"] == {
        "code not in the map (not parsed: parse_unmapped is false)": 1}
    assert _table(fast)["e1"]["heart_rate"] == "70"


def test_lines_without_resource_type_are_quarantined(make_export):
    folder, out = make_export({"Patient.ndjson": [patient(), {"id": "p2"}, {"resourceType": 7}]})
    result = import_export(folder, out)
    assert _res(result, "Patient")["quarantined_by_reason"] == {"no valid resourceType": 2}
