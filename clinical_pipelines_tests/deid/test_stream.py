"""Structured de-identification in chunks (deid/stream.py) gives what the whole-frame functions give, writes
chunk by chunk, sends linkage rows only to their sink, and stops on a value that does not parse."""

from __future__ import annotations

import pandas as pd
import pytest

from clinical_pipelines.deid.errors import DeidError
from clinical_pipelines.deid.pipeline import RowLineage, _add_lineage
from clinical_pipelines.deid.risk import enforce_k, risk_metrics
from clinical_pipelines.deid.stream import ChunkWriter, deidentify_stream, iter_raw_chunks
from clinical_pipelines.deid.structured import LINKAGE_COLUMNS, deidentify_table
from clinical_pipelines.deid.study_rules import deid_rules
from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, LABEL_COLUMNS
from clinical_pipelines.study.builtin import load_builtin_study
from clinical_pipelines_tests.ingest import batchkit as kit

ZIPS = ["94612", "10001", "60601"]


def _encounter_rows(n: int = 90) -> list[dict[str, str]]:
    base = kit.encounter_rows()
    rows = []
    for i in range(n):
        r = dict(base[i % 3])
        r.update(mrn=f"MRN-T-{i // 2}", encounter_id=f"E{i}", zip=ZIPS[i % 3], sex="FM"[i % 2],
                 birth_date=f"19{30 + i % 60}-0{1 + i % 9}-1{i % 10}", research_consent="YN"[int(i % 7 == 0)],
                 patient_name=f"Quillon Vexbridge {i}, Jr.\nsecond line")  # quoted comma and line break
        rows.append(r)
    return rows


@pytest.fixture()
def batch(tmp_path):
    rows = _encounter_rows()
    labels = [dict(kit.label_rows()[0], encounter_id=f"E{i // 2}", rater_id=f"rater_{i % 2}") for i in range(40)]
    (tmp_path / "encounters.csv").write_bytes(kit.csv_bytes(ENCOUNTER_COLUMNS, rows))
    (tmp_path / "labels.csv").write_bytes(kit.csv_bytes(LABEL_COLUMNS, labels))
    return tmp_path


def _lineage() -> RowLineage:
    return RowLineage(source_system="ehr", batch_id="b1", transform_hash="t",
                      file_sha256={"encounters.csv": "a" * 64, "labels.csv": "b" * 64, "notes.jsonl": "c" * 64})


def _inputs(batch):
    return {"encounters": batch / "encounters.csv", "labels": batch / "labels.csv"}


def _whole_frame(batch, policy, key) -> dict[str, pd.DataFrame]:
    """What the whole-frame functions give for the two tables (as in deid.pipeline.deidentify_tables)."""
    rules = deid_rules(policy)
    enc_raw = pd.read_csv(batch / "encounters.csv", dtype=str, keep_default_na=False)
    lab_raw = pd.read_csv(batch / "labels.csv", dtype=str, keep_default_na=False)
    enc = deidentify_table(enc_raw, "encounters", policy=policy, key=key, rules=rules).frame
    lab = deidentify_table(lab_raw, "labels", policy=policy, key=key, rules=rules).frame
    consent = dict(zip(enc["encounter_pid"], enc_raw["research_consent"]))
    enc = _add_lineage(enc, "encounters.csv", _lineage(), enc_raw["research_consent"])
    lab = _add_lineage(lab, "labels.csv", _lineage(), lab["encounter_pid"].map(consent))
    qis = list(rules.quasi_identifiers)
    generalized, _ = enforce_k(enc[qis], qis, policy.risk.target_k, rules.generalization)
    for q in qis:
        enc[q] = generalized[q].astype("string")
    return {"encounters": enc, "labels": lab}


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    norm = lambda df: df.astype("string").fillna("<NA>").reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(norm(a), norm(b))


def test_chunks_give_the_whole_frame_result(batch, tmp_path, policy, key):
    links: list[pd.DataFrame] = []
    seen: list[tuple[str, int]] = []
    result = deidentify_stream(_inputs(batch), tmp_path / "out", policy=policy, key=key, lineage=_lineage(),
                               chunk_rows=7, on_linkage=links.append, progress=lambda t, n: seen.append((t, n)))
    expected = _whole_frame(batch, policy, key)
    for table in ("encounters", "labels"):
        _same(pd.read_parquet(result.outputs[table]), expected[table])
    assert result.row_counts == {"encounters": 90, "labels": 40}
    assert seen[:2] == [("encounters", 7), ("encounters", 14)] and seen[-1] == ("labels", 40)
    enc = expected["encounters"]
    qis = list(deid_rules(policy).quasi_identifiers)
    assert result.report["risk"]["after"]["k"] == risk_metrics(enc, qis)["k"] >= policy.risk.target_k
    assert result.report["row_counts"] == {"encounters": 90, "labels": 40}
    # linkage rows: distinct per (namespace, pseudonym, column), only to the sink, never next to the output
    linkage = pd.concat(links, ignore_index=True)
    assert list(linkage.columns) == LINKAGE_COLUMNS and result.linkage_rows == len(linkage)
    assert not linkage.duplicated(["namespace", "pseudonym", "source_column"]).any()
    assert len(linkage[linkage.source_column == "mrn"]) == 45
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["encounters.parquet", "labels.parquet"]
    assert "Vexbridge" not in (tmp_path / "out" / "encounters.parquet").read_bytes().decode("latin-1")


def test_csv_output_holds_the_same_values(batch, tmp_path, policy, key):
    pq = deidentify_stream(_inputs(batch), tmp_path / "pq", policy=policy, key=key, lineage=_lineage(), chunk_rows=11)
    csv = deidentify_stream(_inputs(batch), tmp_path / "csv", policy=policy, key=key, lineage=_lineage(),
                            chunk_rows=11, output_format="csv")
    for table in ("encounters", "labels"):
        _same(pd.read_csv(csv.outputs[table], dtype=str, keep_default_na=False).replace("", pd.NA),
              pd.read_parquet(pq.outputs[table]).astype("string").replace("", pd.NA))  # CSV: empty = missing


def test_free_text_tables_unknown_formats_and_unparseable_dates_stop(batch, tmp_path, policy, key):
    (batch / "notes.jsonl").write_bytes(kit.jsonl_bytes(kit.note_objects()))
    with pytest.raises(DeidError, match=r"with free text \['notes'\]"):
        deidentify_stream({**_inputs(batch), "notes": batch / "notes.jsonl"}, tmp_path / "o", policy=policy,
                          key=key, lineage=_lineage())
    with pytest.raises(DeidError, match="output format 'xlsx'"):
        deidentify_stream(_inputs(batch), tmp_path / "o", policy=policy, key=key, lineage=_lineage(),
                          output_format="xlsx")
    rows = _encounter_rows(20)
    rows[13]["birth_date"] = "04/05/1931"  # not the declared %Y-%m-%d: never a silent missing age
    (batch / "encounters.csv").write_bytes(kit.csv_bytes(ENCOUNTER_COLUMNS, rows))
    with pytest.raises(DeidError, match=r"column 'birth_date': 1 value\(s\) are not ISO 8601") as err:
        deidentify_stream(_inputs(batch), tmp_path / "o", policy=policy, key=key, lineage=_lineage(), chunk_rows=5)
    assert "04/05/1931" not in str(err.value)


@pytest.mark.parametrize("encoding,bom", [("cp1252", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_raw_chunks_read_the_declared_encoding_delimiter_and_parquet(tmp_path, encoding, bom):
    table = load_builtin_study().tables["labels"].model_copy(update={"encoding": encoding, "delimiter": ";"})
    path = tmp_path / "l.csv"
    path.write_bytes(bom + 'encounter_id;rater_id;label;labeled_at;labeling_tool\nE1;"r€\nx";1;;tool\nE2;r;0;;t\n'
                     .encode(encoding))
    chunks = list(iter_raw_chunks(table, path, chunk_rows=1))
    assert [len(c) for c in chunks] == [1, 1] and chunks[0].loc[0, "rater_id"] == "r€\nx"
    assert list(chunks[0].columns)[0] == "encounter_id"  # no byte-order mark in the first name
    assert chunks[1].loc[1, "labeled_at"] == ""  # empty cells are empty text, as the whole-frame reader gives
    pq_table = table.model_copy(update={"format": "parquet", "file": "l.parquet"})
    with ChunkWriter(tmp_path / "l.parquet", "parquet") as w:
        for c in chunks:
            w.write(c.assign(labeled_at=pd.Timestamp("2025-01-01")))
    back = pd.concat(iter_raw_chunks(pq_table, tmp_path / "l.parquet", chunk_rows=1))
    assert str(back["labeled_at"].dtype).startswith("datetime64") and back["label"].tolist() == ["1", "0"]
