"""Model-promotion gates (PCCP Modification Protocol (c); GMLP 8; AI Act Annex IV 2, 4).

Thresholds live only in ``policies/validation_gates.yaml`` and are read by ``load_gate_policy``;
what is evaluated (which evaluation sets, which subgroup attributes) is the study's evaluation
design (``evaluation`` of the study spec, :func:`clinical_pipelines.training.design.evaluation_design`).
``evaluate_gates`` compares the metrics dict of ``validation.metrics.evaluate_predictions`` with
the policy and returns one ``GateResult`` per gate, always in the order of ``ALL_GATES``.

Every gate has one of three statuses (:data:`GATE_STATUSES`):

- ``pass`` / ``fail``: evaluated. Fail closed: a metric that is missing or undefined fails its
  gate, never passes; an evaluation set smaller than the policy's minimum (``subgroups.min_n``
  units, ``min_events`` events and non-events) fails every gate that reads it, and the message
  gives n, events, non-events and the minimums;
- ``not_applicable``: the study declares the part of the design the gate needs not applicable
  (``{not_applicable: <reason>}`` in the spec: no dates -> no temporal validation, one site -> no
  external validation, no subgroups). The result carries the spec's reason, counts as passed for
  promotion (``passed`` is true) and is shown with its reason in every report: a gate never
  disappears. :meth:`GateResult.not_applicable` is the one way to make such a result.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from clinical_pipelines.validation.metrics import STATUS_INSUFFICIENT, STATUS_OK

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policies" / "validation_gates.yaml"

# Stable gate names (used as asset-check names and in the evidence bundle; do not rename).
GATE_DISCRIMINATION_INTERNAL = "discrimination_internal"
GATE_DISCRIMINATION_TEMPORAL = "discrimination_temporal"
GATE_DISCRIMINATION_EXTERNAL = "discrimination_external"
GATE_DISCRIMINATION_EXTERNAL_SITE = "discrimination_external_site"
GATE_CALIBRATION_SLOPE = "calibration_slope"
GATE_CALIBRATION_ECE = "calibration_ece"
GATE_SUBGROUP_PERFORMANCE = "subgroup_performance"
GATE_SAFETY_SENSITIVITY = "safety_sensitivity"
ALL_GATES: tuple[str, ...] = (
    GATE_DISCRIMINATION_INTERNAL, GATE_DISCRIMINATION_TEMPORAL, GATE_DISCRIMINATION_EXTERNAL,
    GATE_DISCRIMINATION_EXTERNAL_SITE, GATE_CALIBRATION_SLOPE, GATE_CALIBRATION_ECE,
    GATE_SUBGROUP_PERFORMANCE, GATE_SAFETY_SENSITIVITY,
)
GATE_DESCRIPTIONS = {
    GATE_DISCRIMINATION_INTERNAL: "Discrimination (AUROC) on internal held-out patients",
    GATE_DISCRIMINATION_TEMPORAL: "Discrimination (AUROC) on patients seen after the temporal cutoff",
    GATE_DISCRIMINATION_EXTERNAL: "Discrimination (AUROC) on held-out external sites",
    GATE_DISCRIMINATION_EXTERNAL_SITE: "Discrimination (AUROC) at every external site",
    GATE_CALIBRATION_SLOPE: "Calibration slope close to 1 on every evaluation split",
    GATE_CALIBRATION_ECE: "Expected calibration error on every evaluation split",
    GATE_SUBGROUP_PERFORMANCE: "AUROC gap between subgroups (sex, age band, site)",
    GATE_SAFETY_SENSITIVITY: "Sensitivity at the operating threshold on every evaluation split (safety)",
}
EVALUATION_SPLITS = ("internal_test", "temporal_test", "external_test")
PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not_applicable"
GATE_STATUSES = (PASS, FAIL, NOT_APPLICABLE)
# The part of the study's design (key of ``Study.not_applicable()``) each gate needs, beyond the internal split.
TEMPORAL_PART, EXTERNAL_PART, SUBGROUPS_PART = "evaluation.temporal", "evaluation.external_sites", "evaluation.subgroups"
GATE_DESIGN_PART = {
    GATE_DISCRIMINATION_TEMPORAL: TEMPORAL_PART, GATE_DISCRIMINATION_EXTERNAL: EXTERNAL_PART,
    GATE_DISCRIMINATION_EXTERNAL_SITE: EXTERNAL_PART, GATE_SUBGROUP_PERFORMANCE: SUBGROUPS_PART,
}
SPLIT_DESIGN_PART = {"temporal_test": TEMPORAL_PART, "external_test": EXTERNAL_PART}
DISCRIMINATION_STATISTICS = {"point": "auroc", "ci_lower": "auroc_ci_lower"}
THRESHOLD_KEYS = (
    "min_auroc_internal", "min_auroc_temporal", "min_auroc_external", "min_auroc_per_external_site",
    "max_calibration_slope_deviation", "max_ece", "max_subgroup_auroc_gap", "min_sensitivity",
)
_TOP_KEYS = ("version", "operating_threshold", "discrimination_statistic", "thresholds", "subgroups", "labels",
             "monitoring")
_LABEL_KEYS = ("min_label_agreement",)
_SUBGROUP_KEYS = ("min_n", "min_events")
_MONITORING_KEYS = ("max_drifted_feature_share",)
_UNBOUNDED_THRESHOLDS = {"max_calibration_slope_deviation"}


class GatePolicyError(ValueError):
    """The gate policy file is missing or incomplete. The message says what to fix."""


@dataclass(frozen=True)
class ValidationGatePolicy:
    version: str
    operating_threshold: float
    discrimination_statistic: str
    min_auroc_internal: float
    min_auroc_temporal: float
    min_auroc_external: float
    min_auroc_per_external_site: float
    max_calibration_slope_deviation: float
    max_ece: float
    max_subgroup_auroc_gap: float
    min_sensitivity: float
    min_subgroup_n: int
    min_subgroup_events: int
    min_label_agreement: float
    max_drifted_feature_share: float
    sha256: str
    path: str = field(default="")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GateResult:
    """One gate's decision. ``status`` pass | fail | not_applicable (derived from ``passed`` unless made by
    :meth:`not_applicable`); ``reason``: the study spec's reason of a not-applicable gate; ``n`` / ``min_n``:
    the evaluation set's size and the policy minimum when the gate failed for too few units."""

    name: str
    passed: bool
    observed: float | None
    threshold: float | None
    comparison: str  # ">=" or "<=": observed must be {comparison} threshold ("" when not applicable)
    message: str
    status: str = ""
    reason: str | None = None
    n: int | None = None
    min_n: int | None = None

    def __post_init__(self):
        if not self.status:
            object.__setattr__(self, "status", PASS if self.passed else FAIL)
        if self.status not in GATE_STATUSES:
            raise ValueError(f"gate status must be one of {GATE_STATUSES}")
        if self.status == NOT_APPLICABLE and not (self.passed and self.reason):
            raise ValueError("a not-applicable gate needs the study's reason (use GateResult.not_applicable)")

    @classmethod
    def not_applicable(cls, name: str, reason: str, threshold: float | None = None) -> GateResult:
        """The gate ``name`` declared not applicable by the study, with the spec's ``reason``."""
        return cls(name=name, passed=True, observed=None, threshold=threshold, comparison="",
                   message=f"not applicable: {reason}", status=NOT_APPLICABLE, reason=reason)

    @property
    def applicable(self) -> bool:
        return self.status != NOT_APPLICABLE

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- policy loading
def _section(data: dict, key: str, required: tuple[str, ...], where: str) -> dict:
    section = data.get(key)
    if not isinstance(section, dict):
        raise GatePolicyError(f"{where}: section '{key}' is missing; it must define {list(required)}")
    missing = [k for k in required if k not in section or section[k] is None]
    if missing:
        raise GatePolicyError(f"{where}: '{key}' is missing required key(s) {missing}")
    unknown = sorted(set(section) - set(required))
    if unknown:
        raise GatePolicyError(f"{where}: '{key}' has unknown key(s) {unknown} (typo?); allowed: {list(required)}")
    return section


def _number(value, name: str, where: str, *, lo: float | None = 0.0, hi: float | None = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise GatePolicyError(f"{where}: '{name}' must be a number")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise GatePolicyError(f"{where}: '{name}' must be between {lo} and {hi}")
    return float(value)


def _integer(value, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise GatePolicyError(f"{where}: '{name}' must be a positive integer")
    return value


def load_gate_policy(path: str | Path | None = None) -> ValidationGatePolicy:
    """Read and check the gate policy (default: the packaged ``policies/validation_gates.yaml``)."""
    p = Path(path) if path is not None else DEFAULT_POLICY_PATH
    if not p.is_file():
        raise GatePolicyError(
            f"validation gate policy not found at {p}; restore policies/validation_gates.yaml or pass the path "
            "of a reviewed policy file"
        )
    raw = p.read_bytes()
    where = f"validation gate policy {p.name}"
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise GatePolicyError(f"{where}: not valid YAML ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise GatePolicyError(f"{where}: expected a mapping with keys {list(_TOP_KEYS)}")
    missing = [k for k in _TOP_KEYS if k not in data or data[k] is None]
    if missing:
        raise GatePolicyError(f"{where}: missing required key(s) {missing}")
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise GatePolicyError(f"{where}: unknown key(s) {unknown} (typo?); allowed: {list(_TOP_KEYS)}")
    thresholds = _section(data, "thresholds", THRESHOLD_KEYS, where)
    if isinstance(data.get("subgroups"), dict) and "attributes" in data["subgroups"]:
        raise GatePolicyError(f"{where}: 'subgroups.attributes' is not a gate policy key any more: the subgroup "
                              "attributes are the study's evaluation.subgroups (study.yaml); remove the key")
    subgroups = _section(data, "subgroups", _SUBGROUP_KEYS, where)
    labels = _section(data, "labels", _LABEL_KEYS, where)
    monitoring = _section(data, "monitoring", _MONITORING_KEYS, where)
    stat = data["discrimination_statistic"]
    if stat not in DISCRIMINATION_STATISTICS:
        raise GatePolicyError(f"{where}: 'discrimination_statistic' must be one of {sorted(DISCRIMINATION_STATISTICS)}")
    values = {
        k: _number(thresholds[k], f"thresholds.{k}", where, hi=None if k in _UNBOUNDED_THRESHOLDS else 1.0)
        for k in THRESHOLD_KEYS
    }
    threshold = _number(data["operating_threshold"], "operating_threshold", where)
    if not 0.0 < threshold < 1.0:
        raise GatePolicyError(f"{where}: 'operating_threshold' must be strictly between 0 and 1")
    return ValidationGatePolicy(
        version=str(data["version"]),
        operating_threshold=threshold,
        discrimination_statistic=stat,
        **values,
        min_subgroup_n=_integer(subgroups["min_n"], "subgroups.min_n", where),
        min_subgroup_events=_integer(subgroups["min_events"], "subgroups.min_events", where),
        min_label_agreement=_number(labels["min_label_agreement"], "labels.min_label_agreement", where, lo=-1.0),
        max_drifted_feature_share=_number(monitoring["max_drifted_feature_share"],
                                          "monitoring.max_drifted_feature_share", where),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=str(p),
    )


# --------------------------------------------------------------------------- gate evaluation
@dataclass(frozen=True)
class GateDesign:
    """What the gates evaluate for one study: the subgroup attributes (names as in the metrics, e.g. ``sex``,
    ``age_band``, ``site``) and the design parts declared not applicable (``Study.not_applicable()``: part ->
    reason). Built from the study spec by :func:`gate_design`."""

    subgroups: tuple[str, ...]
    not_applicable: dict[str, str] = field(default_factory=dict)

    def reason(self, gate: str) -> str | None:
        part = GATE_DESIGN_PART.get(gate)
        return self.not_applicable.get(part) if part else None

    @property
    def splits(self) -> tuple[str, ...]:
        """The evaluation splits the study has (internal always; temporal / external unless not applicable)."""
        return tuple(s for s in EVALUATION_SPLITS if SPLIT_DESIGN_PART.get(s) not in self.not_applicable)


def gate_design(design=None) -> GateDesign:
    """:class:`GateDesign` of an :class:`~clinical_pipelines.training.design.EvaluationDesign` (default: the
    built-in study's). The subgroup attributes are the study's ``evaluation.subgroups`` (the site column as
    ``site``), never a list of the gate policy."""
    if design is None:
        from clinical_pipelines.training.design import evaluation_design

        design = evaluation_design()
    names = list(design.subgroups) + (["age_band"] if design.age_band else [])
    return GateDesign(subgroups=tuple(names), not_applicable=dict(design.not_applicable))


def _node(metrics, *keys):
    node = metrics
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def _get(metrics, *keys) -> float | None:
    """A finite number at ``metrics[k1][k2]...``, else None (missing, None, NaN, non-numeric)."""
    node = _node(metrics, *keys)
    if isinstance(node, bool) or not isinstance(node, (int, float)) or not math.isfinite(node):
        return None
    return float(node)


def _fmt(x) -> str:
    return "missing" if x is None else f"{x:.3f}"


def _result(name, observed, threshold, comparison, what, problems=(), small=None) -> GateResult:
    if observed is None or problems or small:
        passed = False
    else:
        passed = observed >= threshold if comparison == ">=" else observed <= threshold
    verdict = "PASS" if passed else "FAIL"
    msg = f"{verdict}: {what} = {_fmt(observed)} (required {comparison} {threshold:.3f})"
    if problems:
        msg += "; " + "; ".join(problems)
    n, min_n = (small[0], small[1]) if small else (None, None)
    return GateResult(name=name, passed=bool(passed), observed=observed, threshold=float(threshold),
                      comparison=comparison, message=msg, n=n, min_n=min_n)


def _too_small(metrics, policy, split) -> str | None:
    """The numbers when ``split`` holds fewer units, events or non-events than the policy minimum, else None."""
    m = _node(metrics, "splits", split)
    if not isinstance(m, dict):
        return None
    n, events = int(m.get("n") or 0), int(m.get("n_positive") or 0)
    if n >= policy.min_subgroup_n and min(events, n - events) >= policy.min_subgroup_events:
        return None
    return (f"too few units in {split}: n = {n} ({events} events, {n - events} non-events); the gate needs at least "
            f"n = {policy.min_subgroup_n} and {policy.min_subgroup_events} events and non-events "
            "(gate policy subgroups.min_n / min_events)")


def _smallest(metrics, policy, splits) -> tuple[list[str], tuple[int, int] | None]:
    """Problems of every split below the minimum, and (n, min_n) of the smallest such split."""
    problems = [p for p in (_too_small(metrics, policy, s) for s in splits) if p]
    sizes = [int(_node(metrics, "splits", s, "n") or 0) for s in splits if _too_small(metrics, policy, s)]
    return problems, ((min(sizes), policy.min_subgroup_n) if sizes else None)


def _discrimination(metrics, policy, name, split, threshold) -> GateResult:
    stat = DISCRIMINATION_STATISTICS[policy.discrimination_statistic]
    observed = _get(metrics, "splits", split, stat)
    problems = [] if observed is not None else [f"metric splits.{split}.{stat} is missing (no {split} evaluation?)"]
    small, size = _smallest(metrics, policy, [split])
    return _result(name, observed, threshold, ">=", f"{split} {stat}", small + problems, size)


def _external_sites(metrics, policy) -> GateResult:
    stat = DISCRIMINATION_STATISTICS[policy.discrimination_statistic]
    groups = _node(metrics, "subgroups", "external_test", "site", "groups")
    if not isinstance(groups, dict) or not groups:
        return _result(GATE_DISCRIMINATION_EXTERNAL_SITE, None, policy.min_auroc_per_external_site, ">=",
                       f"lowest external-site {stat}", ["no per-site metrics for external_test"])
    problems, values, small = [], [], []
    for site in sorted(groups):
        g = groups[site]
        v = _get(g, stat) if isinstance(g, dict) and g.get("status") == STATUS_OK else None
        if isinstance(g, dict) and g.get("status") == STATUS_INSUFFICIENT:
            n, events = int(g.get("n") or 0), int(g.get("n_positive") or 0)
            small.append(n)
            problems.append(f"site {site}: insufficient n to demonstrate performance: n = {n} ({events} events, "
                            f"{n - events} non-events); the gate needs at least n = {policy.min_subgroup_n} and "
                            f"{policy.min_subgroup_events} events and non-events")
        elif v is None:
            problems.append(f"site {site}: {stat} missing")
        else:
            values.append(v)
            if v < policy.min_auroc_per_external_site:
                problems.append(f"site {site}: {stat} {v:.3f} below threshold")
    observed = min(values) if values else None
    return _result(GATE_DISCRIMINATION_EXTERNAL_SITE, observed, policy.min_auroc_per_external_site, ">=",
                   f"lowest external-site {stat}", problems, (min(small), policy.min_subgroup_n) if small else None)


def _worst_over_splits(metrics, policy, splits, name, metric, threshold, comparison, transform, label) -> GateResult:
    small, size = _smallest(metrics, policy, splits)
    problems, values = list(small), []
    for split in splits:
        v = _get(metrics, "splits", split, metric)
        if v is None:
            problems.append(f"metric splits.{split}.{metric} is missing")
        else:
            values.append(transform(v))
    observed = (max(values) if comparison == "<=" else min(values)) if values else None
    return _result(name, observed, threshold, comparison, f"worst {label} over {', '.join(splits)}", problems, size)


def _subgroups(metrics, policy, attributes) -> GateResult:
    problems, gaps = [], []
    for attr in attributes:
        gap = _get(metrics, "subgroups_pooled", attr, "auroc_gap")
        if gap is None:
            res = _node(metrics, "subgroups_pooled", attr) or {}
            problems.append(f"{attr}: gap cannot be assessed: {res.get('n_groups_evaluated', 0)} of "
                            f"{len(res.get('groups') or {})} group(s) reach n = {policy.min_subgroup_n} and "
                            f"{policy.min_subgroup_events} events and non-events (at least 2 needed)")
        else:
            gaps.append(gap)
    if not attributes:
        problems.append("the study names no subgroup attributes (evaluation.subgroups)")
    observed = max(gaps) if gaps else None
    return _result(GATE_SUBGROUP_PERFORMANCE, observed, policy.max_subgroup_auroc_gap, "<=",
                   "largest subgroup AUROC gap (pooled evaluation splits)", problems)


def _safety(metrics, policy, splits) -> GateResult:
    result = _worst_over_splits(metrics, policy, splits, GATE_SAFETY_SENSITIVITY, "sensitivity",
                                policy.min_sensitivity, ">=", lambda v: v, "sensitivity")
    used = _get(metrics, "threshold")
    if used is None or abs(used - policy.operating_threshold) > 1e-12:
        return GateResult(GATE_SAFETY_SENSITIVITY, False, result.observed, result.threshold, ">=",
                          f"FAIL: metrics were computed at threshold {_fmt(used)}, policy operating threshold is "
                          f"{policy.operating_threshold:.3f}; recompute the metrics at the policy threshold")
    return result


_GATE_THRESHOLD = {
    GATE_DISCRIMINATION_TEMPORAL: "min_auroc_temporal", GATE_DISCRIMINATION_EXTERNAL: "min_auroc_external",
    GATE_DISCRIMINATION_EXTERNAL_SITE: "min_auroc_per_external_site", GATE_SUBGROUP_PERFORMANCE: "max_subgroup_auroc_gap",
}


def evaluate_gates(metrics: dict, policy: ValidationGatePolicy, design: GateDesign | None = None) -> list[GateResult]:
    """One GateResult per gate in ``ALL_GATES`` order. Missing metrics and too-small evaluation sets fail their
    gate; a gate whose design part the study declares not applicable is ``not_applicable`` with the spec's reason.

    ``design``: :func:`gate_design` of the study (default: the built-in study's)."""
    metrics = metrics if isinstance(metrics, dict) else {}
    design = design or gate_design()
    splits = design.splits
    evaluate = {
        GATE_DISCRIMINATION_INTERNAL: lambda: _discrimination(metrics, policy, GATE_DISCRIMINATION_INTERNAL,
                                                              "internal_test", policy.min_auroc_internal),
        GATE_DISCRIMINATION_TEMPORAL: lambda: _discrimination(metrics, policy, GATE_DISCRIMINATION_TEMPORAL,
                                                              "temporal_test", policy.min_auroc_temporal),
        GATE_DISCRIMINATION_EXTERNAL: lambda: _discrimination(metrics, policy, GATE_DISCRIMINATION_EXTERNAL,
                                                              "external_test", policy.min_auroc_external),
        GATE_DISCRIMINATION_EXTERNAL_SITE: lambda: _external_sites(metrics, policy),
        GATE_CALIBRATION_SLOPE: lambda: _worst_over_splits(metrics, policy, splits, GATE_CALIBRATION_SLOPE,
                                                           "calibration_slope", policy.max_calibration_slope_deviation,
                                                           "<=", lambda v: abs(v - 1.0), "|slope - 1|"),
        GATE_CALIBRATION_ECE: lambda: _worst_over_splits(metrics, policy, splits, GATE_CALIBRATION_ECE, "ece",
                                                         policy.max_ece, "<=", lambda v: v, "ECE"),
        GATE_SUBGROUP_PERFORMANCE: lambda: _subgroups(metrics, policy, design.subgroups),
        GATE_SAFETY_SENSITIVITY: lambda: _safety(metrics, policy, splits),
    }
    out = []
    for name in ALL_GATES:
        reason = design.reason(name)
        if reason:
            threshold = getattr(policy, _GATE_THRESHOLD[name])
            out.append(GateResult.not_applicable(name, reason, threshold))
        else:
            out.append(evaluate[name]())
    return out


def all_gates_passed(results: list[GateResult]) -> bool:
    """True only if every gate in ``ALL_GATES`` is present exactly once and passed (a not-applicable gate declared
    by the study counts as passed; an absent gate never does)."""
    names = [r.name for r in results]
    return sorted(names) == sorted(ALL_GATES) and all(r.passed for r in results)


def gate_decision_payload(results: list[GateResult]) -> dict:
    """The audit payload of a promotion-gate decision: gate names, counts, thresholds and comparisons only
    (no metric values of the data; those stay in the check results and the validation report).

    Shape: ``{"gates_failed": [name], "n_gates": int, "n_failed": int, "n_not_applicable": int,
    "thresholds": {name: {"threshold": float | None, "comparison": ">=" | "<=", "status": str,
    "n": int | None, "min_n": int | None}}}`` with ``thresholds`` over the failed gates."""
    failed = [r for r in results if not r.passed]
    return {
        "gates_failed": [r.name for r in failed],
        "n_gates": len(results),
        "n_failed": len(failed),
        "n_not_applicable": sum(not r.applicable for r in results),
        "thresholds": {r.name: {"threshold": r.threshold, "comparison": r.comparison, "status": r.status,
                                "n": r.n, "min_n": r.min_n} for r in failed},
    }
