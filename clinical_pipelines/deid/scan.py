"""Residual PHI scan of de-identified outputs. Returns counts by type and ids, never values."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Mapping, Sequence

import pandas as pd

from .policy import DeidPolicy
from .structured import LINKAGE_COLUMNS

# Output columns that must never appear in a de-identified table.
RAW_IDENTIFIER_COLUMNS = {"mrn", "patient_name", "ssn", "birth_date", "street_address", "city", "county", "zip",
                          "phone", "fax", "email", "health_plan_id", "account_number", "drivers_license",
                          "vehicle_plate", "device_serial", "patient_portal_url", "ip_address", "encounter_id",
                          "note_id", "attending_clinician", "facility_name", "author", "identifier"}
FULL_DATE_RE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b")
_DIGITS_KINDS = ("phone", "fax", "ssn", "tel")


def _norm_digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class KnownIdentifierIndex:
    """Exact search for a batch's known identifiers: case-insensitive text, normalised digits for phone/SSN."""

    def __init__(self, known: Mapping[str, Iterable[str]] | Iterable[str]):
        if not isinstance(known, Mapping):
            known = {"identifier": list(known)}
        text_vals: dict[str, set[str]] = {}
        digit_vals: dict[str, set[str]] = {}
        for kind, vals in known.items():
            for v in vals:
                v = str(v).strip()
                if len(v) < 3:
                    continue
                if any(k in kind.lower() for k in _DIGITS_KINDS):
                    d = _norm_digits(v)
                    if len(d) >= 7:
                        digit_vals.setdefault(kind, set()).add(d[-10:] if len(d) > 10 else d)
                        continue
                text_vals.setdefault(kind, set()).add(v.lower())
        self._text = {k: sorted(vs, key=len, reverse=True) for k, vs in text_vals.items() if vs}
        self._digits = digit_vals

    def find(self, text: str) -> Counter:
        hits: Counter = Counter()
        low = text.lower()
        for kind, vals in self._text.items():
            n = 0
            for v in vals:
                if v in low:  # cheap prefilter, then word-boundary confirmation
                    n += len(re.findall(r"(?<!\w)" + re.escape(v) + r"(?!\w)", low))
            if n:
                hits[kind] += n
        if self._digits:
            d = _norm_digits(text)
            for kind, vals in self._digits.items():
                n = sum(d.count(v) for v in vals)
                if n:
                    hits[kind] += n
        return hits


PLACEHOLDER_RE = re.compile(r"\[[A-Z_]+(?:-[0-9a-f]{6})?\]")
# Engine findings of these types fail the residual scan: format-defined detectors that do not depend on context.
# NER types (NAME / LOCATION / ORGANIZATION) and context-typed identifiers (MRN, ACCOUNT, ... whose cue words may sit
# next to a placeholder after redaction) are reported for review; the batch's own names, places and identifier values
# are caught by the exact known-identifier search, which blocks.
BLOCKING_ENGINE_TYPES = frozenset({"DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "URL", "IP"})


def scan_texts(texts: Sequence[str], *, known: KnownIdentifierIndex | None = None, text_engine=None,
               ids: Sequence[str] | None = None, blocking_types: Iterable[str] = BLOCKING_ENGINE_TYPES) -> dict:
    """Residual scan of (already de-identified) texts; findings overlapping placeholders ("[NAME]") are ignored."""
    blocking_types = set(blocking_types)
    by_type: Counter = Counter()
    review: Counter = Counter()
    flagged: list[str] = []
    # placeholders -> same-length neutral filler so their labels ("[MRN]") never act as context cues
    texts = [PLACEHOLDER_RE.sub(lambda m: "*" * len(m.group()), "" if t is None else str(t)) for t in texts]
    engine_spans = text_engine.analyze(texts) if text_engine is not None else [[] for _ in texts]
    for i, (t, spans) in enumerate(zip(texts, engine_spans)):
        hit = False
        if spans:
            ph = bytearray(len(t))
            for m in re.finditer(r"\*{3,}", t):
                ph[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            for sp in spans:
                if any(ph[sp.start:sp.end]):
                    continue
                if sp.type in blocking_types:
                    by_type[f"engine:{sp.type}"] += 1
                    hit = True
                else:
                    review[f"engine:{sp.type}"] += 1
        if known is not None:
            for kind, n in known.find(PLACEHOLDER_RE.sub(" ", t)).items():
                by_type[f"known:{kind}"] += n
                hit = True
        if hit:
            flagged.append(str(ids[i]) if ids is not None else str(i))
    return {"by_type": dict(by_type), "total": int(sum(by_type.values())), "flagged_ids": flagged,
            "review": dict(review)}


def scan_frame_values(df: pd.DataFrame, known: KnownIdentifierIndex, skip: Iterable[str] = ()) -> dict:
    """Exact known-identifier search over every string cell of a structured table."""
    by_type: Counter = Counter()
    for col in df.columns:
        if col in skip or not (pd.api.types.is_object_dtype(df[col]) or pd.api.types.is_string_dtype(df[col])):
            continue
        for v in df[col].dropna().astype(str).unique():
            for kind, n in known.find(v).items():
                by_type[f"{col}:{kind}"] += n
    return {"by_type": dict(by_type), "total": int(sum(by_type.values()))}


def restricted_zip3_count(df: pd.DataFrame, policy: DeidPolicy, column: str = "zip3") -> int:
    if column not in df.columns:
        return 0
    return int(df[column].astype("string").isin(list(policy.restricted_zip3)).sum())


def ages_over_limit(df: pd.DataFrame, policy: DeidPolicy, column: str = "age") -> int:
    if column not in df.columns:
        return 0
    num = pd.to_numeric(df[column].astype("string").str.replace("+", "", regex=False), errors="coerce")
    plus = df[column].astype("string").str.endswith("+").fillna(False)
    return int(((num > policy.max_age) & ~plus).sum())


def full_date_cells(df: pd.DataFrame, policy: DeidPolicy, allowed: Iterable[str] = ()) -> dict[str, int]:
    """Cells holding a full date in columns other than the policy-sanctioned shifted-date columns."""
    allowed = set(allowed)
    out: dict[str, int] = {}
    for col in df.columns:
        if col in allowed or col.startswith("lineage_") or col == "text":
            continue
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = int(s.notna().sum())
            continue
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            n = int(s.dropna().astype(str).str.contains(FULL_DATE_RE).sum())
            if n:
                out[col] = n
    return out


def raw_identifier_columns(df: pd.DataFrame) -> list[str]:
    return sorted(c for c in df.columns if c in RAW_IDENTIFIER_COLUMNS or c in LINKAGE_COLUMNS[-1:])
