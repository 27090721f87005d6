"""Residual gate, round 5 kinds outside names: numbers with slashes and underscores, clinical number shapes that
are not identifiers, ages and birth years in more spellings, dates and times, obfuscated e-mail, addresses."""
import pytest

from clinical_pipelines.deid.residual import dates as D
from clinical_pipelines_tests.deid._residual_helpers import blocking, covered



def touched(text: str, needle: str, known=None) -> bool:
    i = text.find(needle)
    assert i >= 0, "test input does not contain its own needle"
    return any(f.start < i + len(needle) and f.end > i for f in blocking(text, known))


POSITIVES = [
    # phones with a slash after the area code, any second separator
    ("Ph: (617)/555-0142", "(617)/555-0142"), ("cell 413/772.9080 after 5", "413/772.9080"),
    ("Call 207 / 555-3311 re results", "207 / 555-3311"), ("cell: 617/ 555 0142", "617/ 555 0142"),
    ("ph 555.201/7788", "555.201/7788"), ("Age: 91F", "91"), ("91 F pt seen", "91"), ("born c. 1930", "1930"),
    ("12 County Rd 5", "12 County Rd 5"), ("Lives in DES MOINES IOWA", "DES MOINES"), ("home: (919)/ 684.2020", "(919)/ 684.2020"),
    # identifiers with underscores
    ("ssn 521_83_0047", "521_83_0047"), ("SSN: 078_05_1120.", "078_05_1120"), ("MRN 4471_2290_13", "4471_2290_13"),
    # ages over 89 written sex-first and birthdays
    ("Sex/Age: M/95", "95"), ("Gender/Age: F / 101", "101"), ("AGE/SEX: FEMALE/93", "93"),
    ("celebrated her 91st bday", "91st"), ("his 100th b-day party", "100th"), ("her ninetieth b'day was Sunday", "ninetieth"),
    ("his 96th birth day", "96th"),
    # birth years that imply 90+
    ("born in '31 on a farm", "'31"), ("He was born in nineteen thirty.", "nineteen thirty"),
    ("Born in nineteen hundred and twenty-two in Ohio", "nineteen hundred and twenty-two"),
    ("YOB nineteen-oh-nine", "nineteen-oh-nine"), ("b. '27", "'27"),
    # month/'yy dates and times next to dates
    ("hospitalised 4/'21 for CHF", "4/'21"), ("last colonoscopy 12 / '18", "12 / '18"),
    ("Time of death: 2215 on 1/3/24.", "2215"), ("Pronounced 04:12, 5/6/22", "04:12"),
    ("Verified 14.3.22 17.45 by lab.", "17.45"), ("x 1/2/23-3/4/23", "1/2/23-3/4/23"), ("DOB 3.4.1940.", "3.4.1940"), ("collected 2.11.2023 08.05", "08.05"),
    # obfuscated e-mail
    ("Send to jlee77 @ gmail . com today", "jlee77"), ("email: ana dot ruiz at example dot net", "ana dot ruiz"),
    ("reach him at t.okafor [at] example [dot] org", "t.okafor"), ("mbrown58 @ yahoo . com", "mbrown58"),
    # addresses: hyphenated routes, rural routes, PO boxes, informal suffixes, caps ordinals
    ("clinic: 1200 US-9 Ste 4, Hadley, MA 01035", "1200 US-9"), ("Lives at 45 NY-25A, Apt 2", "45 NY-25A"),
    ("RR 3 Box 41, Elkins, WV", "RR 3 Box 41"), ("Mail to HC 64 Box 12", "HC 64 Box 12"),
    ("Rural Route 7 outside town", "Rural Route 7"), ("Box 7, RR 1", "Box 7, RR 1"), ("HCR 62 Box 5", "HCR 62 Box 5"), ("POB 318, Nome", "POB 318"), ("P.O.B. 77", "P.O.B. 77"),
    ("ADDRESS: 31-07 74TH STREET", "31-07 74TH STREET"), ("Pt staying at 88-10 Queens Bl., 3rd fl", "88-10 Queens Bl"),
    ("HOME: 12 3RD AVE APT 2B", "12 3RD AVE"),
    # cities in parentheses and all-caps cities after a residence cue
    ("Referred by PCP (Bemidji MN).", "Bemidji"), ("outside films (spokane, wa)", "spokane"),
    ("ED (Kalispell, MT) sent records", "Kalispell"), ("RESIDENCE: RAPID CITY SOUTH DAKOTA", "RAPID CITY"),
    ("ADDRESS: GRAND FORKS NORTH DAKOTA", "GRAND FORKS"), ("lives in FARGO NORTH DAKOTA", "FARGO"),
]


@pytest.mark.parametrize("text,needle", POSITIVES)
def test_round5_identifiers_block(text, needle):
    assert covered(text, needle)


NEGATIVES = [
    # ventilator settings, BP ranges, doses, decimals and clinical abbreviations
    ("Vent AC 500-16-8, FiO2 50%", "500-16-8"), ("SIMV 450/12/5 PS 10", "450/12/5"), ("vent settings 400-18-10", "400-18-10"),
    ("BP 100–110/60–70 overnight", "100–110/60–70"), ("SBP goal 120/70-140/90", "120/70-140/90"),
    ("BP ranged 130-150/80-95", "130-150/80-95"), ("fentanyl 25-50-75 mcg titration", "25-50-75"),
    ("RR 18, HR 90, SpO2 95%", "RR 18"), ("Vent: 450/14/5/40%", "450/14/5/40"), ("AC/VC 500-12-5-40", "500-12-5-40"),
    ("settings 500x14, PEEP 5", "500x14"), ("ABG 7.32/48/78/24", "7.32/48/78/24"),
    ("labs 140/4.1/102/24/18/1.1/110", "140/4.1/102/24/18/1.1/110"), ("chem7 138-4.2-101-25-15-0.9-98", "138-4.2"), ("Pt (see above, ok) today", "see above"), ("(left arm, mn)", "left arm"), ("(bid, nd)", "bid"), ("CHF IN GEORGIA", "GEORGIA"),
    ("on 3/7/23 gave 12.50 mg", "12.50"), ("dose 100/200 5000 units", "5000"), ("BP 110/100.1234", "1234"), ("Sx f/90 days", "90"), ("glucose ac 120, hs 180", "120"),
    ("follow up at clinic dot com", "clinic"), ("seen at home. Com", "home"),
    ("born in '15, now 11", "'15"), ("born in nineteen seventy", "nineteen seventy"),
]


@pytest.mark.parametrize("text,needle", NEGATIVES)
def test_round5_clinical_shapes_do_not_block(text, needle):
    assert not touched(text, needle)


@pytest.mark.parametrize("words,year", [("nineteen twenty-eight", 1928), ("nineteen hundred and five", 1905),
                                        ("nineteen-oh-five", 1905), ("eighteen ninety-nine", 1899),
                                        ("nineteen thirty", 1930), ("twenty twenty-one", 2021), ("fifty", None)])
def test_spelled_year_value(words, year):
    assert D.spelled_year_value(words) == year


def test_spelled_birth_year_with_known_dob():
    text = "Born in nineteen twenty-eight on a dairy farm."
    assert covered(text, "nineteen twenty-eight", {"birth_date": ["1928-06-01"]})
