"""The import map: which FHIR codes become which study columns (YAML, validated with pydantic v2).

A map file (``default_map.yaml`` beside this module is the one used when none is given) declares

- ``identifiers``: output column -> how to pick the ``Patient.identifier`` (by ``identifier.type``
  code of HL7 v2 table 0203, e.g. ``MR`` = medical record number, and/or by ``identifier.system``)
  and its HIPAA Safe Harbor letter (45 CFR 164.514(b)(2)(i)(A)-(R));
- ``features``: output column -> LOINC codes (matched on ``Observation.code`` and on
  ``Observation.component.code``), the UCUM unit of the column, conversions from other UCUM units
  (only those declared are converted; any other unit is reported and not used), and which value is
  kept per encounter (``first`` / ``last`` by effective time, ``min``, ``max``, ``mean``);
  or, for coded observations (``valueCodeableConcept``), the codes that mean 1;
- ``conditions``: output column -> ICD-10 code prefixes and/or SNOMED CT codes, and the scope of
  the binary flag (``encounter``, ``before_encounter``, ``patient``, ``after_encounter`` with days);
- ``outcome`` (optional): one output column built like a feature or a condition flag;
- ``encounters`` / ``observations`` / ``notes``: statuses excluded, note content types, and
  whether resources without an encounter reference are linked by time to the patient's encounter.

Errors raise :class:`MapError` naming the file, the key path and what is allowed, never a value
from the export.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from clinical_pipelines.fhir.columns import FIXED_ENCOUNTER_COLUMNS

DEFAULT_MAP_PATH = Path(__file__).with_name("default_map.yaml")

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
SNOMED_SYSTEM = "http://snomed.info/sct"
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10")
V2_0203_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"

COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LOINC_CODE = re.compile(r"^\d{1,7}-\d$")
SAFE_HARBOR_LETTERS = tuple("ABCDEFGHIJKLMNOPQR")


class MapError(ValueError):
    """The import map is unreadable or breaks the schema (message: file, key path, what is allowed)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdentifierRule(_Strict):
    """Pick the first ``Patient.identifier`` whose type code and/or system match."""

    type_code: str | None = Field(None, description="identifier.type coding code (HL7 v2-0203), e.g. MR, SS")
    system: str | None = Field(None, description="identifier.system URI, e.g. http://hl7.org/fhir/sid/us-ssn")
    safe_harbor: Literal[SAFE_HARBOR_LETTERS] = "R"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_selector(self) -> IdentifierRule:
        if self.type_code is None and self.system is None:
            raise ValueError("give type_code and/or system")
        return self


class Conversion(_Strict):
    """``value_in_column_unit = (value + offset) * factor``; ``factor`` may be a fraction such as ``5/9``."""

    factor: str = "1"
    offset: str = "0"

    @field_validator("factor", "offset", mode="before")
    @classmethod
    def _number(cls, value: object) -> str:
        text = str(value).strip()
        try:
            Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError("a number or a fraction such as 5/9") from None
        return text

    def apply(self, value: Fraction) -> Fraction:
        return (value + Fraction(self.offset)) * Fraction(self.factor)


Choice = Literal["first", "last", "min", "max", "mean"]


class FeatureRule(_Strict):
    """One feature column from Observations with any of ``loinc`` (code or component code)."""

    loinc: list[str] = Field(min_length=1)
    unit: str | None = Field(None, description="UCUM code of the column (numeric features)")
    convert: dict[str, Conversion] = Field(default_factory=dict, description="other UCUM unit -> conversion")
    choose: Choice = "last"
    value_codes: list[str] = Field(default_factory=list, description="coded value 'system|code' meaning 1")
    range: tuple[float, float] | None = None

    @field_validator("loinc")
    @classmethod
    def _loinc(cls, codes: list[str]) -> list[str]:
        bad = [c for c in codes if not LOINC_CODE.match(str(c))]
        if bad:
            raise ValueError(f"{len(bad)} code(s) are not LOINC codes (digits, '-', check digit)")
        return codes

    @model_validator(mode="after")
    def _kind(self) -> FeatureRule:
        if self.value_codes and (self.unit or self.convert):
            raise ValueError("a coded feature (value_codes) has no unit or convert")
        if not self.value_codes and not self.unit:
            raise ValueError("give unit (numeric feature, UCUM code) or value_codes (coded feature)")
        if self.value_codes and self.choose in ("mean", "min"):
            raise ValueError("a coded feature chooses first, last or max")
        if any("|" not in c for c in self.value_codes):
            raise ValueError("value_codes entries are 'system|code'")
        return self

    @property
    def binary(self) -> bool:
        return bool(self.value_codes)


Scope = Literal["encounter", "before_encounter", "patient", "after_encounter"]


class ConditionRule(_Strict):
    """A binary flag: 1 when a Condition with one of the codes falls in the scope, else 0."""

    icd10: list[str] = Field(default_factory=list, description="ICD-10 code prefixes (dots ignored)")
    snomed: list[str] = Field(default_factory=list, description="SNOMED CT concept ids (exact)")
    scope: Scope = "before_encounter"
    days: int | None = Field(None, ge=0, description="after_encounter: window in days from the encounter start")

    @model_validator(mode="after")
    def _codes(self) -> ConditionRule:
        if not self.icd10 and not self.snomed:
            raise ValueError("give icd10 and/or snomed codes")
        if (self.scope == "after_encounter") != (self.days is not None):
            raise ValueError("days is required with scope after_encounter and only there")
        return self

    def matches(self, system: str | None, code: str | None) -> bool:
        if not code:
            return False
        if system in ICD10_SYSTEMS:
            plain = code.replace(".", "").upper()
            return any(plain.startswith(p.replace(".", "").upper()) for p in self.icd10)
        if system == SNOMED_SYSTEM:
            return code in self.snomed
        return False


class OutcomeRule(_Strict):
    """The outcome column: from a Condition (flag) or an Observation (value), exactly one of them."""

    column: str
    condition: ConditionRule | None = None
    observation: FeatureRule | None = None
    definition: str = Field(description="what the column means, copied into the study template")

    @model_validator(mode="after")
    def _one(self) -> OutcomeRule:
        if (self.condition is None) == (self.observation is None):
            raise ValueError("give exactly one of condition or observation")
        if not COLUMN_NAME.match(self.column):
            raise ValueError("column must match [a-z][a-z0-9_]*")
        return self


class EncounterOptions(_Strict):
    exclude_status: list[str] = ["entered-in-error", "cancelled"]
    site_from: list[Literal["serviceProvider", "location"]] = ["serviceProvider", "location"]


class ObservationOptions(_Strict):
    statuses: list[str] = ["final", "amended", "corrected"]
    link_by_time: bool = True
    parse_unmapped: bool = Field(True, description="false: Observations whose codes the map does not name are "
                                 "counted without FHIR validation (faster on large exports)")


class NoteOptions(_Strict):
    content_types: list[str] = ["text/plain"]
    default_charset: str = "utf-8"
    link_by_time: bool = True


class ImportMap(_Strict):
    """The whole map (see the module docstring)."""

    map_version: int = 1
    identifiers: dict[str, IdentifierRule] = Field(default_factory=dict)
    features: dict[str, FeatureRule] = Field(default_factory=dict)
    conditions: dict[str, ConditionRule] = Field(default_factory=dict)
    outcome: OutcomeRule | None = None
    encounters: EncounterOptions = EncounterOptions()
    observations: ObservationOptions = ObservationOptions()
    notes: NoteOptions = NoteOptions()

    @model_validator(mode="after")
    def _names(self) -> ImportMap:
        seen: set[str] = set(FIXED_ENCOUNTER_COLUMNS)
        names = [*self.identifiers, *self.features, *self.conditions]
        if self.outcome is not None:
            names.append(self.outcome.column)
        for name in names:
            if not COLUMN_NAME.match(name):
                raise ValueError(f"column name #{names.index(name) + 1} must match [a-z][a-z0-9_]*")
            if name in seen:
                raise ValueError(f"column {name!r} is declared twice (or is a fixed column)")
            seen.add(name)
        return self

    def feature_rules(self) -> dict[str, FeatureRule]:
        """Features plus an observation outcome (same extraction)."""
        rules = dict(self.features)
        if self.outcome is not None and self.outcome.observation is not None:
            rules[self.outcome.column] = self.outcome.observation
        return rules

    def condition_rules(self) -> dict[str, ConditionRule]:
        rules = dict(self.conditions)
        if self.outcome is not None and self.outcome.condition is not None:
            rules[self.outcome.column] = self.outcome.condition
        return rules


def _key_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if not str(part).startswith(("function-", "literal")))


def load_map(path: Path | str | None = None) -> ImportMap:
    """Read and validate a map file (``None``: the default map). Raises :class:`MapError`."""
    path = Path(path) if path is not None else DEFAULT_MAP_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MapError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}); "
                       "give an existing map file with --map") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f", line {where.line + 1}" if where is not None else ""
        raise MapError(f"{path}{line}: is not valid UTF-8 YAML") from None
    if not isinstance(data, dict):
        raise MapError(f"{path}: must be a YAML mapping with keys identifiers, features, conditions, ...")
    try:
        return ImportMap.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False, include_input=False):
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{path}: {_key_path(err['loc']) or '(top level)'}: {msg}")
        raise MapError("\n".join(lines)) from None
