""""LAST, FIRST" names whose surname is also an everyday word (Young, West, Turner, Washington, Rose, Hope, Price,
Long, Brown, Black, Love) in report headers and ECG footers, and hyphenated first names after a title without a
period. A pair counts only with a person cue before it or a header shape around it (a middle initial, an identifier
field or a bracketed number after it); comma lists of clinical words stay. All names are invented; the sentences
are written for these tests."""
import pytest

from clinical_pipelines_tests.deid._name_helpers import covered, touched


@pytest.mark.parametrize("text,name", [
    ("Referred by: WEST, MAURICE   Confirmed by WEST, MAURICE (207) on 03/04/2021", "WEST, MAURICE"),
    ("Confirmed by YOUNG, GLORIA (4471) on 2020-11-02 1102", "YOUNG, GLORIA"),
    ("CONFIRMED BY TURNER, BERNADETTE (38) ON 5/5/19", "TURNER, BERNADETTE"),
    ("Referred by: Dr. LONG   Confirmed by LONG, HYE-JIN (6613) on 1/2/22", "LONG, HYE-JIN"),
    ("Read by: Rose, Winifred", "Rose, Winifred"),
    ("Attending: HOPE, CORNELIUS", "HOPE, CORNELIUS"),
    ("Patient: PRICE, DOLORES A", "PRICE, DOLORES A"),
    ("Interpreted by BROWN, REGINALD on 7/7/20", "BROWN, REGINALD"),
    ("Consult Note | BLACK, ODESSA M | DOB 02/02/1950 | MRN: 0000", "BLACK, ODESSA M"),
    ("WASHINGTON, CLYDE R   ID:100-20-30   4/4/2021 6:10 AM", "WASHINGTON, CLYDE R"),
    ("LOVE, ROSALIND   MRN 7788123", "LOVE, ROSALIND"),
    ("YOUNG, ELMER (55019)", "YOUNG, ELMER"),
    ("Discharge Summary | Turner, Elmer J | DOB 1/1/1940", "Turner, Elmer J"),
])
def test_everyday_word_surname_in_last_first_with_a_cue_or_header(text, name):
    assert covered(text, name)


@pytest.mark.parametrize("text,phrase", [
    ("NGT TO LIS, DRAINING BILE", "LIS, DRAINING"),
    ("PMH: CHF, CAD, DM2", "CHF, CAD"),
    ("Meds: aspirin, heparin  drip at 12 u/kg", "aspirin, heparin"),
    ("ABD SOFT, BOWEL SOUNDS PRESENT  ", "SOFT, BOWEL"),
    ("SKIN WARM, DRY (INTACT)", "WARM, DRY"),
    ("ASSESSED BY PAIN, MARK SCORE 3", "PAIN, MARK"),
    ("Referred by: WEST, WILL FOLLOW UP", "WEST, WILL"),
    ("LUNGS CLEAR, LONG EXPIRATORY PHASE", "CLEAR, LONG"),
    ("INCISION CLEAN, DRY, INTACT  ID CONSULT", "CLEAN, DRY"),
])
def test_clinical_comma_lists_stay(text, phrase):
    assert not touched(text, phrase)


@pytest.mark.parametrize("text,name", [
    ("Dr Jae-won Boyd\nMaplewood Clinic", "Jae-won Boyd"),
    ("seen by Dr Seo-yeon Park today", "Seo-yeon Park"),
    ("Dr Min-jun Okafor called back", "Min-jun Okafor"),
    ("Dr. Mei-ling Hart reviewed films", "Mei-ling Hart"),
])
def test_hyphenated_first_name_after_a_title(text, name):
    assert covered(text, name)


@pytest.mark.parametrize("text,name,stays", [
    ("son Rob-who states he will visit", "Rob", "who"),
    ("friend Dana-said She would call", "Dana", "said"),
])
def test_a_lower_case_word_after_the_hyphen_ends_the_name(text, name, stays):
    assert covered(text, name) and not touched(text, stays)


def test_the_number_after_a_footer_name_is_covered(engine):
    text = "Referred by: TURNER, EUGENIA   Confirmed by TURNER, EUGENIA (3391) on 2/3/2022 0815"
    out = engine.deidentify([text])[0].text
    assert "TURNER" not in out and "EUGENIA" not in out and "3391" not in out
