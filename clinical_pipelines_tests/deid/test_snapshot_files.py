"""The snapshot's file-to-file de-identification (deid/snapshot.py) releases what the whole-frame path releases:
same tables, report, row and redaction counts, linkage rows and known identifiers, with the structured tables
chunked. Assertions compare frames and counts; no test output shows a value."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from clinical_pipelines.deid import pipeline as deid
from clinical_pipelines.deid.study_rules import deid_rules
from clinical_pipelines.deid.snapshot import deidentify_snapshot_files, evaluate_snapshot_files, read_raw_table
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.spec import load_study


def _write(files: dict[str, bytes], folder) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def _whole(paths, study, policy, key, engine, lineage):
    frames = {name: read_raw_table(t, paths[t.file]) for name, t in study.tables.items()}
    result = deid.deidentify_tables(frames, policy=policy, key=key, text_engine=engine, lineage=lineage, study=study)
    return result, deid.known_identifiers_of(None, frames=frames, study=study, policy=policy)


def _same_release(streamed, whole, known, tmp_path):
    assert list(streamed.outputs) == list(whole.tables)
    for name, df in whole.tables.items():
        expected = tmp_path / f"whole-{name}.parquet"
        df.to_parquet(expected, index=False)  # what the asset wrote before
        got = pd.read_parquet(streamed.outputs[name])
        pd.testing.assert_frame_equal(got, pd.read_parquet(expected), obj=name)
    assert streamed.report == whole.report
    assert list(streamed.report["row_counts"]) == list(whole.report["row_counts"])
    assert streamed.row_counts == {t: len(df) for t, df in whole.tables.items()}
    assert streamed.counts == whole.counts
    keys = ["namespace", "pseudonym", "source_column"]
    norm = lambda df: df.sort_values(keys).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(norm(streamed.linkage_rows), norm(whole.linkage_rows), check_dtype=False)
    assert streamed.known_identifiers == known


def _same_gates(streamed, whole, known, study, policy, chunk_rows=100_000):
    """The gates on the written files (k-anonymity reading the quasi-identifier columns only, structured tables
    in chunks) decide as the gates on the whole frames, with the same metadata."""
    got = evaluate_snapshot_files(streamed.outputs, policy=policy, study=study,
                                  known_identifiers=streamed.known_identifiers, chunk_rows=chunk_rows)
    expected = deid.evaluate_checks(whole.tables, policy=policy, study=study, known_identifiers=known)
    assert [(o.name, o.passed, o.metadata) for o in got] == [(o.name, o.passed, o.metadata) for o in expected]
    assert [o.name for o in got] == list(deid.CHECK_NAMES)


def test_mace_batch_streams_structured_tables_and_equals_whole_frames(tmp_path, policy, key, engine):
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    study = load_study(builtin_study_path("mace"))
    b = generate_cohort(CohortSpec(n_patients=40, sites=("northgate",), n_years=1))[0]
    paths = _write(b.files, tmp_path / "raw")
    lineage = deid.RowLineage(b.source_system, b.batch_id,
                              {f: hashlib.sha256(v).hexdigest() for f, v in b.files.items()}, "code-hash")
    streamed = deidentify_snapshot_files(paths, tmp_path / "out", study=study, policy=policy, key=key,
                                         text_engine=engine, lineage=lineage, chunk_rows=9)
    text_tables = {t for t, cols in deid_rules(policy, study).text_columns.items() if cols}
    assert text_tables and set(streamed.streamed) == set(study.tables) - text_tables
    whole, known = _whole(paths, study, policy, key, engine, lineage)
    _same_release(streamed, whole, known, tmp_path)
    _same_gates(streamed, whole, known, study, policy, chunk_rows=7)

    # Findings in structured tables (a known identifier, a restricted ZIP3, a full date) are counted over the
    # chunks as over the whole frames, and fail the same gates.
    rules = deid_rules(policy, study)
    dirty = {t: df.copy() for t, df in whole.tables.items()}
    kind, values = next(iter(sorted(known.items())))
    for t in streamed.streamed:
        df = dirty[t]
        col = next(c for c in df.columns if not c.startswith("lineage_") and pd.api.types.is_string_dtype(df[c])
                   and c not in rules.shifted_columns(t))
        df.loc[df.index[:5], col] = values[0]
        df.loc[df.index[5:8], col] = "seen on 2021-03-04 at the clinic"
        if "zip3" in df.columns:
            df.loc[df.index[-3:], "zip3"] = sorted(policy.restricted_zip3)[0]
        streamed.outputs[t] = tmp_path / f"dirty-{t}.parquet"
        df.to_parquet(streamed.outputs[t], index=False)
    dirty_result = deid.DeidBatchResult(tables=dirty, linkage_rows=whole.linkage_rows, report={}, counts={})
    _same_gates(streamed, dirty_result, known, study, policy, chunk_rows=7)
    outcome = {o.name: o for o in deid.evaluate_checks(dirty, policy=policy, study=study, known_identifiers=known)}
    assert not outcome["residual_phi_scan"].passed and not outcome["no_full_dates"].passed
    assert not outcome["no_restricted_zip3"].passed


def test_structured_only_study_goes_through_the_chunked_path(tmp_path, policy, key):
    from clinical_pipelines.study import builtin_data as B

    study = load_study(builtin_study_path("heart-disease"))
    written = B.write_heart_disease(tmp_path / "raw")
    folder = written[0].folder
    table = next(iter(study.tables.values()))
    paths = {table.file: folder / table.file}
    lineage = deid.RowLineage("uci", written[0].batch_id, {table.file: hashlib.sha256(paths[table.file].read_bytes())
                                                           .hexdigest()}, "code-hash")
    streamed = deidentify_snapshot_files(paths, tmp_path / "out", study=study, policy=policy, key=key,
                                         text_engine=None, lineage=lineage, chunk_rows=50)
    assert streamed.streamed == tuple(study.tables)
    assert streamed.report["ner_model"] == deid.NO_TEXT_MODEL
    whole, known = _whole(paths, study, policy, key, None, lineage)
    _same_release(streamed, whole, known, tmp_path)
    _same_gates(streamed, whole, known, study, policy)


def test_a_missing_file_is_named(tmp_path, policy, key):
    from clinical_pipelines.deid.errors import DeidError

    study = load_study(builtin_study_path("heart-disease"))
    lineage = deid.RowLineage("uci", "b", {}, "code-hash")
    with pytest.raises(DeidError, match="not in the batch"):
        deidentify_snapshot_files({}, tmp_path / "out", study=study, policy=policy, key=key, text_engine=None,
                                  lineage=lineage)
