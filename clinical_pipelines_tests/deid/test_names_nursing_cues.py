"""Bedside-note name cues in the ways nurses and clinicians write them: sign-offs with any credential (LPN, CNA,
RRT, PCT, MSW, SW, RD, therapy students, "NP-C", "RN, BSN", with or without commas and dots, after a dash),
"per <title> <name>", "<name> notified / paged / informed / at bedside / in to see pt", and relation words (wife,
hubby, partner, fiance(e), grandchildren, nieces and nephews, cousins, friends, neighbours, HCP / health care proxy,
POA, in-laws) in any casing. Notification and sign-off cues without a name must leave the text alone. All names are
invented; the sentences are written for these tests."""
import pytest

from clinical_pipelines.deid.text.names import find_names


def covered(text, phrase):
    i = text.index(phrase)
    return any(c.start <= i and c.end >= i + len(phrase) for c in find_names(text))


@pytest.mark.parametrize("text,name", [
    # sign-offs
    ("Pt resting comfortably.\nMarisol Okafor, LPN", "Marisol Okafor"),
    ("Pt resting comfortably.\nmarisol okafor lpn", "marisol okafor"),
    ("Assisted with bath.\nDenise Kowalczyk CNA", "Denise Kowalczyk"),
    ("Assisted with bath.\nD. Kowalczyk, C.N.A.", "D. Kowalczyk"),
    ("Neb tx given.\nTerrence Blount, RRT", "Terrence Blount"),
    ("neb tx given. t. blount rrt", "t. blount"),
    ("Vitals obtained.\nJanelle Fitch PCT", "Janelle Fitch"),
    ("Family meeting held.\nRosalind Achebe, MSW", "Rosalind Achebe"),
    ("family meeting held.\nrosalind achebe, sw", "rosalind achebe"),
    ("Diet advanced.\nGreta Lindqvist, RD", "Greta Lindqvist"),
    ("Diet advanced.\nGreta Lindqvist, R.D.", "Greta Lindqvist"),
    ("Ambulated 100 ft.\nKyle Brandt, PT student", "Kyle Brandt"),
    ("Ambulated 100 ft.\nKyle Brandt, SPT", "Kyle Brandt"),
    ("ADLs assessed.\nNadia Ferrante, OT student", "Nadia Ferrante"),
    ("Plan reviewed.\nLeona Whitfield, NP-C", "Leona Whitfield"),
    ("Plan reviewed.\nLeona Whitfield, FNP-C", "Leona Whitfield"),
    ("Pt stable.\nHolly Vasquez, RN, BSN", "Holly Vasquez"),
    ("Pt stable.\nHolly Vasquez RN BSN", "Holly Vasquez"),
    ("Pt stable.\nHolly Vasquez, BSN, RN", "Holly Vasquez"),
    ("Pt stable.\nHOLLY VASQUEZ, R.N.", "HOLLY VASQUEZ"),
    ("pt stable. -holly vasquez rn", "holly vasquez"),
    ("Pt stable.\nH. Vasquez, RN", "H. Vasquez"),
    ("Pt stable.\nHolly V., RN", "Holly"),
    ("Pt stable. Will continue to monitor. Holly Vasquez, RN", "Holly Vasquez"),
    ("Pt stable.\nHolly Vasquez, RN-BC", "Holly Vasquez"),
    ("Pt stable.\nHolly Vasquez, LVN", "Holly Vasquez"),
    ("Pt stable.\nHolly Vasquez, CCRN", "Holly Vasquez"),
    # per
    ("Lasix held per Dr. Abernathy", "Abernathy"),
    ("lasix held per dr abernathy", "abernathy"),
    ("LASIX HELD PER DR ABERNATHY", "ABERNATHY"),
    ("Lasix held per NP Quillen", "Quillen"),
    ("lasix held per np quillen", "quillen"),
    ("Lasix held per Quillen NP", "Quillen"),
    ("KCL GIVEN PER RESIDENT OKONJO", "OKONJO"),
    ("fluids per renal fellow Dr Szabo", "Szabo"),
    # notified etc
    ("Dr. Abernathy notified of K 3.1", "Abernathy"),
    ("dr abernathy notified of k 3.1", "abernathy"),
    ("Abernathy paged re: SBP 80s", "Abernathy"),
    ("Dr Quillen informed of low UO", "Quillen"),
    ("NP Quillen called back, no new orders", "Quillen"),
    ("Family updated by Dr. Szabo", "Szabo"),
    ("Dr. Szabo at bedside", "Szabo"),
    ("dr szabo in to see pt", "szabo"),
    ("Resident Okonjo updated", "Okonjo"),
    ("Okonjo MD aware", "Okonjo"),
    ("MD Okonjo at bedside, aware of BP", "Okonjo"),
    ("Emeka Okonjo (resident) notified", "Emeka Okonjo"),
    ("paged dr. okonjo x2", "okonjo"),
    ("spoke w/ dr okonjo re plan", "okonjo"),
    ("Notified Dr Okonjo of temp 38.9", "Okonjo"),
    ("Updated Dr. Szabo, no new orders", "Szabo"),
    # relations
    ("Wife Beatriz at bedside", "Beatriz"),
    ("wife beatriz at bedside", "beatriz"),
    ("WIFE BEATRIZ AT BEDSIDE", "BEATRIZ"),
    ("husband Thaddeus called for update", "Thaddeus"),
    ("HUSBAND THADDEUS CALLED", "THADDEUS"),
    ("hubby thaddeus visiting", "thaddeus"),
    ("Partner Jordan visiting", "Jordan"),
    ("partner, jordan, visiting", "jordan"),
    ("fiance Marco called", "Marco"),
    ("fiancee Lucinda at bedside", "Lucinda"),
    ("FIANCEE LUCINDA AT BEDSIDE", "LUCINDA"),
    ("grandson Tavion visited", "Tavion"),
    ("GRANDDAUGHTER KEISHA CALLED", "KEISHA"),
    ("granddaughter keisha called", "keisha"),
    ("niece Oksana in to visit", "Oksana"),
    ("nephew Dmitri called", "Dmitri"),
    ("NEPHEW DMITRI CALLED", "DMITRI"),
    ("cousin Rafaela visited", "Rafaela"),
    ("friend Augustin visited", "Augustin"),
    ("neighbor Philippa called", "Philippa"),
    ("NEIGHBOR PHILIPPA CALLED", "PHILIPPA"),
    ("HCP Wilhelmina updated", "Wilhelmina"),
    ("hcp wilhelmina updated", "wilhelmina"),
    ("health care proxy Wilhelmina aware", "Wilhelmina"),
    ("HEALTH CARE PROXY WILHELMINA AWARE", "WILHELMINA"),
    ("POA Cornelius called", "Cornelius"),
    ("poa cornelius called", "cornelius"),
    ("dtr Keisha updated", "Keisha"),
    ("daughter (Keisha) updated", "Keisha"),
    ("son's wife Marguerite called", "Marguerite"),
    ("wife Beatriz Okafor at bedside", "Beatriz Okafor"),
    ("Pt's wife, Beatriz, at bedside", "Beatriz"),
    ("wife-Beatriz at bedside", "Beatriz"),
    ("sister in law Oksana visited", "Oksana"),
    ("step-daughter Oksana visited", "Oksana"),
    ("Pt stable.\nPriya Raman, R.N., B.S.N.", "Priya Raman"),
    ("-- Priya Raman, RN", "Priya Raman"),
    ("sister-in-law Oksana visited", "Oksana"),
    ("Healthcare proxy Wilhelmina aware", "Wilhelmina"),
    ("okonjo paged re: hr 140s", "okonjo"),
    ("Pt comfortable. Quillen notified of plan.", "Quillen"),
])
def test_bedside_cue_variants(text, name):
    assert covered(text, name)


@pytest.mark.parametrize("text", [
    "Cardiology paged re: troponin", "Team aware of K 3.1", "Resident notified.", "Family updated at bedside.",
    "renal notified of UO", "Pharmacy informed.", "pt aware of plan", "Anesthesia made aware",
    "Pt stable. Heme aware.", "MD notified. Neuro paged", "Dispo: home with SW", "Consult SW", "Awaiting PT",
    "Seen by PT and OT", "Plan: OOB to chair, PT", "Needs RD consult", "Will f/u with RD", "Family meeting with SW",
    "Hospitalist paged", "Surgery paged x2", "Covering paged", "Charge aware", "Nursing supervisor notified",
    "Security notified", "ICU team updated", "Primary team aware", "On call notified",
    "Foley placed. Urology paged", "- cont to monitor, RN", "Endo paged", "CT paged",
    "Rapid response called. Hospitalist aware", "Pt and wife updated", "pain service paged",
    "Vitals stable.\nDispo pending RN", "Plan d/w RN", "Report given to oncoming RN", "Care turned over to RN",
    "Ambulated with PT student", "D/w SW re placement", "Seen by RD. Tolerating diet", "Needs PCT for 1:1",
    "PT AWARE OF PLAN", "MD AWARE. CARDIOLOGY PAGED", "HO NOTIFIED OF SBP 80S", "DAUGHTER UPDATED BY PHONE",
    "wife updated re plan", "NEPHEW CALLED FOR UPDATE", "hcp aware and agrees", "POA NOTIFIED", "cont plan. lpn",
    "GIVEN TYLENOL. MONITOR. RN", "Lasix held per protocol", "PER NEURO CHECKS Q1H", "HUBBY AT BEDSIDE",
    "sister in law at bedside", "health care proxy present",
])
def test_cues_without_a_name_stay(text):
    assert not find_names(text)


@pytest.mark.parametrize("text,name", [
    ("RT Thaddeus in to suction", "Thaddeus"), ("rrt thaddeus aware", "thaddeus"), ("OT Thaddeus worked with pt", "Thaddeus"),
    ("SW INGRID FOLLOWING", "INGRID"), ("sw ingrid following", "ingrid"), ("CM Ingrid aware of dispo", "Ingrid"),
    ("Pt seen by PT (Thaddeus)", "Thaddeus"), ("RN (Leticia Moss) notified", "Leticia Moss"),
    ("Thaddeus from RT aware", "Thaddeus"), ("thaddeus from pharmacy called", "thaddeus"),
    ("Spoke to Leticia Moss from case management", "Leticia Moss"),
    ("report to leticia rn", "leticia"), ("Report given to Leticia, RN", "Leticia"), ("d/w ernestine np", "ernestine"),
    ("thx, leticia", "leticia"), ("Thanks! Ernestine", "Ernestine"), ("thank you - Leticia Moss", "Leticia Moss"),
    ("Pt stable.\nL.Moss, RN", "L.Moss"), ("szabo np aware", "szabo"), ("OKONJO MD NOTIFIED", "OKONJO"),
])
def test_bedside_hand_off_forms(text, name):
    assert covered(text, name)


@pytest.mark.parametrize("text", [
    "PT WEANED TO 40%", "RT CHANGED TRACH TIES", "RT in to suction", "rt aware of sats", "pt in to see pt",
    "OT worked with pt on ADLs", "pt from ER", "team from cardiology at bedside", "Call from pharmacy re dose",
    "Staff from lab called", "someone from PT will come", "results from lab pending", "report given to oncoming rn",
    "report given to night RN", "per protocol rn", "d/w charge rn", "thanks, team", "thank you for consult",
    "RN (primary) notified", "MD (resident) aware", "PT (physical therapy) consulted", "seen by PT (eval done)",
    "NP (nasal prongs) 2L", "RT suctioned pt", "RN PAGED MD", "SW following for dispo", "pt rose to chair with assist",
    "Nurse in to see pt", "transported from CT", "Report to ICU RN", "thanks, will follow", "TEAM MD AWARE",
    "renal np aware", "covering md notified", "charge rn notified", "ortho pa aware", "surgical ho paged",
])
def test_hand_off_cues_without_a_name_stay(text):
    assert not find_names(text)
