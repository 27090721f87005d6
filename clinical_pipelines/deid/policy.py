"""Typed loader for ``policies/deid_policy.yaml``: the generic de-identification rules of every study.

The policy holds what a privacy officer approves for any data: the date mode, the age top code, the
ZIP3 rule and its census table, the text engine, and the risk target (k, prosecutor-risk threshold,
enforcement). What each column IS comes from the study spec (roles, Safe Harbor letters,
quasi-identifiers with their generalisation ladders, sensitive attributes): the column actions,
released names and risk attributes are derived from it by :mod:`clinical_pipelines.deid.study_rules`.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

import yaml

from .errors import PolicyError

if TYPE_CHECKING:
    from .text.tagger.training import TaggerSpec

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policies" / "deid_policy.yaml"

ACTIONS = {"drop", "pseudonymize", "date", "birth_date", "age", "zip3", "keep", "text"}
DATE_MODES = {"year_only", "shift"}
REPLACEMENTS = {"placeholder", "surrogate"}
GENERALIZATION_STEPS = {"band5", "band10", "band20", "suppress"}
# Keys of earlier policy versions whose content now lives in the study spec (refused, fail closed).
STUDY_KEYS = {"tables": "column actions follow from the study's column roles",
              "risk.quasi_identifiers": "quasi-identifiers are the study's quasi_identifier columns (and its age)",
              "risk.sensitive_attributes": "sensitive attributes are the study's sensitive_attribute columns",
              "risk.generalization": "generalisation ladders are the study columns' generalization lists"}
# Every ZIP3 a ZIP code can start with. "000" is left out: it is the Safe Harbor replacement itself.
ALL_ZIP3 = frozenset(f"{i:03d}" for i in range(1, 1000))
ZIP3_TABLE_COLUMNS = ["zip3", "zcta_count", "population"]


@dataclass(frozen=True)
class ColumnRule:
    """What de-identification does with one raw column: ``action`` (one of :data:`ACTIONS`), the released
    column name ``output`` (pseudonyms, ZIP3, age), the pseudonym ``namespace``, the ``date_mode`` and declared
    strftime ``date_format`` of a date, and the texts that mean "missing" in the column."""

    action: str
    output: str | None = None
    namespace: str | None = None
    date_mode: str | None = None
    date_format: str | None = None
    missing: tuple[str, ...] = ("",)


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
    # the learned token tagger (text.tagger.TaggerSpec); None = off
    token_tagger: "TaggerSpec | None" = None


@dataclass(frozen=True)
class RiskPolicy:
    """Re-identification risk target: k, the prosecutor-risk threshold, and whether k is enforced by
    generalising / suppressing the study's quasi-identifiers along their ladders."""

    target_k: int
    prosecutor_risk_threshold: float
    enforce_k: bool


@dataclass(frozen=True)
class Zip3Rule:
    """Which ZIP3 prefixes Safe Harbor lets a release keep (45 CFR 164.514(b)(2)(i)(B)).

    A prefix is kept only if the census table gives its area (all ZIP codes sharing the three digits, measured
    as the sum of the ZCTAs with that prefix) more than ``restricted_population_max`` people and it is not in
    ``also_restricted`` (published lists kept as a union). Every other prefix, including one the table does
    not know, is restricted and released as "000" (fail closed).

    ``populations``: ZIP3 -> people (census year ``census_year``, described by ``source``); ``kept`` and
    ``restricted`` partition the 999 prefixes "001".."999".
    """
    populations: Mapping[str, int]
    restricted_population_max: int
    also_restricted: frozenset[str]
    source: str
    census_year: int
    table_path: str
    table_sha256: str
    kept: frozenset[str]
    restricted: frozenset[str]

    @classmethod
    def build(cls, populations: Mapping[str, int], *, restricted_population_max: int = 20_000,
              also_restricted: Iterable[str] = (), source: str = "", census_year: int = 0, table_path: str = "",
              table_sha256: str = "") -> "Zip3Rule":
        also = frozenset(str(z).zfill(3) for z in also_restricted)
        kept = frozenset(z for z, n in populations.items()
                         if n > restricted_population_max and z not in also and z in ALL_ZIP3)
        return cls(dict(populations), int(restricted_population_max), also, source, int(census_year), table_path,
                   table_sha256, kept, ALL_ZIP3 - kept)

    def provenance(self) -> dict:
        """Source, census year, limit and table hash, for reports and provenance (no population values)."""
        return {"source": self.source, "census_year": self.census_year,
                "restricted_population_max": self.restricted_population_max, "table": Path(self.table_path).name,
                "table_sha256": self.table_sha256, "prefixes_in_table": len(self.populations),
                "prefixes_kept": len(self.kept), "prefixes_restricted": len(self.restricted),
                "also_restricted": sorted(self.also_restricted)}


@dataclass(frozen=True)
class DeidPolicy:
    version: str
    method: str
    date_mode: str
    date_shift_max_days: int
    max_age: int
    age_top_code: str
    # Every ZIP3 released as "000" (= zip3.restricted; kept here for the rule checks and to_zip3).
    restricted_zip3: frozenset[str]
    zip3: Zip3Rule
    text: TextPolicy
    risk: RiskPolicy
    sha256: str
    path: str = field(default="")


def _require(d: Mapping, key: str, where: str):
    if key not in d or d[key] is None:
        raise PolicyError(f"de-identification policy is missing '{where}{key}'")
    return d[key]


def read_zip3_table(path: Path, expected_sha256: str) -> dict[str, int]:
    """Read a ZIP3 population table (columns zip3, zcta_count, population) after checking its SHA-256."""
    raw = path.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected_sha256.lower():
        raise PolicyError(
            f"ZIP3 population table {path} has sha256 {actual}, the policy pins {expected_sha256}. Restore the "
            "packaged file or, after re-deriving it (tools/zip3/derive_zip3_population.py), update "
            "zip3.population_table.sha256 and the policy version."
        )
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    if not rows or [c.strip() for c in rows[0]] != ZIP3_TABLE_COLUMNS:
        raise PolicyError(f"ZIP3 population table {path}: header must be {','.join(ZIP3_TABLE_COLUMNS)}")
    out: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 3 or not (len(row[0]) == 3 and row[0].isdigit()) or not row[2].strip().isdigit():
            raise PolicyError(f"ZIP3 population table {path}, line {line}: expected a 3-digit zip3 and a "
                              "non-negative integer population")
        if row[0] in out:
            raise PolicyError(f"ZIP3 population table {path}, line {line}: zip3 listed twice")
        out[row[0]] = int(row[2])
    if not out:
        raise PolicyError(f"ZIP3 population table {path} has no rows")
    return out


def _zip3_table_path(rel: str, policy_path: str) -> Path:
    """The table next to the policy file, else the packaged one (its content is pinned by sha256 either way)."""
    p = Path(rel)
    if p.is_absolute():
        return p
    bases = [Path(policy_path).resolve().parent] if policy_path else []
    bases.append(DEFAULT_POLICY_PATH.parent)
    for base in bases:
        if (base / p).is_file():
            return base / p
    raise PolicyError(f"ZIP3 population table '{rel}' not found next to the policy or in "
                      f"{DEFAULT_POLICY_PATH.parent}. Restore clinical_pipelines/policies/{rel}.")


def parse_zip3(data: Mapping, policy_path: str = "") -> Zip3Rule:
    """The ``zip3`` section: census population table (path, sha256, source, census_year), limit, extra list."""
    if "zip3" not in data and "restricted_zip3" in data:
        raise PolicyError("de-identification policy: 'restricted_zip3' is now 'zip3.also_restricted'; add a 'zip3' "
                          "section with population_table (path, sha256, source, census_year) as in the packaged policy")
    z = _require(data, "zip3", "")
    t = _require(z, "population_table", "zip3.")
    sha = str(_require(t, "sha256", "zip3.population_table."))
    rel = str(_require(t, "path", "zip3.population_table."))
    path = _zip3_table_path(rel, policy_path)
    limit = int(_require(z, "restricted_population_max", "zip3."))
    if limit < 20_000:
        raise PolicyError("zip3.restricted_population_max must be >= 20000 (45 CFR 164.514(b)(2)(i)(B))")
    also = [str(x) for x in (z.get("also_restricted") or [])]
    bad = [i for i, x in enumerate(also) if not (x.isdigit() and len(x.zfill(3)) == 3)]
    if bad:
        raise PolicyError(f"zip3.also_restricted entries {bad} are not 3-digit prefixes")
    return Zip3Rule.build(read_zip3_table(path, sha), restricted_population_max=limit, also_restricted=also,
                          source=str(_require(t, "source", "zip3.population_table.")),
                          census_year=int(_require(t, "census_year", "zip3.population_table.")),
                          table_path=str(path), table_sha256=sha.lower())


def _parse_tagger(t) -> "TaggerSpec | None":
    """``text.token_tagger``: absent or ``enabled: false`` = off; otherwise a threshold in (0, 1] and the CRF
    parameters (``c1``, ``c2`` >= 0, ``max_iterations`` >= 1)."""
    from .text.tagger.training import TaggerSpec

    if t is None:
        return None
    if not isinstance(t, Mapping):
        raise PolicyError("text.token_tagger must be a mapping (enabled, threshold, c1, c2, max_iterations)")
    if not bool(t.get("enabled", True)):
        return None
    try:
        spec = TaggerSpec(enabled=True, threshold=float(_require(t, "threshold", "text.token_tagger.")),
                          c1=float(t.get("c1", 0.05)), c2=float(t.get("c2", 0.01)),
                          max_iterations=int(t.get("max_iterations", 150)))
    except (TypeError, ValueError):
        raise PolicyError("text.token_tagger: threshold, c1, c2 and max_iterations must be numbers") from None
    if not 0.0 < spec.threshold <= 1.0 or spec.c1 < 0 or spec.c2 < 0 or spec.max_iterations < 1:
        raise PolicyError("text.token_tagger: threshold must be in (0, 1], c1 and c2 >= 0, max_iterations >= 1")
    return spec


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
    text = replace(text, token_tagger=_parse_tagger(t.get("token_tagger")))
    r = _require(data, "risk", "")
    moved = [k for k in STUDY_KEYS if (k in data if "." not in k else k.split(".", 1)[1] in r)]
    if moved:
        raise PolicyError("de-identification policy: " + "; ".join(f"'{k}' is no longer a policy key ({STUDY_KEYS[k]})"
                                                                  for k in moved)
                          + ". Remove it: the study spec (studies/<study_id>/study.yaml) declares it.")
    risk = RiskPolicy(
        target_k=int(_require(r, "target_k", "risk.")),
        prosecutor_risk_threshold=float(r.get("prosecutor_risk_threshold", 0.2)),
        enforce_k=bool(r.get("enforce_k", False)),
    )
    if risk.target_k < 1:
        raise PolicyError("risk.target_k must be >= 1")
    zip3 = parse_zip3(data, path)
    return DeidPolicy(
        version=str(_require(data, "version", "")),
        method=str(data.get("method", "")),
        date_mode=date_mode,
        date_shift_max_days=int(data.get("date_shift_max_days", 365)),
        max_age=int(_require(data, "max_age", "")),
        age_top_code=str(data.get("age_top_code", "90+")),
        restricted_zip3=zip3.restricted,
        zip3=zip3,
        text=text,
        risk=risk,
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
