"""NER windows open only around words that a kept entity core can hold (name or weak words, US places, ordinary
words next to a name): clinical wording, typos, abbreviations and contractions of bedside notes open none, so spaCy
reads less text; names, places and first names next to an already redacted surname still get a window."""
import pytest

from clinical_pipelines.deid.text.ner import ner_regions, window_role


def _in_regions(text, s, regions):
    i = text.index(s)
    return any(rs <= i and i + len(s) <= re_ for rs, re_ in regions)


@pytest.mark.parametrize("line", [
    "Abd soft, nontender. Sx'd for thick secretions. Con't to monitor.",
    "Neuro- oriented x3, MAE. Pulm~ coarse, Sxn'd small amt.",
    "GU- patent, clear urine. Integ~ arm intact. Resp~ LS clear.",
    "BP 118/64, HR 92 NSR, afebrile, SpO2 96% on 2L NC",
    "Lines- RIJ Triple lumen intact, RSBI done, PMed reviewed",
])
def test_clinical_lines_open_no_window(line):
    assert ner_regions(line, 3) == []


@pytest.mark.parametrize("text,name", [
    ("Case discussed with Halvorsen at the bedside.", "Halvorsen"),
    ("DTR IN FROM ROME TONIGHT TO SEE PT", "ROME"),
    ("K REPLACED. Q. VANDERMOLEN AWARE.", "VANDERMOLEN"),
    ("Moved here from Great Falls last year.", "Great Falls"),
    ("Daughter lives in Eureka with her family.", "Eureka"),
])
def test_names_and_places_open_a_window(text, name):
    assert _in_regions(text, name, ner_regions(text, 3))


def test_ordinary_first_word_next_to_a_redacted_surname_opens_a_window():
    text = "Received Anil Patel from day shift."
    covered = bytearray(len(text))
    i = text.index("Patel")
    covered[i:i + 5] = b"\x01" * 5
    assert _in_regions(text, "Anil", ner_regions(text, 3, covered))


@pytest.mark.parametrize("token,caps,role", [
    ("Halvorsen", False, "open"), ("HALVORSEN", True, "open"), ("Sx'd", False, ""), ("RSBI", False, ""),
    ("DRNG", True, ""), ("FOLEY", True, "open"), ("Wexford", False, "plain"), ("W/LG", True, ""), ("12AM", True, ""),
])
def test_window_roles(token, caps, role):
    assert window_role(token, caps) == role
