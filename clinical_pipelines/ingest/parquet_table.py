"""The contract checks of a Parquet table file (Apache Parquet, read with pyarrow by record batches).

Rows are numbered by record (1-based; a Parquet file has no header line). Columns are matched by name
like a CSV header. Each value is checked by the same rules as a CSV cell (:mod:`clinical_pipelines.ingest.rules`):
text as it is, a null as a missing value, a number or boolean as its text; a native date or timestamp
is a date already, so it is written in the column's declared format before the date rules (range,
order, age) look at it. Problems name file, row and column, never a value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

from clinical_pipelines.ingest import rules
from clinical_pipelines.ingest.fastcheck import check_rows
from clinical_pipelines.ingest.problems import ProblemLog
from clinical_pipelines.ingest.textfile import sniff_kind
from clinical_pipelines.study.spec import Table

BATCH_ROWS = 20_000


def _texts(values: list, rule: rules.ValueRule) -> list[str]:
    """The values of one column as the text a CSV would hold (``""`` for null)."""
    convert: Callable[[object], str]
    if rule.kind == rules.DATE:
        def convert(v):
            return v.strftime(rule.date_format) if isinstance(v, dt.date) else _text(v)
    elif rule.kind == rules.DATETIME:
        def convert(v):
            return v.isoformat() if isinstance(v, dt.date) else _text(v)
    else:
        convert = _text
    return [convert(v) for v in values]


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return json.dumps(v) if v == v else ""  # NaN is a missing value
    return str(v)


def parquet_records(spec: Table, data: bytes, log: ProblemLog, checker) -> bool:
    """Check every record of a Parquet table with ``checker`` (a ``_RecordChecker``); ``False`` when the file
    cannot be read as Parquet at all or its columns do not look like the table's."""
    import pyarrow.parquet as pq

    from clinical_pipelines.ingest.tables import header_index

    name, declared = spec.file, tuple(spec.columns)
    if not data.startswith(b"PAR1"):
        kind = sniff_kind(data) or ("empty (0 bytes)" if not data else "text")
        log.add(name, f"is not the Apache Parquet file the study declares: its content is {kind}")
        return False
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure to open is a problem of the file
        log.add(name, f"is not a readable Parquet file ({type(exc).__name__})")
        return False
    index = header_index(name, list(pf.schema_arrow.names), declared, log, checker.ids.table)
    if index is None:
        return False
    columns = list(index)
    if pf.metadata.num_rows == 0:
        log.add(name, "has no records")
        return True
    done = 0
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            values = {c: _texts(batch.column(c).to_pylist(), checker.rules[c]) for c in columns}
            check_rows(checker, list(range(done + 1, done + batch.num_rows + 1)), values)
            done += batch.num_rows
    except Exception as exc:  # noqa: BLE001
        log.add(name, f"cannot be read past record {done} ({type(exc).__name__})")
    return True
