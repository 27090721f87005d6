"""Synthetic cohort: determinism, contract columns, label agreement, outcome signal, notes consistent with rows."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from clinical_pipelines.synthetic.cohort import (ENCOUNTER_COLUMNS, FILE_NAMES, LABEL_COLUMNS, NOTE_FIELDS, CohortSpec,
                                                 generate_cohort, write_batches)
from clinical_pipelines.synthetic.notes import PHI_TYPES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "DATA_CONTRACT.md"
RESTRICTED_ZIP3 = {"036", "059", "063", "102", "203", "205", "369", "556", "692", "790", "821", "823", "830", "831",
                   "878", "879", "884", "890", "893"}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture(scope="module")
def default_cohort():
    t0 = time.perf_counter()
    batches = generate_cohort()
    elapsed = time.perf_counter() - t0
    return batches, elapsed


@pytest.fixture(scope="module")
def encounters(default_cohort):
    return [r for b in default_cohort[0] for r in _rows(b.files["encounters.csv"])]


@pytest.fixture(scope="module")
def labels(default_cohort):
    return [r for b in default_cohort[0] for r in _rows(b.files["labels.csv"])]


def test_default_cohort_is_fast_and_shaped(default_cohort, encounters):
    batches, elapsed = default_cohort
    assert elapsed < 30
    assert [b.batch_id for b in batches] == [f"{s}-2024-01-extract" for s in CohortSpec().sites]
    assert len({r["site_id"] for r in encounters}) >= 3
    assert len({r["admit_date"][:4] for r in encounters}) >= 5
    per_patient = {}
    for r in encounters:
        per_patient.setdefault(r["mrn"], set()).add(r["encounter_id"])
    assert len(per_patient) == CohortSpec().n_patients
    assert {len(v) for v in per_patient.values()} == {1, 2, 3}
    assert len({r["encounter_id"] for r in encounters}) == len(encounters)


def test_same_seed_same_bytes_other_seed_other_bytes():
    spec = CohortSpec(n_patients=120)
    a, b = generate_cohort(spec), generate_cohort(spec)
    assert [x.files for x in a] == [x.files for x in b]
    assert [x.note_spans for x in a] == [x.note_spans for x in b]
    c = generate_cohort(CohortSpec(n_patients=120, seed=7))
    assert [x.files["encounters.csv"] for x in a] != [x.files["encounters.csv"] for x in c]


def test_columns_match_the_documented_contract(default_cohort):
    doc = DOCS.read_text(encoding="utf-8")
    section = doc.split("## `encounters.csv`", 1)[1].split("## `notes.jsonl`", 1)[0]
    documented = []
    for chunk in re.findall(r"`([^`]+)`", section):
        documented += [c.strip().split(" ")[0] for c in chunk.split(",") if c.strip() and "YYYY" not in c]
    assert tuple(dict.fromkeys(documented)) == ENCOUNTER_COLUMNS
    from clinical_pipelines.ingest import contract
    assert contract.ENCOUNTER_COLUMNS == ENCOUNTER_COLUMNS
    assert contract.NOTE_FIELDS == NOTE_FIELDS and contract.LABEL_COLUMNS == LABEL_COLUMNS
    for batch in default_cohort[0]:
        assert tuple(batch.files) == FILE_NAMES
        header = next(csv.reader(io.StringIO(batch.files["encounters.csv"].decode())))
        assert tuple(header) == ENCOUNTER_COLUMNS
        assert tuple(next(csv.reader(io.StringIO(batch.files["labels.csv"].decode())))) == LABEL_COLUMNS
        for line in batch.files["notes.jsonl"].decode().splitlines():
            assert tuple(json.loads(line)) == NOTE_FIELDS
        desc = json.loads(batch.files["extract.json"])
        assert desc["batch_id"] == batch.batch_id and desc["site_id"] == batch.site_id
        assert desc["source_system"] == batch.source_system and desc["files"] == list(FILE_NAMES)
        assert contract.validate_batch(batch.batch_id, batch.files) == []


def test_row_values(encounters):
    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    for r in encounters:
        assert iso.fullmatch(r["birth_date"]) and iso.fullmatch(r["admit_date"]) and iso.fullmatch(r["discharge_date"])
        assert r["admit_date"] <= r["discharge_date"]
        assert r["research_consent"] in ("Y", "N") and r["sex"] in ("F", "M")
        assert r["patient_name"] and r["mrn"] and r["ssn"] and len(r["zip"]) == 5
        for col in ("atrial_fibrillation", "diabetes", "hypertension", "prior_mi"):
            assert r[col] in ("0", "1")
    ages = np.array([(int(r["admit_date"][:4]) - int(r["birth_date"][:4])) for r in encounters])
    assert 0.01 < (ages > 90).mean() < 0.08
    assert any(r["zip"][:3] in RESTRICTED_ZIP3 for r in encounters)
    missing = {c: np.mean([r[c] == "" for r in encounters]) for c in ("bnp_pg_ml", "troponin_ng_l", "pr_ms", "heart_rate")}
    assert 0.2 < missing["bnp_pg_ml"] < 0.6 and 0.01 < missing["troponin_ng_l"] < 0.15
    assert missing["pr_ms"] > missing["heart_rate"]
    for r in encounters:  # no PR interval in atrial fibrillation
        if r["atrial_fibrillation"] == "1":
            assert r["pr_ms"] == ""


def test_labels_have_two_or_three_raters_and_moderate_agreement(encounters, labels):
    by_enc: dict[str, dict[str, int]] = {}
    for r in labels:
        assert r["label"] in ("0", "1") and r["labeling_tool"].startswith("chart-review-ui/")
        assert r["rater_id"] not in by_enc.setdefault(r["encounter_id"], {})
        by_enc[r["encounter_id"]][r["rater_id"]] = int(r["label"])
    assert set(by_enc) == {r["encounter_id"] for r in encounters}
    sizes = [len(v) for v in by_enc.values()]
    assert min(sizes) >= 2 and 0.08 < np.mean([s == 3 for s in sizes]) < 0.2
    assert sum(len(set(v.values())) > 1 for v in by_enc.values()) > 50  # disagreement exists
    for a, b in itertools.combinations(CohortSpec().raters, 2):
        pairs = np.array([(v[a], v[b]) for v in by_enc.values() if a in v and b in v])
        po = np.mean(pairs[:, 0] == pairs[:, 1])
        pa, pb = pairs[:, 0].mean(), pairs[:, 1].mean()
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe)
        assert 0.55 < kappa < 0.85, (a, b, kappa)


def test_outcome_prevalence_and_signal(default_cohort, encounters, labels):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    votes: dict[str, list[int]] = {}
    for r in labels:
        votes.setdefault(r["encounter_id"], []).append(int(r["label"]))
    y = np.array([int(np.mean(votes[r["encounter_id"]]) >= 0.5) for r in encounters])
    truth = {k: v for b in default_cohort[0] for k, v in b.outcomes.items()}
    assert 0.10 < np.mean([truth[r["encounter_id"]] for r in encounters]) < 0.20
    assert 0.10 < y.mean() < 0.20
    feats = ["troponin_ng_l", "bnp_pg_ml", "creatinine_mg_dl", "st_deviation_mm", "atrial_fibrillation", "prior_mi",
             "diabetes", "heart_rate", "systolic_bp"]
    X = np.array([[float(r[c]) if r[c] != "" else np.nan for c in feats] for r in encounters])
    X = np.column_stack([X, [int(r["admit_date"][:4]) - int(r["birth_date"][:4]) for r in encounters]])
    X = np.where(np.isnan(X), np.nanmedian(X, axis=0), X)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    half = len(y) // 2
    model = LogisticRegression(max_iter=500).fit(X[:half], y[:half])
    auc = roc_auc_score(y[half:], model.predict_proba(X[half:])[:, 1])
    assert 0.75 < auc < 0.90, auc


def test_notes_match_rows_and_gold_spans(default_cohort, encounters):
    rows = {r["encounter_id"]: r for r in encounters}
    with_patient_name = checked = 0
    for batch in default_cohort[0]:
        notes = [json.loads(line) for line in batch.files["notes.jsonl"].decode().splitlines()]
        assert len(notes) == len({n["encounter_id"] for n in notes}) == len(batch.note_spans)
        for n in notes[:400]:
            row = rows[n["encounter_id"]]
            assert n["mrn"] == row["mrn"] and row["site_id"] == batch.site_id
            assert row["admit_date"] <= n["note_date"]
            spans = batch.note_spans[n["note_id"]]
            text = n["text"]
            assert spans and all(s.type in PHI_TYPES and 0 <= s.start < s.end <= len(text) for s in spans)
            names = [text[s.start:s.end].lower() for s in spans if s.type == "NAME"]
            first, last = row["patient_name"].lower().split()[0], row["patient_name"].lower().split()[-1]
            assert names, n["note_id"]
            checked += 1
            with_patient_name += any(last in v or first in v for v in names)
            for m in re.finditer(re.escape(row["patient_name"]), text, re.I):
                assert any(s.start <= m.start() and m.end() <= s.end for s in spans), n["note_id"]
            for m in re.finditer(re.escape(row["mrn"]), text):
                assert any(s.start <= m.start() and m.end() <= s.end and s.type == "MRN" for s in spans)
    assert with_patient_name / checked > 0.8


def test_write_batches_puts_every_file_with_extract_json_last():
    class FakeS3:
        def __init__(self):
            self.calls = []

        def put_object(self, *, Bucket, Key, Body):
            self.calls.append((Bucket, Key, Body))

    batches = generate_cohort(CohortSpec(n_patients=30))
    s3 = FakeS3()
    keys = write_batches(batches, s3, "clinical-landing")
    assert keys == [k for _, k, _ in s3.calls]
    assert len(keys) == 4 * len(batches)
    for i, batch in enumerate(batches):
        chunk = s3.calls[4 * i:4 * i + 4]
        assert chunk[-1][1] == f"main/{batch.batch_id}/extract.json"
        assert {k for _, k, _ in chunk} == {f"main/{batch.batch_id}/{f}" for f in FILE_NAMES}
        assert all(b == "clinical-landing" and body == batch.files[k.rsplit("/", 1)[1]] for b, k, body in chunk)


def test_bad_spec_fails_closed():
    with pytest.raises(ValueError, match="raters"):
        generate_cohort(CohortSpec(n_patients=5, raters=("only_one",)))
    with pytest.raises(ValueError, match="n_patients"):
        generate_cohort(CohortSpec(n_patients=0))
