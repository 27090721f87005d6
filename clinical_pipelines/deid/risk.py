"""Re-identification risk on quasi-identifiers, vectorized with pandas groupby.

k-anonymity, distinct-l and entropy-l diversity per sensitive attribute, prosecutor risk (max, mean, share of
records above a threshold), and optional generalization / local suppression to reach a target k.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

SUPPRESSED = "*"


def _codes(df: pd.DataFrame, qis: Sequence[str]) -> np.ndarray:
    """One integer equivalence-class id per row (missing values are a category of their own)."""
    missing = [q for q in qis if q not in df.columns]
    if missing:
        raise KeyError(f"quasi-identifier column(s) not in data: {missing}")
    if not qis:
        return np.zeros(len(df), dtype=np.int64)
    codes = np.zeros(len(df), dtype=np.int64)
    for q in qis:
        c, uniq = pd.factorize(df[q], use_na_sentinel=False)
        codes = codes * (len(uniq) + 1) + c
        if codes.max(initial=0) > 2**62 // max(len(uniq) + 1, 1):
            codes, _ = pd.factorize(codes)
    codes, _ = pd.factorize(codes)
    return codes


def risk_metrics(df: pd.DataFrame, quasi_identifiers: Sequence[str], sensitive: Sequence[str] = (),
                 threshold: float = 0.2) -> dict:
    """k, class counts, prosecutor risk, and l-diversity per sensitive attribute."""
    n = len(df)
    if n == 0:
        return {"records": 0, "k": 0, "equivalence_classes": 0, "prosecutor_risk_max": 0.0,
                "prosecutor_risk_mean": 0.0, "records_above_threshold": 0, "share_above_threshold": 0.0,
                "threshold": threshold, "l_diversity": {}}
    codes = _codes(df, list(quasi_identifiers))
    sizes = np.bincount(codes)
    row_size = sizes[codes]
    risk = 1.0 / row_size
    above = int((risk > threshold).sum())
    out = {
        "records": int(n),
        "quasi_identifiers": list(quasi_identifiers),
        "k": int(sizes.min()),
        "equivalence_classes": int(len(sizes)),
        "prosecutor_risk_max": float(risk.max()),
        "prosecutor_risk_mean": float(risk.mean()),
        "records_above_threshold": above,
        "share_above_threshold": above / n,
        "threshold": threshold,
        "l_diversity": {},
    }
    for s in sensitive:
        if s not in df.columns:
            raise KeyError(f"sensitive attribute column not in data: {s}")
        sv, _ = pd.factorize(df[s], use_na_sentinel=False)
        pair = pd.DataFrame({"c": codes, "s": sv})
        cnt = pair.groupby(["c", "s"], sort=False).size()
        distinct = cnt.groupby(level=0).size()
        p = cnt / cnt.groupby(level=0).transform("sum")
        ent = -(p * np.log(p)).groupby(level=0).sum()
        out["l_diversity"][s] = {"distinct_l": int(distinct.min()), "entropy_l": float(np.exp(ent.min()))}
    return out


def classes_below(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int) -> np.ndarray:
    codes = _codes(df, list(quasi_identifiers))
    sizes = np.bincount(codes)
    return sizes[codes] < k


def _band(values: pd.Series, width: int) -> pd.Series:
    num = pd.to_numeric(values.astype("string").str.replace("+", "", regex=False), errors="coerce")
    lo = (num // width) * width
    top = values.astype("string").str.endswith("+").fillna(False)
    out = (lo.astype("Int64").astype("string") + "-" + (lo + width - 1).astype("Int64").astype("string"))
    out = out.mask(top, values.astype("string"))
    return out.mask(num.isna() & ~top, values.astype("string"))


def generalize_step(series: pd.Series, step: str) -> pd.Series:
    if step == "suppress":
        return pd.Series(SUPPRESSED, index=series.index, dtype="string")
    if step.startswith("band"):
        return _band(series, int(step[4:]))
    raise ValueError(f"unknown generalization step '{step}'")


def enforce_k(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int,
              ladders: Mapping[str, Sequence[str]] | None = None, max_suppression_share: float = 0.05
              ) -> tuple[pd.DataFrame, dict]:
    """Generalize QIs along their ladders (one level at a time, the QI with most distinct values first) until the
    share of records in classes < k is at most ``max_suppression_share``; then locally suppress those records'
    QIs to "*". Returns (new frame, log)."""
    out = df.copy()
    qis = list(quasi_identifiers)
    ladders = {q: list(v) for q, v in (ladders or {}).items()}
    level = {q: 0 for q in qis}
    steps: list[str] = []
    for _ in range(sum(len(v) for v in ladders.values()) + 1):
        below = classes_below(out, qis, k)
        if below.mean() <= max_suppression_share:
            break
        candidates = [q for q in qis if level[q] < len(ladders.get(q, []))]
        if not candidates:
            break
        q = max(candidates, key=lambda c: out[c].nunique(dropna=False))
        out[q] = generalize_step(df[q], ladders[q][level[q]])
        steps.append(f"{q}:{ladders[q][level[q]]}")
        level[q] += 1
    below = classes_below(out, qis, k)
    n_sup = int(below.sum())
    if n_sup:
        for q in qis:
            out[q] = out[q].astype("string").mask(below, SUPPRESSED)
    return out, {"generalization_steps": steps, "records_suppressed": n_sup, "target_k": k}
