"""The ingest bad-input suite (docs/BAD_INPUTS.md): every kind is reported by file, row and column, never by value.

The same checks run in the ``raw_extract`` asset (which quarantines, see test_quarantine_services.py)
and in ``clinical-pipelines ingest check`` (test_cli.py).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from clinical_pipelines.ingest.contract import ContractViolation, build_manifest, check_batch
from clinical_pipelines.settings import REPO_ROOT
from clinical_pipelines_tests.ingest import batchkit as kit
from clinical_pipelines_tests.ingest.kinds import KINDS

NOW = datetime(2025, 3, 21, 12, 0)  # a fixed "now" after the batch's extract time
DOC = REPO_ROOT / "docs" / "BAD_INPUTS.md"


def _problems(kind):
    previous = kind.previous() if kind.previous else None
    return check_batch(kit.BATCH_ID, kind.make(), previous_files=previous, now=NOW)


def _leaks(text: str, planted: tuple[str, ...]) -> int:
    return sum(1 for value in kit.SECRETS + planted if value in text)


def test_the_hand_written_batch_is_valid():
    assert check_batch(kit.BATCH_ID, kit.build(), now=NOW) == []
    manifest = build_manifest(kit.BATCH_ID, kit.build())
    assert manifest.row_counts == {"encounters.csv": 3, "labels.csv": 6, "notes.jsonl": 3}


@pytest.mark.parametrize("kind_id", sorted(KINDS))
def test_bad_input(kind_id):
    kind = KINDS[kind_id]
    problems = _problems(kind)
    text = "\n".join(str(p) for p in problems)
    assert _leaks(text, kind.planted) == 0, "a value from the batch appears in a problem message"
    if kind.accepted:
        assert problems == []
        return
    for file, row, column, words in kind.expect:
        hits = [p for p in problems if p.file == file and p.row == row and p.column == column and words in str(p)]
        assert hits, f"expected ({file}, {row}, {column}, {words!r}) among:\n{text}"
    if kind.count:
        file, column, n = kind.count
        assert any(p.file == file and p.column == column and p.count == n for p in problems), text
    for p in problems:  # every problem names its file; row/column when it is about one
        assert p.file and p.problem and (p.row is None or p.row >= 1)
    if kind.previous is None:
        with pytest.raises(ContractViolation) as err:
            build_manifest(kit.BATCH_ID, kind.make())
        assert "quarantined" in str(err.value) and _leaks(str(err.value), kind.planted) == 0


def test_there_are_at_least_30_kinds_and_each_rejected_kind_says_why():
    rejected = [k for k in KINDS.values() if not k.accepted]
    assert len(KINDS) >= 30 and len(rejected) >= 30
    assert all(k.expect for k in rejected) and not any(k.expect for k in KINDS.values() if k.accepted)


def test_unicode_line_separators_are_one_record_each_as_pandas_reads_them():
    files = KINDS["unicode-line-separators"].make()
    assert "\u2028".encode() in files["notes.jsonl"] and "\u0085".encode() in files["notes.jsonl"]
    notes = pd.read_json(io.BytesIO(files["notes.jsonl"]), lines=True, dtype=False)
    assert build_manifest(kit.BATCH_ID, files).row_counts["notes.jsonl"] == len(notes) == 3


def test_every_problem_carries_file_row_column_as_data():
    problems = _problems(KINDS["non-iso-dates"])
    rows = [p.to_dict() for p in problems]
    assert {"file": "encounters.csv", "row": 3, "column": "birth_date", "count": 2, "rows": [3, 4]}.items() <= \
        next(r for r in rows if r["column"] == "birth_date").items()


def test_long_problem_lists_are_capped_in_the_error_message():
    rows = kit.encounter_rows() * 20
    for i, r in enumerate(rows):
        r["encounter_id"] = f"E{i}"
        r["heart_rate"], r["spo2"], r["qrs_ms"] = "x", "y", "z"
    for col in ("systolic_bp", "diastolic_bp", "resp_rate", "sodium_mmol_l", "pr_ms", "qtc_ms", "wbc_10e9_l",
                "bnp_pg_ml", "troponin_ng_l", "hemoglobin_g_dl", "potassium_mmol_l", "creatinine_mg_dl",
                "temperature_c", "st_deviation_mm", "diabetes", "prior_mi", "hypertension", "current_smoker"):
        rows[0][col] = "bad"
    problems = check_batch(kit.BATCH_ID, kit.build(encounters=rows), now=NOW)
    assert len(problems) > 20
    message = str(ContractViolation(kit.BATCH_ID, problems))
    assert f"and {len(problems) - 20} more (listed in the quarantine record)" in message


def test_checks_never_raise_on_arbitrary_bytes():
    for blob in (b"\x00" * 10, b"\xff\xfe\x00", b"{" * 5000, b'"' * 100, b"\r\r\r", "\u2028".encode() * 3,
                 b"[" * 100000 + b"]" * 100000):
        for name in ("encounters.csv", "notes.jsonl", "labels.csv", "extract.json"):
            problems = check_batch(kit.BATCH_ID, {**kit.build(), name: blob}, now=NOW)
            assert problems and all(p.file for p in problems)


def test_docs_table_lists_every_kind_with_its_test():
    doc = DOC.read_text(encoding="utf-8")
    listed = set(re.findall(r"`test_bad_input\[([a-z0-9-]+)\]`", doc))
    assert listed == set(KINDS), f"missing in docs: {sorted(set(KINDS) - listed)}; stale: {sorted(listed - set(KINDS))}"
    for test_name in re.findall(r"`(clinical_pipelines_tests/[\w/]+\.py)::(\w+)", doc):
        path, func = Path(REPO_ROOT / test_name[0]), test_name[1]
        assert path.is_file() and f"def {func}(" in path.read_text(encoding="utf-8"), test_name
