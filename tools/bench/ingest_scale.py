"""Benchmark: ingest validation + structured de-identification + k-anonymity of a 1,000,000-row extract.

    .venv/bin/python tools/bench/ingest_scale.py [--rows 1000000] [--format csv|parquet] [--chunk-rows 100000]
                                                 [--skip-baseline] [--keep]

Writes a synthetic extract of the built-in ``mace`` study (values generated from its spec:
``tools/bench/spec_extract.py``) into a temporary folder (deleted afterwards unless ``--keep``), with
``--rows`` encounters and a tenth of that in the notes and (two raters each) labels tables. Then, each in
its own process so that peak RSS is its own:

- **streamed** (the pipeline's functions): ``ingest.contract.check_batch`` + ``build_manifest`` on the
  batch's files (as ``raw_extract`` and ``clinical-pipelines ingest check`` do), then
  ``deid.stream.deidentify_stream`` on the structured tables (chunks of ``--chunk-rows``; k-anonymity on the
  collected quasi-identifiers; Parquet written row group by row group; linkage rows to a separate file);
- **baseline** (whole frames): ``pandas.read_csv`` (or ``read_parquet``) of each whole file, the same
  ``deidentify_table`` + lineage + ``risk_metrics``/``enforce_k`` on one frame, ``to_parquet`` of the whole
  frame; no contract checks.

With ``--snapshot``, also (own process) **snapshot**: ``deid.snapshot.deidentify_snapshot_files``, the function
the ``deidentified_snapshot`` asset calls, on a ``--rows``-row extract of the structured-only built-in
``heart-disease`` study (files on disk to Parquet files on disk, linkage rows collected for one vault store),
then ``deid.snapshot.evaluate_snapshot_files`` (the snapshot's blocking gates on the written files) unless
``--snapshot-no-gates``; peak RSS after each.

The notes table's free text is de-identified by the text engine (``tools/bench/deid_text.py``), not here.
Prints rows/s and peak RSS (``resource.getrusage`` ``ru_maxrss``) for both; target: peak RSS < 4 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_RSS_GB = 4.0
KEY = bytes(range(32))  # a fixed benchmark key (synthetic data only)


def _say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: KiB


def _study(spec: Path | None):
    from clinical_pipelines.study.builtin import load_builtin_study
    from clinical_pipelines.study.spec import load_study

    return load_study(spec) if spec else load_builtin_study()


def parquet_study(work: Path) -> Path:
    """A copy of the mace study whose encounters table is delivered as Parquet."""
    import yaml

    from clinical_pipelines.study.builtin import builtin_study_path

    src = builtin_study_path("mace").parent
    dst = work / "study"
    shutil.copytree(src, dst)
    spec = yaml.safe_load((dst / "study.yaml").read_text())
    enc = spec["tables"]["encounters"]
    for k in ("delimiter", "quotechar", "header", "encoding"):
        enc.pop(k, None)
    enc.update(format="parquet", file="encounters.parquet")
    (dst / "study.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return dst / "study.yaml"


def _lineage(study, folder: Path):
    from clinical_pipelines.deid.pipeline import RowLineage

    files = {t.file: "0" * 64 for t in study.tables.values()}
    return RowLineage(source_system="bench-ehr", batch_id=folder.name, file_sha256=files, transform_hash="bench")


def _structured(study) -> list[str]:
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.study_rules import deid_rules

    rules = deid_rules(load_deid_policy(), study)
    return [t for t in study.tables if not rules.text_columns.get(t)]


def phase_streamed(folder: Path, out: Path, spec: Path | None, chunk_rows: int) -> dict:
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.stream import ChunkWriter, deidentify_stream
    from clinical_pipelines.ingest.cli import _read_files
    from clinical_pipelines.ingest.contract import build_manifest, check_batch

    study = _study(spec)
    t0, c0 = time.perf_counter(), time.process_time()
    _say("streamed: ingest contract checks (check_batch) ...")
    files, read_problems = _read_files(folder)
    problems = read_problems + check_batch(folder.name, files, study=study)
    if problems:
        raise SystemExit(f"the generated batch breaks the contract: {[str(p) for p in problems[:5]]}")
    manifest = build_manifest(folder.name, files, study=study, checked=problems)
    del files
    t1, c1, rss1 = time.perf_counter(), time.process_time(), peak_rss_gb()
    _say(f"streamed: contract OK ({sum(manifest.row_counts.values()):,} rows) in {t1 - t0:.1f} s; de-identifying ...")
    tables = _structured(study)
    inputs = {t: folder / study.tables[t].file for t in tables}
    (out / "vault").mkdir(parents=True, exist_ok=True)
    with ChunkWriter(out / "vault" / "linkage.parquet", "parquet") as linkage:
        result = deidentify_stream(
            inputs, out / "deid", policy=load_deid_policy(), key=KEY, lineage=_lineage(study, folder), study=study,
            chunk_rows=chunk_rows, on_linkage=linkage.write,
            progress=lambda t, n: _say(f"streamed: de-identified {t}: {n:,} rows"))
    t2, c2 = time.perf_counter(), time.process_time()
    enf = result.report["risk"]["enforcement"]
    return {"validated_rows": sum(manifest.row_counts.values()), "validate_s": t1 - t0, "validate_cpu_s": c1 - c0,
            "validate_peak_rss_gb": rss1, "deid_rows": sum(result.row_counts.values()), "deid_s": t2 - t1,
            "deid_cpu_s": c2 - c1, "tables": result.row_counts,
            "k_after": enf.get("k_after"), "suppressed": enf.get("records_suppressed"),
            "linkage_rows": result.linkage_rows, "peak_rss_gb": peak_rss_gb()}


def phase_baseline(folder: Path, out: Path, spec: Path | None) -> dict:
    import pandas as pd

    from clinical_pipelines.deid.pipeline import _add_lineage
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.risk import enforce_k, risk_metrics
    from clinical_pipelines.deid.structured import deidentify_table
    from clinical_pipelines.deid.study_rules import deid_rules

    study, policy = _study(spec), load_deid_policy()
    rules = deid_rules(policy, study)
    lineage = _lineage(study, folder)
    t0, c0 = time.perf_counter(), time.process_time()
    (out / "baseline").mkdir(parents=True, exist_ok=True)
    rows = {}
    for t in sorted(_structured(study), key=lambda t: t != rules.risk_table):
        spec_t = study.tables[t]
        _say(f"baseline: reading all of {spec_t.file} ...")
        path = folder / spec_t.file
        raw = (pd.read_parquet(path) if spec_t.format == "parquet" else
               pd.read_csv(path, dtype=str, keep_default_na=False, sep=spec_t.csv_delimiter))
        _say(f"baseline: de-identifying {t} as one frame ({len(raw):,} rows) ...")
        res = deidentify_table(raw, t, policy=policy, key=KEY, rules=rules)
        consent = raw[rules.consent[1]] if rules.consent and rules.consent[0] == t else pd.Series(pd.NA, index=raw.index)
        df = _add_lineage(res.frame, spec_t.file, lineage, consent.reset_index(drop=True))
        del raw, res
        if t == rules.risk_table:
            qis = [q for q in rules.quasi_identifiers if q in df.columns]
            risk_metrics(df, qis, [], policy.risk.prosecutor_risk_threshold)
            generalized, _ = enforce_k(df[qis], qis, policy.risk.target_k, rules.generalization)
            for q in qis:
                df[q] = generalized[q].astype("string")
        df.to_parquet(out / "baseline" / f"{t}.parquet", index=False)
        rows[t] = len(df)
    return {"deid_rows": sum(rows.values()), "deid_s": time.perf_counter() - t0,
            "deid_cpu_s": time.process_time() - c0, "tables": rows,
            "peak_rss_gb": peak_rss_gb()}


def phase_snapshot(folder: Path, out: Path, spec: Path | None, chunk_rows: int, gates: bool = True) -> dict:
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.snapshot import deidentify_snapshot_files, evaluate_snapshot_files

    study, policy = _study(spec), load_deid_policy()
    files = {t.file: folder / t.file for t in study.tables.values()}
    t0, c0 = time.perf_counter(), time.process_time()
    result = deidentify_snapshot_files(files, out / "snapshot", study=study, policy=policy, key=KEY, text_engine=None,
                                       lineage=_lineage(study, folder), chunk_rows=chunk_rows,
                                       progress=lambda t, n: _say(f"snapshot: de-identified {t}: {n:,} rows"))
    t1, c1, rss1 = time.perf_counter(), time.process_time(), peak_rss_gb()
    passed = None
    if gates:
        _say("snapshot: gates on the written files ...")
        outcomes = evaluate_snapshot_files(result.outputs, policy=policy, study=study,
                                           known_identifiers=result.known_identifiers)
        passed = {o.name: o.passed for o in outcomes}
    t2, c2 = time.perf_counter(), time.process_time()
    return {"deid_rows": sum(result.row_counts.values()), "deid_s": t1 - t0, "deid_cpu_s": c1 - c0,
            "deid_peak_rss_gb": rss1, "streamed": list(result.streamed), "linkage_rows": len(result.linkage_rows),
            "gates_s": t2 - t1, "gates_cpu_s": c2 - c1, "gates": passed, "peak_rss_gb": peak_rss_gb()}


def heart_disease_spec() -> Path:
    from clinical_pipelines.study.builtin import builtin_study_path

    return builtin_study_path("heart-disease")


def _report_snapshot(rows: int, s: dict) -> None:
    print(f"snapshot (deid.snapshot, as the asset calls it) on heart-disease, {rows:,} rows; tables in chunks: "
          f"{s['streamed']}; {s['linkage_rows']:,} linkage rows for one vault store")
    line = "{:9} {:<24} {:>12,.0f} {:>11,.0f} {:>8.1f} {:>7.2f} GB"
    print(line.format("snapshot", "de-id files -> Parquet", s["deid_rows"] / s["deid_s"],
                      s["deid_rows"] / s["deid_cpu_s"], s["deid_s"], s["deid_peak_rss_gb"]))
    if s["gates"] is not None:
        print(line.format("", "+ gates on the files", s["deid_rows"] / s["gates_s"],
                          s["deid_rows"] / max(s["gates_cpu_s"], 1e-9), s["gates_s"], s["peak_rss_gb"]))
        print(f"          gates passed: {sum(s['gates'].values())}/{len(s['gates'])}")


def _child(phase: str, folder: Path, out: Path, spec: Path | None, chunk_rows: int, *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--batch", str(folder), "--out", str(out),
           "--chunk-rows", str(chunk_rows)] + (["--spec", str(spec)] if spec else []) + list(extra)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"{phase} phase failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(rows: int, streamed: dict, baseline: dict | None) -> None:
    """rows/s of wall-clock time (what a run takes on this machine now) and of CPU time (less sensitive to
    other load on a shared machine); peak RSS of each process."""
    s = streamed
    print(f"extract: {rows:,} encounter rows; {s['validated_rows']:,} rows validated (all tables); "
          f"{s['deid_rows']:,} rows de-identified {s['tables']}")
    print(f"{'':9} {'step':<24} {'rows/s wall':>12} {'rows/CPU-s':>11} {'seconds':>8} {'peak RSS':>9}")
    line = "{:9} {:<24} {:>12,.0f} {:>11,.0f} {:>8.1f} {:>7.2f} GB"
    print(line.format("streamed", "contract checks", s["validated_rows"] / s["validate_s"],
                      s["validated_rows"] / s["validate_cpu_s"], s["validate_s"], s["validate_peak_rss_gb"]))
    print(line.format("", "structured de-id + k", s["deid_rows"] / s["deid_s"], s["deid_rows"] / s["deid_cpu_s"],
                      s["deid_s"], s["peak_rss_gb"]))
    total, cpu = s["validate_s"] + s["deid_s"], s["validate_cpu_s"] + s["deid_cpu_s"]
    print(line.format("", "both (de-id rows)", s["deid_rows"] / total, s["deid_rows"] / cpu, total, s["peak_rss_gb"]))
    if baseline:
        b = baseline
        print(line.format("baseline", "de-id + k, whole frames", b["deid_rows"] / b["deid_s"],
                          b["deid_rows"] / b["deid_cpu_s"], b["deid_s"], b["peak_rss_gb"]))
        print("          (baseline: whole-file pandas read, one frame per table, no contract checks)")
    print(f"k after enforcement = {s['k_after']} ({s['suppressed']:,} records suppressed); "
          f"{s['linkage_rows']:,} linkage rows to the vault stand-in")
    print(f"target peak RSS < {TARGET_RSS_GB:g} GB: {'met' if s['peak_rss_gb'] < TARGET_RSS_GB else 'NOT met'} "
          f"(streamed {s['peak_rss_gb']:.2f} GB)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv", help="format of the encounters file")
    ap.add_argument("--chunk-rows", type=int, default=100_000)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    ap.add_argument("--snapshot", action="store_true",
                    help="also measure deid.snapshot (the asset's function) on a heart-disease extract of --rows rows")
    ap.add_argument("--snapshot-only", action="store_true", help="only the snapshot measurement")
    ap.add_argument("--snapshot-no-gates", action="store_true", help="snapshot measurement without the gates")
    ap.add_argument("--phase", choices=("streamed", "baseline", "snapshot"), help=argparse.SUPPRESS)
    ap.add_argument("--batch", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase == "streamed":
        print(json.dumps(phase_streamed(args.batch, args.out, args.spec, args.chunk_rows)))
        return 0
    if args.phase == "snapshot":
        print(json.dumps(phase_snapshot(args.batch, args.out, args.spec, args.chunk_rows,
                                        gates=not args.snapshot_no_gates)))
        return 0
    if args.phase == "baseline":
        print(json.dumps(phase_baseline(args.batch, args.out, args.spec)))
        return 0
    from spec_extract import write_extract

    work = Path(tempfile.mkdtemp(prefix="cp-bench-ingest-"))
    try:
        if not args.snapshot_only:
            spec = parquet_study(work) if args.format == "parquet" else None
            _say(f"writing a {args.rows:,}-row extract of study mace ({args.format}) to {work} ...")
            extract = write_extract(_study(spec), work / "bench-batch", args.rows, progress=_say)
            size = sum(p.stat().st_size for p in extract.folder.iterdir())
            _say(f"extract written: {extract.rows} ({size / 1024**2:,.0f} MiB)")
            streamed = _child("streamed", extract.folder, work / "out", spec, args.chunk_rows)
            baseline = None if args.skip_baseline else _child("baseline", extract.folder, work / "out", spec,
                                                              args.chunk_rows)
            _report(args.rows, streamed, baseline)
            shutil.rmtree(extract.folder, ignore_errors=True)
        if args.snapshot or args.snapshot_only:
            spec = heart_disease_spec()
            _say(f"writing a {args.rows:,}-row extract of study heart-disease to {work} ...")
            extract = write_extract(_study(spec), work / "bench-snapshot", args.rows, progress=_say)
            snap = _child("snapshot", extract.folder, work / "out", spec, args.chunk_rows,
                          *(["--snapshot-no-gates"] if args.snapshot_no_gates else []))
            _report_snapshot(args.rows, snap)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
