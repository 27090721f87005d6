"""CLI entry points: ``clinical-pipelines generate-cohort`` and ``clinical-pipelines generate-notes``.

Output on stdout is counts and paths only (never note text or identifiers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort
from clinical_pipelines.synthetic.notes import generate_benchmark_corpus, write_benchmark_files


def generate_cohort_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clinical-pipelines generate-cohort",
        description="Write the deterministic synthetic cohort as raw extract batches: DIR/<batch_id>/{encounters.csv, "
                    "notes.jsonl, labels.csv, extract.json}.")
    parser.add_argument("--out", required=True, type=Path, help="output folder (created if missing)")
    parser.add_argument("--patients", type=int, default=CohortSpec.n_patients,
                        help=f"number of patients (default {CohortSpec.n_patients})")
    parser.add_argument("--seed", type=int, default=CohortSpec.seed, help=f"random seed (default {CohortSpec.seed})")
    parser.add_argument("--gold-out", type=Path, default=None,
                        help="optional JSONL file for the gold PHI spans of the cohort notes (test material; "
                             "never put it in the landing zone)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.patients < 1:
        parser.error("--patients must be >= 1")
    batches = generate_cohort(CohortSpec(n_patients=args.patients, seed=args.seed))
    for batch in batches:
        folder = args.out / batch.batch_id
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in batch.files.items():
            (folder / name).write_bytes(data)
    if args.gold_out is not None:
        args.gold_out.parent.mkdir(parents=True, exist_ok=True)
        with args.gold_out.open("w", encoding="utf-8") as fh:
            for batch in batches:
                for note_id, spans in batch.note_spans.items():
                    fh.write(json.dumps({"id": note_id, "batch_id": batch.batch_id,
                                         "spans": [{"start": s.start, "end": s.end, "type": s.type} for s in spans]})
                             + "\n")
    n_enc = sum(len(b.outcomes) for b in batches)
    print(f"wrote {len(batches)} batches ({n_enc} encounters, {args.patients} patients, seed {args.seed}) to {args.out}")
    return 0


def generate_notes_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clinical-pipelines generate-notes",
        description="Write the annotated de-identification benchmark corpus: input JSONL {id, text, known_identifiers} "
                    "and gold JSONL {id, spans: [{start, end, type}]}.")
    parser.add_argument("--out-input", required=True, type=Path, help="input JSONL path")
    parser.add_argument("--out-gold", required=True, type=Path, help="gold spans JSONL path")
    parser.add_argument("--n", type=int, default=1000, help="number of notes (default 1000)")
    parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.n < 1:
        parser.error("--n must be >= 1")
    notes = generate_benchmark_corpus(args.n, args.seed)
    write_benchmark_files(notes, args.out_input, args.out_gold)
    n_spans = sum(len(n.spans) for n in notes)
    print(f"wrote {len(notes)} notes ({n_spans} gold PHI spans, seed {args.seed}) to {args.out_input} and {args.out_gold}")
    return 0


_COMMANDS = {"generate-cohort": generate_cohort_main, "generate-notes": generate_notes_main}


def main(argv: Sequence[str] | None = None) -> int:
    """``main(["generate-cohort", "--out", "DIR"])`` or ``main(["generate-notes", ...])``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in _COMMANDS:
        print(f"usage: clinical-pipelines {{{','.join(_COMMANDS)}}} [options]  (unknown or missing subcommand)",
              file=sys.stderr)
        return 2
    return _COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
