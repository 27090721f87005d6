"""Validating a study file: pydantic errors translated into one line each, plus the cross-field rules.

Every problem is a :class:`SpecProblem`: the file, the line, the key path
(``tables.encounters.columns.zip.generalization[1]``) and what is wrong and allowed. Pydantic's own
error text is never shown as is. When the structure is partly invalid, the cross-field rules still
run on every table, column and section that is valid on its own (rules skip what is broken), so a
user sees every problem in one pass.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from clinical_pipelines.study import roles as R
from clinical_pipelines.study import spec as S
from clinical_pipelines.study.yamlsource import YamlSource, read_yaml

MAX_SHOWN = 40  # characters of a spec value quoted in a message


@dataclass(frozen=True)
class SpecProblem:
    """One problem of a study file: ``key`` is a dotted key path ('' for the whole file)."""

    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "key": self.key, "message": self.message}


# What is allowed, by the name of the key (used for missing keys and wrong values).
ALLOWED = {
    "spec_version": "1",
    "study_id": "lower-case letters, digits and '-', starting with a letter, 2 to 41 characters (e.g. mace)",
    "title": "a non-empty text",
    "intended_use": "the intended-use file, relative to study.yaml (e.g. intended_use.yaml)",
    "owners": "a list of at least one owner (e.g. [\"team:clinical-ml\"])",
    "tables": "table name -> {file, format, columns}; table names are lower-case identifiers",
    "file": "the file name inside every batch folder (letters, digits, '_', '.', '-'; no folders)",
    "batch_descriptor": "a file name inside every batch folder (e.g. extract.json)",
    "format": "csv, parquet or jsonl",
    "encoding": "a Python codec name, e.g. utf-8, latin-1, cp1252, utf-16",
    "header": "true or false (csv only)",
    "columns": "column name -> {role: ...}",
    "role": "one of " + ", ".join(R.ROLES),
    "safe_harbor": "a letter A..R of 45 CFR 164.514(b)(2)(i) (A names, B geography, C dates, D phone, ..., "
                   "H medical record numbers, ..., R any other unique identifier)",
    "generalization": "a list of steps from " + ", ".join(R.LADDER_STEPS) + " (zip3 first, suppress last)",
    "handling": "shift, year_only or birth_date (event_time: shift or year_only)",
    "format_date": "a strftime format with year, month and day, e.g. '%Y-%m-%d' or '%d/%m/%Y'",
    "type": "numeric, binary or categorical",
    "range": "[low, high] numbers with low < high, in the column's unit",
    "source": "raters or column",
    "name": "a lower-case identifier (e.g. mace_30d)",
    "definition": "raters: the labelling instruction; column: an expression such as 'num > 0'",
    "min_raters": "a whole number >= 2 (one rater: use outcome source: column and labels: {not_applicable: ...})",
    "holdout": "last_year",
    "cutoff": "a date YYYY-MM-DD",
    "not_applicable": "the reason, in words (at least 3 characters)",
    "external_sites": "a list of site ids, or {not_applicable: <reason>}",
    "subgroups": "a list of attributes (quasi-identifiers, sensitive attributes, the site, age, age_band), "
                 "or {not_applicable: <reason>}",
    "temporal": "{column: <event_time column>, holdout: last_year} or {cutoff: YYYY-MM-DD}, or {not_applicable: "
                "<reason>}",
    "labels": "{table, encounter_column, rater_column, label_column, allowed, positive, min_raters} or "
              "{not_applicable: <reason>}",
    "granted": "the values that mean consent was given, e.g. [Y]",
    "missing_values": "a list of codes as written in the data that mean missing, e.g. ['', '?', 'NA'] (a column's "
                      "own list adds to the table's; numbers such as 0 or -999 also match 0.0 / -999.0)",
    "age": "true for an age in whole years (Safe Harbor C: ages over 89 released as 90+), or false",
}


def _display(loc: tuple) -> tuple[str, tuple]:
    """Key path text and the data path of a pydantic ``loc``, dropping union tags."""
    path: list = []
    ann: object = S.Study
    for part in loc:
        ann, is_tag = _step(ann, part)
        if not is_tag:
            path.append(part)
    return _join(path), tuple(path)


def _join(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _unwrap(ann):
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return ann


def _step(ann, part):
    """(annotation after following ``part``, whether ``part`` was a union tag)."""
    ann = _unwrap(ann)
    origin = typing.get_origin(ann)
    if origin is typing.Union:
        for member in typing.get_args(ann):
            member_u = _unwrap(member)
            tag = _tag_of(member)
            if tag == part:
                return member_u, True
        return None, False
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        field = ann.model_fields.get(part) if isinstance(part, str) else None
        return (field.annotation if field else None), False
    if origin is dict:
        return typing.get_args(ann)[1], False
    if origin in (list, tuple):
        args = typing.get_args(ann)
        return (args[0] if args else None), False
    return None, False


def _tag_of(member) -> str | None:
    for meta in getattr(member, "__metadata__", ()):
        if type(meta).__name__ == "Tag":
            return meta.tag
    inner = _unwrap(member)
    if isinstance(inner, type) and issubclass(inner, BaseModel) and "role" in inner.model_fields:
        return typing.get_args(inner.model_fields["role"].annotation)[0]
    return None


def _model_keys(loc: tuple) -> list[str]:
    ann: object = S.Study
    for part in loc:
        ann, _ = _step(ann, part)
    ann = _unwrap(ann)
    return list(ann.model_fields) if isinstance(ann, type) and issubclass(ann, BaseModel) else []


DOC = "docs/STUDY_SPEC.md"
DOC_SECTIONS = {  # top-level key -> the section of DOC that describes it
    "outcome": "Outcome, labels, evaluation", "labels": "Outcome, labels, evaluation",
    "evaluation": "Outcome, labels, evaluation", "tables": "Roles",
    "intended_use": "What the documents say about the study",
}


def _missing(loc: tuple, allowed_txt: str) -> str:
    """A missing required key: what it holds (its required keys when it is a section) and where it is documented."""
    ann: object = S.Study
    for part in loc:
        ann, _ = _step(ann, part)
    ann = _unwrap(ann)
    text = "required key is missing"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        required = [k for k, f in ann.model_fields.items() if f.is_required()]
        optional = [k for k, f in ann.model_fields.items() if not f.is_required()]
        text += f": add it with the keys {', '.join(required)}"
        text += f" (optional: {', '.join(optional)})" if optional else ""
    else:
        text += allowed_txt
    section = DOC_SECTIONS.get(str(loc[0])) if loc else None
    section = section or ("A full example (every role)" if len(loc) == 1 else None)
    return text + (f"; see {DOC}, section \"{section}\"" if section else "")


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "...'"


def _message(err: dict, key: str) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    allowed = ALLOWED.get("format_date" if key in ("format",) and "columns" in err["loc"] else key, "")
    allowed_txt = f" (allowed: {allowed})" if allowed else ""
    if kind == "missing":
        return _missing(err["loc"], allowed_txt)
    if kind == "extra_forbidden":
        keys = _model_keys(err["loc"][:-1])
        return "unknown key" + (f"; allowed here: {', '.join(keys)}" if keys else "")
    if kind == "union_tag_invalid":
        return f"unknown role {_shown(ctx.get('tag'))}; allowed: {', '.join(R.ROLES)}"
    if kind == "union_tag_not_found":
        return f"required key 'role' is missing (allowed: {', '.join(R.ROLES)})"
    if kind == "literal_error":
        return f"{_shown(err.get('input'))} is not allowed; allowed: {ctx.get('expected', allowed)}"
    if kind == "string_pattern_mismatch":
        return f"{_shown(err.get('input'))} is not allowed" + allowed_txt
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"]))
    if kind == "too_short":
        what = "character(s)" if isinstance(err.get("input"), str) else "item(s)"
        return f"must have at least {ctx.get('min_length')} {what}" + allowed_txt
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of keys" + allowed_txt
    return err["msg"].replace("Input should be", "must be") + allowed_txt


def translate(exc: ValidationError, file: str, src: YamlSource, prefix: tuple = ()) -> list[SpecProblem]:
    """One :class:`SpecProblem` per pydantic error (``prefix``: loc of the validated part)."""
    out = []
    for err in exc.errors(include_url=False):
        err = dict(err, loc=prefix + tuple(err["loc"]))
        key, path = _display(err["loc"])
        last = next((p for p in reversed(path) if isinstance(p, str)), "")
        out.append(SpecProblem(file, key, _message(err, last), src.line_of(path)))
    return out


# --------------------------------------------------------------------------- partial validation
_COLUMN = TypeAdapter(S.Column)
_LABELS = TypeAdapter(S._or_na(S.RaterLabels))
BROKEN = object()  # a part that exists in the file but is structurally invalid


@dataclass
class TableView:
    """A table's valid columns and, when its own keys are valid, its :class:`~spec.Table` (``head``)."""

    columns: dict
    head: S.Table | None


@dataclass
class Parts:
    """The parts of a spec that are valid on their own (``BROKEN`` marks invalid sections)."""

    tables: dict  # name -> TableView, or BROKEN when the table is not a mapping
    broken_columns: set
    outcome: object
    labels: object
    evaluation: object
    top: dict  # top-level scalar keys


def _try(fn):
    try:
        return fn()
    except (ValidationError, TypeError, ValueError):
        return BROKEN


def partial(data) -> Parts | None:
    if not isinstance(data, dict):
        return None
    tables: dict = {}
    broken: set = set()
    raw_tables = data.get("tables") if isinstance(data.get("tables"), dict) else {}
    for name, raw in raw_tables.items():
        if not isinstance(raw, dict):
            tables[name] = BROKEN
            continue
        cols = {}
        raw_cols = raw.get("columns") if isinstance(raw.get("columns"), dict) else {}
        for col, raw_col in raw_cols.items():
            parsed = _try(lambda rc=raw_col: _COLUMN.validate_python(rc))
            if parsed is BROKEN:
                broken.add((name, col))
            else:
                cols[col] = parsed
        head = _try(lambda r=raw: S.Table.model_validate({**r, "columns": {"_": {"role": "drop"}}}))
        tables[name] = TableView(cols, None if head is BROKEN else head)
    section = {
        "outcome": _try(lambda: S.Outcome.model_validate(data["outcome"])) if "outcome" in data else None,
        "labels": _try(lambda: _LABELS.validate_python(data["labels"])) if "labels" in data else None,
        "evaluation": _evaluation(data["evaluation"]) if "evaluation" in data else None,
    }
    top = {k: data[k] for k in ("intended_use", "draft", "batch_descriptor") if isinstance(data.get(k), (str, bool))}
    return Parts(tables=tables, broken_columns=broken, top=top, **section)


def _evaluation(raw):
    """The evaluation section with each valid part (``BROKEN`` for the others)."""
    if not isinstance(raw, dict):
        return BROKEN
    fields = S.Evaluation.model_fields
    parts = {k: _try(lambda k=k: TypeAdapter(Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation)
                     .validate_python(raw[k])) if k in raw else BROKEN for k, f in fields.items()}
    return SimpleNamespace(**parts)


def parts_of(study: S.Study) -> Parts:
    return Parts(tables={n: TableView(dict(t.columns), t) for n, t in study.tables.items()}, broken_columns=set(),
                 outcome=study.outcome, labels=study.labels, evaluation=study.evaluation,
                 top={"intended_use": study.intended_use, "draft": study.draft,
                      "batch_descriptor": study.batch_descriptor})


def _placeholders(value, path: tuple) -> list[tuple]:
    """Key paths of text values that still say REVIEW (left by ``study init`` for a person to fill in)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _placeholders(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _placeholders(v, path + (i,))]
    return [path] if isinstance(value, str) and "REVIEW" in value else []


def validate(path: Path) -> tuple[S.Study | None, list[SpecProblem]]:
    """(study or ``None``, every problem) of one study file; never raises for a bad file."""
    from clinical_pipelines.study.spec_rules import cross_field_problems

    file = str(path)
    src = read_yaml(path)
    problems = [SpecProblem(file, _join(p), m, line) for p, line, m in src.problems]
    if src.data is None:
        return None, problems
    if not isinstance(src.data, dict):
        return None, problems + [SpecProblem(file, "", "must be a YAML mapping of keys (see docs/STUDY_SPEC.md)",
                                             src.line_of(()))]
    problems += [SpecProblem(file, _join(p), "still holds a REVIEW placeholder from `study init`: replace it with "
                                             "the real value", src.line_of(p)) for p in _placeholders(src.data, ())]
    study = None
    try:
        study = S.Study.model_validate(src.data)
        parts = parts_of(study)
    except ValidationError as exc:
        problems += translate(exc, file, src)
        parts = partial(src.data)
    for p, msg in cross_field_problems(parts, path.parent):
        problems.append(SpecProblem(file, _join(p), msg, src.line_of(p)))
    if problems:
        return None, sorted(problems, key=lambda p: p.line or 0)
    study._path = path  # noqa: SLF001 - the loader records where the study lives
    return study, []
