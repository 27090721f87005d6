"""The role vocabulary of a study spec and the questions every consumer asks it.

Every column of every table of a study has exactly one role (``study.yaml``, docs/STUDY_SPEC.md).
The role says what the column IS; what the pipeline does with it follows from the role:

==================== ========================================================= ==================
role                 meaning                                                   de-identification
==================== ========================================================= ==================
patient_id           the patient's identifier (e.g. MRN; Safe Harbor H)        keyed pseudonym
encounter_id         the encounter / admission / visit identifier (R)          keyed pseudonym
record_id            identifier of one record of the table (e.g. note id; R)   keyed pseudonym
direct_identifier    an identifier of 45 CFR 164.514(b)(2)(i), letter A..R     dropped
quasi_identifier     demographics an outsider may know (generalisation ladder) kept / generalised
date                 a date of the individual (handling shift|year_only|       shifted / year /
                     birth_date)                                               age (90+)
event_time           the date of the event, also the temporal-split time       like ``date``
free_text            clinical free text                                        text de-id engine
site                 the site / hospital the record comes from                 kept
consent              research-consent flag (declared granted/refused values)   kept
outcome              the outcome (a column, or each rater's label)             kept
rater                who gave a label (staff, not a patient identifier)        kept
feature              a model input: numeric | binary | categorical             kept
sensitive_attribute  a sensitive value (l-diversity) that is not a QI          kept
keep                 released as is, not a model input                         kept
drop                 not released                                              dropped
==================== ========================================================= ==================

A quasi-identifier, a sensitive attribute or a birth date can also be a model input: it then
carries a ``feature:`` block (``sex``, ``age`` from the birth date) while keeping its one role.

The **age source** of a study (at most one, :func:`age_source`): a ``date`` column with
``handling: birth_date`` (age in whole years at the study's event time) or, in extracts that give
the age itself, a ``quasi_identifier`` with ``age: true`` (age in whole years). Either way the age
is released as attribute ``age`` with ages over 89 top-coded "90+" (Safe Harbor C), generalised by
its band ladder for k-anonymity, and yields the derived attributes ``age`` and ``age_band``
(usable as subgroups; a ``feature:`` block makes it a model input named ``age``).

Safe Harbor letters follow 45 CFR 164.514(b)(2)(i)(A)-(R).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from clinical_pipelines.study.spec import Study

PATIENT_ID, ENCOUNTER_ID, RECORD_ID = "patient_id", "encounter_id", "record_id"
DIRECT_IDENTIFIER, QUASI_IDENTIFIER = "direct_identifier", "quasi_identifier"
DATE, EVENT_TIME, FREE_TEXT = "date", "event_time", "free_text"
SITE, CONSENT, OUTCOME, RATER = "site", "consent", "outcome", "rater"
FEATURE, SENSITIVE_ATTRIBUTE, KEEP, DROP = "feature", "sensitive_attribute", "keep", "drop"

ROLES: tuple[str, ...] = (
    PATIENT_ID, ENCOUNTER_ID, RECORD_ID, DIRECT_IDENTIFIER, QUASI_IDENTIFIER, DATE, EVENT_TIME, FREE_TEXT,
    SITE, CONSENT, OUTCOME, RATER, FEATURE, SENSITIVE_ATTRIBUTE, KEEP, DROP,
)
ID_ROLES: tuple[str, ...] = (PATIENT_ID, ENCOUNTER_ID, RECORD_ID)
DATE_ROLES: tuple[str, ...] = (DATE, EVENT_TIME)

# 45 CFR 164.514(b)(2)(i): the eighteen identifiers of the Safe Harbor method.
SAFE_HARBOR: dict[str, str] = {
    "A": "Names",
    "B": "Geographic subdivisions smaller than a state (street, city, county, precinct, ZIP code)",
    "C": "All elements of dates (except year) directly related to an individual; ages over 89",
    "D": "Telephone numbers",
    "E": "Fax numbers",
    "F": "Email addresses",
    "G": "Social Security numbers",
    "H": "Medical record numbers",
    "I": "Health plan beneficiary numbers",
    "J": "Account numbers",
    "K": "Certificate/license numbers",
    "L": "Vehicle identifiers and serial numbers, including license plate numbers",
    "M": "Device identifiers and serial numbers",
    "N": "Web Universal Resource Locators (URLs)",
    "O": "Internet Protocol (IP) address numbers",
    "P": "Biometric identifiers, including finger and voice prints",
    "Q": "Full face photographic images and any comparable images",
    "R": "Any other unique identifying number, characteristic, or code",
}
# Letter of an identifier role when the spec does not give one.
DEFAULT_SAFE_HARBOR: dict[str, str] = {PATIENT_ID: "H", ENCOUNTER_ID: "R", RECORD_ID: "R", DATE: "C", EVENT_TIME: "C"}

# Date handling: shift (per-patient keyed shift keeping intervals; not Safe Harbor by itself, needs
# Expert Determination), year_only (Safe Harbor C keeps the year), birth_date (-> age in years at
# the event time, 90+ top-coded, no birth year released).
DATE_HANDLING: tuple[str, ...] = ("shift", "year_only", "birth_date")
# Generalisation ladder steps of quasi-identifiers, applied in order until k-anonymity holds:
# band5/band10/band20 (numeric ages in 5/10/20-year bands), zip3 (first three ZIP digits, the
# Safe Harbor B form, always the first step when present), year (a date to its year), suppress (last).
LADDER_STEPS: tuple[str, ...] = ("band5", "band10", "band20", "zip3", "year", "suppress")
FEATURE_TYPES: tuple[str, ...] = ("numeric", "binary", "categorical")
AGE, AGE_BAND = "age", "age_band"
AGE_TOP_CODE = 90  # Safe Harbor C: ages over 89 are aggregated into "90 or older", released as "90+"
AGE_FROM_BIRTH_DATE, AGE_IN_YEARS = "birth_date", "years"
DERIVED_ATTRIBUTES: tuple[str, ...] = (AGE, AGE_BAND)
SUBGROUP_ROLES: tuple[str, ...] = (QUASI_IDENTIFIER, SENSITIVE_ATTRIBUTE, SITE)

# De-identification action of each role (the `action` of a de-id policy column). Two actions depend on
# more than the role: "zip3" (a quasi-identifier whose ladder starts with zip3), "birth_date" (a birth
# date -> age at the event time, 90+) and "age" (an age in years, released as `age` with 90+ top-coding).
DEID_ACTION: dict[str, str] = {
    PATIENT_ID: "pseudonymize", ENCOUNTER_ID: "pseudonymize", RECORD_ID: "pseudonymize",
    DIRECT_IDENTIFIER: "drop", DROP: "drop", FREE_TEXT: "text", DATE: "date", EVENT_TIME: "date",
    QUASI_IDENTIFIER: "keep", SITE: "keep", CONSENT: "keep", OUTCOME: "keep", RATER: "keep", FEATURE: "keep",
    SENSITIVE_ATTRIBUTE: "keep", KEEP: "keep",
}
# Keyed-pseudonym namespace of an identifier role; a record id's namespace is its column name without "_id"
# (note_id -> note). The released pseudonym column is "<namespace>_pid" (clinical_pipelines.deid.study_rules).
PSEUDONYM_NAMESPACE: dict[str, str] = {PATIENT_ID: "patient", ENCOUNTER_ID: "encounter"}


@dataclass(frozen=True)
class ColumnRef:
    """One column of one table and its role."""

    table: str
    column: str
    role: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class DirectIdentifier:
    """A direct identifier column (dropped from every release) and its Safe Harbor letter (A..R)."""

    table: str
    column: str
    safe_harbor: str


@dataclass(frozen=True)
class QuasiIdentifier:
    """A quasi-identifier as released: ``attribute`` is the column name, or ``age`` for a birth date.

    ``ladder`` lists the generalisation steps in order (``zip3`` first when present: that is the
    Safe Harbor release form, see :attr:`release_step`; the rest is the k-anonymity ladder).
    """

    table: str
    column: str
    attribute: str
    ladder: tuple[str, ...]
    safe_harbor: str | None = None

    @property
    def release_step(self) -> str | None:
        return self.ladder[0] if self.ladder[:1] == ("zip3",) else None

    @property
    def k_ladder(self) -> tuple[str, ...]:
        return self.ladder[1:] if self.release_step else self.ladder


@dataclass(frozen=True)
class Feature:
    """A model input. ``name`` is the column, or ``age`` for the age derived from a birth date.

    ``range`` is the plausible range (inclusive, in ``unit``) for numeric features; ``categories``
    lists the allowed values of binary / categorical features (as written in the data).
    """

    table: str
    column: str
    name: str
    type: str
    unit: str | None = None
    range: tuple[float, float] | None = None
    categories: tuple[str, ...] = ()
    role: str = FEATURE
    scale: str = "linear"  # "log": modelled as log1p


@dataclass(frozen=True)
class AgeSource:
    """The study's age: ``kind`` ``birth_date`` (age at the event time) or ``years`` (an age column).

    Released as attribute ``age`` in whole years, ages over 89 as "90+" (:data:`AGE_TOP_CODE`,
    45 CFR 164.514(b)(2)(i)(C)); ``ladder`` is its k-anonymity band ladder; ``feature`` whether the
    age is a model input.
    """

    table: str
    column: str
    kind: str
    ladder: tuple[str, ...]
    feature: bool


@dataclass(frozen=True)
class DateColumn:
    """A date of the individual: ``handling`` shift | year_only | birth_date; ``format`` is strftime
    (``None`` only for native Parquet dates); ``event_time`` marks the temporal-split time."""

    table: str
    column: str
    handling: str
    format: str | None
    event_time: bool = False


@dataclass(frozen=True)
class DeidAction:
    """What de-identification does with one raw column (``namespace`` for keyed pseudonyms)."""

    table: str
    column: str
    action: str
    namespace: str | None = None


# --------------------------------------------------------------------------- queries
def _columns(study: Study) -> Iterable[tuple[str, str, object]]:
    for table_name, table in study.tables.items():
        for column_name, column in table.columns.items():
            yield table_name, column_name, column


def columns_with_role(study: Study, *roles: str, table: str | None = None) -> list[ColumnRef]:
    """Every column whose role is one of ``roles`` (in spec order), optionally of one table."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; roles are: {', '.join(ROLES)}")
    return [ColumnRef(t, c, col.role) for t, c, col in _columns(study)
            if col.role in roles and (table is None or t == table)]


def column_spec(study: Study, table: str, column: str):
    """The column model of ``table.column`` (KeyError naming both when absent)."""
    try:
        return study.tables[table].columns[column]
    except KeyError:
        raise KeyError(f"study {study.study_id!r} has no column {table}.{column}") from None


def direct_identifiers(study: Study) -> list[DirectIdentifier]:
    return [DirectIdentifier(t, c, col.safe_harbor) for t, c, col in _columns(study) if col.role == DIRECT_IDENTIFIER]


def quasi_identifiers(study: Study) -> list[QuasiIdentifier]:
    """Quasi-identifier columns (attribute ``age`` for an age column), plus ``age`` for a birth date."""
    out = []
    for t, c, col in _columns(study):
        if col.role == QUASI_IDENTIFIER:
            out.append(QuasiIdentifier(t, c, AGE if col.age else c, tuple(col.generalization), col.safe_harbor))
        elif col.role == DATE and col.handling == "birth_date":
            out.append(QuasiIdentifier(t, c, AGE, tuple(col.generalization), "C"))
    return out


def sensitive_attributes(study: Study) -> list[ColumnRef]:
    return columns_with_role(study, SENSITIVE_ATTRIBUTE)


def features(study: Study) -> list[Feature]:
    """Model inputs in spec order: ``feature`` columns and columns with a ``feature:`` block."""
    out = []
    for t, c, col in _columns(study):
        spec = col if col.role == FEATURE else getattr(col, "feature", None)
        if spec is None:
            continue
        name = AGE if col.role == DATE or getattr(col, "age", False) else c
        out.append(Feature(t, c, name, spec.type, spec.unit, tuple(spec.range) if spec.range else None,
                           tuple(str(x) for x in spec.categories or ()), col.role, spec.scale))
    return out


def age_sources(study: Study) -> list[AgeSource]:
    """Every age source (birth dates and ``age: true`` quasi-identifiers); a valid study has at most one."""
    out = []
    for t, c, col in _columns(study):
        if col.role == DATE and col.handling == "birth_date":
            out.append(AgeSource(t, c, AGE_FROM_BIRTH_DATE, tuple(col.generalization), col.feature is not None))
        elif col.role == QUASI_IDENTIFIER and col.age:
            out.append(AgeSource(t, c, AGE_IN_YEARS, tuple(col.generalization), col.feature is not None))
    return out


def age_source(study: Study) -> AgeSource | None:
    """The study's age source, or ``None`` when it has none (then ``age`` / ``age_band`` do not exist)."""
    found = age_sources(study)
    return found[0] if found else None


def date_columns(study: Study) -> list[DateColumn]:
    return [DateColumn(t, c, col.handling, col.format, col.role == EVENT_TIME)
            for t, c, col in _columns(study) if col.role in DATE_ROLES]


def event_time(study: Study) -> DateColumn | None:
    """The event-time column the temporal split uses (the one named by ``evaluation.temporal``)."""
    temporal = study.evaluation.temporal
    if getattr(temporal, "not_applicable", None):
        return None
    return next(d for d in date_columns(study) if d.event_time and (d.table, d.column) == study.resolve(temporal.column))


def free_text_columns(study: Study) -> list[ColumnRef]:
    return columns_with_role(study, FREE_TEXT)


def id_column(study: Study, role: str, table: str) -> str | None:
    """The ``patient_id`` / ``encounter_id`` / ``record_id`` column of ``table`` (at most one by the rules)."""
    found = columns_with_role(study, role, table=table)
    return found[0].column if found else None


def safe_harbor_columns(study: Study) -> dict[str, list[ColumnRef]]:
    """Safe Harbor letter -> the columns it covers (direct identifiers, ids, dates, lettered QIs)."""
    out: dict[str, list[ColumnRef]] = {letter: [] for letter in SAFE_HARBOR}
    for t, c, col in _columns(study):
        letter = getattr(col, "safe_harbor", None) or DEFAULT_SAFE_HARBOR.get(col.role)
        if letter:
            out[letter].append(ColumnRef(t, c, col.role))
    return out


def deid_actions(study: Study) -> list[DeidAction]:
    """The de-identification action of every raw column, derived from its role.

    Quasi-identifiers whose ladder starts with ``zip3`` are released as ZIP3 (Safe Harbor B);
    birth dates become ages (``birth_date``); an age column (``age: true``) is released as ``age``
    with ages over 89 as "90+" (``age``); other dates follow their ``handling``.
    """
    out = []
    for t, c, col in _columns(study):
        action = DEID_ACTION[col.role]
        if col.role == QUASI_IDENTIFIER and col.generalization[:1] == ["zip3"]:
            action = "zip3"
        elif col.role == DATE and col.handling == "birth_date":
            action = "birth_date"
        elif col.role == QUASI_IDENTIFIER and col.age:
            action = AGE
        namespace = PSEUDONYM_NAMESPACE.get(col.role, c.removesuffix("_id")) if action == "pseudonymize" else None
        out.append(DeidAction(t, c, action, namespace))
    return out
