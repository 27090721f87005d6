"""Resolving references between resources of one export, and linking by time.

Bulk Data files are read in the order Patient, Encounter, then the resources that point to them, so
a reference resolves when the target was read before. Outcomes of a reference (FHIR R4 literal
reference ``Type/id``, absolute or versioned):

- resolves: the target's id;
- points to a resource that was quarantined: the referring resource is quarantined too (fix the
  target and import again);
- points to an Encounter excluded by status: the referring resource is skipped (counted);
- a literal ``Patient/...`` or ``Encounter/...`` reference to an id absent from the export: a
  *dangling reference*, quarantined;
- no subject, or a subject that is not a Patient (Group, Device, Location): skipped (counted).

Linking by time (map option ``link_by_time``): an Observation or DocumentReference without an
encounter reference is linked to the patient's encounter whose period contains its time (the latest
starting one when several do; an encounter without ``period.end`` is open).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from clinical_pipelines.fhir.demographics import EncounterRow, PatientRow
from clinical_pipelines.fhir.resources import reference_id


@dataclass(frozen=True)
class Link:
    """How a reference turned out: ``ok`` (id set), ``quarantine``, ``skip`` or ``absent``."""

    outcome: Literal["ok", "quarantine", "skip", "absent"]
    target_id: str | None = None
    reason: str = ""
    element: str = ""


@dataclass
class Registry:
    patients: dict[str, PatientRow] = field(default_factory=dict)
    bad_patients: set[str] = field(default_factory=set)
    encounters: dict[str, EncounterRow] = field(default_factory=dict)
    bad_encounters: set[str] = field(default_factory=set)
    excluded_encounters: dict[str, str] = field(default_factory=dict)  # id -> why not imported
    _by_patient: dict[str, list[tuple[dt.datetime, dt.datetime | None, str]]] | None = None

    def subject(self, ref: Any, element: str) -> Link:
        """Resolve a ``subject`` that must be a Patient of the export."""
        if ref is None:
            return Link("skip", reason="no subject", element=element)
        pid, why = reference_id(ref, "Patient")
        if pid is None:
            return Link("skip", reason=f"subject {why}", element=element)
        if pid in self.patients:
            return Link("ok", pid)
        if pid in self.bad_patients:
            return Link("quarantine", reason="subject refers to a quarantined Patient", element=element)
        return Link("quarantine", reason="dangling reference: no Patient with that id in the export", element=element)

    def encounter(self, ref: Any, element: str, patient_id: str) -> Link:
        """Resolve an encounter reference of a resource whose subject is ``patient_id``."""
        if ref is None:
            return Link("absent")
        eid, why = reference_id(ref, "Encounter")
        if eid is None:
            return Link("quarantine", reason=f"encounter reference is {why}", element=element)
        if eid in self.encounters:
            if self.encounters[eid].patient_id != patient_id:
                return Link("quarantine", reason="encounter belongs to another patient than the subject",
                            element=element)
            return Link("ok", eid)
        if eid in self.excluded_encounters:
            return Link("skip", reason=f"its Encounter is not imported ({self.excluded_encounters[eid]})",
                        element=element)
        if eid in self.bad_encounters:
            return Link("quarantine", reason="encounter refers to a quarantined Encounter", element=element)
        return Link("quarantine", reason="dangling reference: no Encounter with that id in the export",
                    element=element)

    def by_time(self, patient_id: str, when: dt.datetime | None) -> str | None:
        """The patient's encounter whose period contains ``when`` (latest start first), or None."""
        if when is None:
            return None
        if self._by_patient is None:
            index: dict[str, list[tuple[dt.datetime, dt.datetime | None, str]]] = defaultdict(list)
            for enc in self.encounters.values():
                if enc.start is not None:
                    index[enc.patient_id].append((enc.start, enc.end, enc.encounter_id))
            for spans in index.values():
                spans.sort(key=lambda s: (s[0], s[2]))
            self._by_patient = index
        spans = self._by_patient.get(patient_id, [])
        upto = bisect.bisect_right([s[0] for s in spans], when)
        for start, end, eid in reversed(spans[:upto]):
            if end is None or when < end:
                return eid
        return None
