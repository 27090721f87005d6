"""The study spec (``studies/<study_id>/study.yaml``): pydantic v2 models and :func:`load_study`.

A study declares its input files (how to read them), a role for every column (vocabulary in
:mod:`clinical_pipelines.study.roles`), the outcome, where labels come from, and the evaluation
design. Format and every rule: docs/STUDY_SPEC.md. Every consumer (ingest, de-identification,
training, validation, evidence) asks the spec through the helpers of :class:`Study` instead of
naming columns.

:func:`load_study` reports every problem at once (:class:`StudySpecError`), each naming the file,
the line, the key path (``tables.encounters.columns.zip.generalization``) and what is allowed.
"""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, PrivateAttr, Tag, ValidationError, field_validator, model_validator

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.columns import (  # noqa: F401 - re-exported: the spec's column models live there
    AGE_STEPS, BOOL_HINT, COLUMN_MODELS, ROLE_MODEL, Column, ConsentColumn, DateRoleColumn, DirectIdentifierColumn,
    DropColumn, EncounterIdColumn, EventTimeColumn, FeatureColumn, FeatureSpec, FreeTextColumn, KeepColumn,
    LadderStep, OutcomeColumn, PatientIdColumn, QuasiIdentifierColumn, RaterColumn, RecordIdColumn, SafeHarborLetter,
    SensitiveAttributeColumn, SiteColumn, _Model, _values, check_date_format, is_year_only)

NAME_RE = r"^[a-z][a-z0-9_]{0,62}$"
STUDY_ID_RE = r"^[a-z][a-z0-9-]{1,40}$"


class Table(_Model):
    """One input file of every batch and how to read it (csv options apply to csv only)."""

    file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
    format: Literal["csv", "parquet", "jsonl"]
    encoding: str = "utf-8"
    delimiter: str | None = None
    quotechar: str | None = None
    header: bool | None = None
    missing_values: list[str] = [""]
    primary_key: str | None = None
    columns: dict[str, Column] = Field(min_length=1)

    @field_validator("missing_values", mode="before")
    @classmethod
    def check_values(cls, v):
        return _values(v)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError("unknown text encoding: use e.g. utf-8, latin-1, cp1252, utf-16") from None
        return v

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_char(cls, v: str | None) -> str | None:
        if v is not None and (len(v) != 1 or v in "\r\n"):
            raise ValueError("must be one character (not a line break), e.g. ',' ';' '\\t' '|'")
        return v

    @property
    def csv_delimiter(self) -> str:
        return self.delimiter or ","

    @property
    def csv_quotechar(self) -> str:
        return self.quotechar or '"'

    @property
    def has_header(self) -> bool:
        return True if self.header is None else self.header

    def missing_for(self, column: str) -> list[str]:
        """The codes that mean "missing" in ``column``: the table's ``missing_values``, then the column's own."""
        spec = self.columns.get(column)
        own = list(getattr(spec, "missing_values", []) or [])
        return list(self.missing_values) + [v for v in own if v not in self.missing_values]


class NotApplicable(_Model):
    """A part of the design this study cannot have, with the reason (shown on the gate it disables)."""

    not_applicable: str = Field(min_length=3)


def _declared_or_na(v) -> str:
    return "not_applicable" if isinstance(v, dict) and "not_applicable" in v else "declared"


def _or_na(declared):
    return Annotated[Union[Annotated[declared, Tag("declared")], Annotated[NotApplicable, Tag("not_applicable")]],
                     Discriminator(_declared_or_na)]


class Outcome(_Model):
    """The outcome: from raters (``labels`` table) or a column of the extract with an expression."""

    name: str = Field(pattern=NAME_RE)
    source: Literal["raters", "column"]
    definition: str = Field(min_length=1)
    table: str | None = None
    column: str | None = None
    description: str | None = None


class RaterLabels(_Model):
    """A rater table: one row per unit x rater; consensus by majority of at least ``min_raters``."""

    table: str
    encounter_column: str
    rater_column: str
    label_column: str
    allowed: list[str] = Field(min_length=2)
    positive: str
    min_raters: int = Field(ge=2)
    consensus: Literal["majority"] = "majority"

    @field_validator("allowed", mode="before")
    @classmethod
    def check_allowed(cls, v):
        return _values(v)

    @field_validator("positive", mode="before")
    @classmethod
    def check_positive(cls, v):
        return _values([v])[0]

    @model_validator(mode="after")
    def _positive_allowed(self):
        if self.positive not in self.allowed:
            raise ValueError("positive must be one of the allowed label values")
        return self


class Temporal(_Model):
    """Temporal validation: the event-time column and either the last year or a cut-off date."""

    column: str
    holdout: Literal["last_year"] | None = None
    cutoff: date | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.holdout is None) == (self.cutoff is None):
            raise ValueError("give exactly one of holdout: last_year or cutoff: YYYY-MM-DD")
        return self


class Evaluation(_Model):
    temporal: _or_na(Temporal)
    external_sites: _or_na(Annotated[list[str], Field(min_length=1)])
    subgroups: _or_na(Annotated[list[str], Field(min_length=1)])


class Study(_Model):
    """A validated study spec. Query helpers: :mod:`clinical_pipelines.study.roles`."""

    spec_version: Literal[1]
    study_id: str = Field(pattern=STUDY_ID_RE)
    title: str = Field(min_length=1)
    intended_use: str = Field(min_length=1)
    owners: list[str] = Field(min_length=1)
    draft: bool = False
    batch_descriptor: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
    tables: dict[Annotated[str, Field(pattern=NAME_RE)], Table] = Field(min_length=1)
    outcome: Outcome
    labels: _or_na(RaterLabels)
    evaluation: Evaluation

    _path: Path | None = PrivateAttr(default=None)

    # ---- where it lives
    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def folder(self) -> Path:
        if self._path is None:
            raise ValueError("this study was not loaded from a file")
        return self._path.parent

    @property
    def intended_use_path(self) -> Path:
        return self.folder / self.intended_use

    # ---- references
    def resolve(self, ref: str, roles: tuple[str, ...] | None = None) -> tuple[str, str]:
        """``"column"`` or ``"table.column"`` -> (table, column); KeyError when absent or ambiguous."""
        table, dot, column = ref.partition(".")
        if dot and table in self.tables and column in self.tables[table].columns:
            return table, column
        found = [(t, ref) for t, spec in self.tables.items() if ref in spec.columns
                 and (roles is None or spec.columns[ref].role in roles)]
        if len(found) == 1:
            return found[0]
        raise KeyError(f"{ref!r} names " + ("no column" if not found else f"a column of {len(found)} tables "
                       "(write table.column)") + (f" with role {' or '.join(roles)}" if roles else ""))

    # ---- role queries (see roles.py)
    def columns_with_role(self, *roles: str, table: str | None = None) -> list[R.ColumnRef]:
        return R.columns_with_role(self, *roles, table=table)

    def direct_identifiers(self) -> list[R.DirectIdentifier]:
        return R.direct_identifiers(self)

    def quasi_identifiers(self) -> list[R.QuasiIdentifier]:
        return R.quasi_identifiers(self)

    def sensitive_attributes(self) -> list[R.ColumnRef]:
        return R.sensitive_attributes(self)

    def features(self) -> list[R.Feature]:
        return R.features(self)

    def age_source(self) -> R.AgeSource | None:
        return R.age_source(self)

    def date_columns(self) -> list[R.DateColumn]:
        return R.date_columns(self)

    def event_time(self) -> R.DateColumn | None:
        return R.event_time(self)

    def free_text_columns(self) -> list[R.ColumnRef]:
        return R.free_text_columns(self)

    def patient_id(self, table: str) -> str | None:
        return R.id_column(self, R.PATIENT_ID, table)

    def encounter_id(self, table: str) -> str | None:
        return R.id_column(self, R.ENCOUNTER_ID, table)

    def safe_harbor_columns(self) -> dict[str, list[R.ColumnRef]]:
        return R.safe_harbor_columns(self)

    def deid_actions(self) -> list[R.DeidAction]:
        return R.deid_actions(self)

    def not_applicable(self) -> dict[str, str]:
        """Design parts declared not applicable -> reason (``labels``, ``evaluation.temporal``, ...)."""
        parts = {"labels": self.labels, "evaluation.temporal": self.evaluation.temporal,
                 "evaluation.external_sites": self.evaluation.external_sites,
                 "evaluation.subgroups": self.evaluation.subgroups}
        return {k: v.not_applicable for k, v in parts.items() if isinstance(v, NotApplicable)}


class StudySpecError(ValueError):
    """The spec has problems; ``problems`` holds one :class:`~clinical_pipelines.study.spec_errors.SpecProblem` each."""

    def __init__(self, problems: list):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the study spec:\n" + "\n".join(str(p) for p in problems))


def load_study(path: str | Path) -> Study:
    """Load and validate ``study.yaml``; raises :class:`StudySpecError` listing every problem.

    Structure (keys, types, allowed values) and cross-field rules (docs/STUDY_SPEC.md, "Rules") are
    both checked; cross-field rules run on every part whose structure is valid.
    """
    from clinical_pipelines.study.spec_errors import validate

    study, problems = validate(Path(path))
    if problems:
        raise StudySpecError(problems)
    return study


def parse_study(path: Path) -> tuple[Study | None, list]:
    """(study or ``None``, problems) without raising: what ``study check`` uses."""
    from clinical_pipelines.study.spec_errors import validate

    return validate(Path(path))


__all__ = ["Study", "Table", "Outcome", "RaterLabels", "NotApplicable", "Temporal", "Evaluation", "FeatureSpec",
           "Column", "StudySpecError", "load_study", "parse_study", "ValidationError",
           # column models (clinical_pipelines.study.columns), re-exported
           "AGE_STEPS", "BOOL_HINT", "COLUMN_MODELS", "ROLE_MODEL", "ConsentColumn", "DateRoleColumn",
           "DirectIdentifierColumn", "DropColumn", "EncounterIdColumn", "EventTimeColumn", "FeatureColumn",
           "FreeTextColumn", "KeepColumn", "LadderStep", "OutcomeColumn", "PatientIdColumn", "QuasiIdentifierColumn",
           "RaterColumn", "RecordIdColumn", "SafeHarborLetter", "SensitiveAttributeColumn", "SiteColumn",
           "check_date_format", "is_year_only"]
