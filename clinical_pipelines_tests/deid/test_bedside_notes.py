"""Bedside notes (nursing, respiratory therapy, ICU flow notes) typed in capitals or lower case, with typos and
ward shorthand: typos and abbreviations are not names, spaCy's guesses on runs of capitals are dropped, relation
and ambiguous credential cues need a name-like word; facilities, hospital acronyms, wards and places are found in
any case; month/day after weak count cues and month/two-digit-year dates. Variants written for these tests."""
import pytest

from clinical_pipelines.deid.text.dates import find_dates
from clinical_pipelines.deid.text.facilities import find_facilities
from clinical_pipelines.deid.text.safelist_words import is_misspelled_word


def _redacted(engine, text, known=None):
    res = engine.deidentify([text], [known or {}])[0]
    return res.text, res.spans


@pytest.mark.parametrize("word", ["recieved", "Occassional", "Encourgae", "aggitated", "Tolerrated", "suctionned",
                                  "quesitons", "medicaiton", "Oxacilin"])
def test_typos_of_known_words_are_recognised(word):
    assert is_misspelled_word(word)


@pytest.mark.parametrize("word", ["diuresis", "received", "patient", "cont", "Foley"])
def test_known_words_are_not_typos(word):
    assert not is_misspelled_word(word)


@pytest.mark.parametrize("name", ["Okafor", "Kowalczyk", "Halvard", "Nguyen", "Smyth", "Przybylski", "Oyelaran",
                                  "Takahashi", "Gunnarsson", "Siobhan", "Zoltan", "Haruto", "Chidi", "Schafers",
                                  "Adebayo", "Wojciech"])
def test_names_are_not_typos(name):
    assert not is_misspelled_word(name)


@pytest.mark.parametrize("text", [
    "Pt recieved from PACU on 2L NC, lungs coarse.",
    "Occassional PVCs noted, lytes repleted.",
    "Encourgae pt to use incentive spirometer.",
    "to cont plavix, pt aggitated overnight and resedated.",
    "PT WEANED TO 4L NC, SATS 95%. RT HIP DSG CDI.",
    "ABD SOFT NONTENDER, +BS X4. URINE CLEAR VIA FOLEY.",
    "PT REMAINS ON ANTIBIOTICS, AWAITING MRI. HO NOTIFIED.",
    "BOTH SONS CALLED FOR AN UPDATE.",
    "NIECE AND WIFE VISITED THIS EVENING.",
    "met with daughter, son in law and grandson.",
    "THICK TAN SECRETIONS VIA ETT. RHONCHI THROUGHOUT.",
    "Aline intact L radial, artline waveform dampened, suct for thick secretions.",
    "CONT TO MONITOR, WILL EVAL FOR PICC IN AM PER HO.",
    "WITH NSTEMI 2 DAYS AGO, TRANSFERRED TO THE ICU FROM OR.",
    "ECHO SHOWED RCA TERRITORY HK WITH INC FILLING PRESSURES.",
    "HEPARIN BAG TO BE DELIVERED FROM PHARMACY AT NOON.",
    "NPN\nCV: HR 70S NSR, RARE PVC.", "PMH: | CHF | IDDM | CKD",
    "Cont on 40% FM, sats 97%. Wedge 14.", "Alert, oriented x3, follows commands.",
    "Max temp 101.2 overnight, cultured.",
])
def test_bedside_shorthand_and_typos_are_not_redacted(engine, text):
    out, spans = _redacted(engine, text)
    assert out == text, [(s.type, s.end - s.start) for s in spans]


@pytest.mark.parametrize("text, secret", [
    ("WIFE MARGARET AT BEDSIDE, UPDATED.", "MARGARET"),
    ("son tomasz called for update", "tomasz"),
    ("SEEN BY DR. HALVORSEN THIS AM.", "HALVORSEN"),
    ("Printed 10/20/2021 by SCHAFERS at workstation 22", "SCHAFERS"),
    ("Pt: R.A. reports no pain.", "R.A"),
    ("PT TRANSFERRED TO ST AGNES HOSPITAL FOR CATH.", "ST AGNES HOSPITAL"),
    ("went to carroll memorial yesterday with chest pain", "carroll memorial"),
    ("ADMITTED TO UNIV OF VERMONT MEDICAL CENTER ON ARRIVAL", "UNIV OF VERMONT MEDICAL CENTER"),
    ("pt transferred to MGH for cath", "MGH"),
    ("presented to GSH ED with sob", "GSH"),
    ("plan transfer to ellison 11 when bed available", "ellison"),
    ("lives alone in towson, son nearby", "towson"),
    ("DAUGHTER FROM TUCSON ARRIVING TONIGHT", "TUCSON"),
    ("returned to san antonio today", "san antonio"),
    ("he works for dunmore health", "dunmore health"),
    ("S: Rusty reports less pain today.", "Rusty"),
    ("PT ADMITTED TO KH FOR PNA LAST MONTH.", "KH"),
    ("SON PETER AT BEDSIDE. PETER ASKS ABOUT DISCHARGE.", "PETER"),
])
def test_facilities_places_and_names_in_any_case_are_redacted(engine, text, secret):
    out, _ = _redacted(engine, text)
    assert secret not in out


@pytest.mark.parametrize("text", [
    "transferred to the ICU for monitoring", "back to OR for washout", "returned from home with wife",
    "titrate to levophed 5 mcg", "placed on PEEP 5, PS 10", "Pt admitted to CCU from ED", "lives in a group home",
    "went to bed at 2200", "pt came from rehab", "admitted to CSRU post op",
])
def test_facility_finders_leave_units_and_everyday_words(text):
    assert [text[c.start:c.end] for c in find_facilities(text)] == []


@pytest.mark.parametrize("text, date", [
    ("K+ on the morning of 6/19 was 3.2", "6/19"), ("cultures x 2 6/21, no growth", "6/21"),
    ("hip fx 3/96, ankle fx 7/99", "3/96"), ("BREAST CA (11/94) S/P LUMPECTOMY", "11/94"),
    ("AVR 2/81 without complication", "2/81"), ("s/p fall 11/87 with hip fx", "11/87"),
])
def test_month_day_after_counts_and_month_two_digit_year(text, date):
    assert date in [text[c.start:c.end] for c in find_dates(text) if c.score >= 0.4]


@pytest.mark.parametrize("text", [
    "BP 120/80 HR 72", "strength 4/5 bilat", "pain 6/10", "PSV 12/5 overnight", "PS 8/5 in am",
    "x 2 of 3/4 bottles", "CPAP 5/10", "SIMV 12/5", "grade 2/6 murmur", "RR 22/min", "sats 92/94 %",
    "1 of 2/3 units", "IPAP 14/8", "BP 98/56 on 2 pressors",
])
def test_measurements_are_not_month_day(text):
    assert [text[c.start:c.end] for c in find_dates(text) if c.score >= 0.4] == []
