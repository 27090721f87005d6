"""Safe-list name scan: out-of-vocabulary words in name contexts block; clinical text does not."""
import pytest

from clinical_pipelines.deid.residual import lexicon
from clinical_pipelines_tests.deid._residual_helpers import SCANNER, covered, kinds


def test_vocabulary_sources():
    assert lexicon.in_vocabulary("assessment") and lexicon.in_vocabulary("metoprolol")
    assert lexicon.in_vocabulary("troponin") and lexicon.in_vocabulary("will")
    assert not lexicon.in_vocabulary("okafor") and not lexicon.in_vocabulary("kowalczyk")
    assert lexicon.is_name_dominant("john") and lexicon.is_name_dominant("hank")
    assert not lexicon.is_name_dominant("may") and not lexicon.is_name_dominant("hope")


NAMES = [
    ("Discussed with Dr. Obiageli.", "Obiageli"), ("d/w dr adeyemi today", "adeyemi"), ("Seen by Mrs. Wnuk.", "Wnuk"),
    ("Mr. Long visited.", "Long"), ("Prof. Szymanski consulted", "Szymanski"), ("DISCUSSED WITH DR TARIQ RIVERA", "TARIQ"),
    ("Vitals by RN Tuyet.", "Tuyet"), ("Covered by NP Grzegorz today.", "Grzegorz"), ("ANP Wojcik to follow", "Wojcik"),
    ("Seen by PA Fenwick-Oduya", "Fenwick-Oduya"), ("RN: jk", "jk"), ("Checked by RN MP.", "MP"),
    ("Interpreter: Trần Văn Bảo, present", "Trần"), ("Interpreter: Trần Văn Bảo, present", "Bảo"),
    ("daughter Ngozi at bedside", "Ngozi"), ("pt's wife szilvia called", "szilvia"), ("son, Dariusz, agrees", "Dariusz"),
    ("Lives with Violet and Earl.", "Earl"), ("Lives with Violet and Earl.", "Violet"), ("accompanied by Thandiwe", "Thandiwe"),
    ("Prefers to be called Quyen.", "Quyen"), ("goes by Ximena", "Ximena"),
    ("Electronically signed by: Ashworth-Bligh", "Ashworth-Bligh"), ("Dictated by KOWALSKI 3/3", "KOWALSKI"),
    ("Printed on ward 4 by VANTERPOOL at 10:02", "VANTERPOOL"), ("Pt: A.B. seen in clinic", "A.B"),
    ("Patient: MBEKI, THABO K", "MBEKI"), ("Patient: MBEKI, THABO K", "THABO"), ("F/u with OSEI, KWAME at clinic", "OSEI"),
    ("Follow up with T. Abernathy-Ruiz, MD", "Abernathy-Ruiz"), ("Follow up with T. Abernathy-Ruiz, MD", "T."),
    ("Wieczorek, Halina seen today", "Wieczorek"), ("[NAME] Wojciechowski called back", "Wojciechowski"),
    ("Gwendolyn Okereke is a 71 y/o woman", "Okereke"), ("Officer Halvard (badge 12) at bedside", "Halvard"),
    ("Orkney,Siobhan,02/03/1950,Quarryville", "Quarryville"), ("given|family|town\nAmaka|Eze|Nsukka", "Nsukka"),
    ("name;city\nOlumide;Ibadan", "Olumide"),
]


@pytest.mark.parametrize("text,needle", NAMES)
def test_names_in_name_contexts_block(text, needle):
    assert covered(text, needle)


NOT_NAMES = [
    "Discussed with Dr. on call.", "Mild MR. Color Doppler normal.", "MILD MR. COLOR DOPPLER NORMAL.",
    "Vitals by RN at 0800.", "RN to follow up.", "Pt/OT eval ordered.", "PT/OT EVAL", "Son at bedside, updated.",
    "Lives with her daughter.", "Lives alone.", "Signed by: [NAME] MD on [DATE] 0158", "Reviewed by Cardiology.",
    "PMH: BPH, HTN, TIA", "ECG: NSR, RATE 44", "Aspirin, Metoprolol, Atorvastatin", "Hypertension, Diabetes",
    "Sodium,135,mmol/L\nPotassium,4.2,mmol/L", "Mother with Parkinson's [NAME].", "[NAME] MD", "[NAME] CCDS",
    "Follow up: PCP [NAME] MD ([ORGANIZATION]) within 1-2 weeks", "daughter ([NAME]) nearby",
    "Insurance: Medicare", "Referred to Cardiology, MD office", "Confirmed by [NAME] ([ID]) on [DATE]",
    "CC: SHORTNESS OF BREATH", "CC: near-syncope", "Husband at bedside.", "Called daughter, no answer.",
    "Interpreter: Amharic, by phone.", "Interpreter: Tigrinya", "Living with Parkinson's disease for 10 years.",
    "QTc 492 ms. Lungs clear.", "14 Fr eSheath placed", "(LIMA-LAD, SVG-OM)", "severe TR, RVSP 55 mmHg",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_clinical_text_is_not_a_name(text):
    assert "name" not in kinds(text)


def test_capitalised_unknown_words_elsewhere_are_review_only():
    text = "Prior auth submitted to Quillfeather for the refill."
    findings = SCANNER.scan_text(text)
    assert findings and not [f for f in findings if f.blocking]
    assert {f.kind for f in findings} == {"capitalised_word"}
