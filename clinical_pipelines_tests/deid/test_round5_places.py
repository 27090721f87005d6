"""US towns named by a ZIP code or a transfer cue, with places and ZIP codes of the USPS list these tests pick:
a ZIP or ZIP+4 right after a town, a county or a "City ST" pair in any case ("lives in Dorchester 02124",
"lowell, ma 01852"), and a town after a transfer, origin or destination cue in capitals, lower case or Title case
("TRANSFERRED FROM WORCESTER", "transferred from worcester"); and the clinical text that must stay: numbers after
words that are no town (doses, labs with units, counts), the hospital's own places after a move cue ("from ICU",
"to floor", "FROM ED", "transferred from 5 West") and eponyms of a score."""
import pytest

from clinical_pipelines.deid.text.postcodes import find_foreign_addresses
from clinical_pipelines.deid.text.town_cues import find_town_cues, find_town_zips, find_transfer_towns

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text, town, zip_code", [
    ("Patient lives in Dorchester 02124 with her sister.", "Dorchester", "02124"),
    ("Address: 88 Oak St, Springfield 01103-2210", "Springfield", "01103-2210"),
    ("He moved to Quincy, 02169 last year.", "Quincy", "02169"),
    ("Resides in Worcester County 01602.", "Worcester County", "01602"),
    ("Mailing: Lowell ma 01852", "Lowell", "01852"),
    ("LOWELL MA 01852", "LOWELL", "01852"),
    ("lowell, ma 01852", "lowell", "01852"),
    ("pt lives in springfield 01103", "springfield", "01103"),
    ("SPRINGFIELD, MASSACHUSETTS 01103", "SPRINGFIELD", "01103"),
    ("Middlesex County, 01852", "Middlesex County", "01852"),
    ("PT LIVES IN BROCKTON 02301 WITH SON", "BROCKTON", "02301"),
    ("Home: Framingham, 01701-4455", "Framingham", "01701-4455"),
    ("daughter in new bedford 02740 visits daily", "new bedford", "02740"),
    ("address on file: Salem 01970", "Salem", "01970"),
    ("Return address: Burlington, vt 05401", "Burlington", "05401"),
    ("lives w/ wife in Ann Arbor 48104", "Ann Arbor", "48104"),
    ("CITY/ZIP: TOPEKA 66604", "TOPEKA", "66604"),
    ("Essex County 01970 resident", "Essex County", "01970"),
    ("Durham, North Carolina 27701", "Durham", "27701"),
    ("from Portland, me 04101 by car", "Portland", "04101"),
    ("Dorchester,MA,02124", "Dorchester", "02124"),
    ("QUINCY,02169", "QUINCY", "02169"),
])
def test_zip_after_town(text, town, zip_code):
    assert covered(find_town_zips, text, town) and covered(find_town_zips, text, zip_code)


@pytest.mark.parametrize("text, word", [
    ("Heparin 25000 units IV", "25000"),
    ("heparin drip 12500 units/hr", "12500"),
    ("WBC 10500, Plt 150000", "10500"),
    ("glucose 10023", "10023"),
    ("in 10001 cases of sepsis", "10001"),
    ("Page 20001 of the chart", "20001"),
    ("Model 12345 pump", "12345"),
    ("EBL 10000 mL", "10000"),
    ("HR 88, BP 120/80, RR 18", "120"),
    ("Lasix 40 mg, K 4.1, Na 138", "138"),
    ("QTc 450 ms, PR 160 ms", "450"),
    ("CK 12345 U/L", "12345"),
    ("vitamin D 50000 IU weekly", "50000"),
    ("viral load 40100 copies/mL", "40100"),
    ("Apgar 8/9, GCS 15", "15"),
    ("Hope 01234 is no ZIP", "Hope"),
    ("salem 99999 nowhere", "99999"),
    ("Springfield MA 90210", "90210"),  # a ZIP of another state
])
def test_no_town_zip(text, word):
    assert not touched(find_town_zips, text, word)


@pytest.mark.parametrize("text, town", [
    ("TRANSFERRED FROM WORCESTER FOR CATH.", "WORCESTER"),
    ("PT ARRIVED FROM BROCKTON VIA EMS", "BROCKTON"),
    ("Pt transferred from NEW BEDFORD this am.", "NEW BEDFORD"),
    ("transferred from worcester for higher level of care", "worcester"),
    ("pt arrived from brockton via ems, vss", "brockton"),
    ("Pt is a 67 yo man from Brockton with CHF.", "Brockton"),
    ("Origin: Worcester. Destination: Lowell", "Lowell"),
    ("Origin: Worcester. Destination: Lowell", "Worcester"),
    ("pt was at a SNF in Brockton", "Brockton"),
    ("transferred here from Springfield for PCI", "Springfield"),
    ("arrived via EMS from Quincy", "Quincy"),
    ("TRANSFERRED FROM BOSTON", "BOSTON"),
    ("MED-FLIGHTED FROM PITTSFIELD", "PITTSFIELD"),
    ("xfer'd from framingham overnight", "framingham"),
    ("TX'D FROM FALL RIVER FOR NSTEMI", "FALL RIVER"),
    ("d/c'd to attleboro with VNA", "attleboro"),
    ("Pt was discharged to Taunton yesterday", "Taunton"),
    ("72 YO FEMALE FROM LEOMINSTER ADMITTED WITH SOB", "LEOMINSTER"),
    ("returning to Fitchburg tomorrow", "Fitchburg"),
    ("pt referred from Plymouth for eval", "Plymouth"),
    ("BROUGHT BY AMBULANCE FROM HAVERHILL", "HAVERHILL"),
    ("Destination: Nashua", "Nashua"),
    ("nursing home in Methuen", "Methuen"),
    ("Patient arrived from Ballinrobe yesterday.", "Ballinrobe"),
    ("brought in by EMS from Brockton", "Brockton"),
    ("BROUGHT IN BY AMBULANCE FROM TAUNTON", "TAUNTON"),
    ("came up from Plymouth this am", "Plymouth"),
    ("Pt is an OSH transfer from Lowell General", "Lowell"),
    ("transferred from the Worcester VA", "Worcester"),
    ("ambulance from Haverhill, arrived 1400", "Haverhill"),
    ("MEDFLIGHT FROM NANTUCKET", "NANTUCKET"),
    ("Transferred from Kilkenny General for PCI.", "Kilkenny"),
])
def test_town_after_transfer_cue(text, town):
    assert covered(find_transfer_towns, text, town)


@pytest.mark.parametrize("text, word", [
    ("Pt transferred from ICU to floor.", "floor"),
    ("Came from home with wife.", "home"),
    ("Back from OR at 1400.", "OR"),
    ("arrived from rehab this am", "rehab"),
    ("ARRIVED FROM ED ON 2L NC", "ED"),
    ("transferred from 5 West to 7 North", "West"),
    ("TRANSFERRED FROM MICU TO FLOOR", "FLOOR"),
    ("ARRIVED FROM PACU", "PACU"),
    ("SENT TO CT FOR HEAD SCAN", "CT"),
    ("TRANSFERRED TO REHAB", "REHAB"),
    ("sent to radiology for CXR", "radiology"),
    ("returned from cath lab with groin site c/d/i", "cath"),
    ("transferred to step down unit", "step"),
    ("came from clinic", "clinic"),
    ("moved to chair with assist", "chair"),
    ("transferred from the OSH", "OSH"),
    ("admitted to medicine", "medicine"),
    ("sent to Hospice", "Hospice"),
    ("discharged to home with services", "home"),
    ("came in from North", "North"),
    ("TRANSFERRED TO WEST", "WEST"),
    ("arrived from dialysis", "dialysis"),
    ("brought from jail by police", "jail"),
    ("moved to bed", "bed"),
    ("transferred to wheelchair", "wheelchair"),
    ("transferred to commode", "commode"),
    ("MOVED TO BAY 3", "BAY"),
    ("TRANSFERRED TO TOWER 5", "TOWER"),
    ("transferred from Framingham risk score 10%", "Framingham"),
    ("ADMITTED TO CCU FROM CATH LAB", "CCU"),
    ("sent to Echo for TTE", "Echo"),
    ("came off monitor, returned to Normal sinus", "Normal"),
    # mixed-case text: specialties, services and drugs after a move or referral cue
    ("Pt was transferred to Keppra load then sent to Pathology.", "Keppra"),
    ("He came from Radiology, then transferred from Neuro ICU.", "Neuro"),
    ("Sent to Endo for EGD. Transferred from Tele overnight.", "Endo"),
    ("Transferred to Cardiac Step Down. Transferred from Ortho.", "Ortho"),
    ("Returned from Dialysis. Came from Pre-op holding.", "Pre-op"),
    ("Referred to Heme/Onc. Referred to Derm. Referred to GI.", "Derm"),
    ("Referred to Urogyn and Physiatry. Referred to Neurosurg.", "Urogyn"),
    ("Went to Interventional Radiology. Sent to Nuc Med.", "Nuc"),
    ("Transferred to Psych. Transferred to Gen Med.", "Psych"),
    ("Transferred to Neurology service. Referred to Rheum.", "Rheum"),
    ("Discharged to Acute Rehab. Transferred to Hem Onc.", "Hem"),
    ("Went to Nephro clinic. Transferred to Medicine Team B.", "Nephro"),
    ("Transferred from Pedi ED. Transferred to Peds.", "Pedi"),
    ("Transferred to Urogyn service today", "Urogyn"),
    ("brought in from home by ems", "home"),
    ("PT WENT INTO SHOCK", "SHOCK"),
    ("pulse ox moved from finger to ear", "finger"),
    ("went to temple for services", "temple"),
    ("brought in by EMS from the field", "field"),
    ("transferred from the ICU", "ICU"),
    ("came in from the ED", "ED"),
    ("transferred up from the floor", "floor"),
])
def test_no_town_after_transfer_cue(text, word):
    assert not touched(find_town_cues, text, word)


_CLINICAL_NOTES = [
    "HPI: 67M w/ CHF, EF 25%, transferred from CCU to floor on 2L NC. BP 120/80, HR 88, RR 18, SpO2 96%. "
    "Labs: Na 138, K 4.1, Cr 1.2, WBC 10500, Plt 150000, INR 1.3, BNP 12500. ECG: NSR, PR 160 ms, QRS 98 ms, "
    "QTc 450 ms. Meds: heparin 25000 units in 250 mL D5W at 1000 units/hr, Lasix 40 mg IV, vitamin D 50000 IU.",
    "A/P: Kernig and Brudzinski signs negative, Babinski downgoing, GCS 15, NIHSS 0, Wells score 4, CHADS2-VASc 3, "
    "Framingham risk score 10%. Came from home, back from OR, sent to CT, returned from cath lab, to rehab when "
    "stable.",
    "PT ARRIVED FROM PACU AT 1400. TRANSFERRED TO STEP DOWN. SENT TO MRI. FROM ED ON 4L. TX TO 5 WEST. "
    "EBL 10000 ML, UOP 2000 ML, TYLENOL 650 MG PO Q6H, CK 12345 U/L, VIRAL LOAD 40100 COPIES/ML.",
    "pt arrived from the icu, transferred to floor, went to bathroom, moved to chair, sent to radiology, "
    "came in from the ed, back from dialysis, d/c to home with vna, plt 150000, heparin 12500 units/hr.",
]


@pytest.mark.parametrize("text", _CLINICAL_NOTES)
def test_clinical_note_has_no_place(text):
    assert find_town_cues(text) == [] and find_foreign_addresses(text) == []
