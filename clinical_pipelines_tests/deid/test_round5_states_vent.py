"""A state named after a move cue stays (Safe Harbor keeps the state) unless a state follows it, and ventilator
settings after their mode stay, while the same numbers after an identifier cue go. All text is invented."""
import pytest

from clinical_pipelines.deid.text.numbers import find_numbers
from clinical_pipelines.deid.text.places import find_places


@pytest.mark.parametrize("text", [
    "Moved from Vermont last year.", "Lives in Ohio now.", "Moved from New York in 2019.",
    "pt relocated to Maine to be near family", "Daughter lives in Texas.", "returned from Florida yesterday",
    "Came from Portugal in 1998.", "moved from Jamaica as a child", "lives in Canada half the year",
])
def test_a_state_after_a_move_cue_stays(text):
    assert find_places(text) == []


@pytest.mark.parametrize("text,town", [
    ("moved from Vermont, IL in May", "Vermont"), ("lives in Dorchester with son", "Dorchester"),
])
def test_a_town_after_a_move_cue_goes(text, town):
    assert any(text[c.start:c.end] == town for c in find_places(text))


@pytest.mark.parametrize("text", [
    "Vent AC 450-14-5 FiO2 40%.", "SIMV 500/12/5", "PRVC 450-16-8, FiO2 50%", "on VC 400-20-10",
    "APRV 28/5", "PC 20-14-8 overnight",
])
def test_ventilator_settings_after_the_mode_stay(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize("text,value", [("MRN 450-14-5", "450-14-5"), ("Acct 500/12/5433", "500/12/5433")])
def test_the_same_shapes_after_an_identifier_cue_go(text, value):
    assert any(text[c.start:c.end] == value for c in find_numbers(text))
