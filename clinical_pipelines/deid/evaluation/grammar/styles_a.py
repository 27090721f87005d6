"""Note styles, part 1: ED triage, nursing shift note, discharge summary, radiology report, pathology report,
telephone encounter. Layouts follow how these documents are commonly written in US EHRs (headers, labelled
fields, run-on nursing prose, dictation sign-offs); values come from the record."""
from __future__ import annotations

import random

from . import filler
from . import phrases as ph
from . import surface_ids as sid
from .record import Builder, Record, name_phrase


def ed_triage(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add(rng.choice(("ED TRIAGE NOTE", "EMERGENCY DEPARTMENT - TRIAGE", "Triage Assessment")), "\n")
    b.add("Arrival: ", ph.date(rec, rng, time_p=0.9), f"   Mode: {rng.choice(('EMS', 'walk-in', 'private vehicle', 'BLS'))}\n")
    b.add("Pt: ", name_phrase(rec.patient, rng, "last_first"), "   MRN ", (rec.mrn[0], "MRN"), "\n")
    b.add("CC: ", ph.age(rec, rng), f" with {rng.choice(filler.PROBLEMS)}. ")
    if rng.random() < 0.4:
        b.add("Sent from ", ph.facility(rec.other_facility, rec.other_place, rng), ". ")
    if rng.random() < 0.5:
        b.add("EMS picked up at ", ph.address(rec, rng, caps=rng.random() < 0.3), ". ")
    b.add("\nTriage vitals: ", filler.vitals(rng), "\n", filler.scores(rng), "\n")
    rel, who = rng.choice(rec.relatives)
    b.add("Accompanied by ", ph.relative(rel, who, rng), ", contact ", (rec.cell[0], "PHONE"), ".\n")
    b.add("PCP: ", ph.staff(rec.staff["pcp"], rng, "md"), f"  Allergies: {rng.choice(('NKDA', 'PCN (rash)', 'sulfa'))}\n")
    if rng.random() < 0.8:
        ph.extra_identifier(b, rec, rng)
    b.add("\nTriage: ", ph.staff(rec.staff["nurse"], rng, "rn"), "\n")


def nursing_shift(b: Builder, rec: Record, rng: random.Random) -> None:
    start = rng.choice(("0700", "1900", "07:00", "19:00"))
    b.add(f"NURSING SHIFT NOTE {start}-{rng.choice(('1930', '0730', '19:30', '07:30'))}  ", ph.date(rec, rng, time_p=0.0), "\n")
    b.add("Received ", ph.patient(rec, rng), f" from {rng.choice(('night', 'day'))} RN ",
          name_phrase(rec.staff["tech"], rng, rng.choice(("first", "initials", "lower_first"))), ". ")
    b.add(ph.sentences(rng, 2, 4), "\n")
    b.add(f"NEURO: A&Ox{rng.randint(1, 4)}, follows commands. {rng.choice(filler.EPONYMS)}.\n")
    b.add(f"CV: {filler.vitals(rng)}. {filler.ecg(rng)}.\n")
    b.add(f"GI/GU: {rng.choice(('Foley draining clear yellow urine', 'voiding qs', 'BM x1'))}, {rng.randint(150, 900)} mL out.\n")
    rel, who = rng.choice(rec.relatives)
    b.add("SOCIAL: ", ph.relative(rel, who, rng), rng.choice((" at bedside", " called", " visited")),
          " ", ph.date(rec, rng, time_p=0.7), "; updated on plan. ")
    if rng.random() < 0.5:
        b.add("Lives with ", ph.relative(*rng.choice(rec.relatives), rng), " in ", (rec.place[0], "LOCATION"), ". ")
    if rng.random() < 0.8:
        ph.extra_identifier(b, rec, rng)
    b.add("\nPlan: ", filler.med_line(rng), ". Will cont to monitor.\n")
    b.add("-- ", ph.staff(rec.staff["nurse"], rng, "rn"), "\n")


def discharge_summary(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add("DISCHARGE SUMMARY\n")
    b.add("Patient: ", name_phrase(rec.patient, rng, rng.choice(("last_first", "full_middle", "full"))), "\n")
    b.add("MRN: ", (rec.mrn[0], "MRN"), rng.choice(("   ", "\n")), "DOB: ", ph.date(rec, rng, rec.dob, 0.0), "\n")
    b.add("Admitted: ", ph.date(rec, rng, rec.admit, 0.3), "   Discharged: ", ph.date(rec, rng, rec.discharge, 0.3), "\n")
    b.add("Attending: ", ph.staff(rec.staff["attending"], rng, "md"), "\n")
    b.add("Facility: ", ph.facility(rec.facility, rec.facility_place, rng), "\n\n")
    b.add("HPI: ", ph.age(rec, rng), f" with {rng.choice(filler.PROBLEMS)}. ", ph.sentences(rng, 1, 3), "\n")
    b.add("HOSPITAL COURSE: ", ph.sentences(rng, 2, 5), " Seen by ", ph.staff(rec.staff["consultant"], rng, "md"),
          f" ({rng.choice(('cardiology', 'nephrology', 'ID', 'palliative care'))}) on ", ph.date(rec, rng, time_p=0.2), ".\n")
    b.add("DISCHARGE MEDICATIONS:\n")
    for _ in range(rng.randint(2, 5)):
        b.add(f"- {filler.med_line(rng)}\n")
    b.add("FOLLOW-UP: ", ph.staff(rec.staff["pcp"], rng, "md"), " at ", (rec.clinic, "ORGANIZATION"), " on ",
          ph.date(rec, rng, rec.date_between(rng, 5, 30), 0.5), ", tel ", (rec.pharmacy_phone[0], "PHONE"), ".\n")
    if rng.random() < 0.6:
        ph.extra_identifier(b, rec, rng)
        b.add("\n")
    if rng.random() < 0.5:
        b.add("Discharged home to ", ph.address(rec, rng), " with ", ph.relative(*rng.choice(rec.relatives), rng), ".\n")


def radiology_report(b: Builder, rec: Record, rng: random.Random) -> None:
    exam = rng.choice(("CT CHEST WITHOUT CONTRAST", "MRI BRAIN W/WO", "XR CHEST 2 VIEWS", "US RENAL", "CTA PE PROTOCOL",
                       "TTE", "CT ABD/PELVIS W CONTRAST"))
    b.add(f"EXAM: {exam}\n")
    b.add("Accession: ", (rec.other_id[1], "ID"), "   Date of service: ", ph.date(rec, rng, time_p=0.7), "\n")
    b.add("Patient: ", name_phrase(rec.patient, rng, "last_first"), "  ", ph.age(rec, rng), "  MRN ", (rec.mrn[0], "MRN"), "\n")
    b.add("Ordering: ", ph.staff(rec.staff["attending"], rng, "md"), "\n")
    b.add(f"CLINICAL HISTORY: {rng.choice(filler.PROBLEMS)}.\n")
    if rng.random() < 0.3:
        b.add("COMPARISON: None.")
    else:
        b.add("COMPARISON: Prior study ", ph.date(rec, rng, rec.date_between(rng, -900, -30), 0.5), " at ",
              ph.facility(rec.other_facility, rec.other_place, rng), ".")
    b.add("\nFINDINGS: ", filler.clinical_sentence(rng), " ", ph.sentences(rng, 1, 3), "\n")
    b.add(f"IMPRESSION:\n1. {rng.choice(filler.PROBLEMS).capitalize()}.\n2. {filler.codes(rng)}.\n")
    b.add("Dictated by: ", ph.staff(rec.staff["radiologist"], rng, "md"), "  ", ph.date(rec, rng, time_p=0.9), "\n")
    b.add("Findings communicated to ", ph.staff(rec.staff["nurse"], rng, "rn"), " by phone at ",
          f"{rng.randint(0, 23):02d}{rng.choice(('05', '20', '41'))}.\n")


def pathology_report(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add("SURGICAL PATHOLOGY REPORT\n")
    b.add("Case: ", (f"{rng.choice('SCF')}{rec.note_date.year % 100}-{rng.randint(1000, 99999)}", "ID"), "\n")
    b.add("Name: ", name_phrase(rec.patient, rng, "last_first"), "   DOB: ", ph.date(rec, rng, rec.dob, 0.0),
          "   Sex: ", rec.patient.sex, "\n")
    b.add("Collected: ", ph.date(rec, rng, rec.admit, 0.8), "\nReceived: ", ph.date(rec, rng, time_p=0.9), "\n")
    b.add("Submitting physician: ", ph.staff(rec.staff["attending"], rng, "md"), ", ",
          ph.facility(rec.facility, rec.facility_place, rng), "\n")
    site = rng.choice(("prostate, needle core biopsies", "left breast, 2 o'clock, core", "colon, sigmoid, polypectomy",
                       "skin, right forearm, shave", "lymph node, right axillary, excision"))
    b.add(f"SPECIMEN: {site}.\nDIAGNOSIS: ")
    b.add(rng.choice((f"Adenocarcinoma, Gleason score {rng.choice(('3+3=6', '3+4=7', '4+3=7', '4+4=8'))}, grade group {rng.randint(1, 4)}.",
                      f"Invasive ductal carcinoma, Nottingham grade {rng.randint(1, 3)}, ER {rng.randint(0, 95)}%, HER2 1+.",
                      "Tubular adenoma, margins negative.", f"Basal cell carcinoma, {rng.randint(1, 9)} mm from margin.")))
    b.add(f"\nStaging: pT{rng.randint(1, 4)} N{rng.randint(0, 2)} M0. Ki-67 {rng.randint(2, 60)}%.\n")
    b.add(f"GROSS: {rng.randint(2, 12)} cores, {rng.randint(1, 3)}.{rng.randint(0, 9)} cm in aggregate, entirely submitted "
          f"in {rng.randint(1, 6)} cassettes.\n")
    b.add("Electronically signed out by ", ph.staff(rec.staff["pathologist"], rng, "md"), " on ",
          ph.date(rec, rng, rec.date_between(rng, 1, 6), 0.6), "\n")


def telephone_encounter(b: Builder, rec: Record, rng: random.Random) -> None:
    b.add("TELEPHONE ENCOUNTER  ", ph.date(rec, rng, time_p=0.9), "\n")
    rel, who = rng.choice(rec.relatives)
    b.add("Caller: ", ph.relative(rel, who, rng), " re: ")
    if rng.random() < 0.4:
        b.add(name_phrase(rec.patient, rng, "last_first"), " (", (rec.mrn[0], "MRN"), ")\n")
    else:
        b.add(ph.patient(rec, rng), "\n")
    b.add("Callback #: ", (rng.choice((rec.cell, rec.phone))[0], "PHONE"))
    if rng.random() < 0.3:
        b.add(" or pager ", (sid.pager(rng)[0], "PHONE"))
    b.add("\n")
    b.add(f"Reason: {rng.choice(('refill request', 'question about new medication', 'lab results', 'worsening swelling'))}. ")
    b.add(ph.sentences(rng, 1, 3), "\n")
    b.add("Verified identity with DOB ", ph.date(rec, rng, rec.dob, 0.0), " and last 4 of SSN ",
          (rec.ssn[1][-4:], "SSN"), ".\n")
    b.add("Pharmacy: ", (rec.pharmacy, "ORGANIZATION"), ", ph ", (rec.pharmacy_phone[0], "PHONE"), ", fax ",
          (rec.fax[0], "FAX"), "\n")
    if rng.random() < 0.4:
        b.add("Pt prefers email: ", (rec.email[0], "EMAIL"), "\n")
    if rng.random() < 0.8:
        ph.extra_identifier(b, rec, rng)
        b.add("\n")
    b.add("d/w ", ph.staff(rec.staff["pcp"], rng, "md"), "; ", ph.staff(rec.staff["nurse"], rng, "rn"),
          " will call back by ", f"{rng.randint(1, 5)} pm.\n")
