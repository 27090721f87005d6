"""Value rules of the extract contract: types, formats and plausible ranges per column.

The columns themselves are defined once, in :mod:`clinical_pipelines.ingest.contract`; this module
only attaches rules to some of them (a rule for a name that is not a contract column fails at
import). Rules, with their sources:

- dates are ISO 8601 calendar dates ``YYYY-MM-DD`` (ISO 8601-1:2019, 5.2.2), datetimes ISO 8601
  with a ``T`` or space separator and optional offset; no date before 1900-01-01, none after the
  extract time (``extract.json`` ``extracted_at``), no discharge before admission, no birth after
  admission;
- age at admission is at most 122 years (the oldest verified human lifespan, 122 years 164 days);
- clinical measurements are decimal numbers (empty = missing) inside physiological limits: values
  outside are incompatible with life or are unit errors (e.g. Fahrenheit in ``temperature_c``, g/L
  in ``hemoglobin_g_dl``, umol/L in ``creatinine_mg_dl``), and comorbidity flags are 0 or 1;
- identifiers (``mrn``, ``encounter_id``, ``site_id``, ``note_id``, ``rater_id``) have no surrounding
  spaces, since they are matched and pseudonymised exactly;
- ``research_consent`` is ``Y`` or ``N`` and the outcome ``label`` is 0 or 1 (a rater who gives no
  rating leaves the row out: Krippendorff's alpha treats the absent pair as missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from clinical_pipelines.ingest import contract

DATE, DATETIME, NUMBER, CHOICE, TEXT = "date", "datetime", "number", "choice", "text"

EARLIEST_DATE = date(1900, 1, 1)
MAX_AGE_YEARS = 122
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ValueRule:
    """What one column may hold. ``low``/``high`` bound numbers (inclusive), in ``unit``."""

    kind: str = TEXT
    required: bool = False  # an empty value is a problem
    unique: bool = False  # a value may appear once per file
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    empty_problem: str = "empty (a value is required)"
    identifier: bool = False  # matched exactly across files: no surrounding spaces

    def describe(self) -> str:
        if self.kind == NUMBER and self.choices:
            return " or ".join(self.choices)
        if self.kind == NUMBER:
            return f"{_fmt(self.low)} to {_fmt(self.high)} {self.unit}".strip()
        if self.kind == CHOICE:
            return " or ".join(self.choices)
        return {DATE: "ISO 8601 date YYYY-MM-DD", DATETIME: "ISO 8601 date-time"}.get(self.kind, "text")


def _fmt(x: float | None) -> str:
    return f"{x:g}" if x is not None else "?"


ID = ValueRule(required=True, identifier=True)


def _num(low: float, high: float, unit: str) -> ValueRule:
    return ValueRule(kind=NUMBER, low=low, high=high, unit=unit)


FLAG = ValueRule(kind=NUMBER, low=0, high=1, choices=("0", "1"))

ENCOUNTER_RULES: dict[str, ValueRule] = {
    "mrn": ID,
    "birth_date": ValueRule(kind=DATE),
    "research_consent": ValueRule(kind=CHOICE, required=True, choices=("Y", "N")),
    "encounter_id": ValueRule(required=True, unique=True, identifier=True),
    "site_id": ID,
    "admit_date": ValueRule(kind=DATE, required=True),
    "discharge_date": ValueRule(kind=DATE),
    "heart_rate": _num(0, 350, "beats/min"),
    "systolic_bp": _num(0, 350, "mmHg"),
    "diastolic_bp": _num(0, 250, "mmHg"),
    "resp_rate": _num(0, 80, "breaths/min"),
    "temperature_c": _num(10, 46, "degrees C"),
    "spo2": _num(0, 100, "%"),
    "creatinine_mg_dl": _num(0, 40, "mg/dL"),
    "potassium_mmol_l": _num(0.5, 15, "mmol/L"),
    "sodium_mmol_l": _num(80, 220, "mmol/L"),
    "troponin_ng_l": _num(0, 1_000_000, "ng/L"),
    "hemoglobin_g_dl": _num(0, 25, "g/dL"),
    "wbc_10e9_l": _num(0, 1000, "10^9/L"),
    "bnp_pg_ml": _num(0, 100_000, "pg/mL"),
    "qrs_ms": _num(20, 400, "ms"),
    "qtc_ms": _num(150, 900, "ms"),
    "pr_ms": _num(0, 1000, "ms"),
    "st_deviation_mm": _num(-20, 20, "mm"),
    "atrial_fibrillation": FLAG,
    "diabetes": FLAG,
    "hypertension": FLAG,
    "prior_mi": FLAG,
    "current_smoker": FLAG,
}
NOTE_RULES: dict[str, ValueRule] = {
    "note_id": ValueRule(required=True, unique=True, identifier=True),
    "encounter_id": ID,
    "mrn": ID,
    "note_date": ValueRule(kind=DATE),
    "text": ValueRule(required=True, empty_problem="empty note text"),
}
LABEL_RULES: dict[str, ValueRule] = {
    "encounter_id": ID,
    "rater_id": ID,
    "label": ValueRule(kind=NUMBER, required=True, low=0, high=1, choices=("0", "1"),
                       empty_problem="missing rating (empty label): leave the row out when the rater gave no rating"),
    "labeled_at": ValueRule(kind=DATETIME),
}
DESCRIPTOR_DATETIME = "extracted_at"

for _rules, _columns in ((ENCOUNTER_RULES, contract.ENCOUNTER_COLUMNS), (NOTE_RULES, contract.NOTE_FIELDS),
                         (LABEL_RULES, contract.LABEL_COLUMNS)):
    _unknown = sorted(set(_rules) - set(_columns))
    if _unknown:  # pragma: no cover - a programming error caught by any import
        raise RuntimeError(f"value rules name column(s) that are not in the contract: {_unknown}")


def parse_date(value: str) -> tuple[date | None, str | None]:
    """(date, None) for a valid ISO date, else (None, problem)."""
    if not ISO_DATE_RE.match(value):
        return None, "not an ISO 8601 date (YYYY-MM-DD)"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "impossible date (no such calendar day)"


def parse_datetime(value: str) -> tuple[datetime | None, str | None]:
    """(datetime, None) for a valid ISO date-time, else (None, problem).

    A date-time with an offset is converted to UTC; one without is taken as written (naive).
    """
    if not ISO_DATETIME_RE.match(value):
        return None, "not an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS)"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None, "impossible date-time (no such calendar day or time)"
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed, None


def number_problem(value: str, rule: ValueRule) -> str | None:
    """Why ``value`` breaks a numeric rule (``None`` when it is fine)."""
    if not DECIMAL_RE.match(value):
        if rule.choices:
            return f"outside the allowed set {{{', '.join(rule.choices)}}}"
        return "not a number (a decimal with '.'; empty means missing)"
    x = float(value)
    if rule.choices:
        return None if x in {float(c) for c in rule.choices} else f"outside the allowed set {{{', '.join(rule.choices)}}}"
    if (rule.low is not None and x < rule.low) or (rule.high is not None and x > rule.high):
        return f"outside the plausible range {rule.describe()}"
    return None


def value_problem(value: str, rule: ValueRule) -> str | None:
    """Why a non-empty ``value`` breaks ``rule`` (dates are checked by :func:`parse_date`)."""
    if rule.kind == NUMBER:
        return number_problem(value, rule)
    if rule.kind == CHOICE and value not in rule.choices:
        return f"outside the allowed set {{{', '.join(rule.choices)}}}"
    if rule.kind == DATE:
        return parse_date(value)[1]
    if rule.kind == DATETIME:
        return parse_datetime(value)[1]
    return None
