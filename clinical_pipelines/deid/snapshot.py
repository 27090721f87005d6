"""One batch of a study de-identified from its raw files on disk to released Parquet files on disk.

The function the snapshot asset calls. Tables without a free-text column go through the chunked structured
pass (:func:`.stream.deidentify_stream`): memory bounded by the chunk, k-anonymity measured and enforced
once on the collected quasi-identifier columns. Tables with free text keep the whole-table path (the text
engine needs each record's known identifiers, :func:`.pipeline.deidentify_one_table`); they get the consent
flag from the consent table's released output. A study whose consent or quasi-identifier table holds free
text goes through :func:`.pipeline.deidentify_tables` as a whole.

Either way the released tables, the de-identification report (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)),
row counts and redaction counts are those :func:`.pipeline.deidentify_tables` gives for the same batch.
Linkage rows are collected for one store per batch (the vault records an access event per store).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.read import codec_name
from clinical_pipelines.study.spec import Study, Table

from .errors import DeidError
from .pipeline import NO_TEXT_MODEL, RowLineage, _add_lineage, deidentify_one_table, deidentify_tables, known_identifiers_of
from .policy import DeidPolicy
from .report import build_report
from .stream import CHUNK_ROWS, deidentify_stream, iter_raw_chunks
from .structured import LINKAGE_COLUMNS
from .study_rules import StudyDeidRules, deid_rules


@dataclass
class SnapshotTables:
    """The released tables of one batch as Parquet files (table -> path, in the study's table order), their row
    counts, the de-identification report, redaction counts by kind, the linkage rows (for the vault only: never
    next to the output), the batch's known identifier values by kind (for the residual gate: never log them)
    and the tables that went through the chunked pass."""

    outputs: dict[str, Path]
    row_counts: dict[str, int]
    report: dict
    counts: dict[str, int]
    linkage_rows: pd.DataFrame
    known_identifiers: dict[str, list[str]] = field(repr=False)
    streamed: tuple[str, ...] = ()


def _encoding(table: Table) -> str:
    codec = codec_name(table.encoding)
    return "utf-8-sig" if codec == "utf-8" else codec  # a UTF-8 byte-order mark is tolerated (RFC 8259 8.1)


def read_raw_table(table: Table, path: Path) -> pd.DataFrame:
    """The whole raw frame of one table file, read as ``table`` declares it (cells as text: ZIPs keep leading
    zeros, empty cells are ``""``): CSV with its delimiter, quote character, header and encoding; JSON Lines;
    Parquet (every column as text)."""
    if table.format == "csv":
        header = {} if table.has_header else {"header": None, "names": list(table.columns)}
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=table.csv_delimiter,
                           quotechar=table.csv_quotechar, encoding=_encoding(table), **header)
    if table.format == "jsonl":
        df = pd.read_json(path, lines=True, dtype=False, encoding=_encoding(table))
        return df.astype({c: str for c in df.columns})
    return pd.read_parquet(path).astype("string")


def streamable_tables(study: Study, rules: StudyDeidRules) -> list[str]:
    """The study's tables the chunked pass takes: those without free text, provided neither the consent table
    nor the quasi-identifier table holds free text (else none: the whole batch takes the whole-table path)."""
    text = {t for t in study.tables if rules.text_columns.get(t)}
    pivots = {rules.risk_table, rules.consent[0] if rules.consent else None} - {None}
    if pivots & text:
        return []
    return [t for t in study.tables if t not in text]


def deidentify_snapshot_files(files: Mapping[str, Path], out_dir: Path, *, study: Study, policy: DeidPolicy,
                              key: bytes, text_engine, lineage: RowLineage, chunk_rows: int = CHUNK_ROWS,
                              progress: Callable[[str, int], None] | None = None) -> SnapshotTables:
    """De-identify one raw batch (``files``: file name as the study declares it -> local path) of ``study`` into
    ``out_dir/<table>.parquet``.

    ``text_engine`` (a :class:`.text.ClinicalTextDeidentifier`) is required when the study has free text.
    Raises :class:`DeidError` for a declared file missing from ``files``, and what the structured rules raise
    for a value that does not parse (naming table, row and column, never the value)."""
    rules = deid_rules(policy, study)
    missing = sorted(t.file for t in study.tables.values() if t.file not in files)
    if missing:
        raise DeidError(f"file(s) {missing} of study {rules.study_id!r} are not in the batch")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: Path(files[t.file]) for name, t in study.tables.items()}
    streamed = streamable_tables(study, rules)
    if not streamed:
        return _whole(paths, out_dir, study=study, rules=rules, policy=policy, key=key, text_engine=text_engine,
                      lineage=lineage)
    links: list[pd.DataFrame] = []
    res = deidentify_stream({t: paths[t] for t in streamed}, out_dir, policy=policy, key=key, lineage=lineage,
                            study=study, chunk_rows=chunk_rows, on_linkage=links.append, progress=progress)
    known = _known_streamed(paths, streamed, study, rules, chunk_rows)
    structured_counts: Counter = Counter(res.structured_counts)
    text_counts: Counter = Counter()
    row_counts = dict(res.row_counts)
    outputs = dict(res.outputs)
    text_tables = [t for t in study.tables if t not in streamed]
    if text_tables:
        if text_engine is None:
            raise DeidError(f"study {rules.study_id!r} has free-text columns: a text engine is required "
                            "(no fallback engine)")
        frames = {t: read_raw_table(study.tables[t], paths[t]) for t in text_tables}
        enc = rules.encounter_table
        if enc is not None and enc not in frames:
            frames[enc] = _identifier_columns(study, rules, enc, paths[enc], chunk_rows)
        consent_by_enc = _consent_by_encounter(outputs, rules)
        for t in text_tables:
            out, linkage = deidentify_one_table(frames, t, policy=policy, key=key, rules=rules, text_engine=text_engine,
                                                structured_counts=structured_counts, text_counts=text_counts)
            links.append(linkage)
            pid = rules.pseudonym_output(R.ENCOUNTER_ID)
            consent = out[pid].map(consent_by_enc) if pid in out.columns else pd.Series(pd.NA, index=out.index)
            out = _add_lineage(out, rules.files[t], lineage, consent)
            outputs[t] = out_dir / f"{t}.parquet"
            out.to_parquet(outputs[t], index=False)
            row_counts[t] = len(out)
            _merge_known(known, known_identifiers_of(None, frames={t: frames[t]}, rules=rules))
        del frames
    order = list(study.tables)
    structured_counts = Counter({k: structured_counts[k] for k in sorted(structured_counts,
                                                                         key=lambda k: order.index(k.split(".", 1)[0]))})
    row_counts = {t: row_counts[t] for t in order}
    report = build_report(policy=policy, rules=rules, code_hash=lineage.transform_hash,
                          model_identity=text_engine.model_identity if text_tables else NO_TEXT_MODEL,
                          batch_id=lineage.batch_id, source_system=lineage.source_system,
                          structured_counts=structured_counts, text_counts=text_counts, risk_before=res.risk_before,
                          risk_after=res.risk_after, enforcement=res.enforcement, row_counts=row_counts)
    return SnapshotTables(outputs={t: outputs[t] for t in order}, row_counts=row_counts, report=report,
                          counts=_by_kind(structured_counts, text_counts), linkage_rows=_linkage(links),
                          known_identifiers={k: sorted(v) for k, v in known.items()}, streamed=tuple(streamed))


def _whole(paths: Mapping[str, Path], out_dir: Path, *, study: Study, rules: StudyDeidRules, policy: DeidPolicy,
           key: bytes, text_engine, lineage: RowLineage) -> SnapshotTables:
    frames = {name: read_raw_table(study.tables[name], paths[name]) for name in study.tables}
    result = deidentify_tables(frames, policy=policy, key=key, text_engine=text_engine, lineage=lineage, study=study)
    outputs = {}
    for name, df in result.tables.items():
        outputs[name] = out_dir / f"{name}.parquet"
        df.to_parquet(outputs[name], index=False)
    return SnapshotTables(outputs=outputs, row_counts={t: len(df) for t, df in result.tables.items()},
                          report=result.report, counts=result.counts, linkage_rows=result.linkage_rows,
                          known_identifiers=known_identifiers_of(None, frames=frames, rules=rules))


def _identifier_columns(study: Study, rules: StudyDeidRules, table: str, path: Path, chunk_rows: int) -> pd.DataFrame:
    """The link and record-identifier columns of a structured table, read in chunks (what the text engine needs
    of each note's encounter)."""
    cols = list(dict.fromkeys(rules.link_columns.get(table, ()) + rules.record_identifiers.get(table, ())))
    parts = [chunk[[c for c in cols if c in chunk.columns]]
             for chunk in iter_raw_chunks(study.tables[table], path, chunk_rows)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def _consent_by_encounter(outputs: Mapping[str, Path], rules: StudyDeidRules) -> dict:
    """Encounter pseudonym -> consent flag, from the consent table's released file (its lineage column)."""
    if not rules.consent or rules.consent[0] not in outputs:
        return {}
    pid = rules.pseudonym_output(R.ENCOUNTER_ID)
    import pyarrow.parquet as pq

    if pid not in pq.read_schema(outputs[rules.consent[0]]).names:
        return {}
    df = pd.read_parquet(outputs[rules.consent[0]], columns=[pid, "lineage_consent"])
    return dict(zip(df[pid], df["lineage_consent"]))


def _known_streamed(paths: Mapping[str, Path], tables: list[str], study: Study, rules: StudyDeidRules,
                    chunk_rows: int) -> dict[str, set[str]]:
    """Known identifier values by kind of the streamed tables, gathered chunk by chunk."""
    known: dict[str, set[str]] = {}
    for t in tables:
        cols = set(rules.record_identifiers.get(t, ()) + rules.link_columns.get(t, ()))
        if not cols:
            continue
        for chunk in iter_raw_chunks(study.tables[t], paths[t], chunk_rows):
            part = chunk[[c for c in chunk.columns if c in cols]].astype("string")
            _merge_known(known, known_identifiers_of(None, frames={t: part}, rules=rules))
    return known


def _merge_known(into: dict[str, set[str]], more: Mapping[str, list[str]]) -> None:
    for kind, values in more.items():
        into.setdefault(kind, set()).update(values)


def _by_kind(structured_counts: Counter, text_counts: Counter) -> dict[str, int]:
    counts: Counter = Counter()
    for k, v in structured_counts.items():
        counts[k.split(".", 1)[1]] += v
    counts.update(text_counts)
    return dict(counts)


def _linkage(links: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [x for x in links if len(x)]
    linkage = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LINKAGE_COLUMNS)
    return linkage.drop_duplicates(["namespace", "pseudonym", "source_column"]).reset_index(drop=True)


def iter_parquet_chunks(path: Path, chunk_rows: int = CHUNK_ROWS):
    """Frames of at most ``chunk_rows`` rows of a released Parquet file (dtypes as ``pandas.read_parquet``
    gives them); a file without rows gives its one empty frame."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    if f.metadata.num_rows == 0:
        yield pd.read_parquet(path)
        return
    for batch in f.iter_batches(batch_size=chunk_rows):
        yield pa.Table.from_batches([batch], schema=f.schema_arrow).to_pandas()


def evaluate_snapshot_files(paths: Mapping[str, Path], *, policy: DeidPolicy, study: Study,
                            known_identifiers: Mapping[str, list[str]], text_engine=None,
                            chunk_rows: int = CHUNK_ROWS) -> list:
    """The snapshot's blocking checks on released Parquet files (table -> path, e.g. the committed files
    downloaded), with the outcomes and metadata :func:`.pipeline.evaluate_checks` gives on the whole frames.

    Memory: the k-anonymity check reads only the quasi-identifier columns of the quasi-identifier table
    (``pandas.read_parquet(columns=...)``); tables without free text are scanned chunk by chunk (residual
    structured findings, restricted ZIP3, ages over the limit and full dates are counts per cell, summed);
    free-text tables are read whole for the residual note scan."""
    import pyarrow.parquet as pq

    from .pipeline import (K_ANONYMITY, NO_AGE_OVER_89, NO_FULL_DATES, NO_RESTRICTED_ZIP3, CheckOutcome,
                           evaluate_checks)
    from .residual import KnownIdentifiers, ResidualScanner, scan_frame_known, scan_frame_text
    from .scan import ages_over_limit, full_date_cells, restricted_zip3_count
    from .study_rules import ZIP3_OUTPUT

    rules = deid_rules(policy, study)
    schemas = {t: pq.read_schema(p) for t, p in paths.items()}
    risk_frame = None
    if rules.risk_table in paths:
        names = schemas[rules.risk_table].names
        risk_frame = pd.read_parquet(paths[rules.risk_table], columns=[q for q in rules.quasi_identifiers if q in names])
    text_tables = [t for t in paths if rules.text_columns.get(t)]
    structured = [t for t in paths if t not in text_tables]
    # Text tables whole, structured tables as empty frames of their columns: the residual gate's note scan
    # and column-name findings; the per-cell checks of the structured tables follow chunk by chunk.
    frames = {t: (pd.read_parquet(paths[t]) if t in text_tables else schemas[t].empty_table().to_pandas())
              for t in paths}
    outcomes = evaluate_checks(frames, policy=policy, known_identifiers=known_identifiers, text_engine=text_engine,
                               study=study, rules=rules, risk_frame=risk_frame)
    del frames
    allowed: set[str] = set()
    for t in paths:
        allowed |= rules.shifted_columns(t)
    columns = {c for t in paths for c in schemas[t].names}
    skip_known = {c for c in columns if c.startswith("lineage_")} | allowed
    skip_text = skip_known | {c for c in columns if c.endswith("_pid")}
    if not isinstance(known_identifiers, Mapping):
        known_identifiers = {"identifier": list(known_identifiers)}
    known, scanner = KnownIdentifiers(known_identifiers, name_parts="out_of_vocabulary"), ResidualScanner()
    found: Counter = Counter()
    zip3 = ages = 0
    dates: dict[str, int] = {}
    for t in structured:
        for df in iter_parquet_chunks(paths[t], chunk_rows):
            found.update(scan_frame_known(df, known, skip=skip_known))
            found.update(scan_frame_text(df, skip=skip_text, scanner=scanner))
            zip3 += restricted_zip3_count(df, policy, ZIP3_OUTPUT)
            ages += ages_over_limit(df, policy, R.AGE)
            for k, v in full_date_cells(df, policy, allowed, skip=rules.text_columns.get(t, ())).items():
                dates[f"{t}.{k}"] = dates.get(f"{t}.{k}", 0) + v
    return [_add_chunked(o, found, zip3, ages, dates, policy,
                         names=(K_ANONYMITY, NO_RESTRICTED_ZIP3, NO_AGE_OVER_89, NO_FULL_DATES), cls=CheckOutcome)
            for o in outcomes]


def _add_chunked(o, found: Counter, zip3: int, ages: int, dates: dict[str, int], policy: DeidPolicy, *, names, cls):
    """An outcome of the whole-frame checks on the text tables with the chunked structured counts added."""
    k_anonymity, no_zip3, no_age, no_dates = names
    md = dict(o.metadata)
    if o.name == k_anonymity:
        return o
    if o.name == no_zip3:
        n = int(md["restricted_zip3_rows"]) + zip3
        return cls(o.name, n == 0, {**md, "restricted_zip3_rows": n})
    if o.name == no_age:
        n = int(md["ages_over_limit"]) + ages
        return cls(o.name, n == 0, {**md, "ages_over_limit": n})
    if o.name == no_dates:
        per = {**{k: v for k, v in md.items() if "." in k}, **dates}
        n = int(sum(per.values()))
        return cls(o.name, not per, {"cells_with_full_date": n, "date_mode": policy.date_mode, **per})
    # residual_phi_scan: structured findings summed into its counts, in the order the scan writes them
    text_total = int(md["text_findings"]) + int(md["raw_identifier_columns"])
    total = int(md["structured_findings"]) + int(sum(found.values()))
    merged = Counter({k[len("structured."):]: int(v) for k, v in md.items() if k.startswith("structured.")})
    merged.update(found)
    tail = ("flagged_note_pids", "raw_identifier_column_names")
    out = {k: v for k, v in md.items() if not k.startswith(("text.", "structured.", "review.")) and k not in tail}
    out["structured_findings"] = total
    out.update({k: v for k, v in md.items() if k.startswith("text.")})
    out.update({f"structured.{k}": int(v) for k, v in sorted(merged.items())})
    out.update({k: v for k, v in md.items() if k.startswith("review.")})
    out.update({k: md[k] for k in tail if k in md})
    return cls(o.name, text_total + total == 0, out)
