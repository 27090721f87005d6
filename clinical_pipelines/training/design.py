"""A study's model inputs and evaluation design, as columns of its de-identified tables (TRIPOD+AI 7, 9, 12).

Everything comes from the study spec (default: the built-in study):

- :func:`feature_set`: the model inputs (``study.features()``), in a fixed order: the study's ``feature``
  and ``sensitive_attribute`` inputs in spec order, then the age (``age_years``, from the released
  ``age``: birth date or age column), then quasi-identifier inputs (e.g. sex) in spec order. Numeric
  inputs with ``scale: log`` are modelled as log1p; binary inputs are 0/1 (their second declared
  category is 1); a categorical input becomes one fixed indicator per declared category
  (``<column>_<category>``), so the feature list never depends on the data.
- :func:`evaluation_design`: the released patient, encounter, site and event-time columns, the
  external sites, the temporal holdout or cut-off, and the subgroups (``evaluation.subgroups``; the
  site column is reported as subgroup ``site``, ``age_band`` from the age), with the parts the study
  declares not applicable and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import NotApplicable, Study, Temporal

AGE_FEATURE = "age_years"  # the numeric age model input, from the released ``age`` ("90+" -> 90)
SITE_SUBGROUP = "site"  # the subgroup name of the study's site column (as the gate policy names it)
PATIENT_COLUMN = f"{R.PSEUDONYM_NAMESPACE[R.PATIENT_ID]}_pid"
ENCOUNTER_COLUMN = f"{R.PSEUDONYM_NAMESPACE[R.ENCOUNTER_ID]}_pid"
NUMERIC, BINARY, CATEGORICAL, AGE = "numeric", "binary", "categorical", "age"


def indicator_name(column: str, category: str) -> str:
    """The 0/1 indicator of one category: ``sex`` + ``F`` -> ``sex_f``; ``cp`` + ``typical angina`` -> ``cp_typical_angina``."""
    return f"{column}_{re.sub(r'[^a-z0-9]+', '_', category.lower()).strip('_') or 'value'}"


@dataclass(frozen=True)
class ModelInput:
    """One model input: ``source`` is the released column; ``names`` the feature column(s) it becomes."""

    source: str
    kind: str  # numeric | binary | categorical | age
    categories: tuple[str, ...] = ()
    log: bool = False
    generalised: bool = False  # a quasi-identifier: may arrive banded ("40-59") or suppressed ("*")
    missing: tuple[str, ...] = ()  # the column's declared codes for "missing" (besides empty), e.g. ("0",)

    @property
    def names(self) -> tuple[str, ...]:
        if self.kind == AGE:
            return (AGE_FEATURE,)
        if self.kind == CATEGORICAL:
            return tuple(indicator_name(self.source, c) for c in self.categories)
        return (self.source,)


@dataclass(frozen=True)
class FeatureSet:
    """The model inputs of a study in model order."""

    study_id: str
    inputs: tuple[ModelInput, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for i in self.inputs for n in i.names)

    @property
    def log_features(self) -> tuple[str, ...]:
        return tuple(i.source for i in self.inputs if i.log)

    @property
    def binary_features(self) -> tuple[str, ...]:
        """0/1 feature columns (binary inputs and category indicators), e.g. for drift tests."""
        return tuple(n for i in self.inputs if i.kind in (BINARY, CATEGORICAL) for n in i.names)

    @property
    def numeric_features(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if n not in self.binary_features)


def feature_set(study: Study | None = None) -> FeatureSet:
    """The model inputs of ``study`` (default: the built-in study); see the module docstring for the order."""
    study = study_or_default(study)
    plain, age, qi = [], [], []
    for f in study.features():
        codes = tuple(c for c in study.tables[f.table].missing_for(f.column) if c != "")
        if f.name == R.AGE:
            age.append(ModelInput(R.AGE, AGE, generalised=True))
            continue
        if f.type == "numeric":
            item = ModelInput(f.column, NUMERIC, log=f.scale == "log", generalised=f.role == R.QUASI_IDENTIFIER,
                              missing=codes)
        elif f.type == "binary":
            item = ModelInput(f.column, BINARY, categories=f.categories, missing=codes)
        else:
            item = ModelInput(f.column, CATEGORICAL, categories=f.categories, missing=codes)
        (qi if f.role == R.QUASI_IDENTIFIER else plain).append(item)
    return FeatureSet(study.study_id, tuple(plain + age + qi))


@dataclass(frozen=True)
class EvaluationDesign:
    """How a study's model is split and evaluated, as released column names.

    ``encounter_column``: the unit of a row (the encounter pseudonym; the patient's in record-level data).

    ``event_column``: the event time as released under year-only handling (``<name>_year``);
    ``event_shifted``: its name under a per-patient date shift (``<name>_shifted``); ``holdout``
    ``last_year`` or ``cutoff`` (a date); ``subgroups``: subgroup name -> released column
    (``age_band`` is derived from the age when ``age_band`` is true); ``not_applicable``: the study's
    declared reasons (``Study.not_applicable``).
    """

    study_id: str
    patient_column: str
    encounter_column: str
    site_column: str | None
    external_sites: tuple[str, ...]
    event_column: str | None
    event_shifted: str | None
    holdout: str | None
    cutoff: date | None
    subgroups: dict[str, str]
    age_band: bool
    not_applicable: dict[str, str] = field(default_factory=dict)

    def subgroup_columns(self) -> dict[str, str]:
        return dict(self.subgroups)


def evaluation_design(study: Study | None = None) -> EvaluationDesign:
    """The split and evaluation design of ``study`` (default: the built-in study)."""
    from clinical_pipelines.deid.study_rules import ZIP3_OUTPUT, shifted_column, year_column

    study = study_or_default(study)
    ev = study.evaluation
    sites = study.columns_with_role(R.SITE)
    site_col = sites[0].column if sites else None
    event = study.event_time()
    temporal = ev.temporal if isinstance(ev.temporal, Temporal) else None
    subgroups: dict[str, str] = {}
    age_band = False
    for attr in ev.subgroups if isinstance(ev.subgroups, list) else []:
        if attr == R.AGE_BAND:
            age_band = True
            continue
        if attr == R.AGE:
            subgroups[R.AGE] = AGE_FEATURE
            continue
        table, column = study.resolve(attr, R.SUBGROUP_ROLES)
        col = study.tables[table].columns[column]
        if col.role == R.SITE:
            subgroups[SITE_SUBGROUP] = column
        elif col.role == R.QUASI_IDENTIFIER and col.generalization[:1] == ["zip3"]:
            subgroups[column] = ZIP3_OUTPUT
        else:
            subgroups[column] = column
    return EvaluationDesign(
        study_id=study.study_id, patient_column=PATIENT_COLUMN,
        encounter_column=ENCOUNTER_COLUMN if study.columns_with_role(R.ENCOUNTER_ID) else PATIENT_COLUMN,
        site_column=site_col,
        external_sites=tuple(ev.external_sites) if not isinstance(ev.external_sites, NotApplicable) else (),
        event_column=year_column(event.column) if temporal and event else None,
        event_shifted=shifted_column(event.column) if temporal and event else None,
        holdout=temporal.holdout if temporal else None, cutoff=temporal.cutoff if temporal else None,
        subgroups=subgroups, age_band=age_band, not_applicable=study.not_applicable())
