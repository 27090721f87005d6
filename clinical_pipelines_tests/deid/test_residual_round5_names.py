"""Residual gate, round 5 name kinds: first names that are English words in name contexts, a role before a single
name or initials, initials in fields and sign-offs, LAST, FIRST with particles, and delimited rows (quoted CSV,
town columns, identifier columns, lower-case rows, Markdown and space-aligned tables, a two-column contact list)."""
import pytest

from clinical_pipelines.deid.residual import lexicon
from clinical_pipelines_tests.deid._residual_helpers import blocking, covered


def touched(text: str, needle: str) -> bool:
    i = text.find(needle)
    assert i >= 0, "test input does not contain its own needle"
    return any(f.start < i + len(needle) and f.end > i for f in blocking(text))


def test_census_first_names_include_everyday_words():
    assert all(lexicon.is_census_first_name(w) for w in ("faith", "will", "bud", "honey", "royal", "summer"))
    assert not any(lexicon.is_census_first_name(w) for w in ("pain", "family", "daughter", "present"))


EVERYDAY = [
    ("Lives with Hope and Rusty in town.", ["Hope", "Rusty"]), ("Her sons, Grant and Chase, help out.", ["Grant", "Chase"]),
    ("Brother Will drives her.", ["Will"]), ("Married to Joy for 50 years.", ["Joy"]), ("Resides with Sterling.", ["Sterling"]),
    ("staying with Honey this month", ["Honey"]), ("Accompanied by Faith.", ["Faith"]), ("Husband: Frank.", ["Frank"]),
    ("Roommates are Bud and Buck.", ["Bud", "Buck"]), ("lives w/ Royal", ["Royal"]), ("LIVES W/ BILL", ["BILL"]),
    ("HER CHILDREN, FAITH AND HANK, VISIT.", ["FAITH", "HANK"]), ("Caregivers: Summer and Dusty.", ["Summer", "Dusty"]),
    ("Lives alone; daughter Sunny nearby.", ["Sunny"]), ("his friend Skip brings meals", ["Skip"]),
    ("Patient: Hope", ["Hope"]), ("Signed by Grant", ["Grant"]), ("RN Joy at bedside", ["Joy"]),
    ("pt Frank reports pain", ["Frank"]), ("Patient Hope Okafor seen", ["Hope", "Okafor"]), ("Pt Summer reports", ["Summer"]),
    ("Wife: June.", ["June"]), ("grandson Chase visits", ["Chase"]), ("-- Faith, RN", ["Faith"]), ("Thanks, Hope", ["Hope"]),
    ("/s/ Will Hunt, MD", ["Will", "Hunt"]), ("Reviewed with Bill and Okafor.", ["Bill", "Okafor"]),
    ("dtr Faith at bedside", ["Faith"]), ("pt's dtr, Joy", ["Joy"]), ("Regards,\nGrant", ["Grant"]),
]


@pytest.mark.parametrize("text,needles", EVERYDAY)
def test_everyday_word_first_names_in_name_contexts_block(text, needles):
    assert all(covered(text, n) for n in needles)


ROLES = [
    ("Seen by MD Okonjo today.", "Okonjo"), ("SW Fairweather-Ng to call family", "Fairweather-Ng"),
    ("Charge RN — Aoife", "Aoife"), ("Charge nurse - Bronagh", "Bronagh"), ("RT Szabo adjusted vent", "Szabo"),
    ("Vitals by MA KL.", "KL"), ("Consent witnessed by RN - TW", "TW"), ("entered by np - jb", "jb"),
    ("ENTERED BY RN - KM", "KM"), ("-- jb/lpn", "jb"), ("- KW/RN", "KW"), ("Patient initials: J.Q.P.", "J.Q.P."),
    ("initials: r.t.", "r.t."), ("Pt (D.V.) tolerated", "D.V."), ("Patient (KO) seen", "KO"),
    ("/s/ JQP, RN", "JQP"), ("Team: Ingrid Ó Súilleabháin, SW", "Súilleabháin"),
    ("Care team: Niamh Ní Bhriain, RN", "Niamh"), ("Aunt Trần Thị Lan at bedside.", "Lan"),
    ("Mother Lê Thị Mai at bedside.", "Lê"), ("Wife Đỗ Thị Hương called", "Đỗ"), ("Patient name: Nguyễn Văn An", "An"),
    ("Attending: Bjørn Ødegård, MD", "Ødegård"), ("cosigned: jt", "jt"), ("Covering MD - Tanaka", "Tanaka"), ("PCT Fernando assisted.", "Fernando"), ("Unit clerk Yesenia called.", "Yesenia"),
    ("PT Kowalski to eval", "Kowalski"), ("RN/KL", "KL"), ("-kl, rn", "kl"), ("Pt initials J.D.", "J.D."), ("pt: b.k.", "b.k."),
    ("Mother-in-law Pearl lives with them.", "Pearl"), ("Grandkids Amber and Crystal visit.", "Crystal"),
]


@pytest.mark.parametrize("text,needle", ROLES)
def test_roles_initials_and_multipart_names_block(text, needle):
    assert covered(text, needle)


LAST_FIRST = [
    ("Name: van der Berg, Anneke J.", ["van der Berg", "Anneke"]), ("Patient: DE LA CRUZ , ROSARIO", ["DE LA CRUZ", "ROSARIO"]),
    ("Name: di Stefano, Lucia", ["di Stefano", "Lucia"]), ("PATIENT: VON ESSEN, KLAUS M", ["VON ESSEN", "KLAUS"]),
    ("Guarantor: del Rio , Ximena", ["del Rio", "Ximena"]), ("HOANG, THI LAN", ["HOANG", "LAN"]),
    ("Pham, Van Duc", ["Pham", "Duc"]), ("F/u with OSEI, KWAME ADJOA at clinic", ["OSEI", "ADJOA"]),
]


@pytest.mark.parametrize("text,needles", LAST_FIRST)
def test_last_first_with_particles_blocks(text, needles):
    assert all(covered(text, n) for n in needles)


ROWS = [
    ("Okafor,Chidi,1951-02-03,Tacoma", ["Okafor", "Chidi", "Tacoma"]),
    ("Szabo;Ilona;03/04/1948;Elk Grove", ["Szabo", "Ilona", "Elk Grove"]),
    ('"Okafor, Chidi",1951-02-03,"Tacoma, WA"', ["Okafor", "Chidi", "Tacoma"]),
    ("ID,Name,Town\n88213,Lucia Brandt,Peoria", ["88213", "Lucia", "Brandt", "Peoria"]),
    ("adeyemi|folake|ypsilanti|313-555-0101", ["adeyemi", "folake", "ypsilanti"]),
    ("Given    Family     Town\nFolake   Adeyemi    Ypsilanti", ["Folake", "Adeyemi", "Ypsilanti"]),
    ("| given | family | town |\n|---|---|---|\n| Ilona | Szabo | Fresno |", ["Ilona", "Szabo", "Fresno"]),
    ("contact\trelation\nHope\tsister", ["Hope"]), ("nok;relationship\nFrank;husband", ["Frank"]),
    ("Brandt , Lucia , 1950-01-01 , Grand Rapids", ["Brandt", "Lucia", "Grand Rapids"]),
    ("Last Name,First Name,City\nFaith,Hope,Springfield", ["Faith", "Hope", "Springfield"]),
    ("Row: Okonkwo | Adaeze | Yonkers", ["Okonkwo", "Adaeze", "Yonkers"]),
]


@pytest.mark.parametrize("text,needles", ROWS)
def test_delimited_rows_block_every_identifier_cell(text, needles):
    assert all(covered(text, n) for n in needles)


NEGATIVES = [
    ("RN at bedside. MD aware. NP swab negative. PA and lateral views clear.", ["swab", "aware", "lateral"]),
    ("Pt: NPO, IV NS, RN aware. c/o SOB, CP. O.D. and O.S. normal.", ["NS", "SOB", "CP", "O.D."]),
    ("RN: iv flushed, pt ok, po intake good. Wt 150 lb per RN.", ["iv flushed", "ok", "po intake"]),
    ("Faith is important to her; she has hope. Frank blood in stool.", ["Faith", "hope", "Frank"]),
    ("Lives with family. Lives with pain daily. Lives with roommate.", ["family", "pain", "roommate"]),
    ("Mother: Deceased, Father: Living. Brother Healthy.", ["Deceased", "Living", "Healthy"]),
    ("daughter Present at bedside, husband Aware", ["Present"]), ("Accompanied by EMS. Discussed with Pharmacy.", ["EMS", "Pharmacy"]),
    ("SW consulted for dispo. RT Knee pain.", ["consulted", "Knee"]), ("RN-BC credentialed", ["BC"]),
    ("Will follow up. May need PT.", ["Will", "May"]), ("Na,K,Cl\n140,4.1,102\nmetoprolol,25 mg,BID,PO", ["metoprolol", "BID"]),
    ("Name,Dose,Route\nLisinopril,10 mg,PO", ["Lisinopril"]), ("test\tvalue\tunit\nNa\t140\tmmol/L", ["Na", "140"]),
    ("Test   Result   Units\nSodium   140   mmol/L", ["Sodium"]), ("pt/inr 1.2, iv/po, s/p, w/o", ["pt", "iv"]),
    ("HTN, HLD, CKD, OSA, GERD", ["HTN", "GERD"]), ("pmh: htn|hld|ckd", ["htn"]),
    ("Pt d.c. home today; pt: a.m. labs", ["d.c.", "a.m."]), ("PT eval today. PT Evaluation done.", ["eval", "Evaluation"]),
    ("continue abx per rn; f/u with pcp rn", ["per", "pcp"]), ("RN/PT aware, rn/md notified", ["PT", "md"]),
    ("Mother-in-law at bedside. Sitter at bedside.", ["bedside"]), ("Thanks for the consult", ["consult"]),
    ("Thanks,\nCardiology Team", ["Cardiology"]), ("Notified Charge RN; paged Cardiology", ["Charge", "Cardiology"]),
    ("Lasix given, RN to monitor", ["Lasix"]), ("Met with Family. Talked to Pharmacy.", ["Family", "Pharmacy"]),
    ("dtr at bedside, sis aware", ["bedside", "aware"]), ("Best, Will f/u", ["Will"]),
    ("Smith, John Seen today", ["Seen"]), ("Pt initials: N/A. Initials: none.", ["N/A", "none"]),
    ("MD Notified of results. SW Referral placed. RT Treatment given. PT Recommends rehab.", ["Notified", "Referral"]),
    ("Son Aware of plan. Daughter Updated. Wife Present. Roommates: None. Caregivers: Family.", ["Aware", "Present"]),
    ("Accompanied by Daughter. Brought in by Police. Met with Social Work.", ["Daughter", "Police", "Social"]),
    ("Contact: Case Management. NOK: Unknown. Pt (see HPI) improved.", ["Case", "Unknown", "see"]), ("Son In Law present", ["In", "Law"]), ("signed: ok; Entered: 0900", ["ok"]), ("Pt Will need PT. Pt May go home.", ["Will", "May"]),
    ("Pt Denies CP. Patient Education provided. Pt Ambulating.", ["Denies", "Education", "Ambulating"]), ("ECG: NSR, RATE 84, 0.3 MM ST DEPRESSION II, AVF", ["NSR", "AVF"]),
    ("LABS: HS-TNT 8 NG/L | CR 1.28 | K 5.4 | BNP 410", ["TNT", "BNP"]), ("Impression: CHF, AFIB WITH RVR", ["CHF", "AFIB"]),
]


@pytest.mark.parametrize("text,needles", NEGATIVES)
def test_clinical_text_does_not_block(text, needles):
    assert not any(touched(text, n) for n in needles)
