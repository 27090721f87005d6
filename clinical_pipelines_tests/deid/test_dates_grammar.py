"""The date-and-time grammar (deid/text/dates.py): every real-world order and separator of a date, spelled and
ordinal days, apostrophe years, seasons and holidays, weekdays, ranges and a time of day attached to a date; and
the clinical fractions, scores and measurements that must stay. Variants are rendered from dates, not copied from
any corpus."""
import datetime as dt

import pytest

from clinical_pipelines.deid.text.date_parts import MONTHS, WEEKDAYS
from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.normalize import analysis_view

ORD_WORDS = {1: "first", 2: "second", 3: "third", 5: "fifth", 9: "ninth", 12: "twelfth", 20: "twentieth",
             21: "twenty-first", 22: "twenty second", 23: "twenty-third", 30: "thirtieth", 31: "thirty-first"}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def covered_by(text: str, phrase: str, typ: str = "DATE") -> bool:
    """Every non-space character of ``phrase`` (first occurrence) lies in a candidate of ``typ``."""
    view = analysis_view(text)
    i = view.text.index(analysis_view(phrase).text)
    mask = set()
    for c in find_dates(view.text):
        if c.type == typ and c.score >= 0.4:
            mask.update(range(c.start, c.end))
    return all(k in mask or view.text[k].isspace() for k in range(i, i + len(analysis_view(phrase).text)))


def any_date_in(text: str, phrase: str) -> bool:
    i = text.index(phrase)
    return any(c.start < i + len(phrase) and c.end > i and c.score >= 0.4 for c in find_dates(text))


DATES = [dt.date(2021, 3, 7), dt.date(1999, 12, 31), dt.date(2024, 2, 29), dt.date(2003, 10, 5),
         dt.date(2019, 5, 21), dt.date(2025, 9, 1)]

FORMATS = [
    "{m}/{d}/{yy}", "{m}/{d}/{Y}", "{mm}/{dd}/{Y}", "{mm}/{dd}/{yy}", "{m}-{d}-{yy}", "{mm}-{dd}-{Y}",
    "{Y}-{mm}-{dd}", "{Y}/{mm}/{dd}", "{Y}.{mm}.{dd}", "{Y}-{m}-{d}", "{d}.{m}.{Y}", "{dd}.{mm}.{yy}",
    "{dd}-{Mon}-{Y}", "{d}-{MON}-{yy}", "{d}{MON}{Y}", "{dd} {Mon} {Y}", "{Y}{Mon}{dd}", "{Y}-{Mon}-{dd}",
    "{Y}{mm}{dd}", "{Month} {d}, {Y}", "{Month} {d} {Y}", "{Mon}. {d}, {Y}", "{Mon} {dd}, {Y}", "{MONTH} {d}, {Y}",
    "{Month} {ord}, {Y}", "{Month} the {ord}", "{d} {Month} {Y}", "{ord} of {Month}, {Y}", "{ord} {Month} {Y}",
    "{Month} {d}", "{Mon} {ord}", "{d} {Month}", "{ord} of {Month}", "{Month} {Y}", "{Mon}-{Y}", "{Month}, {Y}",
    "{Month} of {Y}", "{Month} '{yy}", "{Mon}. '{yy}", "{m}/{Y}", "{mm}/{Y}", "{Y}-{mm}", "{m}/'{yy}",
    "{Weekday}, {Month} {d}, {Y}", "{Wkd} {m}/{d}/{yy}", "{month} {d}, {Y}", "{dd}-{mon}-{Y}",
]


def render(fmt: str, d: dt.date) -> str:
    month = MONTHS[d.month - 1]
    mon = "Sept" if d.month == 9 else month[:3]
    weekday = WEEKDAYS[d.weekday()]
    return fmt.format(m=d.month, d=d.day, mm=f"{d.month:02d}", dd=f"{d.day:02d}", Y=d.year, yy=f"{d.year % 100:02d}",
                      Month=month, MONTH=month.upper(), month=month.lower(), Mon=mon, MON=mon.upper(),
                      mon=mon.lower(), ord=ordinal(d.day), Weekday=weekday, Wkd=weekday[:3])


CONTEXTS = ["Seen on {}.", "Admitted {} for chest pain", "DOB: {}", "{}: echo showed EF 35%", "(last visit {})",
            "Follow-up,{},clinic"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("d", DATES, ids=str)
def test_date_formats_covered(fmt, d):
    phrase = render(fmt, d)
    for ctx in CONTEXTS:
        text = ctx.format(phrase)
        assert covered_by(text, phrase), fmt


@pytest.mark.parametrize("phrase", [
    "the fifth of April, 2025", "fifth of April", "twenty-first of March", "March twenty-first", "March twenty first",
    "April the fifth, 2025", "May second", "May eleventh", "June thirtieth", "the thirty-first of December",
    "ninth of Sept. 2019", "March twenty-one", "21st of March", "March the 21st", "Sept. 5th", "Jan. 1, 2024",
    "the twelfth day of May", "DECEMBER TWENTY-FIFTH",
])
def test_spelled_and_ordinal_days(phrase):
    for ctx in ["Seen on {} in clinic.", "{}", "Admitted {}, discharged later"]:
        text = ctx.format(phrase)
        assert covered_by(text, phrase.removeprefix("the ")), phrase


@pytest.mark.parametrize("text,phrase", [
    ("Specimen received 3/7/23 0915 in the lab.", "3/7/23 0915"),
    ("CARDIOLOGY CONSULT  Feb 11, 2021 14:05", "Feb 11, 2021 14:05"),
    ("Bedside echo 08/19/2022 @ 2340, LVEF 35%.", "08/19/2022 @ 2340"),
    ("Printed 4/2/21 11:02 AM by the unit clerk", "4/2/21 11:02 AM"),
    ("Resulted 2021-02-11T14:05:00Z by interface", "2021-02-11T14:05:00Z"),
    ("Resulted 2021-02-11T14:05:00.250-05:00 by interface", "2021-02-11T14:05:00.250-05:00"),
    ("Drawn 2021-02-11 14:05:33 EST.", "2021-02-11 14:05:33 EST"),
    ("Called 3/7/2023 9:15a re results", "3/7/2023 9:15a"),
    ("Seen 03/07/2023 09:15:00 PM.", "03/07/2023 09:15:00 PM"),
    ("Cosigned 12-Mar-2024, 0600h", "12-Mar-2024, 0600h"),
    ("Arrival: 20250614 at 6:35 AM", "20250614"), ("Arrival: 20250614 at 6:35 AM", "6:35 AM"),
    ("Called at 14:05 on 3/7 with results", "3/7"),
    ("Event 11:40 PM, March 3, 2021", "11:40 PM"), ("Event 11:40 PM, March 3, 2021", "March 3, 2021"),
    ("Arrival: 20200925 @ 1950 hrs   Mode: walk-in", "20200925 @ 1950 hrs"),
    ("Dictated Mar. 18, 2022 4:44 a.m. by resident", "Mar. 18, 2022 4:44 a.m."),
    ("SOCIAL WORK ASSESSMENT  20241215  15:20", "20241215  15:20"),
    ("Signed Mon, 3/7/23 at 0800", "Mon, 3/7/23"), ("Signed Mon, 3/7/23 at 0800", "0800"),
    ("Seen Tuesday, March 5th and again later", "Tuesday, March 5th"),
    ("Seen 3/7 (Thu) at the clinic", "3/7 (Thu)"),
])
def test_time_and_weekday_attached_to_date(text, phrase):
    assert covered_by(text, phrase)


@pytest.mark.parametrize("text,phrase", [
    ("Admitted 3/4-3/7/2021 for CHF", "3/4-3/7/2021"), ("Admitted March 3-7, 2021 for CHF", "March 3-7, 2021"),
    ("Admitted 3-7 March 2021 for CHF", "3-7 March 2021"), ("Away March-April 2019 abroad", "March-April 2019"),
    ("Inpatient 3/4/21 - 3/9/21.", "3/4/21"), ("Inpatient 3/4/21 - 3/9/21.", "3/9/21"),
    ("Rehab Jan 3 to 17, 2020.", "Jan 3 to 17, 2020"), ("Seen 14-16 Oct 2022", "14-16 Oct 2022"),
])
def test_ranges(text, phrase):
    assert covered_by(text, phrase)


@pytest.mark.parametrize("text,phrase", [
    ("Prior MI in March '19, stented.", "March '19"), ("Fall of '19 admission", "Fall of '19"),
    ("Quit smoking spring 2019.", "spring 2019"), ("Exacerbation winter 2019-2020.", "winter 2019-2020"),
    ("Syncope at Christmas 2019.", "Christmas 2019"), ("Fell on Thanksgiving.", "Thanksgiving"),
    ("Last seen New Year's Eve.", "New Year's Eve"), ("Admitted the 21st with dyspnea.", "21st"),
    ("Symptoms began in March.", "March"), ("Worse since mid-April.", "April"),
    ("Planned for late June.", "June"), ("Until the end of July.", "July"), ("Seen in May for follow-up", "May"),
    ("Echo 6/7 showed EF 40%.", "6/7"), ("Prior MI in 6/8.", "6/8"), ("Date of service: 2/22\nPatient: x", "2/22"),
    ("NURSING NOTE 19:00-07:30  10/26\nReceived pt", "10/26"), ("Admitted 3/7, discharged 3/9.", "3/9"),
    ("Seen on 12/12.", "12/12"), ("Last seen well Feb\n5. Initial vitals", "Feb\n5"),
    ("NURSING NOTE 1900-07:30  1/2\nReceived pt", "1/2"), ("Seen 3/7/23 at noon.", "noon"),
    ("Called 3/7/23 9.15am.", "3/7/23 9.15am"), ("Seen the 7th day of March.", "7th day of March"),
    ("Worse the first week of March.", "March"), ("Echo on 4/5 showed EF 40%.", "4/5"),
    ("pt seen april 5 in clinic", "april 5"), ("seen 5 october", "5 october"), ("seen on april fifth", "april fifth"),
    ("Seen 0915 on 3/7/23.", "3/7/23"), ("Seen on the twenty-first.", "twenty-first"),
    ("Better since the third, per wife.", "third"), ("Seen Sun 3/7", "Sun 3/7"), ("Seen (Wed.) 3/7/23", "3/7/23"),
    ("Echo on 14\u2013Mar\u20132025.", "14\u2013Mar\u20132025"), ("Name,dob\nCook,08-MAY-97,Provo", "08-MAY-97"),
])
def test_partial_dates_and_contexts(text, phrase):
    assert covered_by(text, phrase)


@pytest.mark.parametrize("text,phrase", [
    ("Strength 5/5 in all extremities", "5/5"), ("Take 1/2 tab at night", "1/2"), ("2/6 murmur at LUSB", "2/6"),
    ("BP 120/80, HR 72", "120/80"), ("Give 3/4 of the dose", "3/4"), ("grade 2/4 systolic murmur", "2/4"),
    ("Pain 7/10 in the chest", "7/10"), ("rated pain 10/10", "10/10"), ("Abx x3 days", "3"),
    ("QTc 450 ms", "450"), ("Lorazepam 0.5 mg", "0.5"), ("Prior MI in 2019.", "2019"), ("in 2019", "2019"),
    ("Smoked 1980-1995.", "1980-1995"), ("Vitals at 14:05 stable", "14:05"), ("Turned at 0915.", "0915"),
    ("D5 1/2NS at 75 mL/hr", "1/2"), ("2/2 blood cultures positive", "2/2"), ("4/5 strength RLE", "4/5"),
    ("Reflexes 2+ and symmetric, RUE 5/5.", "5/5"), ("Available 24/7 by phone", "24/7"),
    ("ICD-10 I21.4, CPT 93000, LOINC 2345-7", "2345-7"), ("12-lead ECG, 2-3 times", "2-3"), ("5-10 mg", "5-10"),
    ("Firmware v1.2.3", "1.2.3"), ("IP 10.2.3.4 logged", "10.2.3.4"), ("May need repeat echo.", "May"),
    ("may 5 mg be given", "may 5"), ("Discussed with April Smith", "April"), ("Dr. June Lee saw", "June"),
    ("the first of many", "first"), ("2nd intercostal space", "2nd"), ("the 3rd digit", "3rd"),
    ("20/20 vision", "20/20"), ("ANA 1/2000 dilution", "1/2000"), ("Hgb 9.1 on arrival", "9.1"),
    ("Dec 2 pts seen", "Dec 2"), ("Marcus 12 today", "12"), ("Augustine 5", "5"), ("late Jan follow-up", "Jan"),
    ("On 3/7/23 1500 mL given", "1500"), ("Gave 1 1/2 tabs", "1/2"), ("Score 2/3 criteria", "2/3"),
    ("Pain 6/10 -> 2/10 after morphine", "2/10"), ("I/O 1200/800", "1200/800"), ("ABG 7.32/48/78", "7.32/48/78"),
    ("Vent 500/14/5/40%", "14/5"), ("MMSE 27/30", "27/30"), ("APGAR 8/9", "8/9"), ("CVP 10-12", "10-12"),
    ("NDC 0093-7146-56", "0093-7146-56"), ("Sats 90-94%", "90-94"), ("Version 2.1.3 of the protocol", "2.1.3"),
    ("Tab 1-2 q6h", "1-2"), ("95% CI 1.02-1.53", "1.02-1.53"), ("May 2 doses be given?", "May 2"),
    ("Dec 12 mm lesion", "Dec 12"), ("April showers", "April"), ("NURSING NOTE 1900-07:30 today", "1900-07"),
    ("on the fifth floor", "fifth"), ("by the second week", "second"), ("the first of many", "first"),
    ("Decreased marked septic novel augmented", "Decreased"), ("UOP 1200 mL overnight", "1200"),
])
def test_clinical_values_survive(text, phrase):
    assert not any_date_in(text, phrase), phrase


def test_spelled_dates_without_digits_in_the_note():
    text = "Admitted on the fifth of April for chest pain; seen again at Christmas."
    assert covered_by(text, "fifth of April") and covered_by(text, "Christmas")
    assert find_dates("No dates here at all, strength full and symmetric.") == []


def test_scores_and_kinds():
    cands = find_dates("Seen 3/7/2023 and on 3/9; 1/2 tab; 14:05 alone")
    assert {c.type for c in cands} == {"DATE"}
    assert all(0 < c.score <= 1 for c in cands)
