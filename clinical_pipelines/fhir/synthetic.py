"""A synthetic FHIR R4 Bulk Data export (NDJSON + manifest) with known answers, for tests and demos.

Everything is invented (identities from :mod:`clinical_pipelines.synthetic.identities`, seeded).
Per patient: a Patient (MRN, SSN, name, telecom, address), 1-3 Encounters at one of two sites
(Organizations), vital signs (heart rate twice, a blood-pressure panel with components,
temperature in Cel or [degF]), labs (creatinine in mg/dL and umol/L, high-sensitivity troponin I, an
unmapped glucose), smoking status, Conditions (ICD-10-CM and SNOMED CT), and a base64 text note
(UTF-8 or ISO-8859-1) full of fake PHI per encounter. Some Observations carry no encounter
reference but fall inside its period (linked by time).

With ``problems=True`` it adds exactly one of each: Encounter.subject, Observation.encounter,
Condition.subject and DocumentReference.context.encounter references that do not resolve, a
resource of an unknown type, an invalid Observation (decimal comma) and a line that is not JSON;
and a file of a valid type that the import does not read (Organization).

:func:`write_export` returns the folder and the expected answers (:class:`ExportTruth`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from clinical_pipelines.synthetic.identities import make_patient

LOINC, UCUM, SCT = "http://loinc.org", "http://unitsofmeasure.org", "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SITES = ("northside", "lakeshore")
INJECTED = {"dangling Encounter.subject": 1, "dangling Observation.encounter": 1, "dangling Condition.subject": 1,
            "dangling DocumentReference.context.encounter": 1, "unknown resource type": 1,
            "invalid resource": 1, "not JSON": 1}


@dataclass
class ExportTruth:
    folder: Path
    patients: int = 0
    encounters: dict[str, dict[str, str]] = field(default_factory=dict)  # encounter id -> column -> value
    notes: dict[str, str] = field(default_factory=dict)  # note id -> text
    phi: list[str] = field(default_factory=list)  # identifier values that must not appear in messages
    lines: dict[str, int] = field(default_factory=dict)  # file -> resources written
    injected: dict[str, int] = field(default_factory=dict)


def _coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _qty(value: Decimal | int, unit: str) -> dict[str, Any]:
    return {"value": float(value), "unit": unit, "system": UCUM, "code": unit}


def _obs(oid: str, pid: str, eid: str | None, when: dt.datetime, code: str, **value: Any) -> dict[str, Any]:
    res = {"resourceType": "Observation", "id": oid, "status": "final",
           "code": {"coding": [_coding(LOINC, code)]}, "subject": {"reference": f"Patient/{pid}"},
           "effectiveDateTime": when.isoformat()}
    if eid is not None:
        res["encounter"] = {"reference": f"Encounter/{eid}"}
    res.update(value)
    return res


def _text(d: Decimal) -> str:
    return format(d.normalize(), "f")


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.files: dict[str, list[str]] = {}

    def add(self, rtype: str, resource: dict[str, Any] | str) -> None:
        self.files.setdefault(rtype, []).append(
            resource if isinstance(resource, str) else json.dumps(resource, ensure_ascii=False))

    def patient(self, index: int, truth: ExportTruth) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        site = SITES[index % 2]
        who = make_patient(rng, site)
        pid = f"pat-{index:04d}"
        gender = {"F": "female", "M": "male"}[who["sex"]]
        self.add("Patient", {
            "resourceType": "Patient", "id": pid,
            "identifier": [
                {"type": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")]},
                 "system": f"urn:oid:2.16.840.1.113883.3.{4000 + index % 2}", "value": who["mrn"]},
                {"system": "http://hl7.org/fhir/sid/us-ssn", "value": who["ssn"]}],
            "name": [{"use": "official", "family": who["last_name"], "given": [who["first_name"]]},
                     {"use": "nickname", "given": ["Sunny"]}],
            "telecom": [{"system": "phone", "value": who["phone"], "use": "home"},
                        *([{"system": "email", "value": who["email"]}] if who["email"] else [])],
            "gender": gender, "birthDate": who["birth_date"],
            "address": [{"use": "home", "line": [who["street_address"]], "city": who["city"],
                         "state": who["state"], "postalCode": who["zip"]}]})
        truth.phi += [who["mrn"], who["ssn"], who["last_name"], who["phone"]]
        row = {"patient_id": pid, "mrn": who["mrn"], "ssn": who["ssn"],
               "patient_name": f"{who['first_name']} {who['last_name']}", "birth_date": who["birth_date"],
               "gender": gender, "postal_code": who["zip"], "phone": who["phone"], "email": who["email"],
               "site_id": f"org-{site}"}
        return pid, {"row": row, "who": who}

    def encounter(self, pid: str, eid: str, start: dt.datetime, days: int, site: str) -> None:
        self.add("Encounter", {
            "resourceType": "Encounter", "id": eid, "status": "finished",
            "class": _coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"),
            "subject": {"reference": f"Patient/{pid}"},
            "period": {"start": start.isoformat(), "end": (start + dt.timedelta(days=days)).isoformat()},
            "serviceProvider": {"reference": f"Organization/{site}"}})

    def observations(self, pid: str, eid: str, start: dt.datetime, truth_row: dict[str, str]) -> None:
        rng = self.rng
        t1, t2 = start + dt.timedelta(minutes=15), start + dt.timedelta(hours=6)
        hr_first, hr_late = rng.randint(55, 120), rng.randint(55, 120)
        # the later heart rate is written first: "first" must follow the effective time, not file order
        self.add("Observation", _obs(f"{eid}-hr2", pid, eid, t2, "8867-4", valueQuantity=_qty(hr_late, "/min")))
        self.add("Observation", _obs(f"{eid}-hr1", pid, None, t1, "8867-4", valueQuantity=_qty(hr_first, "/min")))
        sbp, dbp = rng.randint(95, 180), rng.randint(50, 100)
        self.add("Observation", _obs(f"{eid}-bp", pid, eid, t1, "85354-9", component=[
            {"code": {"coding": [_coding(LOINC, "8480-6")]}, "valueQuantity": _qty(sbp, "mm[Hg]")},
            {"code": {"coding": [_coding(LOINC, "8462-4")]}, "valueQuantity": _qty(dbp, "mm[Hg]")}]))
        temp_c = Decimal(rng.randint(72, 78)) / 2  # 36.0 .. 39.0 by 0.5
        if rng.random() < 0.5:
            temp = _qty(temp_c * 9 / 5 + 32, "[degF]")
        else:
            temp = _qty(temp_c, "Cel")
        self.add("Observation", _obs(f"{eid}-temp", pid, eid, t1, "8310-5", valueQuantity=temp))
        cr_a, cr_b = Decimal(rng.randint(6, 30)) / 10, Decimal(rng.randint(6, 30)) / 10
        self.add("Observation", _obs(f"{eid}-cr1", pid, eid, t1, "2160-0", valueQuantity=_qty(cr_a, "mg/dL")))
        self.add("Observation", _obs(f"{eid}-cr2", pid, eid, t2, "14682-9",
                                     valueQuantity=_qty(cr_b * Decimal("88.42"), "umol/L")))
        trop = rng.randint(2, 900)
        self.add("Observation", _obs(f"{eid}-trop", pid, eid, t1, "89579-7", valueQuantity=_qty(trop, "ng/L")))
        self.add("Observation", _obs(f"{eid}-glu", pid, eid, t1, "2345-7", valueQuantity=_qty(rng.randint(70, 200), "mg/dL")))
        smoker = rng.random() < 0.3
        self.add("Observation", _obs(f"{eid}-smk", pid, eid, t1, "72166-2", valueCodeableConcept={
            "coding": [_coding(SCT, "449868002" if smoker else "8517006")]}))
        truth_row.update({"heart_rate": str(hr_first), "systolic_bp": str(sbp), "diastolic_bp": str(dbp),
                          "temperature_c": _text(temp_c), "creatinine_mg_dl": _text(max(cr_a, cr_b)),
                          "troponin_ng_l": str(trop), "current_smoker": "1" if smoker else "0"})

    def condition(self, cid: str, pid: str, system: str, code: str, onset: dt.datetime | dt.date,
                  eid: str | None = None) -> None:
        self.add("Condition", {
            "resourceType": "Condition", "id": cid,
            "clinicalStatus": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")]},
            "verificationStatus": {"coding": [_coding(
                "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed")]},
            "code": {"coding": [_coding(system, code)]}, "subject": {"reference": f"Patient/{pid}"},
            **({"encounter": {"reference": f"Encounter/{eid}"}} if eid else {}),
            "onsetDateTime": onset.isoformat()})

    def note(self, nid: str, pid: str, eid: str, when: dt.datetime, who: dict[str, Any], latin1: bool) -> str:
        text = (f"Admission note for {who['first_name']} {who['last_name']} (MRN {who['mrn']}), DOB "
                f"{who['birth_date']}, seen {when:%m/%d/%Y}. Lives at {who['street_address']}, {who['city']}. "
                f"Call {who['phone']}. Chest pain since this morning.")
        if latin1:
            text += " Patient drinks café au lait; température prise à l'entrée."
        charset = "iso-8859-1" if latin1 else "utf-8"
        self.add("DocumentReference", {
            "resourceType": "DocumentReference", "id": nid, "status": "current",
            "type": {"coding": [_coding(LOINC, "34117-2", "History and physical note")]},
            "subject": {"reference": f"Patient/{pid}"}, "date": when.isoformat(),
            "author": [{"reference": "Practitioner/pr-1", "display": "Dr. Alex Moreau"}],
            "content": [{"attachment": {"contentType": f"text/plain; charset={charset}",
                                        "data": base64.b64encode(text.encode(charset)).decode("ascii")}},
                        {"attachment": {"contentType": "application/pdf", "url": "Binary/pdf-1"}}],
            "context": {"encounter": [{"reference": f"Encounter/{eid}"}]}})
        return text


def _utc(t: dt.datetime | dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Half-open UTC span of a dateTime (an instant) or a date (its day)."""
    if isinstance(t, dt.datetime):
        u = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return u, u + dt.timedelta(microseconds=1)
    day = dt.datetime(t.year, t.month, t.day)
    return day, day + dt.timedelta(days=1)


def _encounters(b: _Builder, truth: ExportTruth, pid: str, info: dict[str, Any], index: int) -> None:
    rng, who, row = b.rng, info["who"], info["row"]
    tz = dt.timezone(dt.timedelta(hours=-5))
    start = dt.datetime(2019, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.choice((0, 15, 30, 45)),
                        tzinfo=tz)
    conditions: list[tuple[str, dt.datetime | dt.date]] = []  # (kind, onset)
    eids = []
    for j in range(rng.randint(1, 3)):
        eid = f"enc-{index:04d}-{j}"
        days = rng.randint(1, 6)
        b.encounter(pid, eid, start, days, row["site_id"])
        enc = {**row, "encounter_id": eid, "encounter_class": "IMP", "encounter_status": "finished",
               "admit_date": start.date().isoformat(), "discharge_date": (start + dt.timedelta(days=days)).date().isoformat()}
        b.observations(pid, eid, start, enc)
        if rng.random() < 0.3:  # long-standing diabetes, dated (a date) years before
            conditions.append(("dm", (start - dt.timedelta(days=900)).date()))
            b.condition(f"{eid}-dm", pid, ICD10CM, "E11.9", conditions[-1][1])
        if rng.random() < 0.4:
            conditions.append(("htn", start - dt.timedelta(days=400)))
            b.condition(f"{eid}-htn", pid, SCT, "38341003", conditions[-1][1])
        if rng.random() < 0.3:  # acute MI after admission: this encounter's outcome, later encounters' history
            conditions.append(("mi", start + dt.timedelta(days=rng.randint(0, 20), hours=2)))
            b.condition(f"{eid}-mi", pid, ICD10CM, "I21.4", conditions[-1][1], eid)
        truth.notes[f"{eid}-note"] = b.note(f"{eid}-note", pid, eid, start + dt.timedelta(hours=1), who,
                                            latin1=(index + j) % 4 == 0)
        enc["_start"] = start
        truth.encounters[eid] = enc
        eids.append(eid)
        start = start + dt.timedelta(days=days + rng.randint(40, 400))
    for eid in eids:
        enc = truth.encounters[eid]
        s0 = _utc(enc.pop("_start"))[0]
        before = {k for k, onset in conditions if _utc(onset)[1] <= s0}
        after = {k for k, onset in conditions if _utc(onset)[1] > s0 and _utc(onset)[0] <= s0 + dt.timedelta(days=30)}
        enc.update({"diabetes": str(int("dm" in before)), "hypertension": str(int("htn" in before)),
                    "prior_mi": str(int("mi" in before)), "atrial_fibrillation": "0",
                    "mace_30d": str(int("mi" in after))})
    info["encounter_ids"] = eids


def _problems(b: _Builder, first_pid: str, first_eid: str) -> None:
    t = "2022-03-04T10:00:00+00:00"
    b.add("Encounter", {"resourceType": "Encounter", "id": "enc-orphan", "status": "finished",
                        "class": _coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER"),
                        "subject": {"reference": "Patient/pat-not-exported"}, "period": {"start": t}})
    b.add("Observation", _obs("obs-orphan", first_pid, "enc-not-exported", dt.datetime.fromisoformat(t), "8867-4",
                              valueQuantity=_qty(80, "/min")))
    b.add("Observation", _obs("obs-invalid", first_pid, first_eid, dt.datetime.fromisoformat(t), "8867-4",
                              valueQuantity={"value": "80,5", "unit": "/min", "system": UCUM, "code": "/min"}))
    b.add("Observation", '{"resourceType": "Observation", "id": "obs-truncated", "status": "fin')
    b.add("Condition", {"resourceType": "Condition", "id": "cond-orphan", "code": {"coding": [_coding(ICD10CM, "E11.9")]},
                        "subject": {"reference": "Patient/pat-not-exported"}})
    b.add("DocumentReference", {"resourceType": "DocumentReference", "id": "doc-orphan", "status": "current",
                                "subject": {"reference": f"Patient/{first_pid}"},
                                "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                                            "data": base64.b64encode(b"orphan note").decode()}}],
                                "context": {"encounter": [{"reference": "Encounter/enc-not-exported"}]}})
    b.add("MadeUpResource", {"resourceType": "MadeUpResource", "id": "x-1", "status": "final"})


def write_export(folder: Path, *, patients: int = 12, seed: int = 7, problems: bool = True,
                 manifest: bool = True) -> ExportTruth:
    """Write a synthetic export into ``folder`` (created) and return the expected answers."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    b = _Builder(seed)
    truth = ExportTruth(folder=folder, patients=patients)
    first: tuple[str, str] | None = None
    for i in range(patients):
        pid, info = b.patient(i, truth)
        _encounters(b, truth, pid, info, i)
        first = first or (pid, info["encounter_ids"][0])
    for site in SITES:
        b.add("Organization", {"resourceType": "Organization", "id": f"org-{site}", "name": f"{site.title()} Hospital"})
    if problems and first is not None:
        _problems(b, *first)
        truth.injected = dict(INJECTED)
    outputs = []
    for rtype, lines in b.files.items():
        name = f"{rtype}.ndjson"
        (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        truth.lines[name] = len(lines)
        outputs.append({"type": rtype, "url": f"https://fhir.example.org/bulk/job-7/{name}", "count": len(lines)})
    if manifest:
        (folder / "manifest.json").write_text(json.dumps({
            "transactionTime": "2024-01-15T08:00:00Z", "request": "https://fhir.example.org/$export",
            "requiresAccessToken": True, "output": outputs, "error": []}, indent=2), encoding="utf-8")
    return truth
