"""The de-identification rules of one study: column actions, released names and risk attributes.

The study spec says what every column is (its role, Safe Harbor letter, generalisation ladder); the
policy (:mod:`.policy`) says how any data is treated (date mode, age top code, ZIP3 rule, risk target).
:func:`deid_rules` combines them into a :class:`StudyDeidRules`:

- actions by role (:func:`clinical_pipelines.study.roles.deid_actions`): identifiers -> keyed pseudonym
  released as ``<namespace>_pid``; direct identifiers and ``drop`` -> dropped; a quasi-identifier whose
  ladder starts with ``zip3`` -> ZIP3 released as ``zip3`` (Safe Harbor B, 45 CFR 164.514(b)(2)(i)(B));
  a birth date -> ``age`` at the event time, an age column -> ``age`` (both with ages over 89 top-coded,
  Safe Harbor C); other dates -> their year (``<name>_year``) or, where both the policy and the column
  allow it, a per-patient shift (``<name>_shifted``); free text -> the text engine;
- the quasi-identifiers measured for k-anonymity with their generalisation ladders, and the sensitive
  attributes (l-diversity), as released attribute names;
- per table, the raw columns whose values are a record's known identifiers (direct identifiers, the
  patient id, a birth date, a geographic quasi-identifier), which the text engine and the residual
  scan look for, and the raw identifier columns that must never appear in a release.

Errors (:class:`~clinical_pipelines.deid.errors.PolicyError`) name tables and columns, never values.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import study_or_default
from clinical_pipelines.study.spec import Study

from .errors import PolicyError
from .policy import GENERALIZATION_STEPS, ColumnRule, DeidPolicy

ZIP3_OUTPUT = "zip3"
PSEUDONYM_SUFFIX = "_pid"
# Redaction-count kind of a column by its Safe Harbor letter (45 CFR 164.514(b)(2)(i)(A)-(R)).
SAFE_HARBOR_KIND = {"A": "NAME", "B": "LOCATION", "C": "DATE", "D": "PHONE", "E": "FAX", "F": "EMAIL", "G": "SSN",
                    "H": "MRN", "I": "HEALTH_PLAN", "J": "ACCOUNT", "K": "LICENSE", "L": "VEHICLE", "M": "DEVICE",
                    "N": "URL", "O": "IP", "P": "BIOMETRIC", "Q": "PHOTO", "R": "ID"}


def year_column(col: str) -> str:
    """Released name of a date kept as its year: ``admit_date`` -> ``admit_year``, ``visit`` -> ``visit_year``."""
    return f"{col.removesuffix('_date')}_year"


def shifted_column(col: str) -> str:
    """Released name of a per-patient shifted date."""
    return f"{col}_shifted"


def pseudonym_column(namespace: str) -> str:
    """Released name of a keyed pseudonym: ``patient`` -> ``patient_pid``."""
    return f"{namespace}{PSEUDONYM_SUFFIX}"


def study_sha256(study: Study) -> str:
    """SHA-256 of the study spec file's bytes (recorded next to the policy hash in provenance)."""
    if study.path is None:
        raise PolicyError(f"study {study.study_id!r} was not loaded from a file: its hash cannot be recorded")
    return hashlib.sha256(study.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class StudyDeidRules:
    """The de-identification rules of one study under one policy (see the module docstring)."""

    study_id: str
    study_sha256: str
    tables: Mapping[str, Mapping[str, ColumnRule]]
    files: Mapping[str, str]
    kinds: Mapping[tuple[str, str], str]
    risk_table: str | None
    quasi_identifiers: tuple[str, ...]
    generalization: Mapping[str, tuple[str, ...]]
    sensitive_attributes: tuple[str, ...]
    event_time: Mapping[str, str]  # table -> its event-time column (the reference date of a birth date)
    record_identifiers: Mapping[str, tuple[str, ...]]  # table -> raw columns holding a record's identifiers
    link_columns: Mapping[str, tuple[str, ...]]  # table -> encounter and record id columns (known identifiers too)
    raw_identifier_columns: frozenset[str]
    text_columns: Mapping[str, tuple[str, ...]]
    encounter_table: str | None
    consent: tuple[str, str] | None  # (table, column) of the consent flag
    safe_harbor_columns: Mapping[str, tuple[str, ...]]  # Safe Harbor letter -> raw column names (all tables)

    def rules_for(self, table: str, columns: Iterable[str]) -> dict[str, ColumnRule]:
        """Rules for the given columns; a column the study does not declare is an error (fail closed)."""
        if table not in self.tables:
            raise PolicyError(f"study {self.study_id!r} has no table '{table}' (tables: {', '.join(self.tables)})")
        rules = self.tables[table]
        unknown = [c for c in columns if c not in rules]
        if unknown:
            raise PolicyError(
                f"table '{table}' has {len(unknown)} column(s) the study spec does not declare: {sorted(unknown)}. "
                f"Give each a role in tables.{table}.columns of the study spec (study {self.study_id!r}).")
        return {c: rules[c] for c in columns}

    def output_of(self, table: str, column: str) -> str | None:
        """The released name of a raw column (``None`` when it is dropped)."""
        rule = self.tables[table][column]
        if rule.action == "drop":
            return None
        if rule.action == "date":
            return shifted_column(column) if rule.date_mode == "shift" else year_column(column)
        return rule.output or column

    def shifted_columns(self, table: str) -> set[str]:
        return {shifted_column(c) for c, r in self.tables.get(table, {}).items()
                if r.action == "date" and r.date_mode == "shift"}

    def pseudonym_output(self, role: str) -> str | None:
        """Released column of the patient or encounter pseudonym (``patient_pid`` / ``encounter_pid``)."""
        namespace = R.PSEUDONYM_NAMESPACE.get(role)
        return pseudonym_column(namespace) if namespace else None


def deid_rules(policy: DeidPolicy, study: Study | None = None) -> StudyDeidRules:
    """The rules of ``study`` (default: the built-in study) under ``policy`` (PolicyError when they conflict)."""
    study = study_or_default(study)
    return _rules(policy, study, study_sha256(study))


def _rules(policy: DeidPolicy, study: Study, spec_sha256: str) -> StudyDeidRules:
    tables: dict[str, dict[str, ColumnRule]] = {t: {} for t in study.tables}
    kinds: dict[tuple[str, str], str] = {}
    for a in study.deid_actions():
        col = study.tables[a.table].columns[a.column]
        rule = _column_rule(policy, study, a, col)
        tables[a.table][a.column] = dataclasses.replace(
            rule, missing=tuple(dict.fromkeys(["", *study.tables[a.table].missing_for(a.column)])),
            date_format=getattr(col, "format", None) if col.role in R.DATE_ROLES else None)
        letter = getattr(col, "safe_harbor", None) or R.DEFAULT_SAFE_HARBOR.get(col.role)
        kinds[(a.table, a.column)] = SAFE_HARBOR_KIND.get(letter or "R", "ID")
    risk_table, qis, ladders = _quasi_identifiers(study)
    sensitive = tuple(s.column for s in study.sensitive_attributes())
    if sensitive and risk_table and any(s.table != risk_table for s in study.sensitive_attributes()):
        raise PolicyError(f"study {study.study_id!r}: sensitive attributes must be columns of the table of the "
                          f"quasi-identifiers ({risk_table})")
    event = {d.table: d.column for d in study.date_columns() if d.event_time}
    outputs = [(t, r.output) for t, cols in tables.items() for r in cols.values() if r.output in (ZIP3_OUTPUT, R.AGE)]
    if len(outputs) != len(set(outputs)):
        raise PolicyError(f"study {study.study_id!r}: a table has two columns released as zip3 or as age; give one "
                          "of them role drop")
    consent = study.columns_with_role(R.CONSENT)
    from clinical_pipelines.ingest.checks import encounter_table

    return StudyDeidRules(
        study_id=study.study_id, study_sha256=spec_sha256, tables=tables,
        files={t: spec.file for t, spec in study.tables.items()}, kinds=kinds, risk_table=risk_table,
        quasi_identifiers=qis, generalization=ladders, sensitive_attributes=sensitive, event_time=event,
        record_identifiers={t: _record_identifiers(study, t) for t in study.tables},
        link_columns={t: tuple(r.column for r in study.columns_with_role(R.ENCOUNTER_ID, R.RECORD_ID, table=t))
                      for t in study.tables},
        raw_identifier_columns=frozenset(_raw_identifiers(study, tables)),
        text_columns={t: tuple(r.column for r in study.columns_with_role(R.FREE_TEXT, table=t)) for t in study.tables},
        encounter_table=encounter_table(study), consent=(consent[0].table, consent[0].column) if consent else None,
        safe_harbor_columns={letter: tuple(dict.fromkeys(r.column for r in refs))
                             for letter, refs in study.safe_harbor_columns().items()})


def _column_rule(policy: DeidPolicy, study: Study, a: R.DeidAction, col) -> ColumnRule:
    if a.action == "pseudonymize":
        return ColumnRule("pseudonymize", pseudonym_column(a.namespace), a.namespace)
    if a.action == "zip3":
        return ColumnRule("zip3", ZIP3_OUTPUT)
    if a.action in ("birth_date", R.AGE):
        return ColumnRule(a.action, R.AGE)
    if a.action == "date":
        if col.handling == "shift" and policy.date_mode != "shift":
            raise PolicyError(
                f"study {study.study_id!r}, column {a.table}.{a.column}: handling shift keeps full (shifted) dates, "
                f"but the de-identification policy in force ({policy.version}) has date_mode {policy.date_mode}: "
                "declare handling: year_only, or run under an approved policy with date_mode: shift "
                "(Expert Determination, 45 CFR 164.514(b)(1))")
        return ColumnRule("date", date_mode="shift" if col.handling == "shift" else "year_only")
    return ColumnRule(a.action)


def _quasi_identifiers(study: Study) -> tuple[str | None, tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(table, released attribute names, k-anonymity ladder per attribute) of the study's quasi-identifiers."""
    found = study.quasi_identifiers()
    tables = sorted({q.table for q in found})
    if len(tables) > 1:
        raise PolicyError(f"study {study.study_id!r}: quasi-identifiers are spread over tables {tables}; k-anonymity "
                          "is measured on one table: keep them in one table")
    names, ladders = [], {}
    for q in found:
        name = q.release_step or q.attribute
        bad = [s for s in q.k_ladder if s not in GENERALIZATION_STEPS]
        if bad:
            raise PolicyError(f"study {study.study_id!r}, column {q.table}.{q.column}: generalisation step(s) {bad} "
                              f"are not applied by the k-anonymity enforcement (allowed after zip3: "
                              f"{', '.join(sorted(GENERALIZATION_STEPS))})")
        names.append(name)
        if q.k_ladder:
            ladders[name] = tuple(q.k_ladder)
    return (tables[0] if tables else None), tuple(names), ladders


def _record_identifiers(study: Study, table: str) -> tuple[str, ...]:
    """Raw columns of ``table`` whose values identify the record's patient or its care (names, numbers, places,
    the patient id, a birth date, a geographic quasi-identifier): known identifiers of the record."""
    out = []
    for c, col in study.tables[table].columns.items():
        if col.role in (R.DIRECT_IDENTIFIER, R.PATIENT_ID) or (col.role == R.DATE and col.handling == "birth_date") \
                or (col.role == R.QUASI_IDENTIFIER and col.safe_harbor == "B"):
            out.append(c)
    return tuple(out)


def _raw_identifiers(study: Study, tables: Mapping[str, Mapping[str, ColumnRule]]) -> set[str]:
    """Raw names that must never appear in a release: identifiers, birth dates and ZIP columns."""
    out = set()
    for t, cols in tables.items():
        for c, rule in cols.items():
            role = study.tables[t].columns[c].role
            if role in (R.DIRECT_IDENTIFIER, *R.ID_ROLES) or rule.action in ("birth_date", "zip3"):
                out.add(c)
    return out
