"""Tiny FHIR R4 resources for the tests (every value invented)."""

from __future__ import annotations


def patient(pid="p1", **extra):
    return {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1960-02-03", **extra}


def encounter(eid="e1", pid="p1", start="2022-05-01T10:00:00+00:00", end="2022-05-04T10:00:00+00:00", **extra):
    return {"resourceType": "Encounter", "id": eid, "status": "finished", "class": {"code": "IMP"},
            "subject": {"reference": f"Patient/{pid}"}, "period": {"start": start, "end": end},
            "serviceProvider": {"reference": "Organization/site-a"}, **extra}


def observation(oid, loinc, value=None, unit=None, *, pid="p1", eid="e1", when="2022-05-01T11:00:00+00:00", **extra):
    res = {"resourceType": "Observation", "id": oid, "status": "final",
           "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
           "subject": {"reference": f"Patient/{pid}"}, "effectiveDateTime": when}
    if eid:
        res["encounter"] = {"reference": f"Encounter/{eid}"}
    if value is not None:
        res["valueQuantity"] = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}
    res.update(extra)
    return res
