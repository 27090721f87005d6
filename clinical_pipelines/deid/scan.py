"""Residual PHI gate of de-identified outputs, and the structured rule checks. Counts, kinds and ids only.

The residual gate uses a detector independent of the redaction engine (:mod:`.residual`): whatever the
engine misses is looked for by a different method, so the engine is never the only detector.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import pandas as pd

from .policy import DeidPolicy
from .residual import KnownIdentifiers, ResidualScanner, scan_frame_known, scan_frame_text, scan_notes
from .residual.findings import PLACEHOLDER_RE

# The linkage column holding raw identifiers (never in a release).
LINKAGE_IDENTIFIER_COLUMN = "identifier"
FULL_DATE_RE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b")
MAX_FLAGGED_IDS = 20


@dataclass
class ResidualScanResult:
    """Outcome of the ``residual_phi_scan`` gate: ``passed`` and metadata of counts, kinds and ids (never values)."""

    passed: bool
    metadata: dict[str, int | float | str] = field(default_factory=dict)


def engine_review_counts(texts: Sequence[str], text_engine) -> Counter:
    """The redaction engine run again on its own output, as ``engine:<TYPE>`` review counts (never blocking:
    a detector cannot check itself). Placeholders are masked first so their labels are not read as cues."""
    masked = [PLACEHOLDER_RE.sub(lambda m: "*" * len(m.group()), "" if t is None else str(t)) for t in texts]
    counts: Counter = Counter()
    for t, spans in zip(masked, text_engine.analyze(masked)):
        for sp in spans:
            if "*" * 3 not in t[sp.start:sp.end]:
                counts[f"engine:{sp.type}"] += 1
    return counts


def residual_phi_scan(encounters: pd.DataFrame, notes: pd.DataFrame, *,
                      known_identifiers: Mapping[str, Sequence[str]] | Sequence[str],
                      allowed_date_columns: Iterable[str] = (), text_engine=None,
                      scanner: ResidualScanner | None = None, text_columns: Sequence[str] | None = None,
                      record_id_column: str | None = None,
                      raw_identifiers: Iterable[str] | None = None) -> ResidualScanResult:
    """The ``residual_phi_scan`` gate on a de-identified snapshot (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).

    Blocks on: blocking findings of the independent residual scanner in any note (format grammars, number
    policy, safe-list names, see :mod:`clinical_pipelines.deid.residual`); the batch's known identifiers found
    in any note or any string cell after normalisation; format findings in free-text-like cells; raw
    identifier columns left in the output. ``text_engine``: optional, its re-run on the output is reported as
    ``review.engine:*`` counts only. Metadata: counts by kind, note pseudonym ids (first 20), never values.

    ``encounters``: the structured released rows; ``notes``: the released rows holding free text. The study
    names the free-text columns (``text_columns``), the record pseudonym shown for flagged texts
    (``record_id_column``) and the raw identifier column names (``raw_identifiers``); default: the built-in
    study's (:func:`clinical_pipelines.deid.study_rules.deid_rules`).
    """
    scanner = scanner or ResidualScanner()
    if text_columns is None or raw_identifiers is None or record_id_column is None:
        text_columns, record_id_column, raw_identifiers = _default_columns(text_columns, record_id_column,
                                                                            raw_identifiers)
    if not isinstance(known_identifiers, Mapping):
        known_identifiers = {LINKAGE_IDENTIFIER_COLUMN: list(known_identifiers)}
    known = KnownIdentifiers(known_identifiers, name_parts="out_of_vocabulary")
    text_cols = [c for c in text_columns if c in notes.columns]
    texts = [t for c in text_cols for t in notes[c].tolist()]
    ids = [str(i) for _ in text_cols for i in notes[record_id_column].tolist()] \
        if record_id_column in notes.columns else None
    tscan = scan_notes(texts, ids, known=known, scanner=scanner)

    skip_known = {c for c in list(encounters.columns) + list(notes.columns) if c.startswith("lineage_")}
    skip_known |= set(allowed_date_columns)
    skip_text = skip_known | {c for c in list(encounters.columns) + list(notes.columns) if c.endswith("_pid")}
    structured: Counter = Counter()
    structured.update(scan_frame_known(encounters, known, skip=skip_known))
    structured.update(scan_frame_text(encounters, skip=skip_text, scanner=scanner))
    other_notes = notes.drop(columns=text_cols)
    structured.update(scan_frame_known(other_notes, known, skip=skip_known))
    structured.update(scan_frame_text(other_notes, skip=skip_text, scanner=scanner))
    raw_cols = raw_identifier_columns(encounters, raw_identifiers) + raw_identifier_columns(notes, raw_identifiers)

    md: dict[str, int | float | str] = {
        "detector": "independent residual scanner (no NER; format grammars, number policy, safe-list names, "
                    "normalised known identifiers)",
        "notes_scanned": tscan.scanned, "notes_flagged": len(tscan.flagged_ids), "text_findings": tscan.total,
        "structured_findings": int(sum(structured.values())), "raw_identifier_columns": len(raw_cols)}
    md.update({f"text.{k}": int(v) for k, v in sorted(tscan.blocking.items())})
    md.update({f"structured.{k}": int(v) for k, v in sorted(structured.items())})
    md.update({f"review.{k}": int(v) for k, v in sorted(tscan.review.items())})
    if text_engine is not None and texts:
        md.update({f"review.{k}": int(v) for k, v in sorted(engine_review_counts(texts, text_engine).items())})
    if tscan.flagged_ids:
        md["flagged_note_pids"] = ",".join(tscan.flagged_ids[:MAX_FLAGGED_IDS])
    if raw_cols:
        md["raw_identifier_column_names"] = ",".join(raw_cols)
    total = tscan.total + int(sum(structured.values())) + len(raw_cols)
    return ResidualScanResult(total == 0, md)


def _default_columns(text_columns, record_id_column, raw_identifiers):
    """The built-in study's free-text columns, record pseudonym column and raw identifier names."""
    from clinical_pipelines.study import roles as R

    from .policy import load_deid_policy
    from .study_rules import deid_rules

    rules = deid_rules(load_deid_policy())
    texts = sorted({c for cols in rules.text_columns.values() for c in cols})
    records = [rules.tables[t][c].output for t in rules.text_columns if rules.text_columns[t]
               for c in rules.link_columns.get(t, ()) if rules.tables[t][c].namespace not in R.PSEUDONYM_NAMESPACE.values()]
    return (texts if text_columns is None else text_columns,
            (records[0] if records else None) if record_id_column is None else record_id_column,
            rules.raw_identifier_columns if raw_identifiers is None else raw_identifiers)


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


def full_date_cells(df: pd.DataFrame, policy: DeidPolicy, allowed: Iterable[str] = (),
                    skip: Iterable[str] | None = None) -> dict[str, int]:
    """Cells holding a full date in columns other than the policy-sanctioned shifted-date columns.

    ``skip``: the free-text columns (checked by the residual scan; default: the built-in study's)."""
    allowed = set(allowed)
    skip = set(_default_columns(None, "", ())[0] if skip is None else skip)
    out: dict[str, int] = {}
    for col in df.columns:
        if col in allowed or col.startswith("lineage_") or col in skip:
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


def raw_identifier_columns(df: pd.DataFrame, raw_identifiers: Iterable[str] | None = None) -> list[str]:
    """Columns of ``df`` named like a raw identifier column of the study (its direct identifiers, patient /
    encounter / record ids, birth dates, ZIP columns; default: the built-in study's) or the linkage identifier."""
    names = set(_default_columns("", "", None)[2] if raw_identifiers is None else raw_identifiers)
    return sorted(c for c in df.columns if c in names or c == LINKAGE_IDENTIFIER_COLUMN)
