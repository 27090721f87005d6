"""Condition resources (ICD-10 / SNOMED CT) -> binary flags per encounter.

A Condition counts for flag F when one of its ``code.coding`` matches F (ICD-10-CM / ICD-10 by
code prefix, dots ignored; SNOMED CT by exact concept id: no subsumption, list descendants
explicitly). Conditions with ``verificationStatus`` refuted or entered-in-error never count.

The Condition's time is ``onsetDateTime``, else ``onsetPeriod.start``, else ``recordedDate``, else
(when it references one) its encounter's start. Scopes, for an encounter E of the patient:

- ``encounter``: the Condition references E;
- ``before_encounter``: its time lies wholly before E's start (a dateTime before it; a date on an
  earlier day: a Condition dated the day of admission is not history); an undated Condition counts
  (problem-list entries often carry no date; counted in the report), unless it only has the time
  of E itself;
- ``patient``: any Condition of the patient, whenever (can look into the future of E: not for
  prediction features);
- ``after_encounter`` (outcomes): its time overlaps [E's start, E's start + ``days`` days];
  an undated Condition cannot be placed and does not count (counted in the report).

Flags are 0 when nothing matches (absence of a record is taken as absence of the condition), and
empty when E has no start and the scope needs one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from clinical_pipelines.fhir.demographics import EncounterRow
from clinical_pipelines.fhir.mapping import ConditionRule
from clinical_pipelines.fhir.resources import instant

EXCLUDED_VERIFICATION = frozenset({"refuted", "entered-in-error"})
_INSTANT = dt.timedelta(microseconds=1)  # a dateTime is the half-open span [t, t + 1 us)


@dataclass(frozen=True)
class ConditionHit:
    column: str
    when: tuple[dt.datetime, dt.datetime] | None  # half-open span of the Condition's time (a date: its day)
    encounter_id: str | None


def condition_time(cond: Any) -> tuple[dt.datetime, dt.datetime] | None:
    for value in (cond.onsetDateTime, cond.onsetPeriod.start if cond.onsetPeriod else None, cond.recordedDate):
        start = instant(value)
        if start is not None:
            end = instant(value, end=True) or start
            return start, end if end > start else start + _INSTANT
    return None


def verification(cond: Any) -> str | None:
    vs = cond.verificationStatus
    codes = [c.code for c in (vs.coding or [])] if vs is not None else []
    return next((c for c in codes if c in EXCLUDED_VERIFICATION), None)


def matched_columns(cond: Any, rules: dict[str, ConditionRule]) -> list[str]:
    codings = (cond.code.coding or []) if cond.code is not None else []
    return [col for col, rule in rules.items() if any(rule.matches(c.system, c.code) for c in codings)]


@dataclass
class ConditionFlags:
    rules: dict[str, ConditionRule]
    hits: dict[str, list[ConditionHit]] = field(default_factory=lambda: defaultdict(list))
    notices: Counter = field(default_factory=Counter)

    def add(self, patient_id: str, hit: ConditionHit) -> None:
        self.hits[patient_id].append(hit)

    def flags(self, enc: EncounterRow, encounters: dict[str, EncounterRow]) -> dict[str, str]:
        """Column -> "1" / "0" / "" for one encounter."""
        out = {}
        for column, rule in self.rules.items():
            hits = [h for h in self.hits.get(enc.patient_id, ()) if h.column == column]
            out[column] = self._flag(rule, enc, hits, encounters, column)
        return out

    def _flag(self, rule: ConditionRule, enc: EncounterRow, hits: list[ConditionHit],
              encounters: dict[str, EncounterRow], column: str) -> str:
        if rule.scope == "encounter":
            return "1" if any(h.encounter_id == enc.encounter_id for h in hits) else "0"
        if rule.scope == "patient":
            return "1" if hits else "0"
        if enc.start is None:
            self.notices[f"{column}: encounter without a start, flag left empty"] += 1
            return ""
        flagged = False
        for hit in hits:
            when = hit.when
            linked = encounters.get(hit.encounter_id) if hit.encounter_id else None
            if when is None and linked is not None and linked.start is not None:
                when = (linked.start, linked.start + _INSTANT)
            if rule.scope == "before_encounter":
                if when is None:
                    self.notices[f"{column}: flag set by an undated Condition (taken as before the encounter)"] += 1
                    flagged = True
                elif when[1] <= enc.start:
                    flagged = True
            elif when is None:
                self.notices[f"{column}: undated Condition not placed after the encounter (per encounter)"] += 1
            elif when[1] > enc.start and when[0] <= enc.start + dt.timedelta(days=rule.days or 0):
                flagged = True
        return "1" if flagged else "0"
