"""Facility and organisation spans in nursing notes typed in capitals or lower case: a facility name is the run of
name words next to its facility word ("Hospital", "Hosp", "Medical Center", "Rehab", "Campus", "VA"), never the
clause's verbs, prepositions, clinical words or demographics; street-address look-alikes in clinical shorthand
("10/3 THALLIUM ST", "4U REG SQ") are not addresses. Variants written for these tests."""
import pytest

from clinical_pipelines.deid.text.addresses import find_locations
from clinical_pipelines.deid.text.facilities import find_facilities, name_run_end, name_run_start
from clinical_pipelines.deid.text.organizations import find_organizations


def _found(text):
    return [text[c.start:c.end] for c in find_organizations(text) + find_facilities(text) + find_locations(text)]


def _covered(text, spans):
    mask = [False] * len(text)
    for s in spans:
        for i in range(s.start, s.end):
            mask[i] = True
    return mask


@pytest.mark.parametrize("text, name", [
    ("81 YO MAN TRANSFERRED FROM DUNMORE HOSPITAL FOR CATH.", "DUNMORE HOSPITAL"),
    ("PT PRESENTED AT OKAFOR MEDICAL CENTER WITH CP", "OKAFOR MEDICAL CENTER"),
    ("found unresponsive in st agnes hospital, transferred", "st agnes hospital"),
    ("WILL REQUIRE PLACEMENT AT HALVARD REHAB WHEN STABLE.", "HALVARD REHAB"),
    ("Knows she is in Pinecrest General Hospital in town.", "Pinecrest General Hospital"),
    ("went to Brigham and Women's Hospital last year", "Brigham and Women's Hospital"),
    ("ADMITTED FROM UNIVERSITY OF VERMONT MEDICAL YESTERDAY", "UNIVERSITY OF VERMONT MEDICAL"),
])
def test_facility_name_run_stops_at_the_clause(text, name):
    spans = find_organizations(text) + find_facilities(text)
    lo, hi = text.index(name), text.index(name) + len(name)
    assert any(s.start == lo for s in spans)
    assert all(lo <= s.start and s.end <= hi for s in spans)


@pytest.mark.parametrize("text", [
    "81 YO WOMAN TRANSFERRED FROM DUNMORE HOSPITAL",
    "PT 2 WAS ADMITTED TO OKAFOR MEMORIAL FOR VFIB ARREST",
    "HE WORKS AS AN AIDE AT ZELLWEGER MEMORIAL HOSPITAL, FINISHED SCHOOL",
])
def test_no_clause_word_in_a_facility_span(text):
    spans = find_organizations(text) + find_facilities(text)
    mask = _covered(text, spans)
    for word in ("YO", "WOMAN", "TRANSFERRED", "FROM", "WAS", "ADMITTED", "TO", "FOR", "VFIB", "AIDE", "AT",
                 "FINISHED"):
        i = text.find(" " + word + " ")
        if i >= 0:
            assert not any(mask[i + 1:i + 1 + len(word)]), word


@pytest.mark.parametrize("text", [
    "PINK TISSUE AT EDGES. ESCHAR NOTED IN CENTER APPROX 2MM.",
    "TUNNELING WITH YELLOW AND ESCHAR TISSUE IN CENTER, PINK EDGES",
    "CONTINUE FEVER W/U- ANTIBX AS ORDERED",
    "PT TO BE SCREENED FOR REHAB-PT TO TALK TO CASE MGMT",
    "DC FEM LINE SO PT CAN GET OOB AND BEGIN CARDIAC REHAB.",
    "MED FOR COMFORT..BEGIN REHAB",
    "PT MAY BE TRANSFERRED WHEN BED AVAILABLE TO REHAB",
    "2 PIVS PLACED AT OUTSIDE HOSPITAL. ALINE PLACED IN CCU.",
    "GU- ANURIC. DIALYSIS CATHETER IN PLACE. ? SCHEDULE FOR DIALYSIS.",
    "P: CONTIN PRESENT RX PLAN.",
    "TUBE FEEDS VIA NGT WITH MINIMAL RESIDUALS SO RATE INCREASED",
    "GREEN LIQUID STOOL VIA RECTAL TUBE.",
    "Review of Systems: Resp: clear",
    "PLAN: PICC line tomorrow in Interventional Radiology.",
    "Transfer to Medical Floor when bed available.",
    "Decrease amio. Cont rehab.",
    "PT FOUND WANDERING HOSPITAL HALLWAY BY SW",
    "pt came from rehab, resides at rehab/nursing home",
    "ICU team aware, REHAB SCREENING done",
    "VANCO LEVEL PEAK 31.1 TROUGH 23.4. DR AWARE",
    "10/3 PERSANTINE THALLIUM ST-BORDERLINE ISCHEMIC ST CHGS",
    "BS COVER W 4U REG SQ @ 0200",
    "PAPs about the same 20's/8 Wedge 13. Pt is neg 1L",
    "PT HAD 14 BEAT RUN OF VT, ASYMPTOMATIC",
    "NOON GLUCOSE 262. 12U REG INSULIN SQ GIVEN",
    "EKG W NEW Q'S V1-5 WO ACUTE ST CHGS",
])
def test_clinical_clauses_are_not_facilities_or_addresses(text):
    assert _found(text) == []


@pytest.mark.parametrize("text", [
    "12 MAIN ST, DOVER NH 03820", "45 Oak Dr. Apt 4", "1200 ELM ST", "22 WEST JUNIPER DR",
    "310 NW Martin Luther King Jr Ter",
])
def test_street_addresses_in_any_case_are_kept(text):
    assert any(f.startswith(text.split(",")[0].split(".")[0][:6]) for f in
               [text[c.start:c.end] for c in find_locations(text)])


def test_name_run_helpers():
    text = "74 YO WOMAN TRANSFERRED FROM DUNMORE HOSPITAL"
    head = text.index("HOSPITAL")
    assert text[name_run_start(text, 0, head):head] == "DUNMORE "
    text = "transferred to Ozark Valley Co. after"
    s = text.index("Ozark")
    assert text[s:name_run_end(text, s, len(text))] == "Ozark Valley Co."
    text = "TRANSFERRED TO VAMC ICU."
    s = text.index("VAMC")
    assert text[s:name_run_end(text, s, len(text))] == "VAMC"


@pytest.mark.parametrize("text", ["PMH: CAD\n IDDM \n FUO \nGERD", "PMH:\nHTN\nCRI\nCOPD\n"])
def test_capitals_items_of_a_history_list_are_not_site_codes(text):
    assert find_organizations(text) == []


@pytest.mark.parametrize("text, code", [("ST LUKES\nCVH\n\nDISCHARGE SUMMARY\nPatient was admitted", "CVH"),
                                        ("Report\nMGH\nName: Ann Lee", "MGH")])
def test_site_codes_alone_in_a_header_are_kept(text, code):
    assert code in [text[c.start:c.end] for c in find_organizations(text)]


@pytest.mark.parametrize("text, name", [("Tucson VA records reviewed", "Tucson VA"),
                                        ("followed at the Tucson VAMC clinic", "Tucson VAMC")])
def test_veterans_hospital_named_by_town(text, name):
    assert any(text[c.start:c.end].startswith(name) for c in find_organizations(text))


@pytest.mark.parametrize("text", ["Right VA 20/40, Left VA 20/30", "VA 20/20 OU"])
def test_visual_acuity_is_no_veterans_hospital(text):
    assert find_organizations(text) == []


@pytest.mark.parametrize("text, town", [("Knows she is in Pinecrest Medical Center in Lochview.", "Lochview"),
                                        ("treated at Mercy Hospital in Springfield last year", "Springfield")])
def test_town_after_a_facility(text, town):
    assert town in [text[c.start:c.end] for c in find_organizations(text)]


@pytest.mark.parametrize("text", ["Seen at Dunmore Memorial Hospital in December for CP",
                                  "Seen at Dunmore Memorial Hospital in Follow up clinic"])
def test_no_town_from_a_month_or_a_common_word(text):
    assert all(c.type == "ORGANIZATION" for c in find_organizations(text))


def test_a_facility_word_with_no_name_before_it_can_name_the_next():
    text = "SEEN WHEN PRESENTED AT DWMC HOSPITAL WITH CP"
    assert "DWMC HOSPITAL" in [text[c.start:c.end] for c in find_organizations(text)]
