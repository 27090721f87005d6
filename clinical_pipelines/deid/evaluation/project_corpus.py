"""The project's own synthetic note generator (``clinical_pipelines.synthetic.notes``) as a corpus in the common
format. The engine was written against this generator, so it is reported as a tuning corpus. Its AGE spans mark
every age; only ages over 89 are identifiers and kept."""
from __future__ import annotations

import re

from .corpus import ROLE_TUNING, Corpus, GoldSpan, make_note

_WORD_AGE = re.compile(r"ninety|hundred", re.I)


def _is_identifying_age(value: str) -> bool:
    digits = re.search(r"\d+", value)
    if digits:
        return int(digits.group()) > 89
    return bool(_WORD_AGE.search(value))


def project_generator_corpus(n_notes: int = 1000, seed: int = 7) -> Corpus:
    """``n_notes`` notes of ``generate_benchmark_corpus(n_notes, seed)`` with ages <= 89 dropped from the gold."""
    from clinical_pipelines.synthetic.notes import generate_benchmark_corpus

    notes = []
    for n in generate_benchmark_corpus(n_notes, seed=seed):
        spans = []
        for s in n.spans:
            start, end = s.start, s.end
            while start < end and n.text[start].isspace():
                start += 1
            while end > start and n.text[end - 1].isspace():
                end -= 1
            if end <= start or (s.type == "AGE" and not _is_identifying_age(n.text[start:end])):
                continue
            spans.append(GoldSpan(start, end, s.type))
        notes.append(make_note(n.note_id, n.text, spans, n.known_identifiers))
    return Corpus(name=f"project generator seed {seed}", role=ROLE_TUNING, notes=tuple(notes),
                  source="clinical_pipelines.synthetic.notes.generate_benchmark_corpus",
                  licence="Apache-2.0 (project code)")
