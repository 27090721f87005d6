"""De-identification report: a dict (stored as deid_report.json) and its Markdown rendering (deid_report.md)."""
from __future__ import annotations

from typing import Mapping

from clinical_pipelines.provenance import source_system_label
from clinical_pipelines.study import roles as R

from .policy import DeidPolicy
from .study_rules import StudyDeidRules, deid_rules

# Safe Harbor items (45 CFR 164.514(b)(2)(i)(A)-(R)): the free-text finding types of each; the columns of
# each item are the study's (its Safe Harbor letters, roles.safe_harbor_columns).
SAFE_HARBOR_TEXT_TYPES = {
    "A": ["NAME"], "B": ["LOCATION"], "C": ["DATE", "AGE"], "D": ["PHONE"], "E": ["FAX"], "F": ["EMAIL"],
    "G": ["SSN"], "H": ["MRN"], "I": ["HEALTH_PLAN"], "J": ["ACCOUNT"], "K": ["LICENSE"], "L": ["VEHICLE"],
    "M": ["DEVICE"], "N": ["URL"], "O": ["IP"], "P": [], "Q": [], "R": ["ID", "ORGANIZATION"],
}
SAFE_HARBOR_LABELS = {
    "A": "Names",
    "B": "Geographic subdivisions smaller than a state (street, city, county, ZIP; ZIP3 kept if > 20,000 people)",
    "C": "Dates (except year) related to the individual; ages over 89", "D": "Telephone numbers",
    "E": "Fax numbers", "F": "Email addresses", "G": "Social Security numbers", "H": "Medical record numbers",
    "I": "Health plan beneficiary numbers", "J": "Account numbers", "K": "Certificate / license numbers",
    "L": "Vehicle identifiers and serial numbers, incl. license plates", "M": "Device identifiers and serial numbers",
    "N": "Web URLs", "O": "IP addresses", "P": "Biometric identifiers (finger and voice prints)",
    "Q": "Full-face photographs and comparable images",
    "R": "Any other unique identifying number, characteristic or code",
}


def safe_harbor_items(rules: StudyDeidRules) -> list[tuple[str, str, list[str], list[str]]]:
    """(letter, identifier, the study's raw columns of that letter, free-text types) for the 18 items."""
    return [(letter, SAFE_HARBOR_LABELS[letter], list(rules.safe_harbor_columns.get(letter, ())),
             SAFE_HARBOR_TEXT_TYPES[letter]) for letter in R.SAFE_HARBOR]


def safe_harbor_checklist(policy: DeidPolicy, text_counts: Mapping[str, int], residual: Mapping[str, int] | None,
                          checks: Mapping[str, bool] | None = None, *, rules: StudyDeidRules | None = None
                          ) -> list[dict]:
    """One entry per Safe Harbor item: the study's columns with their actions, text types, status."""
    rules = rules or deid_rules(policy)
    actions = {col: rule.action for t in rules.tables.values() for col, rule in t.items()}
    checks = checks or {}
    out = []
    for letter, label, cols, types in safe_harbor_items(rules):
        col_actions = sorted({f"{c}:{actions[c]}" for c in cols if c in actions})
        leaked = any(k for k in (residual or {}) if k.split(":")[-1] in types) if residual else False
        if not cols and not types:
            status = "not collected (no images or biometrics in the study's extract)"
        elif leaked:
            status = "FAIL: residual found by scan"
        elif any(a.endswith((":keep",)) for a in col_actions):
            status = "REVIEW: a column of this class is kept"
        else:
            parts = []
            if any(a.endswith(":drop") for a in col_actions):
                parts.append("removed")
            if any(a.endswith(":pseudonymize") for a in col_actions):
                parts.append("replaced by keyed pseudonym (re-identification code, 164.514(c))")
            if any(a.endswith((":date", ":birth_date")) for a in col_actions):
                parts.append("year only" if policy.date_mode == "year_only" else "per-patient date shift")
            if any(a.endswith(":zip3") for a in col_actions):
                parts.append(f"ZIP3 kept only for areas > {policy.zip3.restricted_population_max:,} people "
                             f"({policy.zip3.census_year} census), others -> 000")
            if letter == "C":
                parts.append(f"ages > {policy.max_age} -> {policy.age_top_code}, birth year suppressed")
            if types:
                parts.append(f"free text: {sum(int(text_counts.get(t, 0)) for t in types)} span(s) redacted")
            status = "handled: " + "; ".join(parts)
        out.append({"item": letter, "identifier": label, "columns": col_actions, "text_types": types,
                    "status": status, "check_passed": checks.get(letter)})
    return out


def build_report(*, policy: DeidPolicy, rules: StudyDeidRules | None = None, code_hash: str, model_identity: Mapping[str, str],
                 batch_id: str, source_system: str, structured_counts: Mapping[str, int],
                 text_counts: Mapping[str, int], risk_before: Mapping, risk_after: Mapping,
                 enforcement: Mapping | None = None, residual: Mapping[str, int] | None = None,
                 checks: Mapping[str, bool] | None = None, row_counts: Mapping[str, int] | None = None) -> dict:
    """The de-identification report of one batch: policy and study (name, version, SHA-256), counts, risk,
    and the Safe Harbor checklist (45 CFR 164.514(b)(2)(i)). Counts and hashes only, never a value.
    ``rules``: the study's de-identification rules (default: the built-in study's under ``policy``)."""
    rules = rules or deid_rules(policy)
    return {
        "report_version": 1,
        "batch_id": batch_id,
        "source_system": source_system,
        "method": policy.method,
        "policy": {"version": policy.version, "sha256": policy.sha256, "date_mode": policy.date_mode,
                   "replacement": policy.text.replacement, "restricted_zip3": sorted(policy.restricted_zip3),
                   "zip3_population": policy.zip3.provenance()},
        "study": {"study_id": rules.study_id, "sha256": rules.study_sha256},
        "code_hash": code_hash,
        "ner_model": dict(model_identity),
        "row_counts": dict(row_counts or {}),
        "redaction_counts": {"structured": {k: int(v) for k, v in structured_counts.items()},
                             "text": {k: int(v) for k, v in text_counts.items()}},
        "risk": {"quasi_identifiers": list(rules.quasi_identifiers),
                 "sensitive_attributes": list(rules.sensitive_attributes),
                 "target_k": policy.risk.target_k, "before": dict(risk_before), "after": dict(risk_after),
                 "enforcement": dict(enforcement or {})},
        "safe_harbor_checklist": safe_harbor_checklist(policy, text_counts, residual, checks, rules=rules),
    }


def _zip3_line(policy_section: Mapping) -> list[str]:
    z = policy_section.get("zip3_population")
    if not z:
        return []
    return [f"- ZIP3: kept only where the area holds > {z['restricted_population_max']:,} people in {z['source']} "
            f"(census year {z['census_year']}, table `{z['table']}` sha256 `{z['table_sha256']}`); "
            f"{z['prefixes_restricted']} prefixes -> 000, incl. any the table does not list and the published "
            f"lists {', '.join(z['also_restricted'])}"]


def render_markdown(report: Mapping) -> str:
    r = report
    lines = [f"# De-identification report: batch {r['batch_id']}", "",
             f"- Source system: {source_system_label(r.get('source_system'))}", f"- Method: {r['method']}",
             f"- Policy: version {r['policy']['version']}, sha256 `{r['policy']['sha256']}`, "
             f"dates: {r['policy']['date_mode']}, text replacement: {r['policy']['replacement']}",
             *([f"- Study: {r['study']['study_id']}, spec sha256 `{r['study']['sha256']}`"] if r.get("study") else []),
             f"- Code hash: `{r['code_hash']}`",
             *_zip3_line(r["policy"]),
             f"- NER model: {r['ner_model'].get('name')} {r['ner_model'].get('version')} "
             f"(sha256 `{r['ner_model'].get('sha256')}`, components {r['ner_model'].get('components')})", "",
             "## Rows", ""]
    lines += [f"- {k}: {v}" for k, v in r.get("row_counts", {}).items()]
    lines += ["", "## Redaction counts", "", "| where | type | count |", "|---|---|---:|"]
    for where in ("structured", "text"):
        for k, v in sorted(r["redaction_counts"][where].items()):
            lines.append(f"| {where} | {k} | {v} |")
    rk = r["risk"]
    lines += ["", "## Re-identification risk", "",
              f"Quasi-identifiers: {', '.join(rk['quasi_identifiers'])}; sensitive: "
              f"{', '.join(rk['sensitive_attributes']) or '-'}; target k = {rk['target_k']}", "",
              "| metric | before | after |", "|---|---:|---:|"]
    for m in ("records", "k", "equivalence_classes", "prosecutor_risk_max", "prosecutor_risk_mean",
              "share_above_threshold"):
        b, a = rk["before"].get(m, ""), rk["after"].get(m, "")
        fmt = (lambda x: f"{x:.4f}" if isinstance(x, float) else str(x))
        lines.append(f"| {m} | {fmt(b)} | {fmt(a)} |")
    for s in rk["sensitive_attributes"]:
        b = rk["before"].get("l_diversity", {}).get(s, {})
        a = rk["after"].get("l_diversity", {}).get(s, {})
        lines.append(f"| distinct-l({s}) | {b.get('distinct_l', '')} | {a.get('distinct_l', '')} |")
        lines.append(f"| entropy-l({s}) | {b.get('entropy_l', 0):.3f} | {a.get('entropy_l', 0):.3f} |")
    if rk.get("enforcement"):
        e = rk["enforcement"]
        lines += ["", f"Generalization steps: {', '.join(e.get('generalization_steps', [])) or 'none'}; "
                      f"records with suppressed quasi-identifiers: {e.get('records_suppressed', 0)}"
                      f" ({e.get('records_suppressed_below_k', 0)} in classes below k, "
                      f"{e.get('records_suppressed_to_complete_class', 0)} to bring the suppressed class to k); "
                      + (f"target k reached (k = {e.get('k_after')})" if e.get("target_reached", True)
                         else f"TARGET k NOT REACHED: {e.get('reason', '')}")]
    lines += ["", "## HIPAA Safe Harbor checklist (45 CFR 164.514(b)(2)(i))", "", "| item | identifier | status |",
              "|---|---|---|"]
    for it in r["safe_harbor_checklist"]:
        lines.append(f"| ({it['item']}) | {it['identifier']} | {it['status']} |")
    return "\n".join(lines) + "\n"
