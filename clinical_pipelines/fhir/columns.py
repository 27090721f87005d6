"""The columns the FHIR import writes, where each comes from, and its study role (one source of truth).

``encounters.csv`` has one row per imported Encounter: the fixed columns below, then one column per
map identifier, feature, condition flag and the outcome. ``notes.jsonl`` has one object per decoded
``DocumentReference`` attachment. :func:`study_tables` turns this into the ``tables:`` section of a
study spec (``studies/fhir-template/study.yaml`` is that section for the default map), so the roles
are declared here once and the importer, the template and docs/FHIR_IMPORT.md agree.

Roles follow the study spec vocabulary; Safe Harbor letters are those of 45 CFR 164.514(b)(2)(i).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clinical_pipelines.fhir.mapping import ImportMap

DATE_FORMAT = "%Y-%m-%d"  # every date column: the calendar date as written in the resource (no time zone shift)
ENCOUNTERS_FILE = "encounters.csv"
NOTES_FILE = "notes.jsonl"


@dataclass(frozen=True)
class ColumnDef:
    name: str
    source: str  # FHIR element (FHIRPath-like) the value comes from
    role: dict[str, Any] = field(default_factory=dict)  # the column's entry in a study spec


def _date(handling: str, role: str = "date") -> dict[str, Any]:
    return {"role": role, "handling": handling, "format": DATE_FORMAT}


_ENCOUNTER_HEAD = (
    ColumnDef("encounter_id", "Encounter.id", {"role": "encounter_id"}),
    ColumnDef("patient_id", "Patient.id (Encounter.subject)", {"role": "patient_id", "safe_harbor": "R"}),
)
_ENCOUNTER_TAIL = (
    ColumnDef("patient_name", "Patient.name (use official, else usual, else first): given + family",
              {"role": "direct_identifier", "safe_harbor": "A"}),
    ColumnDef("birth_date", "Patient.birthDate (day precision; coarser left empty)",
              {**_date("birth_date"), "generalization": ["band5", "band10", "band20"],
               "feature": {"type": "numeric", "unit": "years"}}),
    ColumnDef("gender", "Patient.gender (AdministrativeGender)",
              {"role": "quasi_identifier", "generalization": [],
               "feature": {"type": "categorical", "categories": ["female", "male", "other", "unknown"]}}),
    ColumnDef("postal_code", "Patient.address (use home, else first).postalCode",
              {"role": "quasi_identifier", "safe_harbor": "B", "generalization": ["zip3", "suppress"]}),
    ColumnDef("phone", "Patient.telecom where system = phone (lowest rank, else first).value",
              {"role": "direct_identifier", "safe_harbor": "D"}),
    ColumnDef("email", "Patient.telecom where system = email (lowest rank, else first).value",
              {"role": "direct_identifier", "safe_harbor": "F"}),
    ColumnDef("site_id", "Encounter.serviceProvider, else Encounter.location[0].location: referenced id",
              {"role": "site"}),
    ColumnDef("encounter_class", "Encounter.class.code (v3 ActCode: AMB, EMER, IMP, ...)", {"role": "keep"}),
    ColumnDef("encounter_status", "Encounter.status", {"role": "keep"}),
    ColumnDef("admit_date", "Encounter.period.start (date part)", _date("year_only", "event_time")),
    ColumnDef("discharge_date", "Encounter.period.end (date part)", _date("year_only")),
)
FIXED_ENCOUNTER_COLUMNS = tuple(c.name for c in (*_ENCOUNTER_HEAD, *_ENCOUNTER_TAIL))

NOTE_COLUMNS = (
    ColumnDef("note_id", "DocumentReference.id (+ '-<i>', i = content[] index, when several text attachments)",
              {"role": "record_id"}),
    ColumnDef("encounter_id", "DocumentReference.context.encounter[0] (or linked by date)", {"role": "encounter_id"}),
    ColumnDef("patient_id", "DocumentReference.subject", {"role": "patient_id", "safe_harbor": "R"}),
    ColumnDef("note_date", "DocumentReference.date, else context.period.start (date part)", _date("year_only")),
    ColumnDef("author", "DocumentReference.author[0].display", {"role": "direct_identifier", "safe_harbor": "A"}),
    ColumnDef("note_type", "DocumentReference.type.coding[0].code (LOINC document ontology)", {"role": "keep"}),
    ColumnDef("content_type", "content[].attachment.contentType (media type without parameters)", {"role": "keep"}),
    ColumnDef("charset", "charset parameter of contentType (else the map's default_charset)", {"role": "keep"}),
    ColumnDef("text", "content[].attachment.data, base64-decoded with the charset", {"role": "free_text"}),
)


def encounter_columns(import_map: ImportMap) -> list[ColumnDef]:
    """All columns of encounters.csv in file order, for this map."""
    cols = list(_ENCOUNTER_HEAD)
    for name, rule in import_map.identifiers.items():
        how = " and ".join(p for p in (f"type {rule.type_code}" if rule.type_code else "",
                                       f"system {rule.system}" if rule.system else "") if p)
        cols.append(ColumnDef(name, f"Patient.identifier ({how}).value",
                              {"role": "direct_identifier", "safe_harbor": rule.safe_harbor}))
    cols.extend(_ENCOUNTER_TAIL)
    for name, rule in import_map.features.items():
        cols.append(ColumnDef(name, _feature_source(rule), _feature_role(rule)))
    for name, cond in import_map.conditions.items():
        cols.append(ColumnDef(name, _condition_source(cond), {"role": "feature", "type": "binary"}))
    if import_map.outcome is not None:
        out = import_map.outcome
        src = _condition_source(out.condition) if out.condition else _feature_source(out.observation)
        cols.append(ColumnDef(out.column, src, {"role": "outcome"}))
    return cols


def _feature_source(rule: Any) -> str:
    codes = ", ".join(rule.loinc)
    if rule.binary:
        return f"Observation (LOINC {codes}).valueCodeableConcept in {len(rule.value_codes)} codes -> 1/0; {rule.choose}"
    conv = f"; converted from {', '.join(rule.convert)}" if rule.convert else ""
    return f"Observation (LOINC {codes}) valueQuantity in {rule.unit}{conv}; {rule.choose} per encounter"


def _feature_role(rule: Any) -> dict[str, Any]:
    if rule.binary:
        return {"role": "feature", "type": "binary"}
    role: dict[str, Any] = {"role": "feature", "type": "numeric", "unit": rule.unit}
    if rule.range is not None:
        role["range"] = [int(x) if float(x).is_integer() else x for x in rule.range]
    return role


def _condition_source(cond: Any) -> str:
    parts = []
    if cond.icd10:
        parts.append("ICD-10 " + ", ".join(cond.icd10))
    if cond.snomed:
        parts.append("SNOMED CT " + ", ".join(cond.snomed))
    scope = f"after_encounter {cond.days} days" if cond.scope == "after_encounter" else cond.scope
    return f"Condition.code ({'; '.join(parts)}); scope {scope} -> 1/0"


def study_tables(import_map: ImportMap) -> dict[str, Any]:
    """The ``tables:`` section of a study spec for the files this map produces."""
    return {
        "encounters": {
            "file": ENCOUNTERS_FILE, "format": "csv", "encoding": "utf-8", "delimiter": ",",
            "quotechar": '"', "header": True, "primary_key": "encounter_id",
            "columns": {c.name: dict(c.role) for c in encounter_columns(import_map)},
        },
        "notes": {
            "file": NOTES_FILE, "format": "jsonl", "encoding": "utf-8", "primary_key": "note_id",
            "columns": {c.name: dict(c.role) for c in NOTE_COLUMNS},
        },
    }
