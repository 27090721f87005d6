"""Reading raw extract files exactly as the snapshot step parses them, reporting problems instead of raising.

- Encoding: the study's declared encoding (:func:`decode_declared`; default UTF-8, RFC 3629). For
  UTF-8, a UTF-8 byte-order mark is accepted at the start of CSV files and
  ``extract.json`` (spreadsheet exports write one); JSON Lines must not start with one (RFC 8259
  section 8.1; pandas' JSON reader refuses it). UTF-16/UTF-32 byte-order marks, invalid UTF-8 and
  a byte-order mark inside a file (concatenated exports) are problems.
- File kind: a file whose first bytes are the signature of another format (ZIP/XLSX, gzip, Parquet,
  PDF, ...) or that holds NUL bytes is not the text file its extension says.
- CSV (RFC 4180) through Python's ``csv`` module in strict mode; blank lines are skipped, as pandas
  does. JSON Lines (jsonlines.org): records are separated by ``\\n`` only, so U+2028, U+2029 and
  U+0085 inside JSON strings are ordinary characters (as for ``pandas.read_json(lines=True)``).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from clinical_pipelines.ingest.problems import ProblemLog

UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
# Leading bytes of formats that are sometimes delivered under a .csv / .json / .jsonl name.
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (e.g. an Excel .xlsx workbook)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 document (e.g. an Excel .xls workbook)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PAR1", "an Apache Parquet file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def sniff_kind(data: bytes) -> str | None:
    """What the bytes are when they are not text (``None`` for plausible text)."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if b"\x00" in data[:65536]:
        return "binary data (NUL bytes)"
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(name: str, data: bytes, log: ProblemLog, *, allow_bom: bool) -> str | None:
    """The file's text, or ``None`` after logging why it cannot be read as UTF-8 text."""
    if not data:
        log.add(name, "is empty (0 bytes): expected at least a header and one record")
        return None
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            log.add(name, f"is encoded as {encoding} (byte-order mark): re-export it as UTF-8")
            return None
    kind = sniff_kind(data)
    if kind is not None:
        log.add(name, f"is not the text file its extension says: its content is {kind}")
        return None
    if data.startswith(UTF8_BOM):
        if not allow_bom:
            log.add(name, "starts with a UTF-8 byte-order mark, which JSON does not allow (RFC 8259 8.1): "
                          "save it as UTF-8 without BOM", row=1)
            return None
        data = data[len(UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        log.add(name, "is not valid UTF-8 (first invalid byte on this line): re-export it as UTF-8",
                row=_line_of(data, exc.start))
        return None
    inner = text.find("\ufeff")
    if inner >= 0:
        log.add(name, "has a byte-order mark inside the file (were several exports concatenated?)",
                row=text.count("\n", 0, inner) + 1)
        return None
    return text


BLOCK = 1 << 20  # bytes decoded at a time when a file is validated


@dataclass(frozen=True)
class TextSource:
    """A file's bytes that decode in their declared encoding; the text is read line by line, never held whole.

    ``codec``: the codec that reads it (``utf-8-sig`` for UTF-8, so a leading byte-order mark is skipped);
    ``wide``: UTF-16/UTF-32 (a leading U+FEFF is dropped from the first line); ``last_char`` /
    ``first_char``: the text's last character and first non-whitespace character (``""`` if none)."""

    data: bytes
    codec: str
    wide: bool = False
    last_char: str = ""
    first_char: str = ""

    def lines(self, newline: str) -> Iterator[str]:
        """Lines with their endings: ``newline=""`` ends them at ``\\r\\n``, ``\\r`` or ``\\n`` (as ``open``
        does for CSV); ``newline="\\n"`` at ``\\n`` only (JSON Lines)."""
        first = True
        for line in io.TextIOWrapper(io.BytesIO(self.data), encoding=self.codec, newline=newline):
            if first and self.wide:
                line = line.removeprefix("\ufeff")
            first = False
            yield line


def text_source(data: bytes, encoding: str) -> TextSource:
    """A :class:`TextSource` over bytes already validated by :func:`open_declared` (no checks)."""
    codec = codecs.lookup(encoding).name
    return TextSource(data, "utf-8-sig" if codec == "utf-8" else codec, codec.startswith(("utf-16", "utf-32")))


def _scan(data: bytes, codec: str, start: int, wide: bool) -> tuple[int | None, int | None, str, str]:
    """Decode ``data[start:]`` block by block: (byte offset of the first invalid byte, line of the first U+FEFF
    after the start, first non-whitespace character, last character). Nothing but one block is held."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    inner, lines, first, last = None, 0, "", ""
    view = memoryview(data)
    for pos in range(start, max(len(data), start + 1), BLOCK):
        pending = len(decoder.getstate()[0])
        final = pos + BLOCK >= len(data)
        try:
            chunk = decoder.decode(view[pos:pos + BLOCK], final=final)
        except UnicodeDecodeError as exc:
            return pos - pending + exc.start, inner, first, last
        if wide and pos == start:
            chunk = chunk.removeprefix("\ufeff")
        if inner is None and (at := chunk.find("\ufeff")) >= 0:
            inner = lines + chunk.count("\n", 0, at) + 1
        lines += chunk.count("\n")
        if not first and (stripped := chunk.lstrip()):
            first = stripped[0]
        last = chunk[-1:] or last
    return None, inner, first, last


def open_declared(name: str, data: bytes, log: ProblemLog, *, encoding: str, allow_bom: bool) -> TextSource | None:
    """The file as a :class:`TextSource` in its declared encoding, or ``None`` after logging why it cannot be read.

    UTF-8 follows :func:`decode` (a byte-order mark at the start only where ``allow_bom``; none inside);
    another encoding must decode without errors and must not start with another encoding's byte-order
    mark. The bytes are decoded block by block, so the file's text is never held whole."""
    codec = codecs.lookup(encoding).name
    utf8 = codec == "utf-8"
    if not data:
        log.add(name, "is empty (0 bytes): expected at least a header and one record")
        return None
    wide = codec.startswith(("utf-16", "utf-32"))
    for bom, enc in _WIDE_BOMS:
        if data.startswith(bom) and not wide:
            log.add(name, f"is encoded as {enc} (byte-order mark): re-export it as UTF-8" if utf8 else
                    f"is encoded as {enc} (byte-order mark), but the study declares {encoding}")
            return None
    kind = None if wide else sniff_kind(data)
    if kind is not None:
        log.add(name, f"is not the text file its extension says: its content is {kind}")
        return None
    start = 0
    if data.startswith(UTF8_BOM):
        if not utf8:
            log.add(name, f"starts with a UTF-8 byte-order mark, but the study declares {encoding}", row=1)
            return None
        if not allow_bom:
            log.add(name, "starts with a UTF-8 byte-order mark, which JSON does not allow (RFC 8259 8.1): "
                          "save it as UTF-8 without BOM", row=1)
            return None
        start = len(UTF8_BOM)
    bad, inner, first, last = _scan(data, codec, start, wide)
    if bad is not None:
        problem = ("is not valid UTF-8 (first invalid byte on this line): re-export it as UTF-8" if utf8 else
                   f"is not valid {encoding} text (first invalid byte on this line)")
        log.add(name, problem, row=data.count(b"\n", start, bad) + 1)
        return None
    if utf8 and inner is not None:
        log.add(name, "has a byte-order mark inside the file (were several exports concatenated?)", row=inner)
        return None
    return TextSource(data, "utf-8-sig" if utf8 else codec, wide, last, first)


@dataclass(frozen=True)
class CsvTable:
    """Header and records of a CSV file, read lazily from its :class:`TextSource`.

    ``records()`` yields each record with the line it starts on (every call parses the file again,
    so nothing but the current record is held); ``n_records`` and ``last_line`` (the line the last
    record starts on) come from the first, validating parse."""

    header: list[str]
    source: TextSource
    delimiter: str
    quotechar: str
    has_header: bool
    n_records: int
    last_line: int

    def records(self) -> Iterator[tuple[int, list[str]]]:
        reader = _reader(self.source, self.delimiter, self.quotechar)
        start, first = 1, self.has_header
        for record in reader:
            if record:
                if first:
                    first = False
                else:
                    yield start, record
            start = reader.line_num + 1


def _reader(source: TextSource, delimiter: str, quotechar: str):
    return csv.reader(source.lines(""), delimiter=delimiter, quotechar=quotechar, strict=True)


def read_csv(name: str, source: TextSource, log: ProblemLog, *, delimiter: str = ",", quotechar: str = '"',
             header: bool = True) -> CsvTable | None:
    """Parse a CSV file; ``None`` (with a logged problem) when it is malformed or has no header.

    The whole file is parsed once to find malformed CSV before any record is checked (then no record
    is); records are not kept (:meth:`CsvTable.records` parses again). ``header=False``: there is no
    header row; ``CsvTable.header`` is then the first record (for its width) and ``records()`` yields
    every record."""
    reader = _reader(source, delimiter, quotechar)
    first: list[str] | None = None
    n, start, last = 0, 1, 0
    try:
        for record in reader:
            if record:  # blank lines are skipped, as pandas.read_csv does
                if first is None:
                    first = record
                n, last = n + 1, start
            start = reader.line_num + 1
    except csv.Error:
        truncated = " (the file may be truncated)" if source.last_char not in ("\n", "\r") else ""
        log.add(name, f"is not well-formed CSV from this row on (unbalanced quotes or a stray byte){truncated}",
                row=start)
        return None
    if first is None:
        log.add(name, "has no header row" if header else "has no records")
        return None
    return CsvTable(header=first, source=source, delimiter=delimiter, quotechar=quotechar, has_header=header,
                    n_records=n - 1 if header else n, last_line=last)


class _DuplicateKeys(dict):
    """``object_pairs_hook`` result that remembers keys given more than once."""

    duplicates: list[str]


def _pairs_hook(pairs):
    obj = _DuplicateKeys(pairs)
    seen: set[str] = set()
    obj.duplicates = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
    return obj


def json_lines(name: str, source: TextSource, log: ProblemLog) -> Iterator[tuple[int, dict]]:
    """Each JSON object of a JSON Lines file with its line number; other lines are logged problems.

    Lines are read one at a time, separated by ``\\n`` only."""
    for i, line in enumerate(source.lines("\n"), start=1):
        last = not line.endswith("\n")  # only the file's last line, when the file does not end with "\n"
        line = line.removesuffix("\n").removesuffix("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs_hook)
        except (json.JSONDecodeError, RecursionError):
            truncated = last
            log.add(name, "is not valid JSON" + (" (the file may be truncated)" if truncated else ""), row=i)
            continue
        if not isinstance(obj, dict):
            log.add(name, "is not a JSON object", row=i)
            continue
        for key in getattr(obj, "duplicates", []):
            log.add(name, "is given more than once in the same object", row=i, column=safe_name(key))
        yield i, obj


def safe_name(name: str) -> str:
    """A header or field name as it may be shown: a plain identifier, else a neutral placeholder.

    Contract names are shown as they are; an unknown name is shown only if it looks like a column
    identifier, because a file delivered without its header row puts data values there.
    """
    stripped = name.strip()
    if stripped and len(stripped) <= 64 and stripped.replace("_", "").isascii() and \
            stripped.replace("_", "").isalnum() and stripped == stripped.lower():
        return stripped
    return "(unnamed or non-identifier name)"
