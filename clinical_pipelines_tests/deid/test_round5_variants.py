"""Kinds found by writing more variants of the shared cases: a time glued to a date by "@" before a colon, a bare
four-digit time after a "time ...:" label, identifiers with underscores, a bare box number before its town, and a
spelled age after an "age:" label. Positive and negative variants; all text is invented."""
import pytest

from clinical_pipelines.deid.text.addresses import find_locations
from clinical_pipelines.deid.text.ages import find_ages
from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.numbers import find_numbers
from clinical_pipelines_tests.deid._finder_helpers import covered


@pytest.mark.parametrize("text,value", [
    ("TTE 2/9/24@1415: EF 55%.", "1415"), ("ECHO 11/3/2023@0905: normal", "0905"),
    ("Time of death: 0347 on 4/18/23.", "0347"), ("TIME OF DEATH: 2210 ON 12/1/22", "2210"),
    ("Time pronounced: 0512 on 6/3/21", "0512"), ("seen 3/7/23 0915: stable", "0915"),
])
def test_times_beside_dates_go(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("Heparin 5000 on 3/11", "5000"), ("Dose: 1000 on 3/11", "1000"), ("BP 3/7/23 1415:30", "1415"),
])
def test_numbers_that_are_not_times_stay(text, value):
    assert not covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("ssn 612_40_9981", "612_40_9981"), ("SSN: 512_77_9031.", "512_77_9031"), ("MRN 4471_2290_11", "4471_2290_11"),
    ("phone 617_555_0142", "617_555_0142"),
])
def test_underscored_identifiers_go(text, value):
    assert covered(find_numbers, text, value)


@pytest.mark.parametrize("text", ["file_2021_03 saved", "Na 140 K 4.1", "var_1 = 3"])
def test_underscored_words_stay(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize("text,value", [
    ("MAIL TO: BOX 55, TAOS, NEW MEXICO 87571", "BOX 55"), ("Box 12, Springfield", "Box 12"),
    ("Mailing: Box #881, Eureka, MT", "Box #881"),
])
def test_a_bare_box_before_its_town_goes(text, value):
    assert covered(find_locations, text, value)


@pytest.mark.parametrize("text", ["pill box 3 times daily", "box 2, shelf 3", "check box 4, then sign"])
def test_boxes_that_are_not_addresses_stay(text):
    assert find_locations(text) == []


@pytest.mark.parametrize("text,value", [
    ("age: ninety-eight", "ninety-eight"), ("AGE: NINETY EIGHT", "NINETY EIGHT"),
    ("Age = one hundred and one", "one hundred and one"), ("Pt age: ninety", "ninety"),
])
def test_spelled_ages_after_an_age_label_go(text, value):
    assert covered(find_ages, text, value)


@pytest.mark.parametrize("text", ["age: forty-two", "Age: eighty-nine", "age: ninety minutes post-op"])
def test_spelled_ages_under_ninety_stay(text):
    assert find_ages(text) == []
