"""Checking records column by column (ingest/fastcheck.py) logs exactly the problems, in the same order, that the
record-at-a-time check logs: every value rule, date order and age, uniqueness and site, across chunk borders."""

from __future__ import annotations

from datetime import datetime

import pytest

from clinical_pipelines.ingest import fastcheck
from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, check_batch
from clinical_pipelines.study.spec import load_study
from clinical_pipelines_tests.ingest import batchkit as kit
from clinical_pipelines_tests.study.helpers import base, visits_csv, write_spec

NOW = datetime(2025, 3, 21, 12, 0)

CORRUPTIONS = [  # (column, value) put into one encounters row each; None = the row stays valid
    None, ("encounter_id", " E{i}"), ("encounter_id", "E1"), ("mrn", ""), ("heart_rate", "86 bpm"),
    ("temperature_c", "36,8"), ("heart_rate", "400"), ("spo2", "1e1"), ("heart_rate", "\u0663\u0660"),
    ("diabetes", "yes"), ("diabetes", "1.0"), ("research_consent", "maybe"), ("birth_date", "1875-01-01"),
    ("birth_date", "11/23/1962"), ("admit_date", "2025-02-30"), ("admit_date", "2026-01-01"),
    ("discharge_date", "2025-02-01"), ("birth_date", "2025-03-03"), ("birth_date", "1880-06-01"),
    ("site_id", "westbay"), ("site_id", " eastbay"), ("bnp_pg_ml", ""), ("sex", "X"), ("sex", "\u00a0F"),
    ("discharge_date", "2025-3-4"), ("heart_rate", " 86"), ("heart_rate", "inf"), ("admit_date", ""),
    ("troponin_ng_l", "-0"), None, None,
]


def _one_at_a_time(checker, lines, columns):
    for i, line in enumerate(lines):
        checker.check(line, {c: vals[i] for c, vals in columns.items()})


def _both(monkeypatch, study, files, chunk: int = 7) -> tuple[list[str], list[str]]:
    monkeypatch.setattr(fastcheck, "CHUNK_RECORDS", chunk)
    fast = [str(p) for p in check_batch("b1", files, now=NOW, study=study)]
    monkeypatch.setattr(fastcheck, "check_rows", _one_at_a_time)
    slow = [str(p) for p in check_batch("b1", files, now=NOW, study=study)]
    return fast, slow


def test_mace_rows_with_every_kind_of_bad_value(monkeypatch):
    base_rows = kit.encounter_rows()
    rows = []
    for i in range(3 * len(CORRUPTIONS)):
        r = dict(base_rows[i % 3], encounter_id=f"E{i + 1}", mrn=base_rows[i % 3]["mrn"])
        change = CORRUPTIONS[i % len(CORRUPTIONS)]
        if change is not None:
            r[change[0]] = change[1].format(i=i + 1)
        rows.append(r)
    files = kit.build(encounters=rows)
    files["encounters.csv"] = kit.csv_bytes(ENCOUNTER_COLUMNS, rows)
    fast, slow = _both(monkeypatch, None, files)
    assert fast == slow
    assert len(fast) >= 20  # the corruptions are seen, not only agreed upon
    assert any("row 4, column encounter_id: duplicate id" in t for t in fast), fast


@pytest.mark.parametrize("chunk", [1, 5, 1000])
def test_declared_day_first_dates_and_missing_codes(monkeypatch, tmp_path, chunk):
    spec = base()
    spec["tables"]["visits"]["missing_values"] = ["", "NA"]
    spec["tables"]["visits"]["columns"]["visit_date"]["format"] = "%d/%m/%Y %H:%M"
    study = load_study(write_spec(tmp_path / "s", spec))
    lines = visits_csv(40).splitlines()
    head, rows = lines[0], lines[1:]
    rows = [r.split(",") for r in rows]
    for i, r in enumerate(rows):
        r[4] = r[4] + " 10:30"
    bad = {3: (3, "1/2/1950"), 5: (3, "31/02/1950"), 7: (4, "01/03/2021"), 9: (7, "NA"), 11: (7, "-5"),
           13: (3, "01/01/2030"), 15: (4, "1/3/2021 9:05"), 17: (9, "x"), 19: (1, "V00003")}
    for i, (pos, value) in bad.items():
        rows[i][pos] = value
    files = {"visits.csv": ("\n".join([head] + [",".join(r) for r in rows]) + "\n").encode()}
    fast, slow = _both(monkeypatch, study, files, chunk)
    assert fast == slow and len(fast) >= 5, fast
