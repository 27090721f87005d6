"""Dates in every real-world form, times attached to them, ages over 89 and birth years implying them."""
import pytest

from clinical_pipelines_tests.deid._residual_helpers import blocking, covered, kinds

DATES = [
    ("Seen 2021-03-04 in clinic.", "2021-03-04"), ("Drawn 2021/3/4.", "2021/3/4"), ("dos 20210304", "20210304"),
    ("Echo 03/04/2021.", "03/04/2021"), ("Echo 3/4/21.", "3/4/21"), ("Echo 3-4-21.", "3-4-21"),
    ("ECG 04.03.2021 normal.", "04.03.2021"), ("Angio 31/12/2020 (day-first).", "31/12/2020"),
    ("Admitted March 4, 2021.", "March 4, 2021"), ("Admitted Mar. 4th 2021.", "Mar. 4th 2021"),
    ("Admitted 4 March 2021.", "4 March 2021"), ("Admitted 4th of March, 2021.", "4th of March, 2021"),
    ("Admitted the 4th of March.", "4th of March"), ("Admitted March the 4th.", "March the 4th"),
    ("Cath on 4-Mar-2021.", "4-Mar-2021"), ("Cath on 04MAR2021.", "04MAR2021"), ("Cath Sept 9.", "Sept 9"),
    ("Prior CABG in June 2015.", "June 2015"), ("Stent placed 06/2015.", "06/2015"), ("Stent 2015-06.", "2015-06"),
    ("Seen on the second of June.", "second of June"), ("Seen on the thirty-first of May.", "thirty-first of May"),
    ("Seen on June twenty second.", "June twenty second"), ("Seen on April first.", "April first"),
    ("MI in Oct '98.", "Oct '98"), ("MI in October of '98.", "October of '98"),
    ("Seen 14\u2013Mar\u20132025.", "14\u2013Mar\u20132025"), ("Seen 2025\u201103\u201114.", "2025\u201103\u201114"),
    ("Last seen well the 19th.", "19th"), ("Return on 3/14 for labs.", "3/14"), ("Progress note - 12/2 HD#2", "12/2"),
]


@pytest.mark.parametrize("text,needle", DATES)
def test_dates_block(text, needle):
    assert covered(text, needle)
    assert "date" in kinds(text)


@pytest.mark.parametrize("text,needle", [
    ("Collected 5/6/22 1432 by lab.", "1432"), ("Note 7/1/2020 08:15 AM", "08:15 AM"),
    ("Seen Jan 3, 2020 at 3 pm.", "3 pm"), ("Echo 2019-02-11T14:05 read.", "14:05"),
    ("Film 11/02/2019 @ 0600.", "0600"), ("Seen 2 Feb 2022, 23:59.", "23:59"),
])
def test_time_attached_to_a_date_is_part_of_it(text, needle):
    assert covered(text, needle)


@pytest.mark.parametrize("text", [
    "BP 120/80, HR 72.", "Murmur 2/6 at the apex.", "Strength 5/5 in all extremities.", "GCS 14/15.",
    "Percocet 5/325 one tab.", "sacubitril/valsartan 49/51 mg BID", "CABG in 2015.", "Quit smoking in 1998.",
    "May consider diuresis.", "Will march up the dose.", "QT/QTc 378/421 ms.", "Pain 7/10 on arrival.",
    "the 5th intercostal space", "Seen [DATE] 12:13 AM.", "taken at 14:05 daily",
])
def test_not_dates(text):
    assert "date" not in kinds(text)


AGES = [
    ("HPI: 91yo F with CHF", "91"), ("94 y/o man", "94"), ("a 96-year-old woman", "96"), ("99 yrs old", "99"),
    ("92 years old", "92"), ("90 year old", "90"), ("AGE/SEX: 97/M", "97"), ("Pt 95 y.o. female", "95"),
    ("Age: 101", "101"), ("aged 93", "93"), ("at age 92", "92"), ("(91 yrs)", "91"), ("(96 y)", "96"),
    ("turned 90 last week", "90"), ("her 94th birthday", "94th"), ("his 100th bday", "100th"),
    ("ninety-four years old", "ninety-four"), ("ninety years of age", "ninety"), ("aged ninety-nine", "ninety-nine"),
    ("one hundred and two years old", "one hundred and two"), ("a nonagenarian with AS", "nonagenarian"),
    ("in her late 90s", "90s"), ("mother alive at 97, HTN", "97"), ("A/P: 96M with NSTEMI", "96"),
    ("HPI: 93YOM", "93"), ("93 yo M", "93"),
]


@pytest.mark.parametrize("text,needle", AGES)
def test_ages_over_89_block(text, needle):
    assert covered(text, needle)
    assert "age" in kinds(text)


@pytest.mark.parametrize("text", [
    "87 YR MALE", "a 45-year-old man", "HR 95 bpm", "SpO2 94% on RA", "T 99F", "K 4.4 (93)", "aged 89",
    "Glucose 96 mg/dL", "walked 90 meters", "for 90 days", "Born in 1960.",
])
def test_not_ages_over_89(text):
    assert "age" not in kinds(text)


@pytest.mark.parametrize("text", ["Born in 1931 on a farm.", "b. 1929, retired teacher", "YOB: 1930",
                                  "DOB 1925", "year of birth 1928"])
def test_birth_year_implying_90_plus(text):
    assert "age" in kinds(text)


def test_birth_year_uses_the_reference_year():
    from clinical_pipelines.deid.residual import ResidualScanner

    text = "Born in 1931 on a farm."
    assert not [f for f in ResidualScanner().scan_text(text, reference_year=2019) if f.kind == "age"]
    assert [f for f in ResidualScanner().scan_text(text, reference_year=2022) if f.kind == "age"]


def test_placeholders_are_never_findings():
    text = "Seen [DATE] by [NAME] ([ID]); MRN [MRN-1a2b3c]; call [PHONE]; [NAME-00ff11] Okafor-free."
    assert not [f for f in blocking(text) if "[" in text[f.start:f.end]]
