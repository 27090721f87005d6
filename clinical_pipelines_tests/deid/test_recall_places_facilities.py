"""Places and facilities named the way bedside notes name them, with names these tests invent: hospital-shaped
acronyms after a transfer or place word ("tranfered to BMC", "at SMH.", "a consult from the KMC"), a named emergency
room or cath lab in any case ("enroute to hellyer er"), a ward with its number after a move cue whatever its word
("transfer to rose 7", "PLAN: TRANSFER TO BAKER 4"), a ward after a call-out cue ("c/o to quillane"), a kind of
facility and where it is ("d/c to rehab at Brookhaven", "nursing home in Ashby"); and the clinical text that must
stay ("transferred to floor", "to CCU 2", "from home", "c/o to floor", "ICH", "rehab at home")."""
import pytest

from clinical_pipelines.deid.text.facilities import find_facilities

from ._finder_helpers import covered, touched


@pytest.mark.parametrize("text, secret", [
    # hospital-shaped acronyms, also frequent strings elsewhere ("BMC", "CMC", "SMH")
    ("HE WAS INTUBATED AND TRANFERED TO BMC FOR FURTHER CARE. AT BMC EW HE REMAINED INTUBATED", "BMC"),
    ("PT RECENTLY ADMITTED TO CMC FOR SBO X 1 MO AGO.", "CMC"),
    ("FOUND UNRESPONSIVE AT HOME. TRANSFERRED TO CMC ED. INTUBATED", "CMC"),
    ("FAMILY ASKED ABOUT BRINGING IN A CONSULT FROM THE DMC. HO AWARE.", "DMC"),
    ("Report shows pt had blasts on diff at SMH.. Concern for lymphoma", "SMH"),
    ("So far at SMH, pt has blood cx pending x 5", "SMH"),
    ("WOULD NEED TO LEAVE SMH, HAVE SURGERY AND RETURN", "SMH"),
    ("pt transferred from NWMC for cath", "NWMC"),
    ("Pt was seen at RMC last month", "RMC"),
    # a named emergency room or cath lab in lower case or capitals
    ("ntg given enroute to hellyer er. pt req intubation", "hellyer"),
    ("to stuemke cath lab- unsuccessful ptca of rca", "stuemke"),
    ("PT TAKEN TO DORNANVILLE EW BY AMBULANCE", "DORNANVILLE"),
    ("ntg given enroute to carmichael er, intubated on arrival", "carmichael"),
    ("to quincy cath lab for ptca of the rca", "quincy"),
    ("EMS TOOK HIM TO HOBART ER", "HOBART"),
    # a ward named by a census name with its number after "to", "on", "from"
    ("PT TRANSFERRED FROM CARMICHAEL 5 FOR HYPOTENSION", "CARMICHAEL"),
    # wards with a number after a move cue, any word
    ("plan: transfer to rose 7 in am", "rose"),
    ("PLAN: TRANSFER TO BAKER 4 WHEN BED AVAILABLE", "BAKER"),
    ("pt transferred from Stone 3 for increasing SOB", "Stone"),
    ("called out to lindgren 4. report given", "lindgren"),
    ("TX BACK TO HOLLIS 11 TODAY", "HOLLIS"),
    # a ward after a call-out cue, a word outside the vocabulary
    ("continue to increase activity as tolerated \nc/o to quillane if continues to be stable.", "quillane"),
    ("C/O TO MARVENTON WHEN BED AVAIL", "MARVENTON"),
    # a kind of facility, then where it is
    ("d/c to rehab at Brookhaven when bed available", "Brookhaven"),
    ("D/C TO REHAB AT FAIRLAWN WHEN BED AVAIL.", "FAIRLAWN"),
    ("Pt lived in a nursing home in Ashby prior to admission.", "Ashby"),
    ("pcp in Wexford aware of admission", "Wexford"),
    ("Pt sees cardiologist at Lahey", "Lahey"),
    # a visiting-nurse agency named by its place or owner
    ("VNA of Cape Cod to follow at home", "Cape Cod"),
    ("Cape Cod VNA to resume services", "Cape Cod"),
    ("pt had vna of greater lowell 3x/wk", "lowell"),
    ("set up with Hallmark Health VNA", "Hallmark Health"),
])
def test_place_or_facility_found(text, secret):
    assert covered(find_facilities, text, secret, last=True)


@pytest.mark.parametrize("text, word", [
    ("transfer to floor 2 when bed available", "floor"),
    ("Pt transferred to CCU 2 for monitoring", "CCU"),
    ("pt transferred to chair x 2 with assist", "chair"),
    ("Pt transferred from home with family", "home"),
    ("c/o to floor if continues to be stable.", "floor"),
    ("c/o to medicine when bed available", "medicine"),
    ("transferred from May 3 through May 9", "May"),
    ("weaned to cpap 5 this am", "cpap"),
    ("presented to OSH with ICH, transferred for neurosurgery", "ICH"),
    ("admitted with SAH, at OSH CT showed bleed", "SAH"),
    ("rehab at home with PT", "home"),
    ("hospital in the past for chf", "past"),
    ("rehab in Florida for the winter", "Florida"),
    ("Pt is in rehab at this point", "point"),
    ("Foley to gravity, transferred to bed with 2 assist", "bed"),
    ("transferred to stretcher and taken to CT", "CT"),
    ("Increase to 20 when tolerated. Wean to 5 today.", "Wean"),
    ("MAINTAINING O2SATS IN THE HIGH 90'S.", "HIGH"),
    ("Will need VNA at home.", "need"),
    ("ntg given enroute to the er, intubated", "the"),
    ("taken to local er by ems", "local"),
    ("to cardiac cath lab for ptca", "cardiac"),
    ("brought to adult ed by family", "adult"),
    ("increase to level 2 today", "level"),
    ("Cont on 40% FM, sats 97%. Wedge 14.", "Wedge"),
    ("Needs VNA for dressing changes", "Needs"),
    ("Continue VNA services. Home VNA aware.", "Home"),
    ("Provider: Dr. Ames, Keene Memorial Hospital in Keene\nSPECIMEN: skin, right forearm", "SPECIMEN"),
])
def test_clinical_text_stays(text, word):
    assert not touched(find_facilities, text, word)
