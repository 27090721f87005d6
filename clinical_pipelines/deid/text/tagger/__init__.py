"""The learned token tagger of the text engine: a CRF over word, shape, vocabulary and context features, trained on
an annotated clinical corpus on the machine that runs it (``training``), used beside the rule families
(``model``). It is a second method, so it finds identifiers in shapes that no rule was written for."""
from .model import REPORTED_TYPES, TaggerError, TaggerIdentity, TokenTagger
from .training import TaggerSpec, ensure_tagger

__all__ = ["REPORTED_TYPES", "TaggerError", "TaggerIdentity", "TaggerSpec", "TokenTagger", "ensure_tagger"]
