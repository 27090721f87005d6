"""``study check``: the spec on its own, then the spec against the data (no services needed).

Data layout: ``--data DIR`` is one batch folder (it holds the tables' files) or a folder of batch
folders (one per delivery, e.g. ``generate-cohort`` output). Per batch: every declared file exists
and no other file is there (the ``batch_descriptor`` excepted); every column of every file has a
role; values parse as declared (dates, numbers, ranges, categories, consent values, ids);
primary keys are unique across batches; encounter references resolve inside their batch; the
outcome is evaluable (expression or rater table: allowed labels, at least ``min_raters`` per
unit); external sites occur in the site column; a temporal design has data on both sides of
the cut-off; there are enough outcome-evaluable units, events and non-events for the validation
gates (``subgroups.min_n`` / ``min_events`` of the gate policy), in all, in every external site and
in the subgroups (:mod:`clinical_pipelines.study.check_sizes`). Missing values (empty, absent, or a
declared missing code) are counted per column. Messages name file, row and column with counts,
never a value of the data (site names, age bands and declared categories are spec values).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from clinical_pipelines.ingest import messages
from clinical_pipelines.ingest.problems import Problem, ProblemLog
from clinical_pipelines.ingest.textfile import decode
from clinical_pipelines.study import expression
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.check_sizes import SizeCollector
from clinical_pipelines.study.problems import ProblemCounter
from clinical_pipelines.study.read import TableReader
from clinical_pipelines.study.spec import RaterLabels, Study, Temporal, parse_study
from clinical_pipelines.study.spec_errors import SpecProblem

@dataclass(frozen=True)
class RoleRow:
    table: str
    role: str
    columns: tuple[str, ...]


@dataclass
class OutcomeCounts:
    units: int = 0  # rows (source column) or rated units (raters) with a decided outcome
    events: int = 0
    unknown: int = 0  # rows / units without a decided outcome

    @property
    def non_events(self) -> int:
        return self.units - self.events


@dataclass
class CheckReport:
    """What ``study check`` found. ``ok`` when there is no problem at all."""

    spec_file: str
    spec_problems: list[SpecProblem] = field(default_factory=list)
    data_problems: list[Problem] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)
    not_applicable: dict[str, str] = field(default_factory=dict)
    batches: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    outcome: OutcomeCounts | None = None
    years: tuple[int, int] | None = None
    missing: dict[str, int] = field(default_factory=dict)  # "table.column" -> missing values read
    sizes: dict = field(default_factory=dict)  # external_sites / subgroups -> group -> {units, events}
    notes: list[str] = field(default_factory=list)  # findings that do not fail the check

    @property
    def ok(self) -> bool:
        return not self.spec_problems and not self.data_problems

    def to_dict(self) -> dict:
        return {"spec": self.spec_file, "ok": self.ok,
                "spec_problems": [p.to_dict() for p in self.spec_problems],
                "data_problems": [p.to_dict() for p in self.data_problems],
                "roles": [{"table": r.table, "role": r.role, "columns": list(r.columns)} for r in self.roles],
                "not_applicable": self.not_applicable, "batches": self.batches, "rows": self.rows,
                "outcome": None if self.outcome is None else {"units": self.outcome.units, "events": self.outcome.events,
                                                              "unknown": self.outcome.unknown},
                "event_years": list(self.years) if self.years else None, "missing": self.missing,
                "sizes": self.sizes, "notes": self.notes}


def role_rows(study: Study) -> list[RoleRow]:
    """Columns grouped by table and role, in vocabulary order (for the compact roles table)."""
    out = []
    for t, table in study.tables.items():
        by_role: dict[str, list[str]] = defaultdict(list)
        for c, col in table.columns.items():
            label = c
            if getattr(col, "safe_harbor", None):
                label += f"({col.safe_harbor})"
            elif col.role in R.DATE_ROLES:
                label += f"({col.handling})"
            if getattr(col, "feature", None) is not None:
                label += "+feature"
            by_role[col.role].append(label)
        out += [RoleRow(t, role, tuple(by_role[role])) for role in R.ROLES if role in by_role]
    return out


def check_study(spec_path: str | Path, data: str | Path | None = None, *, gate_policy=None) -> CheckReport:
    """Check the spec, and with ``data`` the spec against the data. Never raises for bad input."""
    study, spec_problems = parse_study(Path(spec_path))
    report = CheckReport(spec_file=str(spec_path), spec_problems=spec_problems)
    if study is None:
        return report
    report.roles, report.not_applicable = role_rows(study), study.not_applicable()
    if data is not None:
        _DataCheck(study, Path(data), report, gate_policy).run()
    return report


def _holds_table_file(study: Study, folder: Path) -> bool:
    try:
        return any((folder / t.file).exists() for t in study.tables.values())
    except OSError:
        return False


def batch_folders(study: Study, data: Path) -> list[Path] | None:
    """``[data]`` when it holds a table file; else its sub-folders (not hidden, not ``_*``) when at least
    one of them holds a table file; else ``None``: a folder such as ``/tmp`` whose sub-folders hold
    none of the study's files is not a folder of batches, and is not checked file by file."""
    if _holds_table_file(study, data):
        return [data]
    subs = sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return subs if any(_holds_table_file(study, p) for p in subs) else None


def no_batch_message(study: Study, data: Path) -> str:
    """Why ``data`` holds no batch: neither it nor any sub-folder holds a file the study declares."""
    files = ", ".join(t.file for t in study.tables.values())
    return (f"holds no batch: neither this folder nor any sub-folder of it holds a file the study declares ({files});"
            " give a batch folder or a folder of batch folders")


class _DataCheck:
    def __init__(self, study: Study, data: Path, report: CheckReport, gate_policy):
        self.study, self.data, self.report, self.gate_policy = study, data, report, gate_policy
        self.log = ProblemCounter()
        self.keys: dict[str, set] = defaultdict(set)
        self.sites: set[str] = set()
        self.outcome = OutcomeCounts()
        self.ratings: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (batch, unit) -> rater -> label
        self.spec = report.spec_file
        self.years: list[int] = []
        self.event_times: list[pd.Series] = []
        self.rows: dict[str, int] = defaultdict(int)
        self.missing: dict[str, int] = defaultdict(int)
        self.consensus: dict[tuple[str, str], bool] = {}
        self.late_share: float | None = None  # share of event times on or after the temporal cut-off
        raters = isinstance(study.labels, RaterLabels)
        unit_table = self.encounter_table if raters else study.outcome.table
        self.sizes = SizeCollector(study, unit_table, study.encounter_id(unit_table) if raters and unit_table else None)

    def run(self) -> None:
        if not self.data.is_dir():
            self.log.add(str(self.data), "is not a folder (give the batch folder or a folder of batch folders)")
            return self._finish()
        batches = batch_folders(self.study, self.data)
        if batches is None:
            self.log.add(str(self.data), no_batch_message(self.study, self.data))
            return self._finish()
        for batch in batches:
            self._batch(batch)
        self._after()
        self._finish()

    # ------------------------------------------------------------------ per batch
    def _batch(self, folder: Path) -> None:
        prefix = "" if folder == self.data else f"{folder.name}/"
        self.report.batches.append(folder.name)
        expected = {t.file for t in self.study.tables.values()} | ({self.study.batch_descriptor} - {None})
        for extra in sorted(p.name for p in folder.iterdir() if p.name not in expected and not p.name.startswith(".")):
            from clinical_pipelines.ingest.checks import safe_file_name

            self.log.add(prefix + safe_file_name(extra), messages.UNDECLARED_FILE)
        if self.study.batch_descriptor:
            self._descriptor(folder, prefix)
        order = sorted(self.study.tables, key=lambda t: t != self.encounter_table)
        known_encounters: set | None = None
        for name in order:
            table = self.study.tables[name]
            reader = TableReader(table, folder / table.file, name=prefix + table.file, problems=self.log,
                                 table_name=name)
            encounters = self._table(name, reader, known_encounters, folder.name if prefix else "")
            if name == self.encounter_table and reader.rows_read:
                known_encounters = encounters

    def _descriptor(self, folder: Path, prefix: str) -> None:
        name = prefix + self.study.batch_descriptor
        path = folder / self.study.batch_descriptor
        if not path.is_file():
            self.log.add(name, "is missing (the spec declares it as the batch descriptor)")
            return
        log = ProblemLog()
        text = decode(name, path.read_bytes(), log, allow_bom=True)
        try:
            ok = text is not None and isinstance(json.loads(text), dict)
        except (json.JSONDecodeError, RecursionError):
            ok = False
        self.log.extend(log.problems())
        if text is not None and not ok:
            self.log.add(name, "is not a JSON object")

    @property
    def encounter_table(self) -> str | None:
        """The table that defines encounters: patient and encounter id, keyed by the encounter id if any is."""
        both = [t for t, spec in self.study.tables.items()
                if {R.PATIENT_ID, R.ENCOUNTER_ID} <= {c.role for c in spec.columns.values()}]
        keyed = [t for t in both if self.study.tables[t].primary_key == self.study.encounter_id(t)]
        return (keyed or both or [None])[0]

    def _table(self, name: str, reader: TableReader, known_encounters: set | None, batch: str) -> set:
        table = self.study.tables[name]
        enc_col = self.study.encounter_id(name)
        site_col = next(iter(c.column for c in self.study.columns_with_role(R.SITE, table=name)), None)
        encounters: set = set()
        for chunk in reader:
            frame, rows = chunk.frame, chunk.rows
            self.rows[name] += len(frame)
            if table.primary_key and table.primary_key in frame:
                self._unique(name, reader.name, table.primary_key, frame[table.primary_key], rows)
            if enc_col and enc_col in frame:
                ids = frame[enc_col].dropna().astype(str)
                if name == self.encounter_table:
                    encounters.update(ids)
                elif known_encounters is not None:
                    unknown = (~frame[enc_col].astype("string").isin(known_encounters).fillna(True)
                               & frame[enc_col].notna()).to_numpy()
                    self.log.add_rows(reader.name, "unknown encounter (not in the batch's encounter table)",
                                      rows[unknown], column=enc_col)
            if site_col and site_col in frame:
                self.sites.update(frame[site_col].dropna().astype(str).unique())
            decided = self._outcome_chunk(name, reader.name, frame, rows)
            self.sizes.add(name, batch, frame, decided)
            self._temporal_chunk(name, frame)
        for col, n in reader.missing.items():
            self.missing[f"{name}.{col}"] += n
        return encounters

    def _unique(self, table: str, file: str, col: str, values: pd.Series, rows) -> None:
        seen = self.keys[table]
        dup = []
        for i, v in enumerate(values.to_numpy()):
            if v is None:
                continue
            if v in seen:
                dup.append(rows[i])
            seen.add(v)
        self.log.add_rows(file, "duplicate primary key (already used on an earlier row or batch)", dup, column=col)

    # ------------------------------------------------------------------ outcome and design
    def _outcome_chunk(self, name: str, file: str, frame: pd.DataFrame, rows) -> pd.Series | None:
        """Count the chunk's outcome; the decided outcome per row of a ``source: column`` outcome table."""
        outcome, labels = self.study.outcome, self.study.labels
        if outcome.source == "column" and name == outcome.table and outcome.column in frame:
            result = expression.parse(outcome.definition).evaluate(frame)
            for col, n in result.not_numbers.items():
                self.log.add(file, f"{n} value(s) are not numbers, so the outcome definition cannot decide them",
                             column=col, count=n)
            decided = result.values.dropna()
            self.outcome.units += len(decided)
            self.outcome.events += int(decided.sum())
            missing = frame[outcome.column].isna().to_numpy()
            self.log.add_rows(file, "no outcome value (the outcome column is empty)", rows[missing],
                              column=outcome.column)
            self.outcome.unknown += int(result.values.isna().sum())
            return result.values
        elif isinstance(labels, RaterLabels) and name == labels.table:
            cols = (labels.encounter_column, labels.rater_column, labels.label_column)
            if not all(c in frame for c in cols):
                return
            label = frame[labels.label_column].astype("string").str.strip()
            empty = label.isna().to_numpy()
            bad = (~label.isin(labels.allowed).fillna(False)).to_numpy() & ~empty
            self.log.add_rows(file, messages.MISSING_RATING, rows[empty], column=labels.label_column)
            self.log.add_rows(file, messages.not_allowed(labels.allowed), rows[bad], column=labels.label_column)
            bad |= empty
            batch = file.rpartition("/")[0]
            for i, (unit, rater, value) in enumerate(zip(frame[cols[0]], frame[cols[1]], label)):
                if rater is None:
                    self.log.add(file, "empty rater id", row=int(rows[i]), column=labels.rater_column)
                if unit is None or rater is None or bad[i]:
                    continue
                given = self.ratings[(batch, unit)]
                if rater in given:
                    self.log.add(file, "duplicate rating: this rater already rated this unit", row=int(rows[i]),
                                 column=labels.rater_column)
                    continue
                given[rater] = value
        return None

    def _temporal_chunk(self, name: str, frame: pd.DataFrame) -> None:
        temporal = self.study.evaluation.temporal
        if not isinstance(temporal, Temporal):
            return
        table, col = self.study.resolve(temporal.column, (R.EVENT_TIME,))
        if name == table and col in frame and pd.api.types.is_datetime64_any_dtype(frame[col]):
            years = frame[col].dropna().dt.year
            if len(years):
                self.years += [int(years.min()), int(years.max())]
                self.event_times.append(frame[col].dropna())

    def _after(self) -> None:
        labels = self.study.labels
        if isinstance(labels, RaterLabels):
            few: dict[str, int] = defaultdict(int)
            for (batch, _unit), by_rater in self.ratings.items():
                given = list(by_rater.values())
                if len(given) < labels.min_raters:
                    few[batch] += 1
                    continue
                pos = sum(v == labels.positive for v in given)
                if pos * 2 == len(given):
                    self.outcome.unknown += 1  # a tie has no majority
                else:
                    self.outcome.units += 1
                    self.outcome.events += int(pos * 2 > len(given))
                    self.consensus[(batch, _unit)] = pos * 2 > len(given)
            file = self.study.tables[labels.table].file
            for batch, n in few.items():
                self.log.add(f"{batch}/{file}" if batch else file, f"{n} unit(s) have fewer than min_raters = "
                             f"{labels.min_raters} ratings", column=labels.rater_column, count=n)
            self.sizes.finish(self.consensus)
        self._design()
        self._enough()

    def _design(self) -> None:
        ev = self.study.evaluation
        if isinstance(ev.external_sites, list):
            site = self.study.columns_with_role(R.SITE)
            for s in ev.external_sites:
                if s not in self.sites:
                    self.log.add(self.spec, f"external site {s} (evaluation.external_sites) does not occur in the site "
                                       f"column {site[0] if site else ''}")
            if self.sites and not (self.sites - set(ev.external_sites)):
                self.log.add(self.spec, "every site is an external site: no site is left for development")
        if isinstance(ev.temporal, Temporal):
            if not self.years:
                self.log.add(self.spec, f"evaluation.temporal: the event-time column {ev.temporal.column} has no dates")
                return
            self.report.years = (min(self.years), max(self.years))
            cutoff = ev.temporal.cutoff or date(self.report.years[1], 1, 1)
            times = pd.concat(self.event_times)
            after = int((times >= pd.Timestamp(cutoff)).sum())
            before = len(times) - after
            self.late_share = after / len(times) if len(times) else None
            if not before or not after:
                self.log.add(self.spec, f"evaluation.temporal: {before} record(s) before and {after} from the cut-off "
                                   f"{cutoff.isoformat()}: a temporal holdout needs both (or declare "
                                   "{not_applicable: <reason>})")

    def _enough(self) -> None:
        try:
            from clinical_pipelines.validation.gates import load_gate_policy

            policy = self.gate_policy or load_gate_policy()
        except Exception as exc:  # noqa: BLE001 - the policy problem is reported, not raised
            self.log.add(self.spec, f"cannot read the validation gate policy for the minimum numbers ({exc})")
            return
        n, events, non = self.outcome.units, self.outcome.events, self.outcome.non_events
        if n < policy.min_subgroup_n or events < policy.min_subgroup_events or non < policy.min_subgroup_events:
            self.log.add(self.spec, f"too few rows for the validation gates: {n} units with an outcome ({events} events, "
                               f"{non} non-events); the gate policy needs at least {policy.min_subgroup_n} units and "
                               f"{policy.min_subgroup_events} events and non-events")
        problems, notes, sizes = self.sizes.judge(policy.min_subgroup_n, policy.min_subgroup_events,
                                                  tuple(a.name for a in self.sizes.attributes))
        for message in problems:
            self.log.add(self.spec, message)
        self.report.notes += notes
        self.report.sizes = sizes
        self._evaluation_sets(policy)

    def _evaluation_sets(self, policy) -> None:
        """Expected sizes of the evaluation sets and whether the AUROC gates can be met on them (notes)."""
        from clinical_pipelines.study.check_power import expected_sets, internal_test_fraction, judge_sets

        sites = self.report.sizes.get("external_sites", {})
        external = (sum(v["units"] for v in sites.values()), sum(v["events"] for v in sites.values())) \
            if isinstance(self.study.evaluation.external_sites, list) else None
        late = self.late_share if isinstance(self.study.evaluation.temporal, Temporal) else None
        thresholds = {"internal_test": policy.min_auroc_internal, "temporal_test": policy.min_auroc_temporal,
                      "external_test": policy.min_auroc_external}
        sets = expected_sets(self.outcome.units, self.outcome.events, external, late, thresholds,
                             internal_test_fraction())
        notes, sizes = judge_sets(sets, policy.min_subgroup_n, policy.min_subgroup_events,
                                  policy.discrimination_statistic == "ci_lower")
        self.report.notes += notes
        self.report.sizes["evaluation_sets"] = sizes

    def _finish(self) -> None:
        self.report.data_problems = self.log.problems()
        self.report.rows = dict(self.rows)
        self.report.missing = {k: v for k, v in self.missing.items() if v}
        self.report.outcome = self.outcome
