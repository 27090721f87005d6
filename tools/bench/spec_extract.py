"""A synthetic raw extract of any study, generated from its spec alone (roles, formats, ranges, categories).

Used by ``tools/bench/ingest_scale.py``. Each column gets values of its declared type: identifiers as
distinct codes, direct identifiers as made-up strings, dates in the column's declared ``format``
(a birth date 1930-2000, the event time in the three years before the extract, a ``not_before`` date
0-10 days after the column it follows), numbers inside the declared plausible range (5 % missing),
binary and categorical values from the declared categories, consent flags from the granted/refused
values. Every table's row ``i`` belongs to the index table's encounter ``i // per`` so references
resolve. Files are written chunk by chunk (CSV and JSON Lines appended, Parquet by row groups), so
generating a 1,000,000-row extract needs little memory. Nothing here is a real person.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from clinical_pipelines.ingest.checks import encounter_table
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import RaterLabels, Study, Table

EXTRACTED_AT = pd.Timestamp("2025-01-15T02:00:00")
SITE = "bench-site"
# Five-digit ZIP codes whose ZIP3 areas hold far more than 20,000 people (US Census 2020), so Safe
# Harbor keeps their ZIP3.
ZIPS = np.array(["10001", "60601", "94110", "30301", "77001", "98101", "19104", "85001", "33101", "48201",
                 "90012", "75201", "80202", "55401", "63101", "97201", "02139", "20001", "28202", "37201"])
RACES = np.array(["White", "Black or African American", "Asian", "American Indian or Alaska Native", "Other"])
CHUNK = 100_000


@dataclass(frozen=True)
class Extract:
    """A written batch: its folder, batch id and rows per table file."""

    folder: Path
    batch_id: str
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _days(rng, lo: str, hi: str, n: int) -> pd.Series:
    a, b = pd.Timestamp(lo).value // 86_400_000_000_000, pd.Timestamp(hi).value // 86_400_000_000_000
    return pd.Series(pd.to_datetime(rng.integers(a, b, n), unit="D"))


def _fmt(d: pd.Series, fmt: str | None) -> np.ndarray:
    return d.dt.strftime(fmt or "%Y-%m-%d").to_numpy(dtype=object)


def _feature_values(rng, feature, n: int) -> np.ndarray:
    if feature.type == "numeric":
        lo, hi = feature.range or (0.0, 100.0)
        span = hi - lo
        x = np.round(lo + span * (0.25 + 0.5 * rng.random(n)), 2).astype(str).astype(object)
        x[rng.random(n) < 0.05] = ""
        return x
    return rng.choice(np.array(feature.allowed, dtype=object), n)


class _TableGen:
    """Values of one table's rows ``i0 .. i0+n-1`` (row i -> encounter i // per, patient encounter // 2)."""

    def __init__(self, study: Study, name: str, per: int, seed: int):
        self.study, self.name, self.table, self.per, self.seed = study, name, study.tables[name], per, seed
        raters = study.labels if isinstance(study.labels, RaterLabels) else None
        self.label_table = raters.table if raters else None
        self.allowed_labels = list(raters.allowed) if raters else ["0", "1"]

    def frame(self, i0: int, n: int) -> pd.DataFrame:
        rng = np.random.default_rng([self.seed, i0])
        i = np.arange(i0, i0 + n)
        enc = i // self.per
        event = _days(rng, "2022-01-01", "2024-12-31", n)
        cols: dict[str, np.ndarray] = {}
        for col, spec in self.table.columns.items():
            cols[col] = self._column(rng, col, spec, i, enc, event, cols)
        return pd.DataFrame(cols)

    def _column(self, rng, col: str, spec, i, enc, event, done: dict) -> np.ndarray:
        n, role = len(i), spec.role
        make: dict[str, Callable[[], np.ndarray]] = {
            R.PATIENT_ID: lambda: np.char.add("MRN", (enc // 2).astype("U9")).astype(object),
            R.ENCOUNTER_ID: lambda: np.char.add("ENC", enc.astype("U10")).astype(object),
            R.RECORD_ID: lambda: np.char.add(f"{col[:3].upper()}-", i.astype("U10")).astype(object),
            R.DIRECT_IDENTIFIER: lambda: np.char.add(f"{col}-", i.astype("U10")).astype(object),
            R.SITE: lambda: np.full(n, SITE, dtype=object),
            R.RATER: lambda: np.array(["rater_a", "rater_b"], dtype=object)[i % 2],
            R.OUTCOME: lambda: rng.choice(np.array(self.allowed_labels, dtype=object), n),
            R.FREE_TEXT: lambda: np.full(n, "Seen for chest pain; troponin trend reviewed; no acute distress.",
                                         dtype=object),
            R.DROP: lambda: np.full(n, "x", dtype=object),
        }
        if role in make:
            return make[role]()
        if role == R.CONSENT:
            values = list(spec.granted) * 9 + list(spec.refused)
            return rng.choice(np.array(values, dtype=object), n)
        if role in R.DATE_ROLES:
            return self._date(rng, spec, event, done)
        if role == R.QUASI_IDENTIFIER:
            return self._quasi(rng, col, spec, n)
        if role == R.FEATURE:
            return _feature_values(rng, spec, n)
        if role == R.SENSITIVE_ATTRIBUTE:
            return _feature_values(rng, spec.feature, n) if spec.feature else rng.choice(RACES, n).astype(object)
        if role == R.KEEP and spec.type == "datetime":
            return np.full(n, "2025-01-10T10:00:00", dtype=object)
        return rng.choice(np.array(["alpha", "beta", "gamma"], dtype=object), n)

    def _date(self, rng, spec, event: pd.Series, done: dict) -> np.ndarray:
        n = len(event)
        if getattr(spec, "handling", None) == "birth_date":
            return _fmt(_days(rng, "1930-01-01", "2000-12-31", n), spec.format)
        if getattr(spec, "not_before", None):
            return _fmt(event + pd.to_timedelta(rng.integers(0, 11, n), unit="D"), spec.format)
        return _fmt(event, spec.format)

    def _quasi(self, rng, col: str, spec, n: int) -> np.ndarray:
        if "zip3" in spec.generalization:
            return rng.choice(ZIPS, n).astype(object)
        if spec.age:
            return rng.integers(18, 95, n).astype(str).astype(object)
        if spec.feature is not None and spec.feature.type != "numeric":
            return rng.choice(np.array(spec.feature.allowed, dtype=object), n)
        return rng.choice(RACES[:3], n).astype(object)


class _Writer:
    """Appends frames to one table file in the table's declared format and encoding."""

    def __init__(self, path: Path, table: Table):
        self.path, self.table, self.first, self.parquet = path, table, True, None

    def write(self, df: pd.DataFrame) -> None:
        t = self.table
        if t.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            batch = pa.Table.from_pandas(df, preserve_index=False)
            self.parquet = self.parquet or pq.ParquetWriter(self.path, batch.schema)
            self.parquet.write_table(batch)
        elif t.format == "csv":
            df.to_csv(self.path, mode="w" if self.first else "a", header=self.first and t.has_header, index=False,
                      sep=t.csv_delimiter, quotechar=t.csv_quotechar, encoding=t.encoding, lineterminator="\n")
        else:
            with self.path.open("w" if self.first else "a", encoding=t.encoding) as fh:
                for rec in df.to_dict("records"):
                    fh.write(json.dumps(rec) + "\n")
        self.first = False

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


def write_extract(study: Study, folder: Path, rows: int, *, other_rows: int | None = None, seed: int = 0,
                  progress: Callable[[str], None] = lambda _: None) -> Extract:
    """Write one batch of ``study`` into ``folder``: ``rows`` rows in the encounter (index) table, ``other_rows``
    (default ``rows // 10``) encounters' worth of rows in each other table (two rows per encounter in the
    rater-label table), and the batch descriptor."""
    folder.mkdir(parents=True, exist_ok=True)
    index = encounter_table(study) or next(iter(study.tables))
    other = rows // 10 if other_rows is None else other_rows
    raters = study.labels.table if isinstance(study.labels, RaterLabels) else None
    counts: dict[str, int] = {}
    for name, table in study.tables.items():
        per = 2 if name == raters else 1
        n = rows if name == index else other * per
        gen, writer = _TableGen(study, name, per, seed), _Writer(folder / table.file, table)
        for i0 in range(0, n, CHUNK):
            writer.write(gen.frame(i0, min(CHUNK, n - i0)))
            progress(f"  wrote {table.file}: {min(i0 + CHUNK, n):,}/{n:,} rows")
        writer.close()
        counts[table.file] = n
    batch_id = folder.name
    if study.batch_descriptor:
        files = [t.file for t in study.tables.values()] + [study.batch_descriptor]
        (folder / study.batch_descriptor).write_text(json.dumps({
            "batch_id": batch_id, "source_system": "bench-ehr", "site_id": SITE,
            "extracted_at": EXTRACTED_AT.isoformat() + "Z", "files": files}))
    return Extract(folder=folder, batch_id=batch_id, rows=counts)
