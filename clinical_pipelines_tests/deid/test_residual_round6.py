"""Residual gate, round 6 kinds: fewer clean notes blocked (empty-value cells, placeholder-only cells, scores on
named clinical scales) and more identifiers caught (names written with letters outside ASCII, more sign-off verbs
and credentials, lower-case names after a labelled credential, a person before their relation, the subject of a
reporting verb, user names, the town after a facility)."""
import pytest

from clinical_pipelines_tests.deid._residual_helpers import blocking


def touched(text: str, needle: str) -> bool:
    i = text.find(needle)
    assert i >= 0, "test input does not contain its own needle"
    return any(f.start < i + len(needle) and f.end > i for f in blocking(text))


CAUGHT = [
    # letters outside ASCII: folding must not turn a name into an English or stop word
    ("Assessed by MSW: AŞ\n", "AŞ"), ("critical K called to LPN NÖ at 1020h", "NÖ"), ("Triage: LPN: dũng\n", "dũng"),
    ("read back verified by Åsa.", "Åsa"), ("Seen by Dr. [NAME] Đỗ (palliative care)", "Đỗ"),
    ("Dictated by: [NAME] Lê", "Lê"), ("Attending: Dr. Ôn", "Ôn"), ("Co-signed by RN: İn", "İn"),
    # sign-off verbs and credentials
    ("Assessed by May Farouk, CM\n", "Farouk"), ("Scribed by Anneliese Horvath for Dr. [NAME]", "Horvath"),
    ("Reconciled by Ximena Quispe\n", "Quispe"), ("Evaluated by Okonjo at bedside", "Okonjo"),
    ("Assessed by CM Eze\n", "Eze"), ("read back verified by CM.\nOrdering provider: [NAME]", "CM"),
    ("Note by Tomasz Wrobel, LICSW", "Wrobel"), ("Seen by Kaito Mori, CCM", "Mori"),
    # a lower-case name after a labelled credential or closing its clause
    ("Triage: CNA: mireille\n", "mireille"), ("cc: NP: lakshmi\n", "lakshmi"), ("from day RN lakshmi. ECG NSR", "lakshmi"),
    ("Assessed by LCSW: oyelaran\n", "oyelaran"),
    # a person before their relation
    ("d/c home with Nhung (daughter).", "Nhung"), ("Source: patient and Takeshi (brother)", "Takeshi"),
    ("SOCIAL: Grazyna (granddaughter) visited", "Grazyna"), ("Omar (son-in-law) at bedside", "Omar"),
    ("Contact: Ngozi, her niece, 555", "Ngozi"), ("Ifeoma - wife - at bedside", "Ifeoma"),
    # the subject of a reporting verb
    ("S: Adebayo reports no complaints", "Adebayo"), ("Bill Young reports less dyspnea", "Young"),
    ("Kowalczyk denies chest pain.", "Kowalczyk"), ("HPI: Oyelaran is a 67 yo", "Oyelaran"),
    # user names
    ("User: ssorensen6   Printed: [DATE]", "ssorensen6"), ("User: STRONG_A  Printed", "STRONG_A"),
    ("Printed by: jdoe.2 at 14:02", "jdoe.2"), ("login id mkim_rn", "mkim_rn"),
    # the town after a facility
    ("Facility: Good Samaritan in Eureka\n", "Eureka"), ("Sent from Sacred Heart in Macon. EMS", "Macon"),
    ("Transferred from St. Agnes Medical Center in Great Falls", "Great Falls"), ("Memorial Hospital in Keene\n", "Keene"),
    ("Facility: Regional Medical Center in Santa Fe\n", "Santa Fe"), ("lives at 139 E Calle del Sol Dr, Medford", "del Sol"),
    # patient initials after a patient label, hand-overs, sign-off lines, "re:" and lower-case surnames after "dr"
    ("S: Pt: M.W reports poor sleep.", "M.W"), ("S: Pt: th reports poor sleep", "th"), ("Received Pt: LD from night RN", "LD"),
    ("Received Venkatesh from night RN", "Venkatesh"), ("Received Anil Sahin from day RN", "Sahin"),
    ("-- Imran RN\n", "Imran"), ("-- Liv LPN\n", "Liv"), ("Caller: partner re: Haruto Zhang\n", "Haruto"),
    ("Caller: friend re: Mr. van der Berg\n", "Berg"), ("d/w Dr. [NAME]; Bill RN will call back", "Bill"),
    ("Triage: RN Khalid\n", "Khalid"), ("Caller: Khalid (father) re: [NAME]", "Khalid"), ("Ama (wife) visited", "Ama"),
    ("dr park, PGY-1\n", "park"), ("Discussed with dr church and grandson", "church"), ("Ordering: dr sweet\n", "sweet"),
    # dates: a month/day with a time of day, "May" with a spelled day and a time
    ("Arrival: 9/5 @04:00 Mode: EMS", "9/5"), ("at bedside 4/2 @ 8:20pm;", "4/2"), ("printed -- 5/5 2044 hrs", "5/5"),
    ("signed: [NAME], ANP 10/3 @ 07:30:51", "07:30:51"), ("DO 5/2 @12:20 a.m.", "12:20"),
    ("Collected: May second @3:10pm", "May second"),
    # ages: age and sex before a label or a preposition, a birth year after "DOB (year only)"
    ("Thank you for seeing this 96 M for evaluation", "96"), ("Patient: [NAME] 92 M MRN [MRN]", "92"),
    ("DOB (year only): 1918 in Izmir", "1918"),
    # numbers: a unit-like letter on the next line is no unit; an all-caps town before its state; SSN on file
    ("fax +1 435 569 2445\nd/w Dr. [NAME]", "2445"), ("32 NW OLD POST ROAD SALINAS, CA 93901\nPhone", "93901"),
    ("SSN on file: 7689\n", "7689"),
    # organisations: a proper word before a head noun, a pharmacy / facility / employer cue, charity hospitals
    ("Preferred pharmacy: Main Street Pharmacy, 22 Route 9", "Main Street Pharmacy"),
    ("works at Corner Drug on weekends", "Corner Drug"), ("Sent from Pinecrest Health Center. Triage", "Pinecrest"),
    ("FOLLOW-UP at Ridgeline Wound Clinic on [DATE]", "Ridgeline"),
    ("Facility: Good Samaritan Lafayette\n", "Lafayette"), ("Ordering provider: [NAME] Sacred Heart Kearney\n", "Kearney"),
    ("Sent from Keene General (Keene, NH).", "Keene General"),
    # the patient's initials closing a "Pt:" label; a town moved to
    ("Caller: granddaughter re: Pt: C.A\nCallback", "C.A"), ("re: Pt: đp\nCallback", "đp"),
    ("moved to Bismarck, Pennington County", "Bismarck"),
    # a pasted record row (a date or a telephone cell) holds names in any case
    ("Contacts:\nHaddad, yasmin, 1926-09-28, Flagstaff\nPatel, omar, 1936-09-28, New London\n", "omar"),
    ("aiko,Yoon,neighbor,1-340-649-0547,Marquette\n", "aiko"), ("[NAME],okoye,son-in-law,[PHONE],[LOCATION]\n", "okoye"), ("kowalski;ewa;03.04.1951;Tupelo\n", "kowalski"),
]


@pytest.mark.parametrize("text,needle", CAUGHT)
def test_caught(text, needle):
    assert touched(text, needle), "identifier-like token left unblocked"


CLEAN = [
    # empty values in identifier columns of pasted rows
    "mrn|last|first|zip\n[MRN]|[NAME]|[NAME]|[LOCATION]\nn/a|[NAME]|[NAME]|[LOCATION]\nN/A|[NAME]|[NAME]|[LOCATION]",
    "MRN,LAST,FIRST,ZIP\nnone,[NAME],[NAME],[LOCATION]\nunknown,[NAME],[NAME],[LOCATION]\n--,[NAME],[NAME],[LOCATION]",
    "mrn\tlast\tfirst\tzip\n[MRN]\t[NAME]\t[LOCATION]\nnot on file\t[NAME]\t[LOCATION]\n?\t[NAME]\t[LOCATION]",
    # a cell holding placeholders and punctuation only
    "name;dob;phone\n[NAME],[NAME];[DATE];[PHONE]\n[NAME];[DATE];[PHONE]",
    "name|dob\n[NAME] / [NAME]|[DATE]",
    # scores on named clinical scales are no dates
    "Exam: MMSE 12/30, ASA class I.", "MoCA was 26/30 today.", "SLUMS 21/30; PHQ-9 11/27", "NIHSS 4/42 on arrival",
    "Braden 14/23, Morse 45", "GAD-7 9/21, AUDIT-C 3/12", "Mini-Cog 2/5", "scored 24/30 on recall",
    # credentials and services that are no names
    "Assessed by CM [NAME]\n", "HT 176 CM  WT 106 KG", "2. ICD-10-CM J44.1.", "Seen by ID today.", "Evaluated by IR for drain",
    "RN aware. Pt reports pain", "NP aware.", "RN notified, pt comfortable",
    # relations and reporting subjects that are no names
    "Lasix (home med) given", "Father (deceased) had MI", "Mother, sister with breast cancer",
    "Patient reports pain 3/10", "Daughter states he fell", "Will states the plan",
    # words after a facility that are no towns
    "seen at the clinic in Room 4", "HOSPITAL COURSE: History of Hashimoto thyroiditis",
    "HOSPITAL COURSE: admitted in [DATE] with Crohn's disease", "Clinic in March: stable",
    # temperatures, fractions and care settings
    "Temp 101 F for 2 days", "T 99 F\nHR 80", "strength 5/5 in all", "pain 3/10 at rest", "IV NS, RN aware",
    "RN Aware.", "-- Charge RN\n", "per dr note, ok", "Pt: was seen", "Pt: no complaints", "Received report from day RN",
    "re: labs and follow-up", "Tylenol (PRN) given", "Aspirin (home med)", "sent from rehab in Hospice\n",
    "Ca 10.2, K 4.1", "NA 140 K 4 CA 9.5 MG 2.0 PHOS 3.3",
    "Progress Note - Hospital Medicine [DATE]", "Internal Medicine clinic f/u", "Employment: retired", "Employment: none",
    "to the Medical Center", "Facility: home\n", "sent from home", "Sent from OSH", "General appearance: well",
    "Pt: ok\n", "Pt: yes\n", "moved to Florida in 2010", "lives in Assisted Living", "born in 1948 in Lagos; moved to [LOCATION]",
    "date, test, result\n[DATE], cbc, wnl\n[DATE], bmp, stable\n", "[DATE], cbc, wnl, reviewed\n",
    "[NAME], RN, day shift, [PHONE]\n", "Accompanied by son-in-law, [NAME], contact [PHONE]\n",
    "Transthoracic Echocardiogram Report | [NAME] | DOB [DATE] | MRN [MRN]\n", "[NAME],[NAME],self,[PHONE],[LOCATION]\n",
    # a diacritic English word outside a name context
    "café au lait spots; naïve T cells", "Guillain-Barré syndrome, Sjögren syndrome",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_not_blocked(text):
    assert not blocking(text), "clean de-identified text blocked"


def test_scale_cue_does_not_hide_a_dated_fraction():
    assert touched("seen on 12/30 in clinic", "12/30")


@pytest.mark.parametrize("text,needle", [
    ("Employment: retired from Great Plains Rail after 23 years", "Great Plains Rail"),
    ("retired from Harmon & Veit LLP", "Harmon & Veit LLP"), ("Retired\nfrom Lakeview Casino. Denies tobacco", "Lakeview Casino"),
    ("RETIRED FROM BRIGHT DAIRY CO-OP. NEVER SMOKER", "BRIGHT DAIRY CO-OP"),
])
def test_employers_block_by_default(text, needle):
    from clinical_pipelines_tests.deid._residual_helpers import SCANNER

    i = text.find(needle)
    found = [f for f in SCANNER.scan_text(text) if f.start < i + len(needle) and f.end > i]
    assert found and all(f.kind == "employer" and f.blocking for f in found)


def test_employers_are_review_counts_when_the_policy_says_so():
    from clinical_pipelines.deid.residual import ResidualScanner
    from clinical_pipelines.deid.residual.scanner import ResidualPolicy

    lenient = ResidualScanner(ResidualPolicy(review_only=frozenset({"employer"})))
    found = [f for f in lenient.scan_text("Retired from Lakeview Casino in 2019.") if f.kind == "employer"]
    assert found and not any(f.blocking for f in found)


def test_capitals_after_re_are_no_name():
    assert not blocking("MR. [NAME] CALLED RE: INSURANCE PRIOR AUTH FOR SACUBITRIL/VALSARTAN.")
    assert not blocking("Discharge Summary | [NAME] | DOB [DATE] | Hosp #: [MRN] | Acct\n[ACCOUNT]\n")
