"""Names in name contexts in any case, single names after roles, initials, household members, preferred names,
printing / signing footers, "LAST, FIRST M" headers, and names and places in delimited rows. Every kind has
variants of its own and negative clinical text. All names below are invented or common census names, not PHI."""
import pytest

from clinical_pipelines.deid.text.delimited import find_delimited_identifiers
from clinical_pipelines.deid.text.name_contexts import find_context_names


def left_over(engine, text, must_go, known=None):
    """The must-go strings still present in the de-identified text (none is printed on failure)."""
    out = engine.deidentify([text], [known] if known is not None else None)[0].text
    return [i for i, s in enumerate(must_go) if s in out]


def context_names(text):
    return sorted({text[c.start:c.end] for c in find_context_names(text)})


KINDS = {
    "lower-case after titles and relations": [
        ("d/w dr brzezinski re: heparin; pt's son wojtek agrees.", ["brzezinski", "wojtek"]),
        ("spoke w/ mrs abernathy-okoro at bedside", ["abernathy-okoro"]),
        ("per dr. szczepanik, hold metoprolol", ["szczepanik"]),
        ("wife maria and daughter lucinda updated by phone", ["maria", "lucinda"]),
        ("Pt's granddaughter, ximena, will drive her home.", ["ximena"]),
        ("father: okonjo (deceased, MI at 60)", ["okonjo"]),
    ],
    "single names after a role or credential": [
        ("Handoff given to RN Thuy | LPN Okereke | CNA Bartek", ["Thuy", "Okereke", "Bartek"]),
        ("FNP Wieczorek reviewed meds.", ["Wieczorek"]),
        ("NP: Adebayo to follow up Monday.", ["Adebayo"]),
        ("Education by RN: jw", ["jw"]),
        ("Charge nurse Oluwaseun aware.", ["Oluwaseun"]),
        ("RT Szymanski adjusted BiPAP.", ["Szymanski"]),
    ],
    "initials": [
        ("Pt: M.K., 71 yo, seen in clinic.", ["M.K."]),
        ("Vitals taken by RN BW at 0800.", ["BW"]),
        ("Meds reconciled by PharmD T.L.", ["T.L."]),
        ("Wound care by LPN QZ.", ["QZ"]),
        ("cc: DRW, Cardiology", ["DRW"]),
    ],
    "ordinary words as first names in household contexts": [
        ("Lives with Grant and Faith in an apartment.", ["Grant", "Faith"]),
        ("Lives with June.", ["June"]),
        ("Lives with her partner Bill; son Will visits.", ["Bill", "Will"]),
        ("Patient prefers to be called Dusty.", ["Dusty"]),
        ("Goes by Sunny; daughter May at bedside.", ["Sunny", "May"]),
        ("Accompanied by Summer (daughter) and Rocky (son).", ["Summer", "Rocky"]),
    ],
    "user names in printing and signing footers": [
        ("Printed 11/3/22 08:15 by KOWALEWSKI at terminal 4", ["KOWALEWSKI"]),
        ("Electronically signed by: brzezinski_m 3/1/24 10:02", ["brzezinski_m"]),
        ("Last edited by: WNOWAK3 on 2/2/2024", ["WNOWAK3"]),
        ("User: okereke.j   Workstation: ED-12", ["okereke.j"]),
        ("Report printed Jan 5, 2023 by OYELOWO", ["OYELOWO"]),
    ],
    "LAST, FIRST M headers": [
        ("Patient: ABERNATHY, LUCINDA R    MRN 00912233", ["ABERNATHY", "LUCINDA"]),
        ("Name: okonjo, chidi", ["okonjo", "chidi"]),
        ("Client: Szymanski,Bartosz, 64 y/o", ["Szymanski", "Bartosz"]),
        ("Patient: LINDGREN, ASA   MRN 0081234", ["LINDGREN", "ASA"]),      # a first name that is a drug abbreviation
        ("Patient: VO,THUY|MRN: 0037", ["VO", "THUY"]),
        ("Dictated for Nandini Okereke, M.D.\nCardiology", ["Nandini", "Okereke"]),
    ],
    "Vietnamese and other names with folded accents": [
        ("Interpreter: Trần Văn Dũng present for consent.", ["Trần", "Dũng"]),
        ("Patient prefers to be called Thảo.", ["Thảo"]),
        ("Daughter Nguyễn Thị Lan called.", ["Nguyễn", "Lan"]),
        ("Seen with Ólafur Sigurðsson (brother).", ["Ólafur", "Sigurðsson"]),
    ],
}
CASES = [(kind, text, must) for kind, rows in KINDS.items() for text, must in rows]


@pytest.mark.parametrize("kind,text,must_go", CASES, ids=[f"{k[:18]}-{i}" for i, (k, _, _) in enumerate(CASES)])
def test_names_in_context_are_redacted(engine, kind, text, must_go):
    assert left_over(engine, text, must_go) == [], kind


@pytest.mark.parametrize("text", [
    "Confirmed by CT. Given by mouth. Seen by PT and OT. Reviewed by ECHO tech.",
    "Father with Parkinson's disease; mother CAD, HTN; brother with DKA.",
    "Son at bedside, daughter aware. Wife here. Son will call. Mother deceased.",
    "Lives with wife. Lives with family in a house. Lives alone.",
    "Discussed with family and patient. Spoke with pharmacy. d/c Foley.",
    "RN aware. NP to see. PT eval pending. RN: ok to discharge.",
    "Atrial fibrillation with RVR; started on diltiazem. HT 176 CM WT 106 KG.",
    "Pt: alert and oriented x3. Pt: no acute distress. CC: chest pain.",
    "Pt: Alert, Oriented x3. Patient: Stable. Provider: Cardiology. Contact: Sister. Historian: Reliable.",
    "Hjordis Yoon, DO, PGY-2",
    "Printed by EPIC on 3/2/24",
])
def test_clinical_text_gives_no_context_names(text):
    assert context_names(text) in ([], ["Hjordis Yoon"])


@pytest.mark.parametrize("text,cells", [
    ("Abernathy,Lucinda,1938-02-11,Tuckahoe", {("Abernathy", "NAME"), ("Lucinda", "NAME"), ("Tuckahoe", "LOCATION")}),
    ("Okonjo; Chidi; 02/03/1941; Mamaroneck", {("Okonjo", "NAME"), ("Chidi", "NAME"), ("Mamaroneck", "LOCATION")}),
    ("last\tfirst\ttown\nSzymanski\tBartosz\tHoboken",
     {("Szymanski", "NAME"), ("Bartosz", "NAME"), ("Hoboken", "LOCATION")}),
    ("Name|DOB|City\nThuy Okereke|1950-01-09|Poughkeepsie", {("Thuy Okereke", "NAME"), ("Poughkeepsie", "LOCATION")}),
    ("id,first,zip\nM22,Min-jun,06320", {("Min-jun", "NAME"), ("06320", "LOCATION")}),
    ("41050242;Xu;mohammed;58501\nn/a;Guimaraes;Goncalo;58501",
     {("Xu", "NAME"), ("mohammed", "NAME"), ("Guimaraes", "NAME"), ("Goncalo", "NAME"), ("58501", "LOCATION")}),
])
def test_delimited_rows_give_names_and_places(text, cells):
    assert {(text[c.start:c.end], c.type) for c in find_delimited_identifiers(text)} == cells


@pytest.mark.parametrize("text", [
    "Na\t140\tmmol/L\nK\t4.1\tmmol/L\nTroponin I\t0.04\tng/mL",
    "| Test | Result | Units |\n| Hgb | 12.1 | g/dL |",
    "Meds: aspirin, metoprolol, lisinopril, atorvastatin",
    "White,Female,Married,Medicare,English",
    "Dx: CHF, CAD, HTN, AKI, 2019",
    "Lives with wife, son, and dog.",
])
def test_clinical_rows_give_no_identifiers(text):
    assert find_delimited_identifiers(text) == []


def test_delimited_rows_are_redacted_end_to_end(engine):
    text = "first;last;city\nLucinda;Abernathy;Mamaroneck\n"
    assert left_over(engine, text, ["Lucinda", "Abernathy", "Mamaroneck"]) == []


@pytest.mark.parametrize("text,must_go", [
    ("d/w dr brzezinski re: heparin. later brzezinski agreed to stop it.", ["brzezinski"]),
    ("pt's son wojtek at bedside. WOJTEK signed consent.", ["wojtek", "WOJTEK"]),
    ("Lives with Hank. Hank drives her to dialysis.", ["Hank"]),
])
def test_context_names_propagate_to_other_mentions(engine, text, must_go):
    assert left_over(engine, text, must_go) == []


def test_propagation_is_case_insensitive_only_for_words_outside_the_vocabulary():
    from clinical_pipelines.deid.text.completion import propagate_names
    from clinical_pipelines.deid.text.spans import Span

    text = "son Will visited; will call back. dr okafor_a; Okafor agreed."
    s, o = text.index("Will"), text.index("okafor")
    out = propagate_names(text, [Span(s, s + 4, "NAME"), Span(o, o + 6, "NAME")])
    found = sorted({(x.start, text[x.start:x.end]) for x in out})
    assert [w for _, w in found] == ["Will", "okafor", "Okafor"]  # lower-case "will" stays
