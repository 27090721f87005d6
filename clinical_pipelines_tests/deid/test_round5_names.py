"""Round-5 kinds, names: first names that are everyday words ("Sterling", "Bud", "Frank", "GRANT") after plural
relation words, "are", a patient cue without a colon and in "X and Y" pairs joined to a cued name, in any case; and
initials in brackets, spaced, after "/s/" and after an agent and a credential ("entered by np - mw"). HIPAA Safe
Harbor (A), 45 CFR 164.514(b)(2)(i)(A). The same words used as words, machine accounts after printing cues and
clinical abbreviations stay. The rule families run together on invented sentences."""
import pytest

from .test_round5_orgs import covered, touched

# census first names that are also everyday English words
PAIRS = [("Sterling", "Bud"), ("Joy", "Frank"), ("Hope", "Grant"), ("Rusty", "Dawn"), ("Buck", "Iris"),
         ("Chase", "Summer"), ("Faith", "Earl"), ("Sandy", "Ray"), ("Pat", "Rocky")]
PAIR_TEMPLATES = [
    "Roommates: {a} and {b}.",
    "Caregivers are {a} and {b}.",
    "Her sons, {a} and {b}, visit on Sundays.",
    "Sisters {a} & {b} at bedside.",
    "Lives with daughters {a} and {b}.",
    "Neighbors {a} and {b} check on her daily.",
    "Grandchildren are {a} and {b}.",
    "Parents: {a} and {b}",
    "Housemates {a} and {b} help with meals.",
    "HIS FRIENDS, {A} AND {B}, VISIT WEEKLY.",
    "ROOMMATES: {A} AND {B}",
    "LIVES WITH {A} AND {B} ON A FARM.",
]


@pytest.mark.parametrize("template", PAIR_TEMPLATES)
@pytest.mark.parametrize("a,b", PAIRS)
def test_everyday_word_names_in_pairs_after_a_name_cue(template, a, b):
    text = template.format(a=a, b=b, A=a.upper(), B=b.upper())
    first, second = (a.upper(), b.upper()) if "{A}" in template else (a, b)
    assert covered(text, first) and covered(text, second)


PATIENT_TEMPLATES = ["Pt {a} is a 70 yo man with CHF.", "pt {a} reports pain 6/10.", "Patient {a} states she is tired.",
                     "Pt {a}, 84, admitted from home.", "Pt {a} denies chest pain.", "Pt {a} Okonkwo seen today."]


@pytest.mark.parametrize("template", PATIENT_TEMPLATES)
@pytest.mark.parametrize("a", ["Frank", "Grant", "Sterling", "Dawn", "Rusty", "Iris"])
def test_everyday_word_names_after_a_patient_cue(template, a):
    assert covered(template.format(a=a), a)


INITIALS = [
    ("Pt (R.S.) tolerated procedure.", "R.S."),
    ("Patient (J.K.) seen in clinic.", "J.K."),
    ("pt (m.l.) resting comfortably", "m.l."),
    ("Pt (KT) consented for the procedure.", "KT"),
    ("PATIENT (D.W.) TOLERATED DIET", "D.W."),
    ("Pt: T. O. seen today.", "T. O."),
    ("Pt: A. B. reports pain.", "A. B."),
    ("Patient: J. R. K.", "J. R. K."),
    ("/s/ KLM, RN", "KLM"),
    ("/s/ JT", "JT"),
    ("/S/ PQR, MD", "PQR"),
    ("/s/ Maria Okafor, MD", "Okafor"),
    ("entered by np - mw", "mw"),
    ("ENTERED BY NP - MW", "MW"),
    ("Charted by RN - dw.", "dw"),
    ("Documented by LPN/ks", "ks"),
    ("vitals per cna - bh at 0800", "bh"),
    ("Weight taken by CNA: JRP", "JRP"),
    ("(initials A.K.)", "A.K."),
    ("Pt initials RS, DOB on file.", "RS"),
    ("/s/ J.D., MD", "J.D."),
    ("entered by rn - JD at 1400", "JD"),
    ("Note by NP: mw", "mw"),
]


@pytest.mark.parametrize("text,value", INITIALS)
def test_initials_in_brackets_spaced_signed_and_after_an_agent(text, value):
    assert covered(text, value)


KEPT = [
    ("Faith is important to her; she has hope. Frank blood in stool.", "Faith"),
    ("Faith is important to her; she has hope. Frank blood in stool.", "Frank"),
    ("Caregivers are unable to assist with ADLs.", "unable"),
    ("Children are grown and live nearby.", "grown"),
    ("Sisters: both deceased.", "both"),
    ("Roommates: none.", "none"),
    ("Pt Will follow up in clinic.", "Will"),
    ("Pt May need PT eval.", "May"),
    ("Pt Alert and oriented x3.", "Alert"),
    ("Pt Tolerated diet well.", "Tolerated"),
    ("Pt Frank about drug use.", "Frank"),
    ("Patient Education: provided on diet.", "Education"),
    ("Printed 2 copies for chart by SYSTEM. Page 1 of 2.", "SYSTEM"),
    ("Faxed by interface on 3/2.", "interface"),
    ("Report printed by System Administrator", "System"),
    ("Scanned by Epic at 1400.", "Epic"),
    ("Vitals per RN - OK.", "OK"),
    ("Pt (ED) boarding overnight.", "ED"),
    ("Pt (NPO) for procedure.", "NPO"),
    ("Meds given per RN - PO.", "PO"),
    ("/s/ see above", "see"),
    ("Children: 3, all healthy.", "healthy"),
    ("Parents are deceased; siblings are healthy.", "healthy"),
    ("initials and signature obtained", "and"),
    ("Initials on file.", "on"),
    ("Initials verified x2", "verified"),
    ("Sons are supportive and visit often.", "supportive"),
]


@pytest.mark.parametrize("text,value", KEPT)
def test_words_initial_like_abbreviations_and_machine_accounts_stay(text, value):
    assert not touched(text, value)


def test_engine_keeps_clinical_text_around_a_pair_of_names(engine):
    note = ("Caregivers are Joy and Frank. BP 120/80, HR 72. Guaiac positive stool; plan EGD. metoprolol 25 mg BID. "
            "She has hope for recovery.")
    out = engine.deidentify([note])[0].text
    assert "Joy" not in out and "Frank" not in out
    assert all(k in out for k in ("120/80", "HR 72", "Guaiac positive", "EGD", "25 mg BID", "hope for recovery"))
