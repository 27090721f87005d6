"""Reading files as a study spec declares them: encodings, BOMs, dialects, quoted newlines, JSON Lines line
breaks, declared date formats, value rules, chunks. Problems carry file, row, column and counts, never values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clinical_pipelines.study.read import read_table
from clinical_pipelines.study.spec import Table

CASES = Path("/work/shared/cases")


def table(fmt="csv", columns=None, **kw) -> Table:
    columns = columns or {"pid": {"role": "patient_id"}, "name": {"role": "direct_identifier", "safe_harbor": "A"},
                          "hr": {"role": "feature", "type": "numeric", "range": [20, 250]}}
    return Table(file=f"t.{fmt}", format=fmt, columns=columns, **kw)


def read(path: Path, t: Table, **kw):
    reader = read_table(t, path, **kw)
    frame = reader.read_all()
    return frame, [str(p) for p in reader.problems.problems()], reader


def write(tmp_path, data: bytes, name="t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def no_values(problems: list[str], *values: str) -> None:
    for p in problems:
        for v in values:
            assert v not in p, "a problem quotes a cell value"


def test_utf8_bom_is_tolerated(tmp_path):
    frame, problems, _ = read(write(tmp_path, b"\xef\xbb\xbfpid,name,hr\nP1,Ann Lee,70\n"), table())
    assert problems == [] and list(frame.columns) == ["pid", "name", "hr"] and frame.loc[0, "pid"] == "P1"


def test_latin1_declared_and_undeclared(tmp_path):
    data = "pid,name,hr\nP1,Ren\xe9e Dupr\xe9,70\n".encode("latin-1")
    frame, problems, _ = read(write(tmp_path, data), table(encoding="latin-1"))
    assert problems == [] and frame.loc[0, "name"] == "Ren\xe9e Dupr\xe9"
    _, problems, _ = read(write(tmp_path, data), table())
    assert problems and "not valid utf-8 text" in problems[0] and "row 2" in problems[0], problems
    no_values(problems, "Ren")


def test_cp1252_and_utf8_bom_in_a_latin1_file(tmp_path):
    frame, problems, _ = read(write(tmp_path, b"pid,name,hr\nP1,A \x96 B,70\n"), table(encoding="cp1252"))
    assert problems == [] and frame.loc[0, "name"] == "A \u2013 B"
    _, problems, _ = read(write(tmp_path, b"\xef\xbb\xbfpid,name,hr\nP1,A,70\n"), table(encoding="latin-1"))
    assert "UTF-8 byte-order mark" in problems[0] and "declare encoding: utf-8" in problems[0]


def test_utf16_bom(tmp_path):
    data = "pid,name,hr\nP1,Ann,70\n".encode("utf-16")
    _, problems, _ = read(write(tmp_path, data), table())
    assert "encoded as UTF-16" in problems[0]
    frame, problems, _ = read(write(tmp_path, data), table(encoding="utf-16"))
    assert problems == [] and frame.loc[0, "name"] == "Ann"


def test_quoted_newlines_and_row_numbers(tmp_path):
    data = b'pid,name,hr\nP1,"Lee,\nAnn ""Jr""",70\nP2,Bo,abc\n'
    frame, problems, _ = read(write(tmp_path, data), table())
    assert frame.loc[0, "name"] == 'Lee,\nAnn "Jr"'
    assert problems == ["t.csv, row 4, column hr: not a number (a plain decimal with '.'; no units, no decimal comma; empty means missing)"]


def test_semicolon_delimiter(tmp_path):
    data = b"pid;name;hr\nP1;Ann;70\n"
    frame, problems, _ = read(write(tmp_path, data), table(delimiter=";"))
    assert problems == [] and frame.loc[0, "hr"] == 70.0
    _, problems, _ = read(write(tmp_path, data), table())
    assert "0 of 3 declared columns found" in problems[0] and "delimiter" in problems[0]


def test_header_false_reads_declared_order(tmp_path):
    frame, problems, _ = read(write(tmp_path, b"P1,Ann,70\nP2,Bo,80\n"), table(header=False))
    assert problems == [] and list(frame["pid"]) == ["P1", "P2"]
    _, problems, _ = read(write(tmp_path, b"P1,Ann\n"), table(header=False))
    assert "2 fields per row but the spec declares 3 columns" in problems[0]


def test_header_problems_name_columns(tmp_path):
    data = b"pid,Name,hr,extra,John Smith\nP1,Ann,70,1,2\n"
    _, problems, _ = read(write(tmp_path, data), table())
    text = "\n".join(problems)
    assert "column name: is declared in the study spec, but header column 2 differs from it only in case" in text
    assert "column extra: is not declared in the study spec" in text
    assert "(unnamed or non-identifier name)" not in text or "John Smith" not in text
    _, problems, _ = read(write(tmp_path, b"pid,hr\nP1,70\n"), table())
    assert problems == ["t.csv, row 1, column name: is declared in the study spec but missing from the file"]


def test_malformed_csv(tmp_path):
    _, problems, _ = read(write(tmp_path, b'pid,name,hr\nP1,"Ann,70\n'), table())
    assert any("not well-formed CSV" in p and "row 2" in p for p in problems)
    _, problems, _ = read(write(tmp_path, b"pid,name,hr\nP1,Ann\nP2,Bo,7,8\nP3,Cy,70\n"), table())
    assert problems == ["t.csv, row 2 has a different number of fields than the header (a cut row, an unquoted "
                        "delimiter or a wrong delimiter?) (2 rows: 2, 3)"]


def test_other_formats_and_empty_files(tmp_path):
    _, problems, _ = read(write(tmp_path, b"PK\x03\x04rest"), table())
    assert "ZIP archive" in problems[0]
    _, problems, _ = read(write(tmp_path, b""), table())
    assert "is empty" in problems[0]
    _, problems, _ = read(tmp_path / "absent.csv", table())
    assert "is missing" in problems[0]


def test_missing_values_and_value_rules(tmp_path):
    cols = {"pid": {"role": "patient_id"}, "hr": {"role": "feature", "type": "numeric", "range": [20, 250]},
            "smoker": {"role": "feature", "type": "binary"},
            "sex": {"role": "quasi_identifier", "feature": {"type": "categorical", "categories": ["F", "M"]}},
            "consent": {"role": "consent", "granted": ["Y"], "refused": ["N"]}}
    data = b"pid,hr,smoker,sex,consent\nP1,NA,1,F,Y\n P2,12.5,2,X,N\n,300,1.0,M,maybe\nP4,\"7,5\",0,M,Y\n"
    frame, problems, _ = read(write(tmp_path, data), table(columns=cols, missing_values=["", "NA"]))
    assert pd.isna(frame.loc[0, "hr"]) and frame.loc[1, "hr"] == 12.5
    expected = {
        "t.csv, row 3, column pid: leading or trailing spaces (identifiers are matched exactly across files)",
        "t.csv, row 4, column pid: empty identifier (every row needs one)",
        "t.csv, row 3, column hr: outside the declared range 20 to 250 (2 rows: 3, 4)",
        "t.csv, row 5, column hr: not a number (a plain decimal with '.'; no units, no decimal comma; empty means missing)",
        "t.csv, row 3, column smoker: outside the declared values {0, 1}",
        "t.csv, row 3, column sex: outside the declared values {F, M}",
        "t.csv, row 4, column consent: outside the declared values {Y, N}",
    }
    assert set(problems) == expected
    no_values(problems, "maybe", "7,5", "300", "12.5")


def test_declared_date_formats_count_failures_per_column(tmp_path):
    cols = {"mrn": {"role": "patient_id"},
            "birth_date": {"role": "date", "handling": "birth_date", "format": "%Y-%m-%d"},
            "admit_date": {"role": "event_time", "handling": "year_only", "format": "%Y-%m-%d"}}
    frame, problems, _ = read(CASES / "ingest-dates-non-iso.encounters.csv", table(columns=cols))
    assert str(frame["birth_date"].dtype).startswith("datetime64")
    assert set(problems) == {
        "ingest-dates-non-iso.encounters.csv, row 3, column birth_date: not a date in the declared format %Y-%m-%d "
        "(or no such calendar day) (2 rows: 3, 5)",
        "ingest-dates-non-iso.encounters.csv, row 4, column admit_date: not a date in the declared format %Y-%m-%d "
        "(or no such calendar day)",
    }
    no_values(problems, "04/05/1931", "03/01/2025", "Apr")


def test_day_first_format_and_impossible_days(tmp_path):
    cols = {"pid": {"role": "patient_id"}, "d": {"role": "date", "handling": "shift", "format": "%d/%m/%Y"}}
    frame, problems, _ = read(write(tmp_path, b"pid,d\nP1,13/01/2024\nP2,30/02/2024\n"), table(columns=cols))
    assert frame.loc[0, "d"] == pd.Timestamp(2024, 1, 13)
    assert len(problems) == 1 and "row 3, column d: not a date in the declared format %d/%m/%Y" in problems[0]


NOTE_COLS = {f: {"role": "keep"} for f in ("note_id", "encounter_id", "mrn", "note_date", "author", "note_type",
                                           "expect")} | {"text": {"role": "free_text"}}


def test_jsonl_unicode_line_separators_are_not_line_breaks():
    t = Table(file="notes.jsonl", format="jsonl", columns=NOTE_COLS)
    frame, problems, _ = read(CASES / "ingest-jsonl-unicode-linebreaks.notes.jsonl", t)
    assert problems == [] and len(frame) == 2
    assert "\u0085" in frame.loc[0, "text"] and "\u2028" in frame.loc[1, "text"]


def test_jsonl_non_object_lines_are_problems():
    t = Table(file="notes.jsonl", format="jsonl", columns=NOTE_COLS)
    frame, problems, _ = read(CASES / "ingest-jsonl-non-object-line.notes.jsonl", t)
    assert len(frame) == 1
    assert problems == ["ingest-jsonl-non-object-line.notes.jsonl, line 2 is not a JSON object (2 lines: 2, 3)"]


def test_jsonl_keys_values_and_bom(tmp_path):
    cols = {"id": {"role": "record_id"}, "pid": {"role": "patient_id"}, "n": {"role": "keep"}}
    data = (b'\xef\xbb\xbf{"id": "a", "pid": "P1", "n": 5}\n{"id": "b", "id": "c", "pid": "P2", "n": [1]}\r\n'
            b'{"id": "d", "pid": null, "other": 1}\n\n{"id": "e"\n')
    frame, problems, _ = read(write(tmp_path, data, "t.jsonl"), Table(file="t.jsonl", format="jsonl", columns=cols))
    assert list(frame["n"])[:1] == ["5"]
    assert set(problems) == {
        "t.jsonl, line 2, field id: is given more than once in the same object",
        "t.jsonl, line 2, field n: is an object or array, not a plain value",
        "t.jsonl, line 3, field other: is not declared in the study spec: every field needs a role; add it under "
        "the table's columns with a role (e.g. `{role: drop}` to leave it out)",
        "t.jsonl, line 5 is not valid JSON",
        "t.jsonl, line 3, field pid: empty identifier (every row needs one)",
    }


def test_chunks_keep_row_numbers(tmp_path):
    data = b'pid,name,hr\nP1,A,70\nP2,"B\nC",71\nP3,D,72\nP4,E,x\nP5,F,74\n'
    reader = read_table(table(), write(tmp_path, data), chunk_rows=2)
    chunks = list(reader)
    assert [len(c.frame) for c in chunks] == [2, 2, 1]
    assert [list(c.rows) for c in chunks] == [[2, 3], [5, 6], [7]]
    assert [str(p) for p in reader.problems.problems()] == [
        "t.csv, row 6, column hr: not a number (a plain decimal with '.'; no units, no decimal comma; empty means missing)"]
    assert reader.rows_read == 5


def test_parquet_native_and_text_dates(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"pid": ["P1", "P2"], "seen": pd.to_datetime(["2024-01-02", "2024-03-04"]),
                  "born": ["1950-01-01", "01/01/1950"], "hr": [70.0, 300.0]}).to_parquet(path)
    cols = {"pid": {"role": "patient_id"}, "seen": {"role": "event_time", "handling": "year_only"},
            "born": {"role": "date", "handling": "birth_date", "format": "%Y-%m-%d"},
            "hr": {"role": "feature", "type": "numeric", "range": [20, 250]}}
    frame, problems, _ = read(path, Table(file="t.parquet", format="parquet", columns=cols))
    assert frame.loc[0, "seen"] == pd.Timestamp(2024, 1, 2)
    assert set(problems) == {
        "t.parquet, row 2, column born: not a date in the declared format %Y-%m-%d (or no such calendar day)",
        "t.parquet, row 2, column hr: outside the declared range 20 to 250"}
    _, problems, _ = read(write(tmp_path, b"pid\nP1\n", "u.parquet"), Table(file="u.parquet", format="parquet",
                                                                            columns={"pid": {"role": "patient_id"}}))
    assert "is not an Apache Parquet file" in problems[0]


@pytest.mark.parametrize("raw", [b"pid,name,hr\n", b"\n\n"])
def test_no_records(tmp_path, raw):
    _, problems, _ = read(write(tmp_path, raw), table())
    assert problems and ("no records" in problems[0] or "no header" in problems[0]), problems
