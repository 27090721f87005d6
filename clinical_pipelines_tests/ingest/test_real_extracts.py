"""Real-extract robustness of the ingest contract: declared encodings (Latin-1, Windows-1252, UTF-16), byte-order
marks, quoted line breaks, declared date and date-time formats, and Parquet tables, through ``check_batch``,
``clinical-pipelines ingest check`` and ``clinical-pipelines study check --data``. A value that does not parse
quarantines the batch with counts per column naming file, row and column, never the value."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from clinical_pipelines.cli import main
from clinical_pipelines.ingest.contract import build_manifest, check_batch
from clinical_pipelines.study.spec import load_study
from clinical_pipelines_tests.study.helpers import base, visits_csv, write_spec

NOW = datetime(2025, 3, 21, 12, 0)
HEADER = "pid,visit_id,full_name,dob,visit_date,sex,site,hr,smoker,num"
ROWS = ["P1,V1,Zoë Ñandú-Secretname,02/07/1948,01/03/2024,F,west,86,1,0",
        "P2,V2,Åsa Øberg-Secretname,23/11/1962,04/05/2024,M,west,,0,1"]


def _study(tmp_path, **table):
    spec = base()
    spec["tables"]["visits"].update(table)
    return load_study(write_spec(tmp_path / "s", spec))


def _csv(rows=ROWS, header=HEADER, newline="\n") -> str:
    return newline.join([header, *rows]) + newline


def _texts(study, files) -> list[str]:
    return [str(p) for p in check_batch("b1", files, now=NOW, study=study)]


def _cli(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, " ".join((out.out + out.err).split())


@pytest.mark.parametrize("encoding,extra", [("latin-1", ""), ("cp1252", " €"), ("utf-16", " €"),
                                            ("utf-8", " €")])
def test_declared_encodings_are_read_and_their_values_checked(tmp_path, encoding, extra):
    study = _study(tmp_path, encoding=encoding)
    rows = [ROWS[0].replace("Secretname", "Secretname" + extra), ROWS[1]]
    data = _csv(rows).encode(encoding)
    assert _texts(study, {"visits.csv": data}) == []
    assert build_manifest("b1", {"visits.csv": data}, study=study).row_counts == {"visits.csv": 2}
    bad = _csv([rows[0], ROWS[1].replace(",,", ",86 bpm,")]).encode(encoding)
    assert _texts(study, {"visits.csv": bad}) == [
        "visits.csv, row 3, column hr: not a number (a plain decimal with '.'; no units, no decimal comma; empty means missing)"]


def test_a_file_in_another_encoding_than_declared_is_refused_naming_the_line(tmp_path):
    study = _study(tmp_path)  # utf-8
    texts = _texts(study, {"visits.csv": _csv().encode("latin-1")})
    assert texts == ["visits.csv, row 2 is not valid UTF-8 (first invalid byte on this line): re-export it as UTF-8"]
    study16 = _study(tmp_path / "x", encoding="latin-1")
    texts = _texts(study16, {"visits.csv": _csv().encode("utf-16")})
    assert texts == ["visits.csv is encoded as UTF-16 (byte-order mark), but the study declares latin-1"]


def test_a_utf8_byte_order_mark_and_crlf_line_ends_are_tolerated(tmp_path):
    study = _study(tmp_path)
    data = b"\xef\xbb\xbf" + _csv(newline="\r\n").encode("utf-8")
    assert _texts(study, {"visits.csv": data}) == []
    assert build_manifest("b1", {"visits.csv": data}, study=study).row_counts == {"visits.csv": 2}


def test_quoted_line_breaks_stay_in_their_field_and_rows_are_numbered_by_their_first_line(tmp_path):
    study = _study(tmp_path)
    rows = ['P1,V1,"Zoë\nSecretname, the second line",02/07/1948,01/03/2024,F,west,86,1,0',
            'P2,V2,"Åsa\r\nSecretname",23/11/1962,04/05/2024,M,west,999,0,1',
            "P3,V3,Bo Secretname,01/01/1950,04/05/2024,M,west,80,0,1"]
    data = _csv(rows).encode("utf-8")
    texts = _texts(study, {"visits.csv": data})
    assert texts == ["visits.csv, row 4, column hr: outside the declared range 20 to 250 /min"]
    assert build_manifest("b1", {"visits.csv": _csv([rows[0], rows[2]]).encode()}, study=study).row_counts == {
        "visits.csv": 2}


def test_declared_date_and_date_time_formats_and_unparseable_values_quarantine_with_counts(tmp_path, capsys):
    spec = base()
    cols = spec["tables"]["visits"]["columns"]
    cols["dob"]["format"] = "%m/%d/%Y"
    cols["visit_date"]["format"] = "%m/%d/%Y %H:%M"
    study_path = write_spec(tmp_path / "s", spec)
    study = load_study(study_path)
    good = ["P1,V1,Ann Secretname,07/02/1948,03/01/2024 14:30,F,west,86,1,0",
            "P2,V2,Bo Secretname,11/23/1962,05/04/2024 08:05,M,west,80,0,1"]
    assert _texts(study, {"visits.csv": _csv(good).encode()}) == []
    bad = good + ["P3,V3,Cy Secretname,1950-01-01,05/04/2024 08:05,M,west,80,0,1",  # ISO, not the declared format
                  "P4,V4,Di Secretname,23/11/1962,05/04/2024,F,west,80,0,1",  # day first; no time
                  "P5,V5,Ed Secretname,02/30/1962,13/04/2024 08:05,M,west,80,0,1"]  # no such day; month 13
    texts = _texts(study, {"visits.csv": _csv(bad).encode()})
    assert texts == [
        "visits.csv, row 4, column dob: not a date in the declared format %m/%d/%Y (or no such calendar day) "
        "(3 rows: 4, 5, 6)",
        "visits.csv, row 5, column visit_date: not a date in the declared format %m/%d/%Y %H:%M (or no such "
        "calendar day) (2 rows: 5, 6)"]
    folder = tmp_path / "landing" / "b1"
    folder.mkdir(parents=True)
    (folder / "visits.csv").write_text(_csv(bad), encoding="utf-8")
    code, out = _cli(capsys, "ingest", "check", folder, "--study", study_path)
    assert code == 1 and "b1/visits.csv, row 4, column dob: not a date in the declared format %m/%d/%Y" in out
    for value in ("1950-01-01", "23/11/1962", "02/30/1962", "13/04/2024", "Secretname"):
        assert value not in out


def _parquet_study(tmp_path):
    spec = base()
    table = spec["tables"]["visits"]
    table.update(file="visits.parquet", format="parquet")
    return write_spec(tmp_path / "s", spec)


def _parquet_frame(n: int = 480) -> pd.DataFrame:
    """The visits table as an export tool writes it to Parquet: native dates and numbers, text elsewhere."""
    df = pd.read_csv(pd.io.common.StringIO(visits_csv(n)), dtype=str, keep_default_na=False)
    df["visit_date"] = pd.to_datetime(df["visit_date"], format="%d/%m/%Y")  # native timestamp
    df["hr"] = df["hr"].astype(float)
    df["smoker"] = df["smoker"].astype(int)
    return df


def test_parquet_tables_end_to_end_through_ingest_check_and_study_check(tmp_path, capsys):
    study_path = _parquet_study(tmp_path)
    folder = tmp_path / "landing" / "b1"
    folder.mkdir(parents=True)
    _parquet_frame().to_parquet(folder / "visits.parquet", index=False)
    code, out = _cli(capsys, "ingest", "check", folder, "--study", study_path)
    assert (code, out) == (0, "OK b1: meets the extract contract")
    study = load_study(study_path)
    files = {"visits.parquet": (folder / "visits.parquet").read_bytes()}
    assert build_manifest("b1", files, study=study).row_counts == {"visits.parquet": 480}
    code, out = _cli(capsys, "study", "check", study_path, "--data", folder)
    assert code == 0, out

    df = _parquet_frame()
    df.loc[3, "hr"] = 400.0
    df.loc[5, "dob"] = "1962-11-23"  # text date not in the declared %d/%m/%Y
    df.loc[7, "sex"] = None  # a null is a missing value, not a problem
    df.to_parquet(folder / "visits.parquet", index=False)
    code, out = _cli(capsys, "ingest", "check", folder, "--study", study_path)
    assert code == 1
    assert "b1/visits.parquet, row 4, column hr: outside the declared range 20 to 250 /min" in out
    assert "b1/visits.parquet, row 6, column dob: not a date in the declared format %d/%m/%Y" in out
    assert "column sex" not in out and "1962-11-23" not in out and "400" not in out
    code, out = _cli(capsys, "study", "check", study_path, "--data", folder)
    assert code == 1 and "visits.parquet, row 4, column hr" in out and "1962-11-23" not in out


def test_a_file_that_is_not_parquet_under_a_parquet_declaration_is_refused(tmp_path):
    study = load_study(_parquet_study(tmp_path))
    texts = _texts(study, {"visits.parquet": _csv().encode()})
    assert texts == ["visits.parquet is not the Apache Parquet file the study declares: its content is text"]


@pytest.mark.parametrize("block", [1, 2, 5, 1 << 20])
def test_files_are_validated_block_by_block_with_the_right_lines(tmp_path, monkeypatch, block):
    from clinical_pipelines.ingest import textfile

    monkeypatch.setattr(textfile, "BLOCK", block)  # characters of 2, 3 and 4 bytes cross block borders
    rows = [ROWS[0].replace("Zoë", "Zoë €𝄞"), ROWS[1]]
    utf8 = _study(tmp_path)
    assert _texts(utf8, {"visits.csv": b"\xef\xbb\xbf" + _csv(rows).encode()}) == []
    bad = _csv(rows).encode().replace("Åsa".encode(), b"\xc5sa")  # a Latin-1 byte on line 3
    assert _texts(utf8, {"visits.csv": bad}) == [
        "visits.csv, row 3 is not valid UTF-8 (first invalid byte on this line): re-export it as UTF-8"]
    inner = _csv(rows).encode() + b"\xef\xbb\xbf" + _csv(rows).encode()
    assert _texts(utf8, {"visits.csv": inner}) == [
        "visits.csv, row 4 has a byte-order mark inside the file (were several exports concatenated?)"]
    for encoding in ("utf-16", "utf-16-le", "cp1252"):
        study = _study(tmp_path / encoding, encoding=encoding)
        text = _csv([ROWS[0].replace("Zoë", "Zoë €"), ROWS[1]])
        assert _texts(study, {"visits.csv": text.encode(encoding)}) == [], encoding
