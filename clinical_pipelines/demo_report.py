"""What ``clinical-pipelines demo`` prints at the end: why a run failed, and where to look next.

- :func:`read_run_failure` reads one run's Dagster event log (``ASSET_CHECK_EVALUATION`` events with
  ``passed=False``, ``STEP_FAILURE`` events) into a :class:`RunFailure`; :func:`failure_lines` turns it
  into the lines the demo prints (gate name, observed value against the required threshold, failed
  step key and its failure message, the run URL).
- :func:`footer_lines` is the "Where to look" block: the model version really registered (or that none
  was), the evidence bundle only where one exists, and the command that stops the services of *this*
  project data dir (``clinical-pipelines services down`` with the environment the user set).

No PHI: gate results carry names, metric values and thresholds; a failure message is shown only when the
project or Dagster wrote it (``dagster.Failure`` descriptions, ``Dagster*`` errors), which by the project
rules name files, columns and ids, never values. Any other exception shows its class only: its message
may quote data; it stays in the run's logs behind the URL printed next to it. Only
:func:`read_run_failure` imports Dagster (lazily).
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_MESSAGE_CHARS = 600


@dataclass(frozen=True)
class FailedCheck:
    """One asset check (gate) that did not pass: its asset, name, description and numeric evidence."""

    asset: str
    check_name: str
    description: str | None = None
    observed: float | None = None
    threshold: float | None = None
    comparison: str | None = None  # ">=" or "<=": observed must be {comparison} threshold
    reason: str | None = None


@dataclass(frozen=True)
class FailedStep:
    """One step that failed: its key, error class and (when safe to show, see the module doc) message."""

    step_key: str
    error_class: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class RunFailure:
    run_id: str
    failed_checks: list[FailedCheck] = field(default_factory=list)
    failed_steps: list[FailedStep] = field(default_factory=list)


def _number(value: Any) -> float | None:
    value = getattr(value, "value", value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    value = getattr(value, "value", value)
    return value if isinstance(value, str) and value else None


def failed_check(asset: str, check_name: str, description: str | None, metadata: Mapping[str, Any]) -> FailedCheck:
    """A :class:`FailedCheck` from a check evaluation's metadata (``observed``, ``threshold``, ``comparison``,
    ``reason`` entries as ``model_validation`` writes them; absent ones stay None)."""
    return FailedCheck(asset=asset, check_name=check_name, description=description or None,
                       observed=_number(metadata.get("observed")), threshold=_number(metadata.get("threshold")),
                       comparison=_text(metadata.get("comparison")), reason=_text(metadata.get("reason")))


def shown_message(error_class: str | None, message: str | None, *, user_failure: bool) -> str | None:
    """The failure message to print, or None when it may quote data (an exception the project did not write).

    ``user_failure``: the step raised ``dagster.Failure`` (its description is a project message). Multi-line
    messages are joined with "; " and cut at :data:`MAX_MESSAGE_CHARS`."""
    if not message or not (user_failure or (error_class or "").startswith("Dagster")):
        return None
    text = "; ".join(line.strip() for line in message.strip().splitlines() if line.strip())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 3] + "..."


def check_line(c: FailedCheck) -> str:
    """``gate <asset>/<name>: <description>`` or, without a description, the observed value against the
    required threshold (``observed = 0.654 (required >= 0.700)``)."""
    if c.description:
        detail = c.description
    elif c.observed is not None and c.threshold is not None and c.comparison:
        detail = f"observed = {c.observed:.3f} (required {c.comparison} {c.threshold:.3f})"
    elif c.threshold is not None and c.comparison:
        detail = f"no observed value (required {c.comparison} {c.threshold:.3f})"
    else:
        detail = "failed (no description recorded)"
    if c.reason and c.reason not in detail:
        detail += f" [{c.reason}]"
    return f"gate {c.asset}/{c.check_name}: {detail}"


def step_line(s: FailedStep) -> str:
    if s.message:
        return f"step {s.step_key}: {s.message}"
    what = s.error_class or "an error"
    return f"step {s.step_key}: {what} (message not shown here, it may quote data: read it in the run's logs)"


def failure_lines(what: str, failure: RunFailure, run_url: str) -> list[str]:
    """The block printed when a run failed: every failed gate and step, then where to see more."""
    bar = "=" * 78
    lines = [bar, f"FAILED: {what} (Dagster run {failure.run_id})"]
    if failure.failed_checks:
        lines.append(f"{len(failure.failed_checks)} validation gate(s) did not pass:")
        lines += [f"  - {check_line(c)}" for c in failure.failed_checks]
    if failure.failed_steps:
        lines.append(f"{len(failure.failed_steps)} step(s) failed:")
        lines += [f"  - {step_line(s)}" for s in failure.failed_steps]
    if not failure.failed_checks and not failure.failed_steps:
        lines.append("no failed gate or step is recorded in the run's event log (canceled, or failed to start?)")
    lines += [f"See the run (logs, checks, metadata): {run_url}", bar]
    return lines


def read_run_failure(instance: Any, run_id: str) -> RunFailure:
    """The failed checks and failed steps of ``run_id`` from the Dagster instance's event log (last
    evaluation of a check wins: a re-evaluated check that then passed is not reported)."""
    from dagster import DagsterEventType

    checks: dict[tuple[str, str], FailedCheck | None] = {}
    steps: list[FailedStep] = []
    kinds = {DagsterEventType.ASSET_CHECK_EVALUATION, DagsterEventType.STEP_FAILURE}
    for entry in instance.all_logs(run_id, of_type=kinds):
        de = entry.dagster_event
        if de is None:
            continue
        if de.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            ce = de.event_specific_data
            asset = ce.asset_key.to_user_string()
            checks[(asset, ce.check_name)] = None if ce.passed else failed_check(
                asset, ce.check_name, ce.description, ce.metadata or {})
        else:
            data = de.event_specific_data
            steps.append(_failed_step(de.step_key or "?", getattr(data, "error", None),
                                      getattr(data, "user_failure_data", None)))
    return RunFailure(run_id, [c for c in checks.values() if c is not None], steps)


def _failed_step(step_key: str, error: Any, user_failure: Any) -> FailedStep:
    """A :class:`FailedStep` from a STEP_FAILURE's ``SerializableErrorInfo`` and ``UserFailureData``.

    Dagster wraps an exception raised by user code (``DagsterExecutionStepExecutionError``) and quotes its
    message: the class reported is the innermost cause's, and a message is shown only for a
    ``dagster.Failure`` description or a Dagster error that wraps nothing (e.g. failed blocking checks)."""
    root = error
    while getattr(root, "cause", None) is not None:
        root = root.cause
    cls = getattr(root, "cls_name", None)
    if user_failure is not None and user_failure.description:
        return FailedStep(step_key, cls, shown_message(cls, user_failure.description, user_failure=True))
    message = getattr(error, "message", None) if root is error else None
    return FailedStep(step_key, cls, shown_message(cls, message, user_failure=False))


# --- the "Where to look" footer -------------------------------------------------------------------------


def latest_version(versions: Iterable[str | int]) -> str | None:
    """The highest registered model version number (MLflow versions are integers), or None."""
    numbers = [int(v) for v in versions if str(v).isdigit()]
    return str(max(numbers)) if numbers else None


def stop_command(env: Mapping[str, str], defaults: Mapping[str, str]) -> str:
    """``clinical-pipelines services down`` prefixed with every variable of ``env`` that differs from its
    default in ``defaults`` (``CLINICAL_PIPELINES_HOME``, ports), so it stops this data dir's services."""
    prefix = [f"{k}={shlex.quote(v)}" for k, v in env.items() if v != defaults.get(k)]
    return " ".join([*prefix, "clinical-pipelines services down"])


def audit_line(model_name: str, version: str | None) -> str:
    if version is None:
        return (f"Audit: no version of {model_name} was registered (nothing to trace)   |   "
                "clinical-pipelines audit verify")
    return f"Audit: clinical-pipelines audit trace {model_name} {version}   |   clinical-pipelines audit verify"


def evidence_line(local_bundles: Iterable[Path], lakefs_paths: Iterable[str]) -> str:
    """Where the evidence bundles are: the local bundle folders that exist, else their lakeFS paths, else
    that none was built (a bundle follows a promotion)."""
    local = [str(p) for p in local_bundles if Path(p).is_dir()]
    if local:
        return f"Evidence bundles: {', '.join(local)}  (verify: clinical-pipelines evidence verify DIR)"
    remote = list(lakefs_paths)
    if remote:
        return f"Evidence bundles (lakeFS): {', '.join(remote)}"
    return "Evidence bundles: none built (a bundle is built after a model version is promoted)"
