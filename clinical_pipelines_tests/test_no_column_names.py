"""No module names a study's columns: every consumer asks the study spec (issue 8, "One source of truth").

The source of every module of ``clinical_pipelines`` is scanned for string literals equal to a column
name of a built-in study (``studies/*/study.yaml``). Outside the scan:

- the synthetic generator and the FHIR connector (they produce those columns), and the study package
  itself (the spec format, its vocabulary and the name heuristics of ``study init``);
- the free-text de-identification engine, its independent residual scanner, their evaluation corpora
  and clinical vocabulary: they name kinds of identifiers found in text (``phone``, ``zip``), not columns.

Words of the project's own vocabulary and formats are not study columns even where a study uses the
same name (:data:`VOCABULARY`), and the batch descriptor's ``site_id`` field may be named where the
descriptor or a manifest built from it is read (:data:`DESCRIPTOR_READERS`). Modules still waiting
for the change that removes their names are listed in :data:`PENDING` with that change; the test fails
for any other module that names a column, and for a pending module that no longer does (remove it).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import builtin_study_ids, load_builtin_study

PACKAGE = Path(__file__).resolve().parents[1] / "clinical_pipelines"
OUTSIDE = ("synthetic/", "fhir/", "study/", "deid/text/", "deid/residual/", "deid/evaluation/", "deid/vocab.py")
VOCABULARY = {
    *R.ROLES, *R.DATE_HANDLING, *R.DERIVED_ATTRIBUTES, *R.LADDER_STEPS, *R.FEATURE_TYPES,  # the spec format
    *R.DEID_ACTION.values(), "birth_date", "zip3",  # de-identification actions
    "label",  # the outcome column of consensus labels and training datasets (labels.agreement)
    "id", "text",  # keys of the JSON Lines formats (deid-text, evaluation corpora)
    "dataset",  # a kind of audit subject and document section, not data
}
DESCRIPTOR_FIELD = "site_id"
DESCRIPTOR_READERS = ("ingest/", "defs/ingest/", "defs/deid/", "evidence/")
PENDING: dict[str, str] = {}  # module -> the change that makes it ask the spec (none left)


def study_columns() -> dict[str, set[str]]:
    """Column name -> the built-in studies that have it."""
    out: dict[str, set[str]] = defaultdict(set)
    for study_id in builtin_study_ids():
        for table in load_builtin_study(study_id).tables.values():
            for column in table.columns:
                out[column].add(study_id)
    return out


def named_columns(source: str, rel: str, columns: set[str]) -> list[tuple[int, str]]:
    """(line, literal) of every string literal of ``source`` (module ``rel``) that is a study column."""
    found = []
    for node in ast.walk(ast.parse(source, filename=rel)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in columns:
            if node.value in VOCABULARY:
                continue
            if node.value == DESCRIPTOR_FIELD and rel.startswith(DESCRIPTOR_READERS):
                continue
            found.append((node.lineno, node.value))
    return sorted(found)


def offenders() -> dict[str, list[tuple[int, str]]]:
    columns = set(study_columns())
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(OUTSIDE):
            continue
        found = named_columns(path.read_text(encoding="utf-8"), rel, columns)
        if found:
            out[rel] = found
    return out


def test_no_module_names_a_study_column():
    found = offenders()
    new = {m: names for m, names in found.items() if m not in PENDING}
    assert not new, "modules name study columns (ask the study spec instead): " + "; ".join(
        f"clinical_pipelines/{m}: " + ", ".join(f"line {line} {name!r}" for line, name in names)
        for m, names in new.items())
    cleaned = sorted(set(PENDING) - set(found))
    assert not cleaned, f"no longer name study columns, remove them from PENDING: {cleaned}"


def test_the_scan_sees_the_columns_of_every_built_in_study():
    columns = study_columns()
    assert {"mrn", "troponin_ng_l"} <= set(columns) and {"chol", "thalch"} <= set(columns)
    source = 'COLS = ("troponin_ng_l", "thalch")\nOK = f"{COLS}_x"\nWORD = "label"\nSITE = "site_id"\n'
    assert named_columns(source, "training/x.py", set(columns)) == [(1, "thalch"), (1, "troponin_ng_l"), (4, "site_id")]
    assert named_columns(source, "ingest/x.py", set(columns))[-1] == (1, "troponin_ng_l")  # descriptor field allowed
