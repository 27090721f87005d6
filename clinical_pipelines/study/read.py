"""Reading a study's input file exactly as its spec declares, in chunks, reporting problems instead of raising.

Formats and the standards they follow:

- CSV (RFC 4180, Python :mod:`csv` in strict mode): the declared ``delimiter``, ``quotechar`` and
  ``header``; quoted fields may hold delimiters, quotes (doubled) and line breaks; blank lines are
  skipped; a row is numbered by the line it starts on (header = line 1).
- JSON Lines (jsonlines.org, RFC 8259): one JSON object per line, lines separated by ``\\n`` only,
  so U+2028, U+2029 and U+0085 inside strings are ordinary characters; a line that is not an object
  (``null``, ``42``, an array) is a problem; a key given twice in one object is a problem; numbers and
  booleans are read as their JSON text; ``null`` and an absent key are missing values.
- Parquet (Apache Parquet, via pyarrow), streamed by record batches; native dates and numbers are
  kept, text columns are parsed like CSV text.
- Encoding: the declared codec; for UTF-8 a byte-order mark at the start is tolerated (RFC 8259 8.1
  lets parsers ignore it; spreadsheet exports write one). A UTF-16/UTF-32 byte-order mark in a file
  declared as an 8-bit encoding, a UTF-8 byte-order mark in a file declared as another encoding,
  bytes that are not valid in the declared encoding, and files whose first bytes are another format
  (ZIP/XLSX, gzip, PDF, ...) are problems.

Every value is read as text first; :mod:`clinical_pipelines.study.values` then types it as the spec
declares (dates with their format, numbers, categories). A value that does not parse is a problem
counted per column, never a silent missing value. Problems name file, row and column, never a
value. A caller must not publish anything read from a file whose reader reports problems.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from clinical_pipelines.ingest import messages
from clinical_pipelines.ingest.rules import DECIMAL_RE
from clinical_pipelines.ingest.textfile import sniff_kind
from clinical_pipelines.study.problems import ProblemCounter
from clinical_pipelines.study.spec import Table

CHUNK_ROWS = 50_000
SNIFF_BYTES = 65_536
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # clinical notes in a CSV cell exceed the 128 KiB default

_WIDE_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\xff\xfe", "UTF-16"),
              (b"\xfe\xff", "UTF-16"))
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Chunk:
    """Up to ``chunk_rows`` records: ``frame`` has the declared columns found in the file (text, or typed
    by :func:`clinical_pipelines.study.values.type_chunk`); ``rows`` the row (CSV: line the record starts
    on; JSON Lines: line; Parquet: 1-based record number) of each frame row."""

    frame: pd.DataFrame
    rows: np.ndarray


def codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def safe_name(name: object) -> str:
    """A header or key as it may be shown: a plain identifier, else a neutral placeholder (it may be a value)."""
    text = str(name).strip()
    if text and len(text) <= 64 and re.fullmatch(r"[A-Za-z0-9_ .()/%-]+", text) and not re.fullmatch(r"[\d .-]+", text):
        return text
    return "(unnamed or non-identifier name)"


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class TableReader:
    """Iterate a table file in :class:`Chunk` s; ``problems`` collects everything wrong with it.

    ``name`` is how the file is named in problems (e.g. ``batch-1/encounters.csv``), ``table_name`` the
    table's name in the spec (named in the fix of an undeclared column). With
    ``typed=True`` (default) chunks are typed by :func:`~clinical_pipelines.study.values.type_chunk`.
    """

    def __init__(self, table: Table, path: Path, *, name: str | None = None, chunk_rows: int = CHUNK_ROWS,
                 typed: bool = True, problems: ProblemCounter | None = None, table_name: str | None = None):
        self.table, self.path, self.name = table, Path(path), name or Path(path).name
        self.table_name = table_name
        self.chunk_rows, self.typed = chunk_rows, typed
        self.problems = problems if problems is not None else ProblemCounter()
        self.rows_read = 0
        self.columns_found: list[str] = []
        self.missing: dict[str, int] = {}  # column -> values read as missing (empty, absent or a missing code)
        self._codes = {c: missing_codes(table.missing_for(c)) for c in table.columns}

    def __iter__(self) -> Iterator[Chunk]:
        from clinical_pipelines.study.values import type_chunk

        if not self._sniff():
            return
        reader = {"csv": self._csv, "jsonl": self._jsonl, "parquet": self._parquet}[self.table.format]
        for chunk in reader():
            self.rows_read += len(chunk.frame)
            for c in chunk.frame.columns:
                self.missing[c] = self.missing.get(c, 0) + int(chunk.frame[c].isna().sum())
            yield type_chunk(self.table, chunk, self.name, self.problems) if self.typed else chunk

    def read_all(self) -> pd.DataFrame:
        """Every chunk concatenated (for small files; the declared columns found, as typed)."""
        frames = [c.frame for c in self]
        if not frames:
            return pd.DataFrame(columns=self.columns_found)
        return pd.concat(frames, ignore_index=True)

    # ------------------------------------------------------------------ bytes
    def _sniff(self) -> bool:
        try:
            with self.path.open("rb") as fh:
                head = fh.read(SNIFF_BYTES)
        except FileNotFoundError:
            self.problems.add(self.name, messages.MISSING_FILE)
            return False
        except OSError as exc:
            self.problems.add(self.name, f"cannot be read ({type(exc).__name__})")
            return False
        if not head:
            self.problems.add(self.name, "is empty (0 bytes)")
            return False
        if self.table.format == "parquet":
            if not head.startswith(b"PAR1"):
                kind = sniff_kind(head) or "text"
                self.problems.add(self.name, f"is not an Apache Parquet file (its content is {kind})")
                return False
            return True
        codec = codec_name(self.table.encoding)
        wide = codec.startswith(("utf-16", "utf-32"))
        for bom, enc in _WIDE_BOMS:
            if head.startswith(bom) and not wide:
                self.problems.add(self.name, f"is encoded as {enc} (byte-order mark), but the spec declares "
                                             f"{self.table.encoding}: declare encoding: {enc.lower()} or re-export")
                return False
        kind = None if wide else sniff_kind(head)
        if kind is not None and not kind.startswith("binary"):
            self.problems.add(self.name, f"is not the {self.table.format} text file the spec declares: its content "
                                         f"is {kind}")
            return False
        if kind is not None:
            self.problems.add(self.name, "holds NUL bytes: is it UTF-16 text (declare encoding: utf-16) or "
                                         "binary data?")
            return False
        if head.startswith(UTF8_BOM) and codec != "utf-8":
            self.problems.add(self.name, f"starts with a UTF-8 byte-order mark, but the spec declares "
                                         f"{self.table.encoding}: declare encoding: utf-8", row=1)
            return False
        return True

    def _open_text(self, newline: str):
        codec = codec_name(self.table.encoding)
        return self.path.open("r", encoding="utf-8-sig" if codec == "utf-8" else codec, errors="strict",
                              newline=newline)

    def _decode_problem(self) -> None:
        self.problems.add(self.name, f"is not valid {self.table.encoding} text (first invalid byte on this line; "
                                     "declare the file's real encoding, e.g. latin-1 or cp1252)",
                          row=first_invalid_line(self.path, codec_name(self.table.encoding)))

    # ------------------------------------------------------------------ CSV
    def _csv(self) -> Iterator[Chunk]:
        t = self.table
        with self._open_text(newline="") as fh:
            reader = csv.reader(fh, delimiter=t.csv_delimiter, quotechar=t.csv_quotechar, strict=True)
            start, index, width = 1, None, None
            batch: list[list[str]] = []
            rows: list[int] = []
            try:
                for record in reader:
                    line, start = start, reader.line_num + 1
                    if not record or record == [""]:
                        continue
                    if index is None:
                        index, width = self._csv_header(record if t.has_header else None, len(record), line)
                        if index is None:
                            return
                        if t.has_header:
                            continue
                    if len(record) != width:
                        self.problems.add(self.name, "has a different number of fields than the header (a cut row, "
                                                     "an unquoted delimiter or a wrong delimiter?)", row=line)
                        continue
                    batch.append(record)
                    rows.append(line)
                    if len(batch) >= self.chunk_rows:
                        yield self._chunk(batch, rows, index)
                        batch, rows = [], []
            except csv.Error:
                last = "" if fh.read(1) else " (the file may be truncated)"
                self.problems.add(self.name, "is not well-formed CSV from this row on (unbalanced quotes or a "
                                             f"wrong quotechar){last}", row=start)
            except UnicodeDecodeError:
                self._decode_problem()
            if index is None and not self.problems.has(self.name):
                self.problems.add(self.name, "has no header row and no records")
            elif batch:
                yield self._chunk(batch, rows, index)
            if index is not None and self.rows_read == 0 and not batch:
                self.problems.add(self.name, "has no records")

    def _csv_header(self, header: list[str] | None, n_fields: int, line: int):
        """Declared column -> field position, and the record width; ``(None, None)`` when unusable."""
        declared = list(self.table.columns)
        if header is None:
            if n_fields != len(declared):
                self.problems.add(self.name, f"has {n_fields} fields per row but the spec declares {len(declared)} "
                                             "columns (header: false reads columns in declared order)", row=line)
                return None, None
            self.columns_found = declared
            return {c: i for i, c in enumerate(declared)}, n_fields
        return self._match_header(header, line), len(header)

    def _match_header(self, header: list[str], line: int | None) -> dict[str, int] | None:
        declared = self.table.columns
        found = [h for h in header if h in declared]
        if not found and declared:
            self.problems.add(self.name, messages.header_mismatch(0, len(declared)), row=line)
            return None
        index: dict[str, int] = {}
        for pos, h in enumerate(header):
            if h in declared:
                if h in index:
                    self.problems.add(self.name, messages.REPEATED_COLUMN, row=line, column=h)
                else:
                    index[h] = pos
        unknown = {pos: h for pos, h in enumerate(header) if h not in declared}
        for col in declared:
            if col in index:
                continue
            renamed = next((p for p, h in unknown.items() if _normal(h) == _normal(col)), None)
            if renamed is not None:
                unknown.pop(renamed)
                self.problems.add(self.name, messages.renamed_column(renamed + 1), row=line, column=col)
            else:
                self.problems.add(self.name, messages.MISSING_COLUMN, row=line, column=col)
        for pos, h in unknown.items():
            self.problems.add(self.name, messages.undeclared_column(self.table_name, position=pos + 1), row=line,
                              column=safe_name(h))
        self.columns_found = list(index)
        return index

    def _chunk(self, records: list, rows: list[int], index: dict[str, int] | list[str]) -> Chunk:
        """A frame of the declared columns (``index``: column -> field position, or the frame's column names).

        A value equal to one of the column's missing codes (:meth:`Table.missing_for`) becomes ``None``
        (exact match, and numeric codes also by value: ``0`` matches ``0.0``; a value of spaces is a
        value, and is reported where it breaks a rule).
        """
        frame = pd.DataFrame(records, dtype=object)
        if isinstance(index, dict):
            frame = frame[list(index.values())]
            frame.columns = list(index)
        else:
            frame.columns = index
        for c in frame.columns:
            self._blank(frame, c)
        return Chunk(frame, np.asarray(rows, dtype=np.int64))

    def _blank(self, frame: pd.DataFrame, c: str) -> None:
        """Set the values of column ``c`` that are missing codes to ``None`` (``NaN`` in a numeric column)."""
        texts, numbers = self._codes.get(c, ((), ()))
        col = frame[c]
        numeric = pd.api.types.is_numeric_dtype(col)
        blank = col.isin(numbers) if numeric else col.isin(texts)
        if numbers and not numeric:
            blank |= pd.to_numeric(col.where(col.map(type).eq(str), None), errors="coerce").isin(numbers)
        if blank.any():
            frame[c] = col.mask(blank) if numeric else col.where(~blank, None)

    # ------------------------------------------------------------------ JSON Lines
    def _jsonl(self) -> Iterator[Chunk]:
        declared = list(self.table.columns)
        seen: set[str] = set()
        batch: list[list] = []
        rows: list[int] = []
        line = 0
        with self._open_text(newline="\n") as fh:  # only "\n" ends a line
            try:
                for line, text in enumerate(fh, start=1):
                    text = text.rstrip("\n").removesuffix("\r")
                    if not text.strip():
                        continue
                    obj = self._json_object(text, line)
                    if obj is None:
                        continue
                    seen.update(k for k in obj if k in self.table.columns)
                    batch.append([self._json_value(obj.get(c), line, c) for c in declared])
                    rows.append(line)
                    if len(batch) >= self.chunk_rows:
                        yield self._chunk(batch, rows, declared)
                        batch, rows = [], []
            except UnicodeDecodeError:
                self._decode_problem()
        for col in declared:
            if col not in seen and (batch or self.rows_read):
                self.problems.add(self.name, "declared in the spec but in no record of the file", column=col)
        self.columns_found = [c for c in declared if c in seen]
        if batch:
            yield self._chunk(batch, rows, declared)
        elif not self.rows_read and not self.problems.has(self.name):
            self.problems.add(self.name, "has no records")

    def _json_object(self, text: str, line: int) -> dict | None:
        try:
            obj = json.loads(text, object_pairs_hook=_pairs)
        except (json.JSONDecodeError, RecursionError):
            self.problems.add(self.name, "is not valid JSON", row=line)
            return None
        if not isinstance(obj, dict):
            hint = " (the file is one JSON array, not JSON Lines?)" if line == 1 and isinstance(obj, list) else ""
            self.problems.add(self.name, f"is not a JSON object{hint}", row=line)
            return None
        for key in getattr(obj, "duplicates", ()):
            self.problems.add(self.name, "is given more than once in the same object", row=line, column=safe_name(key))
        for key in obj:
            if key not in self.table.columns:
                self.problems.add(self.name, messages.undeclared_column(self.table_name, field=True), row=line,
                                  column=safe_name(key))
        return obj

    def _json_value(self, value, line: int, column: str):
        if value is None:
            return None
        if isinstance(value, str):
            return None if value in self.table.missing_values else value  # column codes: applied by _chunk
        if isinstance(value, (dict, list)):
            self.problems.add(self.name, "is an object or array, not a plain value", row=line, column=column)
            return None
        return json.dumps(value)  # numbers and booleans as their JSON text

    # ------------------------------------------------------------------ Parquet
    def _parquet(self) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.path)
        except Exception as exc:  # noqa: BLE001 - any failure to open is a problem of the file
            self.problems.add(self.name, f"is not a readable Parquet file ({type(exc).__name__})")
            return
        names = pf.schema_arrow.names
        index = self._match_header(names, None) if names else None
        if not index:
            return
        done = 0
        try:
            for batch in pf.iter_batches(batch_size=self.chunk_rows, columns=list(index)):
                frame = batch.to_pandas(date_as_object=False)
                for c in frame.columns:
                    if frame[c].dtype == object or pd.api.types.is_numeric_dtype(frame[c]):
                        self._blank(frame, c)
                rows = np.arange(done + 1, done + len(frame) + 1, dtype=np.int64)
                done += len(frame)
                yield Chunk(frame, rows)
        except Exception as exc:  # noqa: BLE001
            self.problems.add(self.name, f"cannot be read past record {done} ({type(exc).__name__})")
        if done == 0 and not self.problems.has(self.name):
            self.problems.add(self.name, "has no records")


def missing_codes(codes: list[str]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(texts matched exactly, numbers matched by value) of a column's missing codes (``"0"`` -> 0.0 as well)."""
    numbers = tuple(float(c) for c in codes if DECIMAL_RE.match(c))
    return tuple(codes), numbers


def first_invalid_line(path: Path, codec: str) -> int | None:
    """1-based line of the first byte that is not valid in ``codec`` (``None`` if the file decodes)."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines = 1
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + block.count(b"\n", 0, max(exc.start, 0))
            lines += block.count(b"\n")
    return None


class _Obj(dict):
    duplicates: list


def _pairs(pairs):
    obj = _Obj(pairs)
    seen: set = set()
    obj.duplicates = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
    return obj


def read_table(table: Table, path: Path, *, name: str | None = None, chunk_rows: int = CHUNK_ROWS,
               typed: bool = True, table_name: str | None = None) -> TableReader:
    """A :class:`TableReader` over ``path`` (iterate it for chunks; then look at ``reader.problems``)."""
    return TableReader(table, path, name=name, chunk_rows=chunk_rows, typed=typed, table_name=table_name)
