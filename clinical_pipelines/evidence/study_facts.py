"""What the evidence documents say about the study and its data, from the study spec and the released data.

The model card, datasheet and clinician summary describe the real study (TRIPOD+AI 5, 6, 8, 20;
GMLP 3; EU AI Act Annex IV 2): its title, intended-use file, the sites and periods in the data (or
"no dates in the extract", with the spec's reason), counts of units, patients and outcomes, the
population (age-band and demographic distributions), the outcome definition and where the labels
come from, and the evaluation design with every part the study declares not applicable. Nothing
here is fixed text about one study.

Inputs are the study spec and the released training dataset (de-identified, one row per unit, with
``label`` and ``split``); the output holds counts only. Group labels are site values, age bands and
a column's declared categories; any other value of a demographic column is shown as ``group 1``,
``group 2``, ... (sorted), never as the value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import RaterLabels, Study, Temporal
from clinical_pipelines.training.design import SITE_SUBGROUP, EvaluationDesign, evaluation_design

LABEL_COLUMN = "label"
NO_DATES = "no dates in the extract"
SUPPRESSED, SUPPRESSED_SHOWN = "*", "suppressed (k-anonymity)"


@dataclass(frozen=True)
class StudyFacts:
    """Facts about one study's development data (counts only). ``periods`` is a year range such as
    ``2019-2023`` or ``no dates in the extract`` (+ the spec's reason); ``population``: attribute -> group ->
    count; ``design``: evaluation design lines (temporal, external, subgroups; not-applicable parts with reasons)."""

    study_id: str
    title: str
    intended_use_file: str
    unit: str  # "encounters" or "patients" (record-level data)
    n_units: int
    n_patients: int
    n_positive: int
    sites: dict[str, int]
    periods: str
    years: dict[str, int]
    population: dict[str, dict[str, int]]
    missingness: dict[str, float]
    outcome: dict[str, str]
    label_source: str
    design: dict[str, str]
    not_applicable: dict[str, str] = field(default_factory=dict)

    @property
    def site_summary(self) -> str:
        """``3 sites: A (120), B (80), C (40)`` / ``1 site: A (240)``."""
        if not self.sites:
            return "no site recorded in the data"
        n = len(self.sites)
        return f"{n} site{'s' if n != 1 else ''}: " + ", ".join(f"{s} ({c})" for s, c in self.sites.items())

    @property
    def summary(self) -> dict[str, object]:
        """Key facts as one table (title, sites, periods, counts, outcome, labels)."""
        prevalence = self.n_positive / self.n_units if self.n_units else None
        return {"study": f"{self.title} ({self.study_id})", "sites": self.site_summary, "period": self.periods,
                self.unit: self.n_units, "patients": self.n_patients, "outcome events": self.n_positive,
                "outcome prevalence": prevalence, "outcome": self.outcome.get("definition"),
                "label source": self.label_source, "intended-use statement": self.intended_use_file}

    def to_dict(self) -> dict:
        return asdict(self)


def label_source(study: Study) -> str:
    """Where the study's labels come from, from its spec."""
    if isinstance(study.labels, RaterLabels):
        lab = study.labels
        return (f"{lab.consensus} consensus of at least {lab.min_raters} independent raters (rater table "
                f"{lab.table}; positive label {lab.positive!r} of {list(lab.allowed)}); label agreement is gated")
    return (f"recorded in the extract: column {study.outcome.table}.{study.outcome.column}, outcome = "
            f"{study.outcome.definition}; label agreement not applicable: {study.labels.not_applicable}")


def _design(study: Study, design: EvaluationDesign) -> dict[str, str]:
    ev = study.evaluation
    out = {"internal validation": "held-out patients (keyed hash of the patient pseudonym)"}
    if isinstance(ev.temporal, Temporal):
        when = f"from {ev.temporal.cutoff.isoformat()}" if ev.temporal.cutoff else "the last year of the data"
        out["temporal validation"] = f"{ev.temporal.column}: {when}"
    else:
        out["temporal validation"] = f"not applicable: {ev.temporal.not_applicable}"
    out["external validation"] = (f"held-out site(s): {', '.join(ev.external_sites)}"
                                  if isinstance(ev.external_sites, list)
                                  else f"not applicable: {ev.external_sites.not_applicable}")
    out["subgroups"] = (", ".join(ev.subgroups) if isinstance(ev.subgroups, list)
                        else f"not applicable: {ev.subgroups.not_applicable}")
    return out


def _counts(values: pd.Series, shown: bool, order: list[str] | None = None) -> dict[str, int]:
    counts = values.astype("string").fillna("missing").value_counts()
    rank = {k: i for i, k in enumerate(order or [])}
    keys = sorted(counts.index, key=lambda k: (k in ("missing", SUPPRESSED), rank.get(k, len(rank)), str(k)))
    plain = [k for k in keys if k not in ("missing", SUPPRESSED)]
    names = {k: (k if shown else f"group {plain.index(k) + 1}") for k in plain}
    names.update({"missing": "missing", SUPPRESSED: SUPPRESSED_SHOWN})
    return {names[k]: int(counts[k]) for k in keys}


def _population(study: Study, design: EvaluationDesign, df: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts per age band and per demographic attribute (subgroups and quasi-identifiers) of the released data."""
    from clinical_pipelines.training.model import FeatureError, age_years
    from clinical_pipelines.validation.metrics import DEFAULT_AGE_BANDS, age_band

    out: dict[str, dict[str, int]] = {}
    if study.age_source() is not None:
        try:
            out[R.AGE_BAND] = _counts(age_band(age_years(df)), True, [b[0] for b in DEFAULT_AGE_BANDS])
        except FeatureError:
            pass
    names = dict(design.subgroups)
    for q in study.quasi_identifiers():
        if q.attribute not in (R.AGE,) and q.attribute not in names.values():
            names[q.attribute] = q.attribute
    for name, column in names.items():
        if name in (R.AGE, SITE_SUBGROUP) or column not in df.columns:
            continue
        table, col = study.resolve(column) if column in _all_columns(study) else (None, None)
        spec = study.tables[table].columns[col] if table else None
        categories = list(getattr(getattr(spec, "feature", None), "categories", None) or
                          getattr(spec, "categories", None) or [])
        out[name] = _counts(df[column], bool(categories), [str(c) for c in categories])
    return out


def _missingness(study: Study, df: pd.DataFrame) -> dict[str, float]:
    """Share of missing values per model input of the released data (after the spec's missing-value codes)."""
    from clinical_pipelines.training.design import feature_set
    from clinical_pipelines.training.model import FeatureError, prepare_features

    try:
        X = prepare_features(df, feature_set(study))
    except FeatureError:
        return {}
    return {c: float(v) for c, v in X.isna().mean().items() if v > 0}


def _all_columns(study: Study) -> set[str]:
    return {c for t in study.tables.values() for c in t.columns}


def _periods(study: Study, design: EvaluationDesign, df: pd.DataFrame) -> tuple[str, dict[str, int]]:
    column = design.event_column if design.event_column in df.columns else None
    if column is None and design.event_shifted in df.columns:
        column = design.event_shifted
    if column is None:
        reason = design.not_applicable.get("evaluation.temporal")
        text = reason if reason and reason.lower().startswith(NO_DATES) else (
            f"{NO_DATES}" + (f" ({reason})" if reason else ""))
        return text, {}
    values = df[column]
    years = values if pd.api.types.is_integer_dtype(values) else pd.to_datetime(values, errors="coerce").dt.year
    years = pd.to_numeric(years, errors="coerce").dropna().astype(int)
    if years.empty:
        return f"{NO_DATES} (the event-time column is empty)", {}
    counts = {str(y): int(n) for y, n in years.value_counts().sort_index().items()}
    lo, hi = min(counts), max(counts)
    return (lo if lo == hi else f"{lo}-{hi}"), counts


def study_facts(study: Study, released: pd.DataFrame, *, sites_from_batches: dict[str, int] | None = None) -> StudyFacts:
    """Facts of ``study`` from its released training dataset ``released`` (one row per unit, ``label``).

    Sites are the values of the study's site column with their counts; a study without a site column
    uses ``sites_from_batches`` (the batch descriptors' site -> rows), else reports none."""
    design = evaluation_design(study)
    df = released
    if design.site_column and design.site_column in df.columns:
        sites = {str(k): int(v) for k, v in df[design.site_column].astype("string").fillna("missing")
                 .value_counts().sort_index().items()}
    else:
        sites = dict(sorted((sites_from_batches or {}).items()))
    periods, years = _periods(study, design, df)
    labels = pd.to_numeric(df[LABEL_COLUMN], errors="coerce") if LABEL_COLUMN in df.columns else pd.Series(dtype=float)
    outcome = {"name": study.outcome.name, "definition": study.outcome.definition,
               "description": study.outcome.description or "", "source": study.outcome.source}
    return StudyFacts(
        study_id=study.study_id, title=study.title, intended_use_file=study.intended_use,
        unit="encounters" if design.encounter_column != design.patient_column else "patients",
        n_units=int(len(df)), n_patients=int(df[design.patient_column].nunique()) if design.patient_column in df
        else int(len(df)), n_positive=int((labels == 1).sum()), sites=sites, periods=periods, years=years,
        population=_population(study, design, df), missingness=_missingness(study, df), outcome=outcome,
        label_source=label_source(study),
        design=_design(study, design), not_applicable=study.not_applicable())


def not_applicable_lines(facts: StudyFacts | None) -> list[str]:
    """``part: not applicable: reason`` for every design part the study declares not applicable."""
    if facts is None:
        return []
    return [f"{part}: not applicable: {reason}" for part, reason in sorted(facts.not_applicable.items())]


__all__ = ["StudyFacts", "study_facts", "label_source", "not_applicable_lines", "NO_DATES"]
