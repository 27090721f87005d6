"""Parsing one NDJSON line into a FHIR R4 model, references and dates, without leaking values.

Models: ``fhir.resources.R4B`` (FHIR 4.3.0) of ``fhir.resources`` 8.3.0. That release's top-level
package is R5 and it has no 4.0.1 package; R4B is the R4 line (4.3.0 changed only medication-
definition and evidence resources, and it reads the R4 Patient, Encounter, Observation, Condition
and DocumentReference used here unchanged).

A line that cannot be parsed yields a :class:`LineError` with the FHIR element path (e.g.
``content[0].attachment.data``) and a reason built from the validator's error *type* and message,
never from the input value (pydantic errors carry the input; it is dropped here).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import fhir.resources
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

FHIR_LIBRARY = f"fhir.resources {fhir.resources.__version__} (fhir.resources.R4B, FHIR 4.3.0)"
SUPPORTED = {"Patient": Patient, "Encounter": Encounter, "Observation": Observation,
             "Condition": Condition, "DocumentReference": DocumentReference}
IMPORT_ORDER = ("Patient", "Encounter", "Observation", "Condition", "DocumentReference")
TYPE_NAME = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
_ABSTRACT = frozenset({"Resource", "DomainResource", "CanonicalResource", "MetadataResource"})
_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_GENDERS = frozenset({"male", "female", "other", "unknown"})  # AdministrativeGender (required binding)


@dataclass(frozen=True)
class LineError:
    reason: str
    element: str | None = None


@lru_cache(maxsize=None)
def is_fhir_type(name: str) -> bool:
    """True when ``name`` is a resource type of FHIR R4B (``fhir.resources.R4B``)."""
    try:
        model = get_fhir_model_class(name)
    except (ValueError, AttributeError):
        return False
    return name not in _ABSTRACT and isinstance(model, type) and issubclass(model, Resource)


# FHIR R4 (4.0.1) resource types that R4B replaced; known (so not "unknown"), never imported here.
R4_ONLY_TYPES = frozenset((
    "EffectEvidenceSynthesis RiskEvidenceSynthesis SubstanceNucleicAcid SubstancePolymer SubstanceProtein "
    "SubstanceReferenceInformation SubstanceSourceMaterial SubstanceSpecification MedicinalProduct "
    "MedicinalProductAuthorization MedicinalProductContraindication MedicinalProductIndication "
    "MedicinalProductIngredient MedicinalProductInteraction MedicinalProductManufactured "
    "MedicinalProductPackaged MedicinalProductPharmaceutical MedicinalProductUndesirableEffect").split())


def is_known_type(name: str) -> bool:
    """True for a FHIR R4 / R4B resource type name (imports only that type's model module)."""
    return name in R4_ONLY_TYPES or (bool(TYPE_NAME.match(name)) and is_fhir_type(name))


def decode_line(raw: bytes) -> tuple[dict[str, Any] | None, LineError | None]:
    """JSON object of one line, or why it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, LineError("line is not UTF-8")
    try:
        obj = json.loads(text)
    except ValueError:
        return None, LineError("line is not JSON")
    if not isinstance(obj, dict):
        return None, LineError("line is not a JSON object")
    return obj, None


def _element(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part) if _SAFE_KEY.match(str(part)) else "<key>"
            out += f".{text}" if out else text
    return out or "(resource)"


def _reason(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, (str, int, float)) and str(value) and str(value) in msg:
        msg = ""  # never repeat the input
    if err.get("type") == "extra_forbidden":
        return "element not defined in FHIR R4"
    return f"invalid ({err.get('type')}{': ' + msg if msg else ''})"


def parse(rtype: str, obj: dict[str, Any]) -> tuple[Any | None, LineError | None]:
    """Validate ``obj`` as a FHIR R4B resource of type ``rtype`` (one of :data:`SUPPORTED`)."""
    try:
        model = SUPPORTED[rtype].model_validate(obj)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0] if errors else {}
        return None, LineError(_reason(first), f"{rtype}.{_element(tuple(first.get('loc', ())))}")
    except (ValueError, TypeError) as exc:  # a validator raising outside pydantic's wrapping
        return None, LineError(f"invalid ({type(exc).__name__})")
    if rtype == "Patient" and model.gender is not None and model.gender not in _GENDERS:
        return None, LineError("invalid (gender not in AdministrativeGender)", "Patient.gender")
    return model, None


# -- references -----------------------------------------------------------------------------------
def reference_id(ref: Any, target: str) -> tuple[str | None, str | None]:
    """``(id, None)`` for a literal reference to ``target`` (``Type/id``, absolute URL or versioned),
    else ``(None, why)`` with why in {missing, not a literal reference, not a <target> reference}."""
    text = getattr(ref, "reference", None) if ref is not None else None
    if ref is None:
        return None, "missing"
    if not text:
        return None, "not a literal reference (identifier or display only)"
    text = text.strip()
    if text.startswith("#") or text.startswith("urn:"):
        return None, "not a literal reference (contained or urn)"
    parts = [p for p in text.split("?", 1)[0].split("/") if p]
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or parts[-2] != target:
        return None, f"not a {target} reference"
    return parts[-1], None


# -- dates ----------------------------------------------------------------------------------------
def date_text(value: Any) -> str:
    """ISO calendar date (``YYYY-MM-DD``) as written in the resource (no time-zone shift); ``""``
    for a missing value or one coarser than a day (FHIR allows ``YYYY`` and ``YYYY-MM``)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""


def is_partial(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def instant(value: Any, *, end: bool = False) -> dt.datetime | None:
    """A comparable UTC time (naive) for a FHIR date/dateTime/instant. Dates and partial dates stand
    for their whole span: the start of it, or with ``end=True`` the end (exclusive)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        day = dt.datetime(value.year, value.month, value.day)
        return day + dt.timedelta(days=1) if end else day
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2})?", value):
        year, month = int(value[:4]), int(value[5:7]) if len(value) > 4 else None
        if not end:
            return dt.datetime(year, month or 1, 1)
        if month is None or month == 12:
            return dt.datetime(year + 1, 1, 1)
        return dt.datetime(year, month + 1, 1)
    return None
