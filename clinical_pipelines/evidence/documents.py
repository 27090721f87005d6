"""Markdown evidence documents rendered from plain dicts (no PHI expected in the inputs).

Every document starts with the checklist items it is evidence for (``evidence.checklist``) and
every section names the TRIPOD+AI / GMLP / PCCP / EU AI Act Annex IV items it addresses. Content
that was not supplied is printed as **Not provided**, so gaps are visible to a reviewer instead of
silently missing. Renderers are pure: the same inputs give the same text (no clock reads).

Documents: ``model_card``, ``datasheet``, ``clinician_summary``, ``validation_report``,
``label_quality_report``, ``change_control_plan``.

The model card, datasheet and clinician summary take the study's facts
(:class:`~clinical_pipelines.evidence.study_facts.StudyFacts`: title, sites, periods, counts, population,
outcome definition, label source, evaluation design) from the study spec and its released data; they
hold no fixed text about any one study. A gate the study declares not applicable is shown as **NOT
APPLICABLE** with the spec's reason, and an evaluation set it cannot have as "not applicable: <reason>".
"""

from __future__ import annotations

from dataclasses import dataclass

from clinical_pipelines.evidence.checklist import ARTEFACTS, items_line
from clinical_pipelines.evidence.study_facts import StudyFacts
from clinical_pipelines.provenance import source_system_label

NOT_PROVIDED = "**Not provided** (to be completed before release)"
EVAL_SPLITS = ("internal_test", "temporal_test", "external_test")
# The gate whose not-applicable reason is the reason an evaluation set does not exist.
SPLIT_GATES = {"temporal_test": "discrimination_temporal", "external_test": "discrimination_external"}
SPLIT_NAMES = {
    "train": "Development (training)",
    "internal_test": "Internal validation (held-out patients)",
    "temporal_test": "Temporal validation (patients after the cutoff)",
    "external_test": "External validation (held-out sites)",
}


@dataclass(frozen=True)
class Section:
    title: str
    refs: str  # checklist items, e.g. "TRIPOD+AI 12; GMLP 8; AI Act IV 2"
    body: str


# --------------------------------------------------------------------------- formatting helpers
def _cell(x) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x).replace("|", "\\|").replace("\n", " ")


def _table(headers, rows) -> str:
    if not rows:
        return NOT_PROVIDED
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _kv(d: dict | None, labels: dict[str, str] | None = None) -> str:
    if not d:
        return NOT_PROVIDED
    labels = labels or {}
    return _table(["Item", "Value"], [[labels.get(k, k.replace("_", " ")), v] for k, v in d.items()])


def _bullets(items) -> str:
    if not items:
        return NOT_PROVIDED
    return "\n".join(f"- {_cell(i) if not isinstance(i, str) else i}" for i in items)


def _text(value) -> str:
    return value if isinstance(value, str) and value.strip() else NOT_PROVIDED


def _ci(m: dict, key="auroc") -> str:
    est, lo, hi = m.get(key), m.get(f"{key}_ci_lower"), m.get(f"{key}_ci_upper")
    if est is None:
        return "n/a"
    return f"{est:.3f} ({lo:.3f}-{hi:.3f})" if lo is not None and hi is not None else f"{est:.3f}"


def _render(title: str, artefact: str, sections: list[Section], intro: str = "") -> str:
    out = [f"# {title}", "", f"_Evidence for: {items_line(artefact)}_", ""]
    if intro:
        out += [intro, ""]
    for s in sections:
        out += [f"## {s.title}", "", f"_Checklist: {s.refs}_", "", s.body.strip(), ""]
    out += ["## Regulatory mapping", "", _table(["Section", "Checklist items"], [[s.title, s.refs] for s in sections]), ""]
    return "\n".join(out)


def _gate_dicts(gate_results) -> list[dict]:
    return [g.to_dict() if hasattr(g, "to_dict") else dict(g) for g in gate_results or []]


def _split_reasons(gate_results) -> dict[str, str]:
    """Evaluation set -> the study's reason it does not exist (from the not-applicable gate that needs it)."""
    by_gate = {g["name"]: g.get("reason") for g in _gate_dicts(gate_results) if g.get("status") == "not_applicable"}
    return {split: by_gate[gate] for split, gate in SPLIT_GATES.items() if by_gate.get(gate)}


def _performance_table(metrics: dict | None, gate_results=None) -> str:
    splits = (metrics or {}).get("splits") or {}
    reasons = _split_reasons(gate_results)
    rows = []
    for split in EVAL_SPLITS:
        m = splits.get(split)
        if m:
            rows.append([SPLIT_NAMES[split], m.get("n"), m.get("prevalence"), _ci(m), m.get("calibration_slope"),
                         m.get("calibration_intercept"), m.get("ece"), m.get("brier"),
                         m.get("sensitivity"), m.get("specificity"), m.get("ppv"), m.get("npv")])
        elif split in reasons:
            rows.append([SPLIT_NAMES[split], f"not applicable: {reasons[split]}"] + [None] * 10)
        else:
            rows.append([SPLIT_NAMES[split], "not evaluated"] + [None] * 10)
    return _table(["Evaluation set", "n", "Prevalence", "AUROC (95% CI)", "Cal. slope", "Cal. intercept", "ECE",
                   "Brier", "Sensitivity", "Specificity", "PPV", "NPV"], rows)


def gate_verdict(g: dict) -> str:
    """PASS / FAIL / NOT APPLICABLE of a gate result dict."""
    if g.get("status") == "not_applicable":
        return "NOT APPLICABLE"
    return "PASS" if g["passed"] else "FAIL"


def _gate_table(gate_results) -> str:
    rows = []
    for g in _gate_dicts(gate_results):
        required = "-" if g.get("status") == "not_applicable" else f"{g.get('comparison')} {_cell(g.get('threshold'))}"
        rows.append([g["name"], gate_verdict(g), g.get("observed"), required, g.get("message")])
    return _table(["Gate", "Result", "Observed", "Required", "Detail"], rows)


def _facts(study) -> StudyFacts | None:
    if study is None or isinstance(study, StudyFacts):
        return study
    return StudyFacts(**study)


def _study_section(facts: StudyFacts | None) -> str:
    """Title, sites, periods, counts, outcome and label source; population tables; evaluation design."""
    if facts is None:
        return NOT_PROVIDED
    parts = [_kv(facts.summary)]
    if facts.population:
        parts.append(_population_tables(facts.population))
    parts.append("**Evaluation design**\n\n" + _kv(facts.design))
    return "\n\n".join(parts)


def _population_tables(population: dict) -> str:
    return "\n\n".join(f"**{k.replace('_', ' ')}** (counts)\n\n" + _table(["Group", "Count"], list(v.items()))
                       for k, v in population.items())


def _subgroup_tables(metrics: dict | None) -> str:
    pooled = (metrics or {}).get("subgroups_pooled") or {}
    if not pooled:
        return NOT_PROVIDED
    parts = []
    for attr, res in pooled.items():
        rows = []
        for value, g in (res.get("groups") or {}).items():
            if g.get("status") == "ok":
                rows.append([value, g.get("n"), g.get("n_positive"), _ci(g), g.get("sensitivity"), g.get("specificity")])
            else:
                rows.append([value, g.get("n"), g.get("n_positive"), "insufficient n", None, None])
        parts.append(f"**{attr}** (AUROC gap: {_cell(res.get('auroc_gap'))})\n\n"
                     + _table(["Group", "n", "Events", "AUROC (95% CI)", "Sensitivity", "Specificity"], rows))
    return "\n\n".join(parts)


def _policy_section(policies) -> str:
    """Policies in force (``policy_approval.PolicyIdentity`` dicts): one row each, then a warning line
    for every policy that is not the packaged default."""
    if not policies:
        return NOT_PROVIDED
    rows = [[p.get("kind"), p.get("name"), p.get("version"), p.get("sha256"),
             "default" if p.get("is_default") else "NOT DEFAULT", p.get("approval")] for p in policies]
    warnings = [f"- **Warning:** {p['warning']}" for p in policies if p.get("warning")]
    return _table(["Kind", "Name", "Version", "SHA-256", "Default", "Approval"], rows) + (
        "\n\n" + "\n".join(warnings) if warnings else "")


# --------------------------------------------------------------------------- documents
def model_card(*, model: dict, intended_use: dict, performance: dict | None = None, gate_results=None,
               limitations: list[str] | None = None, human_ai_team: dict | None = None,
               coefficients: dict | None = None, planned_changes: str | None = None,
               policies: list[dict] | None = None, study: StudyFacts | dict | None = None) -> str:
    """Model card. ``model``: name, version, type, provider, created_at, operating_threshold, features...
    ``intended_use``: purpose, intended_users, setting, population, output_meaning, out_of_scope (list).
    ``policies``: identities of the de-identification and gate policies in force (name, version, SHA-256,
    approval), each not-default policy with a warning. ``study``: the study's facts (title, sites, periods,
    counts, population, outcome, label source, design) from its spec and released data."""
    facts = _facts(study)
    iu = dict(intended_use or {})
    out_of_scope = iu.pop("out_of_scope", None)
    output_meaning = iu.pop("output_meaning", None)
    model_info = {k: v for k, v in (model or {}).items() if k != "features"}
    features = (model or {}).get("features")
    sections = [
        Section("Model details", "TRIPOD+AI 1, 22; AI Act IV 1",
                _kv(model_info) + ("\n\nPredictors: " + ", ".join(features) if features else "")),
        Section("Intended use and intended users", "TRIPOD+AI 3; GMLP 6; AI Act IV 1",
                _kv(iu) + "\n\n**Out of scope:**\n\n" + _bullets(out_of_scope)),
        Section("Study and development data", "TRIPOD+AI 5, 6, 8, 20; GMLP 3, 5; AI Act IV 2", _study_section(facts)),
        Section("Human-AI team and human oversight", "GMLP 7; AI Act IV 3; TRIPOD+AI 27", _kv(human_ai_team)),
        Section("Model output", "TRIPOD+AI 15; GMLP 9", _text(output_meaning)),
        Section("Model specification", "TRIPOD+AI 22",
                _table(["Predictor", "Standardised log-odds coefficient"], sorted(coefficients.items()))
                if coefficients else NOT_PROVIDED),
        Section("Performance summary", "TRIPOD+AI 23; GMLP 8; AI Act IV 3", _performance_table(performance, gate_results)),
        Section("Promotion gates", "PCCP MP-c; GMLP 8; AI Act IV 4", _gate_table(gate_results)),
        Section("Policies in force", "PCCP version control; GMLP 2; AI Act IV 2, 6", _policy_section(policies)),
        Section("Interpretation and limitations", "TRIPOD+AI 25, 26; AI Act IV 3; GMLP 9", _bullets(limitations)),
        Section("Planned changes", "PCCP DoM; AI Act IV 2, 6", _text(planned_changes)),
    ]
    name = (model or {}).get("name", "model")
    intro = f"Study: {facts.title} (`{facts.study_id}`)" if facts else ""
    return _render(f"Model card: {name} {(model or {}).get('version', '')}".strip(), "model_card", sections, intro)


def datasheet(*, dataset: dict, sources: list[dict] | None = None, population: dict | None = None,
              outcome: dict | None = None, split_manifest: dict | None = None, missingness: dict | None = None,
              preparation: dict | None = None, representativeness: str | None = None,
              study: StudyFacts | dict | None = None) -> str:
    """Datasheet for the development / validation data. ``population`` may hold counts per sex,
    age band, site (dicts of counts); ``missingness``: {feature: share missing}. ``study``: the study's facts;
    they fill the name, periods, population, outcome and label source that are not given explicitly."""
    facts = _facts(study)
    if facts is not None:
        dataset = {"name": facts.title, "study_id": facts.study_id, **(dataset or {})}
        population = population or {"sites": facts.site_summary, "period": facts.periods, facts.unit: facts.n_units,
                                     "patients": facts.n_patients, "outcome events": facts.n_positive,
                                     **facts.population, **({"by_year": facts.years} if facts.years else {})}
        missingness = missingness if missingness is not None else facts.missingness
        outcome = {**(outcome or {}), **{k: v for k, v in (("name", facts.outcome.get("name")),
                   ("definition", facts.outcome.get("definition")), ("description", facts.outcome.get("description")),
                   ("label source", facts.label_source)) if v}}
    source_rows = [[source_system_label(s.get("source_system")), s.get("site_id"), s.get("batch_id"), s.get("date_range"), s.get("n_rows")]
                   for s in (sources or [])]
    pop = dict(population or {})
    breakdowns = {k: pop.pop(k) for k in list(pop) if isinstance(pop[k], dict)}
    breakdown_txt = "\n\n".join(
        f"**{k.replace('_', ' ')}**\n\n" + _table(["Group", "Count"], sorted(v.items())) for k, v in breakdowns.items()
    )
    split_rows = []
    for s, e in ((split_manifest or {}).get("splits") or {}).items():
        split_rows.append([SPLIT_NAMES.get(s, s), e.get("n_rows"), e.get("n_patients"), e.get("prevalence")])
    sections = [
        Section("Dataset identity and provenance", "TRIPOD+AI 5, 18; AI Act IV 2", _kv(dataset)),
        Section("Data sources and dates", "TRIPOD+AI 5; GMLP 3",
                _table(["Source system", "Site", "Batch", "Dates", "Rows"], source_rows)
                + (f"\n\nPeriod of the data: {facts.periods}" if facts else "")),
        Section("Participants, setting and eligibility", "TRIPOD+AI 6, 20; GMLP 3; AI Act IV 2, 3",
                _kv(pop) + ("\n\n" + breakdown_txt if breakdown_txt else "")),
        Section("Outcome and reference standard", "TRIPOD+AI 8; GMLP 5; PCCP MP-a", _kv(outcome)),
        Section("Data preparation and de-identification", "TRIPOD+AI 7; GMLP 2; AI Act IV 2", _kv(preparation)),
        Section("Missing data", "TRIPOD+AI 11",
                _table(["Feature", "Share missing"], sorted(missingness.items())) if missingness else NOT_PROVIDED),
        Section("Evaluation design", "TRIPOD+AI 12; GMLP 4; PCCP MP-a", _kv(facts.design) if facts else NOT_PROVIDED),
        Section("Data splits", "TRIPOD+AI 12, 16; GMLP 4; PCCP MP-a",
                _table(["Split", "Encounters", "Patients", "Prevalence"], split_rows)
                + (f"\n\nSplit fingerprint (sha256 of sorted id/split pairs): `{split_manifest['pairs_sha256']}`"
                   if split_manifest and split_manifest.get("pairs_sha256") else "")),
        Section("Representativeness of the intended population", "GMLP 3; TRIPOD+AI 3, 20; AI Act IV 2",
                _text(representativeness)),
    ]
    return _render(f"Datasheet: {(dataset or {}).get('name', 'dataset')}", "datasheet", sections)


def clinician_summary(*, model: dict, intended_use: dict, performance: dict | None = None,
                      how_to_use: list[str] | None = None, limitations: list[str] | None = None,
                      contact: str | None = None, study: StudyFacts | dict | None = None, gate_results=None) -> str:
    """One-page plain-language summary for the clinicians who use the model. ``study``: the study's facts (where
    the data came from); ``gate_results``: to say which evaluations the study cannot have, and why."""
    facts = _facts(study)
    thr = (model or {}).get("operating_threshold")
    splits = (performance or {}).get("splits") or {}
    reasons = _split_reasons(gate_results)
    lines = []
    for split in EVAL_SPLITS:
        m = splits.get(split)
        if split in reasons and not m:
            lines.append(f"{SPLIT_NAMES[split]}: not applicable: {reasons[split]}.")
        elif m and m.get("sensitivity") is not None:
            lines.append(
                f"{SPLIT_NAMES[split]}: of 100 patients who had the outcome, the tool flagged about "
                f"{round(100 * m['sensitivity'])}; of 100 patients flagged, about "
                f"{round(100 * (m.get('ppv') or 0))} had the outcome (AUROC {_ci(m)}, n = {m.get('n')}).")
    sections = [
        Section("What the tool does", "TRIPOD+AI 15, 27; GMLP 9; AI Act IV 1",
                _text((intended_use or {}).get("purpose"))
                + (f"\n\nA patient is flagged as high risk when the predicted risk is at least {thr:.0%}."
                   if isinstance(thr, (int, float)) else "")),
        Section("Where the data came from", "TRIPOD+AI 5, 6, 8; GMLP 3", _data_origin(facts)),
        Section("Who should use it, and for whom", "TRIPOD+AI 3; GMLP 6, 9; AI Act IV 1",
                _kv({k: v for k, v in (intended_use or {}).items() if k in ("intended_users", "setting", "population")})
                + "\n\n**Do not use for:**\n\n" + _bullets((intended_use or {}).get("out_of_scope"))),
        Section("How well it works", "TRIPOD+AI 23; GMLP 8, 9", _bullets(lines)),
        Section("How to use it (you stay in charge)", "GMLP 7; TRIPOD+AI 27; AI Act IV 3", _bullets(how_to_use)),
        Section("Known limitations", "TRIPOD+AI 26; GMLP 9; AI Act IV 3", _bullets(limitations)),
        Section("Questions and problem reports", "GMLP 9, 10; PCCP labeling", _text(contact)),
    ]
    name = (model or {}).get("name", "model")
    return _render(f"Clinician summary: {name} {(model or {}).get('version', '')}".strip(), "clinician_summary", sections)


def _data_origin(facts: StudyFacts | None) -> str:
    if facts is None:
        return NOT_PROVIDED
    prevalence = f" ({facts.n_positive / facts.n_units:.0%})" if facts.n_units else ""
    return _bullets([
        f"Study: {facts.title}.",
        f"Sites: {facts.site_summary}.",
        f"Period: {facts.periods}.",
        f"Developed and tested on {facts.n_units} {facts.unit}"
        + (f" of {facts.n_patients} patients" if facts.unit != "patients" else "")
        + f"; {facts.n_positive} had the outcome{prevalence}.",
        f"Outcome: {facts.outcome.get('description') or facts.outcome.get('definition')}.",
        f"Labels: {facts.label_source}.",
    ])


def validation_report(*, model: dict, metrics: dict, gate_results, policy: dict, split_manifest: dict | None = None,
                      plots: list[str] | None = None, statistical_plan: str | None = None) -> str:
    """Validation report: splits, discrimination with CIs, calibration, classification at the operating
    threshold, subgroups, gate decisions against the (hashed) gate policy."""
    results = _gate_dicts(gate_results)
    n_na = sum(g.get("status") == "not_applicable" for g in results)
    decision = "ALL GATES PASSED" if results and all(g["passed"] for g in results) else "NOT APPROVED: at least one gate failed"
    if n_na and results and all(g["passed"] for g in results):
        decision += f" ({n_na} not applicable, declared by the study with its reason)"
    subgroup_names = ", ".join(((metrics or {}).get("subgroups_pooled") or {}).keys()) or "none"
    split_rows = [[SPLIT_NAMES.get(s, s), e.get("n_rows"), e.get("n_patients"), e.get("prevalence")]
                  for s, e in ((split_manifest or {}).get("splits") or {}).items()]
    policy_info = {k: policy.get(k) for k in ("version", "sha256", "operating_threshold", "discrimination_statistic")
                   if k in (policy or {})}
    sections = [
        Section("Decision", "PCCP MP-c; GMLP 8; AI Act IV 2", f"**{decision}**\n\n" + _kv(
            {"model": (model or {}).get("name"), "version": (model or {}).get("version"),
             "gate policy version": policy_info.get("version"), "gate policy sha256": policy_info.get("sha256")})),
        Section("Statistical analysis plan", "TRIPOD+AI 12; PCCP MP-c; AI Act IV 4", _text(statistical_plan or (
            "Discrimination: AUROC with 95% CI (DeLong). Calibration: logistic recalibration intercept (slope fixed "
            "at 1) and slope, expected calibration error (10 equal-width bins), Brier score. Classification at the "
            f"operating threshold: sensitivity, specificity, PPV, NPV. Subgroups (the study's): {subgroup_names}, on "
            "the pooled evaluation sets; groups below the policy minimum size are reported as insufficient n; an "
            "evaluation set below it fails the gates that read it. Gates of evaluations the study declares not "
            "applicable are reported as such, with the study's reason."))),
        Section("Evaluation data (patient-disjoint splits)", "TRIPOD+AI 12, 16, 20; GMLP 4; PCCP MP-a",
                _table(["Split", "Encounters", "Patients", "Prevalence"], split_rows)),
        Section("Overall performance", "TRIPOD+AI 23; GMLP 3, 8; AI Act IV 3, 4",
                f"Operating threshold: {_cell((metrics or {}).get('threshold'))}\n\n" + _performance_table(metrics, results)),
        Section("Subgroup performance and fairness", "TRIPOD+AI 14, 23; GMLP 3; AI Act IV 2, 3", _subgroup_tables(metrics)),
        Section("Figures", "TRIPOD+AI 23", _bullets([f"![{p}]({p})" for p in plots or []])),
        Section("Promotion gates", "PCCP MP-c; GMLP 8; AI Act IV 2, 4", _kv(policy_info) + "\n\n" + _gate_table(results)),
    ]
    name = (model or {}).get("name", "model")
    return _render(f"Validation report: {name} {(model or {}).get('version', '')}".strip(), "validation_report", sections)


def label_quality_report(*, agreement: dict | None, labeling_process: dict | None = None,
                         not_applicable: str | None = None) -> str:
    """Reference-standard quality from ``labels.agreement.agreement_report`` output. A study whose outcome is
    recorded in the extract (one source) has no agreement: ``not_applicable`` gives the spec's reason and the
    report says so instead of leaving sections out."""
    if not_applicable:
        na = f"Not applicable: {not_applicable}"
        sections = [
            Section("Labelling process", "TRIPOD+AI 8; GMLP 5; AI Act IV 2; PCCP MP-a", _kv(labeling_process)),
            Section("Agreement between raters", "TRIPOD+AI 8; GMLP 5", na),
            Section("Consensus and adjudication", "TRIPOD+AI 8; GMLP 5; PCCP MP-a", na),
        ]
        return _render("Label quality report", "label_quality_report", sections,
                       intro="How reliable is the reference standard the model was trained and tested against?")
    a = agreement or {}
    stats = [[name, (a.get(key) or {}).get("estimate"), (a.get(key) or {}).get("ci_lower"),
              (a.get(key) or {}).get("ci_upper"), (a.get(key) or {}).get("n_items")]
             for name, key in (("Percent agreement", "percent_agreement"), ("Fleiss' kappa", "fleiss_kappa"),
                               ("Krippendorff's alpha (nominal)", "krippendorff_alpha"))]
    pairs = [[k.replace("|", " / "), v.get("n_items"), v.get("percent_agreement"), v.get("kappa"),
              v.get("ci_lower"), v.get("ci_upper")] for k, v in (a.get("cohen_kappa_pairs") or {}).items()]
    overview = {k: a.get(k) for k in ("n_items", "n_ratings", "n_raters", "raters_per_item_min",
                                      "raters_per_item_max", "n_items_single_rating", "positive_rate") if k in a}
    boot = a.get("bootstrap") or {}
    sections = [
        Section("Labelling process", "TRIPOD+AI 8; GMLP 5; AI Act IV 2; PCCP MP-a", _kv(labeling_process)),
        Section("Ratings overview", "TRIPOD+AI 8", _kv(overview)),
        Section("Agreement between raters", "TRIPOD+AI 8; GMLP 5",
                _table(["Statistic", "Estimate", "95% CI lower", "95% CI upper", "Items"], stats)
                + (f"\n\nConfidence intervals: {boot.get('interval', 'bootstrap')} over {boot.get('unit', 'item')}s, "
                   f"{boot.get('n_boot')} resamples, seed {boot.get('seed')}." if boot else "")),
        Section("Agreement per rater pair (Cohen's kappa)", "TRIPOD+AI 8; GMLP 5",
                _table(["Rater pair", "Items", "Agreement", "Kappa", "95% CI lower", "95% CI upper"], pairs)),
        Section("Consensus and adjudication", "TRIPOD+AI 8; GMLP 5; PCCP MP-a", _kv(a.get("consensus"))),
    ]
    return _render("Label quality report", "label_quality_report", sections,
                   intro="How reliable is the reference standard the model was trained and tested against?")


def change_control_plan(*, model: dict, modifications: list[dict], data_management: dict | None = None,
                        retraining: dict | None = None, performance_evaluation: dict | None = None,
                        update_procedures: dict | None = None, impact_assessment: list[dict] | None = None,
                        version_control: str | None = None) -> str:
    """Predetermined Change Control Plan (FDA PCCP final guidance, Dec 2024).

    ``modifications``: [{id, description, rationale, automatic (bool), frequency, protocol_sections (list)}]
    ``impact_assessment``: [{modification, benefits, risks, mitigations}] (+ optional "cumulative" entry).
    ``performance_evaluation`` should carry the acceptance criteria of the gate policy (thresholds, sha256).
    """
    mods = modifications or []
    mod_rows = [[m.get("id"), m.get("description"), m.get("rationale"),
                 "automatic" if m.get("automatic") else "manual", m.get("frequency")] for m in mods]
    trace_rows = [[m.get("id"), ", ".join(m.get("protocol_sections") or []) or "n/a"] for m in mods]
    ia_rows = [[i.get("modification"), i.get("benefits"), i.get("risks"), i.get("mitigations")]
               for i in (impact_assessment or [])]
    sections = [
        Section("1. Description of modifications", "PCCP DoM; GMLP 10; AI Act IV 2, 6",
                _table(["ID", "Modification", "Rationale", "Automatic / manual", "Frequency"], mod_rows)),
        Section("2a. Modification protocol: data management", "PCCP MP-a; GMLP 3, 4, 5; TRIPOD+AI 5-8",
                _kv(data_management)),
        Section("2b. Modification protocol: re-training practices", "PCCP MP-b; TRIPOD+AI 12, 24", _kv(retraining)),
        Section("2c. Modification protocol: performance evaluation", "PCCP MP-c; GMLP 8; TRIPOD+AI 12, 14, 23; AI Act IV 4",
                _kv(performance_evaluation)),
        Section("2d. Modification protocol: update procedures", "PCCP MP-d; GMLP 9, 10; AI Act IV 9",
                _kv(update_procedures)),
        Section("Traceability: modification to protocol sections", "PCCP MP",
                _table(["Modification", "Protocol sections"], trace_rows)),
        Section("3. Impact assessment", "PCCP IA; AI Act IV 5",
                _table(["Modification", "Benefits", "Risks", "Mitigations"], ia_rows)),
        Section("Version control and maintenance", "PCCP; GMLP 2; AI Act IV 6", _text(version_control)),
    ]
    name = (model or {}).get("name", "model")
    return _render(f"Predetermined change control plan: {name}", "change_control_plan", sections)

