"""FHIR R4 Bulk Data export folder -> study tables (``encounters.csv``, ``notes.jsonl``) and a report.

    result = import_export(Path("export/"), Path("batch/"), load_map(None))

Reads the export (see :mod:`clinical_pipelines.fhir.export`) streaming, one line at a time, in the
order Patient, Encounter, Observation, Condition, DocumentReference, then every other file (counted,
not imported). Each supported resource is parsed with ``fhir.resources`` (R4B models); every line
ends up imported, quarantined or skipped (:mod:`clinical_pipelines.fhir.report`).

Output folder (the raw zone: the tables hold identifiers and note text):

- ``encounters.csv``: one row per imported Encounter (columns: :mod:`clinical_pipelines.fhir.columns`),
  UTF-8, comma-separated, RFC 4180 quoting, header row, ``\\n`` line ends;
- ``notes.jsonl``: one JSON object per decoded note text, every field a string;
- ``.fhir_import/report.json``: counts per resource type and reason, problems (file, line, FHIR
  element, reason; never a value), notices, value counts per column, file SHA-256s;
- ``.fhir_import/quarantine.ndjson``: the raw quarantined lines with file, line and reason;
- ``.fhir_import/study_tables.yaml``: the ``tables:`` section of a study spec for these files.

The report folder is hidden (``.fhir_import``) because a batch folder holds only the files its study
spec declares; ``study check`` and ``ingest check`` skip hidden names. The tables are written
under temporary (hidden) names and renamed at the end, so a failed run leaves no half-written table.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clinical_pipelines.fhir.columns import ENCOUNTERS_FILE, NOTES_FILE, encounter_columns, study_tables
from clinical_pipelines.fhir.conditions import ConditionFlags, ConditionHit, condition_time, matched_columns, verification
from clinical_pipelines.fhir.demographics import encounter_values, flatten_encounter, flatten_patient
from clinical_pipelines.fhir.export import ExportFile, ExportListing, iter_lines, list_export, sha256_file
from clinical_pipelines.fhir.links import Link, Registry
from clinical_pipelines.fhir.mapping import ImportMap, load_map
from clinical_pipelines.fhir.notes import decode_texts, note_rows, note_time
from clinical_pipelines.fhir.observations import OBSERVATION_STATUSES, FeatureMatcher, FeatureValues, format_value, observation_time
from clinical_pipelines.fhir.report import ImportReport
from clinical_pipelines.fhir.resources import (FHIR_LIBRARY, IMPORT_ORDER, SUPPORTED, TYPE_NAME, decode_line, instant,
                                               is_known_type, parse)

REPORT_DIR = ".fhir_import"
_OUTCOME_SEVERITIES = frozenset({"fatal", "error", "warning", "information"})
_DOC_STATUSES = frozenset({"current", "superseded", "entered-in-error"})  # DocumentReferenceStatus


@dataclass(frozen=True)
class ImportResult:
    out_dir: Path
    report_path: Path
    quarantine_path: Path
    encounters: int
    notes: int
    quarantined: int
    problems: list[str]
    report: dict[str, Any]


class _AnyOf:
    """Membership in any of several id collections (without building their union)."""

    def __init__(self, *collections: Any) -> None:
        self.collections = collections

    def __contains__(self, key: object) -> bool:
        return any(key in c for c in self.collections)


@dataclass(frozen=True)
class _Line:
    file: str
    number: int
    raw: bytes
    rtype: str


class _Importer:
    def __init__(self, out_dir: Path, import_map: ImportMap) -> None:
        self.out_dir = out_dir
        self.map = import_map
        self.report_dir = out_dir / REPORT_DIR
        self.report = ImportReport(self.report_dir / "quarantine.ndjson")
        self.reg = Registry()
        self.features = FeatureValues(import_map.feature_rules())
        self.matcher = FeatureMatcher(import_map.feature_rules())
        self.flags = ConditionFlags(import_map.condition_rules())
        self.note_ids: set[str] = set()
        self.order = 0
        self.notes_written = 0
        self._notes_tmp = out_dir / f".{NOTES_FILE}.partial"
        self._notes = None
        self._handlers = {"Patient": self._patient, "Encounter": self._encounter, "Observation": self._observation,
                          "Condition": self._condition, "DocumentReference": self._document}

    # -- files and lines ------------------------------------------------------------------------
    def run(self, listing: ExportListing) -> None:
        self.report.manifest = {"found": listing.manifest.found, "transaction_time": listing.manifest.transaction_time,
                                "output_entries": listing.manifest.output_entries,
                                "error_entries": listing.manifest.error_entries,
                                "deleted_entries": listing.manifest.deleted_entries, "fhir_models": FHIR_LIBRARY}
        for problem in listing.problems:
            self.report.file_problem(problem.file, problem.problem)
        for name, lines in listing.unread_lines.items():
            self.report.skip("(file not in the manifest)", "file not listed in the manifest: not read", lines)
            self.report.types["(file not in the manifest)"].read += lines
        rank = {t: i for i, t in enumerate(IMPORT_ORDER)}
        ordered = sorted(listing.files, key=lambda f: (f.is_error_file, rank.get(f.declared_type or "", 99), f.name))
        self._notes = self._notes_tmp.open("w", encoding="utf-8")
        try:
            for ef in ordered:
                self._file(ef)
        finally:
            self._notes.close()

    def _file(self, ef: ExportFile) -> None:
        lines = 0
        for number, raw in iter_lines(ef.path):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                self.report.notice("NDJSON file starting with a byte-order mark (removed)")
            if not raw.strip():
                self.report.notice("blank lines in NDJSON files (ignored)")
                continue
            lines += 1
            self._line(ef, number, raw)
        if ef.declared_count is not None and ef.declared_count != lines:
            self.report.file_problem(ef.name, f"has {lines} resources, the manifest declares {ef.declared_count}")
        self.report.files.append({"file": ef.name, "type": ef.declared_type, "resources": lines,
                                  "declared_count": ef.declared_count, "error_file": ef.is_error_file,
                                  "sha256": sha256_file(ef.path)})

    def _line(self, ef: ExportFile, number: int, raw: bytes) -> None:
        file_type = ef.declared_type or "(unknown type)"
        obj, error = decode_line(raw)
        if error is not None:
            self.report.read(file_type)
            self.report.quarantine(ef.name, number, file_type, error.reason, raw)
            return
        shown = obj.get("resourceType")
        if not isinstance(shown, str) or not TYPE_NAME.match(shown):
            self.report.read(file_type)
            self.report.quarantine(ef.name, number, file_type, "no valid resourceType", raw, "resourceType")
            return
        if ef.declared_type is not None and shown != ef.declared_type:
            self.report.read(file_type)
            self.report.quarantine(ef.name, number, file_type, "resourceType differs from the file's type", raw,
                                   "resourceType")
            return
        self.report.read(shown)
        line = _Line(ef.name, number, raw, shown)
        if ef.is_error_file:
            self._operation_outcome(obj, line)
        elif not is_known_type(shown):
            self.report.quarantine(ef.name, number, shown, "unknown resource type (not FHIR R4)", raw, "resourceType")
        elif shown not in SUPPORTED:
            self.report.skip(shown, "resource type not imported")
        elif shown == "Observation" and not self.map.observations.parse_unmapped and not self.matcher.mentioned(obj):
            self.report.skip(shown, "code not in the map (not parsed: parse_unmapped is false)")
        else:
            model, perr = parse(shown, obj)
            if perr is not None:
                self.report.quarantine(ef.name, number, shown, perr.reason, raw, perr.element)
                self._remember_bad(shown, obj.get("id"))
            else:
                self.order += 1
                self._handlers[shown](model, line)

    def _remember_bad(self, rtype: str, rid: Any) -> None:
        """Ids of quarantined Patients / Encounters, so references to them say so (not 'dangling')."""
        if isinstance(rid, str) and rid:
            if rtype == "Patient" and rid not in self.reg.patients:
                self.reg.bad_patients.add(rid)
            elif rtype == "Encounter" and rid not in self.reg.encounters:
                self.reg.bad_encounters.add(rid)

    def _quarantine(self, line: _Line, reason: str, element: str | None = None) -> None:
        self.report.quarantine(line.file, line.number, line.rtype, reason, line.raw, element)

    def _follow(self, link: Link, line: _Line) -> bool:
        """True when the link resolved; otherwise the line is quarantined or skipped here."""
        if link.outcome == "quarantine":
            self._quarantine(line, link.reason, link.element)
        elif link.outcome == "skip":
            self.report.skip(line.rtype, link.reason)
        return link.outcome == "ok"

    def _notices(self, notices: list[str]) -> None:
        for text in notices:
            self.report.notice(text)

    # -- resources ------------------------------------------------------------------------------
    def _new_id(self, model: Any, line: _Line, seen: Any) -> bool:
        if not model.id:
            self._quarantine(line, "no id", f"{line.rtype}.id")
            return False
        if model.id in seen:
            self._quarantine(line, "duplicate id (an earlier resource of this type has the same id)", f"{line.rtype}.id")
            return False
        return True

    def _patient(self, patient: Any, line: _Line) -> None:
        if not self._new_id(patient, line, self.reg.patients):
            return
        row, notices = flatten_patient(patient, self.map)
        self.reg.patients[row.patient_id] = row
        self._notices(notices)

    def _encounter(self, enc: Any, line: _Line) -> None:
        if not self._new_id(enc, line, _AnyOf(self.reg.encounters, self.reg.excluded_encounters)):
            return
        if enc.status in self.map.encounters.exclude_status:
            self.reg.excluded_encounters[enc.id] = f"status {enc.status}"
            self.report.skip("Encounter", f"status {enc.status} excluded by the map")
            return
        link = self.reg.subject(enc.subject, "Encounter.subject")
        if not self._follow(link, line):
            if link.outcome == "quarantine":
                self.reg.bad_encounters.add(enc.id)
            else:
                self.reg.excluded_encounters[enc.id] = link.reason
            return
        row, notices = flatten_encounter(enc, link.target_id, self.map)
        self.reg.encounters[row.encounter_id] = row
        self.reg.patients[row.patient_id].encounters += 1
        self._notices(notices)

    def _encounter_of(self, ref: Any, element: str, patient_id: str, when: Any, line: _Line,
                      by_time: bool) -> str | None:
        link = self.reg.encounter(ref, element, patient_id)
        if link.outcome == "absent":
            eid = self.reg.by_time(patient_id, instant(when)) if by_time else None
            if eid is None:
                self.report.skip(line.rtype, "no encounter (no reference" + (
                    ", time not within an encounter of the patient)" if by_time else ")"))
                return None
            self.report.notice(f"{line.rtype} linked to an encounter by time")
            return eid
        return link.target_id if self._follow(link, line) else None

    def _observation(self, obs: Any, line: _Line) -> None:
        status = obs.status if obs.status in OBSERVATION_STATUSES else "not in ObservationStatus"
        if status not in self.map.observations.statuses:
            self.report.skip("Observation", f"status {status} not imported")
            return
        link = self.reg.subject(obs.subject, "Observation.subject")
        if not self._follow(link, line):
            return
        values, reasons = self.matcher.extract(obs)
        if not values and reasons == ["code not in the map"]:
            self.report.skip("Observation", "code not in the map")
            return
        when = observation_time(obs)
        eid = self._encounter_of(obs.encounter, "Observation.encounter", link.target_id, when, line,
                                 self.map.observations.link_by_time)
        if eid is None:
            return
        if not values:
            self.report.skip("Observation", reasons[0])
            return
        for reason in reasons:
            self.report.notice(f"Observation value not used: {reason}")
        for item in values:
            self.features.add(eid, item, when, self.order)
            if item.converted_from:
                self.report.notice(f"{item.column}: values converted from {item.converted_from}")
        self.report.imported("Observation")

    def _condition(self, cond: Any, line: _Line) -> None:
        excluded = verification(cond)
        if excluded:
            self.report.skip("Condition", f"verificationStatus {excluded}")
            return
        link = self.reg.subject(cond.subject, "Condition.subject")
        if not self._follow(link, line):
            return
        enc_link = self.reg.encounter(cond.encounter, "Condition.encounter", link.target_id)
        if enc_link.outcome != "absent" and not self._follow(enc_link, line):
            return
        columns = matched_columns(cond, self.flags.rules)
        if not columns:
            self.report.skip("Condition", "code not in the map")
            return
        when = condition_time(cond)
        for column in columns:
            self.flags.add(link.target_id, ConditionHit(column, when, enc_link.target_id))
        self.report.imported("Condition")

    def _document(self, doc: Any, line: _Line) -> None:
        if doc.status != "current":
            status = doc.status if doc.status in _DOC_STATUSES else "not in DocumentReferenceStatus"
            self.report.skip("DocumentReference", f"status {status} (only current is imported)")
            return
        if not self._new_id(doc, line, self.note_ids):
            return
        self.note_ids.add(doc.id)
        link = self.reg.subject(doc.subject, "DocumentReference.subject")
        if not self._follow(link, line):
            return
        refs = (doc.context.encounter or []) if doc.context is not None else []
        eid = self._encounter_of(refs[0] if refs else None, "DocumentReference.context.encounter[0]",
                                 link.target_id, note_time(doc), line, self.map.notes.link_by_time)
        if eid is None:
            return
        texts, notices, error = decode_texts(doc, self.map.notes.content_types, self.map.notes.default_charset)
        self._notices(notices)
        if error is not None:
            self._quarantine(line, error.reason, error.element)
            return
        if not texts:
            self.report.skip("DocumentReference", "no text attachment with data of an imported content type")
            return
        for row in note_rows(doc, texts, eid, link.target_id):
            self._notes.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.notes_written += 1
        self.report.imported("DocumentReference")

    def _operation_outcome(self, obj: dict[str, Any], line: _Line) -> None:
        issues = obj.get("issue") if isinstance(obj.get("issue"), list) else []
        for issue in issues:
            sev = issue.get("severity") if isinstance(issue, dict) else None
            sev = sev if sev in _OUTCOME_SEVERITIES else "other"
            self.report.notice(f"export error file: OperationOutcome issue with severity {sev}")
            if sev in ("fatal", "error"):
                self.report.file_problem(line.file, f"line {line.number}: the server reports an export error "
                                         "(resources may be missing from the export)")
        self.report.skip(line.rtype, "export error report (issues counted in notices)")

    # -- output ---------------------------------------------------------------------------------
    def finish(self) -> tuple[int, int]:
        for row in self.reg.patients.values():
            if row.encounters:
                self.report.imported("Patient")
            else:
                self.report.skip("Patient", "no imported encounter in the export")
        columns = [c.name for c in encounter_columns(self.map)]
        chosen = self.features.chosen()
        with_value = dict.fromkeys(self.features.rules, 0)
        flagged = dict.fromkeys(self.flags.rules, 0)
        tmp = self.out_dir / f".{ENCOUNTERS_FILE}.partial"
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for enc in self.reg.encounters.values():
                values = encounter_values(enc, self.reg.patients[enc.patient_id])
                features = chosen.get(enc.encounter_id, {})
                flags = self.flags.flags(enc, self.reg.encounters)
                values.update({c: format_value(v) for c, v in features.items()})
                values.update(flags)
                for c in features:
                    with_value[c] += 1
                for c, flag in flags.items():
                    flagged[c] += flag == "1"
                writer.writerow({c: values.get(c, "") for c in columns})
                self.report.imported("Encounter")
        for text, n in self.flags.notices.items():
            self.report.notice(text, n)
        self.report.values = {"encounters_with_value": with_value, "encounters_flagged": flagged}
        os.replace(tmp, self.out_dir / ENCOUNTERS_FILE)
        os.replace(self._notes_tmp, self.out_dir / NOTES_FILE)
        return len(self.reg.encounters), self.notes_written


def import_export(export_dir: Path, out_dir: Path, import_map: ImportMap | None = None) -> ImportResult:
    """Import one Bulk Data export folder into ``out_dir`` (created). Raises ``ExportError`` /
    ``MapError`` (with file and fix) when the export or map cannot be read at all; everything
    else is counted in the report."""
    import_map = import_map or load_map(None)
    listing = list_export(Path(export_dir))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    imp = _Importer(out_dir, import_map)
    try:
        imp.run(listing)
        encounters, notes = imp.finish()
    finally:
        imp.report.close()
    report = imp.report
    report.tables = {ENCOUNTERS_FILE: {"rows": encounters, "columns": [c.name for c in encounter_columns(import_map)],
                                       "sha256": sha256_file(out_dir / ENCOUNTERS_FILE)},
                     NOTES_FILE: {"rows": notes, "sha256": sha256_file(out_dir / NOTES_FILE)}}
    data = report.to_dict()
    report_path = imp.report_dir / "report.json"
    imp.report_dir.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (imp.report_dir / "study_tables.yaml").write_text(
        yaml.safe_dump({"tables": study_tables(import_map)}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return ImportResult(out_dir=out_dir, report_path=report_path, quarantine_path=imp.report_dir / "quarantine.ndjson",
                        encounters=encounters, notes=notes, quarantined=report.quarantined_total,
                        problems=report.problem_messages(), report=data)
