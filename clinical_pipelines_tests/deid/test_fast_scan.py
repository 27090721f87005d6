"""The fast-scan regex building blocks match exactly what the plain patterns match."""
from __future__ import annotations

import random
import re

import pytest

from clinical_pipelines.deid.text.fast_scan import cue_words, finditer_lines, split_alternatives

WORDS = r"signed\s+by|signed|seen\s+by|dr|drs|d/w|pcp|primary\s+care(?:\s+(?:physician|doctor))?|kin|ink|is|it|fianc[ée]e?"
TEXTS = [
    "Signed by Dr Okafor; seen by PCP. d/w drs. Kin and INK. Fiancee named Ana.",
    "SIGNED BY DR. OKAFOR\nprimary care physician Lee\nsignedby xdr",
    "İs ıt ſeen by \u212ain? \u212aIN ſigned",  # the non-ASCII letters that case-insensitive matching folds
    "undersigned, address, dressing, pinkish, kinase, ndr", "", "dr", "_dr 9dr -dr",
]


def _spans(rx: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    alphabet = "sSdDrRpPcCkKiInNeEgGbByYwW/ \t\n.,:-_9İıſ\u212a"
    return ["".join(rnd.choice(alphabet) for _ in range(120)) for _ in range(n)]


@pytest.mark.parametrize("word_start", [True, False])
@pytest.mark.parametrize("rest", ["", r"[ \t]+([A-Z][a-z]+)", r"\b"])
def test_cue_words_matches_like_the_plain_alternation(word_start: bool, rest: str) -> None:
    plain = re.compile((r"\b" if word_start else "") + f"(?i:{WORDS})" + rest)
    fast = re.compile(cue_words(WORDS, word_start=word_start) + rest)
    for text in TEXTS + _random_texts(400, 7):
        assert _spans(fast, text) == _spans(plain, text)


@pytest.mark.parametrize("rest", ["", r"[ \t]+([a-z]+)"])
def test_case_sensitive_cue_words_match_like_the_plain_alternation(rest: str) -> None:
    plain = re.compile(rf"\b(?:{WORDS}|Dr|DR)" + rest)
    fast = re.compile(cue_words(WORDS + "|Dr|DR", ignore_case=False) + rest)
    for text in TEXTS + [t.lower() for t in TEXTS] + _random_texts(400, 11):
        assert _spans(fast, text) == _spans(plain, text)


def test_cue_words_starts_with_a_character_class() -> None:
    assert cue_words("Dr|Mr").startswith("[")


def test_cue_words_rejects_an_alternative_without_a_leading_letter() -> None:
    with pytest.raises(ValueError):
        cue_words(r"dr|\bmr")


@pytest.mark.parametrize("source, parts", [
    ("a|b(?:c|d)|e", ["a", "b(?:c|d)", "e"]),
    (r"x[|]y|z\|w", ["x[|]y", r"z\|w"]),
    ("[]|]|q", ["[]|]", "q"]),
    ("one", ["one"]),
])
def test_split_alternatives(source: str, parts: list[str]) -> None:
    assert split_alternatives(source) == parts


def test_finditer_lines_finds_what_finditer_finds() -> None:
    rx = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+),?[ \t]+(MD|RN)(?![A-Za-z])")
    hint = re.compile(r"[ \t](?:MD|RN)(?![A-Za-z])")
    texts = ["Ann Lee, MD\nno credential here\nBob RN and Cy MD", "MD first\nZed,  RN", "", "Lee MD"]
    rnd = random.Random(3)
    texts += ["".join(rnd.choice("AaLlMDRN ,\n\t") for _ in range(150)) for _ in range(300)]
    for text in texts:
        assert [m.span() for m in finditer_lines(rx, text, hint)] == [m.span() for m in rx.finditer(text)]
