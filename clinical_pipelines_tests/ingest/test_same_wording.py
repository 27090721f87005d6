"""`ingest check` and `study check --data` word the same problem the same way (one source:
clinical_pipelines.ingest.messages), and the problems of a file come by ascending row."""

from __future__ import annotations

from clinical_pipelines.ingest.contract import check_batch
from clinical_pipelines.study.check import check_study
from clinical_pipelines.study.spec import load_study
from clinical_pipelines_tests.study.helpers import base, visits_csv, write_spec

KINDS = ("is not declared in the study spec", "not a date in the declared format", "not a number",
         "outside the declared range", "outside the declared values", "is not a file the study spec declares")


def test_both_checks_give_the_same_text_for_the_same_problem(tmp_path):
    spec = write_spec(tmp_path / "spec", base())
    rows = visits_csv(60).splitlines()
    header = rows[0].split(",") + ["extra"]
    cells = [r.split(",") + ["1"] for r in rows[1:]]
    cells[4][header.index("dob")] = "1990-01-31"  # not %d/%m/%Y
    cells[2][header.index("hr")] = "70 bpm"
    cells[6][header.index("hr")] = "900"
    cells[1][header.index("sex")] = "X"
    batch = tmp_path / "data" / "b1"
    batch.mkdir(parents=True)
    (batch / "visits.csv").write_text("\n".join(",".join(r) for r in [header, *cells]) + "\n", encoding="utf-8")
    (batch / "visits.csv.part").write_text("x", encoding="utf-8")
    study_texts = {p.file.removeprefix("b1/") + "|" + p.problem for p in check_study(spec, tmp_path / "data").data_problems}
    files = {p.name: p.read_bytes() for p in batch.iterdir()}
    ingest = check_batch("b1", files, study=load_study(spec))
    ingest_texts = {p.file + "|" + p.problem for p in ingest}
    for kind in KINDS:
        in_study = {t for t in study_texts if kind in t}
        in_ingest = {t for t in ingest_texts if kind in t}
        assert in_study and in_study == in_ingest, kind
    rows_of_visits = [p.row for p in ingest if p.file == "visits.csv" and p.row is not None]
    assert rows_of_visits == sorted(rows_of_visits)
