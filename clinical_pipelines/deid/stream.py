"""Structured de-identification of a batch read and written in chunks: memory bounded by the chunk, not the extract.

The rules and functions are those of the whole-frame path (:mod:`.pipeline`): each chunk of a table goes
through :func:`.structured.deidentify_table` (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)) and gets the same
lineage columns; the consent flag travels from its table to the rows of the same encounter. k-anonymity
needs every record of the quasi-identifier table at once, but only its released quasi-identifier and
sensitive attributes (a few short columns): they are collected chunk by chunk, measured and enforced
(:func:`.risk.risk_metrics`, :func:`.risk.enforce_k`) once, and the table is written in a second pass over
its staged chunks with the enforced attributes put in. Every other table is written as it is read.

Input is read as the study declares it (CSV with its delimiter, quote character, header and encoding, a
UTF-8 byte-order mark tolerated; JSON Lines; Parquet, native dates kept), cells as text so ZIP codes
keep leading zeros, as the ingest contract has checked them (:mod:`clinical_pipelines.ingest`). Output
is Parquet (one row group per chunk) or CSV (appended). Free-text tables are refused here: their notes
need the text engine with each record's known identifiers (:func:`.pipeline.deidentify_tables`).
Linkage rows (pseudonym -> identifier) go to ``on_linkage`` chunk by chunk (e.g. the linkage vault's
``store``), never next to the output. Errors name tables and columns, never values.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import Study, Table

from .errors import DeidError
from .pipeline import RowLineage, _add_lineage
from .policy import DeidPolicy
from .report import build_report
from .risk import enforce_k, risk_metrics
from .structured import LINKAGE_COLUMNS, deidentify_table
from .study_rules import StudyDeidRules, deid_rules

CHUNK_ROWS = 100_000
FORMATS = ("parquet", "csv")
STRUCTURED_ONLY_MODEL = {"name": "none (structured tables only: no free text de-identified in this pass)",
                         "version": "", "sha256": "", "components": ""}


def _encoding(table: Table) -> str:
    import codecs

    codec = codecs.lookup(table.encoding).name
    return "utf-8-sig" if codec == "utf-8" else codec


def iter_raw_chunks(table: Table, path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Frames of at most ``chunk_rows`` records of one table file, read as ``table`` declares it.

    CSV and JSON Lines cells are text (empty = ``""``, as ``pandas.read_csv(dtype=str, keep_default_na=False)``);
    Parquet columns keep native dates and become text otherwise. Quoted line breaks stay inside their field."""
    if table.format == "csv":
        header = {} if table.has_header else {"header": None, "names": list(table.columns)}
        with pd.read_csv(path, dtype=str, keep_default_na=False, sep=table.csv_delimiter,
                         quotechar=table.csv_quotechar, encoding=_encoding(table), chunksize=chunk_rows,
                         **header) as reader:
            yield from reader
    elif table.format == "jsonl":
        with pd.read_json(path, lines=True, dtype=False, encoding=_encoding(table), chunksize=chunk_rows) as reader:
            for df in reader:
                yield df.astype({c: str for c in df.columns})
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
            df = batch.to_pandas(date_as_object=False)
            for c in df.columns:
                if not pd.api.types.is_datetime64_any_dtype(df[c]):
                    df[c] = df[c].astype("string")
            yield df


class ChunkWriter:
    """Appends frames to one file: Parquet (one row group per frame; the first frame fixes the schema, a column
    with no values yet is text) or CSV (header once). ``close()`` must be called (or use ``with``)."""

    def __init__(self, path: Path, fmt: str):
        if fmt not in FORMATS:
            raise DeidError(f"output format {fmt!r} is not one of {', '.join(FORMATS)}")
        self.path, self.fmt, self.rows = Path(path), fmt, 0
        self._parquet = None
        self._schema = None

    def write(self, df: pd.DataFrame) -> None:
        if self.fmt == "csv":
            df.to_csv(self.path, mode="a" if self.rows else "w", header=not self.rows, index=False,
                      lineterminator="\n")
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._schema is None:
                inferred = pa.Schema.from_pandas(df, preserve_index=False)
                self._schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                                          for f in inferred], metadata=inferred.metadata)
                self._parquet = pq.ParquetWriter(self.path, self._schema)
            self._parquet.write_table(pa.Table.from_pandas(df, schema=self._schema, preserve_index=False))
        self.rows += len(df)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self.rows == 0 and self.fmt == "csv":
            self.path.write_text("")

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class StreamResult:
    """What the streamed pass wrote: table -> output file and rows, redaction counts (``table.KIND``),
    the de-identification report (counts and hashes only) and the number of distinct linkage rows."""

    outputs: dict[str, Path]
    row_counts: dict[str, int]
    structured_counts: Counter = field(default_factory=Counter)
    report: dict = field(default_factory=dict)
    linkage_rows: int = 0
    risk_before: dict = field(default_factory=dict)
    risk_after: dict = field(default_factory=dict)
    enforcement: dict = field(default_factory=dict)


class _Linkage:
    """Linkage rows of each chunk, deduplicated across chunks, handed to ``sink``."""

    def __init__(self, sink: Callable[[pd.DataFrame], None] | None):
        self.sink, self.seen, self.rows = sink, set(), 0

    def add(self, rows: pd.DataFrame) -> None:
        if not len(rows):
            return
        keys = list(zip(rows["namespace"], rows["pseudonym"], rows["source_column"]))
        keep = [k not in self.seen for k in keys]
        self.seen.update(keys)
        new = rows[keep].drop_duplicates(["namespace", "pseudonym", "source_column"])
        self.rows += len(new)
        if self.sink is not None and len(new):
            self.sink(new.reset_index(drop=True)[LINKAGE_COLUMNS])


def _order(tables: list[str], rules: StudyDeidRules) -> list[str]:
    """The consent table first (its flags travel to the other tables), the rest in spec order."""
    first = rules.consent[0] if rules.consent else None
    return sorted(tables, key=lambda t: t != first)


def deidentify_stream(inputs: Mapping[str, Path], out_dir: Path, *, policy: DeidPolicy, key: bytes,
                      lineage: RowLineage, study: Study | None = None, output_format: str = "parquet",
                      chunk_rows: int = CHUNK_ROWS, on_linkage: Callable[[pd.DataFrame], None] | None = None,
                      progress: Callable[[str, int], None] | None = None) -> StreamResult:
    """De-identify the structured tables ``inputs`` (table name -> raw file) of one batch of ``study`` in chunks.

    Writes ``out_dir/<table>.<output_format>`` per table (same columns and values as
    :func:`.pipeline.deidentify_tables` gives for them). ``progress(table, rows_done)`` is called after each
    chunk. Raises :class:`DeidError` for an unknown table, a free-text table or an unknown output format, and
    what :func:`.structured.deidentify_table` raises for a value that does not parse (never a silent NaN)."""
    study = study_or_default(study)
    rules = deid_rules(policy, study)
    unknown = sorted(set(inputs) - set(rules.tables))
    text = sorted(t for t in inputs if rules.text_columns.get(t))
    if unknown or text:
        raise DeidError(f"study {rules.study_id!r}: unknown table(s) {unknown}; table(s) with free text {text} are "
                        "de-identified with the text engine (deidentify_tables), not by this structured pass")
    if output_format not in FORMATS:
        raise DeidError(f"output format {output_format!r} is not one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = _State(rules, policy, key, lineage, _Linkage(on_linkage))
    outputs: dict[str, Path] = {}
    for table in _order(list(inputs), rules):
        target = out_dir / f"{table}.{output_format}"
        staged = out_dir / f".{table}.staged.parquet" if table == rules.risk_table else None
        with ChunkWriter(staged or target, "parquet" if staged else output_format) as writer:
            for chunk in iter_raw_chunks(study.tables[table], Path(inputs[table]), chunk_rows):
                writer.write(state.chunk(table, chunk))
                if progress is not None:
                    progress(table, writer.rows)
        state.rows[table] = writer.rows
        if staged is not None:
            state.finish_risk(staged, target, output_format, chunk_rows)
            staged.unlink()
        outputs[table] = target
    report = build_report(policy=policy, rules=rules, code_hash=lineage.transform_hash,
                          model_identity=STRUCTURED_ONLY_MODEL, batch_id=lineage.batch_id,
                          source_system=lineage.source_system, structured_counts=state.counts, text_counts={},
                          risk_before=state.before, risk_after=state.after, enforcement=state.enforcement,
                          row_counts=dict(state.rows))
    return StreamResult(outputs=outputs, row_counts=dict(state.rows), structured_counts=state.counts,
                        report=json.loads(json.dumps(report, default=str)), linkage_rows=state.linkage.rows,
                        risk_before=dict(state.before), risk_after=dict(state.after),
                        enforcement=dict(state.enforcement))


class _State:
    """Per-batch state of a streamed pass: counts, consent by encounter, the quasi-identifier table, risk."""

    def __init__(self, rules: StudyDeidRules, policy: DeidPolicy, key: bytes, lineage: RowLineage, linkage: _Linkage):
        self.rules, self.policy, self.key, self.lineage, self.linkage = rules, policy, key, lineage, linkage
        self.counts: Counter = Counter()
        self.rows: dict[str, int] = {}
        self.enc_pid = rules.pseudonym_output(R.ENCOUNTER_ID)
        self.consent_by_enc: dict = {}
        self.qi_parts: list[pd.DataFrame] = []
        self.qis: list[str] = []
        self.sens: list[str] = []
        empty = risk_metrics(pd.DataFrame(), [], [], policy.risk.prosecutor_risk_threshold)
        self.before, self.after, self.enforcement = empty, empty, {}

    def chunk(self, table: str, raw: pd.DataFrame) -> pd.DataFrame:
        res = deidentify_table(raw, table, policy=self.policy, key=self.key, rules=self.rules)
        self.counts.update({f"{table}.{k}": v for k, v in res.counts.items()})
        self.linkage.add(res.linkage_rows)
        out = res.frame
        if self.rules.consent and table == self.rules.consent[0]:
            consent = raw[self.rules.consent[1]].reset_index(drop=True)
            if self.enc_pid in out.columns:
                self.consent_by_enc.update(zip(out[self.enc_pid], consent))
        elif self.enc_pid in out.columns:
            consent = out[self.enc_pid].map(self.consent_by_enc)
        else:
            consent = pd.Series(pd.NA, index=out.index)
        out = _add_lineage(out, self.rules.files[table], self.lineage, consent)
        if table == self.rules.risk_table:
            self.qis = [q for q in self.rules.quasi_identifiers if q in out.columns]
            self.sens = [s for s in self.rules.sensitive_attributes if s in out.columns]
            self.qi_parts.append(out[self.qis + self.sens].astype("category"))
        return out

    def finish_risk(self, staged: Path, target: Path, fmt: str, chunk_rows: int) -> None:
        """Measure and enforce k on the collected attributes, then write the table with them put in."""
        import pyarrow.parquet as pq

        qi = (pd.concat([p.astype("string") for p in self.qi_parts], ignore_index=True) if self.qi_parts
              else pd.DataFrame(columns=self.qis + self.sens))
        self.qi_parts = []
        threshold = self.policy.risk.prosecutor_risk_threshold
        self.before = risk_metrics(qi, self.qis, self.sens, threshold)
        enforced = self.policy.risk.enforce_k and len(qi)
        if enforced:
            generalized, self.enforcement = enforce_k(qi[self.qis], self.qis, self.policy.risk.target_k,
                                                      self.rules.generalization)
            for q in self.qis:
                qi[q] = generalized[q].astype("string")
            del generalized
        self.after = risk_metrics(qi, self.qis, self.sens, threshold)
        done = 0
        with ChunkWriter(target, fmt) as writer:
            for batch in pq.ParquetFile(staged).iter_batches(batch_size=chunk_rows):
                df = batch.to_pandas()
                n = len(df)
                for q in self.qis if enforced else ():
                    df[q] = qi[q].iloc[done:done + n].reset_index(drop=True).astype("string")
                writer.write(df)
                done += n
