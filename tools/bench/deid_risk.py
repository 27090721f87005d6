"""Benchmark: re-identification risk metrics on 1,000,000 rows x 6 quasi-identifiers (median of 3 runs),
with pycanon on a 20,000-row sample for reference.

    .venv/bin/python tools/bench/deid_risk.py [--rows 1000000] [--runs 3] [--pycanon-rows 20000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
import pandas as pd


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": np.clip(rng.normal(66, 13, n).round(), 18, 89).astype(int).astype(str),
        "sex": rng.choice(["F", "M"], n),
        "zip3": rng.integers(100, 999, n).astype(str),
        "race": rng.choice(["White", "Black", "Asian", "Other", "Unknown"], n, p=[.6, .15, .1, .1, .05]),
        "ethnicity": rng.choice(["Hispanic", "Not Hispanic"], n, p=[.2, .8]),
        "admit_year": rng.integers(2015, 2025, n).astype(str),
        "prior_mi": rng.choice(["0", "1"], n, p=[.8, .2]),
        "diabetes": rng.choice(["0", "1"], n, p=[.7, .3]),
    })


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pycanon-rows", type=int, default=20_000)
    args = ap.parse_args(argv)
    from clinical_pipelines.deid.risk import risk_metrics

    qis = ["age", "sex", "zip3", "race", "ethnicity", "admit_year"]
    sens = ["prior_mi", "diabetes"]
    df = make_frame(args.rows)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        m = risk_metrics(df, qis, sens)
        times.append(time.perf_counter() - t0)
    print(f"rows {len(df):,} x {len(qis)} quasi-identifiers + {len(sens)} sensitive attributes")
    print(f"k={m['k']} classes={m['equivalence_classes']:,} risk max={m['prosecutor_risk_max']:.3f} "
          f"mean={m['prosecutor_risk_mean']:.3f} above 0.2={m['share_above_threshold']:.2%} "
          f"l={ {s: (v['distinct_l'], round(v['entropy_l'], 3)) for s, v in m['l_diversity'].items()} }")
    print(f"ours: median {statistics.median(times):.2f} s over {args.runs} runs ({', '.join(f'{t:.2f}' for t in times)})"
          f"  target < 10 s")
    try:
        from pycanon import anonymity
    except ImportError:
        print("pycanon not installed: reference skipped")
        return 0
    small = df.sample(args.pycanon_rows, random_state=1).reset_index(drop=True)
    t0 = time.perf_counter()
    k = anonymity.k_anonymity(small, qis)
    l_ = anonymity.l_diversity(small, qis, sens[:1])
    el = anonymity.entropy_l_diversity(small, qis, sens[:1])
    tp = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = risk_metrics(small, qis, sens[:1])
    to = time.perf_counter() - t0
    print(f"pycanon on {len(small):,} rows: k={k} l={l_} entropy-l={el} in {tp:.2f} s; "
          f"ours on the same rows: k={ours['k']} l={ours['l_diversity'][sens[0]]['distinct_l']} in {to:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
