"""Evaluation of free-text de-identification: annotated corpus format, metrics, corpora (format grammar,
public PhysioNet deid gold standard), shared failing cases and residual-gate accounting. No Dagster here."""
from .corpus import HIPAA_TYPES, AnnotatedNote, Corpus, CorpusFormatError, GoldSpan, make_note, read_jsonl, write_jsonl
from .metrics import CorpusScore, TypeScore, median_rate, score_corpus, uncovered_spans, wilson_interval

__all__ = ["HIPAA_TYPES", "AnnotatedNote", "Corpus", "CorpusFormatError", "GoldSpan", "make_note", "read_jsonl",
           "write_jsonl", "CorpusScore", "TypeScore", "median_rate", "score_corpus", "uncovered_spans",
           "wilson_interval"]
