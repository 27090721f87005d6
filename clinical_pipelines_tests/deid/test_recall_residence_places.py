"""Towns after residence and origin phrases in any case, with places these tests pick from the USPS list: "PT IS
FROM LOWELL", "his home in Quincy", "a store in Revere", "family in from Chicago", "lives on Nantucket"; and the
phrases that name no place ("pain is from the incision", "lives on disability", "home in 2 days")."""
import pytest

from clinical_pipelines.deid.text.facilities import find_facilities

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text, secret", [
    ("PT IS FROM LOWELL AND LIVES ALONE", "LOWELL"),
    ("pt is originally from worcester, moved here", "worcester"),
    ("she was from Springfield before the nursing home", "Springfield"),
    ("PT'S HOME IN QUINCY HAS STAIRS", "QUINCY"),
    ("found in his apartment in Braintree by a neighbor", "Braintree"),
    ("pt owns a store in Revere", "Revere"),
    ("HAS A BAKERY IN SOMERVILLE", "SOMERVILLE"),
    ("family in from Chicago for the weekend", "Chicago"),
    ("brother lives on Nantucket", "Nantucket"),
])
def test_town_found(text, secret):
    assert covered(find_facilities, text, secret)


@pytest.mark.parametrize("text, word", [
    ("pain is from the incision per pt", "incision"),
    ("he is from home, lives with wife", "home"),
    ("lives on disability income", "disability"),
    ("lives on 2nd floor walk-up", "floor"),
    ("plan home in 2 days if stable", "days"),
    ("pt wants his house in order", "order"),
    ("drainage is from the JP site", "JP"),
])
def test_no_place(text, word):
    assert not touched(find_facilities, text, word)
