"""Ages over 89 spelled in words with no "years" or "aged" (deid/text/ages.py): a spelled number 90-119 used as a
person's age by what is written before it ("a woman of ninety-eight", "at ninety-one", "reached ninety-five"), or
written "ninety-something"; the same numbers as durations, doses, percentages or measurements stay.
45 CFR 164.514(b)(2)(i)(C). Variants written for these tests."""
import pytest

from clinical_pipelines.deid.text.ages import find_ages

REF = 2026
NUMBERS = ["ninety", "ninety-eight", "ninety eight", "Ninety-One", "NINETY-FIVE", "ninetyfour", "one hundred",
           "one hundred and two", "a hundred and one", "one hundred nineteen", "One Hundred Eleven"]


def age_mask(text: str) -> set[int]:
    return {k for c in find_ages(text, REF) if c.type == "AGE" for k in range(c.start, c.end)}


def covers(text: str, phrase: str) -> bool:
    i = text.index(phrase)
    mask = age_mask(text)
    return all(k in mask or text[k].isspace() for k in range(i, i + len(phrase)))


def touches(text: str, phrase: str) -> bool:
    i = text.index(phrase)
    return bool(age_mask(text) & set(range(i, i + len(phrase))))


AGE_CONTEXTS = [
    "A woman of {n} who lives alone.", "Pleasant gentleman of {n}, lives with his daughter.",
    "widow of nearly {n} admitted from home", "retired farmer, a man of about {n}; independent in ADLs",
    "PT: lady of {n} with a walker", "SOCIAL: patient of {n} lives in assisted living",
    "Still gardening at {n}.", "At {n} she still drives herself to clinic.", "mother died at almost {n}",
    "She turned {n} last spring.", "he reached {n} in March and remains sharp", "grandfather lived to be {n}.",
    "made it to {n} without a hospital stay", "now approaching {n}, lives alone",
    "a {n}-year-old widow", "{n} years young and independent", "A {n} year old man",
]


@pytest.mark.parametrize("context", AGE_CONTEXTS)
@pytest.mark.parametrize("number", NUMBERS)
def test_spelled_age_by_context(context, number):
    text = context.format(n=number)
    phrase = number[2:] if number.startswith("a ") else number     # "a hundred and one": "hundred and one" at least
    assert covers(text, phrase)


@pytest.mark.parametrize("text,phrase", [
    ("a ninety-something lady on 4 West", "ninety-something"), ("She is ninety-something and sharp.",
                                                                "ninety-something"),
    ("Ninety-ish, lives with son.", "Ninety-ish"), ("a woman of ninety-something", "ninety-something"),
    ("HPI: spry gentleman of ninety-three presents with a fall", "ninety-three"),
])
def test_spelled_age_approximate_forms(text, phrase):
    assert covers(text, phrase)


NOT_AGE_CONTEXTS = [
    "ambulated for {n} minutes", "{n} percent of the time", "{n} mg PO daily", "for {n} days", "at {n} days post-op",
    "HR at {n} overnight", "sats reached {n} on 2L", "heart rate running at {n}", "BP at {n} over fifty",
    "temp at {n} point six", "HOB at {n} degrees", "flexion to {n}, at {n} degrees", "a man of {n} pounds",
    "weighs {n} kilos", "{n}% RA", "one of {n} patients on the unit", "drip titrated, rate reached {n}",
    "fluids at {n} cc an hour", "ninety-something percent compliance", "bolus of {n} mL",
]


@pytest.mark.parametrize("context", NOT_AGE_CONTEXTS)
@pytest.mark.parametrize("number", ["ninety", "ninety-two", "one hundred", "one hundred and five"])
def test_spelled_numbers_that_are_no_age_stay(context, number):
    text = context.format(n=number)
    assert not age_mask(text)


@pytest.mark.parametrize("text", [
    "A woman of eighty-eight who lives alone.", "Still gardening at eighty.", "She turned seventy last spring.",
    "a man of sixty, independent", "reached eighty-nine in May",
])
def test_spelled_ages_up_to_89_stay(text):
    assert not age_mask(text)


def test_engine_redacts_a_spelled_age_after_a_person_noun(engine):
    note = "A woman of ninety-eight who lives alone. Ambulated for ninety minutes with PT."
    out = engine.deidentify([note])[0].text
    assert "ninety-eight" not in out.lower() and "ninety minutes" in out
