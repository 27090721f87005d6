"""Model-promotion gates (PCCP Modification Protocol (c); GMLP 8; AI Act Annex IV 2, 4).

Thresholds live only in ``policies/validation_gates.yaml`` and are read by ``load_gate_policy``.
``evaluate_gates`` compares the metrics dict of ``validation.metrics.evaluate_predictions`` with
the policy and returns one ``GateResult`` per gate, always in the order of ``ALL_GATES``.

Fail closed: a metric that is missing or undefined makes its gate FAIL, never pass.
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
DISCRIMINATION_STATISTICS = {"point": "auroc", "ci_lower": "auroc_ci_lower"}
THRESHOLD_KEYS = (
    "min_auroc_internal", "min_auroc_temporal", "min_auroc_external", "min_auroc_per_external_site",
    "max_calibration_slope_deviation", "max_ece", "max_subgroup_auroc_gap", "min_sensitivity",
)
_TOP_KEYS = ("version", "operating_threshold", "discrimination_statistic", "thresholds", "subgroups", "labels",
             "monitoring")
_LABEL_KEYS = ("min_label_agreement",)
_SUBGROUP_KEYS = ("min_n", "min_events", "attributes")
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
    subgroup_attributes: tuple[str, ...]
    min_label_agreement: float
    max_drifted_feature_share: float
    sha256: str
    path: str = field(default="")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["subgroup_attributes"] = list(self.subgroup_attributes)
        return d


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    observed: float | None
    threshold: float
    comparison: str  # ">=" or "<=": observed must be {comparison} threshold
    message: str

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
    subgroups = _section(data, "subgroups", _SUBGROUP_KEYS, where)
    labels = _section(data, "labels", _LABEL_KEYS, where)
    monitoring = _section(data, "monitoring", _MONITORING_KEYS, where)
    stat = data["discrimination_statistic"]
    if stat not in DISCRIMINATION_STATISTICS:
        raise GatePolicyError(f"{where}: 'discrimination_statistic' must be one of {sorted(DISCRIMINATION_STATISTICS)}")
    attrs = subgroups["attributes"]
    if not isinstance(attrs, list) or not attrs or not all(isinstance(a, str) for a in attrs):
        raise GatePolicyError(f"{where}: 'subgroups.attributes' must be a non-empty list of names")
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
        subgroup_attributes=tuple(attrs),
        min_label_agreement=_number(labels["min_label_agreement"], "labels.min_label_agreement", where, lo=-1.0),
        max_drifted_feature_share=_number(monitoring["max_drifted_feature_share"],
                                          "monitoring.max_drifted_feature_share", where),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=str(p),
    )


# --------------------------------------------------------------------------- gate evaluation
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


def _result(name, observed, threshold, comparison, what, problems=()) -> GateResult:
    if observed is None or problems:
        passed = False
    else:
        passed = observed >= threshold if comparison == ">=" else observed <= threshold
    verdict = "PASS" if passed else "FAIL"
    msg = f"{verdict}: {what} = {_fmt(observed)} (required {comparison} {threshold:.3f})"
    if problems:
        msg += "; " + "; ".join(problems)
    return GateResult(name=name, passed=bool(passed), observed=observed, threshold=float(threshold),
                      comparison=comparison, message=msg)


def _discrimination(metrics, policy, name, split, threshold) -> GateResult:
    stat = DISCRIMINATION_STATISTICS[policy.discrimination_statistic]
    observed = _get(metrics, "splits", split, stat)
    problems = [] if observed is not None else [f"metric splits.{split}.{stat} is missing (no {split} evaluation?)"]
    return _result(name, observed, threshold, ">=", f"{split} {stat}", problems)


def _external_sites(metrics, policy) -> GateResult:
    stat = DISCRIMINATION_STATISTICS[policy.discrimination_statistic]
    groups = _node(metrics, "subgroups", "external_test", "site", "groups")
    if not isinstance(groups, dict) or not groups:
        return _result(GATE_DISCRIMINATION_EXTERNAL_SITE, None, policy.min_auroc_per_external_site, ">=",
                       f"lowest external-site {stat}", ["no per-site metrics for external_test"])
    problems, values = [], []
    for site in sorted(groups):
        g = groups[site]
        v = _get(g, stat) if isinstance(g, dict) and g.get("status") == STATUS_OK else None
        if isinstance(g, dict) and g.get("status") == STATUS_INSUFFICIENT:
            problems.append(f"site {site}: insufficient n ({g.get('n')}) to demonstrate performance")
        elif v is None:
            problems.append(f"site {site}: {stat} missing")
        else:
            values.append(v)
            if v < policy.min_auroc_per_external_site:
                problems.append(f"site {site}: {stat} {v:.3f} below threshold")
    observed = min(values) if values else None
    return _result(GATE_DISCRIMINATION_EXTERNAL_SITE, observed, policy.min_auroc_per_external_site, ">=",
                   f"lowest external-site {stat}", problems)


def _worst_over_splits(metrics, name, metric, threshold, comparison, transform, label) -> GateResult:
    problems, values = [], []
    for split in EVALUATION_SPLITS:
        v = _get(metrics, "splits", split, metric)
        if v is None:
            problems.append(f"metric splits.{split}.{metric} is missing")
        else:
            values.append(transform(v))
    observed = (max(values) if comparison == "<=" else min(values)) if values else None
    return _result(name, observed, threshold, comparison, f"worst {label} over {', '.join(EVALUATION_SPLITS)}", problems)


def _subgroups(metrics, policy) -> GateResult:
    problems, gaps = [], []
    for attr in policy.subgroup_attributes:
        gap = _get(metrics, "subgroups_pooled", attr, "auroc_gap")
        if gap is None:
            problems.append(f"{attr}: gap cannot be assessed (fewer than 2 subgroups with sufficient n, or not computed)")
        else:
            gaps.append(gap)
    observed = max(gaps) if gaps else None
    return _result(GATE_SUBGROUP_PERFORMANCE, observed, policy.max_subgroup_auroc_gap, "<=",
                   "largest subgroup AUROC gap (pooled evaluation splits)", problems)


def _safety(metrics, policy) -> GateResult:
    result = _worst_over_splits(metrics, GATE_SAFETY_SENSITIVITY, "sensitivity", policy.min_sensitivity, ">=",
                                lambda v: v, "sensitivity")
    used = _get(metrics, "threshold")
    if used is None or abs(used - policy.operating_threshold) > 1e-12:
        return GateResult(GATE_SAFETY_SENSITIVITY, False, result.observed, result.threshold, ">=",
                          f"FAIL: metrics were computed at threshold {_fmt(used)}, policy operating threshold is "
                          f"{policy.operating_threshold:.3f}; recompute the metrics at the policy threshold")
    return result


def evaluate_gates(metrics: dict, policy: ValidationGatePolicy) -> list[GateResult]:
    """One GateResult per gate in ``ALL_GATES`` order. Missing metrics fail their gate."""
    metrics = metrics if isinstance(metrics, dict) else {}
    return [
        _discrimination(metrics, policy, GATE_DISCRIMINATION_INTERNAL, "internal_test", policy.min_auroc_internal),
        _discrimination(metrics, policy, GATE_DISCRIMINATION_TEMPORAL, "temporal_test", policy.min_auroc_temporal),
        _discrimination(metrics, policy, GATE_DISCRIMINATION_EXTERNAL, "external_test", policy.min_auroc_external),
        _external_sites(metrics, policy),
        _worst_over_splits(metrics, GATE_CALIBRATION_SLOPE, "calibration_slope",
                           policy.max_calibration_slope_deviation, "<=", lambda v: abs(v - 1.0), "|slope - 1|"),
        _worst_over_splits(metrics, GATE_CALIBRATION_ECE, "ece", policy.max_ece, "<=", lambda v: v, "ECE"),
        _subgroups(metrics, policy),
        _safety(metrics, policy),
    ]


def all_gates_passed(results: list[GateResult]) -> bool:
    """True only if every gate in ``ALL_GATES`` is present exactly once and passed."""
    names = [r.name for r in results]
    return sorted(names) == sorted(ALL_GATES) and all(r.passed for r in results)
