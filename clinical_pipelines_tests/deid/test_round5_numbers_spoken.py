"""Round 5 kinds of the number families (deid.text.numbers, identifiers, contact): numbers read out in words, national
telephone numbers with a trunk "0", the last four digits of an SSN, run / incident numbers and ISBT 128 blood unit
numbers; and the clinical text beside them that stays. Every number is invented."""
import pytest

from clinical_pipelines.deid.text.contact import find_contacts
from clinical_pipelines.deid.text.identifiers import find_identifiers, find_ssn_and_vin
from clinical_pipelines.deid.text.numbers import find_numbers
from clinical_pipelines.deid.text.normalize import analysis_view

from ._finder_helpers import covered, touched


def _all(text):
    return find_numbers(text) + find_identifiers(text) + find_contacts(text) + find_ssn_and_vin(text)


def _types(text, value):
    view = analysis_view(text).text
    lo = view.index(value)
    return {c.type for c in _all(view) if c.start < lo + len(value) and c.end > lo}


@pytest.mark.parametrize("text,value,typ", [
    ("Daughter's number is five five five, two one two, three four five six.",
     "five five five, two one two, three four five six", "PHONE"),
    ("call back at double five five, two one two, three four five six", "double five five, two one two, three four "
     "five six", "PHONE"),
    ("cell: six one seven - four oh two - nine nine one eight", "six one seven - four oh two - nine nine one eight",
     "PHONE"),
    ("fax number is eight zero zero five five five one two one two", "eight zero zero five five five one two one two",
     "FAX"),
    ("MRN four four seven two nine one eight confirmed verbally", "four four seven two nine one eight", "MRN"),
    ("Medical record number: Seven Three Three Zero Niner Four One Two", "Seven Three Three Zero Niner Four One Two",
     "MRN"),
    ("member ID is three eight one, four four two, nine oh six", "three eight one, four four two, nine oh six",
     "HEALTH_PLAN"),
    ("she read the number off the card: two two nine\nfour seven one six", "two two nine\nfour seven one six", None),
    ("mobile: oh four one two, three four five, six seven eight", "oh four one two, three four five, six seven eight",
     "PHONE"),
    ("MRN four four seven dash two nine one eight", "four four seven dash two nine one eight", "MRN"),
    ("SSN one two three, four five, six seven eight nine", "one two three, four five, six seven eight nine", "SSN"),
    ("repeated her phone number: five five five two one two three four five six", "five five five two one two three "
     "four five six", "PHONE"),
])
def test_numbers_read_out_in_words_go(text, value, typ):
    assert covered(_all, text, value)
    if typ:
        assert typ in _types(text, value)


@pytest.mark.parametrize("text", [
    "counts one two three four five six seven eight nine ten",
    "digit span: five eight two nine four seven one forward",
    "repeated seven two nine four one eight six correctly",
    "one or two tabs, three or four times a day",
    "one two three four",
    "takes one, two or three puffs",
    "five, four, three",
])
def test_spelled_numbers_that_are_no_identifier_stay(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize("text,value", [
    ("Sister in Sydney, landline (02) 9977 5544.", "(02) 9977 5544"),
    ("ph 02 9977 5544", "02 9977 5544"),
    ("(03) 9123-4567 home", "(03) 9123-4567"),
    ("mob 0412 345 678", "0412 345 678"),
    ("(02)9977 5544", "(02)9977 5544"),
    ("tel 020 7946 0958", "020 7946 0958"),
    ("mobile 07700 900123", "07700 900123"),
    ("(01632) 960123 (home)", "(01632) 960123"),
    ("ph 0121 496 0000", "0121 496 0000"),
])
def test_national_numbers_with_a_trunk_prefix_go(text, value):
    assert covered(find_contacts, text, value)


@pytest.mark.parametrize("text,value", [
    ("given 0800 1200 1600 2000", "0800"),
    ("times 0930 1130", "0930"),
    ("at 0900 10000 units", "0900"),
    ("Na 135 K 4.0 Cl 100", "135"),
    ("plt 0 150 450", "150"),
    ("02 sat 92 on RA", "92"),
])
def test_times_and_values_with_a_leading_zero_stay(text, value):
    assert not touched(find_contacts, text, value)


@pytest.mark.parametrize("text,value", [
    ("Identity verified, SSN last 4 confirmed 1120.", "1120"),
    ("SSN ending 4821 on file", "4821"),
    ("SSN ending in 4821, DOB ok", "4821"),
    ("last four of social: 0424", "0424"),
    ("SS# ends in 7731", "7731"),
    ("SSN (last 4): 4821", "4821"),
    ("last 4 of SSN 1987", "1987"),
    ("last 4 digits 5520 verified", "5520"),
    ("Social Security number ending with 3349.", "3349"),
    ("ssn last4 1120", "1120"),
])
def test_last_four_digits_of_an_ssn_go(text, value):
    assert covered(find_ssn_and_vin, text, value)
    assert "SSN" in _types(text, value)


@pytest.mark.parametrize("text,value", [
    ("over the last 4 days 1200 kcal", "1200"),
    ("SSN verified, 2000 mL fluid restriction", "2000"),
    ("last four weeks 2019 was hard", "2019"),
    ("pt's last 4 hours UOP 1200", "1200"),
    ("SSN 1120.5", "1120"),
])
def test_numbers_near_last_four_words_that_are_no_ssn_stay(text, value):
    assert not touched(find_ssn_and_vin, text, value)


@pytest.mark.parametrize("text,value", [
    ("EMS Run# 26-004417 arrived 0930.", "26-004417"),
    ("Police incident #2026-0311 filed.", "2026-0311"),
    ("incident 2026-0311 reported to risk", "2026-0311"),
    ("run number 2026-1142", "2026-1142"),
    ("Event #1000-2000 logged", "1000-2000"),
    ("PCR # 2025-0913", "2025-0913"),
    ("Case 2019-0412 reviewed at M&M", "2019-0412"),
    ("event ID 2026-0311", "2026-0311"),
])
def test_run_and_incident_numbers_go(text, value):
    assert covered(find_numbers, text, value)


@pytest.mark.parametrize("text,value", [
    ("clinic hours 0800-1700", "0800-1700"),
    ("visit 0800-1700 hours", "0800-1700"),
    ("ref 12.0-15.5", "12.0-15.5"),
    ("no incidents overnight, I/O 2400/1800", "2400/1800"),
    ("in 2019-2021 she had three falls", "2019-2021"),
    ("visit no 0800-1700", "0800-1700"),
    ("number 2019-2021 of the series", "2019-2021"),
])
def test_clock_and_year_ranges_without_a_serial_cue_stay(text, value):
    assert not touched(find_numbers, text, value)


@pytest.mark.parametrize("text,value", [
    ("Transfused 1 unit PRBC, unit number W0361 26 012346 7, no reaction.", "W0361 26 012346 7"),
    ("DIN W0361 26 012346 00 7", "W0361 26 012346 00 7"),
    ("unit #W036126012346 hung at 1400", "W036126012346"),
    ("barcode =W036126012346 00", "W036126012346 00"),
    ("FFP A9876 25 554433 K given", "A9876 25 554433 K"),
    ("unit W0361-26-012346-7 returned", "W0361-26-012346-7"),
])
def test_isbt_128_blood_unit_numbers_go_whole(text, value):
    assert covered(find_identifiers, text, value)


@pytest.mark.parametrize("text,value", [
    ("1 unit PRBC given over 2 h", "1 unit"),
    ("ICD-10 I21.4, CPT 99223", "I21.4"),
    ("Hgb 7.1 -> 8.4 after 2 units", "7.1"),
])
def test_transfusion_text_without_a_unit_number_stays(text, value):
    assert not touched(find_identifiers, text, value)
