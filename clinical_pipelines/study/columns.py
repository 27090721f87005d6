"""Column models of a study spec: one pydantic model per role (vocabulary in :mod:`clinical_pipelines.study.roles`).

Every column model takes ``description`` and ``missing_values`` (codes that mean "missing" in this
column, in addition to the table's, e.g. ``["?", 0]`` where a source writes 0 for "not measured").
Role-specific keys and rules are on each model; docs/STUDY_SPEC.md ("Roles") lists them.
Re-exported by :mod:`clinical_pipelines.study.spec`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clinical_pipelines.study import roles as R

SafeHarborLetter = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R"]
LadderStep = Literal["band5", "band10", "band20", "zip3", "year", "suppress"]
_DIRECTIVES = set("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")
BOOL_HINT = "YAML reads unquoted yes/no/on/off/true/false as booleans: quote the value (e.g. 'yes')"
AGE_STEPS = ("band5", "band10", "band20", "suppress")


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


def is_year_only(fmt: str) -> bool:
    """``True`` for a format holding a year and nothing else of a date (``"%Y"``: an admission year)."""
    return set(re.findall(r"%(.)", fmt)) - {"%"} == {"Y"}


def check_date_format(fmt: str) -> str:
    """A strftime/strptime format with a year, a month and a day (``%j`` day-of-year counts for both),
    or a year alone (``%Y``; allowed only with ``handling: year_only``, checked by the column model)."""
    directives = re.findall(r"%(.)", fmt)
    unknown = sorted({d for d in directives if d not in _DIRECTIVES})
    if unknown:
        raise ValueError(f"unknown strftime directive(s) {', '.join('%' + d for d in unknown)}; "
                         "use e.g. '%Y-%m-%d', '%d/%m/%Y', '%m/%d/%Y %H:%M'")
    has = set(directives)
    if not has & {"Y", "y", "G"}:
        raise ValueError("has no year (%Y): a date format needs a year, a month and a day, e.g. '%Y-%m-%d'")
    if not (has & {"m", "b", "B"} and has & {"d"}) and "j" not in has and not is_year_only(fmt):
        raise ValueError("needs a month (%m, %b or %B) and a day (%d), e.g. '%Y-%m-%d' (or a year alone, '%Y', "
                         "with handling: year_only)")
    return fmt


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeatureSpec(_Model):
    """How a model input is typed: numeric (unit, plausible range), binary or categorical.

    Binary categories are written ``[no-value, yes-value]``: the second one is coded 1.
    """

    type: Literal["numeric", "binary", "categorical"]
    unit: str | None = None
    range: tuple[float, float] | None = None
    categories: list[str] | None = None
    scale: Literal["linear", "log"] = "linear"  # log: modelled as log1p (right-skewed over orders of magnitude)

    @field_validator("categories", mode="before")
    @classmethod
    def check_categories(cls, v):
        return v if v is None else _values(v)

    @model_validator(mode="after")
    def _by_type(self):
        if self.type != "numeric" and (self.unit is not None or self.range is not None):
            raise ValueError(f"unit and range are for numeric features only (this one is {self.type})")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError("range must be [low, high] with low < high (for a constant column leave range out)")
        if self.scale == "log" and (self.type != "numeric" or (self.range is not None and self.range[0] < 0)):
            raise ValueError("scale: log is for numeric features that are never negative (log1p)")
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


def _missing(v):
    return _values(v)


class _Column(_Model):
    description: str | None = None
    missing_values: list[str] = []  # in addition to the table's missing_values

    @field_validator("missing_values", mode="before")
    @classmethod
    def check_missing(cls, v):
        return _missing(v)


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
    """A quasi-identifier; ``age: true`` marks an age in whole years (Safe Harbor C: released with ages
    over 89 as "90+"), the study's age source when it has no birth date (derived ``age_band``)."""

    role: Literal["quasi_identifier"]
    generalization: list[LadderStep] = []
    safe_harbor: SafeHarborLetter | None = None
    age: bool = False
    feature: FeatureSpec | None = None

    @field_validator("generalization")
    @classmethod
    def check_ladder(cls, v):
        return _check_ladder(v)

    @model_validator(mode="before")
    @classmethod
    def _age_is_c(cls, data):
        if isinstance(data, dict) and data.get("age") is True and data.get("safe_harbor") is None:
            data = {**data, "safe_harbor": "C"}
        return data

    @model_validator(mode="after")
    def _rules(self):
        if self.safe_harbor == "B" and self.generalization[:1] not in (["zip3"], ["suppress"]):
            raise ValueError("a Safe Harbor B (geographic) quasi-identifier must start its generalization with zip3 "
                             "or suppress: Safe Harbor keeps at most the first three ZIP digits")
        if self.age:
            if self.safe_harbor != "C":
                raise ValueError("an age (age: true) is Safe Harbor C (ages over 89): leave safe_harbor out or write C")
            if set(self.generalization) - set(AGE_STEPS):
                raise ValueError(f"an age generalises by {', '.join(AGE_STEPS)} only")
            if self.feature is not None and self.feature.type != "numeric":
                raise ValueError("an age in years is a numeric feature (type: numeric)")
        elif self.safe_harbor == "C":
            raise ValueError("Safe Harbor C on a quasi-identifier means an age in years: add age: true (ages over "
                             "89 are then released as 90+); a date belongs in role date")
        return self


class DateRoleColumn(_Column):
    """A date of the individual. ``not_before`` names another date of the same table (``date`` or
    ``event_time``) this one never precedes in a row (a discharge is not before its admission)."""

    role: Literal["date"]
    handling: Literal["shift", "year_only", "birth_date"]
    format: str | None = None
    not_before: str | None = None
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
        _year_only_handling(self.format, self.handling)
        return self


def _year_only_handling(fmt: str | None, handling: str) -> None:
    if fmt and is_year_only(fmt) and handling != "year_only":
        raise ValueError(f"a year alone ({fmt}) can only be released as a year: handling: year_only")


class EventTimeColumn(_Column):
    role: Literal["event_time"]
    handling: Literal["shift", "year_only"]
    format: str | None = None

    @field_validator("format")
    @classmethod
    def check_format(cls, v):
        return v if v is None else check_date_format(v)

    @model_validator(mode="after")
    def _year(self):
        _year_only_handling(self.format, self.handling)
        return self


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
    missing_values: list[str] = []

    @field_validator("missing_values", mode="before")
    @classmethod
    def check_missing(cls, v):
        return _missing(v)


class SensitiveAttributeColumn(_Column):
    role: Literal["sensitive_attribute"]
    feature: FeatureSpec | None = None


class KeepColumn(_Column):
    """Released as is. ``type: datetime``: an ISO 8601 date-time that is not a date of the individual
    (e.g. when a rater labelled), checked at ingest (it parses and is not in the future)."""

    role: Literal["keep"]
    type: Literal["text", "datetime"] = "text"


class DropColumn(_Column):
    role: Literal["drop"]


COLUMN_MODELS = (PatientIdColumn, EncounterIdColumn, RecordIdColumn, DirectIdentifierColumn, QuasiIdentifierColumn,
                 DateRoleColumn, EventTimeColumn, FreeTextColumn, SiteColumn, ConsentColumn, OutcomeColumn,
                 RaterColumn, FeatureColumn, SensitiveAttributeColumn, KeepColumn, DropColumn)
Column = Annotated[Union[COLUMN_MODELS], Field(discriminator="role")]  # noqa: UP007
ROLE_MODEL = {m.model_fields["role"].annotation.__args__[0]: m for m in COLUMN_MODELS}
assert tuple(ROLE_MODEL) == R.ROLES, "roles.ROLES and the column models must list the same roles"
