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
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, ValidationError, field_validator, \
    model_validator

from clinical_pipelines.study import roles as R

SafeHarborLetter = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R"]
LadderStep = Literal["band5", "band10", "band20", "zip3", "year", "suppress"]
NAME_RE = r"^[a-z][a-z0-9_]{0,62}$"
STUDY_ID_RE = r"^[a-z][a-z0-9-]{1,40}$"
_DIRECTIVES = set("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")
BOOL_HINT = "YAML reads unquoted yes/no/on/off/true/false as booleans: quote the value (e.g. 'yes')"


def _values(v):
    """A list of data values as strings (ints and floats as written); booleans are refused."""
    if not isinstance(v, list):
        raise ValueError("must be a list of values")
    out = []
    for x in v:
        if isinstance(x, bool):
            raise ValueError(BOOL_HINT)
        if not isinstance(x, (str, int, float)):
            raise ValueError("must be a list of plain values (text or numbers)")
        out.append(str(x))
    if len(set(out)) != len(out):
        raise ValueError("lists the same value more than once")
    return out


def check_date_format(fmt: str) -> str:
    """A strftime/strptime format with a year, a month and a day (``%j`` day-of-year counts for both)."""
    directives = re.findall(r"%(.)", fmt)
    unknown = sorted({d for d in directives if d not in _DIRECTIVES})
    if unknown:
        raise ValueError(f"unknown strftime directive(s) {', '.join('%' + d for d in unknown)}; "
                         "use e.g. '%Y-%m-%d', '%d/%m/%Y', '%m/%d/%Y %H:%M'")
    has = set(directives)
    if not has & {"Y", "y", "G"}:
        raise ValueError("has no year (%Y): a date format needs a year, a month and a day, e.g. '%Y-%m-%d'")
    if not (has & {"m", "b", "B"} and has & {"d"}) and "j" not in has:
        raise ValueError("needs a month (%m, %b or %B) and a day (%d), e.g. '%Y-%m-%d'")
    return fmt


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeatureSpec(_Model):
    """How a model input is typed: numeric (unit, plausible range), binary or categorical."""

    type: Literal["numeric", "binary", "categorical"]
    unit: str | None = None
    range: tuple[float, float] | None = None
    categories: list[str] | None = None

    @field_validator("categories", mode="before")
    @classmethod
    def check_categories(cls, v):
        return v if v is None else _values(v)

    @model_validator(mode="after")
    def _by_type(self):
        if self.type != "numeric" and (self.unit is not None or self.range is not None):
            raise ValueError(f"unit and range are for numeric features only (this one is {self.type})")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError("range must be [low, high] with low < high")
        if self.type == "numeric" and self.categories is not None:
            raise ValueError("categories are for binary or categorical features only")
        if self.type == "categorical" and (self.categories is None or len(self.categories) < 2):
            raise ValueError("a categorical feature needs categories: [at least two values as written in the data]")
        if self.type == "binary" and self.categories is not None and len(self.categories) != 2:
            raise ValueError("a binary feature has exactly two categories (default [0, 1])")
        return self

    @property
    def allowed(self) -> list[str] | None:
        """Allowed values as written in the data (binary default ``0``/``1``); ``None`` for numeric."""
        if self.type == "binary":
            return self.categories or ["0", "1"]
        return self.categories


class _Column(_Model):
    description: str | None = None


class PatientIdColumn(_Column):
    role: Literal["patient_id"]
    safe_harbor: SafeHarborLetter | None = None  # default H (medical record number)


class EncounterIdColumn(_Column):
    role: Literal["encounter_id"]
    safe_harbor: SafeHarborLetter | None = None  # default R


class RecordIdColumn(_Column):
    role: Literal["record_id"]
    safe_harbor: SafeHarborLetter | None = None  # default R


class DirectIdentifierColumn(_Column):
    role: Literal["direct_identifier"]
    safe_harbor: SafeHarborLetter


def _check_ladder(steps: list[str]) -> list[str]:
    if len(set(steps)) != len(steps):
        raise ValueError("a generalisation step is listed twice")
    if "zip3" in steps and steps[0] != "zip3":
        raise ValueError("zip3 must be the first step (it is the Safe Harbor release form of a ZIP code)")
    if "suppress" in steps and steps[-1] != "suppress":
        raise ValueError("suppress must be the last step")
    bands = [s for s in steps if s.startswith("band")]
    if bands != sorted(bands, key=lambda s: int(s[4:])):
        raise ValueError("age bands must widen step by step (band5, band10, band20)")
    return steps


class QuasiIdentifierColumn(_Column):
    role: Literal["quasi_identifier"]
    generalization: list[LadderStep] = []
    safe_harbor: SafeHarborLetter | None = None
    feature: FeatureSpec | None = None

    @field_validator("generalization")
    @classmethod
    def check_ladder(cls, v):
        return _check_ladder(v)

    @model_validator(mode="after")
    def _geography(self):
        if self.safe_harbor == "B" and self.generalization[:1] not in (["zip3"], ["suppress"]):
            raise ValueError("a Safe Harbor B (geographic) quasi-identifier must start its generalization with zip3 "
                             "or suppress: Safe Harbor keeps at most the first three ZIP digits")
        return self


class DateRoleColumn(_Column):
    role: Literal["date"]
    handling: Literal["shift", "year_only", "birth_date"]
    format: str | None = None
    generalization: list[Literal["band5", "band10", "band20", "suppress"]] = []
    feature: FeatureSpec | None = None

    @field_validator("format")
    @classmethod
    def check_format(cls, v):
        return v if v is None else check_date_format(v)

    @field_validator("generalization")
    @classmethod
    def check_ladder(cls, v):
        return _check_ladder(v)

    @model_validator(mode="after")
    def _birth_date_only(self):
        if self.handling != "birth_date" and (self.generalization or self.feature is not None):
            raise ValueError("generalization and feature apply to the age derived from a birth date: "
                             "only with handling: birth_date")
        if self.feature is not None and self.feature.type != "numeric":
            raise ValueError("the age derived from a birth date is a numeric feature (type: numeric)")
        if self.handling == "birth_date" and self.format and "%y" in self.format:
            raise ValueError("a two-digit year (%y) is ambiguous for birth dates (1950 or 2050?): use %Y")
        return self


class EventTimeColumn(_Column):
    role: Literal["event_time"]
    handling: Literal["shift", "year_only"]
    format: str | None = None

    @field_validator("format")
    @classmethod
    def check_format(cls, v):
        return v if v is None else check_date_format(v)


class FreeTextColumn(_Column):
    role: Literal["free_text"]


class SiteColumn(_Column):
    role: Literal["site"]


class ConsentColumn(_Column):
    role: Literal["consent"]
    granted: list[str] = Field(min_length=1)
    refused: list[str] = []

    @field_validator("granted", "refused", mode="before")
    @classmethod
    def check_values(cls, v):
        return _values(v)

    @model_validator(mode="after")
    def _disjoint(self):
        if set(self.granted) & set(self.refused):
            raise ValueError("a value cannot be both granted and refused")
        return self


class OutcomeColumn(_Column):
    role: Literal["outcome"]


class RaterColumn(_Column):
    role: Literal["rater"]


class FeatureColumn(FeatureSpec):
    role: Literal["feature"]
    description: str | None = None


class SensitiveAttributeColumn(_Column):
    role: Literal["sensitive_attribute"]
    feature: FeatureSpec | None = None


class KeepColumn(_Column):
    role: Literal["keep"]


class DropColumn(_Column):
    role: Literal["drop"]


COLUMN_MODELS = (PatientIdColumn, EncounterIdColumn, RecordIdColumn, DirectIdentifierColumn, QuasiIdentifierColumn,
                 DateRoleColumn, EventTimeColumn, FreeTextColumn, SiteColumn, ConsentColumn, OutcomeColumn,
                 RaterColumn, FeatureColumn, SensitiveAttributeColumn, KeepColumn, DropColumn)
Column = Annotated[Union[COLUMN_MODELS], Field(discriminator="role")]  # noqa: UP007
ROLE_MODEL = {m.model_fields["role"].annotation.__args__[0]: m for m in COLUMN_MODELS}
assert tuple(ROLE_MODEL) == R.ROLES, "roles.ROLES and the column models must list the same roles"


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
           "Column", "StudySpecError", "load_study", "parse_study", "ValidationError"]
