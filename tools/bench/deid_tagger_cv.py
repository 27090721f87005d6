"""Benchmark: the learned token tagger alone, cross-validated over patient folds of the PhysioNet TUNING half.

Each of ``--folds`` folds (patients with (id // 2) % folds == k; all notes of a patient in one fold) is tagged by
a model trained on the other folds plus the tagger's grammar notes (``training.grammar_notes``), with the policy's
CRF parameters. The out-of-fold predictions of all folds are scored together (covered recall, token precision, F2,
notes leaking, recall per type) at each threshold of ``--thresholds``: the figures behind the policy's
``text.token_tagger.threshold``. The held-out half (odd patient ids) is never read. About 5 x 70 s of CPU time.

    python tools/bench/deid_tagger_cv.py [--folds 5] [--thresholds 0.05,0.1,0.2,0.3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def progress(msg: str) -> None:
    print(f"[deid-tagger-cv] {msg}", file=sys.stderr, flush=True)


def f2(recall: float, precision: float) -> float:
    """F-beta with beta = 2 (recall weighted four times precision; van Rijsbergen 1979)."""
    return 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--thresholds", default="0.05,0.1,0.2,0.3")
    ap.add_argument("--physionet-deid", default=None,
                    help="folder with id.text and id-phi.phrase (PhysioNet deid 1.1)")
    args = ap.parse_args(argv)
    try:
        thresholds = [float(x) for x in args.thresholds.split(",") if x.strip()]
    except ValueError:
        print("error: --thresholds takes comma-separated numbers in (0, 1]", file=sys.stderr)
        return 2
    if args.folds < 2 or not thresholds or not all(0 < t <= 1 for t in thresholds):
        print("error: --folds must be >= 2 and every threshold in (0, 1]", file=sys.stderr)
        return 2
    from clinical_pipelines.deid.evaluation import score_corpus
    from clinical_pipelines.deid.evaluation.physionet import ENV_VAR, load_physionet_deid, physionet_dir, split_by_patient
    from clinical_pipelines.deid.policy import load_deid_policy
    from clinical_pipelines.deid.text.tagger.features import FEATURE_VERSION
    from clinical_pipelines.deid.text.tagger.model import TokenTagger
    from clinical_pipelines.deid.text.tagger.training import grammar_notes, train_model

    folder = physionet_dir(args.physionet_deid)
    if folder is None:
        print(f"error: PhysioNet deid gold standard not found: set {ENV_VAR} or --physionet-deid", file=sys.stderr)
        return 2
    spec = load_deid_policy().text.token_tagger
    if spec is None:
        print("error: the de-identification policy has the token tagger switched off", file=sys.stderr)
        return 2
    tuning, _held_out = split_by_patient(load_physionet_deid(folder))
    fold_of = {n.note_id: (int(n.note_id.split("-")[0]) // 2) % args.folds for n in tuning.notes}
    grammar = grammar_notes()
    preds: dict[float, dict[str, list[tuple[int, int]]]] = {t: {} for t in thresholds}
    with tempfile.TemporaryDirectory(prefix="deid-tagger-cv-") as tmp:
        for k in range(args.folds):
            t0 = time.monotonic()
            train = [(n.text, [(g.start, g.end, g.type) for g in n.spans]) for n in tuning.notes
                     if fold_of[n.note_id] != k]
            path = train_model(train + grammar, Path(tmp) / f"fold{k}.crfsuite", spec)
            for t in thresholds:
                tagger = TokenTagger(path, threshold=t, training=f"fold {k}", feature_version=FEATURE_VERSION)
                for n in tuning.notes:
                    if fold_of[n.note_id] == k:
                        preds[t][n.note_id] = [(c.start, c.end) for c in tagger.find(n.text)]
            progress(f"fold {k + 1}/{args.folds} trained and tagged in {time.monotonic() - t0:.0f} s")
    print(f"token tagger alone, out of fold over {args.folds} patient folds of the PhysioNet tuning half "
          f"({len(tuning.notes)} notes; features v{FEATURE_VERSION}, {spec.key()})")
    print(f"{'threshold':>9} {'recall':>7} {'precision':>9} {'F2':>6} {'leaking':>8}  recall by type")
    for t in thresholds:
        s = score_corpus(tuning.notes, [preds[t][n.note_id] for n in tuning.notes])
        by_type = ", ".join(f"{k} {v.recall:.3f} (n={v.total})" for k, v in sorted(s.per_type.items()))
        print(f"{t:>9g} {s.recall:>7.4f} {s.token_precision:>9.3f} {f2(s.recall, s.token_precision):>6.4f} "
              f"{100 * s.leak_fraction:>7.1f}%  {by_type}")
    print(f"policy threshold: {spec.threshold:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
