"""Which regulatory checklist items each evidence artefact supports.

Transcribed from the artefact -> checklist table in the team's regulatory reference
(shared/reference/regulatory.md). Item wording there is paraphrased from GMLP (FDA/HC/MHRA 2021),
the FDA PCCP final guidance (Dec 2024), TRIPOD+AI (BMJ 2024), HIPAA 45 CFR 164.514 / 164.312
and EU AI Act Annex IV. MP = Modification Protocol, DoM = Description of Modifications,
IA = Impact Assessment.
"""

from __future__ import annotations

FRAMEWORKS: tuple[str, ...] = ("GMLP", "PCCP", "TRIPOD+AI", "HIPAA", "AI Act Annex IV")

# artefact key -> (title, {framework: items})
ARTEFACTS: dict[str, tuple[str, dict[str, str]]] = {
    "datasheet": ("Datasheet (sources, dates, population, representativeness)",
                  {"GMLP": "3, 5", "PCCP": "MP-a", "TRIPOD+AI": "5, 6, 20", "HIPAA": "-", "AI Act Annex IV": "2, 3"}),
    "deid_report": ("De-identification report (18-identifier scan, k / l / risk, snapshot commit)",
                    {"GMLP": "2", "PCCP": "MP-a", "TRIPOD+AI": "7, 18", "HIPAA": "164.514(b)(2) / (b)(1)",
                     "AI Act Annex IV": "2"}),
    "label_quality_report": ("Label quality report (kappa / alpha, adjudication)",
                             {"GMLP": "5", "PCCP": "MP-a", "TRIPOD+AI": "8", "HIPAA": "-", "AI Act Annex IV": "2"}),
    "split_manifest": ("Split manifest (patient-disjoint, temporal and site holdouts)",
                       {"GMLP": "4", "PCCP": "MP-a, MP-c", "TRIPOD+AI": "12, 16", "HIPAA": "-", "AI Act Annex IV": "2"}),
    "validation_report": ("Validation report (internal / temporal / external, calibration, subgroups, CIs)",
                          {"GMLP": "3, 8", "PCCP": "MP-c", "TRIPOD+AI": "12, 14, 23", "HIPAA": "-",
                           "AI Act Annex IV": "2, 3, 4"}),
    "model_card": ("Model card (intended use, users, human-AI team, limitations)",
                   {"GMLP": "6, 7, 9", "PCCP": "DoM", "TRIPOD+AI": "3, 15, 25-27", "HIPAA": "-",
                    "AI Act Annex IV": "1, 3"}),
    "provenance_manifest": ("Provenance manifest (code, data commits, model version, environment)",
                            {"GMLP": "2", "PCCP": "MP-d", "TRIPOD+AI": "18, 22", "HIPAA": "-", "AI Act Annex IV": "2, 6"}),
    "audit_trail": ("Audit trail (hash-chained events, approvals)",
                    {"GMLP": "2, 10", "PCCP": "MP-d, IA", "TRIPOD+AI": "-",
                     "HIPAA": "Security Rule audit controls 164.312(b)", "AI Act Annex IV": "6, 9"}),
    "change_control_plan": ("Change / retraining / monitoring plan",
                            {"GMLP": "10", "PCCP": "DoM, MP-b, IA", "TRIPOD+AI": "24", "HIPAA": "-",
                             "AI Act Annex IV": "2, 9"}),
    "clinician_summary": ("Clinician summary",
                          {"GMLP": "7, 9", "PCCP": "labeling", "TRIPOD+AI": "27", "HIPAA": "-", "AI Act Annex IV": "1"}),
}

# Bundle file -> artefact, by the start of its relative path (first match wins).
FILE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("datasheet", "datasheet"),
    ("deid", "deid_report"),
    ("label_quality", "label_quality_report"),
    ("labels/", "label_quality_report"),
    ("split", "split_manifest"),
    ("validation", "validation_report"),
    ("metrics", "validation_report"),
    ("gate", "validation_report"),
    ("plots/", "validation_report"),
    ("model_card", "model_card"),
    ("provenance", "provenance_manifest"),
    ("audit", "audit_trail"),
    ("change_control", "change_control_plan"),
    ("pccp", "change_control_plan"),
    ("monitoring", "change_control_plan"),
    ("drift", "change_control_plan"),
    ("clinician_summary", "clinician_summary"),
)


def artefact_for(relative_path: str) -> str | None:
    """The artefact a bundle file is evidence for, from its path (None if unmapped)."""
    p = relative_path.lstrip("./").lower()
    for prefix, artefact in FILE_PREFIXES:
        if p.startswith(prefix):
            return artefact
    return None


def items_line(artefact: str) -> str:
    """One-line "Evidence for: ..." summary of an artefact's checklist items."""
    _, items = ARTEFACTS[artefact]
    return "; ".join(f"{fw} {items[fw]}" for fw in FRAMEWORKS if items.get(fw, "-") != "-")


# The bundle file that lists every gate decision (name, status, reason); the checklist shows it.
GATE_DECISIONS = "gate_decisions.json"
GATE_STATUS_SHOWN = {"pass": "PASS", "fail": "FAIL", "not_applicable": "NOT APPLICABLE"}


def gate_lines(gates) -> list[str]:
    """Markdown rows of the checklist's gate table: every gate with PASS / FAIL / NOT APPLICABLE and, for a
    gate the study declares not applicable, the reason from its spec (a gate never disappears: an entry without
    a known status is shown as FAIL)."""
    lines = ["| Gate | Stage | Result | Reason / detail |", "|---|---|---|---|"]
    for g in gates or []:
        status = g.get("status") or ("pass" if g.get("passed") else "fail")
        detail = g.get("reason") if status == "not_applicable" else g.get("message", "")
        cells = [g.get("name", "?"), g.get("stage", ""), GATE_STATUS_SHOWN.get(status, "FAIL"), detail or ""]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return lines
