"""The learned token tagger at run time: a CRFsuite model (``python-crfsuite``) that marks tokens as identifiers.

A token is an identifier when the model's marginal probability that it is *not* one (label ``O``) is below
``1 - threshold``: a recall-first reading of the model, which also catches tokens whose best single label is ``O``
(punctuation and common lower-case words are read from the best label sequence alone: they join a span only
between two of its tokens).
Consecutive identifier tokens of one type on one line become one span. Labels are BIO over the engine's types (``NAME``,
``DATE``, ``LOCATION``, ``PHONE``, ``ORGANIZATION``, ``AGE``, ``ID``); only ``REPORTED_TYPES`` are returned: ages over 89,
identifier numbers and organisations are the rule families' (``ages``, ``numbers``, ``organizations``); the
tagger learns them so that their words are not read as names or places, but on text unlike its training notes it
reads report titles and field labels as organisations.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ...errors import DeidError
from ..spans import Candidate
from .context import keep_tagged, trim_words
from .features import sequence_view, tokens

REPORTED_TYPES = frozenset({"NAME", "DATE", "LOCATION", "PHONE"})


class TaggerError(DeidError):
    """The tagger model is missing, unreadable or was trained for another feature set."""


@dataclass(frozen=True)
class TaggerIdentity:
    """What a run used: the model file's SHA-256, its feature version and its training corpus (no text)."""

    sha256: str
    feature_version: str
    training: str
    threshold: float

    def describe(self) -> str:
        return (f"CRF token tagger sha256 {self.sha256[:16]} (features v{self.feature_version}, trained on "
                f"{self.training}, threshold {self.threshold:g})")


class TokenTagger:
    """Wraps one trained model file; ``find(text)`` returns identifier candidates in ``text``'s offsets."""

    def __init__(self, path: str | Path, *, threshold: float, training: str, feature_version: str):
        import pycrfsuite

        path = Path(path)
        if not path.is_file():
            raise TaggerError(f"token tagger model {path} is missing: train it with "
                              "`clinical-pipelines deid-train-tagger`")
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open(str(path))
        except (OSError, ValueError) as exc:  # a truncated or foreign file
            raise TaggerError(f"token tagger model {path} cannot be read ({type(exc).__name__}): train it again "
                              "with `clinical-pipelines deid-train-tagger`") from None
        self._labels = [lb for lb in self._tagger.labels() if lb != "O"]
        if not 0.0 < threshold <= 1.0:
            raise TaggerError("text.token_tagger.threshold must be in (0, 1]")
        self.threshold = threshold
        self.identity = TaggerIdentity(hashlib.sha256(path.read_bytes()).hexdigest(), feature_version, training,
                                       threshold)

    def find(self, text: str, covered: bytearray | None = None) -> list[Candidate]:
        """Identifier candidates (score 1.0) of the reported types that no context veto drops
        (``context.keep_tagged``); [] for a text without tokens. ``covered``: one byte per character of ``text``,
        non-zero where other methods already found an identifier; a candidate wholly inside such spans adds nothing
        and is left out."""
        toks = tokens(text)
        if not toks:  # no letter or digit: nothing to tag
            return []
        tg = self._tagger
        feats, plain = sequence_view(text, toks)
        tg.set(feats)
        best = tg.tag()
        keep = 1.0 - self.threshold
        out: list[Candidate] = []
        cur: list | None = None
        n = len(toks)
        for i, (a, b) in enumerate(toks):
            label = best[i]
            if label == "O":
                if plain[i]:
                    # no marginal for punctuation and common words: they join a span only between two of its tokens
                    if cur is None or i + 1 >= n or best[i + 1][2:] != cur[2] or best[i + 1][0] != "I":
                        cur = None
                    continue
                if tg.marginal("O", i) > keep:
                    cur = None
                    continue
                label = max(self._labels, key=lambda lb: tg.marginal(lb, i))
            typ = label[2:]
            if typ not in REPORTED_TYPES:
                cur = None
                continue
            if cur is not None and cur[2] == typ and "\n" not in text[cur[1]:a]:
                cur[1] = b
            else:
                cur = [a, b, typ]
                out.append(cur)
        spans = (_trim(text, *span) for span in out)
        if covered is not None:
            spans = (sp for sp in spans if covered.find(0, sp[0], sp[1]) != -1)
        cands = (trim_words(text, Candidate(a, b, t, 1.0)) for a, b, t in spans if b > a)
        return [c for c in cands if keep_tagged(text, c)]


_EDGE = " \t\n.,;:|()[]{}\"'"


def _trim(text: str, a: int, b: int, typ: str) -> tuple[int, int, str]:
    """The span without the punctuation and spaces at its edges (". Pt" -> "Pt"); empty when nothing else is left."""
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE:
        b -= 1
    return a, b, typ
