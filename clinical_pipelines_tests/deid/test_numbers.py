"""Deny-by-default number policy (deid.text.numbers): identifier-like digit runs in any grouping are found, clinical
numbers are not. All numbers below are invented."""
import pytest

from clinical_pipelines.deid.text.identifiers import find_identifiers, find_ssn_and_vin, ids_after_names
from clinical_pipelines.deid.text.normalize import analysis_view
from clinical_pipelines.deid.text.numbers import find_numbers
from clinical_pipelines.deid.text.spans import Span


def found(text):
    view = analysis_view(text).text
    return [(view[c.start:c.end], c.type) for c in find_numbers(view)]


def covered(text, value):
    view = analysis_view(text)
    i = view.text.index(analysis_view(value).text)
    mask = set()
    for c in find_numbers(view.text):
        mask.update(range(c.start, c.end))
    return all(k in mask for k in range(i, i + len(analysis_view(value).text)))


@pytest.mark.parametrize("text,value", [
    # record numbers in any grouping, with and without a cue
    ("MRN: 274 903 118. Chart reviewed.", "274 903 118"),
    ("Seen: Okafor, Ada (633-41-870) today", "633-41-870"),
    ("Hosp # 81.22.40917", "81.22.40917"),
    ("chart 4471/2038/55", "4471/2038/55"),
    ("Record 00729144 pulled", "00729144"),
    ("Account 2021-88310472 closed", "2021-88310472"),
    ("ref 7730 1942 8816 5521", "7730 1942 8816 5521"),
    ("Unit no. 55-218-09", "55-218-09"),
    ("card 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("DL# 123 456 789", "123 456 789"),
    ("Cell (608)2334190", "(608)2334190"),
    ("call 608 2334190", "608 2334190"),
    ("pt id 318 52 774", "318 52 774"),
    ("Acct 31 0042", "31 0042"),
    ("MRN 4417", "4417"),
    ("Member ID BQX 771203994 verified", "BQX 771203994"),
    ("Accession # 512", "512"),
    ("sent to security envelope 268000.", "268000"),
    ("glucose and mrn 318406552", "318406552"),
    ("Ins: 318406552", "318406552"),
    ("Account 176.593.698.752", "176.593.698.752"),
    ("last 4 of SSN 1987", "1987"),
    ("SSN ending last four 0424", "0424"),
    # SSNs with any separator (Unicode dashes fold in the view)
    ("SSN 521.66.0193 on file", "521.66.0193"),
    ("Social Security 521 66 0193", "521 66 0193"),
    ("SS# 521\u201366\u20130193", "521\u201366\u20130193"),
    ("ssn 521/66/0193", "521/66/0193"),
    ("SSN 521 - 66 - 0193", "521 - 66 - 0193"),
    # NANP telephone numbers in every punctuation
    ("Cell: (312) 407 - 2291 (daughter)", "(312) 407 - 2291"),
    ("Home 312/407-2291.", "312/407-2291"),
    ("Phone 312.407.2291", "312.407.2291"),
    ("call 312 407 2291 after 5", "312 407 2291"),
    ("Call 1-312-407-2291", "1-312-407-2291"),
    ("Tel: +1 (312) 407-2291 ext. 14", "+1 (312) 407-2291 ext. 14"),
    ("reach at +1-312-407-2291 x204", "+1-312-407-2291 x204"),
    ("Call daughter at 312\u2013407\u20132291.", "312\u2013407\u20132291"),
    ("Ph 312\u2011407\u20112291", "312\u2011407\u20112291"),
    ("phone 3124072291", "3124072291"),
    ("call 407-2291 before noon", "407-2291"),
    ("or phone +1 312 407\n2291. Thanks", "+1 312 407\n2291"),
    # E.123 / E.164 international numbers
    ("Brother in London +44 20 7946 0311", "+44 20 7946 0311"),
    ("UK +44 (0)20 7946 0311", "+44 (0)20 7946 0311"),
    ("Lagos 00234 803 555 0199", "00234 803 555 0199"),
    ("Manila +63 2 8123 4567", "+63 2 8123 4567"),
    ("Berlin +49-30-1234-5678", "+49-30-1234-5678"),
    ("E.164 +442079460311", "+442079460311"),
])
def test_identifier_numbers_found(text, value):
    assert covered(text, value)


@pytest.mark.parametrize("text,typ", [
    ("MRN: 274 903 118", "MRN"), ("SSN 521.66.0193", "SSN"), ("Member ID: 55218 0933", "HEALTH_PLAN"),
    ("Cell (312) 407-2291", "PHONE"), ("Fax: 312.407.2291", "FAX"), ("+44 20 7946 0311", "PHONE"),
    ("Acct # 2021-88310472", "ACCOUNT"), ("Specimen 8812 009", "ID"), ("Home 521 66 0193", "SSN"),
])
def test_types(text, typ):
    types = {t for _, t in found(text)}
    assert types == {typ}


@pytest.mark.parametrize("text", [
    # vital signs, scores, ECG intervals
    "BP 132/84, HR 88, RR 16, SpO2 97% RA, T 98.6 F", "BP 120/80-140/90 overnight", "GCS 15 (E4V5M6), NIHSS 4",
    "CHA2DS2-VASc 3, HAS-BLED 2", "QTc 452 ms, PR 160 ms, QRS 98", "P-R-T axes 47 -17 -18", "5/5 strength, 2/6 murmur",
    # doses, lab values with units or after a lab name, ranges, counts, sizes
    "aspirin 81 mg daily, metoprolol 25 mg bid", "heparin 1000-2000 units/hr", "Plt 250000, WBC 12.4",
    "platelets 150000-450000", "HIV viral load 1250000 copies/mL", "Glucose 112 108 131 127", "Creatinine 1.24 mg/dL",
    "Temp 100.5-101.2", "Lesion 3.2 x 4.1 cm", "x3 days, 2 tabs q6h", "fluid restriction 1500-2000 mL",
    "Walks 10000 steps", "Na 140 K 4.1 Cl 102 HCO3 24 BUN 18 Cr 1.1 Glu 110", "Wt 82 83 81 80 kg",
    "Readings 120 130 140 150", "EF 35-40%", "TSH 0.012", "dose 0.125 mg",
    # years, times, ranges of years and clock times
    "Prior MI in 2019, CABG 2021", "2019-2021 smoker", "Med times 0800 1200 1800 2200", "Shift 0700-1900",
    "rounds 0915-1130", "seen 1999 2004 2011", "s/p pacemaker 2015", "Medicaid 2019",
    # code vocabularies with their cue
    "LOINC 2160-0 and 33914-3", "NDC 0002-3227-30", "CPT 93306, 93320", "SNOMED CT 22298006",
    "billing code 99223, modifier 25", "ICD-10-CM I21.4", "RxNorm 197361",
    # money, decimals, dates (left to the dates family), IPv4 (contact family), rooms
    "copay $125000 balance", "Version 2.3.1", "Admitted 03/02/2024", "Seen 2024-03-02", "on 12-03-24",
    "IP 10.2.3.4", "Rm 5C-18",
    # more everyday clinical numbers
    "I/O 2400/1800", "net 2400/1800 today", "Pain 7/10, vision 20/400", "Ref 3.5 - 5.0", "Hgb 13.2 (ref 12.0-15.5)",
    "BMP: 140/4.0/102/24/18/1.0/95", "Glucose goal 100 - 200 - 300", "QT/QTc 380/452", "Titer 1:2560",
    "HR 60-100, SBP 100-140", "0.9% NS 1000 mL", "from 2000-2005", "1-2 puffs q4-6h prn", "at 13:45 and 1:30 PM",
    "25-30 cm H2O", "ICD 410.71 414.01", "CPT 99213 99214", "Room 4123, Bed 12", "Apgars 8 and 9, EBL 500 mL",
])
def test_clinical_numbers_kept(text):
    assert found(text) == []


@pytest.mark.parametrize("text,value", [
    ("Indication: SOB (I21.4)", None), ("G2P1011 at 32 weeks", None), ("Room 4B-12, bed 2", None),
    ("MRN: AB1294", "AB1294"), ("Accession S21-77", "S21-77"), ("Serial PM-88231-X", "PM-88231-X"),
    ("monitor MAC 00:1A:2B:3C:4D:5E paired", "00:1A:2B:3C:4D:5E"), ("hub 001a.2b3c.4d5e", "001a.2b3c.4d5e"),
    ("Medicare 1EG4-TE5-MK73", "1EG4-TE5-MK73"), ("DL D123-4567-8901", "D123-4567-8901"),
])
def test_alphanumeric_identifiers(text, value):
    got = [text[c.start:c.end] for c in find_identifiers(text)]
    assert got == ([value] if value else [])


@pytest.mark.parametrize("text,value", [
    ("car plate 832 UGB; lot B", "832 UGB"), ("plate (NY) ABC-1234.", "ABC-1234"),
    ("vehicle tag 7abc123 in lot", "7abc123"), ("Plate 7ABC123.", "7ABC123"), ("license plate #: QJX-4471", "QJX-4471"),
    ("SSN xxx-xx-4320", "4320"), ("SSN ***-**-0424", "0424"), ("VIN 1HGCM82633A004352", "1HGCM82633A004352"),
])
def test_ssn_vin_plates(text, value):
    assert value in [text[c.start:c.end] for c in find_ssn_and_vin(text)]


@pytest.mark.parametrize("text", ["the plate was fine", "plates 12", "SSN on file", "tag 2 of 3", "name tag",
                                  "came by car. T 37.2, RR 24, BP 162/90"])
def test_ssn_vin_plates_negative(text):
    assert find_ssn_and_vin(text) == []


@pytest.mark.parametrize("after,value", [
    (" (18316) on", "18316"), (" (512-77-903) seen", "512-77-903"), (" (79 - 973 - 61)", "79 - 973 - 61"),
    (" (466 8822)", "466 8822"), (" (7799.32923)", "7799.32923"),
])
def test_numbers_in_brackets_after_names(after, value):
    text = "GRAY, ANNE" + after
    spans = ids_after_names(text, [Span(0, 10, "NAME")])
    assert [text[s.start:s.end] for s in spans] == [value]


def test_engine_redacts_grouped_numbers_and_keeps_clinical_ones(engine):
    note = ("Pt: Okafor, Ada (633-41-870). SSN 521.66.0193. Cell: (312) 407 - 2291; alt +44 20 7946 0311.\n"
            "BP 132/84, HR 88, SpO2 97%. GCS 15. QTc 452 ms. Plt 250000. Aspirin 81 mg. LOINC 2160-0. Prior MI 2019.")
    out = engine.deidentify([note])[0].text
    for value in ("633-41-870", "521.66.0193", "407 - 2291", "7946 0311"):
        assert value not in out
    for value in ("132/84", "HR 88", "97%", "GCS 15", "452 ms", "250000", "81 mg", "2160-0", "2019"):
        assert value in out


def test_engine_keeps_vitals_next_to_vehicle_words(engine):
    note = "Arrived by private car. T 37.2, RR 24, BP 162/90, HR 131, BMI 42. Car plate 832 UGB in the visitor lot."
    res = engine.deidentify([note])[0]
    for value in ("37.2", "RR 24", "162/90", "HR 131", "BMI 42"):
        assert value in res.text
    assert "832 UGB" not in res.text


CLINICAL_PARAGRAPH_LINES = [
    'Tdap 2019, PPSV23 2020, Shingrix x2. Hep B surface Ab 1000+. CD4 350 cells/mm3, VL <20.',
    'A1c 7.2% (6/2023).',
    'Troponin 0.04 -> 0.12 -> 0.35. HCT 32.1/Hgb 10.4. Lipid panel: TC 210 TG 150 HDL 45 LDL 135.',
    'Urine output 1250 mL/24h.',
    'Dialysis MWF 0600-1000. Insulin glargine 22 units qHS, lispro 4-6-8 units with meals.',
    'O2 2L NC, FiO2 40%, PEEP 5, TV 450.',
    'ABG 7.32/48/65/24. Echo: LVEF 55-60%, LVIDd 5.2 cm, RVSP 35 mmHg. Cath: LAD 90% -> DES 3.0 x 18 mm.',
    'Weight 180 -> 175 lbs.',
    'Blood cultures 2/2 positive. Spine L4-5, C5-C6. Wound 3 x 2 x 0.5 cm.',
    'EKG: rate 72, PR 0.16, QRS 0.08, QT 0.40.',
    'Serial troponins 12 -> 34 -> 56 ng/L. BMI 32.4 kg/m2. GFR >60. Follow up in 2-3 weeks.',
    'Scheduled for 0730 tomorrow.',
    'Chest tube output 150 cc/8h. Hgb 7.2 -> transfused 2 units -> 9.1. Page 4 of 12.',
    'Dose 5000 units heparin SQ q8h.',
    'Vitamin D 50,000 IU weekly. Ferritin 1234 ng/mL. Time of death 0342.',
    'Weight-based heparin 80 units/kg bolus.',
    'AST/ALT 120/245. BUN/Cr 45/2.1. ESR/CRP 110/15.2. PT/INR 14.2/1.1.',
    'Urine culture >100000 CFU/mL of E. coli.',
    'Urine culture 100000 colonies. Viral load 1200000. HCV RNA 2340000 IU/mL.',
    'Fluid balance +1500 mL, net +2.3 L.',
    'Blood loss 1200-1500 mL. Gleason 3+4=7. TNM T2N0M0. Steps 12000/day. Holter 24 h: 1234 PVCs.',
    'Hearing loss at 4000 Hz.',
    'RA lead 0.5V @ 0.4ms, battery 8.5 years. Pacemaker Medtronic model 5076-52, implanted 2019.',
    'ICD shock x 2.',
    'Weight 92.3 kg (203 lb). GFR 45 mL/min/1.73m2. BP 150s-160s/90s. Tidal volume 6-8 mL/kg. EEG 8-9 Hz.',
    'Hb 8.1 g/dL (ref 13.5-17.5). PSA 4.5 ng/mL in 2022, 6.2 in 2024. MRI 2.1 x 1.8 x 1.5 cm.',
    'Smoker 1 ppd x 40 years.',
    'Labs 3/14: WBC 11.2, Hgb 9.8, Plt 412. Cr trend 1.1 1.4 1.9 2.3. Glucose log: 182 215 167 244 198.',
    'Na 128 -> 131 -> 134 over 48 hours. CK 12450 U/L. D-dimer 2350 ng/mL FEU. BNP 12500 pg/mL.',
    'NT-proBNP 35000.',
    'Fluids: 1000 mL NS at 125 mL/h. Total 24h intake 2850, output 3100.',
    'Platelets 1200000 (thrombocytosis).',
    'Neuro: pupils 4->2 mm. MAP 65-70. Sats 88-92%. FEV1 1.25 L (45% predicted), FVC 2.10 L.',
    'Started 2019-2020, stopped 2021. Years 1995-2005 smoker. 2 of 3 blood cultures. Apgar 8/9. G3P2103.',
    'Head CT 2023 was normal. HIV 1/2 Ab negative. Hep C Ab 0.12 S/CO. Vaccinated x3 (2021, 2021, 2022).',
    'Insulin sliding scale: 151-200: 2 units; 201-250: 4 units; 251-300: 6 units; 301-350: 8 units.',
    'Medication times 0600 1400 2200. Monitoring q4h 0000 0400 0800 1200 1600 2000.',
    'Oxygen 15 L NRB. Lactate 4.2 -> 2.1. pH 7.21 pCO2 58 pO2 62 HCO3 22. Anion gap 18.',
    'Heparin drip 1250 units/hr, aPTT 65-85. Tacrolimus level 8.2 (goal 8-10). Vanc trough 15-20.',
]


@pytest.mark.parametrize("line", CLINICAL_PARAGRAPH_LINES)
def test_clinical_paragraph_has_no_identifier_numbers(line):
    assert found(line) == [] and find_identifiers(line) == [] and find_ssn_and_vin(line) == []
