"""The interface the Dagster asset calls: de-identify one raw batch, and evaluate the snapshot's blocking checks.

What each column is comes from the study spec (default: the built-in study); how it is treated from the
policy (:mod:`.study_rules`). :func:`deidentify_tables` and :func:`evaluate_checks` work on a study's
tables by name; :func:`deidentify_batch` and :func:`evaluate_snapshot_checks` keep the three-table
interface of the built-in study's extract (encounters, notes, labels).
"""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.spec import Study

from .errors import DeidError
from .policy import DeidPolicy
from .report import build_report
from .risk import enforce_k, risk_metrics
from .scan import ages_over_limit, full_date_cells, residual_phi_scan, restricted_zip3_count
from .structured import LINKAGE_COLUMNS, deidentify_table, shifted_column  # noqa: F401 - shifted_column re-exported
from .study_rules import ZIP3_OUTPUT, StudyDeidRules, deid_rules
from .text import ClinicalTextDeidentifier

RESIDUAL_PHI_SCAN = "residual_phi_scan"
K_ANONYMITY = "k_anonymity"
NO_RESTRICTED_ZIP3 = "no_restricted_zip3"
NO_AGE_OVER_89 = "no_age_over_89"
NO_FULL_DATES = "no_full_dates"
CHECK_NAMES = (RESIDUAL_PHI_SCAN, K_ANONYMITY, NO_RESTRICTED_ZIP3, NO_AGE_OVER_89, NO_FULL_DATES)
# The report's NER model entry of a study without free-text columns (no text engine runs).
NO_TEXT_MODEL = {"name": "none (the study has no free-text columns)", "version": "", "sha256": "", "components": ""}
# The built-in study's tables in the order of the three-table interface.
BATCH_TABLES = ("encounters", "notes", "labels")


@dataclass
class RowLineage:
    source_system: str
    batch_id: str
    file_sha256: dict[str, str]
    transform_hash: str


@dataclass
class DeidBatchResult:
    """The released tables by name, the linkage rows (for the vault only), the report and redaction counts."""

    tables: dict[str, pd.DataFrame]
    linkage_rows: pd.DataFrame
    report: dict
    counts: dict[str, int]

    def _table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    @property
    def encounters(self) -> pd.DataFrame:
        return self._table(BATCH_TABLES[0])

    @property
    def notes(self) -> pd.DataFrame:
        return self._table(BATCH_TABLES[1])

    @property
    def labels(self) -> pd.DataFrame:
        return self._table(BATCH_TABLES[2])


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    metadata: dict[str, int | float | str] = field(default_factory=dict)


def read_raw_tables(files: Mapping[str, bytes], study: Study) -> dict[str, pd.DataFrame]:
    """table name -> raw frame of every table of ``study`` from a batch's files (name -> bytes), cells as text
    (ZIPs keep their leading zeros; empty cells are empty strings), as :func:`deidentify_tables` expects.

    The batch has passed the study's extract contract, so each file reads as its spec declares: CSV with its
    delimiter, quote character, header and encoding (a UTF-8 byte-order mark tolerated, RFC 8259 8.1), JSON
    Lines, Parquet. A declared file absent from ``files`` raises :class:`DeidError` naming it."""
    from clinical_pipelines.study.read import codec_name

    frames = {}
    for name, table in study.tables.items():
        if table.file not in files:
            raise DeidError(f"file {table.file} of table {name} is not in the batch")
        codec = codec_name(table.encoding)
        encoding = "utf-8-sig" if codec == "utf-8" else codec
        data = io.BytesIO(files[table.file])
        if table.format == "csv":
            header = {} if table.has_header else {"header": None, "names": list(table.columns)}
            df = pd.read_csv(data, dtype=str, keep_default_na=False, sep=table.csv_delimiter,
                             quotechar=table.csv_quotechar, encoding=encoding, **header)
        elif table.format == "jsonl":
            df = pd.read_json(data, lines=True, dtype=False, encoding=encoding)
            df = df.astype({c: str for c in df.columns})
        else:
            df = pd.read_parquet(data).astype("string")
        frames[name] = df
    return frames


def _nonempty(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v).strip() != "" and str(v) != "<NA>"


def _record_identifiers(row: Mapping, columns: Sequence[str]) -> dict[str, list[str]]:
    return {c: [str(row[c])] for c in columns if c in row and _nonempty(row[c])}


def known_identifiers_of(encounters_raw: pd.DataFrame, notes_raw: pd.DataFrame | None = None, *,
                         study: Study | None = None, frames: Mapping[str, pd.DataFrame] | None = None,
                         rules: StudyDeidRules | None = None, policy: DeidPolicy | None = None
                         ) -> dict[str, list[str]]:
    """Per-kind sorted identifier values of a raw batch (for the residual scan). Never log the result.

    Kinds are raw column names: every table's record identifiers (:attr:`StudyDeidRules.record_identifiers`)
    and its encounter and record ids. ``frames`` (table -> raw frame) replaces the two positional frames.
    """
    rules = rules or deid_rules(policy or _default_policy(), study)
    frames = dict(frames) if frames is not None else _three(encounters_raw, notes_raw, None)
    out: dict[str, set[str]] = {}
    for table, df in frames.items():
        if df is None:
            continue
        for c in rules.record_identifiers.get(table, ()) + rules.link_columns.get(table, ()):
            if c in df.columns:
                vals = {str(v).strip() for v in df[c].dropna().unique() if _nonempty(v)}
                if vals:
                    out.setdefault(c, set()).update(vals)
    return {k: sorted(v) for k, v in out.items()}


def _default_policy() -> DeidPolicy:
    from .policy import load_deid_policy

    return load_deid_policy()


def _three(encounters, notes, labels) -> dict[str, pd.DataFrame]:
    return {n: df for n, df in zip(BATCH_TABLES, (encounters, notes, labels)) if df is not None}


def _add_lineage(df: pd.DataFrame, file: str, lineage: RowLineage, consent: pd.Series) -> pd.DataFrame:
    sha = lineage.file_sha256.get(file)
    if not sha:
        raise DeidError(f"lineage.file_sha256 has no entry for '{file}'")
    df = df.copy()
    df["lineage_source_system"] = lineage.source_system
    df["lineage_batch_id"] = lineage.batch_id
    df["lineage_source_file_sha256"] = sha
    df["lineage_transform_hash"] = lineage.transform_hash
    df["lineage_consent"] = consent.reindex(df.index).astype("string").values if len(df) else pd.Series(dtype="string")
    return df


def _text_known(frames: Mapping[str, pd.DataFrame], table: str, rules: StudyDeidRules) -> list[dict[str, list[str]]]:
    """Per row of a text table: its own identifiers and those of its encounter (the encounter table's row)."""
    enc_table = rules.encounter_table
    enc_col = next((c for c in rules.link_columns.get(enc_table or "", ())
                    if rules.tables[enc_table][c].namespace == R.PSEUDONYM_NAMESPACE[R.ENCOUNTER_ID]), None)
    by_enc: dict[str, dict] = {}
    if enc_table in frames and enc_col in frames[enc_table].columns:
        ids = rules.record_identifiers[enc_table]
        by_enc = {str(r[enc_col]): _record_identifiers(r, ids) for r in frames[enc_table].to_dict("records")}
    own = rules.record_identifiers.get(table, ())
    known = []
    for r in frames[table].to_dict("records"):
        k = dict(by_enc.get(str(r.get(enc_col)), {})) if enc_col else {}
        k.update(_record_identifiers(r, [c for c in own if c not in k]))
        known.append(k)
    return known


def deidentify_one_table(frames: Mapping[str, pd.DataFrame], table: str, *, policy: DeidPolicy, key: bytes,
                         rules: StudyDeidRules, text_engine: ClinicalTextDeidentifier | None,
                         structured_counts: Counter, text_counts: Counter) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(released frame without lineage, linkage rows) of raw table ``frames[table]``: the structured rules, then
    the text engine on its free-text columns with each record's known identifiers (its own and those of its
    encounter, read from ``frames[encounter table]``, which needs only its link and identifier columns).
    Adds ``table.KIND`` structured counts and span-type text counts to the two counters."""
    raw = frames[table]
    res = deidentify_table(raw, table, policy=policy, key=key, rules=rules)
    structured_counts.update({f"{table}.{k}": v for k, v in res.counts.items()})
    out = res.frame
    text_cols = [c for c in rules.text_columns.get(table, ()) if c in raw.columns]
    if text_cols:
        known = _text_known(frames, table, rules)
        for col in text_cols:
            results = text_engine.deidentify(raw[col].tolist(), known)
            out[col] = [r.text for r in results]
            for r in results:
                text_counts.update(sp.type for sp in r.spans)
    return out, res.linkage_rows


def deidentify_tables(frames: Mapping[str, pd.DataFrame], *, policy: DeidPolicy, key: bytes,
                      text_engine: ClinicalTextDeidentifier | None, lineage: RowLineage,
                      study: Study | None = None) -> DeidBatchResult:
    """De-identify every table of one raw batch of ``study`` (``frames``: table name -> raw frame, read with
    ``dtype=str`` so ZIPs keep leading zeros, e.g. by :func:`read_raw_tables`); every table of the study must be given.

    ``text_engine`` is required when the study has a ``free_text`` column (no fallback engine); a study without
    free text (e.g. one structured table) needs none, and its report records that no NER model was used."""
    rules = deid_rules(policy, study)
    has_text = any(rules.text_columns.get(t) for t in rules.tables)
    if has_text and not isinstance(text_engine, ClinicalTextDeidentifier):
        raise DeidError(f"study {rules.study_id!r} has free-text columns: text_engine must be a "
                        "ClinicalTextDeidentifier (no fallback engine)")
    missing = [t for t in rules.tables if t not in frames]
    if missing or set(frames) - set(rules.tables):
        raise DeidError(f"the batch's tables do not match study {rules.study_id!r}: missing {missing}, "
                        f"unknown {sorted(set(frames) - set(rules.tables))}")
    structured_counts: Counter = Counter()
    text_counts: Counter = Counter()
    out: dict[str, pd.DataFrame] = {}
    links = []
    for table in frames:
        out[table], linkage_rows = deidentify_one_table(frames, table, policy=policy, key=key, rules=rules,
                                                        text_engine=text_engine, structured_counts=structured_counts,
                                                        text_counts=text_counts)
        links.append(linkage_rows)
    out = _with_lineage(out, frames, rules, lineage)
    before, after, enforcement = _risk(out, rules, policy)
    non_empty = [x for x in links if len(x)]
    linkage = pd.concat(non_empty, ignore_index=True) if non_empty else pd.DataFrame(columns=LINKAGE_COLUMNS)
    linkage = linkage.drop_duplicates(["namespace", "pseudonym", "source_column"]).reset_index(drop=True)
    counts: Counter = Counter()
    for k, v in structured_counts.items():
        counts[k.split(".", 1)[1]] += v
    counts.update(text_counts)
    report = build_report(policy=policy, rules=rules, code_hash=lineage.transform_hash,
                          model_identity=text_engine.model_identity if has_text else NO_TEXT_MODEL,
                          batch_id=lineage.batch_id,
                          source_system=lineage.source_system, structured_counts=structured_counts,
                          text_counts=text_counts, risk_before=before, risk_after=after, enforcement=enforcement,
                          row_counts={t: len(df) for t, df in out.items()})
    return DeidBatchResult(tables=out, linkage_rows=linkage, report=report, counts=dict(counts))


def _with_lineage(out: dict[str, pd.DataFrame], frames: Mapping[str, pd.DataFrame], rules: StudyDeidRules,
                  lineage: RowLineage) -> dict[str, pd.DataFrame]:
    """Lineage columns on every row; the consent flag travels from its table to rows of the same encounter."""
    enc_pid = rules.pseudonym_output(R.ENCOUNTER_ID)
    consent_by_enc: dict = {}
    consent_table = rules.consent[0] if rules.consent else None
    if consent_table is not None:
        consent = frames[consent_table][rules.consent[1]].reset_index(drop=True)
        consent_by_enc = dict(zip(out[consent_table].get(enc_pid, pd.Series(dtype="string")), consent))
    result = {}
    for table, df in out.items():
        if table == consent_table:
            consent = frames[table][rules.consent[1]].reset_index(drop=True)
        elif enc_pid in df.columns:
            consent = df[enc_pid].map(consent_by_enc)
        else:
            consent = pd.Series(pd.NA, index=df.index)
        result[table] = _add_lineage(df, rules.files[table], lineage, consent)
    return result


def _risk(out: dict[str, pd.DataFrame], rules: StudyDeidRules, policy: DeidPolicy) -> tuple[dict, dict, dict]:
    """Re-identification risk before / after enforcing k on the study's quasi-identifiers (edits ``out``)."""
    if rules.risk_table is None:
        empty = risk_metrics(pd.DataFrame(), [], [], policy.risk.prosecutor_risk_threshold)
        return empty, empty, {}
    df = out[rules.risk_table]
    qis = [q for q in rules.quasi_identifiers if q in df.columns]
    sens = [s for s in rules.sensitive_attributes if s in df.columns]
    before = risk_metrics(df, qis, sens, policy.risk.prosecutor_risk_threshold)
    enforcement = {}
    if policy.risk.enforce_k and len(df):
        generalized, enforcement = enforce_k(df[qis], qis, policy.risk.target_k, rules.generalization)
        for q in qis:
            df[q] = generalized[q].astype("string")
    after = risk_metrics(df, qis, sens, policy.risk.prosecutor_risk_threshold)
    return before, after, enforcement


def deidentify_batch(encounters: pd.DataFrame, notes: pd.DataFrame, labels: pd.DataFrame, *, policy: DeidPolicy,
                     key: bytes, text_engine: ClinicalTextDeidentifier, lineage: RowLineage,
                     study: Study | None = None) -> DeidBatchResult:
    """Apply the study's rules to one raw batch of the built-in study's three tables (see :func:`deidentify_tables`)."""
    return deidentify_tables(_three(encounters, notes, labels), policy=policy, key=key, text_engine=text_engine,
                             lineage=lineage, study=study)


def evaluate_checks(frames: Mapping[str, pd.DataFrame], *, policy: DeidPolicy,
                    known_identifiers: Mapping[str, Sequence[str]] | Sequence[str],
                    text_engine: ClinicalTextDeidentifier | None = None, study: Study | None = None,
                    rules: StudyDeidRules | None = None, risk_frame: pd.DataFrame | None = None
                    ) -> list[CheckOutcome]:
    """Blocking checks on the de-identified tables of a snapshot (``frames``: table -> released frame).

    ``residual_phi_scan`` uses the independent residual scanner (:func:`.scan.residual_phi_scan`) on the study's
    free-text tables and every table's string cells; ``k_anonymity`` measures the study's quasi-identifiers on
    their table (``risk_frame``, when given: that table's quasi-identifier columns only, e.g. read with
    ``pandas.read_parquet(columns=...)``). The text engine, when given, is re-run on the output for
    ``review.engine:*`` counts only. Metadata holds counts and ids only.
    """
    rules = rules or deid_rules(policy, study)
    allowed: set[str] = set()
    for t in frames:
        allowed |= rules.shifted_columns(t)
    outcomes = [_residual(frames, rules, known_identifiers, allowed, text_engine)]
    if risk_frame is None:
        risk_frame = frames.get(rules.risk_table, pd.DataFrame()) if rules.risk_table else pd.DataFrame()
    qis = [q for q in rules.quasi_identifiers if q in risk_frame.columns]
    missing = [q for q in rules.quasi_identifiers if q not in risk_frame.columns]
    m = risk_metrics(risk_frame, qis, [], policy.risk.prosecutor_risk_threshold) if qis else {"k": 0}
    outcomes.append(CheckOutcome(K_ANONYMITY, bool(qis) and not missing and m["k"] >= policy.risk.target_k, {
        "k": int(m["k"]), "target_k": policy.risk.target_k, "records": int(m.get("records", 0)),
        "equivalence_classes": int(m.get("equivalence_classes", 0)),
        "prosecutor_risk_max": float(m.get("prosecutor_risk_max", 0.0)),
        "missing_quasi_identifiers": len(missing), "quasi_identifiers": len(rules.quasi_identifiers)}))
    nz = sum(restricted_zip3_count(df, policy, ZIP3_OUTPUT) for df in frames.values())
    outcomes.append(CheckOutcome(NO_RESTRICTED_ZIP3, nz == 0, {"restricted_zip3_rows": nz,
                                                               "restricted_prefixes": len(policy.restricted_zip3)}))
    na = sum(ages_over_limit(df, policy, R.AGE) for df in frames.values())
    outcomes.append(CheckOutcome(NO_AGE_OVER_89, na == 0, {"ages_over_limit": na, "max_age": policy.max_age}))
    fd = {f"{t}.{k}": v for t, df in frames.items()
          for k, v in full_date_cells(df, policy, allowed, skip=rules.text_columns.get(t, ())).items()}
    outcomes.append(CheckOutcome(NO_FULL_DATES, not fd, {"cells_with_full_date": int(sum(fd.values())),
                                                         "date_mode": policy.date_mode, **fd}))
    return outcomes


def _residual(frames, rules: StudyDeidRules, known_identifiers, allowed, text_engine) -> CheckOutcome:
    text_tables = [t for t in frames if rules.text_columns.get(t)]
    structured = [df for t, df in frames.items() if t not in text_tables]
    texts = pd.concat([frames[t] for t in text_tables], ignore_index=True) if text_tables else pd.DataFrame()
    record_col = next((rules.tables[t][c].output for t in text_tables for c in rules.link_columns.get(t, ())
                       if rules.tables[t][c].namespace not in R.PSEUDONYM_NAMESPACE.values()), None)
    text_cols = sorted({c for t in text_tables for c in rules.text_columns[t]})
    structured_frame = pd.concat(structured, ignore_index=True) if structured else pd.DataFrame()
    residual = residual_phi_scan(structured_frame, texts, known_identifiers=known_identifiers,
                                 allowed_date_columns=allowed, text_engine=text_engine, text_columns=text_cols,
                                 record_id_column=record_col, raw_identifiers=rules.raw_identifier_columns)
    return CheckOutcome(RESIDUAL_PHI_SCAN, residual.passed, residual.metadata)


def evaluate_snapshot_checks(encounters: pd.DataFrame, notes: pd.DataFrame, *, policy: DeidPolicy,
                             known_identifiers: Mapping[str, Sequence[str]] | Sequence[str],
                             text_engine: ClinicalTextDeidentifier | None = None,
                             study: Study | None = None) -> list[CheckOutcome]:
    """:func:`evaluate_checks` on the built-in study's encounters and notes tables."""
    return evaluate_checks(_three(encounters, notes, None), policy=policy, known_identifiers=known_identifiers,
                           text_engine=text_engine, study=study)
