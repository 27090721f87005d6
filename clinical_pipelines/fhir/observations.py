"""Observation resources (LOINC-coded labs and vital signs) -> one value per encounter and feature.

Matching: an Observation feeds feature F when a ``code.coding`` with system ``http://loinc.org`` has
one of F's LOINC codes (the Observation's value), or when a ``component.code`` does (that
component's value; e.g. systolic 8480-6 and diastolic 8462-4 inside a blood-pressure panel 85354-9).

Values:
- numeric features take ``valueQuantity``. Its unit is the UCUM ``code`` (``system``
  http://unitsofmeasure.org or absent), else the ``unit`` text. A value in the feature's unit is
  kept exactly; a value in a unit the map lists under ``convert`` is converted with
  ``(value + offset) * factor`` (exact fractions); any other unit is not used and is reported.
  A value with a ``comparator`` (``<``, ``>``, ...) is a bound, not a measurement: not used, reported.
  ``valueInteger`` counts only for features whose unit is ``1``;
- coded features take ``valueCodeableConcept``: 1 when one of its codings is in ``value_codes``, else 0.

Choice per encounter (map ``choose``): ``first`` / ``last`` by effective time (``effectiveDateTime``,
``effectivePeriod.start``, ``effectiveInstant``, else ``issued``; values without any time rank after
timed ones for ``first`` and before them for ``last``, ties in file order), ``min``, ``max``, ``mean``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from clinical_pipelines.fhir.mapping import LOINC_SYSTEM, UCUM_SYSTEM, FeatureRule
from clinical_pipelines.fhir.resources import instant

OBSERVATION_STATUSES = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"})
_LATE = dt.datetime.max
_EARLY = dt.datetime.min


@dataclass(frozen=True)
class Extracted:
    column: str
    value: Fraction
    converted_from: str | None = None


def observation_time(obs: Any) -> dt.datetime | None:
    for value in (obs.effectiveDateTime, obs.effectivePeriod.start if obs.effectivePeriod else None,
                  obs.effectiveInstant, obs.issued):
        t = instant(value)
        if t is not None:
            return t
    return None


def _loinc_codes(concept: Any) -> list[str]:
    if concept is None:
        return []
    return [c.code for c in concept.coding or [] if c.system == LOINC_SYSTEM and c.code]


class FeatureMatcher:
    """LOINC code -> feature columns, for a map's feature rules."""

    def __init__(self, rules: dict[str, FeatureRule]) -> None:
        self.rules = rules
        self.by_code: dict[str, list[str]] = defaultdict(list)
        for column, rule in rules.items():
            for code in rule.loinc:
                self.by_code[code].append(column)

    def mentioned(self, obj: dict[str, Any]) -> bool:
        """Whether a raw Observation (JSON object) names a mapped LOINC code in code or component.code."""
        concepts = [obj.get("code")] + [c.get("code") for c in obj.get("component") or [] if isinstance(c, dict)]
        for concept in concepts:
            codings = concept.get("coding") if isinstance(concept, dict) else None
            for coding in codings if isinstance(codings, list) else []:
                if isinstance(coding, dict) and coding.get("system") == LOINC_SYSTEM and coding.get("code") in self.by_code:
                    return True
        return False

    def _targets(self, obs: Any) -> list[tuple[str, Any]]:
        """``(column, holder)`` pairs; holder is the Observation or the matching component."""
        out = []
        for code in _loinc_codes(obs.code):
            out += [(col, obs) for col in self.by_code.get(code, [])]
        for comp in obs.component or []:
            for code in _loinc_codes(comp.code):
                out += [(col, comp) for col in self.by_code.get(code, [])]
        seen: set[str] = set()
        return [(c, h) for c, h in out if not (c in seen or seen.add(c))]

    def extract(self, obs: Any) -> tuple[list[Extracted], list[str]]:
        """Values this Observation gives, and the reasons for the matches it could not give."""
        targets = self._targets(obs)
        if not targets:
            return [], ["code not in the map"]
        values, reasons = [], []
        for column, holder in targets:
            got = self._value(column, self.rules[column], holder)
            if isinstance(got, Extracted):
                values.append(got)
            else:
                reasons.append(got)
        return values, reasons

    @staticmethod
    def _value(column: str, rule: FeatureRule, holder: Any) -> Extracted | str:
        if rule.binary:
            concept = holder.valueCodeableConcept
            if concept is None:
                return f"{column}: value is not a CodeableConcept"
            codes = {f"{c.system}|{c.code}" for c in concept.coding or []}
            return Extracted(column, Fraction(1 if codes & set(rule.value_codes) else 0))
        if holder.valueInteger is not None and rule.unit == "1":
            return Extracted(column, Fraction(int(holder.valueInteger)))
        qty = holder.valueQuantity
        if qty is None or qty.value is None:
            return f"{column}: no valueQuantity" + (" (dataAbsentReason)" if holder.dataAbsentReason else "")
        if qty.comparator is not None:
            return f"{column}: value has a comparator (a bound, not a measurement)"
        if qty.system is not None and qty.system != UCUM_SYSTEM:
            return f"{column}: unit system is not UCUM"
        unit = qty.code or qty.unit
        value = Fraction(Decimal(qty.value))
        if unit == rule.unit:
            return Extracted(column, value)
        if unit in rule.convert:
            return Extracted(column, rule.convert[unit].apply(value), converted_from=unit)
        return f"{column}: unit not declared in the map"


@dataclass
class _Agg:
    first: tuple | None = None
    last: tuple | None = None
    low: Fraction | None = None
    high: Fraction | None = None
    total: Fraction = Fraction(0)
    n: int = 0

    def add(self, value: Fraction, when: dt.datetime | None, order: int) -> None:
        key_first = (when or _LATE, order)
        key_last = (when or _EARLY, order)
        if self.first is None or key_first < self.first[0]:
            self.first = (key_first, value)
        if self.last is None or key_last > self.last[0]:
            self.last = (key_last, value)
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        self.total += value
        self.n += 1

    def result(self, choose: str) -> Fraction:
        return {"first": lambda: self.first[1], "last": lambda: self.last[1], "min": lambda: self.low,
                "max": lambda: self.high, "mean": lambda: self.total / self.n}[choose]()


@dataclass
class FeatureValues:
    """Values per (encounter, column), chosen at the end."""

    rules: dict[str, FeatureRule]
    cells: dict[tuple[str, str], _Agg] = field(default_factory=dict)

    def add(self, encounter_id: str, item: Extracted, when: dt.datetime | None, order: int) -> None:
        self.cells.setdefault((encounter_id, item.column), _Agg()).add(item.value, when, order)

    def chosen(self) -> dict[str, dict[str, Fraction]]:
        """encounter id -> column -> chosen value."""
        out: dict[str, dict[str, Fraction]] = defaultdict(dict)
        for (enc, column), agg in self.cells.items():
            out[enc][column] = agg.result(self.rules[column].choose)
        return out


def format_value(value: Fraction) -> str:
    """Plain decimal text: exact when the value is a finite decimal, else rounded to 6 places."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    if d.as_tuple().exponent < -6:
        d = d.quantize(Decimal("1e-6"))
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text
