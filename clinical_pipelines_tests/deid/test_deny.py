"""Known-identifier deny lists (deid.text.deny): the record's own identifiers are found in the spellings free text
gives them, after normalisation; near misses are not. All identifiers below are invented."""
import datetime as dt

import pytest

from clinical_pipelines.deid.text.deny import deny_entries, kind_to_type, parse_known_date
from clinical_pipelines.deid.text import deny_match
from clinical_pipelines.deid.text.deny_match import DenyMatcher
from clinical_pipelines.deid.text.normalize import analysis_view


def hits(known, text):
    view = analysis_view(text)
    spans = view.to_original(DenyMatcher(deny_entries(known)).find(view.text))
    return {text[s.start:s.end] for s in spans}


@pytest.mark.parametrize("kind,typ", [
    ("zip", "LOCATION"), ("ip_address", "IP"), ("relationship", "ID"), ("patient_portal_url", "URL"),
    ("drivers_license", "LICENSE"), ("health_plan_id", "HEALTH_PLAN"), ("account_number", "ACCOUNT"),
    ("street_address", "LOCATION"), ("birth_date", "DATE"), ("attending_clinician", "NAME"),
    ("facility_name", "ORGANIZATION"), ("device_serial", "DEVICE"), ("vehicle_plate", "VEHICLE"), ("MRN", "MRN"),
    ("cell_phone", "PHONE"), ("fax", "FAX"), ("email", "EMAIL"), ("medical_record_number", "MRN"),
])
def test_kind_to_type(kind, typ):
    assert kind_to_type(kind) == typ


@pytest.mark.parametrize("kind,value,text,spelled", [
    ("mrn", "274903118", "MRN: 274 903 118. Chart reviewed.", "274 903 118"),
    ("mrn", "274903118", "chart 274-903-118", "274-903-118"),
    ("mrn", "274903118", "chart 274.903.118", "274.903.118"),
    ("mrn", "274903118", "(27-4903-118)", "27-4903-118"),
    ("mrn", "00729144", "MRN 729144", "729144"),
    ("mrn", "729144", "MRN 00729144", "00729144"),
    ("mrn", "E7290144", "MRN e 7290144", "e 7290144"),
    ("ssn", "521-66-0193", "SSN 521\u201366\u20130193 on file", "521\u201366\u20130193"),
    ("ssn", "521-66-0193", "SSN 521.66.0193", "521.66.0193"),
    ("ssn", "521-66-0193", "SSN 521 66 0193", "521 66 0193"),
    ("ssn", "521-66-0193", "ssn 521660193", "521660193"),
    ("ssn", "521-66-0193", "last 4 of SSN 0193.", "0193"),
    ("phone", "(608) 233-4190", "call +1 608 233 4190", "608 233 4190"),
    ("phone", "(608) 233-4190", "call 1-608-233-4190", "608-233-4190"),
    ("phone", "(608) 233-4190", "cell 6082334190", "6082334190"),
    ("phone", "(608) 233-4190", "local 233-4190 only", "233-4190"),
    ("phone", "+442079460311", "UK +44 20 7946 0311", "44 20 7946 0311"),
    ("phone", "+442079460311", "UK 020 7946 0311", "020 7946 0311"),
    ("health_plan_id", "XJH448812993", "Member XJH 448812993", "XJH 448812993"),
    ("health_plan_id", "XJH448812993", "member xjh-4488-12993", "xjh-4488-12993"),
    ("vehicle_plate", "7ABC123", "plate 7 ABC 123", "7 ABC 123"),
    ("email", "kofi.m88@example.com", "kofi.m88 at example dot com", "kofi.m88 at example dot com"),
    ("email", "kofi.m88@example.com", "KOFI.M88@EXAMPLE.COM", "KOFI.M88@EXAMPLE.COM"),
    ("email", "kofi.m88@example.com", "kofi.m88 [at] example [dot] com", "kofi.m88 [at] example [dot] com"),
    ("email", "kofi.m88@example.com", "portal user kofi.m88 logged in", "kofi.m88"),
    ("url", "https://portal.example.org/p/1", "see portal.example.org/p/1 today", "portal.example.org/p/1"),
    ("url", "https://portal.example.org/p/1", "www.portal.example.org/p/1/", "www.portal.example.org/p/1/"),
    ("ip_address", "10.2.3.4", "from 010.002.003.004", "010.002.003.004"),
    ("zip", "05401", "Burlington VT 05401-2210", "05401-2210"),
    ("street_address", "1200 Harbor Boulevard Apt 4", "lives at 1200 Harbor Blvd. now", "1200 Harbor Blvd."),
    ("patient_name", "Siobhán O'Brien-Núñez", "Ms. OBrien called", "OBrien"),
    ("patient_name", "Siobhán O'Brien-Núñez", "son of NUNEZ", "NUNEZ"),
    ("patient_name", "Siobhán O'Brien-Núñez", "siobhan's chart", "siobhan's"),
    ("patient_name", "Nguyễn Thị Hồng", "Interpreter: Nguyen Thi Hong.", "Nguyen Thi Hong"),
])
def test_known_identifier_in_another_spelling(kind, value, text, spelled):
    assert spelled in hits({kind: [value]}, text)


@pytest.mark.parametrize("spelled", [
    "04/05/1931", "4/5/1931", "4/5/31", "04-05-1931", "05.04.1931", "5/4/1931", "1931-04-05", "1931/04/05",
    "19310405", "April 5, 1931", "Apr 5, 1931", "Apr. 5th, 1931", "APRIL 5 1931", "5 April 1931", "5th April 1931",
    "05-Apr-1931", "05APR1931", "Apr-05-1931", "the fifth of April, 1931", "April the fifth", "April fifth",
    "April 5th", "5 Apr", "April 1931", "Apr '31", "April 5 '31", "04/1931",
])
def test_known_date_in_every_written_form(spelled):
    assert spelled in hits({"birth_date": ["1931-04-05"]}, f"DOB: {spelled}; seen today.")


@pytest.mark.parametrize("value", ["1931-04-05", "04/05/1931", "April 5, 1931", "1931-04-05T00:00:00"])
def test_known_date_value_formats(value):
    assert parse_known_date(value) == dt.date(1931, 4, 5)


@pytest.mark.parametrize("kind,value,text", [
    ("mrn", "274903118", "ref 2749031180 and 1274903118"),       # longer digit runs
    ("mrn", "274903118", "BP 274/90 HR 31 RR 18"),                  # digits spread over measurements
    ("ssn", "521-66-0193", "lab 0193 units"),                       # last four without an SSN cue
    ("phone", "(608) 233-4190", "x 6082334191"),
    ("birth_date", "1950-05-05", "5/5 strength; may 5 be fine"),    # m/d without a year, "may" the verb
    ("birth_date", "1931-04-05", "4/5 strength, 2/6 murmur"),
    ("email", "kofi.m88@example.com", "kofi called"),
    ("ip_address", "10.2.3.4", "version 110.2.3.45"),
    ("zip", "05401", "code 054012"),
])
def test_near_misses_are_not_matched(kind, value, text):
    assert not hits({kind: [value]}, text)


def test_birth_year_over_89_denied_only_with_the_birth_date():
    text = "Born in 1931 on a farm."
    assert "1931" in hits({"birth_date": ["1931-04-05"]}, text)
    assert "1931" not in hits({"admit_date": ["1931-04-05"]}, text)


def test_engine_redacts_known_identifiers_in_other_spellings(engine):
    note = "MRN: 274 903 118. SSN 521.66.0193. DOB the fifth of April, 1931. Email kofi.m88 at example dot com."
    known = {"mrn": ["274903118"], "ssn": ["521-66-0193"], "birth_date": ["1931-04-05"],
             "email": ["kofi.m88@example.com"]}
    out = engine.deidentify([note], [known])[0].text
    for value in ("274 903 118", "521.66.0193", "fifth of April", "1931", "kofi.m88"):
        assert value not in out


@pytest.mark.parametrize("kind,value,text,found", [
    ("facility_name", "Good Samaritan Hospital", "seen at good samaritan hosp. and GOOD SAMARITAN HOSPITAL",
     {"GOOD SAMARITAN HOSPITAL"}),
    ("facility_name", "Good Samaritan Hospital", "samaritan volunteers visited; hospital day 3", set()),
    ("street_address", "37 Willow Street", "lives at 37 willow st.", {"37 willow st."}),
    ("street_address", "37 Willow Street", "willow bark tea; 37 y/o", set()),
    ("city", "Lake Forest", "moved from LAKE FOREST last year", {"LAKE FOREST"}),
])
def test_multi_word_values_need_every_word(kind, value, text, found):
    """A multi-word value's pattern runs only where all of its literal words occur (``probe_kind`` "all-text"),
    and still matches every spelling it matched before."""
    entries = [e for e in deny_entries({kind: [value]}) if e.probe_kind == "all-text"]
    assert entries and all("\x00" in e.probe for e in entries)
    assert hits({kind: [value]}, text) == found


_BATCH_NAMES = ["Anne Okafor", "Anne-Marie Delacroix", "Marie-Claire Oyelaran", "Sean O'Brien", "Nguyen Thi Lan",
                "Ada Lovelock", "Kofi Mensah", "Priya Raman", "Tomasz Wojcik", "Ines Nunez"]


@pytest.mark.parametrize("text", [
    "Anne-Marie-Claire came in; ANNE at bedside", "seen by o'brien and OBrien's team", "obrien's wife, Lan",
    "Dr. Okafor's note; okafor_a signed", "annette and marie visited", "lovelocked tube", "Nunez, Ines at 3pm",
    "d/w raman, priya; WOJCIK aware; mensah-ok", "Delacroix.", "no names here: BP 120/80",
])
def test_batch_name_trie_matches_what_the_names_match_one_by_one(text):
    """A batch's many known names run as one trie pattern; it covers exactly the characters that each name's own
    pattern covers."""
    entries = [e for v in _BATCH_NAMES for e in deny_entries({"attending_clinician": [v]})]
    names = [e for e in entries if e.probe_kind == "any-text"]
    assert len(names) >= deny_match.MIN_TRIE_NAMES

    def covered(spans):
        return {i for s in spans for i in range(s.start, s.end)}
    merged = DenyMatcher(entries)
    assert [e.probe_kind for e in merged.entries if e.type == "NAME" and e.probe_kind != "all-text"] == ["text"]
    one_by_one = set().union(*(covered(DenyMatcher([e]).find(text)) for e in entries))
    assert covered(merged.find(text)) == one_by_one


_LITERAL_VALUES = {"patient_name": ["Sean O'Brien", "Anne-Marie De la Cruz", "Li Xu"],
                   "street_address": ["37-12 Willow Pl.", "100 North Main Street Apt 4"],
                   "city": ["Lake Forest"], "facility_name": ["St. Mary's Medical Center"]}


@pytest.mark.parametrize("text", [
    "Sean OBrien's wife; o'brien_2 called", "ANNE-MARIE de-la-cruz, Li and XU's son", "lives 37-12 willow place.",
    "100 N. MAIN ST, apt 4", "100 north main st.x", "lake-forest; LAKEFOREST; lake forestry", "st marys medical center",
    "St. Mary's Medical Centers", "xli xu2 li_ xu", "willow pl.; 37 12 WILLOW PL",
])
def test_literal_words_match_as_their_regex(text):
    """Names, streets, cities and facilities are matched as literal words (no regex compiled per value); the
    characters covered are those their regex covers."""
    entries = deny_entries(_LITERAL_VALUES)
    assert any(e.words for e in entries)

    def covered(es):
        return {(i, s.type) for s in DenyMatcher(es).find(text) for i in range(s.start, s.end)}
    assert covered(entries) == covered([e._replace(words=None) for e in entries])


@pytest.mark.parametrize("known,written", [
    ("14 Birchwood Terrace", "14 Birchwood Terr"), ("14 Birchwood Terr.", "14 BIRCHWOOD TERRACE"),
    ("9 Elm Street", "9 elm str."), ("9 Elm St", "9 Elm Strt"), ("200 Ocean Avenue", "200 Ocean Av"),
    ("5 Kings Highway", "5 kings hwy"), ("77 Lake Drive", "77 Lake Drv"), ("3 Mill Court", "3 Mill Crt"),
])
def test_street_suffixes_in_the_spellings_usps_lists(known, written):
    """A known street matches its suffix in every spelling of USPS Publication 28 Appendix C1, both ways."""
    assert hits({"street_address": [known]}, f"lives at {written}, since 2019") == {written}
