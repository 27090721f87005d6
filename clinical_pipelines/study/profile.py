"""Profiling an input file for ``study init``: how to read it, and what each column looks like.

Reading: the encoding (UTF-8 with or without byte-order mark, else Windows-1252, else Latin-1; a
UTF-16 byte-order mark means UTF-16), the CSV delimiter (``csv.Sniffer`` over ``, ; TAB |``) and a
header row are detected from the first MiB. Up to ``SAMPLE_ROWS`` records are then read with
:class:`clinical_pipelines.study.read.TableReader`.

Per column, a :class:`ColumnProfile` holds counts and shares only: missing values and missing-value
codes (:mod:`clinical_pipelines.study.profile_values`), distinct values, yes/no flags, the share of
values matching identifier patterns (e-mail, NANP phone, SSN, ZIP, URL, IP, person names: census
first/last names from :mod:`clinical_pipelines.deid.gazetteer`, only in columns with the shape and
variety of names), numbers (observed range without sentinel codes; over the whole file when it is
at most ``FULL_SCAN_BYTES``, read with pandas' C parser), dates (the strftime formats that parse
every value), and text length. Category values are kept only for columns with few distinct values,
for the draft of non-identifying columns. Nothing here is printed:
:mod:`clinical_pipelines.study.draft` decides what may be shown.
"""

from __future__ import annotations

import codecs
import csv
import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clinical_pipelines.ingest.rules import DECIMAL_RE
from clinical_pipelines.study.profile_values import NOT_NAMES, TEXT_MISSING_CODES, Flag, boolean_flag, sentinels, \
    text_codes
from clinical_pipelines.study.read import TableReader
from clinical_pipelines.study.spec import Table
from clinical_pipelines.study.values import TOP_CODED_RE

SAMPLE_ROWS = 20_000
HEAD_BYTES = 1 << 20
FULL_SCAN_BYTES = 256 << 20  # numeric ranges over the whole file up to this size (C parser: ~1 s per 100 MB)
MAX_CATEGORIES = 20
NAME_MIN_DISTINCT = 10  # single-word census names count only in columns with at least this many distinct values
FORMATS = {"csv": "csv", "tsv": "csv", "txt": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet"}
DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%d %b %Y", "%d-%b-%Y",
    "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%y", "%d/%m/%y",
)
PATTERNS = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"),
    "phone": re.compile(r"^(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(\s*(x|ext\.?)\s*\d{1,5})?$|^\+\d[\d\s().-]{7,18}$"),
    "ssn": re.compile(r"^\d{3}-\d{2}-\d{4}$"),
    "zip": re.compile(r"^\d{5}(-\d{4})?$"),
    "url": re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE),
}
_WORD = re.compile(r"^[A-Z][a-zA-Z'\-]+\.?$|^[A-Z]\.?$")


@dataclass
class ColumnProfile:
    """Counts and shares of one column in the sample (shares are of non-missing values)."""

    name: str
    n: int
    missing: int
    distinct: int
    unique_share: float = 0.0
    numeric_share: float = 0.0
    integer: bool = False
    low: float | None = None
    high: float | None = None
    date_formats: tuple[str, ...] = ()
    patterns: dict[str, float] = field(default_factory=dict)  # pattern name -> share (incl. "name", "ip")
    mean_length: float = 0.0
    spaced_share: float = 0.0  # share of values with at least five spaces (prose)
    categories: tuple[str, ...] = ()  # the values when distinct <= MAX_CATEGORIES (never shown for identifiers)
    codes: dict[str, int] = field(default_factory=dict)  # missing-value code as written -> count
    flag: Flag | None = None  # a yes/no column
    sentinels: tuple[float, ...] = ()  # numeric "not recorded" codes (left out of low/high)
    sentinel_why: str = ""
    top_coded: int = 0  # ages written as "90+" (read as 90)
    whole_file: bool = False  # low/high come from every row of the file, not only the sample

    @property
    def present(self) -> int:
        """Values that are neither empty nor a missing-value code."""
        return self.n - self.missing - sum(self.codes.values())


@dataclass
class FileProfile:
    path: Path
    table: str
    format: str
    encoding: str
    delimiter: str | None
    rows: int
    columns: list[ColumnProfile]
    problems: list[str]
    truncated: bool = False  # more rows than the sample
    header: bool = True  # False when the first row looked like data (columns named column_1, ...)
    rows_total: int | None = None  # every row of the file, when it was scanned whole
    sample: pd.DataFrame | None = field(default=None, repr=False)  # the sampled rows as text (never printed)


def detect_encoding(head: bytes) -> str:
    """utf-16 (byte-order mark), utf-8 (valid UTF-8, BOM or not), cp1252 (decodes), else latin-1."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    cut = head if len(head) < HEAD_BYTES else head[: head.rfind(b"\n") + 1 or len(head)]
    for enc in ("utf-8", "cp1252"):
        try:
            cut.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def detect_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _first_record(path: Path, encoding: str, delimiter: str) -> list[str]:
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as fh:
        for record in csv.reader(fh, delimiter=delimiter):
            if record:
                return record
    return []


def _jsonl_keys(path: Path, encoding: str) -> list[str]:
    import json

    keys: dict[str, None] = {}
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="\n") as fh:
        for i, line in enumerate(fh):
            if i >= SAMPLE_ROWS:
                break
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(obj))
    return list(keys)


def table_name(path: Path) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_")
    return name if re.match(r"^[a-z]", name or "") else f"t_{name or 'table'}"[:63]


def profile_file(path: Path) -> FileProfile:
    """Profile one file (format from the extension: .csv/.tsv/.txt, .jsonl/.ndjson, .parquet)."""
    fmt = FORMATS.get(path.suffix.lower().lstrip("."))
    name = table_name(path)
    if fmt is None:
        return FileProfile(path, name, "", "", None, 0, [], [f"{path.name}: unknown file type (use .csv, .jsonl, "
                                                               ".parquet)"])
    encoding, delimiter = "utf-8", None
    if fmt != "parquet":
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        encoding = detect_encoding(head)
    if fmt == "csv":
        text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
        delimiter = detect_delimiter(text)
        header = _first_record(path, encoding, delimiter)
    elif fmt == "jsonl":
        header = _jsonl_keys(path, encoding)
    else:
        import pyarrow.parquet as pq

        header = pq.ParquetFile(path).schema_arrow.names
    has_header = True
    if fmt == "csv" and header and any(_data_like(h) for h in header):
        header, has_header = [f"column_{i + 1}" for i in range(len(header))], False
    if not header or len(set(header)) != len(header):
        return FileProfile(path, name, fmt, encoding, delimiter, 0, [],
                           [f"{path.name}: no header row, or the same column name twice in it"])
    try:
        table = Table(file=path.name, format=fmt, encoding=encoding if fmt != "parquet" else "utf-8",
                      delimiter=delimiter, header=None if fmt != "csv" else has_header,
                      columns={h: {"role": "keep"} for h in header})
    except ValueError:
        return FileProfile(path, name, fmt, encoding, delimiter, 0, [],
                           [f"{path.name}: the file name has characters a study spec does not allow (use letters, "
                            "digits, '_', '.', '-')"])
    reader = TableReader(table, path, chunk_rows=SAMPLE_ROWS, typed=False)
    chunks = iter(reader)
    first = next(chunks, None)
    truncated = next(chunks, None) is not None
    problems = [str(p) for p in reader.problems.problems()]
    frame = first.frame if first is not None else pd.DataFrame(columns=header)
    columns = [profile_column(str(c), frame[c]) for c in frame.columns]
    profile = FileProfile(path, name, fmt, encoding, delimiter, len(frame), columns, problems, truncated, has_header,
                          sample=frame)
    if not truncated:
        profile.rows_total = len(frame)
        for c in columns:
            c.whole_file = c.low is not None
    elif fmt in ("csv", "parquet") and path.stat().st_size <= FULL_SCAN_BYTES:
        _whole_file_ranges(profile, table, header)
    return profile


def _whole_file_ranges(profile: FileProfile, table: Table, header: list[str]) -> None:
    """Widen low/high of numeric columns to every row of the file (C parser / pyarrow; cells never kept)."""
    numeric = {c.name: c for c in profile.columns if c.numeric_share >= 0.98 and c.low is not None}
    if not numeric:
        return
    try:
        rows = 0
        for part in _column_chunks(profile, table, header, list(numeric)):
            rows += len(part)
            for name, col in numeric.items():
                nums = _numbers(part[name].astype("string").str.strip(), col.sentinels)
                if len(nums):
                    col.low, col.high = min(col.low, float(nums.min())), max(col.high, float(nums.max()))
    except Exception:  # noqa: BLE001 - a file the fast parser cannot read keeps the sample's ranges
        return
    profile.rows_total = rows
    for col in numeric.values():
        col.whole_file = True


def _column_chunks(profile: FileProfile, table: Table, header: list[str], columns: list[str]):
    if profile.format == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(profile.path).iter_batches(batch_size=200_000, columns=columns):
            yield batch.to_pandas()
        return
    yield from pd.read_csv(profile.path, sep=table.csv_delimiter, quotechar=table.csv_quotechar, dtype=str,
                           header=0 if table.has_header else None, names=None if table.has_header else header,
                           usecols=columns, keep_default_na=False, na_filter=False, engine="c",
                           encoding="utf-8-sig" if profile.encoding == "utf-8" else profile.encoding,
                           chunksize=200_000)


def _numbers(text: pd.Series, codes: tuple[float, ...]) -> pd.Series:
    """The numbers of a text column, without missing codes and ``codes``; "90+"-style ages read as 90."""
    text = text[(text != "") & text.notna()]
    text = text[~text.str.casefold().isin(TEXT_MISSING_CODES)]
    text = text.where(~text.str.match(TOP_CODED_RE.pattern, case=False), "90")
    nums = pd.to_numeric(text[text.str.fullmatch(DECIMAL_RE.pattern)], errors="coerce").dropna()
    return nums[~nums.isin(codes)] if codes else nums


def _data_like(field: str) -> bool:
    """A header field that is a value (a number, a date, an identifier pattern), not a column name."""
    text = field.strip()
    if not text:
        return False
    if DECIMAL_RE.match(text) or _is_ip(text) or any(rx.fullmatch(text) for rx in PATTERNS.values()):
        return True
    return bool(_date_formats(pd.Series([text])))


def profile_column(name: str, s: pd.Series) -> ColumnProfile:
    n = len(s)
    values = s.dropna()
    native = pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)
    if native:
        text = values.astype(str)
    else:
        text = values.astype(str).str.strip()
        text = text[text != ""]
    codes = {} if native else text_codes(text)
    if codes:
        text = text[~text.str.casefold().isin(TEXT_MISSING_CODES)]
    p = ColumnProfile(name=name, n=n, missing=n - len(text) - sum(codes.values()), distinct=int(text.nunique()),
                      codes=codes)
    if text.empty:
        return p
    p.unique_share = p.distinct / len(text)
    p.mean_length = float(text.str.len().mean())
    p.spaced_share = float((text.str.count(" ") >= 5).mean())
    top = text.str.match(TOP_CODED_RE.pattern, case=False) if not native else pd.Series(False, index=text.index)
    p.top_coded = int(top.sum())
    num_text = text.where(~top, "90")
    is_num = num_text.str.fullmatch(DECIMAL_RE.pattern)
    p.numeric_share = float(is_num.mean())
    if p.numeric_share > 0:
        nums = pd.to_numeric(num_text[is_num], errors="coerce")
        if p.numeric_share >= 0.98:
            p.sentinels, p.sentinel_why = sentinels(nums)
        kept = nums[~nums.isin(p.sentinels)] if p.sentinels else nums
        if len(kept):
            p.low, p.high = float(kept.min()), float(kept.max())
        p.integer = bool((nums == nums.round()).all()) and not num_text[is_num].str.contains(r"[.eE]").any()
    if pd.api.types.is_datetime64_any_dtype(values):
        p.date_formats = ("native",)
    else:
        p.date_formats = _date_formats(text)
    if p.distinct <= 8:
        p.flag = boolean_flag(list(text.unique()))
    sample = text.head(2000)
    p.patterns = {k: float(sample.str.fullmatch(rx.pattern, flags=rx.flags).mean()) for k, rx in PATTERNS.items()}
    p.patterns["ip"] = float(sample.map(_is_ip).mean())
    p.patterns["name"] = _name_share(sample, p.distinct)
    if p.distinct <= MAX_CATEGORIES:
        p.categories = tuple(sorted(text.unique(), key=str))
    return p


def _date_formats(text: pd.Series) -> tuple[str, ...]:
    sample = text.head(2000)
    if not sample.str.contains(r"\d").all() or sample.str.len().max() > 40:
        return ()
    out = []
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce")
        if parsed.notna().all():
            out.append(fmt)
    return tuple(out)


def _is_ip(value: str) -> bool:
    if not re.fullmatch(r"[0-9A-Fa-f:.]{7,45}", value) or value.count(".") not in (0, 3):
        return False
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _name_share(sample: pd.Series, distinct: int) -> float:
    """Share of values that look like person names: capitalised words that are census first/last names.

    Flags and category words (:data:`~clinical_pipelines.study.profile_values.NOT_NAMES`: TRUE,
    Yes, Normal, White, ...) never count. A lone word counts only in a column with the variety of
    names (at least ``NAME_MIN_DISTINCT`` distinct values): a few repeated words are categories.
    A full name (first and last name, or last and first) counts in any column.
    """
    try:
        from clinical_pipelines.deid.gazetteer import load_gazetteers

        first, last = load_gazetteers()
    except Exception:  # noqa: BLE001 - without the gazetteer, names are guessed from column names only
        return 0.0
    varied = distinct >= NAME_MIN_DISTINCT

    def is_name(value: str) -> bool:
        words = value.replace(",", " ").split()
        if not 1 <= len(words) <= 4 or not all(_WORD.match(w) for w in words):
            return False
        low = [w.strip(".").lower() for w in words]
        if low[0] in NOT_NAMES or low[-1] in NOT_NAMES:
            return False
        if len(words) == 1:
            return varied and (low[0] in first or low[0] in last)
        return (low[0] in first and low[-1] in last) or (low[0] in last and low[-1] in first)

    return float(sample.map(is_name).mean())


def profile_path(data: Path) -> list[FileProfile]:
    """Profile a file, or every supported file of a folder (sorted by name)."""
    if data.is_dir():
        files = sorted(p for p in data.iterdir() if p.is_file() and p.suffix.lower().lstrip(".") in FORMATS)
        return [profile_file(p) for p in files]
    return [profile_file(data)]
