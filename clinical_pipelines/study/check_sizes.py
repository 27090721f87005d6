"""Sizes ``study check`` compares with the validation gate minimums: every external site, every subgroup.

The gate policy (``policies/validation_gates.yaml``, ``subgroups.min_n`` / ``min_events``) evaluates
a group only with at least ``min_n`` units and ``min_events`` events and non-events:

- an **external site** below the minimums fails ``discrimination_external_site`` (its performance is
  not demonstrated). The whole site is the external test set, so its size in the data is exact: a
  site below the minimums is a problem, with the numbers;
- a **subgroup** below the minimums is reported "insufficient n" and left out of the AUROC gap (a
  note); every subgroup attribute of the study (``evaluation.subgroups``, the attributes the gate
  assesses) with fewer than two evaluable groups fails ``subgroup_performance``. The gate looks at
  the evaluation splits only, which hold fewer units than the whole data: counts over all the data
  are an upper bound, so an attribute failing here will fail the gate (a problem).

Units are the outcome's units: rows of the outcome table (``source: column``) or rated encounters
(``source: raters``, attributes from the encounter table). ``age`` and ``age_band`` are grouped
by the age bands of :func:`clinical_pipelines.validation.metrics.age_band`, from the study's age
source (an age column, or the birth date at the event time). Group labels are site values, age
bands and declared categories; other values are shown as ``group 1``, ``group 2``, ... (in sorted
order), never as data values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import Study

GATE_SITE = "discrimination_external_site"
GATE_SUBGROUPS = "subgroup_performance"
POLICY = "policies/validation_gates.yaml subgroups.min_n / min_events"


@dataclass(frozen=True)
class Attribute:
    """A subgroup attribute of the unit table: ``column`` or the derived age (``age`` / ``age_band``)."""

    name: str
    column: str | None
    shown: bool  # group values may be shown (site, declared categories, age bands)


class SizeCollector:
    """Counts units and events per site and per subgroup value, chunk by chunk (raters: per encounter)."""

    def __init__(self, study: Study, unit_table: str | None, unit_column: str | None):
        self.study, self.table, self.unit_column = study, unit_table, unit_column
        self.notes: list[str] = []
        self.counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.frames: list[pd.DataFrame] = []
        self.site = next((c.column for c in study.columns_with_role(R.SITE, table=unit_table)), None) \
            if unit_table else None
        self.attributes = self._attributes()

    def _attributes(self) -> list[Attribute]:
        out = []
        groups = self.study.evaluation.subgroups
        for attr in groups if isinstance(groups, list) else []:
            if attr in R.DERIVED_ATTRIBUTES:
                source = self.study.age_source()
                if source is None or source.table != self.table:
                    self.notes.append(f"subgroup {attr}: the age is not in the outcome's table {self.table}: its "
                                      "sizes are not checked here")
                    continue
                out.append(Attribute(attr, None, True))
                continue
            table, column = self.study.resolve(attr)
            if table != self.table:
                self.notes.append(f"subgroup {attr}: a column of table {table}, not of the outcome's table "
                                  f"{self.table}: its sizes are not checked here")
                continue
            spec = self.study.tables[table].columns[column]
            feature = getattr(spec, "feature", None)
            out.append(Attribute(attr, column, spec.role == R.SITE or bool(feature and feature.categories)))
        return out

    # ------------------------------------------------------------------ collecting
    def add(self, table: str, batch: str, frame: pd.DataFrame, decided: pd.Series | None) -> None:
        """One chunk of the unit table; ``decided`` is the outcome per row (column source) or ``None`` (raters)."""
        if table != self.table:
            return
        values = self._values(frame)
        if decided is not None:
            y = decided.astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
            keep = ~pd.isna(y)
            for name, s in values.items():
                part = pd.DataFrame({"g": s.to_numpy()[keep], "y": y[keep]})
                for g, (n, ev) in part.groupby("g", dropna=False)["y"].agg(["size", "sum"]).iterrows():
                    cell = self.counts[name]["missing" if pd.isna(g) else str(g)]
                    cell[0] += int(n)
                    cell[1] += int(ev)
        elif self.unit_column in frame:
            part = pd.DataFrame({k: v.to_numpy() for k, v in values.items()})
            part["_unit"] = frame[self.unit_column].to_numpy()
            part["_batch"] = batch
            self.frames.append(part)

    def _values(self, frame: pd.DataFrame) -> dict[str, pd.Series]:
        from clinical_pipelines.validation.metrics import age_band

        out = {}
        if self.site and self.site in frame:
            out["\0site"] = frame[self.site].astype("string")
        age = None
        for a in self.attributes:
            if a.column is not None and a.column in frame:
                out[a.name] = frame[a.column].astype("string")
            elif a.column is None:
                age = self._age(frame) if age is None else age
                if age is not None:
                    out[a.name] = age_band(age).where(age.notna(), None)
        return out

    def _age(self, frame: pd.DataFrame) -> pd.Series | None:
        from clinical_pipelines.study.values import top_coded_ages

        source = self.study.age_source()
        if source.kind == R.AGE_IN_YEARS:
            return pd.to_numeric(top_coded_ages(frame[source.column]), errors="coerce") \
                if source.column in frame else None
        event = next((d for d in self.study.date_columns() if d.event_time and d.table == self.table), None)
        if event is None or source.column not in frame or event.column not in frame:
            return None
        born, seen = frame[source.column], frame[event.column]
        if not (pd.api.types.is_datetime64_any_dtype(born) and pd.api.types.is_datetime64_any_dtype(seen)):
            return None
        before = (seen.dt.month < born.dt.month) | ((seen.dt.month == born.dt.month) & (seen.dt.day < born.dt.day))
        return (seen.dt.year - born.dt.year - before.astype(int)).astype(float)

    def finish(self, consensus: dict[tuple[str, str], bool] | None) -> None:
        """Raters: count every rated encounter with a consensus (``(batch, unit) -> event``)."""
        if consensus is None or not self.frames:
            return
        units = pd.concat(self.frames, ignore_index=True).drop_duplicates(["_batch", "_unit"])
        y = pd.Series([consensus.get((b, u)) for b, u in zip(units["_batch"], units["_unit"])], dtype="Float64")
        decided = y.notna().to_numpy()
        for name in [c for c in units.columns if not c.startswith("_")]:
            part = pd.DataFrame({"g": units[name].to_numpy()[decided], "y": y.to_numpy()[decided].astype(float)})
            for g, (n, ev) in part.groupby("g", dropna=False)["y"].agg(["size", "sum"]).iterrows():
                cell = self.counts[name]["missing" if pd.isna(g) else str(g)]
                cell[0] += int(n)
                cell[1] += int(ev)
        self.frames = []

    # ------------------------------------------------------------------ judging
    def judge(self, min_n: int, min_events: int, gated: tuple[str, ...]) -> tuple[list[str], list[str], dict]:
        """(problems, notes, sizes for the JSON report) against the gate minimums."""
        problems, notes = [], list(self.notes)
        sizes: dict = {"external_sites": {}, "subgroups": {}}

        def short(n, ev):
            parts = [f"{n} units < min_n {min_n}" if n < min_n else "",
                     f"{ev} events < min_events {min_events}" if ev < min_events else "",
                     f"{n - ev} non-events < min_events {min_events}" if n - ev < min_events else ""]
            return "; ".join(p for p in parts if p)

        external = self.study.evaluation.external_sites
        site_counts = self.counts.get("\0site", {})
        if isinstance(external, list) and self.site is None and self.table:
            notes.append(f"external sites: no site column in the outcome's table {self.table}: their sizes are not "
                         "checked here")
        for s in external if isinstance(external, list) and self.site else []:
            if s not in site_counts:
                continue  # reported by the design check (the site does not occur)
            n, ev = site_counts[s]
            sizes["external_sites"][s] = {"units": n, "events": ev}
            if short(n, ev):
                problems.append(f"external site {s}: {short(n, ev)} -> {GATE_SITE} will fail ({n} units, {ev} events, "
                                f"{n - ev} non-events; minimums: {POLICY})")
        for a in self.attributes:
            groups = self.counts.get(a.name, {})
            labels = {g: (g if a.shown or a.column is None or g == "missing" else f"group {i + 1}")
                      for i, g in enumerate(sorted(groups))}
            sizes["subgroups"][a.name] = {labels[g]: {"units": n, "events": ev} for g, (n, ev) in groups.items()}
            ok = [g for g, (n, ev) in groups.items() if not short(n, ev)]
            for g, (n, ev) in sorted(groups.items()):
                if short(n, ev):
                    notes.append(f"subgroup {a.name} = {labels[g]}: {short(n, ev)} over all the data: reported as "
                                 "insufficient n and left out of the subgroup AUROC gap")
            is_gated = a.name in gated or (a.column == self.site and "site" in gated)
            if is_gated and len(ok) < 2:
                problems.append(f"subgroup {a.name}: {len(ok)} of {len(groups)} group(s) reach {min_n} units and "
                                f"{min_events} events and non-events over all the data -> {GATE_SUBGROUPS} cannot "
                                f"assess {a.name} and will fail (minimums: {POLICY})")
        return problems, notes, sizes
