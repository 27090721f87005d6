"""Round 5 kinds of the dates family (deid.text.dates, month_day): score, scale, test and dose pairs that are no
dates, real dates beside them, times of day written before or after a date, a weekday with an ordinal day. Every
note is invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text,value", [
    # a pair after a score, scale or test name (plural, bracket or filler words between)
    ("Depression screen: PHQ-9 21, GAD-7 15.", "21"),
    ("PHQ-9 9/27 today, down from 14", "9/27"),
    ("PHQ9 = 6/27 (mild)", "6/27"),
    ("GAD-7 5/21 at intake", "5/21"),
    ("Cognition: MoCA 19/30, lost points on recall.", "19/30"),
    ("MoCA today 8/30 with delayed recall 0/5", "8/30"),
    ("MMSE 22/30 last year", "22/30"),
    ("MMSE: (bedside) 9/30", "9/30"),
    ("Born SVD, Apgars 6/8, weight 3.2 kg.", "6/8"),
    ("APGARS 7/9", "7/9"),
    ("apgars of 8/9", "8/9"),
    ("Apgars at 1 and 5 min 6/8", "6/8"),
    ("Apgar scores 3/7 after PPV", "3/7"),
    ("IOP 24/19, started latanoprost.", "24/19"),
    ("IOP 12/11 mmHg OU", "12/11"),
    ("iop: 14/12 after drops", "14/12"),
    ("GCS 9/15 on arrival", "9/15"),
    ("NIHSS 4/42 at 2 h", "4/42"),
    ("EPDS 11/30 at the 6-week visit", "11/30"),
    ("Braden 12/23, high risk", "12/23"),
    ("acuity 20/12 OD", "20/12"),
    ("Beighton 6/9, hypermobile", "6/9"),
    ("FLACC 3/10 after morphine", "3/10"),
    ("Aldrete 9/10 in PACU", "9/10"),
    ("FIM 5/7 for transfers", "5/7"),
    ("MRC 4/5 proximal", "4/5"),
    ("CAM-ICU 3/4 features", "3/4"),
    ("scored 6/30 on the screen", "6/30"),
    ("pain 3/10 at rest", "3/10"),
    ("pain 9/10, HR 95", "9/10"),
    ("rates it 7/10", "7/10"),
    # a pair whose second part is a scale maximum, with no date cue
    ("cognitive screen 6/30 with poor recall", "6/30"),
    ("coma scale total 7/15", "7/15"),
    ("she scored 11/15 on the GDS", "11/15"),
    # a dose pair before a unit, a form or a frequency
    ("Continue Entresto 24/26 mg BID.", "24/26"),
    ("sacubitril-valsartan 49/51 mg", "49/51"),
    ("Suboxone 8/2 film BID", "8/2"),
    ("Lotrel 5/20 daily", "5/20"),
    ("Caduet 5/10 po qhs", "5/10"),
    ("Symbicort 2/4 puffs", "2/4"),
    ("Norco 5/325 q6h prn", "5/325"),
    # labour and cytogenetic notation
    ("SVE 6/90/-1, AROM clear fluid.", "6/90/-1"),
    ("SVE: 4/80/-2 at 0200", "4/80/-2"),
    ("Cytogenetics: t(8;21) detected", "t(8;21)"),
    ("karyotype 46,XX,t(9;22)(q34;q11)", "t(9;22)"),
    ("inv(16) and del(5q)", "inv(16)"),
])
def test_score_scale_and_dose_pairs_are_no_dates(text, value):
    assert not touched(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("Patient seen 6/8 in clinic.", "6/8"),
    ("next visit on 3/10/24", "3/10/24"),
    ("DOS 19/3", "19/3"),
    ("f/u 6/30 with PCP", "6/30"),
    ("returned 6/15 with fever", "6/15"),
    ("readmitted 6/8 with sepsis", "6/8"),
    ("on 6/15 had an MRI", "6/15"),
    ("MoCA 26/30 (6/30/25)", "6/30/25"),
    ("PHQ-9 14 on Mar 3", "Mar 3"),
    ("Apgars 8/9; born 4/12/2026", "4/12/2026"),
    ("GCS 15/15 on admission 2/3/26", "2/3/26"),
])
def test_real_dates_beside_scores_still_go(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    # a time after a date: colon, dot, compact, seconds, ISO 8601 with zone
    ("Recollected 03/12/2026 11:20, hemolyzed.", "03/12/2026 11:20"),
    ("Recollected 03/12/2026 11.20", "03/12/2026 11.20"),
    ("drawn 03/12/2026 1120h", "03/12/2026 1120h"),
    ("drawn 12/3/2026 23:59:59", "12/3/2026 23:59:59"),
    ("Specimen received 2026-03-12T09:14 by lab.", "2026-03-12T09:14"),
    ("ts=2026-03-12T09:14:05Z", "2026-03-12T09:14:05Z"),
    ("(2026-03-12T09:14:05.123-05:00)", "2026-03-12T09:14:05.123-05:00"),
    ("2026-03-12T09:14+01:00 result", "2026-03-12T09:14+01:00"),
    ("logged 2026-03-12 09:14", "2026-03-12 09:14"),
    ("3/11 @ 0915 pt fell", "3/11 @ 0915"),
    # a time before a date: "at ... on", a comma, a space, at a line start
    ("Vitals at 0915 on 3/11 stable.", "0915"),
    ("Called at 14:05 on 3/7 with results", "14:05"),
    ("at 9:15 AM on March 11, 2026", "9:15 AM"),
    ("at 0915 on Mar 11 she fell", "0915"),
    ("extubated at 4pm 8/28", "4pm"),
    ("11:40 PM, March 3, 2021", "11:40 PM"),
    ("Event log\n0915 3/11 pt seen by team", "0915"),
    ("at 23:40:42 on October 17, 2020", "23:40:42"),
    ("@0915 on 3/11 rapid response", "0915"),
    ("at 9:15 on the 11th", "9:15"),
])
def test_time_with_its_date_goes(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("Heparin 5000 on 3/11", "5000"),
    ("given 1000 on 3/11", "1000"),
    ("NURSING SHIFT NOTE 19:00-07:30  3/24/20", "19:00-07:30"),
    ("shift 07:00-19:30 3/24/20", "07:00"),
    ("on 03/12/2026 12.50 mg given", "12.50"),
    ("at 0900 daily", "0900"),
])
def test_numbers_before_a_date_that_are_no_time_stamp_stay(text, value):
    assert not touched(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("Fell at home saturday the 7th, came in by EMS.", "saturday the 7th"),
    ("Saturday the 7th", "Saturday the 7th"),
    ("on Sat the 7th", "Sat the 7th"),
    ("seen Sat 7th", "Sat 7th"),
    ("saturday 7th am", "saturday 7th"),
    ("Saturday, the 7th of this month", "Saturday, the 7th"),
    ("Mon 3rd f/u", "Mon 3rd"),
    ("by friday the 13th", "friday the 13th"),
    ("SUNDAY THE 1ST", "SUNDAY THE 1ST"),
    ("wed. 22nd", "wed. 22nd"),
    ("Thurs 30th clinic", "Thurs 30th"),
    ("on saturday 3/7/26", "saturday 3/7/26"),
    ("fell tuesday, 3/10", "tuesday, 3/10"),
])
def test_weekday_with_an_ordinal_day_is_a_date(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text", [
    "pt sat 2nd time today", "sat the 3rd patient", "on the 4th ventricle", "sun 1st degree burn",
    "Mon 3rd dose given", "the 2nd intercostal space",
])
def test_ordinals_near_weekday_words_that_are_no_day_stay(text):
    assert find_dates(text) == []
