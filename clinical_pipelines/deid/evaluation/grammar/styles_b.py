"""Note styles, part 2: referral letter, SOAP progress note, lab result comment, medication reconciliation,
rows pasted from spreadsheets (CSV / TSV / semicolon / pipe), home-health and social-work intake."""
from __future__ import annotations

import random

from . import filler, pools
from . import phrases as ph
from . import surface_dates as sd
from . import surface_ids as sid
from .record import Builder, Record, make_person, name_phrase


def referral_letter(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add((rec.clinic, "ORGANIZATION"), "\n", (rec.street[0] if rng.random() < 0.3 else sid.street_line(rng)[0], "LOCATION"),
          "\n", sid.city_line(rec.facility_place, rng)[0], "\nFax ", (rec.fax[0], "FAX"), "\n\n")
    b.add(ph.date(rec, rng, time_p=0.0), "\n\n")
    b.add("Dear ", ph.staff(rec.staff["consultant"], rng, "md"), ",\n\n")
    b.add("Re: ", name_phrase(rec.patient, rng, rng.choice(("full", "full_middle"))), ", DOB ",
          ph.date(rec, rng, rec.dob, 0.0), ", MRN ", (rec.mrn[0], "MRN"), "\n\n")
    b.add("Thank you for seeing this ", ph.age(rec, rng), f" for evaluation of {rng.choice(filler.PROBLEMS)}. ")
    b.add(ph.sentences(rng, 2, 4), " ")
    if rng.random() < 0.8:
        ph.extra_identifier(b, rec, rng)
    b.add(ph.pronoun(rec), " lives at ", ph.address(rec, rng), " with ",
          ph.relative(*rng.choice(rec.relatives), rng), ". ")
    b.add(ph.pronoun(rec), " can be reached at ", (rec.phone[0], "PHONE"), rng.choice((" or ", "; e-mail ")),
          (rec.email[0], "EMAIL"), ".\n\n")
    b.add("Sincerely,\n\n", ph.staff(rec.staff["pcp"], rng, "md"), "\n", "cc: ", ph.staff(rec.staff["np"], rng, "np"), "\n")


def progress_soap(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add(rng.choice(("PROGRESS NOTE", "Progress Note - Hospital Medicine", "Daily Progress Note")), "  ",
          ph.date(rec, rng, time_p=0.5), "\n")
    b.add("S: ", ph.patient(rec, rng), " reports ", rng.choice(("less dyspnea", "ongoing pain", "poor sleep", "no complaints")),
          ". Prior MI in ", sd.date_phrase(rec.date_between(rng, -3000, -200), rng, 0.0), ". ")
    if rng.random() < 0.5 and rec.age >= 60:
        b.add(rng.choice(("Celebrated ", "Looking forward to ")), "her " if rec.patient.sex == "F" else "his ",
              (str(rec.age), "AGE" if rec.age > 89 else None), sd.ordinal_suffix(rec.age), " birthday. ")
    b.add(ph.sentences(rng, 1, 2), "\n")
    if rng.random() < 0.8:
        ph.extra_identifier(b, rec, rng)
    b.add(f"\nO: {filler.vitals(rng)}\nLabs: {filler.labs(rng)}\nExam: {filler.scores(rng)}. {rng.choice(filler.EPONYMS)}.\n")
    b.add("A/P: ", ph.age(rec, rng), f" with {rng.choice(filler.PROBLEMS)}.\n")
    for i in range(rng.randint(2, 4)):
        b.add(f"{i + 1}. {rng.choice(filler.PROBLEMS).capitalize()}: {filler.med_line(rng)}.\n")
    b.add("Discussed with ", ph.staff(rec.staff["attending"], rng, "md"), " and ", ph.relative(*rng.choice(rec.relatives), rng),
          ". Dispo: ", rng.choice(("home", "SNF", "rehab")))
    if rng.random() < 0.4:
        b.add(" at ", (rec.other_facility, "ORGANIZATION"))
    b.add(" when stable.\n", ph.staff(rec.staff["resident"], rng, "md"), ", PGY-", str(rng.randint(1, 3)), "\n")


def lab_comment(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add("LAB RESULT COMMENT\n")
    b.add("Specimen received ", ph.date(rec, rng, time_p=0.95), "  Specimen ID ", (rec.other_id[1], "ID"), "\n")
    b.add("Patient: ", name_phrase(rec.patient, rng, rng.choice(("last_first", "full"))), "   MRN ", (rec.mrn[0], "MRN"),
          "   Acct ", (rec.account[0], "ACCOUNT"), "\n")
    b.add(f"Results: {filler.labs(rng)}\n{filler.codes(rng)}\n")
    b.add(f"CRITICAL VALUE: K {rng.uniform(6.2, 7.4):.1f} mmol/L called to ", ph.staff(rec.staff["nurse"], rng, "rn"),
          " at ", sd.time_text(rng), " on ", ph.date(rec, rng, time_p=0.0), ", read back verified by ",
          name_phrase(rec.staff["tech"], rng, rng.choice(("initials", "username", "first"))), ".\n")
    b.add("Ordering provider: ", ph.staff(rec.staff["attending"], rng, "md"), "  ", ph.facility(rec.facility, rec.facility_place, rng), "\n")
    if rng.random() < 0.4:
        b.add("Hemolyzed specimen; recollect ordered. Previous result ", ph.date(rec, rng, rec.date_between(rng, -60, -1), 0.6), ".\n")


def med_reconciliation(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add("MEDICATION RECONCILIATION  ", ph.date(rec, rng, time_p=0.3), "\n")
    b.add("Source: ", rng.choice(("patient", "pharmacy fill history", "pill bottles")), " and ",
          ph.relative(*rng.choice(rec.relatives), rng), "\n")
    b.add("Insurance member ID: ", (rec.plan[0], "HEALTH_PLAN"), "\n")
    for _ in range(rng.randint(3, 7)):
        b.add(f"- {filler.med_line(rng)}")
        if rng.random() < 0.2:
            b.add(", last filled ", ph.date(rec, rng, rec.date_between(rng, -80, -1), 0.0))
        b.add("\n")
    label, value, _ = rec.other_id
    b.add(f"{label} ", (value, "ID"), "\n")
    b.add("Preferred pharmacy: ", (rec.pharmacy, "ORGANIZATION"), ", ", (sid.street_line(rng)[0], "LOCATION"), ", ",
          sid.city_line(rec.place, rng)[0], "  Ph ", (rec.pharmacy_phone[0], "PHONE"), "  Fax ", (rec.fax[0], "FAX"), "\n")
    b.add("Reconciled by ", ph.staff(rec.staff["pharmacist"], rng, "pharm"), "\n")


def _csv_date(d, rng: random.Random) -> str:
    return rng.choice((d.isoformat(), f"{d.month}/{d.day}/{d.year}", f"{d.day}.{d.month}.{d.year}",
                       f"{d.day:02d}-{sd.MONTHS[d.month - 1][:3].upper()}-{d.year % 100:02d}"))


def pasted_rows(b: Builder, rec: Record, rng: random.Random) -> None:
    sep = rng.choice((",", "\t", ";", "|", ", "))
    b.add(rng.choice(("Pasted from registration export:", "Contacts (from spreadsheet):", "Roster:", "")), "\n")
    cols = rng.choice((("last", "first", "dob", "city"), ("first", "last", "relation", "phone", "city"),
                       ("mrn", "last", "first", "zip"), ("name", "dob", "phone")))
    if rng.random() < 0.7:
        b.add(sep.join(c.upper() if rng.random() < 0.3 else c for c in cols), "\n")
    people = [("self", rec.patient)] + rec.relatives[:rng.randint(1, 3)]
    for rel, p in people:
        row = []
        for c in cols:
            if c == "last":
                row.append(name_phrase(p, rng, rng.choice(("last", "last", "lower_last"))))
            elif c == "first":
                row.append(name_phrase(p, rng, rng.choice(("first", "first", "lower_first"))))
            elif c == "name":
                row.append(name_phrase(p, rng, rng.choice(("full", "last_first")) if sep.strip() != "," else "full"))
            elif c == "dob":
                d = rec.dob if rel == "self" else rec.dob.replace(year=min(rec.dob.year + rng.randint(-5, 40), 2010))
                row.append([(_csv_date(d, rng), "DATE")])
            elif c == "city":
                row.append([((rec.place if rel == "self" or rng.random() < 0.5 else rng.choice(pools.PLACES))[0], "LOCATION")])
            elif c == "relation":
                row.append([(rel, None)])
            elif c == "phone":
                row.append([((rec.phone if rel == "self" else sid.phone(rng, 0.0))[0], "PHONE")])
            elif c == "mrn":
                row.append([((rec.mrn[0] if rel == "self" else "") or "n/a", "MRN" if rel == "self" else None)])
            elif c == "zip":
                row.append([(rec.place[3], "LOCATION")])
        for i, cell in enumerate(row):
            if i:
                b.add(sep)
            b.add(cell)
        b.add("\n")
    b.add("\n", sep.join(("test", "value", "unit", "flag")), "\n")
    for test, lo, hi, unit in (("Na", 128, 148, "mmol/L"), ("Cr", 0.6, 3.9, "mg/dL"), ("Hgb", 7.1, 15.8, "g/dL")):
        v = rng.uniform(lo, hi)
        b.add(sep.join((test, f"{v:.1f}", unit, rng.choice(("", "H", "L")))), "\n")


def home_health_intake(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add(rng.choice(("HOME HEALTH INTAKE", "SOCIAL WORK ASSESSMENT", "CASE MANAGEMENT NOTE")), "  ",
          ph.date(rec, rng, time_p=0.4), "\n")
    b.add("Client: ", name_phrase(rec.patient, rng, rng.choice(("full", "last_first", "viet_order"))), ", ", ph.age(rec, rng), "\n")
    b.add(ph.birth_year(rec, rng), f" in {rng.choice(('Oaxaca', 'Manila', 'Lagos', 'Krakow', 'Hue', 'Izmir', 'Bergen', 'the Azores'))}; ")
    b.add("moved to ", (rec.place[0], "LOCATION"), ", ", (f"{rec.county} County", "LOCATION"), " in ", str(rng.randint(1960, 2015)), ".\n")
    b.add("Address: ", ph.address(rec, rng, caps=rng.random() < 0.25), "\n")
    b.add("Phone: ", (rec.phone[0], "PHONE"), "   Email: ", (rec.email[0], "EMAIL"), "\n")
    b.add("Household: lives with ", ph.relative(*rng.choice(rec.relatives), rng), "; neighbor ",
          name_phrase(make_person(rng, "word_names"), rng, "first"), " checks in daily.\n")
    b.add("Employment: retired from ", (rec.employer, "ORGANIZATION"), f" after {rng.randint(8, 40)} years.\n")
    k = rng.randrange(4)
    if k == 0:
        b.add("Transportation: drives own car, plate ", (rec.plate[0], "VEHICLE"), "; handicap placard requested.\n")
    elif k == 1:
        b.add("Vehicle VIN ", (rec.vin[0], "VEHICLE"), " registered for adapted controls.\n")
    else:
        b.add("Driver's license ", (rec.license[0], "LICENSE"), f" {rng.choice(('suspended', 'valid', 'expired'))}.\n")
    b.add("DME: ", rng.choice(("home O2 concentrator", "CPAP", "insulin pump", "wearable defibrillator")), " S/N ",
          (rec.device[0], "DEVICE"), "; remote monitor syncs from ", (rec.ip[0], "IP"), ".\n")
    b.add("Portal: ", (rec.url[0], "URL"), "   Billing acct ", (rec.account[0], "ACCOUNT"), "\n")
    b.add("SSN on file: ", (rec.ssn[0], "SSN"), "\n", ph.sentences(rng, 1, 2), "\n")
    b.add("Assessed by ", ph.staff(rec.staff["sw"], rng, "sw"), "\n")
