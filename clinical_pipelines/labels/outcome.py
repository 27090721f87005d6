"""One outcome label per unit, as the study spec says where the outcome comes from (TRIPOD+AI 8; GMLP 5).

- ``outcome.source: raters``: every rater's label from the study's rater table (``labels:``), their
  agreement (:func:`clinical_pipelines.labels.agreement.agreement_report`) and the majority consensus.
  The ``label_agreement`` gate compares Krippendorff's alpha with the gate policy's minimum.
- ``outcome.source: column``: the outcome is recorded in the extract; the spec's expression
  (``num > 0``, :mod:`clinical_pipelines.study.expression`) is evaluated on the released outcome
  column. There is a single source, so ``label_agreement`` is *not applicable* with the reason the
  spec gives (``labels: {not_applicable: <reason>}``): it is reported, never left out.

Units are released rows: the encounter pseudonym, or the patient pseudonym in record-level data
(:attr:`clinical_pipelines.training.design.EvaluationDesign.encounter_column`). Everything here
returns counts, ids and hashes; no message holds a value of the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from clinical_pipelines.labels.agreement import ITEM_COL, LabelDataError, agreement_report, consensus_labels
from clinical_pipelines.labels.ratings import BATCH_COL, RatingsTable, ratings_from_snapshots, released_name
from clinical_pipelines.study import expression
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import NotApplicable, RaterLabels, Study
from clinical_pipelines.validation.gates import GateResult

LABEL_AGREEMENT_GATE = "label_agreement"
LABEL_COLUMN = "label"  # the outcome column of the consensus labels and of training datasets
SOURCE_RATERS, SOURCE_COLUMN = "raters", "column"


@dataclass(frozen=True)
class StudyLabels:
    """The labels of a study's released batches.

    ``consensus``: columns ``[unit_column, "label"]`` (label int 0/1), one row per unit with a decided outcome;
    ``agreement``: the agreement report (raters) or ``None`` (column); ``summary``: counts for reports;
    ``gate``: the ``label_agreement`` decision (pass / fail / not applicable with the spec's reason);
    ``raters`` and ``tools``: rater ids and labelling tools found (raters only)."""

    study_id: str
    source: str
    unit_column: str
    consensus: pd.DataFrame
    agreement: dict | None
    summary: dict
    gate: GateResult
    raters: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)


def outcome_table(study: Study) -> str:
    """The table whose rows carry the outcome: the rater table, or the table of the outcome column."""
    if study.outcome.source == SOURCE_RATERS:
        return study.labels.table
    return study.outcome.table  # required with source: column (spec rules)


def labels_from_column(study: Study, frame: pd.DataFrame, unit_column: str) -> tuple[pd.DataFrame, dict]:
    """(consensus, summary) of a study whose outcome is a column: the spec's expression on the released table.

    A row whose outcome the expression cannot decide (missing value) is left out and counted
    (``n_undecided``); a value that is not a number where the expression compares numbers, or a unit that
    occurs twice, stops with :class:`LabelDataError` (counts only)."""
    outcome = study.outcome
    column = outcome.column
    missing = [c for c in (unit_column, column) if c not in frame.columns]
    if missing:
        raise LabelDataError(f"the released {outcome_table(study)} table lacks column(s) {missing} for the outcome "
                             f"{outcome.name!r}; re-run the snapshot of the batches concerned")
    result = expression.parse(outcome.definition, {column}).evaluate(frame[[column]].astype("string"))
    if result.not_numbers:
        counts = ", ".join(f"{c}: {n}" for c, n in sorted(result.not_numbers.items()))
        raise LabelDataError(f"the outcome {outcome.name!r} ({outcome.definition}) cannot be decided for value(s) "
                             f"that are not numbers ({counts}); correct them at the source")
    decided = result.values.notna().to_numpy()
    units = frame[unit_column].astype("string")
    dup = int(units[decided].duplicated().sum())
    if dup:
        raise LabelDataError(f"{dup} unit(s) of column {unit_column!r} occur more than once with an outcome; "
                             "one row per unit is expected")
    consensus = pd.DataFrame({unit_column: units[decided].to_numpy(),
                              LABEL_COLUMN: result.values[decided].astype(bool).astype(int).to_numpy()})
    summary = {"source": SOURCE_COLUMN, "definition": outcome.definition, "n_rows": int(len(frame)),
               "n_labels": int(len(consensus)), "n_undecided": int((~decided).sum()),
               "n_positive": int(consensus[LABEL_COLUMN].sum()),
               "positive_rate": float(consensus[LABEL_COLUMN].mean()) if len(consensus) else None}
    if BATCH_COL in frame.columns and (~decided).any():
        per = frame.loc[~decided, BATCH_COL].astype("string").value_counts()
        summary["undecided_by_batch"] = {str(k): int(v) for k, v in sorted(per.items())}
    return consensus, summary


def label_agreement_gate(study: Study, agreement: dict | None, min_agreement: float) -> GateResult:
    """The ``label_agreement`` gate: not applicable (the spec's reason) when the study has no rater table, else
    Krippendorff's alpha (nominal) of the agreement report >= ``min_agreement`` (missing alpha fails)."""
    if isinstance(study.labels, NotApplicable):
        return GateResult.not_applicable(LABEL_AGREEMENT_GATE, study.labels.not_applicable, min_agreement)
    alpha = ((agreement or {}).get("krippendorff_alpha") or {}).get("estimate")
    passed = alpha is not None and alpha >= min_agreement
    shown = "missing" if alpha is None else f"{alpha:.3f}"
    return GateResult(name=LABEL_AGREEMENT_GATE, passed=passed, observed=alpha, threshold=float(min_agreement),
                      comparison=">=", message=f"{'PASS' if passed else 'FAIL'}: Krippendorff's alpha = {shown} "
                      f"(required >= {min_agreement:.3f})")


def labels_from_raters(study: Study, raw: pd.DataFrame, *, n_boot: int, seed: int) -> tuple[RatingsTable, dict,
                                                                                             pd.DataFrame]:
    """(ratings, agreement report, consensus) of the released rater tables; consensus has the released unit column."""
    ratings = ratings_from_snapshots(raw, study)
    kw = {"n_boot": n_boot} if seed is None else {"n_boot": n_boot, "seed": seed}
    report = agreement_report(ratings.long, **kw)
    report["missing_ratings"] = {"n": ratings.n_missing, "by_batch": ratings.missing_by_batch}
    per_item = ratings.long.groupby(ITEM_COL).size()
    report["n_items_below_min_raters"] = int((per_item < study.labels.min_raters).sum())
    consensus = consensus_labels(ratings.long).rename(columns={ITEM_COL: ratings.item_column})
    return ratings, report, consensus


def study_labels(tables: Mapping[str, pd.DataFrame], *, min_agreement: float, study: Study | None = None,
                 unit_column: str | None = None, n_boot: int = 1000, seed: int | None = None) -> StudyLabels:
    """The labels of ``study`` (default: the built-in study) from its released tables (table name -> frame of
    every released batch, with ``lineage_batch_id``); only the outcome's table is read.

    ``unit_column``: the released unit column (default: the evaluation design's). ``min_agreement``: the gate
    policy's ``labels.min_label_agreement``. Raises :class:`LabelDataError` (counts and names only)."""
    from clinical_pipelines.training.design import evaluation_design

    study = study_or_default(study)
    table = outcome_table(study)
    if table not in tables:
        raise LabelDataError(f"the released {table} table of study {study.study_id!r} is needed for its outcome")
    frame = tables[table]
    if isinstance(study.labels, RaterLabels) and study.outcome.source == SOURCE_RATERS:
        ratings, report, consensus = labels_from_raters(study, frame, n_boot=n_boot, seed=seed)
        rater_col = study.labels.rater_column
        tools = _tool_columns(study, table, frame)
        summary = {"source": SOURCE_RATERS, "definition": study.outcome.definition,
                   "n_ratings": int(len(ratings.long)), "n_missing_ratings": ratings.n_missing,
                   "n_labels": int(len(consensus)), "n_undecided": report["consensus"]["n_unresolved_excluded"],
                   "positive_rate": report["consensus"]["consensus_positive_rate"]}
        return StudyLabels(study.study_id, SOURCE_RATERS, ratings.item_column, consensus, report, summary,
                           label_agreement_gate(study, report, min_agreement),
                           raters=sorted(frame[rater_col].dropna().astype(str).unique()), tools=tools)
    unit = unit_column or evaluation_design(study).encounter_column
    consensus, summary = labels_from_column(study, frame, unit)
    return StudyLabels(study.study_id, SOURCE_COLUMN, unit, consensus, None, summary,
                       label_agreement_gate(study, None, min_agreement))


def _tool_columns(study: Study, table: str, frame: pd.DataFrame) -> list[str]:
    """Labelling tools named in the rater table: the values of its text ``keep`` columns (e.g. the tool's name;
    ``type: datetime`` columns such as when a rater labelled are left out). Software names, not data of people."""
    from clinical_pipelines.study import roles as R

    out: set[str] = set()
    for ref in study.columns_with_role(R.KEEP, table=table):
        if study.tables[table].columns[ref.column].type == "text" and ref.column in frame.columns:
            out |= set(frame[ref.column].dropna().astype(str).unique())
    return sorted(out)


__all__ = ["LABEL_AGREEMENT_GATE", "LABEL_COLUMN", "StudyLabels", "study_labels", "labels_from_column",
           "labels_from_raters", "label_agreement_gate", "outcome_table", "released_name"]
