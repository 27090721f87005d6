"""The free-text de-identification engine: Presidio ``AnalyzerEngine`` over the clinical recogniser families
(``recognizers.FAMILIES``), the pinned spaCy NER on windows of the text, record-aware deny lists, and span
post-processing (name completion and propagation, merging). Spans are returned in the caller's coordinates.

Design (speed and recall):
- one spaCy pass per batch (``nlp.pipe``) with only the NER component, on windows around candidate words
  (``ner.ner_regions``); the NLP artifacts carry ``lemma = lower-cased token`` so context words boost scores;
- Presidio with an explicit registry (precompiled regexes, no phonenumbers / TLD download) and the lemma context
  enhancer;
- deny lists from each record's own identifiers and from the batch's clinicians, facilities and places.
Fails closed if the model is missing or its hash differs (``ModelIntegrityError``).
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Mapping, Sequence

from ..errors import DeidError, ModelIntegrityError
from ..gazetteer import gazetteer_identity
from ..policy import DeidPolicy, load_deid_policy
from .completion import complete_names, propagate_names
from .deny import BATCH_WIDE_CUES, deny_entries
from .deny_match import DenyMatcher
from .identifiers import ids_after_names
from .model import load_verified_model
from .normalize import analysis_view
from .ner import find_ner_entities, light_artifacts, make_enhancer, map_entities, ner_regions
from .recognizers import build_recognizers
from .safelist_vocabulary import safelist_identity
from .spans import Span, TextResult, merge_spans, strip_spans, to_engine_type
from .tagger import ensure_tagger


def _mask(n: int, spans: Sequence[Span]) -> bytearray:
    m = bytearray(n)
    for sp in spans:
        m[sp.start:sp.end] = b"\x01" * (sp.end - sp.start)
    return m


def _batch_matcher(known_identifiers: Sequence[Mapping[str, Sequence[str]]] | None) -> DenyMatcher | None:
    """One deny matcher for the identifiers that hold batch-wide (clinicians, facilities, places)."""
    batch_wide: dict[str, list[str]] = {}
    for ki in known_identifiers or ():
        for kind, vals in (ki or {}).items():
            if any(c in kind.lower() for c in BATCH_WIDE_CUES):
                batch_wide.setdefault(kind, []).extend([vals] if isinstance(vals, str) else list(vals or ()))
    entries = deny_entries(batch_wide)
    return DenyMatcher(entries) if entries else None


class ClinicalTextDeidentifier:
    """Presidio AnalyzerEngine + pinned spaCy NER + clinical recognizers + record-aware deny lists."""

    def __init__(self, policy: DeidPolicy | None = None, *, key: bytes | None = None, batch_size: int | None = None,
                 n_process: int | None = None, ner_window_words: int | None = None):
        from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        self.policy = policy or load_deid_policy()
        tp = self.policy.text
        if tp.replacement == "surrogate" and not key:
            raise DeidError("text.replacement 'surrogate' needs the pseudonymisation key (pass key=...)")
        self._key = key
        self.batch_size = batch_size or tp.batch_size
        self.n_process = n_process or tp.n_process
        self.ner_window_words = tp.ner_window_words if ner_window_words is None else ner_window_words
        self.nlp, self.model_identity = load_verified_model(tp.ner_model.name, tp.ner_model.sha256)
        if tp.ner_model.version and self.model_identity["version"] and tp.ner_model.version != self.model_identity["version"]:
            raise ModelIntegrityError(f"NER model version {self.model_identity['version']} differs from the policy's "
                                      f"{tp.ner_model.version}")
        gz = gazetteer_identity()  # fails closed if the pinned gazetteer package is missing
        self.model_identity["name_gazetteer"] = f"{gz['package']} {gz['version']} ({gz['source']})"
        sl = safelist_identity()  # builds the safe-list vocabulary now: a missing source fails at start-up
        self.model_identity["safe_list"] = f"{sl['packages']} ({sl['known_words']} known words)"
        # the learned token tagger (trained once per machine; fails closed without a model or its corpus)
        self.tagger = ensure_tagger(tp.token_tagger) if tp.token_tagger is not None else None
        if self.tagger is not None:
            self.model_identity["token_tagger"] = self.tagger.identity.describe()
        nlp = self.nlp

        class _PreloadedSpacyEngine(SpacyNlpEngine):
            def load(self):  # the verified pipeline, never a download
                self.nlp = {"en": nlp}

        self.nlp_engine = _PreloadedSpacyEngine(
            models=[{"lang_code": "en", "model_name": tp.ner_model.name}],
            ner_model_configuration=NerModelConfiguration(labels_to_ignore=[]))
        self.nlp_engine.load()
        registry = RecognizerRegistry(recognizers=build_recognizers(), supported_languages=["en"])

        class _Analyzer(AnalyzerEngine):
            def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
                # No recogniser here overrides the recogniser-level enhancement (a no-op that Presidio calls once
                # per recogniser with the results regrouped, in the order they were found): only the context
                # enhancer runs, on the same results in the same order.
                if any(type(r).enhance_using_context is not EntityRecognizer.enhance_using_context
                       for r in recognizers):
                    return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)
                return self.context_aware_enhancer.enhance_using_context(
                    text=text, raw_results=raw_results, nlp_artifacts=nlp_artifacts, recognizers=recognizers,
                    context=context)

        self.analyzer = _Analyzer(
            registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"],
            default_score_threshold=tp.score_threshold,
            context_aware_enhancer=make_enhancer(tp.score_threshold))
        self.score_threshold = tp.score_threshold

    # -- analysis -------------------------------------------------------------------------------------------
    def analyze(self, texts: Sequence[str], known_identifiers: Sequence[Mapping[str, Sequence[str]]] | None = None
                ) -> list[list[Span]]:
        texts = ["" if t is None else str(t) for t in texts]
        if known_identifiers is not None and len(known_identifiers) != len(texts):
            raise DeidError(f"known_identifiers has {len(known_identifiers)} entries for {len(texts)} texts")
        batch_matcher = _batch_matcher(known_identifiers)
        views = [analysis_view(t) for t in texts]
        # 1. patterns, safe list, gazetteers and deny lists on every note
        found = [self._pattern_spans(v.text, batch_matcher, known_identifiers[i] if known_identifiers else None)
                 for i, v in enumerate(views)]
        # 2. NER (one batched spaCy pass) only around candidate words that step 1 left uncovered
        regions = [ner_regions(v.text, self.ner_window_words, _mask(len(v.text), spans))
                   for v, spans in zip(views, found)]
        sub_texts = ["\n".join(v.text[s:e] for s, e in regs) for v, regs in zip(views, regions)]
        docs = self.nlp.pipe(sub_texts, batch_size=self.batch_size,
                             n_process=self.n_process if len(texts) >= 4 * self.batch_size else 1)
        results: list[list[Span]] = []
        for view, spans, regs, doc in zip(views, found, regions, docs):
            text = view.text
            if regs:
                spans += [Span(c.start, c.end, c.type) for c in find_ner_entities(text, map_entities(text, regs, doc))
                          if c.score >= self.score_threshold]
            # 3. name completion and propagation, identifiers after names, merge, back to the caller's offsets
            spans = complete_names(text, strip_spans(text, spans))
            spans = propagate_names(text, spans)
            spans += ids_after_names(text, spans)
            results.append(merge_spans(view.to_original(merge_spans(strip_spans(text, spans)))))
        return results

    def _pattern_spans(self, text: str, batch_matcher: DenyMatcher | None,
                       known: Mapping[str, Sequence[str]] | None) -> list[Span]:
        """Presidio with the recogniser families (no NER) plus the batch's and the record's deny lists."""
        if not text.strip():
            return []
        res = self.analyzer.analyze(text, language="en", nlp_artifacts=light_artifacts(text, [], self.nlp_engine))
        spans = [Span(r.start, r.end, to_engine_type(r.entity_type)) for r in res]
        if batch_matcher is not None:
            spans += batch_matcher.find(text)
        entries = deny_entries(known) if known else None
        if entries:
            spans += DenyMatcher(entries).find(text)
        if self.tagger is not None:
            spans += [Span(c.start, c.end, c.type) for c in self.tagger.find(text, _mask(len(text), spans))]
        return spans

    def deidentify(self, texts: Sequence[str], known_identifiers: Sequence[Mapping[str, Sequence[str]]] | None = None
                   ) -> list[TextResult]:
        """Redact a batch; spans are in input coordinates."""
        texts = list(texts)
        all_spans = self.analyze(texts, known_identifiers)
        return [TextResult(self.redact("" if t is None else str(t), sp), sp) for t, sp in zip(texts, all_spans)]

    def redact(self, text: str, spans: Sequence[Span]) -> str:
        parts, pos = [], 0
        for sp in sorted(spans):
            parts.append(text[pos:sp.start])
            parts.append(self._replacement(text[sp.start:sp.end], sp.type))
            pos = sp.end
        parts.append(text[pos:])
        return "".join(parts)

    def _replacement(self, value: str, typ: str) -> str:
        if self.policy.text.replacement == "surrogate":
            norm = " ".join(value.lower().split())
            tag = hmac.new(self._key, f"surrogate\0{typ}\0{norm}".encode(), hashlib.sha256).hexdigest()[:6]
            return f"[{typ}-{tag}]"
        return f"[{typ}]"

