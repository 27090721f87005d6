"""Ages over 89 in every spelling and birth years that imply them (deid/text/ages.py), with the known-DOB deny path;
ages of 89 or less and clinical numbers stay. 45 CFR 164.514(b)(2)(i)(C)."""
import pytest

from clinical_pipelines.deid.text.ages import (birth_year_deny_entries, birth_year_implies_over_89, current_year,
                                               find_ages, find_birth_years)
from clinical_pipelines.deid.text.deny import deny_entries
from clinical_pipelines.deid.text.deny_match import DenyMatcher

REF = 2026  # reference year passed explicitly, so the tests do not depend on the clock


def age_mask(text: str, ref: int = REF) -> set[int]:
    return {k for c in find_ages(text, ref) if c.type == "AGE" for k in range(c.start, c.end)}


def covers(text: str, phrase: str, ref: int = REF) -> bool:
    i = text.index(phrase)
    mask = age_mask(text, ref)
    return all(k in mask or text[k].isspace() for k in range(i, i + len(phrase)))


def touches(text: str, phrase: str, ref: int = REF) -> bool:
    i = text.index(phrase)
    return bool(age_mask(text, ref) & set(range(i, i + len(phrase))))


NUMERIC_FORMS = ["{a}YOF", "{a}yom", "{a}yo F", "{a} yo F", "{a} y/o", "{a} y.o.", "{a}-year-old", "{a} year old",
                 "{a} years old", "{a} yrs", "{a} years of age", "({a} y)", "{a}y", "{a}F", "{a} M", "{a}/F",
                 "{a} / M", "F/{a}", "aged {a}", "age: {a}", "Age {a}", "AGE={a}", "at the age of {a}",
                 "{a}{ord} birthday", "{a}{ord} bday", "{a}{ord} b-day", "turned {a}", "died at {a}",
                 "passed away at age {a}", "in her {a}{ord} year", "{a}-yr-old", "{a} YR", "Age(yrs): {a}"]


def ordinal(n: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th") if not 10 <= n % 100 <= 20 else "th"


@pytest.mark.parametrize("form", NUMERIC_FORMS)
@pytest.mark.parametrize("age", [90, 93, 99, 101, 117])
def test_numeric_ages_over_89(form, age):
    phrase = form.format(a=age, ord=ordinal(age))
    for ctx in ["HPI: {} with CHF.", "{}", "Pt is a {} seen today", "AGE/SEX: {}   ROOM: 4B"]:
        text = ctx.format(phrase)
        assert covers(text, str(age)), phrase


@pytest.mark.parametrize("form", NUMERIC_FORMS)
@pytest.mark.parametrize("age", [45, 67, 89])
def test_ages_up_to_89_stay(form, age):
    phrase = form.format(a=age, ord=ordinal(age))
    assert not touches(f"HPI: {phrase} with CHF.", str(age)), phrase


@pytest.mark.parametrize("text,phrase", [
    ("Patient is ninety-three years of age and ambulates.", "ninety-three"),
    ("Widower, aged ninety-two, retired machinist.", "ninety-two"),
    ("A ninety three year old woman", "ninety three"), ("Ninety six-year-old for evaluation", "Ninety six"),
    ("one hundred and one years old", "one hundred and one"), ("a hundred-year-old man", "a hundred"),
    ("One hundred and four-year-old with CHF", "One hundred and four"), ("ninety-year-old man", "ninety"),
    ("celebrated her ninety-third birthday", "ninety-third"), ("his hundredth birthday", "hundredth"),
    ("at the age of ninety-one", "ninety-one"), ("turned one hundred last week", "one hundred"),
    ("She is ninety-one. Lives alone.", "ninety-one"), ("a woman in her mid-nineties", "mid-nineties"),
    ("a man in his 90s", "90s"), ("in her early 90's", "early 90's"), ("in his late nineties", "late nineties"),
    ("a nonagenarian with AF", "nonagenarian"), ("centenarian, lives with son", "centenarian"),
    ("a 90-something-year-old man", "90"), ("ninety-something years old", "ninety-something"),
    ("a 101-year-old man", "101"), ("She celebrated her 93rd birthday", "93rd"), ("celebrated 92nd bday", "92nd"),
    ("HPI: 93YOF with CHF", "93YOF"), ("(93 y) for evaluation", "93"), ("mother died at 95.", "95"),
])
def test_spelled_ordinal_and_decade_ages(text, phrase):
    assert covers(text, phrase)


@pytest.mark.parametrize("text,phrase", [
    ("HR 93 bpm, SpO2 93% RA", "93"), ("T 93F rectal", "93"), ("Temp 93 F", "93"), ("Rm 93F", "93"),
    ("Lasix 93 mg", "93"), ("QRS DURATION 91 MS", "91"), ("turned 90 degrees", "90"), ("93rd percentile", "93"),
    ("sats in the 90s", "90s"), ("O2 in the mid 90s", "90s"), ("eighty-nine years of age", "eighty-nine"),
    ("aged eighty", "eighty"), ("age 93.5 kg", "93"), ("Platelets 95, WBC 11", "95"), ("89 yo man", "89"),
    ("a 67 year old sister", "67"), ("for ninety minutes", "ninety"), ("BP 95/60", "95"), ("age 90-95", "90"),
    ("temp of 99 F", "99"), ("fever to 101 F", "101"), ("Tmax 101F", "101"), ("turned 90\u00b0 to the left", "90"),
    ("T 98.6F", "98"), ("HR 90s overnight", "90s"), ("SBP 90s-100s", "90s"),
])
def test_clinical_numbers_are_not_ages(text, phrase):
    assert not touches(text, phrase)


@pytest.mark.parametrize("text,year", [
    ("Born in 1931 on a dairy farm.", "1931"), ("b. 1931, Lagos", "1931"), ("(b 1932) retired", "1932"),
    ("DOB 1931", "1931"), ("DOB: 1930", "1930"), ("Year of birth: 1930", "1930"), ("YOB 1929", "1929"),
    ("born circa 1935 in Hue", "1935"), ("born in '31", "'31"), ("DOB (year only): 1929 in Izmir", "1929"),
    ("b.1931", "1931"), ("born sometime in 1925", "1925"), ("Birth year 1936.", "1936"),
    ("born in the 1920s in Lagos", "1920s"), ("DOB: ~1931", "1931"),
])
def test_birth_year_implying_over_89(text, year):
    assert covers(text, year)
    assert all(c.type == "AGE" for c in find_birth_years(text, REF))


@pytest.mark.parametrize("text,year", [
    ("Born in 1937 in Ohio.", "1937"), ("born in 1950", "1950"), ("Prior MI in 1931 per family", "1931"),
    ("Hep B 1931", "1931"), ("YOB 1980", "1980"),
])
def test_birth_years_not_implying_over_89_stay(text, year):
    assert not touches(text, year)


def test_reference_year_boundary():
    """Born in Y is judged over 89 when Y <= reference year - 90 (may still be 89 before the birthday)."""
    assert birth_year_implies_over_89(1936, 2026) and not birth_year_implies_over_89(1937, 2026)
    assert not find_birth_years("born in 1931", 2015)        # 84 in 2015: stays
    assert find_birth_years("born in 1931", 2025)
    assert current_year() >= 2025
    assert find_ages("Born in 1931 on a farm.")               # default: the system clock's year


def test_known_birth_date_denies_the_bare_year():
    text = "Moved here in 1931? No: born that year, 1931, on a farm."
    spans = DenyMatcher(deny_entries({"birth_date": ["1931-04-05"]})).find(text)
    got = {text[s.start:s.end] for s in spans}
    assert got == {"1931"} and all(s.type == "AGE" for s in spans if text[s.start:s.end] == "1931")
    assert birth_year_deny_entries("04/05/1931", REF) and not birth_year_deny_entries("1970-01-01", REF)
    assert not [e for e in deny_entries({"birth_date": ["1970-01-01"]}) if e[1] == "AGE"]
    assert not [e for e in deny_entries({"admit_date": ["1931-04-05"]}) if e[1] == "AGE"]


@pytest.mark.parametrize("note,leaked", [
    ("HPI: 93YOF with CHF presents with dyspnea.", ["93"]), ("AGE/SEX: 93/F   ROOM: 4B", ["93"]),
    ("She celebrated her 93rd birthday with family.", ["93rd"]), ("She celebrated 92nd bday at home.", ["92nd"]),
    ("Patient is ninety-three years of age.", ["ninety-three"]), ("Widower, aged ninety-two.", ["ninety-two"]),
    ("Admitted on the fifth of April, 2025 for chest pain.", ["fifth", "April"]),
    ("Seen on the twenty-first of March.", ["twenty-first", "March"]), ("Prior MI in March '19.", ["March '19"]),
    ("Specimen received 3/7/23 0915 in the lab.", ["3/7/23", "0915"]),
    ("CARDIOLOGY CONSULT  Feb 11, 2021 14:05", ["Feb 11", "14:05"]),
    ("Bedside echo 08/19/2022 @ 2340, LVEF 35%.", ["08/19/2022", "2340"]),
    ("Printed 4/2/21 11:02 AM at workstation 12", ["4/2/21", "11:02"]),
    ("Echo on 14\u2013Mar\u20132025.", ["14\u2013Mar\u20132025", "Mar"]),
])
def test_engine_redacts_date_and_age_kinds(engine, note, leaked):
    out = engine.deidentify([note])[0].text
    assert not [s for s in leaked if s.lower() in out.lower()]


def test_engine_birth_year_from_known_dob(engine):
    note = "Born in 1931 on a dairy farm; moved to the city after the war. Hip fracture 2019."
    res = engine.deidentify([note], [{"birth_date": ["1931-04-05"]}])[0]
    assert "1931" not in res.text and "2019" in res.text
    assert any(s.type == "AGE" and note[s.start:s.end] == "1931" for s in res.spans)
