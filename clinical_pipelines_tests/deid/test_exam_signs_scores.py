"""Eponymous examination signs with their finding, and named scales with a qualifier before their value, are not
names; the same words as people still are."""
import pytest

from clinical_pipelines.deid.text import ClinicalTextDeidentifier
from clinical_pipelines.deid.text.eponym_scores import score_eponym_spans
from clinical_pipelines.deid.text.safelist_context import exam_finding


@pytest.fixture(scope="module")
def engine():
    return ClinicalTextDeidentifier()


SIGNS = [
    ("Finkelstein positive on the left.", "Finkelstein"),
    ("Spurling negative bilaterally.", "Spurling"),
    ("Wrist: Phalen (+), Tinel's sign +", "Phalen"),
    ("neg Lachman, stable varus stress", "Lachman"),
    ("Thompson test: negative", "Thompson"),
    ("Murphy's sign positive", "Murphy"),
    ("Hawkins-Kennedy positive R shoulder", "Hawkins-Kennedy"),
    ("Neuro: positive on R Hoffmann", "Hoffmann"),
    ("+ Kernig, + Brudzinski", "Kernig"),
    ("+ Kernig, + Brudzinski", "Brudzinski"),
    ("Homans neg b/l", "Homans"),
    ("Tinel sign +, Phalen -.", "Phalen"),
    ("Knee: + McMurray, neg Lachman", "McMurray"),
]


@pytest.mark.parametrize("text,word", SIGNS)
def test_a_sign_with_its_finding_is_an_exam_finding(text, word):
    s = text.index(word)
    assert exam_finding(text, s, s + len(word))


@pytest.mark.parametrize("text,word", [
    ("Spoke with Okafor about results.", "Okafor"),
    ("Dr. Lachman called back.", "Lachman"),
    ("Positive attitude, Nguyen visited.", "Nguyen"),
    ("Mary + John at bedside", "John"),
    ("Mary + John at bedside", "Mary"),
    ("Family meeting: Adaeze, Tomasz present.", "Tomasz"),
])
def test_a_person_is_no_exam_finding(text, word):
    s = text.index(word)
    assert not exam_finding(text, s, s + len(word))


@pytest.mark.parametrize("text", [
    "Finkelstein positive on the left, Spurling negative.",
    "Exam: Homans neg b/l; Kernig negative.",
    "Gait: Berg Balance 38/56, TUG 14 s.",
    "Glasgow Coma 15 on arrival.",
])
def test_engine_keeps_signs_and_scales(engine, text):
    spans = engine.analyze([text], [{}])[0]
    names = [text[s.start:s.end] for s in spans if s.type == "NAME"]
    assert names == []


@pytest.mark.parametrize("text,name", [
    ("Seen by Dr. Finkelstein today, plan MRI.", "Finkelstein"),
    ("Discussed with Ms. Spurling, negative for fever.", "Spurling"),
    ("Dr. Berg reviewed, balance improving.", "Berg"),
])
def test_engine_still_redacts_the_same_words_as_people(engine, text, name):
    spans = engine.analyze([text], [{}])[0]
    s = text.index(name)
    assert any(sp.start <= s and sp.end >= s + len(name) for sp in spans)


@pytest.mark.parametrize("text,expected", [
    ("Berg Balance 38/56 today", ((0, 4),)),
    ("Morse Fall 45 on admission", ((0, 5),)),
    ("Berg Balance at 2 pm", ()),
    ("Harris 3", ()),
    ("Dr. Berg Balance 38/56", ()),
])
def test_a_qualifier_between_eponym_and_value_keeps_the_score(text, expected):
    assert score_eponym_spans(text) == expected
