"""Employers after a work cue in any case (Title case, lower case, capitals), names closed by a legal form or a
business word, and work places that name no employer. All names are invented."""
from __future__ import annotations

import pytest

from clinical_pipelines.deid.text.organizations import find_organizations

POSITIVE = [
    ("Lives alone. Retired from Quillmore Casino. Never smoker.", "Quillmore Casino"),
    ("Lives alone. Retired\nfrom Quillmore Casino. Never smoker.", "Quillmore Casino"),
    ("Lives alone. Retired from\nOsterhaven Foods. Never smoker.", "Osterhaven Foods"),
    ("LIVES ALONE. RETIRED FROM SHINY CREEK DAIRY CO-OP. NEVER SMOKER.", "SHINY CREEK DAIRY CO-OP"),
    ("LIVES ALONE. RETIRED FROM BRISK DAIRY CO-OP. NEVER SMOKER.", "BRISK DAIRY CO-OP"),
    ("LIVES WITH WIFE. WORKS AS A DRIVER AT QUAD-COUNTY TRANSIT. DENIES ETOH.", "QUAD-COUNTY TRANSIT"),
    ("LIVES WITH WIFE. WORKS IN MAINTENANCE AT VELDHUIS FEED MILL. DENIES ETOH.", "VELDHUIS FEED MILL"),
    ("RETIRED FROM CORVANT INSURANCE.", "CORVANT INSURANCE"),
    ("retired from corvant insurance. never smoker.", "corvant insurance"),
    ("works at brisk dairy co-op. never smoker.", "brisk dairy co-op"),
    ("pt works full time at marrowby motors, denies tobacco.", "marrowby motors"),
    ("Works part-time at Tamsworth Farms.", "Tamsworth Farms"),
    ("Employed by Dravik Manufacturing LLC since 2004.", "Dravik Manufacturing LLC"),
    ("EMPLOYED BY DRAVIK MANUFACTURING LLC SINCE 2004.", "DRAVIK MANUFACTURING LLC"),
    ("Retired machinist from Calverly Tool Works.", "Calverly Tool Works"),
    ("RETIRED MACHINIST FROM CALVERLY TOOL WORKS.", "CALVERLY TOOL WORKS"),
    ("retired teacher at pennock elementary.", "pennock elementary"),
    ("Job at Ulverstone Plant, second shift.", "Ulverstone Plant"),
    ("JOB AT ULVERSTONE PLANT, SECOND SHIFT.", "ULVERSTONE PLANT"),
    ("Employer: Halberd Motors\nSmoking: never", "Halberd Motors"),
    ("EMPLOYER: HALBERD MOTORS\nSMOKING: NEVER", "HALBERD MOTORS"),
    ("Occupation: welder at Kestrow Steel Co.\nTobacco: none", "Kestrow Steel Co."),
    ("occupation: cashier at brannock market", "brannock market"),
    ("Works as a teller at Ridgemoor Bank.", "Ridgemoor Bank"),
    ("worked for yarrowby trucking for 20 years", "yarrowby trucking"),
    ("Retired from the Fenwick Paper Mill in 2015.", "Fenwick Paper Mill"),
]

NEGATIVE = [
    ("Retired from teaching in 2010.", "teaching"),
    ("RETIRED FROM TEACHING. LIVES ALONE.", "TEACHING"),
    ("Works at home most days.", "home"),
    ("Works as a nurse on nights.", "nurse"),
    ("Retired from the Army in 1990.", "Army"),
    ("RETIRED FROM THE ARMY. NEVER SMOKER.", "ARMY"),
    ("retired from the us navy.", "navy"),
    ("Retired from the Air Force.", "Air Force"),
    ("Works for the county road crew.", "county"),
    ("WORKS FOR THE COUNTY.", "COUNTY"),
    ("Works at the grocery store.", "grocery store"),
    ("WORKS AT LOCAL GROCERY STORE.", "GROCERY STORE"),
    ("Retired from the paper mill.", "paper mill"),
    ("works at a shoe factory.", "shoe factory"),
    ("works at the bank downtown.", "bank"),
    ("Retired from construction, back pain since.", "construction"),
    ("Works nights at a casino.", "casino"),
    ("Metoprolol 25 mg po bid. BP 120/80. Works at home.", "mg"),
    ("Works for a trucking company.", "trucking company"),
    ("WORKS FOR THE PHONE COMPANY.", "PHONE COMPANY"),
    ("works for an insurance co.", "insurance co"),
]


def _covered(text: str, value: str) -> bool:
    s = text.index(value)
    e = s + len(value)
    spans = [(c.start, c.end) for c in find_organizations(text) if c.type == "ORGANIZATION"]
    return all(any(a <= i < b for a, b in spans) for i in range(s, e) if not text[i].isspace())


def _touched(text: str, value: str) -> bool:
    s = text.index(value)
    e = s + len(value)
    return any(c.start < e and s < c.end for c in find_organizations(text) if c.type == "ORGANIZATION")


@pytest.mark.parametrize("text,value", POSITIVE, ids=[f"pos{i}" for i in range(len(POSITIVE))])
def test_employer_after_work_cue_is_redacted(text: str, value: str) -> None:
    assert _covered(text, value), "employer name not covered by an ORGANIZATION candidate"


@pytest.mark.parametrize("text,value", NEGATIVE, ids=[f"neg{i}" for i in range(len(NEGATIVE))])
def test_generic_work_place_is_kept(text: str, value: str) -> None:
    assert not _touched(text, value), "generic work place or service branch flagged as an organisation"
