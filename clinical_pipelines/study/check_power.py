"""Expected evaluation-set sizes for ``study check --data``, and whether the AUROC gates can be met.

The split (:mod:`clinical_pipelines.training.split`) puts units at an external site into
``external_test``, units from the temporal cut-off on into ``temporal_test``, and a fraction
(``internal_test_fraction`` of :func:`~clinical_pipelines.training.split.split_study`, default
0.2) of the remaining patients into ``internal_test``. From the counts of the data check this
module estimates each set's units and events:

- ``external_test``: the units and events at the external sites (exact);
- ``temporal_test``: the other units times the share of event times on or after the cut-off
  (assumes the event rate does not change with time; the split moves whole patients, so it can differ);
- ``internal_test``: the rest times the internal test fraction (an expected value of the hash split).

Each set is compared with the gate policy (``policies/validation_gates.yaml``): below ``subgroups.min_n``
units or ``min_events`` events or non-events, every gate that reads it fails. With
``discrimination_statistic: ci_lower`` the discrimination gate compares the lower bound of the
95% confidence interval of the AUROC with the threshold; the AUROC a model needs for that bound to
reach the threshold is estimated with the standard error of Hanley & McNeil (1982), Radiology
143:29-36 (SE from the AUROC and the numbers of events and non-events, exponential approximation).
When that AUROC is at least ``MARGIN`` above the threshold, or above 0.99, the set is called too
small for the gate to be met with confidence (a note; the check does not fail on an estimate).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

Z95 = 1.959964  # two-sided 95% normal quantile
MARGIN = 0.10  # a required AUROC this far above the threshold is unlikely for a clinical model
MAX_AUROC = 0.99


@dataclass(frozen=True)
class EvalSet:
    """An expected evaluation set: ``units``/``events`` (rounded estimates), the gate's AUROC threshold."""

    name: str
    units: int
    events: int
    threshold: float

    @property
    def non_events(self) -> int:
        return self.units - self.events


def internal_test_fraction() -> float:
    """The internal test fraction the training split uses by default (its signature is the one source)."""
    from clinical_pipelines.training.split import split_study

    return float(inspect.signature(split_study).parameters["internal_test_fraction"].default)


def hanley_mcneil_se(auc: float, events: int, non_events: int) -> float:
    """Standard error of an AUROC ``auc`` with ``events`` positives and ``non_events`` negatives
    (Hanley & McNeil 1982, eq. 2: Q1 = A/(2-A), Q2 = 2A^2/(1+A)). ``inf`` without both classes."""
    if events < 1 or non_events < 1:
        return math.inf
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (events - 1) * (q1 - auc * auc) + (non_events - 1) * (q2 - auc * auc)) / (
        events * non_events)
    return math.sqrt(max(var, 0.0))


def required_auroc(threshold: float, events: int, non_events: int) -> float | None:
    """The smallest AUROC whose 95% CI lower bound (AUROC - 1.96 SE) reaches ``threshold`` (steps of 0.001);
    ``None`` when even ``MAX_AUROC`` does not."""
    steps = int(round((MAX_AUROC - threshold) * 1000))
    for i in range(max(steps, 0) + 1):
        auc = threshold + i / 1000
        if auc - Z95 * hanley_mcneil_se(auc, events, non_events) >= threshold:
            return round(auc, 3)
    return None


def expected_sets(units: int, events: int, external: tuple[int, int] | None, late_share: float | None,
                  thresholds: dict[str, float], fraction: float) -> list[EvalSet]:
    """The evaluation sets of the design: ``external`` (units, events) at the external sites or ``None``;
    ``late_share`` the share of event times on or after the cut-off, ``None`` without a temporal design."""
    out = []
    rest_n, rest_e = units, events
    if external is not None:
        out.append(EvalSet("external_test", external[0], external[1], thresholds["external_test"]))
        rest_n, rest_e = rest_n - external[0], rest_e - external[1]
    if late_share is not None:
        t_n, t_e = rest_n * late_share, rest_e * late_share
        out.append(EvalSet("temporal_test", round(t_n), round(t_e), thresholds["temporal_test"]))
        rest_n, rest_e = rest_n - t_n, rest_e - t_e
    out.append(EvalSet("internal_test", round(rest_n * fraction), round(rest_e * fraction),
                       thresholds["internal_test"]))
    order = ("internal_test", "temporal_test", "external_test")
    return sorted(out, key=lambda s: order.index(s.name))


def judge_sets(sets: list[EvalSet], min_n: int, min_events: int, ci_lower: bool) -> tuple[list[str], dict]:
    """(notes, sizes) for the expected sets: notes for sets below the minimums or too small for the CI gate."""
    notes, sizes = [], {}
    for s in sets:
        need = required_auroc(s.threshold, s.events, s.non_events) if ci_lower else None
        sizes[s.name] = {"units": s.units, "events": s.events, "auroc_threshold": s.threshold,
                         "required_auroc": need}
        if s.units < min_n or s.events < min_events or s.non_events < min_events:
            notes.append(f"{s.name} is expected to hold about {s.units} units ({s.events} events, {s.non_events} "
                         f"non-events): below the gate policy minimums ({min_n} units, {min_events} events and "
                         "non-events), so every gate on it will fail; add data or change the design")
        elif ci_lower and (need is None or need >= s.threshold + MARGIN):
            what = (f"an AUROC of at least {need:.3f}" if need is not None else f"an AUROC above {MAX_AUROC}")
            notes.append(f"{s.name} is expected to hold about {s.units} units ({s.events} events): for the lower "
                         f"bound of the AUROC's 95% CI to reach the threshold {s.threshold:.2f}, the model needs "
                         f"{what} on it (Hanley-McNeil SE): add data or change the design")
    return notes, sizes
