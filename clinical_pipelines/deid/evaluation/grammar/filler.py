"""Clinical content that is NOT an identifier but looks like one: measurements, doses, scores, codes, eponyms.

These strings carry no gold span. They measure precision: vital signs (BP 120/80 looks like a date or a
fraction), lab values with units and reference ranges, doses and rates, ECG intervals, scores and scales
("5/5 strength", "pain 6/10", GCS, NIHSS, CHA2DS2-VASc), staging, ICD-10-CM / CPT / LOINC / NDC codes, years
alone, ages up to 89, times of day without a date, durations, eponyms ("Parkinson's disease", "Foley"),
capitalised section headers and drug names (brand and generic).
"""
from __future__ import annotations

import random

DRUGS = (("metoprolol tartrate", "mg", (12.5, 25, 50)), ("apixaban", "mg", (2.5, 5)), ("atorvastatin", "mg", (20, 40, 80)),
         ("furosemide", "mg", (20, 40, 80)), ("lisinopril", "mg", (5, 10, 20)), ("insulin glargine", "units", (10, 18, 24)),
         ("levothyroxine", "mcg", (50, 75, 112)), ("tamsulosin", "mg", (0.4,)), ("sertraline", "mg", (50, 100)),
         ("gabapentin", "mg", (100, 300)), ("Eliquis", "mg", (5,)), ("Lasix", "mg", (40,)), ("Coreg", "mg", (3.125, 6.25)),
         ("amoxicillin-clavulanate", "mg", (875,)), ("prednisone", "mg", (10, 20, 40)), ("Keppra", "mg", (500, 750)),
         ("warfarin", "mg", (2, 5, 7.5)), ("spironolactone", "mg", (25,)), ("Jardiance", "mg", (10, 25)),
         ("acetaminophen", "mg", (500, 650, 1000)), ("oxycodone", "mg", (5, 10)), ("Entresto", "mg", ("24/26", "49/51")))
ROUTES = ("PO", "po", "IV", "SC", "SL", "PR", "IM", "via PEG")
FREQS = ("daily", "BID", "bid", "TID", "q6h", "q8h PRN", "qHS", "q12h", "every other day", "weekly", "x1", "once")
EPONYMS = ("Parkinson's disease", "Alzheimer's dementia", "Crohn's disease", "Graves' disease", "Bell's palsy",
           "Hodgkin lymphoma", "Cushing syndrome", "Addison's disease", "Murphy's sign negative", "Babinski downgoing",
           "Foley catheter in place", "Homans sign negative", "Glasgow Coma Scale 15", "Mallory-Weiss tear",
           "Barrett's esophagus", "Raynaud phenomenon", "Hashimoto thyroiditis", "Kussmaul respirations",
           "Trousseau sign negative", "Wernicke encephalopathy ruled out", "Swan-Ganz catheter removed",
           "Epley maneuver performed", "Romberg negative", "Allen test normal", "Apgar 8/9")
HEADERS = ("ASSESSMENT", "PLAN", "HPI", "ROS", "PMH", "PSH", "MEDICATIONS", "ALLERGIES", "SOCIAL HISTORY", "EXAM",
           "IMPRESSION", "FINDINGS", "DISPOSITION", "LABS", "IMAGING", "RECOMMENDATIONS", "GOALS", "EDUCATION")
PROBLEMS = ("CHF exacerbation", "community-acquired pneumonia", "AKI on CKD stage 3b", "NSTEMI", "COPD exacerbation",
            "cellulitis of left lower extremity", "UTI", "hypokalemia", "DKA resolved", "syncope", "GI bleed",
            "atrial fibrillation with RVR", "hip fracture s/p ORIF", "delirium", "sepsis, source urinary",
            "pulmonary embolism", "hyponatremia", "fall at home", "CVA, left MCA territory", "type 2 diabetes")


def _num(rng: random.Random, lo: float, hi: float, nd: int = 1) -> str:
    return f"{rng.uniform(lo, hi):.{nd}f}"


def vitals(rng: random.Random) -> str:
    parts = [f"BP {rng.randint(88, 182)}/{rng.randint(48, 104)}", f"HR {rng.randint(48, 132)}",
             f"RR {rng.randint(12, 30)}", f"SpO2 {rng.randint(86, 100)}% on {rng.choice(('RA', '2L NC', '4 L', 'room air', '40% FiO2'))}",
             f"T {_num(rng, 36.0, 39.4)} C", f"Temp {_num(rng, 97.0, 102.6)} F", f"Wt {_num(rng, 41, 140)} kg",
             f"BMI {_num(rng, 17, 44)}", f"MAP {rng.randint(55, 110)}", f"pain {rng.randint(0, 10)}/10",
             f"BG {rng.randint(62, 388)} mg/dL", f"I/O {rng.randint(400, 2600)}/{rng.randint(300, 3100)}"]
    rng.shuffle(parts)
    return rng.choice((", ", "  ", " | ", "; ")).join(parts[:rng.randint(3, 7)])


def labs(rng: random.Random) -> str:
    items = [f"Na {rng.randint(124, 149)}", f"K {_num(rng, 2.8, 6.1)}", f"Cl {rng.randint(92, 112)}",
             f"HCO3 {rng.randint(14, 32)}", f"BUN {rng.randint(6, 88)}", f"Cr {_num(rng, 0.5, 4.8, 2)}",
             f"Glu {rng.randint(64, 420)}", f"WBC {_num(rng, 2.1, 24.5)} K/uL", f"Hgb {_num(rng, 6.8, 16.9)} g/dL",
             f"Plt {rng.randint(48, 512)}", f"INR {_num(rng, 0.9, 4.2)}", f"Trop I {_num(rng, 0.01, 4.5, 2)} ng/mL",
             f"BNP {rng.randint(40, 4800)} pg/mL", f"A1c {_num(rng, 5.2, 12.4)}%", f"Mg {_num(rng, 1.2, 2.8)}",
             f"lactate {_num(rng, 0.6, 7.9)} mmol/L", f"TSH {_num(rng, 0.1, 9.8, 2)} mIU/L", f"eGFR {rng.randint(9, 118)}",
             f"pH {_num(rng, 7.12, 7.52, 2)}/pCO2 {rng.randint(28, 72)}/pO2 {rng.randint(52, 140)}",
             f"LDL {rng.randint(48, 210)} mg/dL (ref <100)", f"procalcitonin {_num(rng, 0.05, 12.0, 2)}",
             f"ALT {rng.randint(9, 340)} U/L", f"AST {rng.randint(11, 410)}", f"Alk phos {rng.randint(40, 390)}",
             f"CK {rng.randint(40, 9800)}", f"ferritin {rng.randint(8, 1900)} ng/mL", f"Vit D {rng.randint(6, 80)}"]
    rng.shuffle(items)
    return rng.choice((", ", "; ", "  ", ", ")).join(items[:rng.randint(3, 8)])


def med_line(rng: random.Random) -> str:
    name, unit, doses = rng.choice(DRUGS)
    dose = rng.choice(doses)
    line = f"{name} {dose} {unit} {rng.choice(ROUTES)} {rng.choice(FREQS)}"
    if rng.random() < 0.25:
        line += rng.choice((f" (last dose {rng.randint(0, 23):02d}{rng.choice(('00', '30'))})",
                            f" #{rng.choice((30, 60, 90))} RF{rng.randint(0, 5)}", f", {rng.randint(1, 3)} tab(s)",
                            " - HOLD for SBP < 100", f" x {rng.randint(3, 14)} days"))
    return line


def ecg(rng: random.Random) -> str:
    return (f"ECG: {rng.choice(('sinus rhythm', 'atrial fibrillation', 'sinus tachycardia', 'paced rhythm'))} at "
            f"{rng.randint(52, 128)} bpm, PR {rng.randint(120, 240)} ms, QRS {rng.randint(78, 162)} ms, "
            f"QT/QTc {rng.randint(340, 480)}/{rng.randint(400, 520)} ms, axis {rng.randint(-60, 110)}")


def scores(rng: random.Random) -> str:
    items = [f"GCS {rng.randint(3, 15)}", f"NIHSS {rng.randint(0, 24)}", f"CHA2DS2-VASc {rng.randint(0, 9)}",
             f"HAS-BLED {rng.randint(0, 5)}", f"Wells {rng.randint(0, 8)}", f"PHQ-9 {rng.randint(0, 27)}",
             f"MMSE {rng.randint(10, 30)}/30", f"Braden {rng.randint(9, 23)}", f"Morse fall score {rng.randint(0, 125)}",
             f"ESI {rng.randint(1, 5)}", f"ASA class {rng.choice(('I', 'II', 'III', 'IV'))}", f"NYHA class {rng.choice(('II', 'III'))}",
             f"CURB-65 {rng.randint(0, 5)}", f"Mallampati {rng.choice(('I', 'II', 'III'))}", f"RASS {rng.randint(-3, 2)}",
             f"{rng.randint(3, 5)}/5 strength {rng.choice(('RUE', 'LLE', 'bilateral UE', 'all extremities'))}",
             f"{rng.choice(('1', '2', '3'))}+ pitting edema", f"{rng.choice(('2', '3'))}/6 systolic murmur",
             f"EF {rng.choice((20, 25, 30, 35, 40, 45, 55, 60))}%", f"Karnofsky {rng.choice((40, 50, 60, 70, 80))}"]
    rng.shuffle(items)
    return ", ".join(items[:rng.randint(2, 4)])


def codes(rng: random.Random) -> str:
    icd = rng.choice(("I50.23", "J18.9", "N17.9", "I48.91", "E11.65", "J44.1", "L03.116", "N39.0", "I21.4", "S72.001A",
                      "R55", "Z79.01", "G20", "F03.90"))
    cpt = rng.choice(("99223", "93306", "71046", "36556", "99284", "80053", "85025", "93000"))
    loinc = rng.choice(("2160-0", "718-7", "2951-2", "33762-6", "4548-4", "10839-9"))
    ndc = f"{rng.randint(1000, 99999):05d}-{rng.randint(100, 9999):04d}-{rng.randint(1, 99):02d}"
    return rng.choice((f"ICD-10-CM {icd}", f"Dx: {icd}; CPT {cpt}", f"LOINC {loinc}", f"NDC {ndc}",
                       f"{icd} / CPT {cpt}", f"billing code {cpt}, modifier 25"))


def history_years(rng: random.Random) -> str:
    return rng.choice((f"s/p CABG {rng.randint(1995, 2022)}", f"MI in {rng.randint(1990, 2023)}",
                       f"diagnosed {rng.randint(1985, 2024)}", f"TKA ({rng.randint(2001, 2023)})",
                       f"smoker, quit {rng.randint(1980, 2020)}, {rng.randint(10, 60)} pack-years",
                       f"last colonoscopy {rng.randint(2012, 2024)}", f"flu vaccine {rng.randint(2021, 2025)}-{rng.randint(22, 26)} season"))


def clinical_sentence(rng: random.Random) -> str:
    """One plain sentence of mixed clinical content."""
    kind = rng.randrange(12)
    if kind == 0:
        return f"Vitals: {vitals(rng)}."
    if kind == 1:
        return f"Labs: {labs(rng)}."
    if kind == 2:
        return f"Continue {med_line(rng)}."
    if kind == 3:
        return f"{ecg(rng)}."
    if kind == 4:
        return f"{scores(rng)}."
    if kind == 5:
        return f"{codes(rng)}."
    if kind == 6:
        return f"History of {rng.choice(EPONYMS)}; {history_years(rng)}."
    if kind == 7:
        return f"{rng.choice(EPONYMS)}."
    if kind == 8:
        return (f"{rng.choice(('Given', 'Started', 'Received'))} {rng.randint(250, 2000)} mL NS bolus over "
                f"{rng.randint(15, 120)} min at {rng.randint(0, 23):02d}{rng.choice(('00', '15', '30', '45'))}.")
    if kind == 9:
        return f"{rng.choice(PROBLEMS).capitalize()}, day {rng.randint(1, 9)} of {rng.randint(5, 14)} of antibiotics."
    if kind == 10:
        return (f"{rng.choice(('Mother', 'Father', 'Sister', 'Brother'))} with {rng.choice(PROBLEMS)} at age "
                f"{rng.randint(38, 79)}.")
    return (f"Nodule {rng.randint(2, 14)} mm in the {rng.choice(('RUL', 'LLL', 'lingula', 'RML'))}, series "
            f"{rng.randint(2, 6)} image {rng.randint(10, 240)}.")


def paragraph(rng: random.Random, n: int) -> str:
    return " ".join(clinical_sentence(rng) for _ in range(n))
