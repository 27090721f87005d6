"""Synthetic identity material (names, addresses, identifiers) for the generators.

Everything here is invented and drawn from hand-written lists with a caller-supplied
``random.Random``, so output is stable across machines and library versions (no Faker).
Surnames and first names that collide with medical eponyms (Parkinson, Graves, Foley, ...)
are excluded, so eponyms in generated notes are never PHI.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
from typing import Any

# Words that appear in notes as eponyms / clinical terms and must never be generated as names.
EPONYM_WORDS = frozenset(
    w.lower()
    for w in (
        "Parkinson Graves Foley Swan Ganz Glasgow Apgar Wolff White Hashimoto Raynaud Barrett "
        "Crohn Alzheimer Cushing Addison Bruce Holter Doppler Mobitz Levine Murphy Bazett Babinski "
        "Valsalva Kussmaul Cheyne Stokes Killip Wells Duke Bell Hodgkin Down Wenckebach Brugada "
        "Osler Janeway Roth Homan Trendelenburg Heimlich Hunter Marfan Kawasaki Takotsubo Dressler "
        "Austin Flint Corrigan Quincke Beck Kerley Fontan Blalock Ross Bentall Norwood Glenn "
        "Grace Timi Heart"  # also words used in clinical scores (GRACE, TIMI, HEART)
    ).split()
)

_FIRST_F = (
    "Mary Patricia Linda Barbara Elizabeth Jennifer Maria Susan Margaret Dorothy Lisa Nancy Karen "
    "Betty Helen Sandra Donna Carol Ruth Sharon Michelle Laura Sarah Kimberly Deborah Jessica "
    "Shirley Cynthia Angela Melissa Brenda Amy Anna Rebecca Virginia Kathleen Pamela Martha Debra "
    "Amanda Stephanie Carolyn Christine Marie Janet Catherine Frances Ann Joyce Diane Alice Julie "
    "Heather Teresa Doris Gloria Evelyn Jean Cheryl Mildred Katherine Joan Ashley Judith Rose Janice "
    "Kelly Nicole Judy Christina Kathy Theresa Beverly Denise Tammy Irene Jane Lori Rachel Marilyn "
    "Andrea Kathryn Louise Sara Anne Jacqueline Wanda Bonnie Julia Ruby Lois Tina Phyllis Norma "
    "Paula Diana Annie Lillian Emily Robin Peggy Crystal Gladys Rita Dawn Connie Florence Tracy "
    "Edna Tiffany Carmen Rosa Cindy Grace Wendy Victoria Edith Kim Sherry Sylvia Josephine Thelma "
    "Shannon Sheila Ethel Ellen Elaine Marjorie Carrie Charlotte Monica Esther Pauline Emma Juanita "
    "Anita Rhonda Hazel Amber Eva Debbie April Leslie Clara Lucille Jamie Joanne Eleanor Valerie "
    "Danielle Megan Alicia Suzanne Michele Gail Bertha Darlene Veronica Jill Erin Geraldine Lauren "
    "Cathy Joann Lorraine Lynn Sally Regina Erica Beatrice Dolores Bernice Audrey Yvonne Annette "
    "Priya Aisha Fatima Mei Yuki Ngozi Guadalupe Lakshmi Olga Ingrid Siobhan Renee Zoe Ximena Leilani "
    "Hana Amara Nadia Soo-jin Thi Chiara Ewa Oksana Imani Keisha Marisol Latoya Precious Yesenia"
).split()

_FIRST_M = (
    "James John Robert Michael William David Richard Charles Joseph Thomas Christopher Daniel Paul "
    "Mark Donald George Kenneth Steven Edward Brian Ronald Anthony Kevin Jason Matthew Gary Timothy "
    "Jose Larry Jeffrey Frank Scott Eric Stephen Andrew Raymond Gregory Joshua Jerry Dennis Walter "
    "Patrick Peter Harold Douglas Henry Carl Arthur Ryan Roger Joe Juan Jack Albert Jonathan Justin "
    "Terry Gerald Keith Samuel Willie Ralph Lawrence Nicholas Roy Benjamin Brandon Adam Harry Fred "
    "Wayne Billy Steve Louis Jeremy Aaron Randy Howard Eugene Carlos Russell Bobby Victor Martin "
    "Ernest Phillip Todd Jesse Craig Alan Shawn Clarence Sean Philip Chris Johnny Earl Jimmy Antonio "
    "Danny Bryan Tony Luis Mike Stanley Leonard Nathan Dale Manuel Rodney Curtis Norman Allen Marvin "
    "Vincent Glenn Jeffery Travis Jeff Chad Jacob Lee Melvin Alfred Kyle Francis Bradley Jesus "
    "Herbert Frederick Ray Joel Edwin Don Eddie Ricky Troy Randall Barry Alexander Bernard Mario "
    "Leroy Francisco Marcus Micheal Theodore Clifford Miguel Oscar Jay Jim Tom Calvin Alex Jon "
    "Ronnie Bill Lloyd Tommy Leon Derek Warren Darrell Jerome Floyd Leo Alvin Tim Wesley Gordon Dean "
    "Rajesh Arjun Wei Hiroshi Oluwaseun Kwame Tariq Mohammed Dmitri Sven Padraig Mateo Thanh Jae-won "
    "Giovanni Tomasz Bogdan Emeka DeShawn Malik Santiago Ezequiel Kenji Anand Farid Nikolai"
).split()

_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson Harris Sanchez "
    "Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores "
    "Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans "
    "Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Rogers Reed Cook Morgan "
    "Cooper Peterson Bailey Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood "
    "James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Foster "
    "Jimenez Powell Jenkins Perry Russell Sullivan Butler Ortiz Fisher Henderson Coleman Simmons "
    "Patterson Jordan Reynolds Hamilton Graham Wallace Gonzales Cole West Tran Marshall Owens "
    "McDonald Harrison Ruiz Kennedy Ellis Medina Woods Vasquez Castro Gibson Washington Ford "
    "Boyd Chen Wang Zhang Liu Yamamoto Tanaka Okafor Adeyemi Mensah Haddad Khoury Nasser Kowalski "
    "Nowak Novak Horvath Ivanova Petrov Johansson Lindqvist O'Brien O'Connor McCarthy Gallagher "
    "Fitzgerald Schneider Fischer Weber Becker Rossi Russo Ferrari Esposito Bianchi Romano Silva "
    "Santos Oliveira Pereira Costa Raman Iyer Reddy Krishnan Chowdhury Rahman Hussain Qureshi "
    "Abdullah Mahmoud Park Choi Jung Kang Cho Yoon Pham Hoang Vu Dang Bui Do Le Nakamura Sato "
    "Dubois Moreau Laurent Lefebvre Mercier Van-Dyke DeLuca St-Pierre Ortiz-Lane Aguilar-Soto "
    "Whitfield Brennan Donnelly Kaminski Zielinski Sorensen Halvorsen Okonkwo Abernathy Prescott "
    "Lindgren Castellano Villanueva Delgado Espinoza Figueroa Galloway Hargrove Kingsley Langford "
    "Merriweather Northcott Pemberton Quintero Rosales Salazar Thornton Underwood Vaughn Winslow "
    "Yates Zamora Blackwood Calloway Dunmore Ellsworth Fairbanks Goodwin Holloway Ingram"
).split()

FIRST_FEMALE = tuple(n for n in dict.fromkeys(_FIRST_F) if n.lower() not in EPONYM_WORDS)
FIRST_MALE = tuple(n for n in dict.fromkeys(_FIRST_M) if n.lower() not in EPONYM_WORDS)
LAST_NAMES = tuple(n for n in dict.fromkeys(_LAST) if n.lower() not in EPONYM_WORDS)

STREET_NAMES = tuple(
    (
        "Maple|Oak|Pine|Cedar|Elm|Birch|Willow|Chestnut|Spruce|Hemlock|Juniper|Sycamore|Hickory|"
        "Highland|Lakeview|Ridge|Hillside|Meadow|Orchard|Mill|Old Mill|Church|School|Union|Water|"
        "Bridge|Franklin|Jefferson|Madison|Lincoln|Washington|Prospect|Pleasant|Summer|Winter|Spring|"
        "Harbor View|Brookside|Fox Run|Deer Path|Stonewall|Quarry|Depot|Canal|Riverbend|Granite|"
        "Cranberry|Blueberry|Sunset|Fairview|Greenwood|Kingsbury|Ashford|Bayberry|Wentworth|"
        "Tamarack|Partridge|Sawmill|Ferry|Beacon|Lighthouse|Dockside|Hawthorne|Laurel|Magnolia"
    ).split("|")
)
STREET_SUFFIXES = ("St", "Street", "Ave", "Avenue", "Rd", "Road", "Ln", "Lane", "Dr", "Drive", "Ct",
                   "Way", "Blvd", "Pl", "Terrace", "Circle", "Hwy")

# site -> (states with ZIP3 prefixes and phone area codes, towns, counties)
SITE_GEOGRAPHY: dict[str, dict[str, Any]] = {
    "northgate": {
        "states": {
            "NH": {"zip3": ("030", "031", "032", "033", "034", "035", "036", "037", "038"),
                   "area": ("603",)},
            "VT": {"zip3": ("050", "051", "052", "053", "054", "056", "057", "058", "059"),
                   "area": ("802",)},
            "MA": {"zip3": ("010", "014", "018", "019"), "area": ("978", "413", "508")},
        },
        "towns": ("Millbrook", "Eastport", "Harlow Falls", "North Ashby", "Greyfield", "Canterbridge",
                  "Stonebury", "West Alder", "Pembury", "Fallowmere", "Kettle Cove", "Brantwood",
                  "Hollis Corner", "Marden", "Ossipee Flats", "Winterhaven"),
        "counties": ("Harlow County", "Merrimack Valley County", "Ashby County", "Grafton Hills County"),
        "restricted_zip3": ("036", "059"),
    },
    "riverside": {
        "states": {
            "NY": {"zip3": ("100", "101", "102", "104", "105", "107", "110", "117", "125"),
                   "area": ("212", "718", "914", "845", "516")},
            "CT": {"zip3": ("060", "061", "063", "064", "066", "068"), "area": ("203", "860")},
            "NJ": {"zip3": ("070", "073", "076", "079"), "area": ("201", "973", "908")},
        },
        "towns": ("Riverton", "Hudson Point", "Bellmore Heights", "Clearbrook", "Oakhurst", "Port Adair",
                  "Sutton Landing", "Greenhollow", "Tarrow", "Middle Ferry", "Lindenwold Park", "Cresthaven",
                  "Eastbrook", "Willet Bay", "Fordham Ridge", "Amberly"),
        "counties": ("Tarrow County", "Hudson Bend County", "Adair County", "Sutton County"),
        "restricted_zip3": ("102", "063"),
    },
    "lakeshore": {
        "states": {
            "MN": {"zip3": ("550", "551", "553", "554", "556", "557", "559", "560", "563"),
                   "area": ("218", "612", "651", "763", "507")},
            "WI": {"zip3": ("530", "531", "532", "535", "537", "541", "543", "549"),
                   "area": ("414", "608", "715", "920")},
            "NE": {"zip3": ("680", "681", "685", "692"), "area": ("402", "308")},
        },
        "towns": ("Lake Verona", "Pine Harbor", "Shoreview Falls", "Two Rivers Crossing", "Marquette Bay",
                  "Silver Birch", "Northfield Lake", "Elk Prairie", "Cold Spring Bluff", "Wabasha Point",
                  "Grand Isle", "Loon Lake", "Bayfield Hollow", "Red Cedar", "Stillwater Glen", "Iron Ridge"),
        "counties": ("Verona County", "Birch Lake County", "Elk Prairie County", "Wabasha Bluffs County"),
        "restricted_zip3": ("556", "692"),
    },
}
_GENERIC_SITES = tuple(SITE_GEOGRAPHY)

SITE_FACILITIES = {
    "northgate": ("Northgate General Hospital", "Northgate Heart & Vascular Clinic", "NGH"),
    "riverside": ("Riverside Medical Center", "Riverside Cardiology Associates", "RMC"),
    "lakeshore": ("Lakeshore Regional Health", "Lakeshore Heart Institute", "LRH"),
}
SITE_MRN_PREFIX = {"northgate": "NG", "riverside": "RS", "lakeshore": "LS"}
SITE_SOURCE_SYSTEM = {"northgate": "epic-clarity", "riverside": "cerner-millennium",
                      "lakeshore": "meditech-expanse"}

OTHER_ORGANIZATIONS = (
    "St. Brigid's Hospital", "Mercy Valley Hospital", "Holy Cross Medical Center", "Bayside Rehabilitation",
    "Cedar Grove Skilled Nursing", "Maplewood Assisted Living", "Summit Orthopedics", "Pine Ridge Family Practice",
    "Harborview Urgent Care", "Greenfield Community Health Center", "Valley Dialysis Unit",
    "Eastport Fire Department", "County EMS", "Granite State Ambulance", "Bluewater Home Health",
    "Lakeside VA Clinic", "Clearwater Pharmacy", "Crestline Cardiology Group", "Ashby Senior Center",
)
PRACTICES = ("Pine Ridge Family Practice", "Greenfield Community Health Center", "Lakeside VA Clinic",
             "Harbor Internal Medicine", "Maple Street Primary Care", "Crestline Cardiology Group",
             "Summit Family Medicine", "Two Rivers Health Partners", "Ashby Medical Associates")
PHARMACIES = ("Clearwater Pharmacy", "Main Street Drug", "Harbor Apothecary", "Valley Rx", "Millbrook Pharmacy",
              "Corner Drug & Compounding", "Riverton Family Pharmacy", "Pine Harbor Drug")
EMPLOYERS = (
    "Acme Logistics", "Harlow Paper Mill", "Riverton Public Schools", "Bright Dairy Co-op", "Northline Freight",
    "Pemberton Insurance", "Stonebury Quarry", "the post office", "Kingsley Hardware", "Tri-County Transit",
    "Marden Machine Works", "Lakeview Casino", "Clearbrook Elementary", "Greyfield Foods", "Summit Bank",
)
# 'the post office' is generic (not an identifier) and is emitted as plain text by the note generator.
GENERIC_EMPLOYERS = frozenset({"the post office"})

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com", "inbox.example.net")
INSURERS = ("BCBS", "Aetna", "UnitedHealthcare", "Cigna", "Harvard Pilgrim", "Medicare", "Medicaid",
            "Humana", "Tufts", "Anthem", "WellCare")

_ALNUM = string.ascii_uppercase + string.digits
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _letters(rng: random.Random, n: int, alphabet: str = string.ascii_uppercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def site_or_random(site: str | None, rng: random.Random) -> str:
    return site if site in SITE_GEOGRAPHY else rng.choice(_GENERIC_SITES)


def person_name(rng: random.Random, sex: str | None = None) -> tuple[str, str]:
    if sex is None:
        sex = rng.choice("FM")
    first = rng.choice(FIRST_FEMALE if sex == "F" else FIRST_MALE)
    return first, rng.choice(LAST_NAMES)


def clinician_name(rng: random.Random) -> tuple[str, str]:
    return person_name(rng)


def phone_number(rng: random.Random, area: str | None = None) -> str:
    """Structured phone in NANP form ``603-555-0142`` (exchange never 555-01xx collisions matter)."""
    area = area or str(rng.randint(201, 989))
    return f"{area}-{rng.randint(201, 989)}-{_digits(rng, 4)}"


def ssn(rng: random.Random) -> str:
    area = rng.randint(1, 898)
    area = area + 1 if area >= 666 else area  # never 000, 666 or 9xx
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def mrn(rng: random.Random, site: str | None) -> str:
    prefix = SITE_MRN_PREFIX.get(site or "", "")
    if prefix:
        return f"{prefix}{_digits(rng, 7)}"
    style = rng.randrange(4)
    if style == 0:
        return _digits(rng, 8)
    if style == 1:
        return f"E{_digits(rng, 7)}"
    if style == 2:
        return f"{rng.choice(('MR', 'H', 'CH'))}{_digits(rng, 6)}"
    return f"{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 2)}"


def health_plan_id(rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:  # Medicare Beneficiary Identifier shape
        return (f"{rng.randint(1, 9)}{_letters(rng, 1, _MBI_LETTERS)}{rng.choice(_MBI_LETTERS + '0123456789')}"
                f"{rng.randint(0, 9)}{_letters(rng, 1, _MBI_LETTERS)}{rng.choice(_MBI_LETTERS + '0123456789')}"
                f"{rng.randint(0, 9)}{_letters(rng, 2, _MBI_LETTERS)}{_digits(rng, 2)}")
    if style == 1:
        return f"{_letters(rng, 3)}{_digits(rng, 9)}"
    return f"W{_digits(rng, 9)}"


def account_number(rng: random.Random) -> str:
    return rng.choice((f"{rng.randint(1, 9)}{_digits(rng, 9)}", f"A{_digits(rng, 8)}", f"{_digits(rng, 11)}"))


def drivers_license(rng: random.Random, state: str | None = None) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{_letters(rng, 1)}{_digits(rng, 7)}"
    if style == 1:
        return f"{_digits(rng, 2)}{_letters(rng, 3)}{_digits(rng, 5)}"
    return _digits(rng, 9)


def medical_license(rng: random.Random) -> str:
    return rng.choice((f"{_letters(rng, 1)}{_digits(rng, 5)}", f"MD{_digits(rng, 6)}", f"{_digits(rng, 6)}"))


def dea_number(rng: random.Random) -> str:
    return f"{rng.choice('ABFM')}{_letters(rng, 1)}{_digits(rng, 7)}"


def npi(rng: random.Random) -> str:
    return f"1{_digits(rng, 9)}"


def vehicle_plate(rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{rng.randint(1, 9)}{_letters(rng, 3)}{_digits(rng, 3)}"
    if style == 1:
        return f"{_letters(rng, 3)}-{_digits(rng, 4)}"
    return f"{_digits(rng, 3)} {_letters(rng, 3)}"


def vin(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return f"{rng.choice('1245JKW')}{_letters(rng, 2, alphabet)}{_letters(rng, 14, alphabet)}"


def device_serial(rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{_letters(rng, 3)}{_digits(rng, 6)}{_letters(rng, 1)}"
    if style == 1:
        return _digits(rng, 6)
    return f"{_digits(rng, 3)}{_letters(rng, 2)}{_digits(rng, 5)}"


def ip_address(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if style == 1:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if style == 2:
        return f"{rng.choice((24, 50, 67, 73, 98, 108, 174))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(3)) + "::" + f"{rng.randint(1, 65535):x}"


def portal_url(rng: random.Random, site: str | None) -> str:
    token = _letters(rng, 10, _ALNUM.lower() + string.ascii_uppercase)
    host = f"mychart.{site}health.org" if site in SITE_GEOGRAPHY else rng.choice(
        ("portal.example.org", "myhealth.example.com", "patient.example.net"))
    return f"https://{host}/p/{token}"


def email_address(rng: random.Random, first: str, last: str) -> str:
    f = "".join(c for c in first.lower() if c.isalpha())
    lname = "".join(c for c in last.lower() if c.isalpha())
    style = rng.randrange(4)
    if style == 0:
        user = f"{f}.{lname}"
    elif style == 1:
        user = f"{f[0]}{lname}{rng.randint(1, 99)}"
    elif style == 2:
        user = f"{lname}{f[:3]}"
    else:
        user = f"{f}{lname[0]}{rng.randint(1940, 2005)}"
    return f"{user}@{rng.choice(EMAIL_DOMAINS)}"


def street_address(rng: random.Random) -> str:
    base = f"{rng.randint(2, 9899)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}"
    r = rng.random()
    if r < 0.15:
        base += f" Apt {rng.randint(1, 40)}{rng.choice(('', 'A', 'B', 'C'))}"
    elif r < 0.22:
        base += f" Unit {rng.randint(1, 300)}"
    return base


def address(rng: random.Random, site: str | None, restricted: bool = False) -> dict[str, str]:
    geo = SITE_GEOGRAPHY[site_or_random(site, rng)]
    if restricted:
        zip3 = rng.choice(geo["restricted_zip3"])
        state = next(s for s, v in geo["states"].items() if zip3 in v["zip3"])
    else:
        state = rng.choice(tuple(geo["states"]))
        choices = [z for z in geo["states"][state]["zip3"] if z not in geo["restricted_zip3"]]
        zip3 = rng.choice(choices)
    return {
        "street_address": street_address(rng),
        "city": rng.choice(geo["towns"]),
        "county": rng.choice(geo["counties"]),
        "state": state,
        "zip": f"{zip3}{rng.randint(1, 99):02d}",
        "area_code": rng.choice(geo["states"][state]["area"]),
    }


def make_patient(rng: random.Random, site: str | None = None, *, age: int | None = None,
                 ref_date: _dt.date | None = None, restricted_zip: bool = False) -> dict[str, Any]:
    """A full synthetic patient identity (keys match the encounters.csv identifier columns)."""
    sex = rng.choice("FM")
    first, last = person_name(rng, sex)
    ref_date = ref_date or _dt.date(2021, 6, 1)
    if age is None:
        age = max(18, min(103, int(rng.gauss(66, 14)))) if rng.random() > 0.06 else rng.randint(90, 103)
    birth = ref_date - _dt.timedelta(days=int(age * 365.25) + rng.randint(1, 360))
    addr = address(rng, site, restricted_zip)
    area = addr.pop("area_code")
    relatives = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        rel = rng.choice(("wife", "husband", "daughter", "son", "sister", "brother", "niece", "grandson",
                          "granddaughter", "partner", "neighbor", "mother"))
        rsex = "F" if rel in ("wife", "daughter", "sister", "niece", "granddaughter", "mother") else (
            "M" if rel in ("husband", "son", "brother", "grandson") else rng.choice("FM"))
        rfirst, rlast = person_name(rng, rsex)
        if rel in ("wife", "husband", "daughter", "son", "grandson", "granddaughter") and rng.random() < 0.7:
            rlast = last
        relatives.append({"relation": rel, "first": rfirst, "last": rlast,
                          "phone": phone_number(rng, area)})
    return {
        "first_name": first,
        "last_name": last,
        "middle_initial": rng.choice(string.ascii_uppercase),
        "patient_name": f"{first} {last}",
        "sex": sex,
        "birth_date": birth.isoformat(),
        "mrn": mrn(rng, site),
        "ssn": ssn(rng),
        **addr,
        "phone": phone_number(rng, area),
        "fax": phone_number(rng, area) if rng.random() < 0.25 else "",
        "email": email_address(rng, first, last) if rng.random() < 0.8 else "",
        "health_plan_id": health_plan_id(rng),
        "account_number": account_number(rng),
        "drivers_license": drivers_license(rng) if rng.random() < 0.85 else "",
        "vehicle_plate": vehicle_plate(rng) if rng.random() < 0.7 else "",
        "device_serial": device_serial(rng) if rng.random() < 0.25 else "",
        "patient_portal_url": portal_url(rng, site) if rng.random() < 0.7 else "",
        "ip_address": ip_address(rng) if rng.random() < 0.6 else "",
        "employer": rng.choice(EMPLOYERS),
        "relatives": relatives,
    }
