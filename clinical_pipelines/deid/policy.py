"""Typed loader for ``policies/deid_policy.yaml`` (the single place de-identification rules live)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .errors import PolicyError

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policies" / "deid_policy.yaml"

ACTIONS = {"drop", "pseudonymize", "date", "birth_date", "zip3", "keep", "text"}
DATE_MODES = {"year_only", "shift"}
REPLACEMENTS = {"placeholder", "surrogate"}
TABLES = ("encounters", "notes", "labels")
GENERALIZATION_STEPS = {"band5", "band10", "band20", "suppress"}


@dataclass(frozen=True)
class ColumnRule:
    action: str
    output: str | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class NerModelSpec:
    name: str
    version: str
    sha256: str


@dataclass(frozen=True)
class TextPolicy:
    replacement: str
    score_threshold: float
    batch_size: int
    ner_model: NerModelSpec
    n_process: int = 1
    # NER runs only on windows of this many words around candidate capitalised words (0 = whole text)
    ner_window_words: int = 0


@dataclass(frozen=True)
class RiskPolicy:
    quasi_identifiers: tuple[str, ...]
    sensitive_attributes: tuple[str, ...]
    target_k: int
    prosecutor_risk_threshold: float
    enforce_k: bool
    generalization: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class DeidPolicy:
    version: str
    method: str
    date_mode: str
    date_shift_max_days: int
    max_age: int
    age_top_code: str
    restricted_zip3: frozenset[str]
    text: TextPolicy
    risk: RiskPolicy
    tables: Mapping[str, Mapping[str, ColumnRule]]
    sha256: str
    path: str = field(default="")

    def rules_for(self, table: str, columns: Iterable[str]) -> dict[str, ColumnRule]:
        """Rules for the given columns; any column the policy does not name is an error (fail closed)."""
        if table not in self.tables:
            raise PolicyError(f"de-identification policy has no section for table '{table}'")
        rules = self.tables[table]
        unknown = [c for c in columns if c not in rules]
        if unknown:
            raise PolicyError(
                f"table '{table}' has {len(unknown)} column(s) not covered by the de-identification policy: "
                f"{sorted(unknown)}. Add each to tables.{table} in the policy with an explicit action."
            )
        return {c: rules[c] for c in columns}


def _require(d: Mapping, key: str, where: str):
    if key not in d or d[key] is None:
        raise PolicyError(f"de-identification policy is missing '{where}{key}'")
    return d[key]


def parse_policy(data: Mapping, *, sha256: str, path: str = "") -> DeidPolicy:
    if not isinstance(data, Mapping):
        raise PolicyError("de-identification policy must be a YAML mapping")
    date_mode = str(_require(data, "date_mode", ""))
    if date_mode not in DATE_MODES:
        raise PolicyError(f"date_mode must be one of {sorted(DATE_MODES)}")
    t = _require(data, "text", "")
    m = _require(t, "ner_model", "text.")
    replacement = str(_require(t, "replacement", "text."))
    if replacement not in REPLACEMENTS:
        raise PolicyError(f"text.replacement must be one of {sorted(REPLACEMENTS)}")
    sha = str(_require(m, "sha256", "text.ner_model.")).lower()
    if len(sha) != 64:
        raise PolicyError("text.ner_model.sha256 must be a 64-hex-digit sha256")
    text = TextPolicy(
        replacement=replacement,
        score_threshold=float(_require(t, "score_threshold", "text.")),
        batch_size=int(t.get("batch_size", 64)),
        ner_model=NerModelSpec(str(_require(m, "name", "text.ner_model.")), str(m.get("version", "")), sha),
        n_process=int(t.get("n_process", 1)),
        ner_window_words=int(t.get("ner_window_words", 0)),
    )
    if text.ner_window_words < 0:
        raise PolicyError("text.ner_window_words must be >= 0 (0 = run NER on the whole text)")
    r = _require(data, "risk", "")
    gen = {str(k): tuple(str(s) for s in v) for k, v in (r.get("generalization") or {}).items()}
    for k, steps in gen.items():
        bad = [s for s in steps if s not in GENERALIZATION_STEPS]
        if bad:
            raise PolicyError(f"risk.generalization.{k} has unknown step(s) {bad}")
    risk = RiskPolicy(
        quasi_identifiers=tuple(_require(r, "quasi_identifiers", "risk.")),
        sensitive_attributes=tuple(r.get("sensitive_attributes") or ()),
        target_k=int(_require(r, "target_k", "risk.")),
        prosecutor_risk_threshold=float(r.get("prosecutor_risk_threshold", 0.2)),
        enforce_k=bool(r.get("enforce_k", False)),
        generalization=gen,
    )
    if risk.target_k < 1:
        raise PolicyError("risk.target_k must be >= 1")
    tables_raw = _require(data, "tables", "")
    tables: dict[str, dict[str, ColumnRule]] = {}
    for tname in TABLES:
        cols = _require(tables_raw, tname, "tables.")
        tables[tname] = {}
        for col, spec in cols.items():
            if not isinstance(spec, Mapping) or "action" not in spec:
                raise PolicyError(f"tables.{tname}.{col} needs an 'action'")
            action = str(spec["action"])
            if action not in ACTIONS:
                raise PolicyError(f"tables.{tname}.{col}: unknown action '{action}' (allowed: {sorted(ACTIONS)})")
            if action == "pseudonymize" and not (spec.get("output") and spec.get("namespace")):
                raise PolicyError(f"tables.{tname}.{col}: pseudonymize needs 'output' and 'namespace'")
            tables[tname][str(col)] = ColumnRule(action, spec.get("output"), spec.get("namespace"))
    zips = frozenset(str(z).zfill(3) for z in _require(data, "restricted_zip3", ""))
    if not zips:
        raise PolicyError("restricted_zip3 must not be empty")
    return DeidPolicy(
        version=str(_require(data, "version", "")),
        method=str(data.get("method", "")),
        date_mode=date_mode,
        date_shift_max_days=int(data.get("date_shift_max_days", 365)),
        max_age=int(_require(data, "max_age", "")),
        age_top_code=str(data.get("age_top_code", "90+")),
        restricted_zip3=zips,
        text=text,
        risk=risk,
        tables=tables,
        sha256=sha256,
        path=path,
    )


def load_deid_policy(path: str | Path | None = None) -> DeidPolicy:
    """Load and validate the de-identification policy (default: the packaged ``policies/deid_policy.yaml``)."""
    p = Path(path) if path is not None else DEFAULT_POLICY_PATH
    if not p.is_file():
        raise PolicyError(
            f"de-identification policy file not found: {p}. Restore clinical_pipelines/policies/deid_policy.yaml "
            "or pass the path of a valid policy file."
        )
    raw = p.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise PolicyError(f"de-identification policy {p} is not valid YAML ({type(exc).__name__})") from None
    return parse_policy(data, sha256=hashlib.sha256(raw).hexdigest(), path=str(p))
