"""The interface the Dagster asset calls: de-identify one raw batch, and evaluate the snapshot's blocking checks."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pandas as pd

from .errors import DeidError
from .policy import DeidPolicy
from .report import build_report
from .risk import enforce_k, risk_metrics
from .scan import ages_over_limit, full_date_cells, residual_phi_scan, restricted_zip3_count
from .structured import LINKAGE_COLUMNS, deidentify_table, shifted_column
from .text import ClinicalTextDeidentifier

RESIDUAL_PHI_SCAN = "residual_phi_scan"
K_ANONYMITY = "k_anonymity"
NO_RESTRICTED_ZIP3 = "no_restricted_zip3"
NO_AGE_OVER_89 = "no_age_over_89"
NO_FULL_DATES = "no_full_dates"
CHECK_NAMES = (RESIDUAL_PHI_SCAN, K_ANONYMITY, NO_RESTRICTED_ZIP3, NO_AGE_OVER_89, NO_FULL_DATES)

SOURCE_FILES = {"encounters": "encounters.csv", "notes": "notes.jsonl", "labels": "labels.csv"}
# raw encounter columns that identify the patient (used as the record's deny list and for the residual scan)
PATIENT_IDENTIFIER_COLUMNS = ["patient_name", "mrn", "ssn", "birth_date", "street_address", "city", "county", "zip",
                              "phone", "fax", "email", "health_plan_id", "account_number", "drivers_license",
                              "vehicle_plate", "device_serial", "patient_portal_url", "ip_address"]
BATCH_IDENTIFIER_COLUMNS = ["attending_clinician", "facility_name"]


@dataclass
class RowLineage:
    source_system: str
    batch_id: str
    file_sha256: dict[str, str]
    transform_hash: str


@dataclass
class DeidBatchResult:
    encounters: pd.DataFrame
    notes: pd.DataFrame
    labels: pd.DataFrame
    linkage_rows: pd.DataFrame
    report: dict
    counts: dict[str, int]


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    metadata: dict[str, int | float | str] = field(default_factory=dict)


def _nonempty(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v).strip() != "" and str(v) != "<NA>"


def _record_identifiers(row: Mapping) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in PATIENT_IDENTIFIER_COLUMNS + BATCH_IDENTIFIER_COLUMNS:
        if c in row and _nonempty(row[c]):
            out[c] = [str(row[c])]
    return out


def known_identifiers_of(encounters_raw: pd.DataFrame, notes_raw: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """Per-kind sorted identifier values of a raw batch (for the residual scan). Never log the result."""
    out: dict[str, set[str]] = {}
    for c in PATIENT_IDENTIFIER_COLUMNS + BATCH_IDENTIFIER_COLUMNS + ["encounter_id"]:
        if c in encounters_raw.columns:
            vals = {str(v).strip() for v in encounters_raw[c].dropna().unique() if _nonempty(v)}
            if vals:
                out.setdefault(c, set()).update(vals)
    if notes_raw is not None:
        for c in ("author", "note_id"):
            if c in notes_raw.columns:
                out.setdefault(c, set()).update(str(v).strip() for v in notes_raw[c].dropna().unique() if _nonempty(v))
    return {k: sorted(v) for k, v in out.items()}


def _add_lineage(df: pd.DataFrame, table: str, lineage: RowLineage, consent: pd.Series) -> pd.DataFrame:
    fname = SOURCE_FILES[table]
    sha = lineage.file_sha256.get(fname) or lineage.file_sha256.get(table)
    if not sha:
        raise DeidError(f"lineage.file_sha256 has no entry for '{fname}'")
    df = df.copy()
    df["lineage_source_system"] = lineage.source_system
    df["lineage_batch_id"] = lineage.batch_id
    df["lineage_source_file_sha256"] = sha
    df["lineage_transform_hash"] = lineage.transform_hash
    df["lineage_consent"] = consent.reindex(df.index).astype("string").values if len(df) else pd.Series(dtype="string")
    return df


def deidentify_batch(encounters: pd.DataFrame, notes: pd.DataFrame, labels: pd.DataFrame, *, policy: DeidPolicy,
                     key: bytes, text_engine: ClinicalTextDeidentifier, lineage: RowLineage) -> DeidBatchResult:
    """Apply the policy to one raw batch. Raw frames should be read with ``dtype=str`` (ZIPs keep leading zeros)."""
    if not isinstance(text_engine, ClinicalTextDeidentifier):
        raise DeidError("text_engine must be a ClinicalTextDeidentifier (no fallback engine)")
    structured_counts: Counter = Counter()
    links = []

    enc_res = deidentify_table(encounters, "encounters", policy=policy, key=key)
    structured_counts.update({f"encounters.{k}": v for k, v in enc_res.counts.items()})
    links.append(enc_res.linkage_rows)
    enc = enc_res.frame

    notes_res = deidentify_table(notes, "notes", policy=policy, key=key)
    structured_counts.update({f"notes.{k}": v for k, v in notes_res.counts.items()})
    links.append(notes_res.linkage_rows)
    nts = notes_res.frame

    lab_res = deidentify_table(labels, "labels", policy=policy, key=key)
    structured_counts.update({f"labels.{k}": v for k, v in lab_res.counts.items()})
    links.append(lab_res.linkage_rows)
    lab = lab_res.frame

    # free text: the patient's own structured identifiers + the batch's clinicians and facilities
    text_cols = [c for c, r in policy.tables["notes"].items() if r.action == "text" and c in notes.columns]
    text_counts: Counter = Counter()
    if text_cols:
        by_enc = {str(r["encounter_id"]): _record_identifiers(r) for r in encounters.to_dict("records")} \
            if "encounter_id" in encounters.columns else {}
        known = []
        for r in notes.to_dict("records"):
            k = dict(by_enc.get(str(r.get("encounter_id")), {}))
            if _nonempty(r.get("author")):
                k["author"] = [str(r["author"])]
            known.append(k)
        for col in text_cols:
            results = text_engine.deidentify(notes[col].tolist(), known)
            nts[col] = [r.text for r in results]
            for r in results:
                text_counts.update(sp.type for sp in r.spans)

    # consent travels with every row
    consent_enc = encounters["research_consent"].reset_index(drop=True) if "research_consent" in encounters.columns \
        else pd.Series(pd.NA, index=range(len(encounters)))
    consent_by_encpid = dict(zip(enc.get("encounter_pid", pd.Series(dtype="string")), consent_enc))
    enc = _add_lineage(enc, "encounters", lineage, consent_enc)
    nts = _add_lineage(nts, "notes", lineage, nts["encounter_pid"].map(consent_by_encpid)
                       if "encounter_pid" in nts.columns else pd.Series(pd.NA, index=nts.index))
    lab = _add_lineage(lab, "labels", lineage, lab["encounter_pid"].map(consent_by_encpid)
                       if "encounter_pid" in lab.columns else pd.Series(pd.NA, index=lab.index))

    # re-identification risk before / after optional generalization
    qis = [q for q in policy.risk.quasi_identifiers if q in enc.columns]
    sens = [s for s in policy.risk.sensitive_attributes if s in enc.columns]
    before = risk_metrics(enc, qis, sens, policy.risk.prosecutor_risk_threshold)
    enforcement = {}
    if policy.risk.enforce_k and len(enc):
        generalized, enforcement = enforce_k(enc[qis], qis, policy.risk.target_k, policy.risk.generalization)
        for q in qis:
            enc[q] = generalized[q].astype("string")
    after = risk_metrics(enc, qis, sens, policy.risk.prosecutor_risk_threshold)

    linkage = pd.concat([x for x in links if len(x)], ignore_index=True) if any(len(x) for x in links) \
        else pd.DataFrame(columns=LINKAGE_COLUMNS)
    linkage = linkage.drop_duplicates(["namespace", "pseudonym", "source_column"]).reset_index(drop=True)

    counts: Counter = Counter()
    for k, v in structured_counts.items():
        counts[k.split(".", 1)[1]] += v
    for k, v in text_counts.items():
        counts[k] += v
    report = build_report(policy=policy, code_hash=lineage.transform_hash, model_identity=text_engine.model_identity,
                          batch_id=lineage.batch_id, source_system=lineage.source_system,
                          structured_counts=structured_counts, text_counts=text_counts, risk_before=before,
                          risk_after=after, enforcement=enforcement,
                          row_counts={"encounters": len(enc), "notes": len(nts), "labels": len(lab)})
    return DeidBatchResult(encounters=enc, notes=nts, labels=lab, linkage_rows=linkage, report=report,
                           counts=dict(counts))


def evaluate_snapshot_checks(encounters: pd.DataFrame, notes: pd.DataFrame, *, policy: DeidPolicy,
                             known_identifiers: Mapping[str, Sequence[str]] | Sequence[str],
                             text_engine: ClinicalTextDeidentifier | None = None) -> list[CheckOutcome]:
    """Blocking checks on a de-identified snapshot. Metadata holds counts and ids only.

    ``residual_phi_scan`` uses the independent residual scanner (:func:`.scan.residual_phi_scan`); the text
    engine, when given, is re-run on the output for ``review.engine:*`` counts only.
    """
    outcomes: list[CheckOutcome] = []
    allowed: set[str] = set()
    if policy.date_mode == "shift":
        for t in ("encounters", "notes"):
            allowed |= {shifted_column(c) for c, r in policy.tables[t].items() if r.action == "date"}

    # 1. residual PHI: independent detector on notes and string cells + the batch's known identifiers
    residual = residual_phi_scan(encounters, notes, known_identifiers=known_identifiers,
                                 allowed_date_columns=allowed, text_engine=text_engine)
    outcomes.append(CheckOutcome(RESIDUAL_PHI_SCAN, residual.passed, residual.metadata))

    # 2. k-anonymity
    qis = [q for q in policy.risk.quasi_identifiers if q in encounters.columns]
    missing = [q for q in policy.risk.quasi_identifiers if q not in encounters.columns]
    m = risk_metrics(encounters, qis, [], policy.risk.prosecutor_risk_threshold) if qis else {"k": 0}
    outcomes.append(CheckOutcome(K_ANONYMITY, bool(qis) and not missing and m["k"] >= policy.risk.target_k, {
        "k": int(m["k"]), "target_k": policy.risk.target_k, "records": int(m.get("records", 0)),
        "equivalence_classes": int(m.get("equivalence_classes", 0)),
        "prosecutor_risk_max": float(m.get("prosecutor_risk_max", 0.0)),
        "missing_quasi_identifiers": len(missing)}))

    # 3-5. rule checks
    nz = restricted_zip3_count(encounters, policy)
    outcomes.append(CheckOutcome(NO_RESTRICTED_ZIP3, nz == 0, {"restricted_zip3_rows": nz,
                                                               "restricted_prefixes": len(policy.restricted_zip3)}))
    na = ages_over_limit(encounters, policy)
    outcomes.append(CheckOutcome(NO_AGE_OVER_89, na == 0, {"ages_over_limit": na, "max_age": policy.max_age}))
    fd = {**{f"encounters.{k}": v for k, v in full_date_cells(encounters, policy, allowed).items()},
          **{f"notes.{k}": v for k, v in full_date_cells(notes, policy, allowed).items()}}
    md = {"cells_with_full_date": int(sum(fd.values())), "date_mode": policy.date_mode, **fd}
    outcomes.append(CheckOutcome(NO_FULL_DATES, not fd, md))
    return outcomes
