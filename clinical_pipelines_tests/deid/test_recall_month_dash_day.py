"""Month-day written with a dash in bedside notes ("on 10-2", "BC from 3-5 grew", "last BM 4-17", "extubated 11-11
at 0900", "from 4-27 to 6-17"), and the ranges that must stay (vital ranges, doses, counts, devices, ventilator
settings, units after the pair). All invented."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text,value", [
    ("SEPTIC SHOCK, SUBSEQUENTLY INTUBATED. BC FROM 4-9 GREW STAPH FROM AN INDWELLING LINE", "4-9"),
    ("sputum cx from 7-14 +gram neg rods, bc pending", "7-14"),
    ("BC 11-3 Pending. GI: OGT in place", "11-3"),
    ("pts last bm on 6-19, and ate a small amt of breakfast", "6-19"),
    ("Has not recieved Ativan since 6am on 2-11.", "2-11"),
    ("Pt expired on 9-4 at 1:17am. Family in attendance.", "9-4"),
    ("PT IS S/P CABG X2 ON 12-2, REINTUB. FOR HYPOXIA ON 11/22.", "12-2"),
    ("resp: pt extubated on 3-30 currently on 40% cool neb", "3-30"),
    ("admitting hx: presented to ew on 8-12 with sob & cp.", "8-12"),
    ("PATIENT WAS TO BE TRANSFERRED HERE ON 5-7 BUT U/A R/T NO BEDS.", "5-7"),
    ("ID: IV oxacillin, per ID, to con't until 10-21 to complete 6wk course.", "10-21"),
    ("P: F/U 4-30 \nPager #55", "4-30"),
    ("O: Pt seen to address goals set at re-evaluation on 2-14 \nLabs:", "2-14"),
    ("71 y.o. man admitted to ccu 7-6. S/P stent RCA/LAD", "7-6"),
    ("78YO FEMALE ADMITTED TO CCU 6-25 VIA THE EW W ACUTE MI", "6-25"),
    ("DEVELOPED CHEST PAIN ON 10-3-WAXED & WANED THROUGHOUT DAY & BECAME PAIN FREE 10-1. FAMILY AWARE", "10-3"),
    ("DEVELOPED CHEST PAIN ON 10-3-WAXED & WANED THROUGHOUT DAY & BECAME PAIN FREE 10-1. FAMILY AWARE", "10-1"),
    ("FROM 4-27 TO 6-17 PATIENT WAS FREE OF ANY S/SX OF PNEUMOTHORAX.", "6-17"),
    ("EXTENSIVE RECENT PMH: OVARIAN CA (11-16) S/P DEBULKING", "11-16"),
    ("cks 2245-105-4.7 12-4 eves, 1877 this am", "12-4"),
    ("extubated 11-11 at 0900 without difficulty", "11-11"),
    ("Pt went to OR 7-24 for evac of neck abscess", "7-24"),
    ("INTEGRELIN DCED. \n8-7 LIDO DCED, CULTURES NEG.", "8-7"),
    ("Last cultured 4-14. Pt receiving tylenol", "4-14"),
    ("s/p cardiac arrest 6-10.  off propofol since mn", "6-10"),
    ("await psych consult 1-2. \nCV: SR 84-95", "1-2"),
    ("note - 4-6 HD#2", "4-6"),
    ("surgery planned 12-9 with ortho", "12-9"),
])
def test_month_dash_day_is_a_date(text, value):
    assert covered(find_dates, text, value)


@pytest.mark.parametrize("text,value", [
    ("HR 80-90 SR, BP 110-120/60", "80-90"),
    ("on 2-4 L NC with sats 95%", "2-4"),
    ("titrate neo to keep MAP > 65, on 3-5 mcg/kg/min", "3-5"),
    ("dilaudid 1-2 mg q 3-4 hrs prn pain", "1-2"),
    ("dilaudid 1-2 mg q 3-4 hrs prn pain", "3-4"),
    ("on 2-3 pressors overnight", "2-3"),
    ("increased from 2-4 to 4-6 L NC", "2-4"),
    ("had 1-2 loose stools this shift", "1-2"),
    ("on PS 10-5 with good tidal volumes", "10-5"),
    ("PEEP 5-8 tonight", "5-8"),
    ("pain 3-4 on a scale of 10", "3-4"),
    ("strength 4-5 in all extremities", "4-5"),
    ("UO 30-40 cc/hr", "30-40"),
    ("1-2+ pitting edema to knees", "1-2"),
    ("amb 10-15 feet with walker", "10-15"),
    ("since 2-3 days ago with cough", "2-3"),
    ("on 1-2 puffs albuterol q4h", "1-2"),
    ("suctioned q 2-3 hours for thick secretions", "2-3"),
    ("needs assist of 1-2 staff to reposition", "1-2"),
    ("rhythm SR with 5-10 PVCs per minute", "5-10"),
])
def test_ranges_stay(text, value):
    assert not touched(find_dates, text, value)
