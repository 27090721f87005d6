"""Round-5 kinds, organisations: employers, schools, shops and daycares named in a social history are redacted
(i2b2 2014 ORGANIZATION; the project's policy), generic workplaces stay; hospital services and specialties read as
organisations ("Pulm clinic", "Neuro ICU") stay, named clinics and centres are redacted. The rule families run
together (``recognizers.FAMILIES``) on invented sentences."""
import pytest

from clinical_pipelines.deid.policy import load_deid_policy
from clinical_pipelines.deid.text.normalize import analysis_view
from clinical_pipelines.deid.text.recognizers import FAMILIES
from clinical_pipelines.deid.text.services import is_service_name

THRESHOLD = load_deid_policy().text.score_threshold
PERSON_PLACE_ORG = ("NAME", "LOCATION", "ORGANIZATION")


def family_candidates(text: str):
    """The analysis view of ``text`` and every family's candidates at or above the policy threshold."""
    view = analysis_view(text).text
    return view, [c for _, _, fn in FAMILIES for c in fn(view) if c.score >= THRESHOLD]


def covered(text: str, value: str) -> bool:
    """Every letter and digit of the first occurrence of ``value`` lies in a candidate of some family."""
    view, cands = family_candidates(text)
    lo = view.index(value)
    return all(any(c.start <= i < c.end for c in cands) for i in range(lo, lo + len(value)) if view[i].isalnum())


def touched(text: str, value: str, types=PERSON_PLACE_ORG) -> bool:
    """A candidate of one of ``types`` overlaps the first occurrence of ``value``."""
    view, cands = family_candidates(text)
    lo = view.index(value)
    return any(c.type in types and c.start < lo + len(value) and c.end > lo for c in cands)


EMPLOYERS = [
    ("She works at Stop & Shop as a cashier.", "Stop & Shop"),
    ("He is a cashier at Market Basket.", "Market Basket"),
    ("Employed by Raytheon as a machinist.", "Raytheon"),
    ("Son attends Little Sprouts daycare.", "Little Sprouts"),
    ("She is a teacher at Lincoln Elementary.", "Lincoln Elementary"),
    ("Retired from Gillette in 2010.", "Gillette"),
    ("Works for the MBTA.", "MBTA"),
    ("She is a nurse at Beth Israel.", "Beth Israel"),
    ("He drives for UPS.", "UPS"),
    ("Manager at Dunkin Donuts.", "Dunkin Donuts"),
    ("Student at Northeastern.", "Northeastern"),
    ("Works nights at CVS.", "CVS"),
    ("Mechanic at Jiffy Lube for 10 yrs.", "Jiffy Lube"),
    ("She is a sophomore at UMass Amherst.", "UMass Amherst"),
    ("Goes to Sunshine Preschool three days a week.", "Sunshine Preschool"),
    ("Kids attend Bright Horizons daycare.", "Bright Horizons"),
    ("Volunteers at the Salvation Army on weekends.", "Salvation Army"),
    ("Former machinist at Pratt & Whitney, retired 2015.", "Pratt & Whitney"),
    ("Is in 5th grade at Hawthorne Middle School.", "Hawthorne Middle School"),
    ("Retired from GE after 30 years.", "GE"),
    ("Works for Verizon as a lineman.", "Verizon"),
    ("Occupation: cashier at Shaw's", "Shaw"),
    ("Pt is a custodian at Brockton High School.", "Brockton High School"),
    ("He is a line cook at Legal Sea Foods.", "Legal Sea Foods"),
    ("Husband is a bus driver for Peter Pan.", "Peter Pan"),
    ("works as a teller at Rockland Trust", "Rockland Trust"),
    ("She is a paralegal at Goodwin Procter.", "Goodwin Procter"),
    ("Works part time as a stocker at Trader Joe's.", "Trader Joe"),
    ("Delivers for Amazon, lifting 50 lb boxes.", "Amazon"),
    ("Teaches at Tufts, non-smoker.", "Tufts"),
    ("Employed at Walmart in the deli.", "Walmart"),
    ("Security guard at Fenway Park.", "Fenway Park"),
    ("Works as an electrician for Eversource.", "Eversource"),
    ("Grandson attends Kiddie Academy.", "Kiddie Academy"),
    ("SOCIAL: married, 2 kids, wife is a receptionist at Harborview Dental.", "Harborview"),
    ("Lives with mother. Barista at Tatte Bakery, vapes daily.", "Tatte"),
    ("He is an engineer at Boston Scientific.", "Boston Scientific"),
    ("Daughter (age 4) goes to Happy Hearts Daycare.", "Happy Hearts"),
    ("Retired longshoreman, worked for Conley Terminal.", "Conley Terminal"),
    ("Works at Brigham as a PCA.", "Brigham"),
    ("Works @ Walmart.", "Walmart"),
    ("Job: Home Depot", "Home Depot"),
    ("Employer - Raytheon", "Raytheon"),
    ("Goes to school at Brookline High.", "Brookline High"),
    ("Son is in kindergarten at Lincoln.", "Lincoln"),
    ("Takes classes at Bunker Hill, works part-time.", "Bunker Hill"),
    ("Daycare: Little Sprouts", "Little Sprouts"),
    ("School: Kennedy Elementary, 3rd grade", "Kennedy Elementary"),
    ("Place of employment: Boston Scientific", "Boston Scientific"),
    ("EMPLOYED BY RAYTHEON.", "RAYTHEON"),
    ("RETIRED FROM GILLETTE.", "GILLETTE"),
    ("Worked 20 years at Polaroid.", "Polaroid"),
    ("Drives for Lyft on weekends.", "Lyft"),
    ("Pt is a CNA at Hebrew SeniorLife.", "Hebrew SeniorLife"),
]


@pytest.mark.parametrize("text,value", EMPLOYERS)
def test_employers_schools_and_daycares_are_redacted(text, value):
    assert covered(text, value)


GENERIC_WORK = [
    ("Works at a bakery.", "bakery"),
    ("Works in construction.", "construction"),
    ("Works at home.", "home"),
    ("Retired teacher, lives alone.", "teacher"),
    ("Works as a nurse.", "nurse"),
    ("She is a teacher.", "teacher"),
    ("Attends daycare 3 days a week.", "daycare"),
    ("Attends school regularly.", "school"),
    ("Goes to the gym.", "gym"),
    ("Works at the hospital as an aide.", "hospital"),
    ("Student at a community college.", "community college"),
    ("Cashier at a grocery store.", "grocery store"),
    ("Works for the state.", "state"),
    ("Works for a trucking company.", "trucking company"),
    ("Attends church weekly.", "church"),
    ("Nurse at bedside, pt resting.", "bedside"),
    ("Works from home since the pandemic.", "home"),
    ("Retired from the military.", "military"),
    ("Employed full-time as a cook.", "cook"),
    ("Works nights, sleeps days.", "nights"),
    ("Manager at work told him to rest.", "work"),
    ("Attends cardiac rehab at 0800.", "cardiac rehab"),
    ("Cashier, works 30 hrs/week, no exposures.", "Cashier"),
    ("Teacher at the local high school.", "local high school"),
    ("Works at a daycare.", "daycare"),
    ("Unemployed, on disability since 2019.", "disability"),
    ("Job: Cashier", "Cashier"),
    ("Employment: Unemployed", "Unemployed"),
    ("School: Doing well, 3rd grade", "Doing"),
    ("Daycare: None", "None"),
    ("Works @ home.", "home"),
    ("Goes to school at night.", "night"),
]


@pytest.mark.parametrize("text,value", GENERIC_WORK)
def test_generic_workplaces_stay(text, value):
    assert not touched(text, value)


SERVICES = [
    ("Follow up in Pulm clinic.", "Pulm clinic"),
    ("Follow up in Pulm Clinic in 2 weeks.", "Pulm Clinic"),
    ("ID clinic next week.", "ID clinic"),
    ("Ortho clinic f/u.", "Ortho clinic"),
    ("Derm clinic referral.", "Derm clinic"),
    ("Cards clinic 3 weeks.", "Cards clinic"),
    ("Cards f/u in 2 weeks.", "Cards"),
    ("GI clinic in 4 weeks.", "GI clinic"),
    ("GI service consulted.", "GI service"),
    ("GI Service to scope in AM.", "GI Service"),
    ("Transferred to Neuro ICU.", "Neuro ICU"),
    ("Renal consult called.", "Renal consult"),
    ("Renal clinic Tuesday.", "Renal clinic"),
    ("Heme/Onc following.", "Heme/Onc"),
    ("Heme/Onc clinic follow up.", "Heme/Onc clinic"),
    ("Onc clinic next month.", "Onc clinic"),
    ("Uro clinic for cysto.", "Uro clinic"),
    ("Endo clinic for DM.", "Endo clinic"),
    ("Rheum Clinic appointment.", "Rheum Clinic"),
    ("Psych clinic intake.", "Psych clinic"),
    ("Peds clinic visit.", "Peds clinic"),
    ("Ob/Gyn clinic.", "Ob/Gyn clinic"),
    ("ENT clinic for hearing.", "ENT clinic"),
    ("Vascular Clinic f/u.", "Vascular Clinic"),
    ("Heart Failure Clinic next week.", "Heart Failure Clinic"),
    ("Anticoagulation Clinic for INR.", "Anticoagulation Clinic"),
    ("Wound Clinic weekly.", "Wound Clinic"),
    ("Transplant Clinic.", "Transplant Clinic"),
    ("Sleep Clinic for PSG.", "Sleep Clinic"),
    ("Pacer clinic interrogation.", "Pacer clinic"),
    ("Memory Clinic evaluation.", "Memory Clinic"),
    ("Diabetes Clinic education.", "Diabetes Clinic"),
    ("Trauma Surgery Service.", "Trauma Surgery Service"),
    ("Thoracic Surgery Clinic.", "Thoracic Surgery Clinic"),
    ("Admitted to Cardiac ICU.", "Cardiac ICU"),
    ("Medicine Service accepted.", "Medicine Service"),
    ("F/U PULM CLINIC 2 WKS.", "PULM CLINIC"),
    ("TRANSFERRED TO NEURO ICU.", "NEURO ICU"),
    ("f/u in pulm clinic", "pulm clinic"),
    ("gi clinic next wk", "gi clinic"),
    ("HEME/ONC CLINIC", "HEME/ONC CLINIC"),
    ("ID CLINIC FOLLOW UP", "ID CLINIC"),
]


@pytest.mark.parametrize("text,value", SERVICES)
def test_specialty_clinics_and_wards_stay(text, value):
    assert not touched(text, value, ("ORGANIZATION", "LOCATION"))


NAMED_CLINICS = [
    ("Seen at Lahey Clinic.", "Lahey Clinic"),
    ("Followed at Mayo Clinic.", "Mayo Clinic"),
    ("Transferred to Boston Medical Center.", "Boston Medical Center"),
    ("Seen in the Joslin Diabetes Center.", "Joslin"),
    ("Seen at Harbor Cardiology Clinic.", "Harbor Cardiology Clinic"),
    ("Pike Street Clinic.", "Pike Street"),
    ("Fenway Health for PrEP.", "Fenway Health"),
    ("Brigham Neurology Clinic.", "Brigham Neurology Clinic"),
    ("Seen at Cleveland Clinic.", "Cleveland"),
    ("Referred to Lahey Pulmonary Clinic.", "Lahey"),
    ("ORTHO CLINIC AT LAHEY CLINIC", "LAHEY CLINIC"),
]


@pytest.mark.parametrize("text,value", NAMED_CLINICS)
def test_named_clinics_and_centres_are_redacted(text, value):
    assert covered(text, value)


@pytest.mark.parametrize("span,expected", [
    ("Pulm clinic", True), ("Heme/Onc", True), ("Neuro ICU", True), ("GI service", True), ("Ob/Gyn clinic", True),
    ("Heart Failure Clinic", True), ("clinic", False), ("the Service", False), ("Lahey Clinic", False),
    ("Mayo Clinic", False), ("Boston Medical Center", False), ("Summit Pulmonary Clinic", False), ("CVS", False),
    ("Medical Center", False), ("General Hospital", False), ("Adult Medicine Clinic", True),
])
def test_is_service_name(span, expected):
    assert is_service_name(span) is expected
