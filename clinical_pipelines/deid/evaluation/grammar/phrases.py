"""Reusable identifier phrases of clinical writing: staff with titles and credentials, relatives, the patient,
ages, birth years, addresses, facilities, contact lines, printed-by / signed-by footers."""
from __future__ import annotations

import random

from . import filler
from . import surface_dates as sd
from . import surface_ids as sid
from .record import Builder, Person, Record, name_phrase
from .surface_dates import Phrase


def date(rec: Record, rng: random.Random, d=None, time_p: float = 0.25) -> Phrase:
    return sd.date_phrase(d or rec.note_date, rng, time_p)


def staff(p: Person, rng: random.Random, role: str = "md") -> Phrase:
    """A clinician or staff member as notes write them: "Dr. Last", "dr last", "RN First", "ANP Last",
    "Last, MD", "First Last, RN", "R. Last, MD", "RN KT"."""
    if role == "md":
        k = rng.randrange(9)
        if k == 0:
            return [(f"{rng.choice(('Dr.', 'Dr', 'Doctor'))} ", None)] + name_phrase(p, rng, "last")
        if k == 1:
            return [("dr ", None)] + name_phrase(p, rng, "lower_last")
        if k == 2:
            return name_phrase(p, rng, "full") + [(f", {rng.choice(('MD', 'DO', 'M.D.'))}", None)]
        if k == 3:
            return name_phrase(p, rng, "initial_last") + [(", MD", None)]
        if k == 4:
            return name_phrase(p, rng, "last_first") + [(", MD", None)]
        if k == 5:
            return [("Dr. ", None)] + name_phrase(p, rng, "full_middle")
        if k == 6:
            return [("Dr. ", None)] + name_phrase(p, rng, "viet_order")
        return [("Dr. ", None)] + name_phrase(p, rng, "full")
    cred = {"rn": ("RN", "RN", "LPN", "CNA"), "np": ("ANP", "NP", "PA-C", "FNP"), "pharm": ("PharmD", "RPh"),
            "sw": ("LCSW", "MSW", "CM"), "tech": ("RT", "CNA", "EMT", "MA")}[role]
    c = rng.choice(cred)
    k = rng.randrange(7)
    if k == 0:
        return [(f"{c} ", None)] + name_phrase(p, rng, "first")
    if k == 1:
        return [(f"{c} ", None)] + name_phrase(p, rng, "last")
    if k == 2:
        return [(f"{c} ", None)] + name_phrase(p, rng, "initials")
    if k == 3:
        return name_phrase(p, rng, "full") + [(f", {c}", None)]
    if k == 4:
        return name_phrase(p, rng, "first") + [(f" {c}", None)]
    if k == 5:
        return [(f"{c}: ", None)] + name_phrase(p, rng, rng.choice(("initials", "lower_first")))
    return name_phrase(p, rng, "initial_last") + [(f", {c}", None)]


def relative(rel: str, p: Person, rng: random.Random) -> Phrase:
    """"son tomasz", "daughter Faith", "her husband, Will Baker,", "niece (Summer)"."""
    k = rng.randrange(6)
    if k == 0:
        return [(f"{rel} ", None)] + name_phrase(p, rng, "lower_first")
    if k == 1:
        return [(f"{rel} ", None)] + name_phrase(p, rng, "first")
    if k == 2:
        return [(f"{rel}, ", None)] + name_phrase(p, rng, "full")
    if k == 3:
        return [(f"{rel} (", None)] + name_phrase(p, rng, "first") + [(")", None)]
    if k == 4:
        return name_phrase(p, rng, "first") + [(f" ({rel})", None)]
    return [(f"{rel} ", None)] + name_phrase(p, rng, "full")


def patient(rec: Record, rng: random.Random) -> Phrase:
    p = rec.patient
    k = rng.randrange(6)
    if k == 0:
        return [(("Mr. " if p.sex == "M" else rng.choice(("Ms. ", "Mrs. "))), None)] + name_phrase(p, rng, "last")
    if k == 1:
        return name_phrase(p, rng, "first")
    if k == 2:
        return [("pt ", None)] + name_phrase(p, rng, "full")
    if k == 3:
        return name_phrase(p, rng, "viet_order")
    if k == 4:
        return [("Pt: ", None)] + name_phrase(p, rng, "initials")
    return name_phrase(p, rng, "full")


def pronoun(rec: Record) -> str:
    return "She" if rec.patient.sex == "F" else "He"


def age(rec: Record, rng: random.Random) -> Phrase:
    return sd.age_phrase(rec.age, rec.patient.sex, rng)


def birth_year(rec: Record, rng: random.Random) -> Phrase:
    """Birth year alone: an identifier only when the patient is over 89."""
    return sd.birth_year_phrase(rec.dob.year, rng, "AGE" if rec.age > 89 else None)


def address(rec: Record, rng: random.Random, caps: bool = False) -> Phrase:
    """Street (or PO box) line, then city / state / ZIP, on one line or two."""
    if rng.random() < 0.15:
        line: Phrase = sid.po_box(rng)
    else:
        s = rec.street[0].upper() if caps else rec.street[0]
        line = [(s, "LOCATION")]
    city, _ = sid.city_line(rec.place, rng, caps=caps)
    return line + [(rng.choice((", ", "\n", "  ", ", ")), None)] + city


def facility(name: str, place, rng: random.Random) -> Phrase:
    """"Facility", "Facility (City, ST)", "Facility in City"."""
    k = rng.randrange(4)
    if k == 0:
        return [(name, "ORGANIZATION"), (" (", None), (place[0], "LOCATION"), (f", {place[1]})", None)]
    if k == 1:
        return [(name, "ORGANIZATION"), (" in ", None), (place[0], "LOCATION")]
    return [(name, "ORGANIZATION")]


def contact(label: str, value: tuple[str, str], typ: str) -> Phrase:
    return [(label, None), (value[0], typ)]


def footer(b: Builder, rec: Record, rng: random.Random) -> None:
    """Printed-by / signed-by / page footers of EHR print-outs."""
    user = rec.staff[rng.choice(("nurse", "tech", "sw", "resident"))]
    signer = rec.staff[rng.choice(("attending", "np", "resident"))]
    k = rng.randrange(5)
    b.add("\n\n")
    if k == 0:
        b.add("Printed ", date(rec, rng, time_p=0.9), " by ", name_phrase(user, rng, "username"),
              f" at workstation {rng.randint(1, 40)}")
    elif k == 1:
        b.add("Electronically signed by: ", name_phrase(signer, rng, "last_first"),
              f", {rng.choice(('MD', 'ANP', 'DO', 'PA-C'))} ", date(rec, rng, time_p=0.8))
    elif k == 2:
        b.add(f"Page 1 of {rng.randint(1, 4)} -- printed by ", name_phrase(user, rng, "username"), " -- ",
              date(rec, rng, time_p=0.9))
    elif k == 3:
        b.add("User: ", name_phrase(user, rng, "username"), "   Printed: ", date(rec, rng, time_p=0.9),
              f"   Report ID {rng.randint(100, 999)}")
    else:
        b.add("Cosigned: ", staff(signer, rng, "md"), " ", date(rec, rng, time_p=0.5), "\nScribed by ",
              name_phrase(user, rng, "full"), " for ", staff(signer, rng, "md"))
    b.add("\n")


def sentences(rng: random.Random, lo: int, hi: int) -> str:
    return filler.paragraph(rng, rng.randint(lo, hi))


def extra_identifier(b: Builder, rec: Record, rng: random.Random) -> None:
    """One more identifier sentence of a rarer Safe Harbor type (vehicle, licence, device, IP, URL, plan, account)."""
    k = rng.randrange(8)
    if k == 0:
        b.add("Drove self; car plate ", (rec.plate[0], "VEHICLE"), " in visitor lot. ")
    elif k == 1:
        b.add("Vehicle VIN ", (rec.vin[0], "VEHICLE"), " on file for crash report. ")
    elif k == 2:
        b.add(rng.choice(("DL# ", "Driver's lic ", "Lic. no. ")), (rec.license[0], "LICENSE"), " copied at registration. ")
    elif k == 3:
        b.add(rng.choice(("Pacemaker", "ICD", "Insulin pump", "CGM", "LVAD controller")), " serial ",
              (rec.device[0], "DEVICE"), " interrogated. ")
    elif k == 4:
        b.add("Video visit connected from IP ", (rec.ip[0], "IP"), ". ")
    elif k == 5:
        b.add("Sent education link ", (rec.url[0], "URL"), " ")
    elif k == 6:
        b.add("Member ID ", (rec.plan[0], "HEALTH_PLAN"), " verified. ")
    else:
        b.add("Guarantor account ", (rec.account[0], "ACCOUNT"), ". ")
