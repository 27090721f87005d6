"""spaCy NER on windows of the text: which regions need NER, entity mapping back to input coordinates, and the
light NLP artifacts / context enhancer for Presidio. The entity filter is ``ner_filter``, the candidate words
``ner_words`` (both re-exported here).
"""
from __future__ import annotations

import bisect
import re

from spacy.lang.en.stop_words import STOP_WORDS

from .ner_filter import NER_LABELS, find_ner_entities, keep_ner_entity, ner_entity_cores, window_role  # noqa: F401
from .ner_words import (CAP_WORD_RE, NER_ABBREVIATIONS, NER_COMMON_STARTERS, NER_COMMON_ZIPF,  # noqa: F401
                        NER_HEADER_WORDS, ner_candidate)
from .places import is_place


class NerEntity:
    """A spaCy entity mapped back to input coordinates (NER may run on windows of the text only)."""

    __slots__ = ("start_char", "end_char", "label_", "text")

    def __init__(self, start_char: int, end_char: int, label: str, text: str):
        self.start_char, self.end_char, self.label_, self.text = start_char, end_char, label, text


_WS_TOKEN_RE = re.compile(r"\S+")


def ner_regions(text: str, window: int, covered: bytearray | None = None) -> list[tuple[int, int]]:
    """Character ranges on which NER must run: ``window`` whitespace tokens either side of every capitalised word
    that may belong to a kept entity core (``ner_filter.opens_window``) and of every multi-word US place, within a
    line, merged. ``window`` 0 means the whole text. ``covered``: a mask of characters already inside a span of
    another recogniser; a word starting there opens no window (it is redacted whatever NER says).

    Lossless with respect to the NER filter ``ner_filter.ner_entity_cores``: a core is only kept when it holds a
    ``name`` or ``weak`` word or is a US place, and every such word is inside a region."""
    if window <= 0:
        return [(0, len(text))] if text else []
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if CAP_WORD_RE.search(line):
            caps = not any(c.islower() for c in line)
            toks = [(m.start() + pos, m.end() + pos, m.group()) for m in _WS_TOKEN_RE.finditer(line)]
            roles = [_role(text, t, caps, covered) for t in toks]
            for i, role in enumerate(roles):
                if role == "plain":  # an ordinary word next to a name word (opening or already redacted)
                    near = (roles[i - 1] if i else "", roles[i + 1] if i + 1 < len(roles) else "")
                    role = "open" if "open" in near or "covered" in near else ""
                if role != "open" and not (role == "" and toks[i][2][:1].isupper() and _place_starts(toks, i)):
                    continue
                s0, e0 = toks[max(0, i - window)][0], toks[min(len(toks) - 1, i + window)][1]
                if out and s0 <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], e0))
                else:
                    out.append((s0, e0))
        pos += len(line) + 1
    return out


def _role(text: str, tok: tuple[int, int, str], caps: bool, covered: bytearray | None) -> str:
    """"open", "plain", "covered" (a capitalised word already inside another recogniser's span) or ""."""
    cm = CAP_WORD_RE.search(tok[2])
    if cm is None:
        return ""
    if covered is not None and covered[tok[0] + cm.start()]:
        return "covered"
    if not ner_candidate(cm.group()):
        return ""
    return window_role(tok[2], caps, text[max(0, tok[0] - 12):tok[0]])


def _place_starts(toks: list[tuple[int, int, str]], i: int) -> bool:
    """Tokens ``i``, ``i+1`` (and ``i+2``) name a US place ("Great Falls", "Rapid City", "Eau Claire")."""
    nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
    if not nxt[:1].isupper():
        return False
    two = f"{toks[i][2]} {nxt}".rstrip(".,;:)")
    if is_place(two):
        return True
    return i + 2 < len(toks) and toks[i + 2][2][:1].isupper() and is_place(f"{two} {toks[i + 2][2]}".rstrip(".,;:)"))


def map_entities(text: str, regions: list[tuple[int, int]], doc) -> list[NerEntity]:
    """Entities of a doc made from the regions joined by newlines, in input coordinates."""
    starts, sub = [], 0
    for s, e in regions:
        starts.append(sub)
        sub += e - s + 1
    out = []
    for ent in doc.ents:
        k = bisect.bisect_right(starts, ent.start_char) - 1
        rs, re_ = regions[k]
        s = rs + ent.start_char - starts[k]
        e = rs + ent.end_char - starts[k]
        if e <= re_:
            out.append(NerEntity(s, e, ent.label_, text[s:e]))
    return out


_ART_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


class _Tokens(list):
    """Token list for Presidio's context enhancer plus the NER entities (``.ents``) for our NER recognizer."""
    ents: list = []


def light_artifacts(text: str, ents: list[NerEntity], nlp_engine):
    """NlpArtifacts for the whole text from a regex tokenizer (lemma = lower-cased token): context words work
    anywhere in the note even where NER did not run."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    toks, idx = _Tokens(), []
    for m in _ART_TOKEN_RE.finditer(text):
        toks.append(m.group())
        idx.append(m.start())
    toks.ents = ents
    lemmas = [t.lower() for t in toks]
    art = NlpArtifacts(entities=ents, tokens=toks, tokens_indices=idx, lemmas=lemmas, nlp_engine=None,
                       language="en", scores=[0.85] * len(ents))
    art.keywords = [lem for lem in lemmas if lem not in STOP_WORDS and (lem[0].isalnum() or lem[0] == "_")]
    art.nlp_engine = nlp_engine
    return art


def make_enhancer(score_threshold: float):
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    class FastLemmaContextEnhancer(LemmaContextAwareEnhancer):
        """Presidio's lemma enhancer, applied only to results of recognizers that declare context words,
        with a bisect token lookup instead of a linear scan."""

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            # Only results of recognizers whose context words occur somewhere in the note can be boosted; a
            # below-threshold result with no context word anywhere stays below threshold, so it is dropped here
            # instead of being deep-copied and scanned by the enhancer (same output, less work).
            keywords = set(nlp_artifacts.keywords or ()) | {c.lower() for c in (context or ())}
            ctx = {r.id: r.context for r in recognizers if r.context}
            key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
            todo, rest = [], []
            for r in raw_results:
                rid = (r.recognition_metadata or {}).get(key)
                if rid not in ctx:
                    rest.append(r)
                elif any(c.lower() in keywords for c in ctx[rid]):
                    todo.append(r)
                elif r.score >= self.min_score_floor:
                    rest.append(r)
            if not todo:
                return rest
            return rest + super().enhance_using_context(text, todo, nlp_artifacts, recognizers, context)

        @staticmethod
        def _find_index_of_match_token(word, start, tokens, tokens_indices):
            i = bisect.bisect_right(tokens_indices, start) - 1
            return max(i, 0)

    enhancer = FastLemmaContextEnhancer(context_similarity_factor=0.35, min_score_with_context_similarity=0.45,
                                        context_prefix_count=6, context_matching_mode="whole_word")
    enhancer.min_score_floor = score_threshold
    return enhancer
