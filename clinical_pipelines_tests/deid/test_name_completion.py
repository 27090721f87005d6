"""Name-span completion: a NAME span grows over adjacent first names, initials, particles and hyphenated parts
(all names below are invented), and never over titles, credentials, clinical or calendar words."""
import pytest

from clinical_pipelines.deid.text import Span


def name_spans(engine, text, known=None):
    spans = engine.analyze([text], [known] if known is not None else None)[0]
    return [text[s.start:s.end] for s in spans if s.type == "NAME"]


@pytest.mark.parametrize("text,name", [
    ("ICU team: Fernanda Oyelaran will follow.", "Fernanda Oyelaran"),
    ("Admitted by Ed Morrow overnight.", "Ed Morrow"),
    ("Seen with daughter Maria-Luisa Okonkwo", "Maria-Luisa Okonkwo"),
    ("per Dr. Anneliese van der Berg", "Anneliese van der Berg"),
    ("Plan per Anneliese van der Berg and team.", "Anneliese van der Berg"),
    ("Cardiology: Anneliese van der Berg to see.", "Anneliese van der Berg"),
    ("Discussed with Anneliese van der Berg.", "Anneliese van der Berg"),
])
def test_whole_name_is_one_span(engine, text, name):
    assert name_spans(engine, text) == [name]


@pytest.mark.parametrize("text,known,name", [
    ("Message left for Fernanda Oyelaran.", {"patient_name": ["Oyelaran"]}, "Fernanda Oyelaran"),
    ("Transport by Ed Zyxwabc at 0800.", {"patient_name": ["Zyxwabc"]}, "Ed Zyxwabc"),
    ("Covered by T. Wrenfield tonight.", {"clinician": ["Wrenfield"]}, "T. Wrenfield"),
])
def test_completion_applies_to_deny_list_surnames(engine, text, known, name):
    assert name_spans(engine, text, known) == [name]


@pytest.mark.parametrize("text,known,name", [
    ("Echo Morrow", {"patient_name": ["Morrow"]}, "Morrow"),            # clinical word
    ("Monday Morrow", {"patient_name": ["Morrow"]}, "Morrow"),          # calendar word
    ("ED MORROW", {"patient_name": ["MORROW"]}, "MORROW"),              # abbreviation in capitals
    ("Pager: Fernanda Will follow up.", {"patient_name": ["Fernanda"]}, "Fernanda"),  # stop word
    ("Spoke with Dr. Okafor MD about the plan.", None, "Okafor"),      # title and credential
])
def test_spans_do_not_grow_over_non_name_words(engine, text, known, name):
    assert name_spans(engine, text, known) == [name]


@pytest.mark.parametrize("text", ["Will call Monday.", "BP Mark 2 device placed."])
def test_no_name_spans_created(engine, text):
    assert name_spans(engine, text) == []


def test_unit_rule_keeps_types_and_coordinates():
    from clinical_pipelines.deid.text.completion import complete_names

    text = "Dr. Anneliese van der Berg; MRN 12345678; Mark 2 device"
    s = text.index("Berg")
    m = text.index("12345678")
    out = complete_names(text, [Span(s, s + 4, "NAME"), Span(m, m + 8, "MRN")])
    assert out == [Span(text.index("Anneliese"), s + 4, "NAME"), Span(m, m + 8, "MRN")]
    # a span that is not a NAME never grows, and a first name followed by a number does not either
    k = text.index("Mark")
    assert complete_names(text, [Span(k, k + 4, "NAME")]) == [Span(k, k + 4, "NAME")]


# Hyphenated first names (invented people): the census matcher and name-span completion treat "Ana-Sofia" /
# "Maria-Luisa" as first names; hyphenated clinical terms never become names.
@pytest.mark.parametrize("text,name", [
    ("ICU team: Ana-Sofia Oyelaran will follow.", "Ana-Sofia Oyelaran"),
    ("Admitted by Maria-Luisa Morrow overnight.", "Maria-Luisa Morrow"),
    ("Admitted by MARIA-LUISA MORROW overnight.", "MARIA-LUISA MORROW"),
    ("Covered by Ana-Sofia J. Oyelaran tonight.", "Ana-Sofia J. Oyelaran"),
])
def test_hyphenated_first_names_are_found(engine, text, name):
    assert name_spans(engine, text) == [name]


def test_hyphenated_first_name_in_census_matcher():
    from clinical_pipelines.deid.text.names import gazetteer_names

    text = "Admitted by Maria-Luisa Morrow overnight; Morrow, Maria-Luisa called."
    got = [text[s:e] for s, e in gazetteer_names(text)]
    assert got == ["Maria-Luisa Morrow", "Morrow, Maria-Luisa"]


def test_hyphenated_first_name_in_completion():
    from clinical_pipelines.deid.text.completion import complete_names

    text = "ICU team: Ana-Sofia Oyelaran will follow."
    s = text.index("Oyelaran")
    assert complete_names(text, [Span(s, s + 8, "NAME")]) == [Span(text.index("Ana-Sofia"), s + 8, "NAME")]
    f = text.index("Ana-Sofia")
    assert complete_names(text, [Span(f, f + 9, "NAME")]) == [Span(f, s + 8, "NAME")]


@pytest.mark.parametrize("word", ["Wolff-Parkinson-White", "Non-ST", "Swan-Ganz", "X-ray", "Follow-up", "Post-op",
                                  "Anti-Xa", "NON-ST"])
def test_hyphenated_clinical_terms_are_not_first_names(word):
    from clinical_pipelines.deid.text.completion import nc_first_name
    from clinical_pipelines.deid.text.names import gazetteer_names

    assert not nc_first_name(word)
    for text in (f"{word} Morrow", f"{word} J. Morrow", f"Morrow, {word}", f"Seen for {word} Tear today."):
        assert gazetteer_names(text) == []


@pytest.mark.parametrize("text", [
    "ECG consistent with Wolff-Parkinson-White pattern.",
    "Non-ST Elevation MI ruled out.",
    "Swan-Ganz Catheter placed.",
    "X-ray Morrow view obtained.",
    "Follow-up Morrow clinic.",
    "Post-op Morrow day 2.",
    "Anti-Xa Level pending.",
    "EGD showed a Mallory-Weiss Tear.",
])
def test_hyphenated_clinical_terms_give_no_name(engine, text):
    # "Morrow" alone is a census surname used far more as a name than as a word, which the safe-list pass may redact
    # inside a sentence; the hyphenated clinical term never joins or makes a name
    assert [s for s in name_spans(engine, text) if s != "Morrow"] == []
