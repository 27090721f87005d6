"""Dates as bedside nursing notes write them (month/day with no cue word, apostrophe years, lower-case "may", the
end of a range, 18xx years with a month and day) and the clinical pairs around them that are no dates (ventilator
settings, pressures, scores, fractions), and times of day written before a date (part of it). All invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.normalize import analysis_view

from ._finder_helpers import covered


def found(text):
    view = analysis_view(text).text
    return [view[c.start:c.end] for c in find_dates(view)]


@pytest.mark.parametrize("text,value", [
    # apostrophe years in a history
    ("PMH: DM2, '07 PTCA to RCA, '12 stent to LAD", "'07"),
    ("PMH: DM2, '07 PTCA to RCA, '12 stent to LAD", "'12"),
    ("bladder CA'91, COPD", "'91"),
    ("PMHX: HTN, CABGx3 '84, CKD.", "'84"),
    ("s/p stent '16 at an outside hospital", "'16"),
    ("she was treated in the '80s", "'80s"),
    # month/day with no cue word in narrative
    ("moved to the step-down unit.7/14. Back to ICU 7/19 with edema", "7/14"),
    ("moved to the step-down unit.7/14. Back to ICU 7/19 with edema", "7/19"),
    ("FROM 6/11 TO 6/15 NO S/SX OF INFECTION", "6/15"),
    ("seen 3/4 - 3/9 by the team", "3/9"),
    ("SON TO ARRIVE 11/11 @ APPROX 1800", "11/11"),
    ("HEPARIN DCED. \n11/11 ABX STOPPED, CULTURES NEG", "11/11"),
    ("STILL ON IABP. \n7/10 LIDO DCED & PO AMIO STARTED", "7/10"),
    ("6/5 NIGHT SHIFT SUMMARY", "6/5"),
    ("extubated 8/25 at 1400", "8/25"),
    ("CARDIAC: IABP weaned off 6/9, and PA line out", "6/9"),
    ("plan: wean from vent and extubate 2/14. Continue support", "2/14"),
    ("extub 5/1, epi weaned 5/1, levo weaned 5/2. PA line in", "5/2"),
    ("CREAT UP W DECREASED UO-8/10 LASIX GIVEN", "8/10"),
    ("s/p stent x2 7/3. transfer to the floor", "7/3"),
    # a scale-like pair closing a sentence about an event, glued m/yy
    ("Started on PPI today. She had a small BM 5/10. Appetite poor.", "5/10"),
    ("Seen in clinic 3/6. Labs drawn.", "3/6"),
    ("s/p hip fx3/95, wrist fx 6/97", "3/95"),
    # lower-case "may" with a day after a temporal preposition, stray quote after the day
    ("drank last in may 12'   hep b", "may 12"),
    ("on may 3rd she fell at home", "may 3rd"),
    # a year before 1900 with month and day (a birth date revealing an age over 89)
    ("said her birthday was june 2, 1898, then corrected", "june 2, 1898"),
    # day of month after a temporal word
    ("Last seen well the 23rd.", "23rd"), ("until the 3rd of next month", "3rd"),
    # a time stamp joined to its date by a comma
    ("Event 11:40 PM, March 3, 2021", "11:40 PM"),
])
def test_nursing_dates_found(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text", [
    # ventilator settings and pressures
    "PLACED ON CPAP/PS 14/5/40% TOLERATING WELL",
    "present settings 12/8/35%. volumes 400's",
    "pt. on PS 15/5/50% for entire shift",
    "on CPAP 5/12/35%- lung sounds coarse",
    "Continued to wean down to 8/5. Pt comfortable",
    "Cpap 5, FiO2 40%, flowby 6/3. Spont vols 400s",
    "tried on nasal bipap, 12/6, unable to tolerate",
    "RESP: trialed on 5/5, tolerated well",
    "Now weaning on 5/5-.40, will extubate",
    "IMV 600x12, 50% 8/5. sats >95%",
    "received on mask ventilation 12/5 40%. ABG acidotic",
    "simv 800 12/22 50% 5p/5ips",
    "CV PA line in place- 28/12-14, CVP 6",
    "PA 36/18 to 29/12 after lasix",
    "PEEP 5/5", "PS 16/5", "CPAP 10/12", "remains ac mode 650x14x.6/5 peep.",
    # scores, fractions, counts
    "Pain 5/10.", "c/o pain, rates 6/10. Medicated.", "rates it 3/10. ok", "pain is now 2/10. Tylenol given.",
    "HA 6/10. Gave tylenol.", "headache 7/10. Gave tylenol.", "c/o CP 5/10. NTG given.", "SEM 3/6. No rub.",
    "Discomfort at incision site 5/10.", "reports her nausea 4/10.", "c/o 2-3/10 pain at rest", "pain- 5/10 after turning", "strength-5/5 bilat", "sedated.. perrla, 2/2.  \n  Skin", "chest pain (6/10) with nausea", "pain 4/10", "pain 4/10 to 6/10",
    "perrla, 3/3 bilat.", "expectorated (2/2 ?weak cough)", "gram neg rods in 2/4 bl cx from 5am",
    "CRACKLES LT BASE TO 3/4 UP.", "SOAKED IN 1/4 ST BETADINE", "500 MG OVER 1-1/2 HOURS.",
    "MMSE 11/30, GCS 14", "MoCA 24/30", "2 3/4 inch wound", "x 3 1/8", "5/5 strength", "2/6 murmur", "1/2 NS", "3/4 tab", "2/2 blood cultures positive",
    # ordinals that are no day of month
    "THERE WERE COMPLICATIONS WITH THE 1ST. THE 2ND THEN FELL OUT.",
    # feet, inches, minutes, quoted numbers, possessives
    "height 5'10\" wt 80 kg", "5' 11\" tall", "PADS TEENS TO 20'S @ 1600", "said '10 mg' helped", "x 10' walk",
    # "may" the verb
    "you may 2 tabs", "may 15 mg",
])
def test_clinical_pairs_are_not_dates(text):
    assert found(text) == []


@pytest.mark.parametrize("text,time", [
    ("At 2am 8/25 she was restless", "2am"),
    ("AT 3A 8/25, PT HAD A RUN OF VT", "3A"),
    ("extubated at 4pm 8/28 and is now on NC", "4pm"),
    ("however at 6p 8/28 sbp was 205", "6p"),
    ("Transferred to the CCU at 12am 9/3.", "12am"),
    ("Called at 14:05 on 3/7 with results", "14:05"),
])
def test_time_written_before_a_date_goes_with_it(text, time):
    assert time in found(text)
    assert len(found(text)) == 2  # the date itself is found too
