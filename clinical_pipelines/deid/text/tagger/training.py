"""Training the learned token tagger, once per machine, from two annotated corpora that the project keeps for tuning.

- The TUNING half (patients with an even id) of the PhysioNet deid gold standard (``evaluation.physionet``; ICU
  nursing notes; GNU GPL 2.0). The held-out half (odd ids) is never read here, so the benchmark's held-out figures
  stay held out.
- The first ``GRAMMAR_NOTES`` notes of the format-grammar corpus seed 1 (``evaluation.grammar``, the TUNING seed;
  every Safe Harbor kind in the shapes the world writes it). Seeds 2 and 3 stay held out. Its ORGANIZATION spans
  keep their type; identifier numbers, contact details and ages become ``ID`` and ``AGE``, which the tagger does
  not report (``model.REPORTED_TYPES``).

The model's weights hold words of the GPL corpus, so the project ships no model: it is trained here, on the
machine that runs the engine (about a minute of CPU time on one core), and cached under
``$XDG_CACHE_HOME/clinical-pipelines/deid-tagger/`` (or ``CLINICAL_PIPELINES_TAGGER_DIR``) in a file named after the
corpora's SHA-256, the feature version and the training parameters, so a change of any of them trains a new model.

Learner: CRFsuite L-BFGS with elastic-net regularisation (``c1``, ``c2``; Okazaki 2007), BIO labels. Training is
deterministic for given corpora and parameters.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from .features import FEATURE_VERSION, sequence_features, tokens
from .model import TaggerError, TokenTagger

ENV_DIR = "CLINICAL_PIPELINES_TAGGER_DIR"
GRAMMAR_NOTES = 300
TRAINING_SOURCE = (f"PhysioNet deid 1.1 gold standard, tuning half (even patient ids), and the format-grammar "
                   f"corpus seed 1 (first {GRAMMAR_NOTES} notes)")
# engine types the tagger learns as they are; every other Safe Harbor type is learned as ID (not reported)
_LEARNED_TYPES = frozenset({"NAME", "DATE", "LOCATION", "PHONE", "AGE", "ORGANIZATION"})


@dataclass(frozen=True)
class TaggerSpec:
    """The policy's ``text.token_tagger``: on or off, the marginal threshold and the CRF training parameters."""

    enabled: bool = True
    threshold: float = 0.3
    c1: float = 0.05
    c2: float = 0.01
    max_iterations: int = 150

    def key(self) -> str:
        return f"c1={self.c1:g},c2={self.c2:g},it={self.max_iterations}"


def cache_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "clinical-pipelines" / "deid-tagger"


def corpus_digest(folder: Path, grammar: Sequence[tuple[str, Sequence[tuple[int, int, str]]]] = ()) -> str:
    """SHA-256 over the PhysioNet files' bytes (``id.text``, then ``id-phi.phrase``) and the grammar notes."""
    h = hashlib.sha256()
    for name in ("id.text", "id-phi.phrase"):
        h.update(name.encode() + b"\0" + (folder / name).read_bytes())
    for text, spans in grammar:
        h.update(b"\0" + text.encode() + repr(sorted(spans)).encode())
    return h.hexdigest()


def model_path(digest: str, spec: TaggerSpec) -> Path:
    key = hashlib.sha256(f"{digest}|{FEATURE_VERSION}|{spec.key()}".encode()).hexdigest()[:20]
    return cache_dir() / f"tagger-v{FEATURE_VERSION}-{key}.crfsuite"


def bio_labels(toks: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """BIO label of every token: ``B-TYPE`` for the first token a gold span overlaps, ``I-TYPE`` after, else O."""
    labels = ["O"] * len(toks)
    for start, end, typ in sorted(spans):
        first = True
        for i, (a, b) in enumerate(toks):
            if a < end and b > start:
                labels[i] = ("B-" if first else "I-") + typ
                first = False
    return labels


def train_model(notes: Sequence[tuple[str, Sequence[tuple[int, int, str]]]], path: Path, spec: TaggerSpec,
                progress: Callable[[str], None] | None = None) -> Path:
    """Train on ``(text, gold spans)`` pairs and write the model to ``path`` atomically (temp file + rename)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for text, spans in notes:
        toks = tokens(text)
        if toks:
            trainer.append(sequence_features(text, toks), bio_labels(toks, spans))
    trainer.set_params({"c1": spec.c1, "c2": spec.c2, "max_iterations": spec.max_iterations,
                        "feature.possible_transitions": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        trainer.train(str(tmp))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _stderr(msg: str) -> None:
    print(f"clinical-pipelines: {msg}", file=sys.stderr, flush=True)


def training_notes(folder: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The tuning half of the PhysioNet corpus in ``folder`` as (text, [(start, end, type)])."""
    from ...evaluation.physionet import load_physionet_deid, split_by_patient

    tuning, _held_out = split_by_patient(load_physionet_deid(folder))
    return [(n.text, [(g.start, g.end, g.type) for g in n.spans]) for n in tuning.notes]


def grammar_notes(n: int = GRAMMAR_NOTES) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The first ``n`` notes of the grammar corpus seed 1, types folded to what the tagger learns."""
    from ...evaluation.grammar import TUNING_SEED, generate_corpus

    return [(note.text, [(g.start, g.end, g.type if g.type in _LEARNED_TYPES else "ID") for g in note.spans])
            for note in generate_corpus(TUNING_SEED, n).notes]


def ensure_tagger(spec: TaggerSpec, corpus_folder: str | Path | None = None, *, force: bool = False,
                  progress: Callable[[str], None] | None = _stderr) -> TokenTagger:
    """The tagger for ``spec``: the cached model, or one trained now (once per machine, under a file lock).

    Raises :class:`TaggerError` when there is no cached model and no training corpus (say how to get either).
    """
    from ...evaluation.physionet import ENV_VAR, physionet_dir

    folder = physionet_dir(str(corpus_folder) if corpus_folder else None)
    if folder is None or not (folder / "id.text").is_file() or not (folder / "id-phi.phrase").is_file():
        cached = sorted(cache_dir().glob(f"tagger-v{FEATURE_VERSION}-*.crfsuite"))
        if len(cached) == 1 and not force:
            return _open(cached[0], spec)
        raise TaggerError(
            "the de-identification token tagger has no trained model and its training corpus was not found: set "
            f"{ENV_VAR} to the folder holding id.text and id-phi.phrase (PhysioNet deid 1.1) and run "
            "`clinical-pipelines deid-train-tagger`, or turn the tagger off in the de-identification policy "
            "(text.token_tagger.enabled: false, with its approval)")
    path = model_path(_cached_digest(str(folder), *_stamp(folder)), spec)
    if path.is_file() and not force:
        return _open(path, spec)
    grammar = grammar_notes()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be training the same model
        if force or not path.is_file():
            t0 = time.monotonic()
            notes = training_notes(folder) + grammar
            if progress:
                progress(f"training the de-identification token tagger on {len(notes)} annotated notes "
                         "(once per machine, about a minute of CPU time) ...")
            train_model(notes, path, spec, progress)
            if progress:
                progress(f"token tagger trained in {time.monotonic() - t0:.0f} s: {path}")
    return _open(path, spec)


def _stamp(folder: Path) -> tuple[int, int, int, int]:
    """(size, mtime in ns) of the two PhysioNet files: a changed file gives a new stamp and so a new digest."""
    a, b = (folder / "id.text").stat(), (folder / "id-phi.phrase").stat()
    return a.st_size, a.st_mtime_ns, b.st_size, b.st_mtime_ns


@lru_cache(maxsize=8)
def _cached_digest(folder: str, *stamp: int) -> str:
    """``corpus_digest`` of ``folder`` and the grammar notes, once per process and file stamp (regenerating the
    grammar notes and hashing the corpus takes about 0.2 s, which every engine start would pay)."""
    return corpus_digest(Path(folder), grammar_notes())


def _open(path: Path, spec: TaggerSpec) -> TokenTagger:
    return TokenTagger(path, threshold=spec.threshold, training=TRAINING_SOURCE, feature_version=FEATURE_VERSION)
