"""Cross-field rules of a study spec (docs/STUDY_SPEC.md, "Rules").

Each rule yields ``(key path, message)``. Rules run on the parts of the spec that are valid on
their own (:class:`~clinical_pipelines.study.spec_errors.Parts`) and skip references to parts that
are broken, so a structural error is not reported a second time as a dangling reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from clinical_pipelines.study import expression
from clinical_pipelines.study import roles as R
from clinical_pipelines.study import spec as S
from clinical_pipelines.study.spec_errors import BROKEN, Parts, _join, _placeholders

Found = tuple[str, str, object]  # (table, column, column model)
SINGLE_PER_TABLE = (R.PATIENT_ID, R.ENCOUNTER_ID, R.EVENT_TIME, R.SITE, R.CONSENT)
CSV_ONLY = ("delimiter", "quotechar", "header")


class _Ctx:
    def __init__(self, parts: Parts):
        self.parts = parts
        self.tables = {n: t for n, t in parts.tables.items() if t is not BROKEN}

    def columns(self) -> Iterator[Found]:
        for t, table in self.tables.items():
            for c, col in table.columns.items():
                yield t, c, col

    def with_role(self, *roles: str) -> list[Found]:
        return [f for f in self.columns() if f[2].role in roles]

    def head(self, table: str):
        return self.tables[table].head if table in self.tables else None

    def broken(self, table: str, column: str | None = None) -> bool:
        if self.parts.tables.get(table) is BROKEN:
            return True
        return column is not None and (table, column) in self.parts.broken_columns

    def find(self, ref: str) -> list[Found] | None:
        """Columns a reference (``col`` or ``table.col``) may mean; ``None`` if it may be a broken part."""
        t, dot, c = ref.partition(".")
        if dot and t in self.parts.tables:
            if self.broken(t, c):
                return None
            col = self.tables[t].columns.get(c)
            return [(t, c, col)] if col is not None else []
        if any(col == ref for _, col in self.parts.broken_columns) or BROKEN in self.parts.tables.values():
            hits = [f for f in self.columns() if f[1] == ref]
            return hits or None
        return [f for f in self.columns() if f[1] == ref]


def cross_field_problems(parts: Parts | None, folder: Path) -> list[tuple[tuple, str]]:
    if parts is None:
        return []
    ctx = _Ctx(parts)
    out: list[tuple[tuple, str]] = []
    for rule in (_top, _tables, _patients, _dates, _ages, _outcome, _labels, _evaluation, _features):
        out.extend(rule(ctx, folder))
    return out


def _top(ctx: _Ctx, folder: Path):
    top = ctx.parts.top
    if top.get("draft") is True:
        yield ("draft",), ("this spec is a draft written by `study init`: review every '# REVIEW' comment, set the "
                           "outcome and the evaluation design, then delete the line `draft: true`")
    iu = top.get("intended_use")
    if isinstance(iu, str) and iu and not (folder / iu).is_file():
        yield ("intended_use",), (f"file not found next to the spec ({iu}): write the intended-use statements "
                                  "(see studies/mace/intended_use.yaml for the fields)")
    elif isinstance(iu, str) and iu:
        yield from _intended_use(folder / iu, iu)
    descriptor = top.get("batch_descriptor")
    files = {t.head.file: n for n, t in ctx.tables.items() if t.head}
    if isinstance(descriptor, str) and descriptor in files:
        yield ("batch_descriptor",), f"is also the file of table {files[descriptor]}: they must differ"


MAX_KEYS_NAMED = 5


def _intended_use(path: Path, name: str):
    """The intended-use file must be YAML without the REVIEW placeholders ``study init`` writes."""
    from clinical_pipelines.study.yamlsource import read_yaml

    src = read_yaml(path)
    if src.problems:
        _, line, message = src.problems[0]
        yield ("intended_use",), f"{name}{f':{line}' if line else ''} {message}"
        return
    paths = _placeholders(src.data, ())
    if paths:
        left = [_join(p) for p in paths]
        shown = ", ".join(left[:MAX_KEYS_NAMED]) + (f" and {len(left) - MAX_KEYS_NAMED} more"
                                                    if len(left) > MAX_KEYS_NAMED else "")
        yield ("intended_use",), (f"{name} still holds {len(left)} REVIEW placeholder(s) from `study init` "
                                  f"(keys {shown}; the first at line {src.line_of(paths[0])}): write the real "
                                  "statements (studies/mace/intended_use.yaml is an example)")


def _tables(ctx: _Ctx, folder: Path):
    seen: dict[str, str] = {}
    for name, view in ctx.tables.items():
        table, base = view.head, ("tables", name)
        for role in SINGLE_PER_TABLE:
            cols = [c for c, col in view.columns.items() if col.role == role]
            if len(cols) > 1:
                yield base + ("columns",), (f"has {len(cols)} {role} columns ({', '.join(cols)}): a table has at "
                                            f"most one {role} column")
        if table is None:
            continue
        if table.file in seen:
            yield base + ("file",), f"is also the file of table {seen[table.file]}: every table has its own file"
        seen.setdefault(table.file, name)
        if table.format != "csv":
            for key in CSV_ONLY:
                if getattr(table, key) is not None:
                    yield base + (key,), f"applies to csv files only (this table is {table.format})"
        if table.format == "parquet" and "encoding" in table.model_fields_set:
            yield base + ("encoding",), "applies to csv and jsonl only (Parquet stores its own encoding)"
        if table.primary_key is not None and table.primary_key not in view.columns \
                and not ctx.broken(name, table.primary_key):
            yield base + ("primary_key",), f"names {table.primary_key}, which is not a column of this table"


def _patients(ctx: _Ctx, folder: Path):
    if not ctx.tables:
        return
    if not ctx.with_role(R.PATIENT_ID) and not ctx.parts.broken_columns:
        yield ("tables",), "no column has role patient_id: a study needs the patient identifier of its records"
    linking = {t for t, _, _ in ctx.with_role(R.PATIENT_ID)} & {t for t, _, _ in ctx.with_role(R.ENCOUNTER_ID)}
    for name, table in ctx.tables.items():
        roles = {col.role for col in table.columns.values()}
        if ctx.broken(name) or any(t == name for t, _ in ctx.parts.broken_columns):
            continue
        if R.PATIENT_ID not in roles and R.ENCOUNTER_ID not in roles:
            yield ("tables", name, "columns"), ("has no patient_id or encounter_id column: its rows cannot be "
                                                "linked to a patient")
        elif R.PATIENT_ID not in roles and not linking and ctx.with_role(R.PATIENT_ID):
            yield ("tables", name, "columns"), ("is linked by encounter_id only, but no table has both a patient_id "
                                                "and an encounter_id column to link encounters to patients")


def article(word: str) -> str:
    """``an`` before a vowel (an event_time column), else ``a``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _dates(ctx: _Ctx, folder: Path):
    for t, c, col in ctx.with_role(*R.DATE_ROLES):
        table = ctx.head(t)
        if table is not None and col.format is None and table.format != "parquet":
            yield ("tables", t, "columns", c, "format"), (f"{article(col.role)} {col.role} column of a {table.format} "
                                                          "file needs its date format, e.g. '%Y-%m-%d' or '%d/%m/%Y'")
        if getattr(col, "not_before", None) is not None and not ctx.broken(t, col.not_before):
            other = ctx.tables[t].columns.get(col.not_before) if t in ctx.tables else None
            if other is None or other.role not in R.DATE_ROLES or col.not_before == c:
                yield ("tables", t, "columns", c, "not_before"), (f"names {col.not_before}, which is not another "
                                                                   f"date or event_time column of table {t}")
        if col.role == R.DATE and col.handling == "birth_date" and not ctx.with_role(R.EVENT_TIME) \
                and not ctx.parts.broken_columns:
            yield ("tables", t, "columns", c, "handling"), ("birth_date needs an event_time column in the study "
                                                            "(age is measured at the event time)")


def _outcome(ctx: _Ctx, folder: Path):
    outcome, labels = ctx.parts.outcome, ctx.parts.labels
    if outcome in (None, BROKEN):
        return
    outcome_cols = ctx.with_role(R.OUTCOME)
    if outcome.source == "column":
        for key in ("table", "column"):
            if getattr(outcome, key) is None:
                yield ("outcome", key), "required when source is column (the table and column holding the outcome)"
        if isinstance(labels, S.RaterLabels):
            yield ("labels",), ("must be {not_applicable: <reason>} when the outcome is a column of the extract "
                                "(e.g. 'outcome recorded in the extract, single source')")
        if outcome.table is None or outcome.column is None:
            return
        target = _ref(ctx, outcome.table, outcome.column, ("outcome",), R.OUTCOME)
        if isinstance(target, str):
            yield ("outcome", "column"), target
        try:
            expression.parse(outcome.definition, {outcome.column})
        except expression.ExpressionError as exc:
            yield ("outcome", "definition"), str(exc)
        expected = (outcome.table, outcome.column)
    else:
        for key in ("table", "column"):
            if getattr(outcome, key) is not None:
                yield ("outcome", key), "only for source: column (with raters, labels.label_column names the label)"
        if isinstance(labels, S.NotApplicable):
            yield ("labels",), "must describe the rater table when the outcome source is raters"
        if not isinstance(labels, S.RaterLabels):
            return
        expected = (labels.table, labels.label_column)
    others = [f"{t}.{c}" for t, c, _ in outcome_cols if (t, c) != expected]
    if others and not ctx.parts.broken_columns:
        yield ("outcome",), (f"role outcome is given to {', '.join(others)} as well: the study has exactly one "
                             "outcome column (the one the outcome / labels section names)")


def _ref(ctx: _Ctx, table: str, column: str, key: tuple, role: str) -> str | None:
    """Problem text when ``table.column`` is absent or lacks ``role`` (``None`` when fine or broken)."""
    if table not in ctx.parts.tables:
        return f"table {table} is not declared under tables"
    if ctx.broken(table, column):
        return None
    col = ctx.tables[table].columns.get(column)
    if col is None:
        return f"{table}.{column} is not a declared column"
    if col.role != role:
        return f"{table}.{column} has role {col.role}; it needs role {role}"
    return None


def _labels(ctx: _Ctx, folder: Path):
    labels = ctx.parts.labels
    if not isinstance(labels, S.RaterLabels):
        return
    if labels.table not in ctx.parts.tables:
        yield ("labels", "table"), f"table {labels.table} is not declared under tables"
        return
    for key, role in (("encounter_column", R.ENCOUNTER_ID), ("rater_column", R.RATER), ("label_column", R.OUTCOME)):
        problem = _ref(ctx, labels.table, getattr(labels, key), ("labels", key), role)
        if problem:
            yield ("labels", key), problem


def _evaluation(ctx: _Ctx, folder: Path):
    ev = ctx.parts.evaluation
    if ev in (None, BROKEN):
        return
    if isinstance(ev.temporal, S.Temporal):
        yield from _one_ref(ctx, ev.temporal.column, ("evaluation", "temporal", "column"), (R.EVENT_TIME,))
    if isinstance(ev.external_sites, list):
        if not ctx.with_role(R.SITE) and not ctx.parts.broken_columns:
            yield ("evaluation", "external_sites"), ("external sites need a column with role site; with one site "
                                                     "write {not_applicable: <reason>}")
        if len(set(ev.external_sites)) != len(ev.external_sites):
            yield ("evaluation", "external_sites"), "lists a site more than once"
    if isinstance(ev.subgroups, list):
        if len(set(ev.subgroups)) != len(ev.subgroups):
            yield ("evaluation", "subgroups"), "lists an attribute more than once"
        ages = _age_sources(ctx)
        for i, attr in enumerate(ev.subgroups):
            if attr in R.DERIVED_ATTRIBUTES:
                if not ages and not ctx.parts.broken_columns:
                    yield ("evaluation", "subgroups", i), (f"{attr} is derived from the study's age, and it has none: "
                                                           "give a birth date (role date, handling: birth_date) or "
                                                           "an age in years (role quasi_identifier, age: true)")
                continue
            yield from _one_ref(ctx, attr, ("evaluation", "subgroups", i), R.SUBGROUP_ROLES)


def _age_sources(ctx: _Ctx) -> list[Found]:
    return [f for f in ctx.columns() if (f[2].role == R.DATE and f[2].handling == "birth_date")
            or (f[2].role == R.QUASI_IDENTIFIER and f[2].age)]


def _ages(ctx: _Ctx, folder: Path):
    ages = _age_sources(ctx)
    if len(ages) > 1:
        yield ("tables",), (f"has {len(ages)} age sources ({', '.join(f'{t}.{c}' for t, c, _ in ages)}): a study has "
                            "at most one (a birth date, or an age in years with age: true); give the others role drop")


def _one_ref(ctx: _Ctx, ref: str, key: tuple, roles: tuple[str, ...]):
    hits = ctx.find(ref)
    if hits is None:
        return
    allowed = " or ".join(roles)
    if not hits:
        yield key, f"{ref} is not a declared column (it needs role {allowed})"
        return
    good = [h for h in hits if h[2].role in roles]
    if len(good) > 1:
        yield key, f"{ref} is a column of {len(good)} tables: write table.column"
    elif not good:
        t, c, col = hits[0]
        yield key, f"{t}.{c} has role {col.role}; it needs role {allowed}"


def _features(ctx: _Ctx, folder: Path):
    if ctx.tables and not ctx.parts.broken_columns and \
            not any(col.role == R.FEATURE or getattr(col, "feature", None) for _, _, col in ctx.columns()):
        yield ("tables",), ("no model inputs: give at least one column role feature (or a feature: block on a "
                            "quasi-identifier, sensitive attribute or birth date)")
