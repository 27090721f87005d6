"""Value rules of the extract contract: what each column of a study's tables may hold, from its role.

The columns, their types, formats and plausible ranges come from the study spec
(``studies/<study_id>/study.yaml``, docs/STUDY_SPEC.md); :func:`rules_for` turns each column's role
into a :class:`ValueRule`. Rules, with their sources:

- dates (roles ``date``, ``event_time``) in the declared format: ``%Y-%m-%d`` is read strictly as an
  ISO 8601 calendar date ``YYYY-MM-DD`` (ISO 8601-1:2019, 5.2.2), any other declared strftime format
  exactly as declared; no date before 1900-01-01, none after the extract time (``extracted_at`` of the
  batch descriptor); a date is never before the column its ``not_before`` names; a birth date is not
  after the event time, and the age at the event time is at most 122 years (the oldest verified human
  lifespan, 122 years 164 days); the event time is required;
- kept date-times (``keep`` with ``type: datetime``) and the descriptor's ``extracted_at`` are ISO 8601
  date-times with a ``T`` or space separator and optional offset, not in the future;
- numeric features are decimal numbers (empty or a declared missing code = missing) inside the
  declared plausible range: values outside are incompatible with life or are unit errors (e.g.
  Fahrenheit in a Celsius column, g/L in a g/dL column); binary features are 0 or 1 (or their two
  declared categories), categorical features one of their declared categories; an age in years
  (``age: true``) may be Safe Harbor's top code written as text (``90+``);
- identifiers (roles ``patient_id``, ``encounter_id``, ``record_id``, ``site``, ``rater``) are
  required and have no surrounding spaces, since they are matched and pseudonymised exactly; the
  table's ``primary_key`` is unique in its file;
- the consent flag holds one of its declared granted/refused values; a rater's label is one of the
  allowed labels (a rater who gives no rating leaves the row out: Krippendorff's alpha treats the
  absent pair as missing); free text is not blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from clinical_pipelines.ingest import messages
from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import RaterLabels, Study

DATE, DATETIME, NUMBER, CHOICE, TEXT = "date", "datetime", "number", "choice", "text"

EARLIEST_DATE = date(1900, 1, 1)
MAX_AGE_YEARS = 122
ISO_FORMAT = "%Y-%m-%d"  # a declared date format read strictly as ISO 8601 (zero-padded, no time)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
ID_ROLES = (R.PATIENT_ID, R.ENCOUNTER_ID, R.RECORD_ID, R.SITE, R.RATER)


@dataclass(frozen=True)
class ValueRule:
    """What one column may hold. ``low``/``high`` bound numbers (inclusive), in ``unit``.

    ``date_format``: the declared strftime format of a date (``%Y-%m-%d`` = strict ISO 8601);
    ``missing``/``missing_numbers``: values that mean "missing" (exact text / numeric value);
    ``not_before``: a date column of the same row this date never precedes; ``birth``: a birth date
    (checked against the event time); ``event_time``: the study's event time of this table.
    """

    kind: str = TEXT
    required: bool = False  # an empty value is a problem
    unique: bool = False  # a value may appear once per file
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    empty_problem: str = "empty (a value is required)"
    identifier: bool = False  # matched exactly across files: no surrounding spaces
    date_format: str = ISO_FORMAT
    missing: tuple[str, ...] = ("",)
    missing_numbers: tuple[float, ...] = ()
    top_coded_age: bool = False
    not_before: str | None = None
    birth: bool = False
    event_time: bool = False

    def describe(self) -> str:
        if self.kind == NUMBER and self.choices:
            return " or ".join(self.choices)
        if self.kind == NUMBER:
            return f"{_fmt(self.low)} to {_fmt(self.high)} {self.unit}".strip()
        if self.kind == CHOICE:
            return " or ".join(self.choices)
        if self.kind == DATE:
            return "ISO 8601 date YYYY-MM-DD" if self.date_format == ISO_FORMAT else f"date {self.date_format}"
        return {DATETIME: "ISO 8601 date-time"}.get(self.kind, "text")

    def is_missing(self, value: str) -> bool:
        """``value`` (stripped) is empty or one of the column's missing codes."""
        if value in self.missing:
            return True
        return bool(self.missing_numbers) and bool(DECIMAL_RE.match(value)) and float(value) in self.missing_numbers


def _fmt(x: float | None) -> str:
    return f"{x:g}" if x is not None else "?"


def _num(low: float | None, high: float | None, unit: str | None) -> ValueRule:
    return ValueRule(kind=NUMBER, low=low, high=high, unit=unit or "")


def _choices(allowed: list[str]) -> ValueRule:
    """Allowed values: numbers compared by value when they are all numbers (``1`` = ``1.0``)."""
    if all(DECIMAL_RE.match(a) for a in allowed):
        return ValueRule(kind=NUMBER, choices=tuple(allowed))
    return ValueRule(kind=CHOICE, choices=tuple(allowed))


def _feature_rule(feature) -> ValueRule:
    if feature.type == "numeric":
        low, high = feature.range if feature.range else (None, None)
        return _num(low, high, feature.unit)
    return _choices(list(feature.allowed or []))


def _base_rule(study: Study, table: str, column: str, spec) -> ValueRule:
    role = spec.role
    pk = study.tables[table].primary_key == column
    if role in ID_ROLES:
        return ValueRule(required=True, unique=pk, identifier=True)
    if role in R.DATE_ROLES:
        return ValueRule(kind=DATE, required=role == R.EVENT_TIME, date_format=spec.format or ISO_FORMAT,
                         not_before=getattr(spec, "not_before", None),
                         birth=getattr(spec, "handling", None) == "birth_date", event_time=role == R.EVENT_TIME)
    if role == R.CONSENT:
        return ValueRule(kind=CHOICE, required=True, choices=tuple(spec.granted) + tuple(spec.refused))
    if role == R.FREE_TEXT:
        return ValueRule(required=True, empty_problem="empty free text (a value is required)")
    if role == R.OUTCOME and isinstance(study.labels, RaterLabels) and \
            (study.labels.table, study.labels.label_column) == (table, column):
        rule = _choices(list(study.labels.allowed))
        return ValueRule(kind=rule.kind, choices=rule.choices, required=True,
                         empty_problem=messages.MISSING_RATING)
    if role == R.KEEP and spec.type == "datetime":
        return ValueRule(kind=DATETIME)
    feature = spec if role == R.FEATURE else getattr(spec, "feature", None)
    if feature is not None:
        rule = _feature_rule(feature)
        return ValueRule(kind=rule.kind, low=rule.low, high=rule.high, unit=rule.unit, choices=rule.choices,
                         top_coded_age=bool(getattr(spec, "age", False)), unique=pk)
    return ValueRule(unique=pk)


def rules_for(study: Study, table: str) -> dict[str, ValueRule]:
    """Column -> :class:`ValueRule` of every column of ``table``, in spec order (KeyError for an unknown table)."""
    spec = study.tables[table]
    out = {}
    for column, col in spec.columns.items():
        codes = tuple(spec.missing_for(column))
        numbers = tuple(float(c) for c in codes if DECIMAL_RE.match(c))
        rule = _base_rule(study, table, column, col)
        out[column] = ValueRule(**{**rule.__dict__, "missing": tuple(dict.fromkeys(("",) + codes)),
                                   "missing_numbers": numbers})
    return out


# Fields of the batch descriptor (``batch_descriptor`` of the study, e.g. extract.json) the checks read.
DESCRIPTOR_DATETIME = "extracted_at"
DESCRIPTOR_SITE = "site_id"


def parse_date(value: str) -> tuple[date | None, str | None]:
    """(date, None) for a valid ISO date, else (None, problem)."""
    if not ISO_DATE_RE.match(value):
        return None, "not an ISO 8601 date (YYYY-MM-DD)"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "impossible date (no such calendar day)"


def parse_declared_date(value: str, fmt: str = ISO_FORMAT) -> tuple[date | None, str | None]:
    """(date, None) for a value in the declared strftime format (``%Y-%m-%d``: strict ISO 8601), else
    (None, problem). A format holding only a year (``%Y``) gives 1 January of that year."""
    if fmt == ISO_FORMAT:
        return parse_date(value)
    try:
        return datetime.strptime(value, fmt).date(), None
    except ValueError:
        return None, messages.date_not_in_format(fmt)


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
    if rule.top_coded_age:
        from clinical_pipelines.study.values import TOP_CODED_RE

        if TOP_CODED_RE.match(value):
            return None
    if not DECIMAL_RE.match(value):
        if rule.choices:
            return messages.not_allowed(rule.choices)
        return messages.NOT_A_NUMBER
    x = float(value)
    if rule.choices:
        return None if x in {float(c) for c in rule.choices} else messages.not_allowed(rule.choices)
    if (rule.low is not None and x < rule.low) or (rule.high is not None and x > rule.high):
        return messages.out_of_range(rule.low, rule.high, rule.unit)
    return None


def value_problem(value: str, rule: ValueRule) -> str | None:
    """Why a non-empty ``value`` breaks ``rule`` (dates: :func:`parse_declared_date`)."""
    if rule.kind == NUMBER:
        return number_problem(value, rule)
    if rule.kind == CHOICE and value not in rule.choices:
        return messages.not_allowed(rule.choices)
    if rule.kind == DATE:
        return parse_declared_date(value, rule.date_format)[1]
    if rule.kind == DATETIME:
        return parse_datetime(value)[1]
    return None
