"""Command-line entry points: `clinical-pipelines deid-text` and `clinical-pipelines deid-risk`."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from .errors import DeidError


def deid_text_main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="clinical-pipelines deid-text",
        description="De-identify clinical notes: JSON Lines in, one object a line {\"id\", \"text\", "
                    "\"known_identifiers\"?}; JSON Lines out {\"id\", \"text\", \"phi_spans\": [{start, end, type}]} "
                    "(offsets in the input text). known_identifiers is the record's own identifiers, {kind: value or "
                    "[values]}, kinds read by their words (patient_name, mrn, phone, birth_date, street_address, zip, "
                    "email, attending_clinician, ...). The whole input is checked before any note is processed; the "
                    "output file appears only when every note is done.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("input", help="input JSON Lines file (UTF-8)")
    ap.add_argument("output", help="output JSON Lines file (not the input; its folder must exist)")
    ap.add_argument("--policy", help="de-identification policy YAML; the packaged policy when not given")
    ap.add_argument("--batch", type=int, default=256, help="notes per engine call")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    try:
        return _deid_text(args)
    except DeidError as exc:
        print(f"deid-text: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"deid-text: cannot read or write a file: {exc.strerror or type(exc).__name__}"
              f"{f' ({exc.filename})' if exc.filename else ''}", file=sys.stderr)
        return 2


def _deid_text(args) -> int:
    """Check the input and the output path, then de-identify in batches into a temporary file beside the output
    and move it into place (no partial output file on any error)."""
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from .notes_jsonl import iter_notes, unread_kinds
    from .policy import load_deid_policy
    from .text import ClinicalTextDeidentifier

    inp, out = Path(args.input), Path(args.output)
    if inp.is_dir():
        raise DeidError(f"the input {inp} is a folder; give the notes file (JSON Lines)")
    if not inp.is_file():
        raise DeidError(f"input file not found: {inp}")
    if out.is_dir():
        raise DeidError(f"the output {out} is a folder; give a file path for the de-identified notes")
    if out.exists() and out.resolve() == inp.resolve():
        raise DeidError(f"the output {out} is the input file; give another output path")
    if not out.parent.is_dir():
        raise DeidError(f"the output folder {out.parent} does not exist; create it or give another output path")
    if args.batch < 1:
        raise DeidError("--batch must be 1 or more")
    notes = list(iter_notes(inp))
    for kind, line in unread_kinds(notes).items():
        print(f"deid-text: warning: line {line}: known_identifiers kind {json.dumps(kind)} names no identifier type "
              "(its values are searched only as identifier numbers or text); use a kind such as patient_name, mrn, "
              "phone, birth_date, street_address, zip, email", file=sys.stderr)
    engine = ClinicalTextDeidentifier(load_deid_policy(args.policy))
    t0 = time.perf_counter()
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fout:
            for i in range(0, len(notes), args.batch):
                batch = notes[i:i + args.batch]
                results = engine.deidentify([n.text for n in batch], [n.known_identifiers for n in batch])
                for n, r in zip(batch, results):
                    fout.write(json.dumps({"id": n.id, "text": r.text, "phi_spans": [
                        {"start": s.start, "end": s.end, "type": s.type} for s in r.spans]}) + "\n")
                done = i + len(batch)
                if not args.quiet and len(notes) >= 50:
                    rate = done / max(time.perf_counter() - t0, 1e-9)
                    print(f"deid-text: {done}/{len(notes)} notes ({rate:.1f} notes/s)", file=sys.stderr)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    if not args.quiet:
        print(f"deid-text: wrote {len(notes)} note{'s' if len(notes) != 1 else ''} to {out}", file=sys.stderr)
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


def deid_train_tagger_main(argv: Sequence[str] | None = None) -> int:
    """`clinical-pipelines deid-train-tagger`: train (or check) the text engine's token tagger once per machine
    (about a minute of CPU time; instant when the model is cached)."""
    ap = argparse.ArgumentParser(
        prog="clinical-pipelines deid-train-tagger",
        description="Train the de-identification token tagger (a CRF) on the tuning half of the PhysioNet deid "
                    "corpus and cache it for this machine (about a minute of CPU time, once). The engine trains it on first "
                    "use too; `make setup` runs this, so that the first de-identification run does not wait.")
    ap.add_argument("--physionet-deid", default=None,
                    help="folder with id.text and id-phi.phrase (default: $CLINICAL_PIPELINES_PHYSIONET_DEID or the "
                         "repository copy)")
    ap.add_argument("--policy", help="de-identification policy YAML (default: the packaged policy)")
    ap.add_argument("--force", action="store_true", help="train again even if a model is cached")
    args = ap.parse_args(argv)
    from .policy import load_deid_policy
    from .text.tagger import ensure_tagger

    try:
        spec = load_deid_policy(args.policy).text.token_tagger
        if spec is None:
            print("deid-train-tagger: the policy turns the token tagger off (text.token_tagger); nothing to train")
            return 0
        tagger = ensure_tagger(spec, args.physionet_deid, force=args.force)
    except DeidError as exc:
        print(f"deid-train-tagger: {exc}", file=sys.stderr)
        return 2
    print(f"deid-train-tagger: ready: {tagger.identity.describe()}")
    return 0
