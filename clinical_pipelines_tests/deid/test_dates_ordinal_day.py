"""A day of the month written as an ordinal with no month ("Next appt the 12th.", "d/c to rehab the 9th.") is a
date element (HIPAA Safe Harbor 45 CFR 164.514(b)(2)(i)(C)); ordinals that count or rank things ("the 2nd dose",
"the 4th ventricle", "the 95th percentile") are not. "Last seen well 4/4." is a date too. All invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.normalize import analysis_view


def found(text):
    view = analysis_view(text).text
    return [view[c.start:c.end] for c in find_dates(view)]


@pytest.mark.parametrize("text,value", [
    # after a visit or planning word
    ("Plan: recheck BMP. Next appt the 12th.\nT. Olsen, RN", "12th"),
    ("NEXT APPT THE 21ST.", "21ST"), ("next appointment the 5th, fasting labs before", "5th"),
    ("GI clinic the 8th.", "8th"), ("Will see in renal clinic the 30th at 2 pm", "30th"),
    ("f/u the 14th with PCP", "14th"), ("follow-up the 2nd.", "2nd"), ("RTC the 16th.", "16th"),
    # closing a planning clause after a facility name
    ("Dispo: anticipate d/c to Harbor Rehab the 9th.", "9th"),
    ("DISPO: ANTICIPATE D/C TO ELM STREET NURSING HOME THE 27TH.", "27TH"),
    ("planned transfer to Oakview the 3rd, pending bed", "3rd"),
    # after a temporal preposition, also across a line break
    ("whom I saw in clinic on\nthe 11th. As you know", "11th"),
    ("whom I saw in clinic on the\n25th. As you know", "25th"),
    ("Last seen well the\n1st. Vitals stable", "1st"), ("seen in clinic on the 19th.", "19th"),
    ("Return to clinic in 3 weeks (the 6th).", "6th"), ("(the 22nd)", "22nd"),
    # a time or "of this month" after it
    ("Surgery the 4th at 07:30", "4th"), ("Call her the 13th in the morning.", "13th"),
    ("until the 3rd of next month", "3rd"),
    # month/day after "seen well" / "known well"
    ("Last seen well 8/8. Initial vitals", "8/8"), ("LAST SEEN WELL 5/5.", "5/5"),
    ("last known well 3/3, then aphasic", "3/3"),
])
def test_ordinal_day_of_month_found(text, value):
    assert value in found(text)


@pytest.mark.parametrize("text", [
    "Given the 2nd dose of vancomycin.", "transferred to the 3rd floor", "laceration of the 5th finger",
    "dilated 4th ventricle on CT", "the 1st time she stood today", "chest tube at the 5th intercostal space",
    "weight at the 95th percentile", "2nd degree AV block", "THERE WERE COMPLICATIONS WITH THE 1ST. THE 2ND THEN FELL OUT.",
    "this is the 3rd admission this year", "d/c planned after the 3rd cycle.", "on the 2nd liter of NS",
    "clinic visit was the 4th one.", "seen for the 2nd opinion", "anticipate d/c after the 2nd unit of PRBC.",
    "moves all extremities well 5/5.", "strength well 4/4 bilat",
])
def test_counting_ordinals_are_not_dates(text):
    assert found(text) == []
