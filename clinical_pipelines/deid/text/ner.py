"""spaCy NER on windows of the text: which regions need NER, entity mapping back to input coordinates, the
clinical false-positive filter for NER entities, and the light NLP artifacts / context enhancer for Presidio.
"""
from __future__ import annotations

import bisect
import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..gazetteer import load_gazetteers
from ..vocab import AMBIGUOUS_SURNAMES, COUNTRIES, EPONYM_FOLLOWERS, NON_NAME_TERMS, NOT_NAME_WORDS, STATE_ABBR, US_STATES
from .names import trim_name
from .places import is_place
from .safelist import (_fold, is_census_name, is_clinical_word, is_known_word, is_misspelled_word, is_safe_word,
                       load_vocabulary, starts_sentence, word_zipf)
from .spans import Candidate

_SUBJECT_VERB_RE = re.compile(r"[ \t]+(?i:reports|states|denies|says|said|is|was|has|had|notes|feels|c/o|complains"
                              r"|presents|endorses|called|came|went|wants|asked|agrees)\b")


def keep_ner_entity(text: str, ent, t: str) -> bool:
    s = ent.text.strip()
    low = s.lower()
    if not s or any(c.isdigit() for c in s) or "\n" in s.strip():
        return False
    toks = [w.lower().strip(".,'’") for w in s.split()]
    if t == "LOCATION" and (low in US_STATES or low in COUNTRIES or s in STATE_ABBR):
        return False
    if all(w in NON_NAME_TERMS or w in NOT_NAME_WORDS for w in toks):
        return False
    if not _has_ner_candidate(s):  # made only of NER non-starters (no window was needed for it)
        return False
    if s.isupper() and len(s) <= 6:  # abbreviations: HPI, LAD, CCU
        return False
    if t == "LOCATION" and " " not in s and (is_safe_word(s) or is_misspelled_word(s)) and not is_place(s):
        return False  # one ordinary word tagged as a place ("Cont", "Wedge") that is no US town
    if t == "NAME" and " " not in s and is_known_word(s) and starts_sentence(text, ent.start_char) and \
            _fold(s) not in load_vocabulary().strong_names and not _SUBJECT_VERB_RE.match(text, ent.end_char):
        return False  # a lone known word opening a sentence ("Alert, confused", "Max temp", "Brown/green")
    if not s[0].isupper():
        return False
    if any(w[0].islower() and w not in ("of", "and", "de", "van", "von", "der", "la", "del", "the", "at", "for")
           for w in s.split()):
        return False
    following = text[ent.end_char:ent.end_char + 20].lower()
    if following.lstrip(" \t").startswith(":") and t != "NAME":
        return False
    nxt = re.match(r"(?:'s|’s|')?\s*([a-z]+)", following)
    if nxt and nxt.group(1) in EPONYM_FOLLOWERS:
        return False  # Parkinson's disease, Wolff-Parkinson-White syndrome
    if (t != "LOCATION" or s.isupper()) and all(
            is_clinical_word(w) or (is_safe_word(w) and not is_census_name(w)) or is_misspelled_word(w) for w in toks):
        return False  # "Unasyn", "Foley", "Alert", "Recieved": clinical, ordinary or mistyped words, no one's name
    if s.isupper() and len(s) > 3 and not _has_strong_caps_word(s, t):
        return False  # "ON ABX AND IVF", "CXR DONE": spaCy's ORG/GPE guesses on notes typed in capitals
    if t == "ORGANIZATION" and len(toks) == 1 and toks[0] in AMBIGUOUS_SURNAMES:
        return False
    if t == "ORGANIZATION" and len(toks) < 2:
        return False
    return True


class NerEntity:
    """A spaCy entity mapped back to input coordinates (NER may run on windows of the text only)."""

    __slots__ = ("start_char", "end_char", "label_", "text")

    def __init__(self, start_char: int, end_char: int, label: str, text: str):
        self.start_char, self.end_char, self.label_, self.text = start_char, end_char, label, text


_NER_SKIP_WORDS = None
_CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’.-]*")
_WS_TOKEN_RE = re.compile(r"\S+")

# NER non-starters: capitalised tokens that cannot begin (or by themselves make up) a person, organisation or
# place name, so no NER window is opened around them. A real name next to one of them is still covered by the
# window opened around the name's own words, and ``_keep_ner_entity`` drops any entity made only of
# non-candidate words, so the window invariant stays exact. Three small, general groups:
# 1. section-header words, skipped only in ALL CAPS ("HISTORY OF PRESENT ILLNESS", "ASSESSMENT AND PLAN");
NER_HEADER_WORDS = frozenset("""
    history present illness social family past medical surgical assessment plan impression review systems
    physical exam examination findings allergies medications diagnosis diagnoses discharge admission course
    procedures procedure results labs laboratory imaging vitals signs chief complaint interval duration changes
    compared axes rhythm summary recommendations disposition instructions condition objective subjective data
    studies consult consultation nursing note addendum significant depression elevation telephone encounter
    female male heart rate""".split())
# 2. clinical abbreviations and units, skipped only in exactly this spelling ("ED" yes, the first name "Ed" no);
NER_ABBREVIATIONS = frozenset("""
    BP HR RR ECG EKG CXR CT MRI ICU ED ER CCU ST CV GCS QRS QT QTc PR SpO SaO TnT BMI BNP NPI CPT GU GI CC MDM
    HPI ROS PMH PSH FHx SHx EMS RVR NSVT ADHF AHRE AF CABG PCI STEMI NSTEMI COPD CHF CAD HTN DM CKD AKI BPH UTI
    DVT TAPSE RVSP LVEF EF HD PCN MVC SR ATP PERC MM YR NAD POC PRN PO IV NPO DNR DNI AM PM Trop-hs MRN SSN DOB
    SN ID Ht Wt Tel Fax""".split())
# 3. common clinical words that open sentences or label fields, in any casing ("Admitted", "Lives", "Age:").
#    None of them is in the 1990 Census first-name or surname lists (a unit test checks this).
NER_COMMON_STARTERS = frozenset("""
    initial lives admitted discharged recent discussed transferred underwent retired return follow past visit
    images shift valuables agitated anxious diaphoretic irregularly apical interpreting referring consultant
    transmission pacing events lungs valves diastolic systolic psychosocial education video telehealth virtual
    sex phone email ext address location accession license insurance referral obs""".split())
_ROMAN_RE = re.compile(r"[IVX]+")
NER_COMMON_ZIPF = 3.5  # wordfreq Zipf frequency from which a safe word is too common to be a rare place or surname


@functools.lru_cache(maxsize=131072)
def ner_candidate(word: str) -> bool:
    """A capitalised word the NER filters could keep: not a stop word, clinical term, common non-name word or
    NER non-starter (see ``NER_HEADER_WORDS``, ``NER_ABBREVIATIONS``, ``NER_COMMON_STARTERS``), and either outside
    the safe-list vocabulary, a census name or a rare word (wordfreq Zipf below ``NER_COMMON_ZIPF``)."""
    global _NER_SKIP_WORDS
    if _NER_SKIP_WORDS is None:
        _NER_SKIP_WORDS = frozenset(NON_NAME_TERMS | NOT_NAME_WORDS | STOP_WORDS | NER_COMMON_STARTERS)
    w = word.rstrip("'’.-")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    low = w.lower()
    if len(low) < 2 or low in _NER_SKIP_WORDS or w in NER_ABBREVIATIONS:
        return False
    if w.isupper() and (low in NER_HEADER_WORDS or _ROMAN_RE.fullmatch(w)):
        return False
    if "-" in w:  # "P-R-T", "I-II": a hyphenated token is a candidate only if one of its parts is
        return any(p[:1].isupper() and ner_candidate(p) for p in w.split("-"))
    # a common English or clinical word that is no one's name ("Service", "Freight", "Heart") cannot make an
    # entity worth keeping: the safe-list pass, the patterns and the gazetteers cover names and places made of them
    return not (is_safe_word(w) and not is_census_name(w) and (word_zipf(w) >= NER_COMMON_ZIPF or is_clinical_word(w)))


def _has_strong_caps_word(s: str, label: str) -> bool:
    """In an entity typed in capitals: a word of 4+ letters outside the safe words (unknown, or a census name used
    far more as a name than as a word) that is neither a clinical word nor a typo of a known word. In capitals
    spaCy tags runs of ordinary words as organisations, places and persons ("ON ABX AND IVF", "THICK TAN SPUTUM");
    short capitals are abbreviations far more often than names. Facility acronyms after transfer verbs are found
    by the organisation patterns, names after cues by the context patterns."""
    for tok in s.split():
        w = tok.strip(".,;:'’()-/&")
        if w.endswith(("'S", "’S")):
            w = w[:-2]
        if len(w) >= 4 and w.isalpha() and not is_safe_word(w) and not is_clinical_word(w) \
                and not is_misspelled_word(w) and w not in NER_ABBREVIATIONS:
            return True
        if label == "NAME" and len(w) >= 3 and w.lower() in load_gazetteers()[0] and not is_clinical_word(w):
            return True  # a census first name: "PETER ASKS ABOUT ..."
    return False


def _has_ner_candidate(s: str) -> bool:
    """True when a whitespace token of ``s`` holds a candidate word (as ``ner_regions`` sees it)."""
    for tok in s.split():
        cm = _CAP_WORD_RE.search(tok)
        if cm is not None and ner_candidate(cm.group()):
            return True
    return False


def ner_regions(text: str, window: int, covered: bytearray | None = None) -> list[tuple[int, int]]:
    """Character ranges on which NER must run: ``window`` whitespace tokens either side of every candidate
    capitalised word, within a line, merged. ``window`` 0 means the whole text. ``covered``: a mask of characters
    already inside a span of another recogniser; a candidate word starting there opens no window (it is redacted
    whatever NER says).

    Lossless with respect to the NER filter in ``_keep_ner_entity``: an entity is only kept when it holds a
    capitalised word that is not a stop word / clinical term, and every such word is inside a region."""
    if window <= 0:
        return [(0, len(text))] if text else []
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if _CAP_WORD_RE.search(line):
            toks = [(m.start() + pos, m.end() + pos, m.group()) for m in _WS_TOKEN_RE.finditer(line)]
            for i, (_, _, w) in enumerate(toks):
                cm = _CAP_WORD_RE.search(w)
                if cm is None or (covered is not None and covered[toks[i][0] + cm.start()]) or \
                        not ner_candidate(cm.group()):
                    continue
                s0, e0 = toks[max(0, i - window)][0], toks[min(len(toks) - 1, i + window)][1]
                if out and s0 <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], e0))
                else:
                    out.append((s0, e0))
        pos += len(line) + 1
    return out


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


NER_LABELS = {"PERSON": "NAME", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "ORG": "ORGANIZATION"}


def find_ner_entities(text: str, entities) -> list[Candidate]:
    """spaCy entities (PERSON, GPE/LOC/FAC, ORG) that pass ``keep_ner_entity``; person names trimmed to their name
    words. ``entities``: ``NerEntity`` objects in input coordinates."""
    out = []
    for ent in entities or ():
        t = NER_LABELS.get(ent.label_)
        if t is None or not keep_ner_entity(text, ent, t):
            continue
        s, e = trim_name(text, ent.start_char, ent.end_char) if t == "NAME" else (ent.start_char, ent.end_char)
        if e > s:
            out.append(Candidate(s, e, t, 0.85 if t == "NAME" else 0.7))
    return out
