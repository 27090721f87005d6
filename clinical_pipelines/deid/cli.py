"""Command-line entry points: `clinical-pipelines deid-text` and `clinical-pipelines deid-risk`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

from .errors import DeidError


def deid_text_main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="clinical-pipelines deid-text",
                                 description="De-identify clinical notes: JSONL {id, text, known_identifiers?} -> "
                                             "JSONL {id, text, phi_spans:[{start,end,type}]} (input coordinates).")
    ap.add_argument("input", help="input JSONL")
    ap.add_argument("output", help="output JSONL")
    ap.add_argument("--policy", help="de-identification policy YAML (default: packaged)")
    ap.add_argument("--batch", type=int, default=256, help="notes per engine call")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from .policy import load_deid_policy
    from .text import ClinicalTextDeidentifier

    try:
        policy = load_deid_policy(args.policy)
        engine = ClinicalTextDeidentifier(policy)
    except DeidError as exc:
        print(f"deid-text: {exc}", file=sys.stderr)
        return 2
    inp = Path(args.input)
    if not inp.is_file():
        print(f"deid-text: input file not found: {inp}", file=sys.stderr)
        return 2
    total = sum(1 for line in inp.open(encoding="utf-8") if line.strip())
    t0, done = time.perf_counter(), 0
    with inp.open(encoding="utf-8") as fin, Path(args.output).open("w", encoding="utf-8") as fout:
        def flush(buf):
            nonlocal done
            if not buf:
                return
            known = [b.get("known_identifiers") or {} for b in buf]
            results = engine.deidentify([b.get("text") or "" for b in buf], known)
            for b, r in zip(buf, results):
                fout.write(json.dumps({"id": b.get("id"), "text": r.text,
                                       "phi_spans": [{"start": s.start, "end": s.end, "type": s.type} for s in r.spans]})
                           + "\n")
            done += len(buf)
            if not args.quiet and total >= 50:
                rate = done / max(time.perf_counter() - t0, 1e-9)
                print(f"deid-text: {done}/{total} notes ({rate:.1f} notes/s)", file=sys.stderr)

        buf = []
        for lineno, line in enumerate(fin, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                print(f"deid-text: line {lineno} is not valid JSON", file=sys.stderr)
                return 2
            if not isinstance(obj, dict) or "text" not in obj:
                print(f"deid-text: line {lineno} has no 'text' field", file=sys.stderr)
                return 2
            buf.append(obj)
            if len(buf) >= args.batch:
                flush(buf)
                buf = []
        flush(buf)
    if not args.quiet:
        print(f"deid-text: wrote {done} notes to {args.output}", file=sys.stderr)
    return 0


def _read_table(path: str):
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise DeidError(f"input file not found: {p}")
    if p.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(p)
    return pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])


def deid_risk_main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="clinical-pipelines deid-risk",
                                 description="Re-identification risk (k-anonymity, l-diversity, prosecutor risk).")
    ap.add_argument("input", help="CSV or Parquet table")
    ap.add_argument("--quasi-identifiers", "-q", nargs="+", required=True)
    ap.add_argument("--sensitive", "-s", nargs="*", default=[])
    ap.add_argument("--k", type=int, default=5, help="target k (exit code 1 when not met)")
    ap.add_argument("--threshold", type=float, default=0.2, help="prosecutor risk threshold")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    from .risk import risk_metrics

    try:
        df = _read_table(args.input)
        t0 = time.perf_counter()
        m = risk_metrics(df, args.quasi_identifiers, args.sensitive, args.threshold)
        elapsed = time.perf_counter() - t0
    except (DeidError, KeyError) as exc:
        print(f"deid-risk: {exc}", file=sys.stderr)
        return 2
    m["target_k"] = args.k
    m["meets_target_k"] = m["k"] >= args.k
    m["seconds"] = round(elapsed, 3)
    if args.json:
        print(json.dumps(m, indent=2))
    else:
        print(f"records                 {m['records']}")
        print(f"quasi-identifiers       {', '.join(args.quasi_identifiers)}")
        print(f"equivalence classes     {m['equivalence_classes']}")
        print(f"k-anonymity             {m['k']} (target {args.k}: {'met' if m['meets_target_k'] else 'NOT met'})")
        print(f"prosecutor risk max     {m['prosecutor_risk_max']:.4f}")
        print(f"prosecutor risk mean    {m['prosecutor_risk_mean']:.4f}")
        print(f"records above {args.threshold:<9} {m['records_above_threshold']} ({m['share_above_threshold']:.2%})")
        for s, v in m["l_diversity"].items():
            print(f"l-diversity {s}: distinct-l {v['distinct_l']}, entropy-l {v['entropy_l']:.3f}")
        print(f"computed in             {elapsed:.2f} s")
    return 0 if m["meets_target_k"] else 1


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - convenience
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "deid-risk":
        return deid_risk_main(argv[1:])
    return deid_text_main(argv[1:] if argv and argv[0] == "deid-text" else argv)
