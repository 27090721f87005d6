"""NER windows: non-starter tokens (headers, abbreviations, common starters) open no window, names next to them
are still inside a window and still redacted."""
import pytest

from clinical_pipelines.deid.gazetteer import load_gazetteers
from clinical_pipelines.deid.text.ner import (NER_ABBREVIATIONS, NER_COMMON_STARTERS, NER_HEADER_WORDS, ner_candidate,
                                              ner_regions)


def _in_regions(text, s, regions):
    i = text.index(s)
    return any(rs <= i and i + len(s) <= re_ for rs, re_ in regions)


@pytest.mark.parametrize("line", [
    "HISTORY OF PRESENT ILLNESS", "ASSESSMENT AND PLAN", "BP 142/88 HR 91 ECG: NSR, CXR clear, CT head negative",
    "ICU day 2. MRI pending. ED course uneventful.", "Admitted for chest pain. Lives alone. Underwent PCI.",
    "SpO2 97% on RA, TnT 14", "P-R-T AXES 60 45 30", "class II-III, stage IV",
])
def test_non_starter_lines_open_no_window(line):
    assert ner_regions(line, 3) == []


@pytest.mark.parametrize("text,name", [
    ("HISTORY OF PRESENT ILLNESS\nQuentin Abernathy presented with chest pain.", "Quentin Abernathy"),
    ("ASSESSMENT AND PLAN: discussed with Ingrid Valderrama at bedside.", "Ingrid Valderrama"),
    ("ECG read by Tobias Wexford this morning.", "Tobias Wexford"),
    ("ED triage by Ned Morrow, BP 150/90.", "Ned Morrow"),
    ("Admitted Abernathy to CCU.", "Abernathy"),
    ("CXR HISTORY HALVORSEN", "HALVORSEN"),
])
def test_names_next_to_non_starters_stay_in_a_window(text, name):
    assert _in_regions(text, name, ner_regions(text, 3))


def test_abbreviations_case_sensitive_and_headers_caps_only():
    assert not ner_candidate("ECG") and not ner_candidate("HISTORY")
    assert not ner_candidate("HEART") and ner_candidate("Heart")  # a surname in title case stays a candidate
    assert not ner_candidate("P-R-T") and ner_candidate("Wolff-Parkinson-White")


def test_common_starters_are_not_census_names():
    first, last = load_gazetteers()
    assert not [w for w in NER_COMMON_STARTERS if w in first or w in last]


def test_skip_lists_stay_small():
    assert len(NER_HEADER_WORDS) + len(NER_ABBREVIATIONS) + len(NER_COMMON_STARTERS) < 250


@pytest.mark.parametrize("text,name", [
    ("HISTORY OF PRESENT ILLNESS\nQuentin Abernathy is a 61 year old man with chest pain.", "Quentin Abernathy"),
    ("ASSESSMENT AND PLAN\nPlan discussed with Ingrid Valderrama, his niece.", "Ingrid Valderrama"),
    ("BP 150/92, HR 104. ECG reviewed with Tobias Wexford in the ED.", "Tobias Wexford"),
    ("ICU course reviewed with Dr. Fernanda Oyelaran.", "Fernanda Oyelaran"),
    ("Admitted by Ned Morrow overnight.", "Ned Morrow"),
    ("CXR and MRI ordered. Lives with Quentin Abernathy, her son.", "Quentin Abernathy"),
])
def test_name_next_to_header_or_abbreviation_is_redacted(engine, text, name):
    res = engine.deidentify([text])[0]
    i = text.index(name)
    mask = set()
    for sp in res.spans:
        mask.update(range(sp.start, sp.end))
    assert all(k in mask for k in range(i, i + len(name))), "name next to a header/abbreviation not redacted"
