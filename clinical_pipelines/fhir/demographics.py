"""Patient and Encounter resources -> the identifying, demographic and encounter columns.

Choices (FHIR R4 Patient / Encounter; documented in docs/FHIR_IMPORT.md):
- name: ``use`` official, else usual, else the first name not marked old; ``given`` + ``family``
  (else ``text``);
- address and telecom: ``use`` home (telecom: lowest ``rank``), else the first not marked old;
- identifiers: the first ``Patient.identifier`` whose ``type`` has the map's code (HL7 v2-0203, e.g.
  ``MR``) and/or whose ``system`` is the map's system;
- site: the id of ``Encounter.serviceProvider`` (Organization), else of the first
  ``Encounter.location.location`` (Location), in the map's order.

Every function returns plain values and, separately, notices (what was left empty and why); none
of them raises on missing data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from clinical_pipelines.fhir.mapping import V2_0203_SYSTEM, IdentifierRule, ImportMap
from clinical_pipelines.fhir.resources import date_text, instant, is_partial, reference_id


@dataclass
class PatientRow:
    patient_id: str
    identifiers: dict[str, str]
    patient_name: str = ""
    birth_date: str = ""
    gender: str = ""
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    encounters: int = 0


@dataclass
class EncounterRow:
    encounter_id: str
    patient_id: str
    site_id: str
    encounter_class: str
    encounter_status: str
    admit_date: str
    discharge_date: str
    start: dt.datetime | None  # comparable UTC bounds of Encounter.period (end exclusive)
    end: dt.datetime | None
    values: dict[str, str] = field(default_factory=dict)


def _pick(items: list[Any] | None, preferred: tuple[str, ...]) -> Any | None:
    items = [i for i in (items or []) if getattr(i, "use", None) != "old"]
    for use in preferred:
        for item in items:
            if getattr(item, "use", None) == use:
                return item
    return items[0] if items else None


def _name(names: list[Any] | None) -> str:
    name = _pick(names, ("official", "usual"))
    if name is None:
        return ""
    parts = [*(name.given or []), *([name.family] if name.family else [])]
    return " ".join(p.strip() for p in parts if p and p.strip()) or (name.text or "").strip()


def _telecom(points: list[Any] | None, system: str) -> str:
    points = [p for p in (points or []) if p.system == system and p.value and p.use != "old"]
    if not points:
        return ""
    ranked = sorted(points, key=lambda p: (p.rank if p.rank is not None else 1 << 30, p.use != "home"))
    return ranked[0].value.strip()


def _identifier(identifiers: list[Any] | None, rule: IdentifierRule) -> str:
    for ident in identifiers or []:
        if not ident.value:
            continue
        if rule.system is not None and ident.system != rule.system:
            continue
        if rule.type_code is not None:
            codings = (ident.type.coding or []) if ident.type is not None else []
            if not any(c.code == rule.type_code and c.system in (None, V2_0203_SYSTEM) for c in codings):
                continue
        return ident.value.strip()
    return ""


def flatten_patient(patient: Any, import_map: ImportMap) -> tuple[PatientRow, list[str]]:
    """One Patient -> its row and notices (e.g. ``Patient.birthDate coarser than a day``)."""
    notices = []
    idents = {col: _identifier(patient.identifier, rule) for col, rule in import_map.identifiers.items()}
    notices += [f"Patient without an identifier for column {col}: left empty" for col, v in idents.items() if not v]
    if is_partial(patient.birthDate):
        notices.append("Patient.birthDate coarser than a day: birth_date left empty")
    address = _pick(patient.address, ("home",))
    row = PatientRow(
        patient_id=patient.id, identifiers=idents, patient_name=_name(patient.name),
        birth_date=date_text(patient.birthDate), gender=patient.gender or "",
        postal_code=(address.postalCode or "").strip() if address is not None else "",
        phone=_telecom(patient.telecom, "phone"), email=_telecom(patient.telecom, "email"))
    if not row.patient_name:
        notices.append("Patient without a name: patient_name left empty")
    return row, notices


def _site(encounter: Any, order: list[str]) -> str:
    for source in order:
        if source == "serviceProvider" and encounter.serviceProvider is not None:
            site, _why = reference_id(encounter.serviceProvider, "Organization")
            if site:
                return site
        if source == "location":
            for loc in encounter.location or []:
                site, _why = reference_id(loc.location, "Location")
                if site:
                    return site
    return ""


def flatten_encounter(encounter: Any, patient_id: str, import_map: ImportMap) -> tuple[EncounterRow, list[str]]:
    """One Encounter (its subject already resolved to ``patient_id``) -> its row and notices."""
    notices = []
    period = encounter.period
    start_v = period.start if period is not None else None
    end_v = period.end if period is not None else None
    if start_v is None:
        notices.append("Encounter without period.start: admit_date left empty")
    elif is_partial(start_v):
        notices.append("Encounter.period.start coarser than a day: admit_date left empty")
    if is_partial(end_v):
        notices.append("Encounter.period.end coarser than a day: discharge_date left empty")
    site = _site(encounter, import_map.encounters.site_from)
    if not site:
        notices.append("Encounter without serviceProvider or location reference: site_id left empty")
    klass = encounter.class_fhir.code if encounter.class_fhir is not None else None
    row = EncounterRow(
        encounter_id=encounter.id, patient_id=patient_id, site_id=site, encounter_class=klass or "",
        encounter_status=encounter.status or "", admit_date=date_text(start_v), discharge_date=date_text(end_v),
        start=instant(start_v), end=instant(end_v, end=True))
    return row, notices


def encounter_values(enc: EncounterRow, patient: PatientRow) -> dict[str, str]:
    """The fixed and identifier columns of one encounters.csv row."""
    return {
        "encounter_id": enc.encounter_id, "patient_id": enc.patient_id, **patient.identifiers,
        "patient_name": patient.patient_name, "birth_date": patient.birth_date, "gender": patient.gender,
        "postal_code": patient.postal_code, "phone": patient.phone, "email": patient.email,
        "site_id": enc.site_id, "encounter_class": enc.encounter_class, "encounter_status": enc.encounter_status,
        "admit_date": enc.admit_date, "discharge_date": enc.discharge_date,
    }
