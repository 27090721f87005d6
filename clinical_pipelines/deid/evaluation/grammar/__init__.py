"""Format-grammar / mutation corpus: seeded notes of twelve clinical styles, written from HIPAA Safe Harbor's
identifier list (45 CFR 164.514(b)(2)) and from the written forms of clinical documents, with exact gold spans.

Independent of the project's synthetic note generator (no shared code, templates or name lists). Seed 1 is the
TUNING corpus (look at its misses freely); seeds 2 and 3 are HELD OUT (report them, do not tune on them).
Each note is a pure function of ``(seed, index)``, so the first N notes of a seed are the same for any corpus size.

    corpus = generate_corpus(seed=2, n_notes=1000)
"""
from __future__ import annotations

import random

from ..corpus import ROLE_HELD_OUT, ROLE_TUNING, AnnotatedNote, Corpus, make_note
from . import phrases, styles_a, styles_b
from .record import Builder, make_record

TUNING_SEED = 1
HELD_OUT_SEEDS = (2, 3)

STYLES = {
    "ed_triage": styles_a.ed_triage,
    "nursing_shift": styles_a.nursing_shift,
    "discharge_summary": styles_a.discharge_summary,
    "radiology_report": styles_a.radiology_report,
    "pathology_report": styles_a.pathology_report,
    "telephone_encounter": styles_a.telephone_encounter,
    "referral_letter": styles_b.referral_letter,
    "progress_soap": styles_b.progress_soap,
    "lab_comment": styles_b.lab_comment,
    "med_reconciliation": styles_b.med_reconciliation,
    "pasted_rows": styles_b.pasted_rows,
    "home_health_intake": styles_b.home_health_intake,
}
FOOTER_P = 0.45


def generate_note(seed: int, index: int) -> AnnotatedNote:
    """Note ``index`` of corpus ``seed``: style ``index mod 12``, a printed-by / signed-by footer on about
    45% of notes, the record's known identifiers on about 75%."""
    rng = random.Random(seed * 1_000_003 + index)
    style = tuple(STYLES)[index % len(STYLES)]
    rec = make_record(rng)
    b = Builder()
    STYLES[style](b, rec, rng)
    if rng.random() < FOOTER_P:
        phrases.footer(b, rec, rng)
    return make_note(f"g{seed}-{index:05d}", b.text(), b.spans, rec.known or None, style)


def generate_corpus(seed: int, n_notes: int = 1000) -> Corpus:
    """``n_notes`` notes of corpus ``seed`` (role ``tuning`` for seed 1, ``held-out`` otherwise)."""
    if n_notes < 0:
        raise ValueError("n_notes must be >= 0")
    role = ROLE_TUNING if seed == TUNING_SEED else ROLE_HELD_OUT
    notes = tuple(generate_note(seed, i) for i in range(n_notes))
    return Corpus(name=f"grammar seed {seed}", role=role, notes=notes,
                  source="clinical_pipelines.deid.evaluation.grammar (format grammar from HIPAA Safe Harbor)",
                  licence="Apache-2.0 (project code); values are generated surrogates")
