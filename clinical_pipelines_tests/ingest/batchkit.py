"""A small, valid raw batch written by hand in the contract's format, and helpers to break it.

Hand-written (not from the synthetic generator) so that the bad-input suite tests the contract, not
the generator. Identifier values are distinctive made-up strings (``SECRETS``) so a test can show
that no problem message repeats them.
"""

from __future__ import annotations

import csv
import io
import json

from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, LABEL_COLUMNS

BATCH_ID = "eastbay-2025-03-extract"
SITE = "eastbay"
EXTRACTED_AT = "2025-03-20T02:00:00Z"

SECRETS = ("Quillon Vexbridge", "MRN-QX-7731", "MRN-QX-7732", "518-44-9021", "77 Larkspur Close",
           "quillon.vexbridge@example.org", "Dr. Ysolde Marrowind", "Farrowdale Heart Institute")

_PATIENTS = [  # mrn, name, birth date, sex
    ("MRN-QX-7731", "Quillon Vexbridge", "1948-07-02", "M"),
    ("MRN-QX-7732", "Odalys Penhallow", "1962-11-23", "F"),
    ("MRN-QX-7733", "Tamsin Greyhollow", "1931-04-05", "F"),
]
_ENCOUNTERS = [("E1", 0, "2025-03-01", "2025-03-04"), ("E2", 1, "2025-03-02", "2025-03-03"),
               ("E3", 2, "2025-03-05", "2025-03-09")]
_VITALS = {"heart_rate": "86", "systolic_bp": "132", "diastolic_bp": "81", "resp_rate": "18", "temperature_c": "36.8",
           "spo2": "96", "creatinine_mg_dl": "1.02", "potassium_mmol_l": "4.3", "sodium_mmol_l": "139",
           "troponin_ng_l": "24", "hemoglobin_g_dl": "13.1", "wbc_10e9_l": "8.4", "bnp_pg_ml": "", "qrs_ms": "96",
           "qtc_ms": "441", "pr_ms": "162", "st_deviation_mm": "-0.5", "atrial_fibrillation": "0", "diabetes": "1",
           "hypertension": "1", "prior_mi": "0", "current_smoker": "0"}


def encounter_rows() -> list[dict[str, str]]:
    rows = []
    for enc, p, admit, discharge in _ENCOUNTERS:
        mrn, name, birth, sex = _PATIENTS[p]
        row = {c: "" for c in ENCOUNTER_COLUMNS}
        row.update(_VITALS)
        row.update({
            "mrn": mrn, "patient_name": name, "ssn": "518-44-9021", "birth_date": birth,
            "street_address": "77 Larkspur Close", "city": "Farrowdale", "county": "Alder County", "zip": "94612",
            "phone": "510-555-0143", "email": "quillon.vexbridge@example.org", "state": "CA", "sex": sex,
            "race": "White", "ethnicity": "Not Hispanic or Latino", "research_consent": "Y", "encounter_id": enc,
            "site_id": SITE, "admit_date": admit, "discharge_date": discharge,
            "attending_clinician": "Dr. Ysolde Marrowind", "facility_name": "Farrowdale Heart Institute",
        })
        rows.append(row)
    return rows


def note_objects() -> list[dict[str, str]]:
    return [
        {"note_id": f"{enc}-N1", "encounter_id": enc, "mrn": _PATIENTS[p][0], "note_date": discharge,
         "author": "Dr. Ysolde Marrowind", "note_type": "discharge_summary",
         "text": f"{_PATIENTS[p][1]} admitted with chest pain; troponin trend reviewed."}
        for enc, p, _, discharge in _ENCOUNTERS
    ]


def label_rows() -> list[dict[str, str]]:
    return [{"encounter_id": enc, "rater_id": rater, "label": str(int(enc == "E3")),
             "labeled_at": "2025-03-15T10:00:00", "labeling_tool": "chart-review-ui/2.3.1"}
            for enc, _, _, _ in _ENCOUNTERS for rater in ("rater_a", "rater_b")]


def descriptor(**overrides) -> dict:
    d = {"batch_id": BATCH_ID, "source_system": "eastbay-ehr", "site_id": SITE, "extracted_at": EXTRACTED_AT,
         "files": ["encounters.csv", "notes.jsonl", "labels.csv", "extract.json"]}
    d.update(overrides)
    return d


def csv_bytes(header, rows: list[dict[str, str]] | list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(c, "") for c in header] if isinstance(r, dict) else r)
    return buf.getvalue().encode("utf-8")


def jsonl_bytes(objs) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).encode("utf-8")


def build(*, encounters=None, notes=None, labels=None, desc=None) -> dict[str, bytes]:
    """A valid batch; pass rows/objects to replace a part."""
    return {
        "encounters.csv": csv_bytes(ENCOUNTER_COLUMNS, encounter_rows() if encounters is None else encounters),
        "notes.jsonl": jsonl_bytes(note_objects() if notes is None else notes),
        "labels.csv": csv_bytes(LABEL_COLUMNS, label_rows() if labels is None else labels),
        "extract.json": json.dumps(descriptor() if desc is None else desc, indent=2).encode("utf-8"),
    }


def with_encounter_value(row: int, column: str, value: str) -> dict[str, bytes]:
    """The valid batch with one encounters.csv cell changed (``row`` = 0-based data row)."""
    rows = encounter_rows()
    rows[row][column] = value
    return build(encounters=rows)


def with_label_value(row: int, column: str, value: str) -> dict[str, bytes]:
    rows = label_rows()
    rows[row][column] = value
    return build(labels=rows)


def with_note_value(index: int, field: str, value) -> dict[str, bytes]:
    notes = note_objects()
    notes[index][field] = value
    return build(notes=notes)


def replace_header(files: dict[str, bytes], name: str, old: str, new: str) -> dict[str, bytes]:
    head, rest = files[name].split(b"\n", 1)
    cells = next(csv.reader([head.decode()]))
    cells = [new if c == old else c for c in cells]
    out = dict(files)
    out[name] = csv_bytes(cells, [])[:-1] + b"\n" + rest if cells else rest
    return out
