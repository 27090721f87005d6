"""Validation of events before they are appended: known event type, ``<kind>:<reference>`` subjects and inputs,
actor without whitespace, payload size, and payload keys that name direct identifiers or free text (refused).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from collections.abc import Mapping
from typing import Any

from clinical_pipelines.audit.events import EVENT_TYPES, SUBJECT_RE
from clinical_pipelines.audit.store.records import NewEvent
from clinical_pipelines.provenance import canonical_json

MAX_PAYLOAD_BYTES = 256 * 1024

# Payload keys that name identifiers or free text: every such column of the built-in studies' specs
# (direct identifiers, patient / encounter / record ids, birth dates, geographic quasi-identifiers, free
# text; studies/<study_id>/study.yaml) and the generic names below.
GENERIC_FORBIDDEN_KEYS: frozenset[str] = frozenset({"note_text"})


@lru_cache(maxsize=1)
def forbidden_payload_keys() -> frozenset[str]:
    """Payload keys the audit log refuses (lower case): the identifier and free-text columns of every built-in
    study, and :data:`GENERIC_FORBIDDEN_KEYS`."""
    from clinical_pipelines.study import roles as R
    from clinical_pipelines.study.builtin import builtin_study_ids, load_builtin_study

    keys = set(GENERIC_FORBIDDEN_KEYS)
    for study_id in builtin_study_ids():
        for table in load_builtin_study(study_id).tables.values():
            for name, col in table.columns.items():
                if col.role in (R.DIRECT_IDENTIFIER, R.FREE_TEXT, *R.ID_ROLES) or \
                        getattr(col, "handling", None) == "birth_date" or getattr(col, "safe_harbor", None) == "B":
                    keys.add(name.lower())
    return frozenset(keys)


_ACTOR_RE = re.compile(r"^[^\s]{1,200}$")


def _check_payload_keys(obj: Any, path: str) -> None:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"audit payload key at {path or '<root>'} is not a string")
            if k.lower() in forbidden_payload_keys():
                raise ValueError(
                    f"audit payload field {path + '.' if path else ''}{k} names a direct identifier "
                    "or free text; audit payloads carry ids, hashes and counts only"
                )
            _check_payload_keys(v, f"{path}.{k}" if path else k)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _check_payload_keys(v, f"{path}[{i}]")


def validate_new_event(spec: NewEvent) -> tuple[str, str, str, list[str], dict[str, Any]]:
    """``(event_type, subject, actor, inputs, payload)`` ready to hash: inputs de-duplicated in order, payload
    normalised through canonical JSON.  Raises ``ValueError``/``TypeError`` naming the field (never its value)
    for an unknown type, malformed subject/actor/input, forbidden payload key or payload over
    ``MAX_PAYLOAD_BYTES``."""
    if spec.event_type not in EVENT_TYPES:
        raise ValueError(
            f"unknown audit event type {spec.event_type!r}; add it to "
            "clinical_pipelines/audit/events.py (known: " + ", ".join(sorted(EVENT_TYPES)) + ")"
        )
    if not isinstance(spec.subject, str) or not SUBJECT_RE.match(spec.subject):
        raise ValueError(
            f"audit subject for {spec.event_type} is not of the form '<kind>:<reference>' "
            "without whitespace (e.g. 'model:clinical-risk/3')"
        )
    if not isinstance(spec.actor, str) or not _ACTOR_RE.match(spec.actor):
        raise ValueError(
            f"audit actor for {spec.event_type} must be 1-200 characters without whitespace "
            "(e.g. 'dagster-sensor:audit_event_log_sensor')"
        )
    if isinstance(spec.inputs, str):
        raise TypeError("audit inputs must be a sequence of subject strings, not one string")
    inputs: list[str] = []
    for i, s in enumerate(spec.inputs):
        if not isinstance(s, str) or not SUBJECT_RE.match(s):
            raise ValueError(f"audit input #{i} for {spec.event_type} is not a valid subject string")
        if s not in inputs:
            inputs.append(s)
    payload = dict(spec.payload or {})
    _check_payload_keys(payload, "")
    encoded = canonical_json(payload)  # raises on non-JSON values
    if len(encoded) > MAX_PAYLOAD_BYTES:
        raise ValueError(
            f"audit payload for {spec.event_type} is {len(encoded)} bytes (> {MAX_PAYLOAD_BYTES}); "
            "store large documents elsewhere and log their hash"
        )
    return spec.event_type, spec.subject, spec.actor, inputs, json.loads(encoded)
